/**
 * CI's sample of `npm run faults`: every fault kind, every operation of the bookinfo plan, apply and
 * revert, but not every pair (the script runs all of them). Each case runs into its fault, resumes, and is
 * judged against an uninterrupted run: converged or stopped cleanly, never wrong (the SIGKILL of the real
 * binary included). Plus one real SIGKILL of the binary between revert's restart and its journal entry,
 * reached through a held request.
 */
import assert from 'node:assert/strict';
import {describe, test} from 'node:test';
import {FAULTS, formatTable, reference, runAll, type FaultKind, type Phase} from '../scripts/faults/matrix.ts';
import {KINDS} from '../source/kube/kinds.ts';
import {assertStateAgreesWithCluster, BOOKINFO_OPERATIONS, migrationCase, NS, runCli, snapshotNamespace, startCli} from './helpers/migration.ts';

/** Every fault once in apply and once in revert, each at another operation, so that every operation is tried. */
export function sampleCases(): Array<{phase: Phase; op: number; fault: FaultKind}> {
  const n = 2 * FAULTS.length;
  return Array.from({length: n}, (_, i) => ({phase: i < FAULTS.length ? 'apply' : 'revert', op: i % BOOKINFO_OPERATIONS, fault: FAULTS[i % FAULTS.length]!}));
}

describe('a fault at every operation (sample)', () => {
  test('every fault kind and every operation, apply and revert: converged or stopped cleanly, none wrong', async () => {
    const cases = sampleCases();
    assert.equal(new Set(cases.map(c => c.op)).size, BOOKINFO_OPERATIONS, 'every operation');
    for (const fault of FAULTS) assert.deepEqual(new Set(cases.filter(c => c.fault === fault).map(c => c.phase)), new Set(['apply', 'revert']), `${fault} in both phases`);
    const ref = await reference();
    assert.equal(ref.operations.length, BOOKINFO_OPERATIONS);
    const results = await runAll(cases, {concurrency: 4});
    const table = formatTable(ref, results);
    const wrong = results.filter(r => r.verdict === 'wrong');
    assert.deepEqual(wrong.map(r => `${r.phase} op ${r.op + 1} ${r.fault}: ${r.detail}`), [], table);
    // Faults that stop a run say so and resume; the others are retried and converge.
    for (const r of results) {
      if (r.fault === '403' || r.fault.includes('kill')) assert.equal(r.verdict, 'stopped', `${r.phase} op ${r.op + 1} ${r.fault}: ${r.detail}`);
      else if (r.fault !== 'server-restart') assert.equal(r.verdict, 'converged', `${r.phase} op ${r.op + 1} ${r.fault}: ${r.detail}`);
    }
  });

  test('the binary SIGKILLed between a revert restart and its journal entry: the resumed revert restarts that workload once', async () => {
    const c = await migrationCase();
    try {
      await c.backup();
      const applied = await runCli(['apply', '-n', NS, '--yes', ...c.flags]);
      assert.equal(applied.code, 0, applied.stderr);
      await c.sim.settled();
      const revisionBefore = Number((await c.client.get(KINDS.deployment, NS, 'details-v1'))!.metadata.annotations!['deployment.kubernetes.io/revision']);
      // Revert reads details-v1, restarts it, then reads it to wait for the rollout: that read is held.
      const gate = c.sim.server.faults.hold({verb: 'get', resource: 'deployments', name: 'details-v1', nth: 2});
      const run = startCli(['revert', '-n', NS, '--yes', ...c.flags]);
      await Promise.race([gate.reached, run.exit.then(r => Promise.reject(new Error(`revert exited first: ${r.stdout}${r.stderr}`)))]);
      run.child.kill('SIGKILL');
      assert.equal((await run.exit).signal, 'SIGKILL');
      gate.release();
      const state = c.readState();
      const record = state.namespaces[NS]!.operations.find(o => o.operation.action === 'restart' && o.operation.target.name === 'details-v1')!;
      assert.equal(record.status, 'done', 'not journaled as reverted');
      assert.ok(record.revertStartedAt && record.revertRestartedAt, `but journaled as started, with the restartedAt it wrote: ${JSON.stringify({...record, liveBefore: undefined, liveAfter: undefined, operation: undefined})} ${c.journal().filter(e => e.attributes?.name === 'details-v1').map(e => e.method + ' ' + e.status).join(', ')}`);
      await assertStateAgreesWithCluster(c.client, state);

      const resumed = await runCli(['revert', '-n', NS, '--yes', ...c.flags]);
      assert.equal(resumed.code, 0, resumed.stderr);
      assert.match(resumed.stderr, /taking over the lease bookinfo\/ambient-migrate of ambient-migrate revert .*, which is no longer running/);
      await c.sim.settled();
      const revisionAfter = Number((await c.client.get(KINDS.deployment, NS, 'details-v1'))!.metadata.annotations!['deployment.kubernetes.io/revision']);
      assert.equal(revisionAfter, revisionBefore + 1, 'restarted once by the revert, not twice');
      const end = c.readState();
      assert.equal(end.namespaces[NS]!.status, 'reverted');
      await assertStateAgreesWithCluster(c.client, end);
      assert.ok((await snapshotNamespace(c.client)).pods.every(p => p.includes('istio-proxy')), 'pods are back with their sidecars');
      assert.equal(await c.client.get(KINDS.lease, NS, 'ambient-migrate'), undefined, 'and no Lease is left behind');
    } finally {
      await c.close();
    }
  });
});
