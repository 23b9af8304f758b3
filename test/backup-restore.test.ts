/**
 * The backup's promise, end to end: the real binary writes an owner-only backup of the demo cluster, and
 * the real kubectl puts deleted and changed objects back from it with `kubectl apply -f <dir>`. Then the
 * checks `apply` relies on before its first write: tampered backups and other clusters' backups are not
 * trusted.
 */
import assert from 'node:assert/strict';
import {chmodSync, mkdirSync, readdirSync, statSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {after, before, describe, test} from 'node:test';
import {buildBackup} from '../source/core/backup/backup.ts';
import type {ClusterIdentity} from '../source/core/cluster-identity.ts';
import type {KubeClient, KubeObject} from '../source/kube/client.ts';
import {connect} from '../source/kube/http-client.ts';
import {KINDS, type KindRef} from '../source/kube/kinds.ts';
import {latestBackupFor, listBackups, writeBackup} from '../source/app/workdir.ts';
import {runCli} from './helpers/migration.ts';
import {tempDir} from './helpers/cluster.ts';
import {DEMO_FIXTURES, kubectlSkip, startTestSimulator, type TestSimulator} from './helpers/sim.ts';

const mode = (file: string) => statSync(file).mode & 0o777;

/** The real binary, without a terminal, at home in `cwd`. */
function runBinary(args: string[], cwd: string): Promise<{code: number | null; stdout: string; stderr: string}> {
  return runCli(args, {cwd, env: {HOME: cwd, NO_COLOR: undefined}, timeoutMs: 60_000});
}

/** What a restore must bring back; the server's bookkeeping and kubectl's own annotation do not count. */
function userView(object: KubeObject | undefined) {
  if (!object) return undefined;
  const {'kubectl.kubernetes.io/last-applied-configuration': _applied, ...annotations} = object.metadata.annotations ?? {};
  // A re-created Service gets a fresh cluster IP on purpose (the backup drops allocated IPs).
  const {clusterIP: _ip, clusterIPs: _ips, ...spec} = object.spec ?? {};
  return {labels: object.metadata.labels ?? {}, annotations, spec: object.kind === 'Service' ? spec : object.spec};
}

describe('backup and restore against the demo cluster', () => {
  let cluster: TestSimulator;
  let client: KubeClient;
  let workdir: string;
  let backupDir: string;

  before(async () => {
    cluster = await startTestSimulator({fixtures: [DEMO_FIXTURES]});
    client = connect({kubeconfig: cluster.kubeconfig});
    workdir = path.join(cluster.tempDir(), 'ambient-migration');
  });
  after(() => cluster.close());

  test('the binary writes an owner-only backup and says how to restore it', async () => {
    // A label YAML 1.1 would read as the number 1000: kubectl must get it back as a string.
    await client.patch(KINDS.namespace, undefined, 'bookinfo', {metadata: {labels: {'cost-centre': '1_000'}}}, 'merge');
    // A workdir someone created world-readable: the backup must not land in it as is.
    mkdirSync(workdir, {recursive: true});
    chmodSync(workdir, 0o755);

    const result = await runBinary(['backup', '--kubeconfig', cluster.kubeconfig, '--workdir', workdir], path.dirname(workdir));
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /open to other users \(mode 755\); changed it to 700/);
    const [name] = readdirSync(path.join(workdir, 'backups'));
    backupDir = path.join(workdir, 'backups', name);
    assert.match(name, /^\d{8}T\d{6}Z$/);
    assert.match(result.stdout, new RegExp(`Restore with: kubectl .*apply -f ${backupDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    assert.match(result.stdout, /authorizationpolicies\.security\.istio\.io\s+6/);

    assert.equal(mode(workdir), 0o700, 'workdir');
    assert.equal(mode(path.join(workdir, 'backups')), 0o700, 'backups/');
    assert.equal(mode(backupDir), 0o700, 'backup directory');
    for (const file of readdirSync(backupDir)) assert.equal(mode(path.join(backupDir, file)), 0o600, file);

    const listed = listBackups(workdir);
    assert.equal(listed.length, 1);
    assert.deepEqual(listed[0].problems, []);
    const kubeSystem = await client.get(KINDS.namespace, undefined, 'kube-system');
    const identity = {context: 'other-name', server: 'https://moved:6443', kubeSystemUid: kubeSystem!.metadata.uid!};
    assert.equal(latestBackupFor(workdir, identity)?.path, backupDir, 'found by the cluster uid, whatever the context is called now');
  });

  test('kubectl apply -f <backup> brings back deleted policies, a deleted Service and a changed namespace label', {skip: kubectlSkip()}, async () => {
    assert.ok(backupDir, 'the backup test ran first');
    const targets: Array<[KindRef, string | undefined, string]> = [
      [KINDS.virtualService, 'bookinfo', 'reviews'],
      [KINDS.authorizationPolicy, 'payments', 'ledger-from-api'],
      [KINDS.destinationRule, 'bookinfo', 'reviews'],
      [KINDS.service, 'bookinfo', 'details'],
      [KINDS.namespace, undefined, 'bookinfo'],
    ];
    const before = await Promise.all(targets.map(([kind, ns, name]) => client.get(kind, ns, name)));
    assert.ok(before.every(Boolean), 'the demo cluster has every target');

    for (const [kind, ns, name] of targets.slice(0, 4)) await client.delete(kind, ns, name);
    await client.patch(KINDS.namespace, undefined, 'bookinfo', {metadata: {labels: {'istio-injection': 'disabled'}}}, 'merge');

    const restore = await cluster.kubectl(['apply', '-f', backupDir]);
    assert.equal(restore.code, 0, `kubectl apply failed:\n${restore.stderr}`);
    assert.doesNotMatch(restore.stderr, /error/i);

    const restored = await Promise.all(targets.map(([kind, ns, name]) => client.get(kind, ns, name)));
    targets.forEach(([kind, ns, name], i) => {
      assert.deepEqual(userView(restored[i]), userView(before[i]), `${kind.kind} ${ns ?? ''}/${name}`);
    });
    assert.equal(restored[4]!.metadata.labels!['cost-centre'], '1_000');
  });
});

describe('which backups apply may trust', () => {
  const here: ClusterIdentity = {context: 'prod', server: 'https://prod:6443', kubeSystemUid: 'uid-prod'};
  const elsewhere: ClusterIdentity = {context: 'prod', server: 'https://prod:6443', kubeSystemUid: 'uid-staging'};
  const inventory = {objects: {namespace: [{apiVersion: 'v1', kind: 'Namespace', metadata: {name: 'shop', labels: {'istio-injection': 'enabled'}}}]}, unreadable: {}};
  const tmp = tempDir();
  after(() => tmp.cleanup());
  const quiet = () => {};

  test('a file changed after the backup makes it not intact, and apply falls back to an older intact one', () => {
    const good = writeBackup(tmp.dir, buildBackup(inventory, here, new Date('2026-11-20T10:00:00Z')), quiet);
    const tampered = writeBackup(tmp.dir, buildBackup(inventory, here, new Date('2026-11-21T10:00:00Z')), quiet);
    writeFileSync(path.join(tampered, '01-namespaces.yaml'), 'apiVersion: v1\nkind: List\nitems: []\n');

    const listed = listBackups(tmp.dir);
    assert.deepEqual(listed.map(b => b.path), [tampered, good], 'newest first');
    assert.equal(listed[0].intact, false);
    assert.match(listed[0].problems.join('\n'), /01-namespaces\.yaml has changed since the backup \(sha256 differs\)/);
    assert.equal(latestBackupFor(tmp.dir, here)?.path, good);
  });

  test('two backups in the same second are both kept', () => {
    const backup = buildBackup(inventory, here, new Date('2026-11-19T10:00:00Z'));
    const first = writeBackup(tmp.dir, backup, quiet);
    const second = writeBackup(tmp.dir, backup, quiet);
    assert.equal(second, `${first}-2`);
    assert.ok(listBackups(tmp.dir).filter(b => [first, second].includes(b.path)).every(b => b.intact));
  });

  test("another cluster's newer backup is ignored, even behind the same server URL", () => {
    const ours = latestBackupFor(tmp.dir, here)?.path;
    writeBackup(tmp.dir, buildBackup(inventory, elsewhere, new Date('2026-11-25T10:00:00Z')), quiet);
    assert.equal(listBackups(tmp.dir)[0].manifest?.cluster.kubeSystemUid, 'uid-staging');
    assert.equal(latestBackupFor(tmp.dir, here)?.path, ours);
    assert.equal(latestBackupFor(tmp.dir, {...here, kubeSystemUid: 'uid-dev'}), undefined);
  });
});
