/**
 * Apply against a misbehaving cluster: conflicts, throttling, dropped connections, missing permissions and
 * stuck rollouts. Each case either converges or stops with a message a person can act on, and afterwards
 * the state file and the cluster agree on what was done and `status` says where the namespace stands.
 * Most cases run `applyNamespace` in-process with the real HTTP client and a clock that sleeping moves
 * forward (so timeouts of a minute take milliseconds); the permission case also runs through the binary.
 */
import assert from 'node:assert/strict';
import {mkdirSync} from 'node:fs';
import {afterEach, describe, test} from 'node:test';
import {applyNamespace, ApplyStopped} from '../source/core/apply/execute.ts';
import type {StateDocument} from '../source/core/state/state.ts';
import type {KubeClient} from '../source/kube/client.ts';
import {connect} from '../source/kube/http-client.ts';
import {KINDS} from '../source/kube/kinds.ts';
import {
  assertStateAgreesWithCluster,
  BOOKINFO_OPERATIONS,
  countByStatus,
  migrationCase,
  NS,
  plannedState,
  runCli,
  startCli,
  statusOf,
  testDeps,
  type MigrationCase,
  waitFor,
} from './helpers/migration.ts';

let open: MigrationCase[] = [];
afterEach(async () => {
  await Promise.all(open.map(c => c.close()));
  open = [];
});

/** A fresh demo cluster, a workdir, and bookinfo's plan recorded in a state file, as `apply` records it. */
async function setup(): Promise<{c: MigrationCase; state: StateDocument}> {
  const c = await migrationCase();
  open.push(c);
  mkdirSync(c.workdir, {recursive: true, mode: 0o700});
  const state = await plannedState(c.client);
  assert.equal(state.namespaces[NS]!.operations.length, BOOKINFO_OPERATIONS);
  return {c, state};
}

const opIndex = (state: StateDocument, action: string, name: string) => state.namespaces[NS]!.operations.findIndex(r => r.operation.action === action && r.operation.target.name === name);
const useWaypointOp = (state: StateDocument) => state.namespaces[NS]!.operations.findIndex(r => r.operation.step === 'use-waypoint');

/** After every case: the file on disk agrees with the cluster, and `status` tells the same story. */
async function checkWhereItStands(c: MigrationCase, expected: {status: string; done: number; next?: RegExp}): Promise<Map<string, boolean | 'partial'>> {
  const onDisk = c.readState();
  assert.equal(onDisk.namespaces[NS]!.status, expected.status);
  const undecided = await assertStateAgreesWithCluster(c.client, onDisk);
  const {text, json} = await statusOf(c);
  const report = json.namespaces.find(n => n.name === NS)!;
  assert.equal(report.status, expected.status, text);
  assert.equal(report.done, expected.done, text);
  assert.equal(report.total, BOOKINFO_OPERATIONS);
  assert.equal(report.agrees, true, `status says the cluster differs: ${report.drift.join('; ')}`);
  assert.match(text, new RegExp(`^${NS}\\s+${expected.status}\\s+${expected.done}/${BOOKINFO_OPERATIONS}.*cluster agrees$`, 'm'));
  if (expected.next) assert.match(report.current ?? '', expected.next, text);
  return undecided;
}

/** The client, but one Deployment (or the waypoint) never finishes rolling out as far as the tool can see. */
function stuck(client: KubeClient, what: {deployment?: string; waypoint?: boolean}): KubeClient & {release(): void} {
  let active = true;
  return new Proxy(client, {
    get(target, property, receiver) {
      if (property === 'release') return () => (active = false);
      if (property !== 'get') return Reflect.get(target, property, receiver);
      return async (...args: Parameters<KubeClient['get']>) => {
        const object = await target.get(...args);
        if (!active || !object) return object;
        if (what.deployment && object.kind === 'Deployment' && object.metadata.name === what.deployment) {
          // New pods that never become ready: an image that cannot be pulled, a failing probe.
          return {...object, status: {...object.status, updatedReplicas: 0, availableReplicas: 0, readyReplicas: 0}};
        }
        if (what.waypoint && object.kind === 'Gateway' && object.apiVersion.startsWith('gateway.networking.k8s.io')) {
          return {...object, status: {conditions: [{type: 'Accepted', status: 'True'}, {type: 'Programmed', status: 'False', reason: 'Pending'}]}};
        }
        return object;
      };
    },
  }) as KubeClient & {release(): void};
}

describe('apply against a misbehaving cluster', () => {
  test('a 409 once on a PATCH: re-read, the change is still valid, retried, converges', async () => {
    const {c, state} = await setup();
    c.sim.server.faults.add({verb: 'patch', resource: 'namespaces', name: NS, status: 409, reason: 'Conflict', message: 'Operation cannot be fulfilled on namespaces "bookinfo": the object has been modified; please apply your changes to the latest version and try again'});
    const deps = testDeps(c);
    await applyNamespace(state, NS, deps);
    assert.ok(deps.events.some(e => /^retrying: label Namespace bookinfo: .*the object has been modified/.test(e)), deps.events.join('\n'));
    const patches = c.journal().filter(e => e.attributes?.verb === 'patch' && e.attributes.resource === 'namespaces');
    assert.deepEqual(patches.map(p => p.status), [409, 200, 200, 200], 'the conflicting PATCH is sent once more, then the next two labels');
    const ns = await c.client.get(KINDS.namespace, undefined, NS);
    assert.equal(ns?.metadata.labels?.['istio.io/use-waypoint'], 'waypoint');
    assert.equal(ns?.metadata.labels?.['istio.io/dataplane-mode'], 'ambient');
    await checkWhereItStands(c, {status: 'done', done: BOOKINFO_OPERATIONS});
  });

  test('a 409 because someone changed the label the plan sets: stops, says which label and what to do, keeps their change', async () => {
    const {c, state} = await setup();
    // Hold our PATCH while another writer gets in between our read and our write.
    const gate = c.sim.server.faults.hold({verb: 'patch', resource: 'namespaces', name: NS});
    const deps = testDeps(c);
    const running = applyNamespace(state, NS, deps);
    const other = connect({kubeconfig: c.kubeconfig});
    await gate.reached;
    await other.patch(KINDS.namespace, undefined, NS, {metadata: {labels: {'istio.io/use-waypoint': 'platform-waypoint'}}}, 'merge', {fieldManager: 'kubectl-label'});
    gate.release();

    await assert.rejects(running, (error: ApplyStopped) => {
      assert.ok(error instanceof ApplyStopped);
      assert.match(error.message, /^Namespace bookinfo was changed by someone else since the plan: label istio\.io\/use-waypoint is "platform-waypoint" \(the plan expected unset\)\. Nothing was written to it\./);
      assert.match(error.message, /put it back and run apply again, or .*revert -n bookinfo/);
      return true;
    });
    const patches = c.journal().filter(e => e.attributes?.verb === 'patch' && e.attributes.resource === 'namespaces');
    assert.deepEqual(patches.map(p => p.status), [409, 200], 'our stale write was refused by the server; theirs went through; we did not write again');
    const ns = await c.client.get(KINDS.namespace, undefined, NS);
    assert.equal(ns?.metadata.labels?.['istio.io/use-waypoint'], 'platform-waypoint', 'their change stays');
    assert.equal(ns?.metadata.labels?.['istio.io/dataplane-mode'], undefined, 'and nothing after the failed step ran');

    const onDisk = c.readState();
    const failed = onDisk.namespaces[NS]!.operations[useWaypointOp(onDisk)]!;
    assert.equal(failed.status, 'failed');
    assert.match(failed.error ?? '', /label istio\.io\/use-waypoint is "platform-waypoint"/);
    await checkWhereItStands(c, {status: 'failed', done: useWaypointOp(onDisk), next: /^use-waypoint: label Namespace bookinfo \(failed\)$/});

    // Running it again does not clobber their change either: it stops with the same explanation.
    await assert.rejects(applyNamespace(c.readState(), NS, testDeps(c)), /label istio\.io\/use-waypoint is "platform-waypoint"/);
    assert.equal((await c.client.get(KINDS.namespace, undefined, NS))?.metadata.labels?.['istio.io/use-waypoint'], 'platform-waypoint');
  });

  test('503 with Retry-After and 429: retried after the time the server asks for, converges', async () => {
    const {c, state} = await setup();
    c.sim.server.faults.add({verb: 'create', resource: 'httproutes', status: 503, reason: 'ServiceUnavailable', message: 'etcd leader changed', retryAfterSeconds: 7});
    c.sim.server.faults.add({verb: 'delete', resource: 'virtualservices', status: 429, reason: 'TooManyRequests', message: 'too many requests', times: 2});
    const deps = testDeps(c);
    await applyNamespace(state, NS, deps);
    assert.ok(deps.sleeps.includes(7000), `waited the 7 s the server asked for: ${deps.sleeps.slice(0, 20)}`);
    assert.ok(deps.events.some(e => /^retrying: create HTTPRoute reviews: the API server failed \(503 ServiceUnavailable\): etcd leader changed/.test(e)), deps.events.join('\n'));
    assert.equal(deps.events.filter(e => /^retrying: delete VirtualService reviews: the API server is throttling requests \(429\)/.test(e)).length, 2);
    const posts = c.journal().filter(e => e.attributes?.verb === 'create' && e.attributes.resource === 'httproutes');
    assert.deepEqual(posts.map(p => p.status), [503, 201]);
    await checkWhereItStands(c, {status: 'done', done: BOOKINFO_OPERATIONS});
  });

  test('a connection dropped after a committed create: no duplicate, the retry finds the object and converges', async () => {
    const {c, state} = await setup();
    c.sim.server.faults.add({verb: 'create', resource: 'httproutes', drop: 'after'});
    // And one dropped before the server saw it, on a delete.
    c.sim.server.faults.add({verb: 'delete', resource: 'destinationrules', drop: 'before'});
    const deps = testDeps(c);
    await applyNamespace(state, NS, deps);
    const posts = c.journal().filter(e => e.attributes?.verb === 'create' && e.attributes.resource === 'httproutes');
    assert.equal(posts.length, 1, 'the create is not sent twice: the retry reads first and finds it');
    assert.equal((await c.client.list(KINDS.httpRoute, {namespace: NS})).length, 1);
    const deletes = c.journal().filter(e => e.attributes?.verb === 'delete' && e.attributes.resource === 'destinationrules');
    assert.deepEqual(deletes.map(d => d.status), [0, 200], 'the dropped delete was sent again');
    assert.ok(deps.events.some(e => /^retrying: create HTTPRoute reviews: the connection to .* was dropped/.test(e)), deps.events.join('\n'));
    await checkWhereItStands(c, {status: 'done', done: BOOKINFO_OPERATIONS});
  });

  test('a call that hangs times out and is retried without writing twice', async () => {
    const {c, state} = await setup();
    // The first PATCH is held until the whole namespace is done: the client gives up on it and retries.
    const gate = c.sim.server.faults.hold({verb: 'patch', resource: 'namespaces', name: NS});
    const deps = testDeps({...c, client: connect({kubeconfig: c.kubeconfig, timeoutMs: 300})});
    await applyNamespace(state, NS, deps);
    assert.ok(deps.events.some(e => /^retrying: label Namespace bookinfo: the API server .* did not answer PATCH \/api\/v1\/namespaces\/bookinfo within 300ms/.test(e)), deps.events.join('\n'));
    // The abandoned PATCH still reaches the server later; its resourceVersion precondition makes it a no-op.
    gate.release();
    await waitFor('the abandoned PATCH to be processed', () => c.journal().find(e => e.fault)?.status !== undefined);
    const ns = await c.client.get(KINDS.namespace, undefined, NS);
    assert.equal(ns?.metadata.labels?.['istio.io/use-waypoint'], 'waypoint');
    assert.equal(ns?.metadata.labels?.['istio-injection'], undefined, 'the late write did not bring back what a later step removed');
    await checkWhereItStands(c, {status: 'done', done: BOOKINFO_OPERATIONS});
  });

  test('403 on patching namespaces: stops naming the exact verb, resource and group; the state file records the failed step; it resumes once granted', async () => {
    const c = await migrationCase();
    open.push(c);
    await c.backup();
    c.sim.server.faults.deny({verb: 'patch', resource: 'namespaces'});
    const result = await runCli(['apply', '-n', NS, '--yes', ...c.flags]);
    assert.equal(result.code, 1);
    const lines = result.stderr.trim().split('\n');
    assert.equal(lines.length, 1, result.stderr);
    assert.match(
      lines[0]!,
      /^ambient-migrate: stopped in bookinfo: label Namespace bookinfo is not allowed: namespaces "bookinfo" is forbidden: User "system:admin" cannot patch resource "namespaces" in API group "" in the namespace "bookinfo"\. Grant patch on namespaces to your user \(see the RBAC section of the README\), then run apply again$/,
    );
    const state = c.readState();
    const at = useWaypointOp(state);
    const failed = state.namespaces[NS]!.operations[at]!;
    assert.equal(failed.status, 'failed');
    assert.match(failed.error ?? '', /cannot patch resource "namespaces"/);
    assert.deepEqual(countByStatus(state), {done: at, failed: 1, pending: BOOKINFO_OPERATIONS - at - 1});
    await checkWhereItStands(c, {status: 'failed', done: at, next: /^use-waypoint: label Namespace bookinfo \(failed\)$/});
    const status = await runCli(['status', ...c.flags]);
    assert.equal(status.code, 0);
    assert.match(status.stdout, new RegExp(`^bookinfo\\s+failed\\s+${at}/24\\s+next: use-waypoint: label Namespace bookinfo \\(failed\\)\\s+cluster agrees$`, 'm'));

    c.sim.server.faults.clear();
    const again = await runCli(['apply', '-n', NS, '--yes', ...c.flags]);
    assert.equal(again.code, 0, again.stderr);
    assert.doesNotMatch(again.stdout, /\[bookinfo\] 1\/24/, 'the steps already done are not run again');
    await checkWhereItStands(c, {status: 'done', done: BOOKINFO_OPERATIONS});
  });

  test('403 on creating HTTPRoutes names the group and the namespace', async () => {
    const {c, state} = await setup();
    c.sim.server.faults.deny({verb: 'create', resource: 'httproutes', group: 'gateway.networking.k8s.io'});
    await assert.rejects(applyNamespace(state, NS, testDeps(c)), (error: ApplyStopped) => {
      assert.equal(error.operationId, state.namespaces[NS]!.operations[opIndex(state, 'create', 'reviews')]!.operation.id);
      assert.match(error.message, /cannot create resource "httproutes" in API group "gateway\.networking\.k8s\.io" in the namespace "bookinfo"\. Grant create on httproutes\.gateway\.networking\.k8s\.io in namespace bookinfo to your user/);
      return true;
    });
    const onDisk = c.readState();
    assert.equal(onDisk.namespaces[NS]!.operations[opIndex(onDisk, 'create', 'reviews')]!.status, 'failed');
    await checkWhereItStands(c, {status: 'failed', done: opIndex(onDisk, 'create', 'reviews'), next: /^policies: create HTTPRoute reviews \(failed\)$/});
  });

  test('a rollout that never completes times out with a clear message; once it completes, apply resumes without restarting again', async () => {
    const {c, state} = await setup();
    const client = stuck(c.client, {deployment: 'details-v1'});
    const deps = testDeps({...c, client}, {rolloutTimeoutMs: 60_000});
    await assert.rejects(applyNamespace(state, NS, deps), (error: ApplyStopped) => {
      assert.match(error.message, /^restart Deployment bookinfo\/details-v1 failed: the rollout of Deployment bookinfo\/details-v1 did not finish within 60s/);
      assert.match(error.message, /see why with 'kubectl -n bookinfo rollout status deployment\/details-v1', and once it has, run the same command again to continue from here$/);
      return true;
    });
    const onDisk = c.readState();
    const at = opIndex(onDisk, 'restart', 'details-v1');
    assert.equal(onDisk.namespaces[NS]!.operations[at]!.status, 'failed');
    const undecided = await checkWhereItStands(c, {status: 'failed', done: at, next: /^restart: restart Deployment details-v1 \(failed\)$/});
    assert.deepEqual([...undecided.values()], [true], 'the restart itself landed: the state file knows (restartedAt)');

    client.release();
    const resumed = testDeps(c);
    await applyNamespace(onDisk, NS, resumed);
    const restarts = c.journal().filter(e => e.attributes?.verb === 'patch' && e.attributes.resource === 'deployments' && e.attributes.name === 'details-v1');
    assert.equal(restarts.length, 1, 'details-v1 was restarted once');
    await checkWhereItStands(c, {status: 'done', done: BOOKINFO_OPERATIONS});
  });

  test('a waypoint that never becomes Programmed times out before anything routes through it', async () => {
    const {c, state} = await setup();
    const deps = testDeps({...c, client: stuck(c.client, {waypoint: true})}, {waypointTimeoutMs: 90_000});
    await assert.rejects(applyNamespace(state, NS, deps), (error: ApplyStopped) => {
      assert.match(error.message, /^create Gateway bookinfo\/waypoint failed: waypoint bookinfo\/waypoint becoming Programmed did not finish within 90s: see why with 'kubectl -n bookinfo get gateways\.gateway\.networking\.k8s\.io waypoint -o yaml'/);
      return true;
    });
    await checkWhereItStands(c, {status: 'failed', done: 0, next: /^waypoint: create Gateway waypoint \(failed\)$/});
    assert.equal(c.journal().filter(e => e.attributes?.verb === 'create' && e.attributes.resource !== 'gateways').length, 0, 'nothing else was created');
  });

  test('a reader that goes away (apply ... | head -3) does not stop the migration half-way', async () => {
    const c = await migrationCase();
    open.push(c);
    await c.backup();
    const run = startCli(['apply', '-n', NS, '--yes', ...c.flags], {
      onLine: (line, child) => {
        // Like `head -3` exiting: the read end of the pipe closes, and the next write gets EPIPE.
        if (/ 3\/24 /.test(line)) child.stdout!.destroy();
      },
    });
    const result = await run.exit;
    assert.equal(result.code, 0, `${result.signal} ${result.stderr}`);
    assert.doesNotMatch(result.stderr, /EPIPE/);
    await checkWhereItStands(c, {status: 'done', done: BOOKINFO_OPERATIONS});
  });

  test('Ctrl+C stops at the next operation boundary, says so, and apply continues from there', async () => {
    const c = await migrationCase();
    open.push(c);
    await c.backup();
    let interrupted = false;
    const result = await startCli(['apply', '-n', NS, '--yes', ...c.flags], {
      onLine: (line, child) => {
        if (!interrupted && / 3\/24 /.test(line)) {
          interrupted = true;
          child.kill('SIGINT');
        }
      },
    }).exit;
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /stopping after the current operation \(the state file keeps the progress\)/);
    assert.match(result.stderr, /^ambient-migrate: stopped in bookinfo: stopped at your request; run apply again to continue from here$/m);
    const done = c.readState().namespaces[NS]!.operations.filter(o => o.status === 'done').length;
    assert.ok(done >= 3 && done <= 4, `stopped at a boundary: ${done} done`);
    await checkWhereItStands(c, {status: 'applying', done, next: /\(pending\)$/});
    const again = await runCli(['apply', '-n', NS, '--yes', ...c.flags]);
    assert.equal(again.code, 0, again.stderr);
    assert.doesNotMatch(again.stderr, /taking over the lock/, 'the interrupted run released its lock');
    await checkWhereItStands(c, {status: 'done', done: BOOKINFO_OPERATIONS});
  });
});
