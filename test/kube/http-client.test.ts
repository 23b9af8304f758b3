/**
 * The tool's own client (connect + KubeClient) against the simulator: pagination, the errors a user
 * sees for each way a cluster can fail, retries of transient failures, kubeconfig problems, and what
 * writes send (dry-run, field manager).
 */
import {after, afterEach, before, describe, test} from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import {mkdirSync, writeFileSync} from 'node:fs';
import {KubeError, type KubeClient} from '../../source/kube/client.ts';
import type {KubeObject} from '../../source/sim/types.ts';
import {connect, KubeconfigError, loadKubeconfig} from '../../source/kube/http-client.ts';
import {KINDS, type KindRef} from '../../source/kube/kinds.ts';
import {writeKubeconfig} from '../../source/sim/simulator.ts';
import {startDemoSimulator} from '../helpers/cluster.ts';

let env: Awaited<ReturnType<typeof startDemoSimulator>>;
let client: KubeClient;

before(async () => {
  env = await startDemoSimulator();
  client = connect({kubeconfig: env.kubeconfig});
});

after(async () => {
  await env.close();
});

afterEach(() => {
  env.sim.server.faults.clear();
});

/** Requests the tool sent (not client-node's or the controllers'). */
function toolRequests() {
  return env.sim.server.journal.all().filter(e => e.userAgent === 'ambient-migrate');
}

async function rejection(promise: Promise<unknown>): Promise<KubeError> {
  const error = await promise.then(
    () => assert.fail('expected the call to fail'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof KubeError, `expected a KubeError, got ${String(error)}`);
  return error;
}

const FOO: KindRef = {group: 'example.com', version: 'v1', kind: 'Foo', plural: 'foos', namespaced: true};

describe('reads', () => {
  test('list paginates with one request per page for the whole cluster', async () => {
    env.sim.server.journal.clear();
    const namespaces = await client.list(KINDS.namespace, {pageSize: 2});
    const names = namespaces.map(n => n.metadata.name).sort();
    assert.deepEqual(names, ['bookinfo', 'default', 'edge', 'httpbin', 'istio-system', 'kube-system', 'legacy', 'monitoring', 'payments']);
    const requests = toolRequests();
    assert.equal(requests.length, Math.ceil(names.length / 2), 'one request per page of 2');
    assert.ok(requests.every(r => r.path === '/api/v1/namespaces' && /(^|&)limit=2(&|$)/.test(r.query)));
    assert.equal(requests.filter(r => /(^|&)continue=/.test(r.query)).length, requests.length - 1, 'every page after the first sends continue=');

    env.sim.server.journal.clear();
    const pods = await client.list(KINDS.pod, {pageSize: 2});
    const podRequests = toolRequests();
    const storedPods = env.sim.cluster.list(env.sim.cluster.typeFor('', 'pods')).items;
    assert.equal(pods.length, storedPods.length);
    assert.ok(new Set(pods.map(p => p.metadata.namespace)).size >= 7, 'pods from every namespace');
    assert.equal(podRequests.length, Math.ceil(storedPods.length / 2));
    assert.ok(podRequests.length > 3);
    assert.ok(podRequests.every(r => r.path === '/api/v1/pods'), `per-namespace request: ${podRequests.map(r => r.path).join(' ')}`);
    assert.equal(new Set(pods.map(p => `${p.metadata.namespace}/${p.metadata.name}`)).size, pods.length, 'no pod twice');
  });

  test('list of one namespace stays in it', async () => {
    const pods = await client.list(KINDS.pod, {namespace: 'bookinfo', labelSelector: 'app=reviews'});
    assert.equal(pods.length, 3);
    assert.ok(pods.every(p => p.metadata.namespace === 'bookinfo' && p.metadata.labels?.app === 'reviews'));
  });

  test('list items carry apiVersion and kind', async () => {
    const deployments = await client.list(KINDS.deployment, {namespace: 'bookinfo'});
    assert.ok(deployments.length > 0);
    for (const d of deployments) assert.deepEqual([d.apiVersion, d.kind], ['apps/v1', 'Deployment']);
    const policies = await client.list(KINDS.authorizationPolicy);
    assert.ok(policies.length > 0);
    for (const p of policies) assert.deepEqual([p.apiVersion, p.kind], ['security.istio.io/v1', 'AuthorizationPolicy']);
  });

  test('list items get apiVersion and kind even when the server leaves them out, as kube-apiserver does', async () => {
    // A real server's typed lists (PodList…) have no apiVersion/kind on items; the simulator adds them.
    const server = http.createServer((_req, res) => {
      res.writeHead(200, {'Content-Type': 'application/json'});
      res.end(JSON.stringify({kind: 'NamespaceList', apiVersion: 'v1', metadata: {resourceVersion: '1'}, items: [{metadata: {name: 'a'}}]}));
    });
    await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
      const stub = connect({kubeconfig: writeKubeconfig(env.tmp.file('stub.kubeconfig'), url, 'stub')});
      const [ns] = await stub.list(KINDS.namespace);
      assert.deepEqual([ns?.apiVersion, ns?.kind, ns?.metadata.name], ['v1', 'Namespace', 'a']);
    } finally {
      await new Promise(r => server.close(r));
    }
  });

  test('get returns the object, or undefined when it does not exist', async () => {
    const ns = await client.get(KINDS.namespace, undefined, 'bookinfo');
    assert.equal(ns?.metadata.labels?.['istio-injection'], 'enabled');
    const vs = await client.get(KINDS.virtualService, 'bookinfo', 'reviews');
    assert.equal(vs?.kind, 'VirtualService');
    assert.equal(await client.get(KINDS.virtualService, 'bookinfo', 'no-such-vs'), undefined);
    assert.equal(await client.get(KINDS.configMap, 'payments', 'nope'), undefined);
  });

  test('a kind whose CRD is not installed is NotInstalled, for list and get', async () => {
    const listError = await rejection(client.list(FOO));
    assert.equal(listError.kind, 'NotInstalled');
    assert.match(listError.message, /foos\.example\.com is not installed/);
    const getError = await rejection(client.get(FOO, 'default', 'x'));
    assert.equal(getError.kind, 'NotInstalled');
  });

  test('an RBAC denial is Forbidden and names the verb, resource and group', async () => {
    env.sim.server.faults.deny({verb: 'list', resource: 'virtualservices', group: 'networking.istio.io'});
    const error = await rejection(client.list(KINDS.virtualService));
    assert.equal(error.kind, 'Forbidden');
    assert.equal(error.transient, false);
    assert.match(error.message, /cannot list resource "virtualservices" in API group "networking.istio.io"/);
    assert.equal(error.details.status, 403);
    assert.deepEqual([error.details.verb, error.details.resource, error.details.group], ['list', 'virtualservices', 'networking.istio.io']);
    // Other kinds, and other verbs on this one, still work.
    assert.ok((await client.list(KINDS.destinationRule)).length > 0);
    assert.ok(await client.get(KINDS.virtualService, 'bookinfo', 'reviews'));
  });
});

describe('transient failures', () => {
  test('a 503 with Retry-After: 0 is retried and the list succeeds', async () => {
    env.sim.server.journal.clear();
    env.sim.server.faults.add({verb: 'list', resource: 'namespaces', status: 503, retryAfterSeconds: 0});
    const namespaces = await client.list(KINDS.namespace);
    assert.equal(namespaces.length, 9);
    assert.deepEqual(toolRequests().map(r => r.status), [503, 200]);
  });

  test('a connection dropped before the answer is retried', async () => {
    env.sim.server.journal.clear();
    env.sim.server.faults.add({verb: 'get', resource: 'namespaces', name: 'payments', drop: 'before'});
    const ns = await client.get(KINDS.namespace, undefined, 'payments');
    assert.equal(ns?.metadata.name, 'payments');
    assert.deepEqual(toolRequests().map(r => r.status), [0, 200]);
  });

  test('reads give up after readAttempts and report the last failure', async () => {
    env.sim.server.journal.clear();
    env.sim.server.faults.add({verb: 'list', resource: 'services', status: 500, times: Infinity, retryAfterSeconds: 0});
    const flaky = connect({kubeconfig: env.kubeconfig, readAttempts: 3});
    const error = await rejection(flaky.list(KINDS.service));
    assert.equal(error.kind, 'ServerError');
    assert.equal(toolRequests().length, 3);
  });

  test('a server slower than timeoutMs gives Timeout', async () => {
    // The server holds every list until the client has given up: it cannot have waited for an answer.
    const gate = env.sim.server.faults.hold({verb: 'list', resource: 'configmaps', times: Infinity});
    const impatient = connect({kubeconfig: env.kubeconfig, timeoutMs: 100, readAttempts: 2});
    const error = await rejection(impatient.list(KINDS.configMap));
    gate.release();
    assert.equal(error.kind, 'Timeout');
    assert.equal(error.transient, true);
    assert.match(error.message, /did not answer GET \/api\/v1\/configmaps within 100ms/);
    assert.equal(toolRequests().filter(r => r.path === '/api/v1/configmaps').length, 2, 'two attempts, then it gave up');
  });

  test('writes are not retried: a dropped create is reported, not sent twice', async () => {
    env.sim.server.journal.clear();
    env.sim.server.faults.add({verb: 'create', resource: 'configmaps', drop: 'before'});
    const error = await rejection(client.create(KINDS.configMap, {apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'once', namespace: 'default'}}));
    assert.equal(error.kind, 'ConnectionDropped');
    assert.equal(toolRequests().length, 1);
  });
});

describe('an unreachable server', () => {
  test('is Unreachable, names the server and context, and suggests --context', async () => {
    const probe = net.createServer();
    await new Promise<void>(r => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as net.AddressInfo).port;
    await new Promise(r => probe.close(r));
    const url = `http://127.0.0.1:${port}`;
    const dead = connect({kubeconfig: writeKubeconfig(env.tmp.file('dead.kubeconfig'), url, 'prod-east')});
    assert.equal(dead.endpoint.server, url);
    const error = await rejection(dead.list(KINDS.namespace));
    assert.equal(error.kind, 'Unreachable');
    assert.ok(error.message.includes(url), error.message);
    assert.match(error.message, /context "prod-east"/);
    assert.match(error.message, /--context/);
  });
});

describe('kubeconfig problems', () => {
  test('a --kubeconfig file that does not exist', () => {
    const missing = env.tmp.file('nope/kubeconfig');
    assert.throws(
      () => loadKubeconfig({kubeconfig: missing}),
      (e: unknown) => e instanceof KubeconfigError && e.message.includes(missing) && /does not exist/.test(e.message) && /--kubeconfig/.test(e.message),
    );
  });

  test('an unknown --context lists the contexts there are', () => {
    assert.throws(
      () => connect({kubeconfig: env.kubeconfig, context: 'staging'}),
      (e: unknown) => e instanceof KubeconfigError && /context "staging"/.test(e.message) && e.message.includes('"ambient-migrate-sim"') && /--context/.test(e.message),
    );
  });

  test('a known --context is used', () => {
    const c = connect({kubeconfig: env.kubeconfig, context: 'ambient-migrate-sim'});
    assert.deepEqual(c.endpoint, {context: 'ambient-migrate-sim', server: env.sim.url, user: 'admin'});
  });

  test('$KUBECONFIG from the given environment is used', async () => {
    const c = connect({env: {KUBECONFIG: env.kubeconfig, HOME: env.tmp.dir}});
    assert.equal(c.endpoint.server, env.sim.url);
    assert.equal((await c.version()).gitVersion, 'v1.32.4');
  });

  test('~/.kube/config under the given HOME is used', () => {
    const home = env.tmp.file('home-with-config');
    mkdirSync(`${home}/.kube`, {recursive: true});
    writeKubeconfig(`${home}/.kube/config`, env.sim.url, 'from-home');
    const {config, source} = loadKubeconfig({env: {HOME: home}});
    assert.equal(config.getCurrentContext(), 'from-home');
    assert.equal(source, '~/.kube/config');
  });

  const noKubeconfig = (e: unknown) =>
    e instanceof KubeconfigError && /no kubeconfig found/.test(e.message) && /--kubeconfig FILE/.test(e.message) && /KUBECONFIG/.test(e.message) && /--demo/.test(e.message);

  test('no kubeconfig at all: $KUBECONFIG is an empty file', () => {
    const empty = env.tmp.file('empty.kubeconfig');
    writeFileSync(empty, '');
    assert.throws(() => loadKubeconfig({env: {KUBECONFIG: empty, HOME: env.tmp.dir}}), noKubeconfig);
  });

  test('no kubeconfig at all: HOME is an empty directory', () => {
    const home = env.tmp.file('empty-home');
    mkdirSync(home);
    assert.throws(() => loadKubeconfig({env: {HOME: home}}), noKubeconfig);
  });

  test('an empty --kubeconfig file says it is empty', () => {
    const empty = env.tmp.file('empty-flag.kubeconfig');
    writeFileSync(empty, '\n');
    assert.throws(() => loadKubeconfig({kubeconfig: empty}), (e: unknown) => e instanceof KubeconfigError && /is empty/.test(e.message) && /--demo/.test(e.message));
  });
});

describe('writes', () => {
  const configMap = (name: string) => ({apiVersion: 'v1', kind: 'ConfigMap', metadata: {name, namespace: 'default'}, data: {k: 'v'}});
  const stored = (namespace: string, name: string) =>
    env.sim.cluster.tryGet(env.sim.cluster.typeFor('', 'configmaps'), namespace, name) as (KubeObject & {data?: Record<string, string>}) | undefined;

  test('dry-run create, patch (merge and apply) and delete change nothing', async () => {
    env.sim.server.journal.clear();
    const created = await client.create(KINDS.configMap, configMap('dry'), {dryRun: true});
    assert.equal(created.metadata.name, 'dry');
    assert.equal(stored('default', 'dry'), undefined);

    const nsBefore = env.sim.cluster.tryGet(env.sim.cluster.typeFor('', 'namespaces'), '', 'legacy')!;
    const merged = await client.patch(KINDS.namespace, undefined, 'legacy', {metadata: {labels: {'istio.io/dataplane-mode': 'ambient'}}}, 'merge', {dryRun: true});
    assert.equal(merged.metadata.labels?.['istio.io/dataplane-mode'], 'ambient', 'the dry run shows the result');
    const nsAfter = env.sim.cluster.tryGet(env.sim.cluster.typeFor('', 'namespaces'), '', 'legacy')!;
    assert.equal(nsAfter.metadata.labels?.['istio.io/dataplane-mode'], undefined);
    assert.equal(nsAfter.metadata.resourceVersion, nsBefore.metadata.resourceVersion);

    const applied = await client.patch(
      KINDS.authorizationPolicy,
      'bookinfo',
      'waypoint-productpage',
      {apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: {name: 'waypoint-productpage', namespace: 'bookinfo'}, spec: {targetRefs: [{kind: 'Service', group: '', name: 'productpage'}], action: 'ALLOW', rules: [{to: [{operation: {methods: ['GET']}}]}]}},
      'apply',
      {dryRun: true},
    );
    assert.equal(applied.metadata.name, 'waypoint-productpage');
    assert.equal(await client.get(KINDS.authorizationPolicy, 'bookinfo', 'waypoint-productpage'), undefined);

    await client.delete(KINDS.virtualService, 'bookinfo', 'reviews', {dryRun: true});
    assert.ok(await client.get(KINDS.virtualService, 'bookinfo', 'reviews'), 'a dry-run delete keeps the object');

    const writes = toolRequests().filter(r => r.method !== 'GET');
    assert.deepEqual(writes.map(r => r.method), ['POST', 'PATCH', 'PATCH', 'DELETE']);
    for (const w of writes) {
      const query = new URLSearchParams(w.query);
      assert.equal(query.get('dryRun'), 'All', `${w.method} ${w.path}`);
      assert.equal(query.get('fieldManager'), 'ambient-migrate', `${w.method} ${w.path}`);
    }
    assert.deepEqual(
      writes.map(w => w.contentType),
      ['application/json', 'application/merge-patch+json', 'application/apply-patch+yaml', 'application/json'],
    );
  });

  test('real writes persist and are managed by ambient-migrate', async () => {
    env.sim.server.journal.clear();
    await client.create(KINDS.configMap, configMap('real'));
    assert.equal(stored('default', 'real')?.data?.k, 'v');
    await client.patch(KINDS.configMap, 'default', 'real', {data: {k: 'w'}}, 'merge');
    assert.equal(stored('default', 'real')?.data?.k, 'w');
    await client.patch(KINDS.configMap, 'default', 'real', {apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'real'}, data: {applied: 'yes'}}, 'apply', {force: true});
    const live = stored('default', 'real')!;
    assert.equal(live.data?.applied, 'yes');
    const managers = (live.metadata.managedFields ?? []).map(f => `${f.manager}:${f.operation}`);
    assert.ok(managers.includes('ambient-migrate:Apply'), managers.join(', '));
    assert.ok(managers.includes('ambient-migrate:Update'), managers.join(', '));
    for (const w of toolRequests().filter(r => r.method !== 'GET')) {
      assert.equal(new URLSearchParams(w.query).get('fieldManager'), 'ambient-migrate');
      assert.equal(new URLSearchParams(w.query).get('dryRun'), null);
    }
    await client.delete(KINDS.configMap, 'default', 'real');
    assert.equal(stored('default', 'real'), undefined);
  });

  test('a delete with a stale resourceVersion precondition is a Conflict', async () => {
    const created = await client.create(KINDS.configMap, configMap('guarded'));
    await client.patch(KINDS.configMap, 'default', 'guarded', {data: {k: 'changed'}}, 'merge');
    const error = await rejection(client.delete(KINDS.configMap, 'default', 'guarded', {resourceVersion: created.metadata.resourceVersion}));
    assert.equal(error.kind, 'Conflict');
    assert.ok(stored('default', 'guarded'));
  });

  test('creating what exists is AlreadyExists; an invalid object is Invalid with its causes', async () => {
    const exists = await rejection(client.create(KINDS.namespace, {apiVersion: 'v1', kind: 'Namespace', metadata: {name: 'bookinfo'}}));
    assert.equal(exists.kind, 'AlreadyExists');
    const invalid = await rejection(client.create(KINDS.configMap, configMap('Not_A_Name')));
    assert.equal(invalid.kind, 'Invalid');
    assert.ok(invalid.details.causes?.some(c => c.field === 'metadata.name'));
  });
});
