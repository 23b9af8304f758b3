/**
 * The state file against the cluster, before any write: an object the tool wrote that someone changed
 * since, or a namespace another workdir has migrated, stops apply with what differs and the command for
 * each way on; nothing is written until the person chooses (`--accept-drift` to go on as things are).
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import {after, describe, test} from 'node:test';
import {runApply} from '../source/app/apply-command.ts';
import {runBackup} from '../source/app/backup-command.ts';
import {KINDS} from '../source/kube/kinds.ts';
import {assertStateAgreesWithCluster, BOOKINFO_OPERATIONS, capture, countByStatus, migrationCase, NS, type MigrationCase} from './helpers/migration.ts';

const open: MigrationCase[] = [];
after(async () => {
  await Promise.all(open.map(c => c.close()));
});

async function applyFrom(c: MigrationCase, workdir: string, extra: {acceptDrift?: boolean} = {}): Promise<{code: number; stdout: string; stderr: string}> {
  const stdout = capture();
  const stderr = capture();
  const code = await runApply({kubeconfig: c.kubeconfig, workdir, namespaces: [NS], yes: true, accept: ['known-limitations'], ...extra}, {stdout, stderr, stdin: process.stdin, interactive: false});
  return {code, stdout: stdout.text(), stderr: stderr.text()};
}

/** A migration stopped half-way: the namespace labels are refused (403), so the policies step is done and the rest is not. */
async function halfMigrated(): Promise<MigrationCase> {
  const c = await migrationCase();
  open.push(c);
  await c.backup();
  c.sim.server.faults.deny({verb: 'patch', resource: 'namespaces'});
  const first = await applyFrom(c, c.workdir);
  assert.equal(first.code, 1, first.stderr);
  c.sim.server.faults.clear();
  return c;
}

const esc = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Writes other than the Lease's: what "nothing was written" is about. */
const writesIn = (c: MigrationCase, since: number) =>
  c.journal(since).filter(e => e.attributes && !['get', 'list', 'watch'].includes(e.attributes.verb) && e.attributes.resource !== 'leases').map(e => `${e.method} ${e.path}`);

describe('state file against the cluster', {concurrency: 2}, () => {
  test('an object the tool wrote was changed: apply stops before writing, says what and how to go on; --accept-drift goes on', async () => {
    const c = await halfMigrated();
    await c.client.patch(KINDS.httpRoute, NS, 'reviews', {metadata: {labels: {team: 'bookinfo'}}, spec: {parentRefs: [{group: '', kind: 'Service', name: 'reviews', port: 8080}]}}, 'merge', {fieldManager: 'kubectl-edit'});
    await c.client.delete(KINDS.service, NS, 'reviews-v3');
    const before = c.readState();

    const since = c.journal().length;
    const stopped = await applyFrom(c, c.workdir);
    assert.equal(stopped.code, 1, stopped.stderr);
    const text = stopped.stderr;
    assert.match(text, /^ambient-migrate: stopped in bookinfo: the state file does not match the cluster in bookinfo; nothing was written:$/m);
    assert.match(text, /^ {2}- HTTPRoute bookinfo\/reviews was changed after ambient-migrate wrote it: spec\.parentRefs is \[\{"group":"","kind":"Service","name":"reviews","port":8080\}\] \(ambient-migrate left \[.*\]\)$/m);
    assert.match(text, /^ {2}- Service bookinfo\/reviews-v3 is gone, though ambient-migrate created it$/m);
    assert.match(text, /^Choose one:$/m);
    assert.match(text, /^ {2}- put them back as ambient-migrate left them \(kubectl -n bookinfo edit services reviews-v3; kubectl -n bookinfo edit httproutes\.gateway\.networking\.k8s\.io reviews\), then run ambient-migrate apply -n bookinfo --yes$/m);
    assert.match(text, /^ {2}- undo what this workdir did: ambient-migrate revert -n bookinfo --yes /m);
    assert.match(text, /^ {2}- keep the cluster as it is and go on with this state file: ambient-migrate apply -n bookinfo --yes --accept-drift$/m);
    assert.deepEqual(writesIn(c, since), [], 'nothing was written to the cluster');
    assert.deepEqual(c.readState().namespaces[NS], before.namespaces[NS], 'nor to the state file');

    const accepted = await applyFrom(c, c.workdir, {acceptDrift: true});
    assert.equal(accepted.code, 0, accepted.stderr);
    assert.deepEqual(countByStatus(c.readState()), {done: BOOKINFO_OPERATIONS});
    assert.equal((await c.client.get(KINDS.httpRoute, NS, 'reviews'))?.metadata.labels?.team, 'bookinfo', 'their change is kept');
  });

  test('another workdir has migrated the namespace half-way: a second workdir stops before writing and names the first', async () => {
    const c = await halfMigrated();
    const other = path.join(path.dirname(c.workdir), 'work-b');
    const err = capture();
    assert.equal(await runBackup({kubeconfig: c.kubeconfig, workdir: other}, capture(), err), 0, err.text());

    const since = c.journal().length;
    const result = await applyFrom(c, other);
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /^ambient-migrate: stopped in bookinfo: the state file does not match the cluster in bookinfo; nothing was written:$/m);
    assert.match(result.stderr, /^ {2}- HTTPRoute bookinfo\/reviews exists and carries app\.kubernetes\.io\/managed-by=ambient-migrate, but this state file has not created it yet$/m);
    assert.match(
      result.stderr,
      new RegExp(`^  - another workdir has migrated bookinfo \\(the Lease bookinfo/ambient-migrate was held before by apply of .+ pid \\d+, workdir ${esc(path.resolve(c.workdir))}\\): go on from there, ambient-migrate apply -n bookinfo --yes --workdir ${esc(path.resolve(c.workdir))}, or undo it from there \\(ambient-migrate revert -n bookinfo --yes --workdir ${esc(path.resolve(c.workdir))}\\) and run apply here again$`, 'm'),
    );
    assert.deepEqual(writesIn(c, since), [], 'nothing was written to the cluster');
    // The first workdir still agrees with the cluster and finishes the migration.
    await assertStateAgreesWithCluster(c.client, c.readState());
    const finish = await applyFrom(c, c.workdir);
    assert.equal(finish.code, 0, finish.stderr);
  });
});
