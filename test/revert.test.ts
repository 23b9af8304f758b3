/**
 * Revert from any point — a finished migration, a failed one, a half-done one — puts the namespace back as
 * it was before the tool touched it, pods with their sidecars again. What someone else changed after the
 * tool did is not clobbered: non-interactively it is skipped and reported (exit 1), on a terminal the
 * person is asked; changes the tool never made (an unrelated label) stay as they are.
 */
import assert from 'node:assert/strict';
import {mkdirSync} from 'node:fs';
import {after, describe, test} from 'node:test';
import {applyNamespace} from '../source/core/apply/execute.ts';
import {revertNamespace} from '../source/core/apply/revert.ts';
import {saveState} from '../source/app/state-store.ts';
import {KINDS} from '../source/kube/kinds.ts';
import {
  assertStateAgreesWithCluster,
  BOOKINFO_OPERATIONS,
  migrationCase,
  NS,
  plannedState,
  applyInProcess,
  revertInProcess,
  runCli,
  snapshotNamespace,
  startCli,
  statusOf,
  testDeps,
  waitFor,
  withoutRolloutHistory,
  type MigrationCase,
  type NamespaceSnapshot,
} from './helpers/migration.ts';

const open: MigrationCase[] = [];
after(async () => {
  await Promise.all(open.map(c => c.close()));
});

async function fresh(): Promise<{c: MigrationCase; original: NamespaceSnapshot}> {
  const c = await migrationCase();
  open.push(c);
  await c.backup();
  return {c, original: await snapshotNamespace(c.client)};
}

const applyArgs = (c: MigrationCase) => ['apply', '-n', NS, '--yes', ...c.flags];
const revertArgs = (c: MigrationCase) => ['revert', '-n', NS, '--yes', ...c.flags];

/** The namespace is the original again, and every pod runs its sidecar. */
async function assertOriginal(c: MigrationCase, original: NamespaceSnapshot, note: string): Promise<NamespaceSnapshot> {
  await c.sim.settled();
  const now = await snapshotNamespace(c.client);
  assert.deepEqual(withoutRolloutHistory(now), withoutRolloutHistory(original), `${note}: the namespace differs from the original`);
  assert.ok(now.pods.length > 0 && now.pods.every(p => /containers=[^ ]*istio-proxy/.test(p) && p.includes('redirection=-')), `${note}: pods with sidecars:\n${now.pods.join('\n')}`);
  return now;
}

describe('revert', {concurrency: 3}, () => {
  test('from a finished migration (binary): the original namespace, pods with sidecars; status says reverted', async () => {
    const {c, original} = await fresh();
    assert.equal((await runCli(applyArgs(c))).code, 0);
    const result = await runCli(revertArgs(c));
    assert.equal(result.code, 0, result.stderr);
    const lines = result.stdout.trimEnd().split('\n');
    assert.equal(lines.length, BOOKINFO_OPERATIONS + 1, result.stdout);
    // Undone newest first, each said as what was undone (not as the forward operation).
    assert.equal(lines[0], `[${NS}] 1/${BOOKINFO_OPERATIONS} undone cleanup: delete DestinationRule bookinfo/reviews`);
    assert.equal(lines[BOOKINFO_OPERATIONS - 1], `[${NS}] ${BOOKINFO_OPERATIONS}/${BOOKINFO_OPERATIONS} undone waypoint: create Gateway bookinfo/waypoint`);
    assert.ok(lines.slice(0, BOOKINFO_OPERATIONS).every((l, i) => l.startsWith(`[${NS}] ${i + 1}/${BOOKINFO_OPERATIONS} undone `)), result.stdout);
    assert.equal(lines[BOOKINFO_OPERATIONS], `[${NS}] reverted ${BOOKINFO_OPERATIONS} operations`);
    await assertOriginal(c, original, 'finished');
    const state = c.readState();
    assert.equal(state.namespaces[NS]!.status, 'reverted');
    assert.ok(state.namespaces[NS]!.operations.every(o => o.status === 'reverted' && o.revertedAt));
    await assertStateAgreesWithCluster(c.client, state);
    const {text} = await statusOf(c);
    assert.match(text, /^bookinfo\s+reverted\s+0\/24\s+cluster agrees$/m);

    // A reverted namespace can be migrated again from scratch.
    const again = await runCli(applyArgs(c));
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /\[bookinfo\] 1\/24 waypoint: create Gateway bookinfo\/waypoint\n/);
    assert.equal(c.readState().namespaces[NS]!.status, 'done');
  });

  test('right after apply, within the same second: the restarts still happen and the sidecars come back', async () => {
    const {c, original} = await fresh();
    mkdirSync(c.workdir, {recursive: true, mode: 0o700});
    const state = await plannedState(c.client);
    // A frozen clock: apply's and revert's restarts get the same second.
    const frozen = new Date('2026-11-26T10:00:00.000Z');
    await applyNamespace(state, NS, testDeps(c, {now: () => frozen}));
    const outcome = await revertNamespace(state, NS, testDeps(c, {now: () => frozen}));
    assert.deepEqual(outcome, {reverted: BOOKINFO_OPERATIONS, skipped: []});
    await assertOriginal(c, original, 'same second');
  });

  test('from a failed migration (403 on namespaces, still denied): revert needs no namespace write and restores the original', async () => {
    const {c, original} = await fresh();
    c.sim.server.faults.deny({verb: 'patch', resource: 'namespaces'});
    const failed = await runCli(applyArgs(c));
    assert.equal(failed.code, 1);
    assert.equal(c.readState().namespaces[NS]!.status, 'failed');
    const result = await revertInProcess(c);
    assert.equal(result.code, 0, result.stderr + result.stdout);
    assert.match(result.stdout, /^\[bookinfo\] reverted 12 operations$/m);
    await assertOriginal(c, original, 'failed');
    await assertStateAgreesWithCluster(c.client, c.readState());
  });

  test('from a half-done migration (killed during the restarts): the original namespace', async () => {
    const {c, original} = await fresh();
    let killed = false;
    const first = await startCli(applyArgs(c), {
      onLine: (line, child) => {
        if (!killed && /^\[bookinfo\] 15\/24 /.test(line)) {
          killed = true;
          child.kill('SIGKILL');
        }
      },
    }).exit;
    assert.equal(first.signal, 'SIGKILL');
    const result = await runCli(revertArgs(c));
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /taking over the lock left by ambient-migrate apply/);
    await assertOriginal(c, original, 'half-done');
    await assertStateAgreesWithCluster(c.client, c.readState());
  });

  test("someone changed what the tool wrote: revert skips those objects, reports them (exit 1), leaves their changes; an unrelated label stays", async () => {
    const {c, original} = await fresh();
    assert.equal((await runCli(applyArgs(c))).code, 0);
    // Their edits: a route weight in the HTTPRoute the tool created, the namespace label the tool set, and a
    // label of their own on the namespace.
    const route = (await c.client.get(KINDS.httpRoute, NS, 'reviews'))!;
    const rules = structuredClone(route.spec.rules);
    rules[rules.length - 1].backendRefs[0].weight = 42;
    await c.client.patch(KINDS.httpRoute, NS, 'reviews', {spec: {rules}}, 'merge', {fieldManager: 'kubectl-edit'});
    await c.client.patch(KINDS.namespace, undefined, NS, {metadata: {labels: {'istio.io/use-waypoint': 'platform-waypoint', team: 'reviews'}}}, 'merge', {fieldManager: 'kubectl-label'});

    const result = await runCli(revertArgs(c));
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stdout, new RegExp(`^\\[${NS}\\] reverted ${BOOKINFO_OPERATIONS - 2} operations; skipped 2:$`, 'm'));
    assert.match(result.stdout, /^\[bookinfo\] \d+\/24 skipped \(changed by someone else\) policies: create HTTPRoute bookinfo\/reviews$/m);
    assert.match(result.stdout, /^ {2}skipped \S+: revert skipped: HTTPRoute bookinfo\/reviews was changed after ambient-migrate created it$/m);
    assert.match(result.stdout, /^ {2}skipped \S+: revert skipped: Namespace bookinfo was changed by someone else after ambient-migrate changed it$/m);

    await c.sim.settled();
    const now = await snapshotNamespace(c.client);
    const theirs = (await c.client.get(KINDS.httpRoute, NS, 'reviews'))!;
    assert.equal(theirs.spec.rules.at(-1).backendRefs[0].weight, 42, 'their HTTPRoute stays as they left it');
    assert.equal(now.namespace.labels['istio.io/use-waypoint'], 'platform-waypoint', 'their label value stays');
    assert.equal(now.namespace.labels.team, 'reviews', 'the unrelated label stays');
    // Everything else is the original.
    const expected = withoutRolloutHistory(original);
    expected.namespace.labels = {...expected.namespace.labels, 'istio.io/use-waypoint': 'platform-waypoint', team: 'reviews'};
    expected.objects['httproutes.gateway.networking.k8s.io'] = now.objects['httproutes.gateway.networking.k8s.io']!;
    assert.deepEqual(withoutRolloutHistory(now), expected);

    // The state file keeps the skipped ones as done, with why, and status says so; revert again skips them again.
    const state = c.readState();
    assert.equal(state.namespaces[NS]!.status, 'reverting');
    const kept = state.namespaces[NS]!.operations.filter(o => o.status === 'done');
    assert.deepEqual(kept.map(o => o.operation.target.name).sort(), ['bookinfo', 'reviews']);
    assert.ok(kept.every(o => /^revert skipped: /.test(o.error ?? '')));
    const {json} = await statusOf(c);
    const report = json.namespaces[0]!;
    assert.equal(report.status, 'reverting');
    assert.equal(report.agrees, false);
    assert.deepEqual(report.drift.sort(), ['HTTPRoute bookinfo/reviews was changed', 'Namespace bookinfo was changed']);
    const again = await revertInProcess(c);
    assert.equal(again.code, 1);
    assert.match(again.stdout, /^\[bookinfo\] reverted 0 operations; skipped 2:$/m);
  });

  test('on a terminal, the person is asked, and "overwrite" puts the recorded original back', async () => {
    const {c, original} = await fresh();
    mkdirSync(c.workdir, {recursive: true, mode: 0o700});
    const state = await plannedState(c.client);
    await applyNamespace(state, NS, testDeps(c));
    await c.client.patch(KINDS.namespace, undefined, NS, {metadata: {labels: {'istio.io/dataplane-mode': 'none'}}}, 'merge');
    const asked: string[] = [];
    const outcome = await revertNamespace(
      state,
      NS,
      testDeps(c, {
        onConflict: async (_record, live, why) => {
          asked.push(`${why} (live label: ${live?.metadata.labels?.['istio.io/dataplane-mode']})`);
          return 'overwrite';
        },
      } as Partial<Parameters<typeof revertNamespace>[2]>),
    );
    assert.deepEqual(asked, ['Namespace bookinfo was changed by someone else after ambient-migrate changed it (live label: none)']);
    assert.deepEqual(outcome, {reverted: BOOKINFO_OPERATIONS, skipped: []});
    await assertOriginal(c, original, 'overwritten');
  });

  test('from a migration stopped by someone else\'s change: their change stays, nothing is called a conflict, and the next apply plans afresh', async () => {
    const {c, original} = await fresh();
    mkdirSync(c.workdir, {recursive: true, mode: 0o700});
    const state = await plannedState(c.client);
    await saveState(c.workdir, state);
    // Between the tool's read of the namespace and its write, someone points it at their own waypoint:
    // the tool's write gets 409 and it stops (the tool recorded the namespace as it was before their change).
    const gate = c.sim.server.faults.hold({verb: 'patch', resource: 'namespaces', name: NS});
    const running = applyNamespace(state, NS, testDeps(c));
    await gate.reached;
    await c.client.patch(KINDS.namespace, undefined, NS, {metadata: {labels: {'istio.io/use-waypoint': 'platform-waypoint'}}}, 'merge');
    gate.release();
    await assert.rejects(running, /label istio\.io\/use-waypoint is "platform-waypoint" \(the plan expected unset\)/);
    const plannedAt = c.readState().namespaces[NS]!.plannedAt;

    const result = await revertInProcess(c);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.doesNotMatch(result.stdout, /skipped/);
    assert.equal(c.readState().namespaces[NS]!.status, 'reverted');
    const expected = withoutRolloutHistory(original);
    expected.namespace.labels['istio.io/use-waypoint'] = 'platform-waypoint';
    await c.sim.settled();
    assert.deepEqual(withoutRolloutHistory(await snapshotNamespace(c.client)), expected, 'the original, with their label');

    // As the stop message said: after the revert, apply makes a new plan from the cluster as it is now.
    await new Promise(r => setTimeout(r, 5));
    const again = await applyInProcess(c);
    const record = c.readState().namespaces[NS]!;
    assert.ok(record.plannedAt > plannedAt, `a new plan was recorded: ${again.stdout}${again.stderr}`);
    assert.doesNotMatch(again.stderr, /changed by someone else since the plan/);
  });

  test('revert itself killed half-way and run again: the original namespace', async () => {
    const {c, original} = await fresh();
    assert.equal((await runCli(applyArgs(c))).code, 0);
    let killed = false;
    const first = await startCli(revertArgs(c), {
      onLine: (line, child) => {
        // Killed among the restarts, after the injection label is back.
        if (!killed && /^\[bookinfo\] 8\/24 undone /.test(line)) {
          killed = true;
          child.kill('SIGKILL');
        }
      },
    }).exit;
    assert.equal(first.signal, 'SIGKILL');
    const killedAt = c.readState().namespaces[NS]!;
    assert.equal(killedAt.status, 'reverting');
    const undone = killedAt.operations.filter(o => o.status === 'reverted').length;
    assert.ok(undone >= 8 && undone <= 9, `every step reported undone is journaled: ${undone}`);
    const result = await revertInProcess(c);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(result.stdout, new RegExp(`^\\[bookinfo\\] reverted ${BOOKINFO_OPERATIONS - undone} operations$`, 'm'));
    await assertOriginal(c, original, 'revert killed and re-run');
    assert.equal(c.readState().namespaces[NS]!.status, 'reverted');
  });

  test('a 403 while undoing: stops naming the permission and `revert` as the command to run again; then finishes', async () => {
    const {c, original} = await fresh();
    mkdirSync(c.workdir, {recursive: true, mode: 0o700});
    const state = await plannedState(c.client);
    await applyNamespace(state, NS, testDeps(c));
    c.sim.server.faults.deny({verb: 'delete', resource: 'httproutes', group: 'gateway.networking.k8s.io'});
    const stopped = await revertInProcess(c);
    assert.equal(stopped.code, 1);
    assert.match(
      stopped.stderr,
      /^ambient-migrate: stopped in bookinfo: revert failed: undoing create HTTPRoute bookinfo\/reviews is not allowed: .*cannot delete resource "httproutes" in API group "gateway\.networking\.k8s\.io" in the namespace "bookinfo"\. Grant delete on httproutes\.gateway\.networking\.k8s\.io in namespace bookinfo to your user \(see the RBAC section of the README\), then run revert again$/m,
    );
    await assertStateAgreesWithCluster(c.client, c.readState());
    c.sim.server.faults.clear();
    const again = await revertInProcess(c);
    assert.equal(again.code, 0, again.stdout + again.stderr);
    await assertOriginal(c, original, 'after the 403');
  });
});
