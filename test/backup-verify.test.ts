/**
 * A backup is read back right after it is written: every file parsed as YAML, its objects counted against
 * the manifest, its sha256 checked. One that does not read back as written is refused on the spot and
 * loses its MANIFEST, so apply never trusts it.
 */
import assert from 'node:assert/strict';
import {existsSync, readdirSync} from 'node:fs';
import path from 'node:path';
import {after, describe, test} from 'node:test';
import {latestBackupFor, verifyWrittenBackup, writeBackup} from '../source/app/workdir.ts';
import {buildBackup} from '../source/core/backup/backup.ts';
import type {ClusterIdentity} from '../source/core/cluster-identity.ts';
import {tempDir} from './helpers/cluster.ts';

const here: ClusterIdentity = {context: 'prod', server: 'https://prod:6443', kubeSystemUid: 'uid-prod'};
const namespaces = ['shop', 'cart'].map(name => ({apiVersion: 'v1', kind: 'Namespace', metadata: {name, labels: {'istio-injection': 'enabled'}}}));
const inventory = {objects: {namespace: namespaces}, unreadable: {}};
const quiet = () => {};

describe('backups are verified after writing', () => {
  const tmp = tempDir();
  after(() => tmp.cleanup());

  test('a good backup reads back: every file parses, with the objects the manifest counts', () => {
    const backup = buildBackup(inventory, here, new Date('2026-11-20T10:00:00Z'));
    const dir = writeBackup(tmp.dir, backup, quiet);
    assert.deepEqual(verifyWrittenBackup(dir, backup), []);
    assert.equal(backup.files.find(f => f.name.includes('namespaces'))?.count, 2);
    assert.equal(latestBackupFor(tmp.dir, here)?.path, dir);
  });

  test('a backup whose file holds fewer objects than counted is refused and never trusted', () => {
    const backup = buildBackup(inventory, here, new Date('2026-11-21T10:00:00Z'));
    // What a lost write looks like: the manifest (and its sha256) describe content that lacks an object.
    const file = backup.files.find(f => f.name.includes('namespaces'))!;
    const entry = backup.manifest.files.find(f => f.name === file.name)!;
    entry.count = file.count = 3;
    assert.throws(() => writeBackup(tmp.dir, backup, quiet), /does not read back as written \(.*namespaces\.yaml reads back 2 objects, the manifest counts 3\); it is not used/);
    const written = readdirSync(path.join(tmp.dir, 'backups')).map(d => path.join(tmp.dir, 'backups', d)).find(d => d.includes('20261121'))!;
    assert.equal(existsSync(path.join(written, 'MANIFEST')), false, 'its manifest is removed');
    assert.equal(latestBackupFor(tmp.dir, here)?.path.includes('20261120'), true, 'apply falls back to the good one');
  });
});
