/**
 * The state file and the workdir, through the binary: a state file that cannot be used is an error that
 * says why and leaves the file byte for byte as it was; one run at a time per workdir; a lock left by a
 * dead process is taken over; everything is owner-only; apply refuses without a backup or a confirmation;
 * and --dry-run changes nothing anywhere.
 */
import assert from 'node:assert/strict';
import {spawn} from 'node:child_process';
import {existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {after, describe, test} from 'node:test';
import {newState, STATE_SCHEMA_VERSION} from '../source/core/state/state.ts';
import {
  assertStateAgreesWithCluster,
  BIN,
  BOOKINFO_OPERATIONS,
  migrationCase,
  NS,
  runCli,
  snapshotNamespace,
  startCli,
  waitFor,
  type CliResult,
  type MigrationCase,
} from './helpers/migration.ts';

const open: MigrationCase[] = [];
after(async () => {
  await Promise.all(open.map(c => c.close()));
});

async function fresh(options: {backup?: boolean} = {}): Promise<MigrationCase> {
  const c = await migrationCase();
  open.push(c);
  if (options.backup !== false) await c.backup();
  return c;
}

const mode = (file: string) => statSync(file).mode & 0o777;
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const writes = (c: MigrationCase) => c.journal().filter(e => e.attributes && !['get', 'list', 'watch'].includes(e.attributes.verb));

/** One line on stderr, exit 1: how every refusal to use a state file looks. */
function assertOneLineError(result: CliResult, pattern: RegExp): void {
  assert.equal(result.code, 1, result.stderr);
  const lines = result.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `one line: ${result.stderr}`);
  assert.match(lines[0]!, pattern);
}

describe('a state file that cannot be used', {concurrency: 2}, () => {
  const cases: Array<{name: string; content: (c: MigrationCase) => string; error: (file: string) => RegExp}> = [
    {
      name: 'a corrupt (truncated) file',
      content: () => '{\n  "schemaVersion": 1,\n  "tool": "ambient-migrate",\n  "cluster": {"context": "ambient-migrate-sim", "serv',
      error: file => new RegExp(`^ambient-migrate: error: the state file ${escape(file)} cannot be used: it is not valid JSON \\(.*\\); it is left untouched; move it away to start over, or restore it from a copy$`),
    },
    {
      name: 'a file of an unknown schema version',
      content: c => JSON.stringify({...JSON.parse(JSON.stringify(newState({context: 'ambient-migrate-sim', server: c.sim.url, kubeSystemUid: 'x'}, new Date()))), schemaVersion: 2}),
      error: file => new RegExp(`^ambient-migrate: error: the state file ${escape(file)} cannot be used: it has schema version 2, and this ambient-migrate reads version ${STATE_SCHEMA_VERSION}; use the ambient-migrate version that wrote it, or a newer one$`),
    },
    {
      name: "another cluster's file (a different kube-system uid)",
      content: c => `${JSON.stringify(newState({context: 'prod-eu', server: c.sim.url, kubeSystemUid: '3f1e0a9c-0000-4000-8000-000000000001'}, new Date()), null, 2)}\n`,
      error: file => new RegExp(`^ambient-migrate: error: the state file ${escape(file)} belongs to another cluster \\(context "prod-eu", http://127\\.0\\.0\\.1:\\d+\\), not this one \\(context "ambient-migrate-sim", http://127\\.0\\.0\\.1:\\d+\\): use another --workdir for this cluster, or --context for that one$`),
    },
  ];
  for (const k of cases) {
    test(`${k.name}: apply, revert and status each refuse with one line, exit 1, and leave the file byte for byte`, async () => {
      const c = await fresh();
      const content = k.content(c);
      writeFileSync(c.statePath, content, {mode: 0o600});
      const before = readFileSync(c.statePath);
      // One after the other: run together, apply and revert would (rightly) meet each other's lock.
      const results = [];
      for (const args of [['apply', '-n', NS, '--yes'], ['revert', '-n', NS, '--yes'], ['status']]) results.push(await runCli([...args, ...c.flags]));
      for (const result of results) assertOneLineError(result, k.error(c.statePath));
      assert.deepEqual(readFileSync(c.statePath), before, 'the state file is untouched');
      assert.equal(mode(c.statePath), 0o600);
      assert.deepEqual(readdirSync(c.workdir).sort(), ['backups', 'state.json'], 'no lock or temp file left behind');
      assert.deepEqual(writes(c), [], 'nothing was written to the cluster');
    });
  }
});

describe('one run per workdir', {concurrency: 2}, () => {
  test('a lock held by a running apply stops a second run with a message naming its pid', async () => {
    const c = await fresh();
    // Hold the first run inside its first write.
    const gate = c.sim.server.faults.hold({verb: 'create', resource: 'gateways', group: 'gateway.networking.k8s.io'});
    const first = startCli(['apply', '-n', NS, '--yes', ...c.flags]);
    await gate.reached;
    const [second, revert] = await Promise.all([runCli(['apply', '-n', NS, '--yes', ...c.flags]), runCli(['revert', '-n', NS, '--yes', ...c.flags])]);
    assert.ok(c.journal().every(e => !e.fault || e.status === undefined), 'both ran while the first was still writing');
    gate.release();
    assertOneLineError(
      second,
      new RegExp(`^ambient-migrate: error: the workdir ${escape(c.workdir)} is in use by ambient-migrate apply \\(pid ${first.child.pid} on ${escape(os.hostname())}, since \\S+\\): wait for it to finish, or if it is gone, remove ${escape(path.join(c.workdir, 'state.lock'))}$`),
    );
    assert.equal(revert.code, 1);
    assert.match(revert.stderr, new RegExp(`in use by ambient-migrate apply \\(pid ${first.child.pid} `));
    const done = await first.exit;
    assert.equal(done.code, 0, done.stderr);
    assert.equal(existsSync(path.join(c.workdir, 'state.lock')), false, 'the lock is released at the end');
    assert.equal(c.readState().namespaces[NS]!.status, 'done', 'the second run did not disturb the first');
  });

  test('a lock left by a process that is gone is taken over, with a message', async () => {
    const c = await fresh();
    const gone = spawn('true');
    await new Promise(r => gone.on('exit', r));
    const lock = path.join(c.workdir, 'state.lock');
    writeFileSync(lock, JSON.stringify({pid: gone.pid, hostname: os.hostname(), command: 'apply', startedAt: '2026-11-26T09:00:00.000Z'}), {mode: 0o600});
    const result = await runCli(['apply', '-n', NS, '--yes', ...c.flags]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, new RegExp(`^ambient-migrate: taking over the lock left by ambient-migrate apply \\(pid ${gone.pid}, started 2026-11-26T09:00:00\\.000Z\\), which is no longer running$`, 'm'));
    assert.equal(existsSync(lock), false);
    assert.equal(c.readState().namespaces[NS]!.status, 'done');
  });
});

describe('apply refuses, and --dry-run changes nothing', {concurrency: 2}, () => {
  test('the workdir, the state file and the backups are owner-only, even under umask 000', async () => {
    const c = await fresh({backup: false});
    const flags = c.flags.map(f => `'${f}'`).join(' ');
    const underUmask = (args: string) =>
      new Promise<CliResult>((resolve, reject) => {
        const child = spawn('sh', ['-c', `umask 000; exec '${process.execPath}' '${BIN}' ${args}${args.startsWith('apply') ? ' --accept known-limitations' : ''} ${flags}`], {stdio: ['ignore', 'pipe', 'pipe']});
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', d => (stdout += d));
        child.stderr.on('data', d => (stderr += d));
        child.on('error', reject);
        child.on('close', (code, signal) => resolve({code, signal, stdout, stderr}));
      });
    assert.equal((await underUmask('backup')).code, 0);
    const result = await underUmask(`apply -n ${NS} --yes`);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(mode(c.workdir), 0o700, 'workdir');
    assert.equal(mode(c.statePath), 0o600, 'state.json');
    const backups = path.join(c.workdir, 'backups');
    assert.equal(mode(backups), 0o700, 'backups/');
    for (const dir of readdirSync(backups)) {
      assert.equal(mode(path.join(backups, dir)), 0o700, dir);
      for (const file of readdirSync(path.join(backups, dir))) assert.equal(mode(path.join(backups, dir, file)), 0o600, file);
    }
    assert.deepEqual(readdirSync(c.workdir).sort(), ['backups', 'state.json'], 'no lock or temp files left behind');

    // What the state file holds: the cluster's identity, and per operation its before and after and when.
    const state = c.readState();
    assert.equal(state.schemaVersion, 1);
    assert.equal(state.cluster.context, 'ambient-migrate-sim');
    assert.equal(state.cluster.server, c.sim.url);
    assert.equal(state.cluster.kubeSystemUid, (await c.client.get({group: '', version: 'v1', kind: 'Namespace', plural: 'namespaces', namespaced: false}, undefined, 'kube-system'))?.metadata.uid);
    const ops = state.namespaces[NS]!.operations;
    assert.equal(ops.length, BOOKINFO_OPERATIONS);
    for (const op of ops) {
      assert.equal(op.status, 'done');
      assert.ok(op.startedAt && op.finishedAt && op.finishedAt >= op.startedAt, op.operation.id);
      assert.ok(op.liveBefore !== undefined && op.liveAfter !== undefined, `${op.operation.id} records the object before and after`);
      if (op.operation.action === 'create') assert.equal(op.liveBefore, null);
      if (op.operation.action === 'delete') assert.equal(op.liveAfter, null);
      if (op.operation.action === 'restart') assert.match(op.restartedAt ?? '', /^\d{4}-\d\d-\d\dT/);
    }
    await assertStateAgreesWithCluster(c.client, state);
  });

  test('apply without a backup refuses, before writing anything', async () => {
    const c = await fresh({backup: false});
    const result = await runCli(['apply', '-n', NS, '--yes', ...c.flags]);
    assertOneLineError(result, new RegExp(`^ambient-migrate: error: there is no backup of this cluster in ${escape(c.workdir)}: run 'ambient-migrate backup' first \\(with the same --workdir\\)$`));
    assert.deepEqual(writes(c), []);
    assert.equal(existsSync(c.statePath), false, 'no state file');
    assert.deepEqual(readdirSync(c.workdir), [], 'and no lock left behind');
  });

  test("another cluster's backup does not count", async () => {
    const c = await fresh({backup: false});
    const other = await fresh();
    mkdirSync(c.workdir, {recursive: true, mode: 0o700});
    // Same workdir layout, copied from a cluster with another kube-system uid.
    const [dir] = readdirSync(path.join(other.workdir, 'backups'));
    mkdirSync(path.join(c.workdir, 'backups', dir!), {recursive: true, mode: 0o700});
    for (const file of readdirSync(path.join(other.workdir, 'backups', dir!))) {
      writeFileSync(path.join(c.workdir, 'backups', dir!, file), readFileSync(path.join(other.workdir, 'backups', dir!, file)), {mode: 0o600});
    }
    const result = await runCli(['apply', '-n', NS, '--yes', ...c.flags]);
    assertOneLineError(result, /there is no backup of this cluster in/);
    assert.deepEqual(writes(c), []);
  });

  test('apply without --yes and without a terminal exits 2 and touches nothing', async () => {
    const c = await fresh();
    const result = await runCli(['apply', '-n', NS, ...c.flags]);
    assert.equal(result.code, 2);
    assert.equal(result.stderr, 'ambient-migrate: apply changes the cluster; pass --yes to confirm (or --dry-run to try it), since there is no terminal to ask\n');
    const revert = await runCli(['revert', '-n', NS, ...c.flags]);
    assert.equal(revert.code, 2);
    assert.deepEqual(writes(c), []);
    assert.equal(existsSync(c.statePath), false);
  });

  test('--dry-run sends every write with dryRun=All, changes nothing in the cluster and writes no state', async () => {
    const c = await fresh();
    const before = await snapshotNamespace(c.client);
    const since = c.journal().length;
    const result = await runCli(['apply', '-n', NS, '--dry-run', ...c.flags]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^\[bookinfo\] dry run: every write was accepted by the API server; nothing changed$/m);
    const sent = writes(c);
    assert.ok(sent.length >= BOOKINFO_OPERATIONS, `every operation sent its write: ${sent.length}`);
    for (const entry of c.journal(since).filter(e => e.attributes && !['get', 'list', 'watch'].includes(e.attributes.verb))) {
      assert.match(entry.query, /(^|&)dryRun=All(&|$)/, `${entry.method} ${entry.path} without dryRun=All`);
    }
    await c.sim.settled();
    assert.deepEqual(await snapshotNamespace(c.client), before, 'the namespace is unchanged');
    assert.equal(existsSync(c.statePath), false, 'no state file');
    assert.deepEqual(readdirSync(c.workdir).sort(), ['backups'], 'nothing else in the workdir either');
  });
});
