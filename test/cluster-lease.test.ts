/**
 * Two operators, one cluster: besides the workdir lock, apply and revert hold a coordination.k8s.io/v1 Lease
 * in the namespace (`<ns>/ambient-migrate`). A second workdir is told who holds it and writes nothing; a
 * stale one is taken over, saying whose it was; it is renewed while a long apply runs, released at the end,
 * and a run whose lease was taken over stops before its next write. Held requests, not timing, decide when.
 */
import assert from 'node:assert/strict';
import {spawn} from 'node:child_process';
import {existsSync} from 'node:fs';
import path from 'node:path';
import {after, describe, test} from 'node:test';
import {runApply} from '../source/app/apply-command.ts';
import {runBackup} from '../source/app/backup-command.ts';
import {UserFacingError} from '../source/app/errors.ts';
import {runRevert} from '../source/app/revert-command.ts';
import {LEASE_NAME} from '../source/app/cluster-lease.ts';
import {KINDS} from '../source/kube/kinds.ts';
import {hasKubectl, KUBECTL} from './helpers/sim.ts';
import {assertStateAgreesWithCluster, capture, migrationCase, NS, waitFor, type MigrationCase} from './helpers/migration.ts';

const open: MigrationCase[] = [];
after(async () => {
  await Promise.all(open.map(c => c.close()));
});

async function fresh(): Promise<MigrationCase> {
  const c = await migrationCase();
  open.push(c);
  await c.backup();
  return c;
}

/** A command in-process as the binary runs it: a UserFacingError is its one-line error, exit 1. */
async function inProcess(run: (io: {stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream; stdin: NodeJS.ReadableStream; interactive: boolean}) => Promise<number>): Promise<{code: number; stdout: string; stderr: string}> {
  const stdout = capture();
  const stderr = capture();
  let code: number;
  try {
    code = await run({stdout, stderr, stdin: process.stdin, interactive: false});
  } catch (error) {
    if (!(error instanceof UserFacingError)) throw error;
    stderr.write(`ambient-migrate: error: ${error.message}\n`);
    code = 1;
  }
  return {code, stdout: stdout.text(), stderr: stderr.text()};
}

/** `apply -n bookinfo --yes` from a given workdir, with a lease of `leaseSeconds`. */
const applyFrom = (c: MigrationCase, workdir: string, leaseSeconds?: number) =>
  inProcess(io => runApply({kubeconfig: c.kubeconfig, workdir, namespaces: [NS], yes: true, leaseDurationSeconds: leaseSeconds, accept: ['known-limitations']}, io));
const revertInProcess = (c: MigrationCase) => inProcess(io => runRevert({kubeconfig: c.kubeconfig, workdir: c.workdir, namespaces: [NS], yes: true}, io));

async function secondWorkdir(c: MigrationCase): Promise<string> {
  const workdir = path.join(path.dirname(c.workdir), 'work-b');
  const err = capture();
  assert.equal(await runBackup({kubeconfig: c.kubeconfig, workdir}, capture(), err), 0, err.text());
  return workdir;
}

const lease = (c: MigrationCase) => c.client.get(KINDS.lease, NS, LEASE_NAME);
const writesIn = (c: MigrationCase, since: number) => c.journal(since).filter(e => e.attributes && !['get', 'list', 'watch'].includes(e.attributes.verb));

function kubectl(c: MigrationCase, args: string[]): Promise<{code: number | null; stdout: string; stderr: string}> {
  return new Promise((resolve, reject) => {
    const {KUBECONFIG: _k, ...env} = process.env;
    const child = spawn(KUBECTL, [`--kubeconfig=${c.kubeconfig}`, `--cache-dir=${path.join(path.dirname(c.workdir), 'kubectl-cache')}`, ...args], {env});
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', d => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', d => (stderr += d));
    child.on('error', reject);
    child.on('close', code => resolve({code, stdout, stderr}));
  });
}

describe('the cluster-side lease', {concurrency: 3}, () => {
  test('a second workdir is told who holds the namespace and writes nothing; once the first is done the lease is free', async () => {
    const c = await fresh();
    const other = await secondWorkdir(c);
    // The first operator's apply, held at its HTTPRoute create: mid-migration.
    const gate = c.sim.server.faults.hold({verb: 'create', resource: 'httproutes'});
    const first = applyFrom(c, c.workdir);
    await gate.reached;

    const held = await lease(c);
    assert.ok(held, 'the lease exists while apply runs');
    assert.match(held.spec.holderIdentity, /^.+@.+ pid \d+$/);
    assert.equal(held.spec.leaseDurationSeconds, 60);
    assert.match(held.spec.renewTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/, 'a MicroTime, as a real server wants it');
    assert.equal(held.metadata.annotations?.['ambient-migrate/workdir'], path.resolve(c.workdir));
    if (hasKubectl()) {
      // What the second person would look at, with the real kubectl.
      const got = await kubectl(c, ['-n', NS, 'get', 'lease', LEASE_NAME]);
      assert.equal(got.code, 0, got.stderr);
      assert.match(got.stdout, new RegExp(`^NAME\\s+HOLDER\\s+AGE\\n${LEASE_NAME}\\s+${held.spec.holderIdentity.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s+\\d+s\\n$`));
      const yaml = await kubectl(c, ['-n', NS, 'get', 'lease', LEASE_NAME, '-o', 'jsonpath={.spec.holderIdentity} {.spec.leaseDurationSeconds}']);
      assert.equal(yaml.stdout, `${held.spec.holderIdentity} 60`);
    }

    const since = c.journal().length;
    const second = await applyFrom(c, other);
    assert.equal(second.code, 1, second.stderr);
    assert.match(
      second.stderr,
      new RegExp(`namespace bookinfo is being changed by ambient-migrate apply of ${held.spec.holderIdentity.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}, workdir ${path.resolve(c.workdir).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(since .*, last renewed .*\\); nothing was written\\. Wait for it to finish \\(kubectl -n bookinfo get lease ambient-migrate shows the holder\\)\\. If that run is gone, its lease expires at `),
    );
    assert.deepEqual(writesIn(c, since), [], 'the second operator sent no write');
    assert.equal(existsSync(path.join(other, 'state.json')), false, 'and recorded nothing');

    gate.release();
    const done = await first;
    assert.equal(done.code, 0, done.stderr);
    const released = await lease(c);
    assert.equal(released?.spec.holderIdentity, undefined, 'released at the end: no holder');
    assert.equal(released?.metadata.annotations?.['ambient-migrate/workdir'], path.resolve(c.workdir), 'and it says who held it last');
    await assertStateAgreesWithCluster(c.client, c.readState());

    // Revert from the first workdir takes it again and, the namespace being as it was, removes it.
    const reverted = await revertInProcess(c);
    assert.equal(reverted.code, 0, reverted.stderr);
    assert.equal(await lease(c), undefined, 'no Lease is left in a reverted namespace');
  });

  test('a stale lease (past its duration) is taken over, saying whose it was; a live one on another machine is not', async () => {
    const c = await fresh();
    const old = new Date(Date.now() - 5 * 60_000).toISOString().replace('Z', '000Z');
    await c.client.create(KINDS.lease, {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: {name: LEASE_NAME, namespace: NS, annotations: {'ambient-migrate/command': 'apply', 'ambient-migrate/workdir': '/home/bob/ambient-migration', 'ambient-migrate/host': 'bobs-laptop', 'ambient-migrate/pid': '4242'}},
      spec: {holderIdentity: 'bob@bobs-laptop pid 4242', leaseDurationSeconds: 60, acquireTime: old, renewTime: old, leaseTransitions: 0},
    });
    const result = await applyFrom(c, c.workdir);
    assert.equal(result.code, 0, result.stderr);
    assert.match(
      result.stderr,
      /^ambient-migrate: taking over the lease bookinfo\/ambient-migrate of ambient-migrate apply of bob@bobs-laptop pid 4242, workdir \/home\/bob\/ambient-migration \(since .*, last renewed .*\): it expired at \S+$/m,
    );
    const taken = await lease(c);
    assert.equal(taken?.spec.leaseTransitions, 1);
    assert.equal(taken?.metadata.annotations?.['ambient-migrate/host'], (await import('node:os')).hostname());

    // Bob is back and renewing: a live lease held on another machine stops the run before any write.
    const now = new Date().toISOString().replace('Z', '000Z');
    await c.client.patch(KINDS.lease, NS, LEASE_NAME, {metadata: {annotations: {'ambient-migrate/host': 'bobs-laptop', 'ambient-migrate/pid': '4242', 'ambient-migrate/workdir': '/home/bob/ambient-migration', 'ambient-migrate/command': 'revert'}}, spec: {holderIdentity: 'bob@bobs-laptop pid 4242', renewTime: now}}, 'merge');
    const since = c.journal().length;
    const refused = await revertInProcess(c);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /namespace bookinfo is being changed by ambient-migrate revert of bob@bobs-laptop pid 4242, workdir \/home\/bob\/ambient-migration .*; nothing was written/);
    assert.deepEqual(writesIn(c, since), []);
    assert.equal(c.readState().namespaces[NS]!.status, 'done', 'the state file is as it was');
  });

  test('renewed while a long apply runs; a run whose lease was taken over stops before its next write', async () => {
    const c = await fresh();
    // A 6 s lease is renewed every 2 s; the apply is held at its label of the namespace meanwhile.
    const gate = c.sim.server.faults.hold({verb: 'patch', resource: 'namespaces', name: NS});
    const running = applyFrom(c, c.workdir, 6);
    await gate.reached;
    const first = (await lease(c))!.spec.renewTime;
    const renewals = () => c.journal().filter(e => e.attributes?.resource === 'leases' && e.attributes.verb === 'patch' && e.status === 200).length;
    const before = renewals();
    await waitFor('two renewals while apply is held', async () => renewals() >= before + 2);
    const renewed = (await lease(c))!;
    assert.ok(renewed.spec.renewTime > first, `renewTime moved on: ${first} → ${renewed.spec.renewTime}`);
    assert.ok(Date.parse(renewed.spec.renewTime) + 6000 > Date.now(), 'and is recent');

    // Someone takes it over (as a run on another machine would once it had gone stale).
    await c.client.patch(KINDS.lease, NS, LEASE_NAME, {metadata: {annotations: {'ambient-migrate/host': 'bobs-laptop', 'ambient-migrate/pid': '4242', 'ambient-migrate/command': 'apply', 'ambient-migrate/workdir': '/home/bob/w'}}, spec: {holderIdentity: 'bob@bobs-laptop pid 4242'}}, 'merge');
    // The next renewal meets the change (409), reads the lease and sees bob: from then on nothing is written.
    const marker = c.journal().length;
    await waitFor('the renewal to see the takeover', () => {
      const after = c.journal(marker);
      const conflict = after.findIndex(e => e.attributes?.resource === 'leases' && e.attributes.verb === 'patch' && e.status === 409);
      return conflict >= 0 && after.slice(conflict).some(e => e.attributes?.resource === 'leases' && e.attributes.verb === 'get' && e.status === 200);
    });
    await new Promise(r => setImmediate(r));
    const since = c.journal().length;
    gate.release();
    const result = await running;
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /stopped in bookinfo: the lease bookinfo\/ambient-migrate was taken over by ambient-migrate apply of bob@bobs-laptop pid 4242, workdir \/home\/bob\/w .*: this run stopped before writing anything more; the state file says where it stopped/);
    const writes = writesIn(c, since).filter(e => e.attributes!.resource !== 'leases' && e.status && e.status < 300);
    assert.ok(writes.length <= 1, `at most the write held before the takeover went through: ${writes.map(w => `${w.method} ${w.path}`)}`);
    assert.equal((await lease(c))?.spec.holderIdentity, 'bob@bobs-laptop pid 4242', 'bob keeps his lease: it is not released by the run that lost it');
    await assertStateAgreesWithCluster(c.client, c.readState());
  });
});
