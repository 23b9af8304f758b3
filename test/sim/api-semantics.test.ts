/**
 * The simulator's API semantics over plain HTTP, checked against what a real kube-apiserver answers:
 * status codes and Status bodies, preconditions, dry run, field validation, patch types, paging,
 * selectors, discovery, OpenAPI, garbage collection and watch.
 */
import {after, before, describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {typeKey} from '../../source/sim/registry.ts';
import {startTestSimulator, waitFor, type TestSimulator} from '../helpers/sim.ts';

const NS = 'semantics';
const AGGREGATED_V2 = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';

interface Reply {
  status: number;
  headers: Headers;
  body: any;
}

let t: TestSimulator;

async function api(method: string, path: string, body?: unknown, contentType = 'application/json', accept?: string): Promise<Reply> {
  const res = await fetch(`${t.sim.url}${path}`, {
    method,
    headers: {
      ...(body !== undefined ? {'Content-Type': contentType} : {}),
      ...(accept ? {Accept: accept} : {}),
    },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return {status: res.status, headers: res.headers, body: parsed};
}

function expectStatus(reply: Reply, code: number, reason: string): void {
  assert.equal(reply.status, code, JSON.stringify(reply.body));
  assert.equal(reply.headers.get('content-type'), 'application/json');
  assert.equal(reply.body.kind, 'Status');
  assert.equal(reply.body.apiVersion, 'v1');
  assert.equal(reply.body.status, 'Failure');
  assert.equal(reply.body.reason, reason);
  assert.equal(reply.body.code, code);
  assert.equal(typeof reply.body.message, 'string');
}

const cmPath = (name = '', namespace = NS) => `/api/v1/namespaces/${namespace}/configmaps${name ? `/${name}` : ''}`;
const configMap = (name: string, labels?: Record<string, string>, data: Record<string, string> = {k: 'v'}) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: {name, ...(labels ? {labels} : {})},
  data,
});
const vsPath = (name = '') => `/apis/networking.istio.io/v1/namespaces/${NS}/virtualservices${name ? `/${name}` : ''}`;
const virtualService = (name: string, spec: Record<string, unknown> = {}) => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  metadata: {name},
  spec: {hosts: ['ratings'], http: [{route: [{destination: {host: 'ratings'}}]}], ...spec},
});
const deployPath = (name = '') => `/apis/apps/v1/namespaces/${NS}/deployments${name ? `/${name}` : ''}`;
const deployment = (name: string) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: {name},
  spec: {
    replicas: 1,
    selector: {matchLabels: {app: name}},
    template: {
      metadata: {labels: {app: name}},
      spec: {containers: [{name: 'app', image: 'nginx:1.27', env: [{name: 'A', value: '1'}]}, {name: 'side', image: 'busybox'}]},
    },
  },
});

async function create(path: string, object: unknown): Promise<any> {
  const reply = await api('POST', path, object);
  assert.equal(reply.status, 201, JSON.stringify(reply.body));
  return reply.body;
}

/** Reads NDJSON watch events from a streaming response. */
async function openWatch(path: string) {
  const controller = new AbortController();
  const res = await fetch(`${t.sim.url}${path}`, {signal: controller.signal});
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const lines: string[] = [];
  let ended = false;
  const next = async (timeoutMs = 5000): Promise<any> => {
    const deadline = Date.now() + timeoutMs;
    while (lines.length === 0) {
      if (ended) return undefined;
      if (Date.now() > deadline) throw new Error(`no watch event within ${timeoutMs} ms`);
      const {value, done} = await reader.read();
      if (done) ended = true;
      else {
        buffer += decoder.decode(value, {stream: true});
        const parts = buffer.split('\n');
        buffer = parts.pop()!;
        lines.push(...parts.filter(Boolean));
      }
    }
    return JSON.parse(lines.shift()!);
  };
  return {res, next, close: () => controller.abort()};
}

describe('simulated API server semantics over HTTP', () => {
  before(async () => {
    t = await startTestSimulator();
    await create('/api/v1/namespaces', {apiVersion: 'v1', kind: 'Namespace', metadata: {name: NS}});
  });
  after(async () => {
    await t?.close();
  });

  test('PUT and PATCH with a stale resourceVersion get 409 Conflict', async () => {
    const created = await create(cmPath(), configMap('stale'));
    const stale = created.metadata.resourceVersion;
    const updated = await api('PUT', cmPath('stale'), {...created, data: {k: 'v2'}});
    assert.equal(updated.status, 200);
    assert.notEqual(updated.body.metadata.resourceVersion, stale);

    const put = await api('PUT', cmPath('stale'), {...created, data: {k: 'v3'}});
    expectStatus(put, 409, 'Conflict');
    assert.match(put.body.message, /Operation cannot be fulfilled on configmaps "stale": the object has been modified/);
    for (const [contentType, patch] of [
      ['application/merge-patch+json', {metadata: {resourceVersion: stale}, data: {k: 'v4'}}],
      ['application/strategic-merge-patch+json', {metadata: {resourceVersion: stale}, data: {k: 'v4'}}],
      ['application/json-patch+json', [{op: 'replace', path: '/metadata/resourceVersion', value: stale}, {op: 'replace', path: '/data/k', value: 'v4'}]],
    ] as const) {
      expectStatus(await api('PATCH', cmPath('stale'), patch, contentType), 409, 'Conflict');
    }
    assert.equal((await api('GET', cmPath('stale'))).body.data.k, 'v2', 'no write went through');
  });

  test('every error is a Status body with kind, apiVersion, status, reason and code', async () => {
    await create(cmPath(), configMap('exists'));
    expectStatus(await api('GET', cmPath('missing')), 404, 'NotFound');
    expectStatus(await api('POST', cmPath(), configMap('exists')), 409, 'AlreadyExists');
    expectStatus(await api('POST', cmPath(), configMap('Not_Valid')), 422, 'Invalid');
    expectStatus(await api('POST', cmPath(), '{not json'), 400, 'BadRequest');
    expectStatus(await api('POST', cmPath('', 'no-such-namespace'), configMap('x')), 404, 'NotFound');
    expectStatus(await api('PATCH', cmPath('exists'), '{}', 'text/plain'), 415, 'UnsupportedMediaType');
    expectStatus(await api('GET', '/apis/nope.example.com/v1/things'), 404, 'NotFound');
    expectStatus(await api('GET', '/no/such/path'), 404, 'NotFound');
    const invalid = await api('POST', cmPath(), configMap('Not_Valid'));
    assert.equal(invalid.body.details.causes[0].field, 'metadata.name');
  });

  test('dryRun=All on create, patch and delete never persists', async () => {
    const dryCreate = await api('POST', `${cmPath()}?dryRun=All`, configMap('dry'));
    assert.equal(dryCreate.status, 201);
    assert.equal(dryCreate.body.metadata.name, 'dry');
    expectStatus(await api('GET', cmPath('dry')), 404, 'NotFound');

    const real = await create(cmPath(), configMap('dry'));
    const dryPatch = await api('PATCH', `${cmPath('dry')}?dryRun=All`, {data: {k: 'changed'}}, 'application/merge-patch+json');
    assert.equal(dryPatch.status, 200);
    assert.equal(dryPatch.body.data.k, 'changed', 'the answer shows the result');
    const afterPatch = (await api('GET', cmPath('dry'))).body;
    assert.equal(afterPatch.data.k, 'v');
    assert.equal(afterPatch.metadata.resourceVersion, real.metadata.resourceVersion);

    const dryDelete = await api('DELETE', `${cmPath('dry')}?dryRun=All`);
    assert.equal(dryDelete.status, 200);
    assert.equal((await api('GET', cmPath('dry'))).status, 200, 'still there');
    // The DeleteOptions body form too.
    assert.equal((await api('DELETE', cmPath('dry'), {kind: 'DeleteOptions', apiVersion: 'v1', dryRun: ['All']})).status, 200);
    assert.equal((await api('GET', cmPath('dry'))).status, 200, 'still there');
  });

  test('fieldValidation: Strict is a 400, Warn a Warning header, Ignore silent; all prune', async () => {
    const bogus = (name: string) => virtualService(name, {bogus: 1});
    const strict = await api('POST', `${vsPath()}?fieldValidation=Strict`, bogus('fv-strict'));
    expectStatus(strict, 400, 'BadRequest');
    assert.match(strict.body.message, /^VirtualService in version "v1" cannot be handled as a VirtualService: strict decoding error: unknown field "spec\.bogus"$/);
    expectStatus(await api('GET', vsPath('fv-strict')), 404, 'NotFound');

    const warn = await api('POST', `${vsPath()}?fieldValidation=Warn`, bogus('fv-warn'));
    assert.equal(warn.status, 201);
    assert.equal(warn.headers.get('warning'), '299 - "unknown field \\"spec.bogus\\""');
    assert.equal(warn.body.spec.bogus, undefined);

    const ignore = await api('POST', `${vsPath()}?fieldValidation=Ignore`, bogus('fv-ignore'));
    assert.equal(ignore.status, 201);
    assert.equal(ignore.headers.get('warning'), null);
    assert.equal((await api('GET', vsPath('fv-ignore'))).body.spec.bogus, undefined);

    expectStatus(await api('POST', `${vsPath()}?fieldValidation=Sloppy`, bogus('fv-bad')), 400, 'BadRequest');
  });

  test('strategic merge patch on a custom resource is 415', async () => {
    await create(vsPath(), virtualService('smp'));
    const reply = await api('PATCH', vsPath('smp'), {spec: {hosts: ['reviews']}}, 'application/strategic-merge-patch+json');
    expectStatus(reply, 415, 'UnsupportedMediaType');
    const merge = await api('PATCH', vsPath('smp'), {spec: {hosts: ['reviews']}}, 'application/merge-patch+json');
    assert.equal(merge.status, 200);
    assert.deepEqual(merge.body.spec.hosts, ['reviews']);
  });

  test('merge, JSON and strategic merge patches on a Deployment', async () => {
    const created = await create(deployPath(), deployment('patched'));
    assert.equal(created.metadata.generation, 1);

    const merge = await api('PATCH', deployPath('patched'), {spec: {replicas: 2}}, 'application/merge-patch+json');
    assert.equal(merge.status, 200);
    assert.equal(merge.body.spec.replicas, 2);
    assert.equal(merge.body.metadata.generation, 2, 'a spec change bumps generation');

    const json = await api(
      'PATCH',
      deployPath('patched'),
      [
        {op: 'test', path: '/spec/replicas', value: 2},
        {op: 'replace', path: '/spec/replicas', value: 3},
      ],
      'application/json-patch+json',
    );
    assert.equal(json.status, 200);
    assert.equal(json.body.spec.replicas, 3);
    const failedTest = await api('PATCH', deployPath('patched'), [{op: 'test', path: '/spec/replicas', value: 99}], 'application/json-patch+json');
    assert.ok(failedTest.status >= 400 && failedTest.status < 500, `a failed test op is a client error, got ${failedTest.status}`);
    assert.equal(failedTest.body.kind, 'Status');

    // SMP merges the containers list by name: `side` and app's image survive, env is merged by name.
    const smp = await api(
      'PATCH',
      deployPath('patched'),
      {spec: {template: {spec: {containers: [{name: 'app', env: [{name: 'B', value: '2'}]}]}}}},
      'application/strategic-merge-patch+json',
    );
    assert.equal(smp.status, 200);
    const containers = smp.body.spec.template.spec.containers;
    assert.deepEqual(containers.map((c: {name: string}) => c.name), ['app', 'side']);
    assert.equal(containers[0].image, 'nginx:1.27');
    assert.deepEqual(containers[0].env.map((e: {name: string}) => e.name).sort(), ['A', 'B']);

    // The same body as a merge patch replaces the list wholesale: the difference users notice.
    const replaced = await api(
      'PATCH',
      `${deployPath('patched')}?dryRun=All`,
      {spec: {template: {spec: {containers: [{name: 'app', image: 'nginx:1.28'}]}}}},
      'application/merge-patch+json',
    );
    assert.equal(replaced.status, 200);
    assert.deepEqual(replaced.body.spec.template.spec.containers.map((c: {name: string}) => c.name), ['app']);
  });

  test('the scale subresource speaks autoscaling/v1 Scale', async () => {
    await create(deployPath(), deployment('scaled'));
    const scale = await api('GET', `${deployPath('scaled')}/scale`);
    assert.equal(scale.status, 200);
    assert.equal(scale.body.kind, 'Scale');
    assert.equal(scale.body.apiVersion, 'autoscaling/v1');
    assert.equal(scale.body.spec.replicas, 1);
    assert.equal(scale.body.status.selector, 'app=scaled');
    const patched = await api('PATCH', `${deployPath('scaled')}/scale`, {spec: {replicas: 4}}, 'application/merge-patch+json');
    assert.equal(patched.status, 200);
    assert.equal(patched.body.kind, 'Scale');
    assert.equal(patched.body.spec.replicas, 4);
    const parent = (await api('GET', deployPath('scaled'))).body;
    assert.equal(parent.spec.replicas, 4);
    assert.ok(parent.metadata.managedFields.some((f: {subresource?: string}) => f.subresource === 'scale'));
    // PUT with a stale resourceVersion is a Conflict; omitting replicas (Go's omitempty) means zero.
    expectStatus(await api('PUT', `${deployPath('scaled')}/scale`, scale.body), 409, 'Conflict');
    await t.sim.settled(); // the deployment controller writes status and revision after every change
    const latest = (await api('GET', `${deployPath('scaled')}/scale`)).body;
    const zero = await api('PUT', `${deployPath('scaled')}/scale`, {...latest, spec: {}});
    assert.equal(zero.status, 200);
    assert.equal((await api('GET', deployPath('scaled'))).body.spec.replicas, 0);
    // Discovery says what the subresource returns; client-go's scale client depends on it.
    const accept = `${AGGREGATED_V2},application/json`;
    const apps = (await api('GET', '/apis', undefined, undefined, accept)).body.items.find((g: {metadata: {name: string}}) => g.metadata.name === 'apps');
    const deployments = apps.versions[0].resources.find((r: {resource: string}) => r.resource === 'deployments');
    const sub = deployments.subresources.find((r: {subresource: string}) => r.subresource === 'scale');
    assert.deepEqual(sub.responseKind, {group: 'autoscaling', version: 'v1', kind: 'Scale'});
  });

  test('create records managedFields with a whole-second time, like metav1.Time', async () => {
    const created = await create(`${cmPath()}?fieldManager=semantics-test`, configMap('timed'));
    const [entry] = created.metadata.managedFields;
    assert.equal(entry.manager, 'semantics-test');
    assert.equal(entry.operation, 'Update');
    assert.match(entry.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.match(created.metadata.creationTimestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  test('list limit/continue over 3 pages returns every item exactly once', async () => {
    const ns = 'paging';
    await create('/api/v1/namespaces', {apiVersion: 'v1', kind: 'Namespace', metadata: {name: ns}});
    const names = ['p1', 'p2', 'p3', 'p4', 'p5', 'p6', 'p7'];
    for (const name of names) await create(cmPath('', ns), configMap(name));
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    let listVersion: string | undefined;
    do {
      const reply = await api('GET', `${cmPath('', ns)}?limit=3${token ? `&continue=${encodeURIComponent(token)}` : ''}`);
      assert.equal(reply.status, 200, JSON.stringify(reply.body));
      assert.equal(reply.body.kind, 'ConfigMapList');
      pages++;
      seen.push(...reply.body.items.map((i: {metadata: {name: string}}) => i.metadata.name));
      listVersion ??= reply.body.metadata.resourceVersion;
      assert.equal(reply.body.metadata.resourceVersion, listVersion, 'every page is served at the first page\'s resourceVersion');
      token = reply.body.metadata.continue || undefined;
      // A write between pages to an item already returned must not make it come back.
      if (pages === 1) assert.equal((await api('PATCH', cmPath('p1', ns), {data: {k: 'x'}}, 'application/merge-patch+json')).status, 200);
    } while (token && pages < 10);
    assert.equal(pages, 3);
    assert.deepEqual(seen, names);
    expectStatus(await api('GET', `${cmPath('', ns)}?limit=3&continue=garbage`), 400, 'BadRequest');
  });

  test('label selectors (in, !key) and field selector metadata.name', async () => {
    const ns = 'selectors';
    await create('/api/v1/namespaces', {apiVersion: 'v1', kind: 'Namespace', metadata: {name: ns}});
    await create(cmPath('', ns), configMap('a', {tier: 'front'}));
    await create(cmPath('', ns), configMap('b', {tier: 'back'}));
    await create(cmPath('', ns), configMap('c', {tier: 'db'}));
    await create(cmPath('', ns), configMap('d'));
    const names = async (query: string) => {
      const reply = await api('GET', `${cmPath('', ns)}?${query}`);
      assert.equal(reply.status, 200, JSON.stringify(reply.body));
      return reply.body.items.map((i: {metadata: {name: string}}) => i.metadata.name);
    };
    assert.deepEqual(await names(`labelSelector=${encodeURIComponent('tier in (front,back)')}`), ['a', 'b']);
    assert.deepEqual(await names(`labelSelector=${encodeURIComponent('tier notin (front,back)')}`), ['c', 'd']);
    assert.deepEqual(await names(`labelSelector=${encodeURIComponent('!tier')}`), ['d']);
    assert.deepEqual(await names(`labelSelector=${encodeURIComponent('tier,tier!=db')}`), ['a', 'b']);
    assert.deepEqual(await names(`fieldSelector=${encodeURIComponent('metadata.name=c')}`), ['c']);
    assert.deepEqual(await names(`fieldSelector=${encodeURIComponent('metadata.name!=c')}&labelSelector=tier`), ['a', 'b']);
    // Across namespaces, metadata.namespace selects.
    const all = await api('GET', `/api/v1/configmaps?fieldSelector=${encodeURIComponent(`metadata.namespace=${ns}`)}`);
    assert.deepEqual(all.body.items.map((i: {metadata: {name: string}}) => i.metadata.name), ['a', 'b', 'c', 'd']);
    expectStatus(await api('GET', `${cmPath('', ns)}?labelSelector=${encodeURIComponent('tier in front')}`), 400, 'BadRequest');
  });

  test('aggregated discovery answers with the exact v2 Content-Type; plain Accept gets the legacy lists', async () => {
    const accept = `${AGGREGATED_V2},application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json`;
    const apis = await api('GET', '/apis', undefined, undefined, accept);
    assert.equal(apis.status, 200);
    assert.equal(apis.headers.get('content-type'), AGGREGATED_V2);
    assert.equal(apis.body.kind, 'APIGroupDiscoveryList');
    assert.equal(apis.body.apiVersion, 'apidiscovery.k8s.io/v2');
    const istio = apis.body.items.find((g: {metadata: {name: string}}) => g.metadata.name === 'networking.istio.io');
    const v1 = istio.versions.find((v: {version: string}) => v.version === 'v1');
    const vs = v1.resources.find((r: {resource: string}) => r.resource === 'virtualservices');
    assert.deepEqual(vs.responseKind, {group: 'networking.istio.io', version: 'v1', kind: 'VirtualService'});
    assert.equal(vs.scope, 'Namespaced');
    assert.ok(vs.shortNames.includes('vs'));

    const core = await api('GET', '/api', undefined, undefined, accept);
    assert.equal(core.headers.get('content-type'), AGGREGATED_V2);
    assert.equal(core.body.items[0].metadata.name, '');

    const legacy = await api('GET', '/apis', undefined, undefined, 'application/json');
    assert.equal(legacy.headers.get('content-type'), 'application/json');
    assert.equal(legacy.body.kind, 'APIGroupList');
    assert.equal((await api('GET', '/api', undefined, undefined, 'application/json')).body.kind, 'APIVersions');
  });

  test('legacy discovery: /apis/networking.istio.io/v1 is an APIResourceList', async () => {
    const reply = await api('GET', '/apis/networking.istio.io/v1');
    assert.equal(reply.status, 200);
    assert.equal(reply.body.kind, 'APIResourceList');
    assert.equal(reply.body.groupVersion, 'networking.istio.io/v1');
    const vs = reply.body.resources.find((r: {name: string}) => r.name === 'virtualservices');
    assert.equal(vs.kind, 'VirtualService');
    assert.equal(vs.namespaced, true);
    assert.ok(vs.verbs.includes('patch') && vs.verbs.includes('watch'));
    const coreList = await api('GET', '/api/v1');
    assert.ok(coreList.body.resources.some((r: {name: string; namespaced: boolean}) => r.name === 'namespaces' && !r.namespaced));
    expectStatus(await api('GET', '/apis/networking.istio.io/v9'), 404, 'NotFound');
  });

  test('OpenAPI v3: index, and a group-version document whose PATCH takes fieldValidation', async () => {
    const index = await api('GET', '/openapi/v3');
    assert.equal(index.status, 200);
    const entry = index.body.paths['apis/networking.istio.io/v1'];
    assert.match(entry.serverRelativeURL, /^\/openapi\/v3\/apis\/networking\.istio\.io\/v1\?hash=[0-9a-f]+$/);
    assert.ok(index.body.paths['api/v1'], 'core group-version listed');
    const doc = await api('GET', entry.serverRelativeURL);
    assert.equal(doc.status, 200);
    const patchOps = Object.values(doc.body.paths as Record<string, {patch?: any}>)
      .map(p => p.patch)
      .filter(Boolean);
    const vsPatch = patchOps.find(op => op['x-kubernetes-group-version-kind']?.kind === 'VirtualService');
    assert.ok(vsPatch, 'a PATCH operation for VirtualService');
    assert.ok(vsPatch.parameters.some((p: {name: string}) => p.name === 'fieldValidation'));
    assert.ok(doc.body.components.schemas['io.istio.networking.v1.VirtualService'], 'the CRD schema is published');
  });

  test('/version reports Kubernetes 1.32', async () => {
    const reply = await api('GET', '/version');
    assert.equal(reply.status, 200);
    assert.equal(reply.body.major, '1');
    assert.equal(reply.body.minor, '32');
    assert.match(reply.body.gitVersion, /^v1\.32\./);
  });

  test('deleting a Deployment garbage-collects its ReplicaSets and Pods', async () => {
    const owned = async () => {
      const rs = (await api('GET', `/apis/apps/v1/namespaces/${NS}/replicasets?labelSelector=app%3Dgc`)).body.items;
      const pods = (await api('GET', `/api/v1/namespaces/${NS}/pods?labelSelector=app%3Dgc`)).body.items;
      return {rs: rs.length as number, pods: pods.length as number};
    };
    await create(deployPath(), {...deployment('gc'), spec: {...deployment('gc').spec, replicas: 2}});
    await t.sim.settled();
    assert.deepEqual(await owned(), {rs: 1, pods: 2});
    const deleted = await api('DELETE', deployPath('gc'), {kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background'});
    assert.equal(deleted.status, 200);
    assert.equal(deleted.body.kind, 'Deployment', 'a built-in delete answers with the object');
    let counts = await owned();
    await waitFor(() => counts.rs === 0 && counts.pods === 0, undefined, 'garbage collection');
    counts = await owned();
    assert.deepEqual(counts, {rs: 0, pods: 0});
  });

  test('deleting a namespace removes its objects', async () => {
    const ns = 'doomed';
    await create('/api/v1/namespaces', {apiVersion: 'v1', kind: 'Namespace', metadata: {name: ns}});
    await create(cmPath('', ns), configMap('inside'));
    await create(`/apis/networking.istio.io/v1/namespaces/${ns}/virtualservices`, virtualService('inside'));
    assert.equal((await api('DELETE', `/api/v1/namespaces/${ns}`)).status, 200);
    const gone = async () => (await api('GET', `/api/v1/namespaces/${ns}`)).status === 404;
    let done = await gone();
    const deadline = Date.now() + 5000;
    while (!done && Date.now() < deadline) {
      await new Promise(r => setTimeout(r, 50));
      done = await gone();
    }
    assert.ok(done, 'the namespace is gone');
    expectStatus(await api('GET', cmPath('inside', ns)), 404, 'NotFound');
    expectStatus(await api('GET', `/apis/networking.istio.io/v1/namespaces/${ns}/virtualservices/inside`), 404, 'NotFound');
    const recreate = await api('POST', cmPath('', ns), configMap('late'));
    expectStatus(recreate, 404, 'NotFound');
    assert.equal(recreate.body.message, 'namespaces "doomed" not found');
  });

  test('watch streams ADDED, MODIFIED, DELETED as NDJSON from a resourceVersion', async () => {
    const list = await api('GET', cmPath());
    const rv = list.body.metadata.resourceVersion;
    const watch = await openWatch(`${cmPath()}?watch=true&resourceVersion=${rv}`);
    try {
      assert.equal(watch.res.status, 200);
      assert.equal(watch.res.headers.get('content-type'), 'application/json');
      await create(cmPath(), configMap('watched'));
      await api('PATCH', cmPath('watched'), {data: {k: 'v2'}}, 'application/merge-patch+json');
      await api('DELETE', cmPath('watched'));
      const events = [await watch.next(), await watch.next(), await watch.next()];
      assert.deepEqual(
        events.map(e => [e.type, e.object.kind, e.object.metadata.name]),
        [
          ['ADDED', 'ConfigMap', 'watched'],
          ['MODIFIED', 'ConfigMap', 'watched'],
          ['DELETED', 'ConfigMap', 'watched'],
        ],
      );
      assert.equal(events[1].object.data.k, 'v2');
      const versions = events.map(e => Number(e.object.metadata.resourceVersion));
      assert.ok(versions[0]! > Number(rv) && versions[0]! < versions[1]! && versions[1]! < versions[2]!, `increasing: ${versions}`);
    } finally {
      watch.close();
    }
  });

  test('a watch from a compacted resourceVersion gets an ERROR event with code 410', async () => {
    // Push the history window past the start: the store keeps a bounded number of events, like etcd compaction.
    const store = t.sim.cluster.store;
    const filler = (await api('GET', cmPath('stale'))).body;
    const start = store.resourceVersion;
    while (store.oldestWatchableVersion <= start) {
      store.put(typeKey('', 'configmaps'), {...filler, metadata: {...filler.metadata, name: 'churn'}});
    }
    const watch = await openWatch(`${cmPath()}?watch=true&resourceVersion=${start}`);
    try {
      const event = await watch.next();
      assert.equal(event.type, 'ERROR');
      assert.equal(event.object.kind, 'Status');
      assert.equal(event.object.code, 410);
      assert.equal(event.object.reason, 'Expired');
      assert.match(event.object.message, /too old resource version/);
      assert.equal(await watch.next(), undefined, 'the stream ends');
    } finally {
      watch.close();
    }
  });
});
