/**
 * Conformance: the real kubectl against the simulator seeded with the demo cluster. If kubectl cannot do
 * it against the simulator, the simulator is wrong.
 */
import {after, before, describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {writeFileSync} from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import {DEMO_FIXTURES, kubectlSkip, startTestSimulator, waitFor, type KubectlResult, type TestSimulator} from '../helpers/sim.ts';

const skip = kubectlSkip();

/** A VirtualService manifest for `apply -f`; `weight` changes the route so a re-apply is an edit. */
function virtualService(name: string, options: {weight?: number; extraSpec?: Record<string, unknown>} = {}): string {
  const route: Record<string, unknown> = {destination: {host: 'ratings'}};
  if (options.weight !== undefined) route.weight = options.weight;
  return yaml.dump({
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: {name, namespace: 'bookinfo'},
    spec: {hosts: ['ratings'], http: [{route: [route]}], ...options.extraSpec},
  });
}

function ok(result: KubectlResult): string {
  assert.equal(result.code, 0, `kubectl failed (${result.code}):\n${result.stderr}${result.stdout}`);
  return result.stdout;
}

/** The rows of kubectl's table output, split on runs of spaces. */
function rows(output: string): string[][] {
  return output
    .trim()
    .split('\n')
    .map(line => line.trim().split(/\s{2,}/));
}

describe('real kubectl against the simulated demo cluster', {skip}, () => {
  let t: TestSimulator;
  let dir: string;
  const manifest = (file: string, content: string) => {
    const target = path.join(dir, file);
    writeFileSync(target, content);
    return target;
  };

  before(async () => {
    t = await startTestSimulator({fixtures: [DEMO_FIXTURES]});
    dir = t.tempDir();
  });
  after(async () => {
    await t?.close();
  });

  test('get ns lists the demo namespaces, all Active', async () => {
    const table = rows(ok(await t.kubectl(['get', 'ns'])));
    assert.deepEqual(table[0]!.slice(0, 2), ['NAME', 'STATUS']);
    const names = table.slice(1).map(r => r[0]);
    for (const ns of ['bookinfo', 'payments', 'legacy', 'edge', 'httpbin', 'monitoring', 'istio-system', 'kube-system', 'default']) {
      assert.ok(names.includes(ns), `namespace ${ns} missing from ${names.join(',')}`);
    }
    for (const row of table.slice(1)) assert.equal(row[1], 'Active', `namespace ${row[0]}`);
  });

  test('get pods -A adds NAMESPACE; injected bookinfo pods are 2/2 Running', async () => {
    const table = rows(ok(await t.kubectl(['get', 'pods', '-A'])));
    assert.deepEqual(table[0]!.slice(0, 4), ['NAMESPACE', 'NAME', 'READY', 'STATUS']);
    const bookinfo = table.slice(1).filter(r => r[0] === 'bookinfo');
    assert.ok(bookinfo.length >= 6, `expected the 6 bookinfo pods, got ${bookinfo.length}`);
    for (const row of bookinfo) assert.deepEqual(row.slice(2, 4), ['2/2', 'Running'], row.join(' '));
    // httpbin is ambient: no sidecar.
    const httpbin = table.slice(1).filter(r => r[0] === 'httpbin');
    assert.ok(httpbin.length > 0);
    for (const row of httpbin) assert.equal(row[2], '1/1');
  });

  test('label ns adds a label and key- removes it', async () => {
    assert.match(ok(await t.kubectl(['label', 'ns', 'legacy', 'conformance=yes'])), /namespace\/legacy labeled/);
    const labels = () => t.kubectl(['get', 'ns', 'legacy', '-o', 'jsonpath={.metadata.labels}']);
    assert.equal(JSON.parse(ok(await labels())).conformance, 'yes');
    assert.match(ok(await t.kubectl(['label', 'ns', 'legacy', 'conformance-'])), /namespace\/legacy unlabeled/);
    const after = JSON.parse(ok(await labels()));
    assert.equal(after.conformance, undefined);
    assert.equal(after['istio-injection'], 'enabled', 'other labels survive');
  });

  test('client-side apply: created, unchanged, configured', async () => {
    const file = manifest('csa.yaml', virtualService('conf-csa'));
    assert.match(ok(await t.kubectl(['apply', '-f', file])), /virtualservice\.networking\.istio\.io\/conf-csa created/);
    assert.match(ok(await t.kubectl(['apply', '-f', file])), /virtualservice\.networking\.istio\.io\/conf-csa unchanged/);
    manifest('csa.yaml', virtualService('conf-csa', {weight: 100}));
    assert.match(ok(await t.kubectl(['apply', '-f', file])), /virtualservice\.networking\.istio\.io\/conf-csa configured/);
    const weight = ok(await t.kubectl(['get', 'vs', 'conf-csa', '-n', 'bookinfo', '-o', 'jsonpath={.spec.http[0].route[0].weight}']));
    assert.equal(weight, '100');
  });

  test('server-side apply after a client-side apply migrates ownership to manager kubectl (Apply)', async () => {
    const file = manifest('ssa.yaml', virtualService('conf-csa', {weight: 100}));
    assert.match(ok(await t.kubectl(['apply', '--server-side', '-f', file])), /conf-csa serverside-applied/);
    const object = JSON.parse(ok(await t.kubectl(['get', 'vs', 'conf-csa', '-n', 'bookinfo', '-o', 'json', '--show-managed-fields'])));
    const managers = (object.metadata.managedFields as Array<{manager: string; operation: string; fieldsV1: Record<string, any>}>) ?? [];
    const kubectl = managers.find(m => m.manager === 'kubectl');
    assert.ok(kubectl, `no kubectl manager in ${JSON.stringify(managers)}`);
    assert.equal(kubectl.operation, 'Apply');
    assert.ok(kubectl.fieldsV1['f:spec']?.['f:http'], 'kubectl owns spec.http');
    // kubectl rewrote the client-side-apply entry: nobody else owns the spec any more.
    assert.ok(!managers.some(m => m.manager === 'kubectl-client-side-apply' && m.fieldsV1['f:spec']));
    // Now the applier can drop the weight without a conflict.
    manifest('ssa.yaml', virtualService('conf-csa'));
    ok(await t.kubectl(['apply', '--server-side', '-f', file]));
    const weight = ok(await t.kubectl(['get', 'vs', 'conf-csa', '-n', 'bookinfo', '-o', 'jsonpath={.spec.http[0].route[0].weight}']));
    assert.equal(weight, '');
  });

  test('server-side apply: conflict with another field manager, then --force-conflicts', async () => {
    const file = manifest('conflict.yaml', virtualService('conf-ssa'));
    assert.match(ok(await t.kubectl(['apply', '--server-side', '-f', file])), /conf-ssa serverside-applied/);
    manifest('conflict.yaml', virtualService('conf-ssa', {weight: 100}));
    const refused = await t.kubectl(['apply', '--server-side', '--field-manager=other', '-f', file]);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /Apply failed with 1 conflict: conflict with "kubectl"/);
    assert.match(refused.stderr, /\.spec\.http/);
    assert.match(refused.stderr, /--force-conflicts/);
    ok(await t.kubectl(['apply', '--server-side', '--field-manager=other', '--force-conflicts', '-f', file]));
    const object = JSON.parse(ok(await t.kubectl(['get', 'vs', 'conf-ssa', '-n', 'bookinfo', '-o', 'json', '--show-managed-fields'])));
    assert.equal(object.spec.http[0].route[0].weight, 100);
    const owner = object.metadata.managedFields.find((m: {manager: string}) => m.manager === 'other');
    assert.equal(owner?.operation, 'Apply');
    assert.ok(owner.fieldsV1['f:spec']['f:http'], 'the forced apply took spec.http over');
  });

  test('an invalid HTTPRoute is rejected naming the field', async () => {
    const file = manifest(
      'route.yaml',
      yaml.dump({
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'HTTPRoute',
        metadata: {name: 'bad-route', namespace: 'bookinfo'},
        spec: {parentRefs: [{kind: 'Service', group: ''}]},
      }),
    );
    const result = await t.kubectl(['apply', '-f', file]);
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /The HTTPRoute "bad-route" is invalid/);
    assert.match(result.stderr, /spec\.parentRefs\[0\]\.name: Required value/);
    assert.match((await t.kubectl(['get', 'httproute', 'bad-route', '-n', 'bookinfo'])).stderr, /NotFound/);
  });

  test('unknown fields: strict validation by default, a warning with --validate=warn', async () => {
    const file = manifest('bogus.yaml', virtualService('conf-bogus', {extraSpec: {bogus: 1}}));
    const strict = await t.kubectl(['apply', '-f', file]);
    assert.notEqual(strict.code, 0);
    assert.match(strict.stderr, /Error from server \(BadRequest\).*strict decoding error: unknown field "spec\.bogus"/);
    const warned = await t.kubectl(['apply', '--validate=warn', '-f', file]);
    assert.equal(warned.code, 0, warned.stderr);
    assert.match(warned.stderr, /Warning: unknown field "spec\.bogus"/);
    const spec = JSON.parse(ok(await t.kubectl(['get', 'vs', 'conf-bogus', '-n', 'bookinfo', '-o', 'jsonpath={.spec}'])));
    assert.equal(spec.bogus, undefined, 'the unknown field is pruned');
  });

  test('apply --dry-run=server changes nothing; diff shows the change', async () => {
    const file = manifest('dry.yaml', virtualService('conf-dry'));
    ok(await t.kubectl(['apply', '-f', file]));
    const before = JSON.parse(ok(await t.kubectl(['get', 'vs', 'conf-dry', '-n', 'bookinfo', '-o', 'json'])));
    manifest('dry.yaml', virtualService('conf-dry', {weight: 100}));
    assert.match(ok(await t.kubectl(['apply', '--dry-run=server', '-f', file])), /configured \(server dry run\)/);
    const afterDry = JSON.parse(ok(await t.kubectl(['get', 'vs', 'conf-dry', '-n', 'bookinfo', '-o', 'json'])));
    assert.equal(afterDry.metadata.resourceVersion, before.metadata.resourceVersion);
    assert.deepEqual(afterDry.spec, before.spec);
    // kubectl diff exits 1 when there are differences and prints a unified diff.
    const diff = await t.kubectl(['diff', '-f', file]);
    assert.equal(diff.code, 1, diff.stderr);
    assert.match(diff.stdout, /^\+\s+weight: 100$/m);
    manifest('dry.yaml', virtualService('conf-dry'));
    const same = await t.kubectl(['diff', '-f', file]);
    assert.equal(same.code, 0, same.stderr + same.stdout);
    assert.equal(same.stdout, '');
  });

  test('delete, then get says NotFound', async () => {
    const file = manifest('del.yaml', virtualService('conf-del'));
    ok(await t.kubectl(['apply', '-f', file]));
    assert.match(ok(await t.kubectl(['delete', 'vs', 'conf-del', '-n', 'bookinfo'])), /virtualservice\.networking\.istio\.io "conf-del" deleted/);
    const result = await t.kubectl(['get', 'vs', 'conf-del', '-n', 'bookinfo']);
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /Error from server \(NotFound\): virtualservices\.networking\.istio\.io "conf-del" not found/);
  });

  test('rollout restart then rollout status finishes with new pods', async () => {
    const podNames = async () =>
      ok(await t.kubectl(['get', 'pods', '-n', 'bookinfo', '-l', 'app=details', '-o', 'name']))
        .trim()
        .split('\n')
        .filter(Boolean)
        .sort();
    const before = await podNames();
    assert.ok(before.length > 0);
    assert.match(ok(await t.kubectl(['rollout', 'restart', 'deployment/details-v1', '-n', 'bookinfo'])), /deployment\.apps\/details-v1 restarted/);
    const status = await t.kubectl(['rollout', 'status', 'deployment/details-v1', '-n', 'bookinfo', '--timeout=20s']);
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, /deployment "details-v1" successfully rolled out/);
    // The old pods may still be listed for a moment, Terminating, as on a real cluster.
    let afterRestart = await podNames();
    for (const deadline = Date.now() + 10_000; afterRestart.some(n => before.includes(n)) && Date.now() < deadline; ) {
      await new Promise(r => setTimeout(r, 100));
      afterRestart = await podNames();
    }
    assert.equal(afterRestart.length, before.length);
    for (const name of afterRestart) assert.ok(!before.includes(name), `${name} was not replaced`);
  });

  test('a deleted pod is Terminating until its kubelet is done; --grace-period=0 --force removes it at once', async () => {
    // Its own cluster, whose kubelet takes long enough (2 s) for several kubectl calls to see the pod go.
    const t = await startTestSimulator({fixtures: [DEMO_FIXTURES], podTerminationMs: 2000});
    try {
      const pods = ok(await t.kubectl(['get', 'pods', '-n', 'payments', '-l', 'app=api', '-o', 'name'])).trim().split('\n');
      const [first, second] = pods.map(p => p.replace('pod/', ''));
      assert.ok(first && second, pods.join(', '));
      assert.match(ok(await t.kubectl(['delete', 'pod', first, '-n', 'payments', '--wait=false'])), new RegExp(`pod "${first}" deleted`));
      const listed = ok(await t.kubectl(['get', 'pod', first, '-n', 'payments', '-o', 'jsonpath={.metadata.deletionTimestamp} {.metadata.deletionGracePeriodSeconds}']));
      assert.match(listed, /^\d{4}-\d\d-\d\dT[\d:]+Z 30$/, 'marked for deletion with the pod\'s grace period');
      // A write to a Terminating pod (a controller labelling it) is just a write: it stays Terminating.
      ok(await t.kubectl(['label', 'pod', first, '-n', 'payments', 'seen=yes']));
      assert.match(ok(await t.kubectl(['get', 'pod', first, '-n', 'payments', '-o', 'jsonpath={.metadata.labels.seen} {.metadata.deletionGracePeriodSeconds}'])), /^yes 30$/);
      // kubectl delete waits, by default, until the kubelet has removed the pod.
      assert.match(ok(await t.kubectl(['delete', 'pod', second, '-n', 'payments', '--timeout=20s'])), new RegExp(`pod "${second}" deleted`));
      const gone = await t.kubectl(['get', 'pod', second, '-n', 'payments']);
      assert.match(gone.stderr, /NotFound/);
      // The ReplicaSet has replaced them; a forced delete of a replacement leaves nothing Terminating.
      const replacement = ok(await t.kubectl(['get', 'pods', '-n', 'payments', '-l', 'app=api', '-o', 'jsonpath={.items[?(@.metadata.name!="' + first + '")].metadata.name}']))
        .split(' ')
        .find(n => n && n !== second);
      assert.ok(replacement);
      const forced = await t.kubectl(['delete', 'pod', replacement, '-n', 'payments', '--grace-period=0', '--force', '--wait=false']);
      assert.equal(forced.code, 0, forced.stderr);
      assert.match((await t.kubectl(['get', 'pod', replacement, '-n', 'payments'])).stderr, /NotFound/);
    } finally {
      await t.close();
    }
  });

  test('rollout undo goes back to the previous ReplicaSet', async () => {
    const deploy = ['deployment/reviews-v1', '-n', 'bookinfo'];
    ok(await t.kubectl(['rollout', 'restart', ...deploy]));
    ok(await t.kubectl(['rollout', 'status', ...deploy, '--timeout=20s']));
    const restarted = JSON.parse(ok(await t.kubectl(['get', ...deploy, '-o', 'json'])));
    assert.ok(restarted.spec.template.metadata.annotations['kubectl.kubernetes.io/restartedAt']);
    assert.match(ok(await t.kubectl(['rollout', 'undo', ...deploy])), /deployment\.apps\/reviews-v1 rolled back/);
    ok(await t.kubectl(['rollout', 'status', ...deploy, '--timeout=20s']));
    const undone = JSON.parse(ok(await t.kubectl(['get', ...deploy, '-o', 'json'])));
    assert.equal(undone.spec.template.metadata.annotations?.['kubectl.kubernetes.io/restartedAt'], undefined);
    // The original ReplicaSet is reused and becomes revision 3, as kube-controller-manager does.
    const history = ok(await t.kubectl(['rollout', 'history', ...deploy]));
    assert.deepEqual(
      rows(history)
        .slice(2)
        .map(r => r[0]!.split(/\s+/)[0]),
      ['2', '3'],
    );
    const replicaSets = rows(ok(await t.kubectl(['get', 'rs', '-n', 'bookinfo', '-l', 'app=reviews,version=v1'])));
    assert.equal(replicaSets.length - 1, 2, replicaSets.join('\n'));
  });

  test('scale, also with a --current-replicas precondition (GET and PUT of the scale subresource)', async () => {
    const deploy = ['deployment/ratings-v1', '-n', 'bookinfo'];
    assert.match(ok(await t.kubectl(['scale', ...deploy, '--replicas=3'])), /deployment\.apps\/ratings-v1 scaled/);
    await t.sim.settled();
    assert.equal(ok(await t.kubectl(['get', ...deploy, '-o', 'jsonpath={.spec.replicas}/{.status.readyReplicas}'])), '3/3');
    const wrong = await t.kubectl(['scale', ...deploy, '--current-replicas=2', '--replicas=1']);
    assert.notEqual(wrong.code, 0);
    assert.match(wrong.stderr, /Expected replicas to be 2, was 3/);
    ok(await t.kubectl(['scale', ...deploy, '--current-replicas=3', '--replicas=1']));
    await t.sim.settled();
    assert.equal(rows(ok(await t.kubectl(['get', 'pods', '-n', 'bookinfo', '-l', 'app=ratings']))).length - 1, 1);
  });

  test('auth can-i (a protobuf SelfSubjectAccessReview) follows the simulated RBAC', async () => {
    const allowed = await t.kubectl(['auth', 'can-i', 'patch', 'namespaces']);
    assert.equal(allowed.code, 0, allowed.stderr);
    assert.equal(allowed.stdout.trim(), 'yes');
    t.sim.server.faults.deny({verb: 'delete', resource: 'pods', namespace: 'bookinfo'});
    try {
      const denied = await t.kubectl(['auth', 'can-i', 'delete', 'pods', '-n', 'bookinfo']);
      assert.equal(denied.code, 1);
      assert.match(denied.stdout, /^no\b/);
      assert.equal((await t.kubectl(['auth', 'can-i', 'delete', 'pods', '-n', 'payments'])).stdout.trim(), 'yes');
    } finally {
      t.sim.server.faults.clear();
    }
  });

  test('get virtualservices -A -o yaml is a kind: List of the demo VirtualServices', async () => {
    const list = yaml.load(ok(await t.kubectl(['get', 'virtualservices', '-A', '-o', 'yaml']))) as {
      kind: string;
      items: Array<{kind: string; metadata: {name: string; namespace: string}}>;
    };
    assert.equal(list.kind, 'List');
    const names = list.items.map(i => `${i.metadata.namespace}/${i.metadata.name}`);
    for (const name of ['bookinfo/bookinfo', 'bookinfo/reviews']) assert.ok(names.includes(name), `${name} missing from ${names}`);
    for (const item of list.items) assert.equal(item.kind, 'VirtualService');
  });

  test('get vs --chunk-size=1 -A paginates with continue tokens', async () => {
    const journal = t.sim.server.journal;
    const start = journal.all().length;
    const table = rows(ok(await t.kubectl(['get', 'vs', '-A', '--chunk-size=1'])));
    const names = table.slice(1).map(r => `${r[0]}/${r[1]}`);
    assert.ok(names.includes('bookinfo/bookinfo') && names.includes('bookinfo/reviews'), names.join(','));
    assert.equal(new Set(names).size, names.length, 'no row twice');
    const lists = journal
      .all()
      .slice(start)
      .filter(e => e.method === 'GET' && e.path === '/apis/networking.istio.io/v1/virtualservices');
    assert.ok(lists.length > 1, `expected several list requests, got ${lists.length}`);
    assert.ok(lists.every(e => /(^|&)limit=1(&|$)/.test(e.query)));
    assert.ok(lists.slice(1).every(e => /(^|&)continue=/.test(e.query)));
    assert.equal(lists.length, names.length, 'one page per object');
  });

  test('get ns -w prints a namespace created while watching', async () => {
    const child = t.spawnKubectl(['get', 'ns', '-w']);
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', chunk => (stdout += chunk));
    child.stderr!.setEncoding('utf8').on('data', chunk => (stderr += chunk));
    try {
      await waitFor(() => /^bookinfo\s+Active/m.test(stdout), undefined, `the initial listing (stderr: ${stderr})`);
      const journal = t.sim.server.journal;
      await waitFor(
        () => journal.all().some(e => e.path === '/api/v1/namespaces' && e.attributes?.verb === 'watch'),
        10_000,
        'the watch request',
      );
      assert.ok(!/watched-ns/.test(stdout));
      t.sim.cluster.create(t.sim.cluster.typeFor('', 'namespaces'), '', {apiVersion: 'v1', kind: 'Namespace', metadata: {name: 'watched-ns'}});
      await waitFor(() => /^watched-ns\s+Active/m.test(stdout), undefined, `watched-ns in the watch output:\n${stdout}`);
    } finally {
      child.kill();
    }
  });

  test('create namespace (a protobuf body) works', async () => {
    assert.match(ok(await t.kubectl(['create', 'namespace', 'conf-created'])), /namespace\/conf-created created/);
    const created = t.sim.server.journal.all().find(e => e.method === 'POST' && e.path === '/api/v1/namespaces');
    assert.match(created?.contentType ?? '', /protobuf/, 'kubectl create sends protobuf');
    assert.equal(ok(await t.kubectl(['get', 'ns', 'conf-created', '-o', 'jsonpath={.status.phase}'])), 'Active');
    const again = await t.kubectl(['create', 'namespace', 'conf-created']);
    assert.notEqual(again.code, 0);
    assert.match(again.stderr, /Error from server \(AlreadyExists\): namespaces "conf-created" already exists/);
  });

  test('get gateway.gateway.networking.k8s.io shows the CRD printer columns', async () => {
    const file = manifest(
      'gateway.yaml',
      yaml.dump({
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'Gateway',
        metadata: {name: 'waypoint', namespace: 'bookinfo'},
        spec: {gatewayClassName: 'istio-waypoint', listeners: [{name: 'mesh', port: 15008, protocol: 'HBONE'}]},
      }),
    );
    ok(await t.kubectl(['apply', '-f', file]));
    await t.sim.settled();
    const table = rows(ok(await t.kubectl(['get', 'gateway.gateway.networking.k8s.io', '-n', 'bookinfo'])));
    assert.deepEqual(table[0], ['NAME', 'CLASS', 'ADDRESS', 'PROGRAMMED', 'AGE']);
    const row = table.find(r => r[0] === 'waypoint');
    assert.ok(row, table.join('\n'));
    assert.equal(row[1], 'istio-waypoint');
  });
});
