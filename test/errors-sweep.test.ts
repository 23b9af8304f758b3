/**
 * The sweep of issue 14: every bad or awkward input the issue lists, run through the real binary, each
 * held to the same promises. The exit code is the one the README's table of exit codes gives; stderr has
 * one or two lines that name the problem (an indented remedy may follow), never a stack trace or
 * "unexpected error"; the process exits by itself within 60 s; nothing is written to the cluster; and no
 * file outside the workdir changes (a user's file passed as --workdir or --out included).
 */
import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {createHash} from 'node:crypto';
import {chmodSync, closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, writeSync} from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import {after, before, describe, test} from 'node:test';
import {EXIT} from '../source/cli.tsx';
import {KINDS} from '../source/kube/kinds.ts';
import {demoPath, tempDir, waitFor} from './helpers/cluster.ts';
import {applyInProcess, migrationCase, NS, runCli, type CliResult, type MigrationCase} from './helpers/migration.ts';

const tmp = tempDir('ambient-migrate-sweep-');
/** The user's files: snapshotted around every case. Workdirs live elsewhere (under `work/`). */
const home = path.join(tmp.dir, 'home');
const work = path.join(tmp.dir, 'work');
mkdirSync(home);
mkdirSync(work);
const userFile = (name: string, content: string, mode = 0o644) => {
  const file = path.join(home, name);
  mkdirSync(path.dirname(file), {recursive: true});
  writeFileSync(file, content);
  chmodSync(file, mode);
  return file;
};
const workdir = (name: string) => path.join(work, name);

function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (at: string) => {
    for (const entry of readdirSync(at, {withFileTypes: true})) {
      const full = path.join(at, entry.name);
      const stat = statSync(full);
      if (entry.isDirectory()) {
        out.set(full, `dir ${(stat.mode & 0o777).toString(8)}`);
        walk(full);
      } else out.set(full, `file ${(stat.mode & 0o777).toString(8)} ${createHash('sha256').update(readFileSync(full)).digest('hex')}`);
    }
  };
  walk(dir);
  return out;
}

function kubeconfig(name: string, server: string, cluster: Record<string, unknown> = {'insecure-skip-tls-verify': true}, user: Record<string, unknown> = {token: 't'}): string {
  return userFile(
    `kube/${name}`,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{name: 'c1', cluster: {server, ...cluster}}],
      users: [{name: 'u1', user}],
      contexts: [{name: 'prod', context: {cluster: 'c1', user: 'u1'}}],
      'current-context': 'prod',
    }),
  );
}

interface Case {
  name: string;
  args: () => string[];
  code: number;
  /** What the message (stderr; stdout for a report) must say. */
  says: RegExp;
  /** A report on stdout (audit, status) rather than an error: stderr stays quiet. */
  report?: boolean;
  /** The simulator whose journal must show no write. */
  cluster?: () => MigrationCase;
  setUp?: () => void | Promise<void>;
  tearDown?: () => void | Promise<void>;
  skip?: string | false;
}

let demo: MigrationCase;
let noZtunnel: MigrationCase;
let migrated: MigrationCase;
const servers: Array<{close(): void}> = [];
let silentUrl = '';
let jsonUrl = '';
let htmlUrl = '';

async function listen(server: net.Server): Promise<number> {
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  servers.push(server);
  return (server.address() as net.AddressInfo).port;
}

function canMount(): boolean {
  if (process.getuid?.() !== 0) return false;
  const probe = path.join(tmp.dir, 'mount-probe');
  mkdirSync(probe, {recursive: true});
  const ok = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', probe]).status === 0;
  if (ok) spawnSync('umount', [probe]);
  return ok;
}
const fullDisk = path.join(tmp.dir, 'full-disk');

before(async () => {
  demo = await migrationCase();
  noZtunnel = await migrationCase();
  await noZtunnel.client.delete(KINDS.daemonSet, 'istio-system', 'ztunnel');
  await waitFor('ztunnel gone', async () => (await noZtunnel.client.list(KINDS.pod, {namespace: 'istio-system', labelSelector: 'app=ztunnel'})).length === 0);
  await noZtunnel.sim.settled();
  await noZtunnel.backup();
  migrated = await migrationCase();
  await migrated.backup();
  assert.equal((await applyInProcess(migrated)).code, 0);

  const sockets = new Set<net.Socket>();
  const silent = net.createServer(s => {
    sockets.add(s);
    s.on('error', () => {});
  });
  silentUrl = `https://127.0.0.1:${await listen(silent)}`;
  servers.push({close: () => sockets.forEach(s => s.destroy())});
  jsonUrl = `http://127.0.0.1:${await listen(http.createServer((_q, r) => r.writeHead(200, {'content-type': 'application/json'}).end('{"status":"ok"}')))}`;
  htmlUrl = `http://127.0.0.1:${await listen(http.createServer((_q, r) => r.writeHead(200, {'content-type': 'text/html'}).end('<html>hi</html>')))}`;
});

after(async () => {
  for (const s of servers) s.close();
  await Promise.all([demo, noZtunnel, migrated].filter(Boolean).map(c => c.close()));
  if (existsSync(fullDisk)) spawnSync('umount', [fullDisk]);
  tmp.cleanup();
});

const plugin = () => {
  const file = userFile('bin/expired-login', '#!/bin/sh\necho "error: the SSO session has expired" >&2\nexit 1\n', 0o755);
  return file;
};

const cases: Case[] = [
  // The tool says "fine" when it is not (items 1-3).
  {name: 'apply with no ztunnel', args: () => ['apply', '-n', NS, '--yes', ...noZtunnel.flags], code: EXIT.blocked, says: /environment check env\/ztunnel failed/, cluster: () => noZtunnel},
  {name: 'audit with no ztunnel', args: () => ['audit', '--kubeconfig', noZtunnel.kubeconfig], code: EXIT.blocked, says: /✘ env\/ztunnel\s+no ztunnel DaemonSet/, report: true, cluster: () => noZtunnel},
  {name: 'audit of a cluster with no Istio', args: () => ['audit', '--cluster-from', userFile('no-istio.yaml', 'apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n')], code: EXIT.blocked, says: /no istiod Deployment found/, report: true},
  {name: 'audit of an empty --cluster-from', args: () => (mkdirSync(path.join(home, 'empty'), {recursive: true}), ['audit', '--cluster-from', path.join(home, 'empty')]), code: EXIT.blocked, says: /no istiod Deployment found/, report: true},
  {
    name: 'audit of a kind: List without Istio',
    args: () => ['audit', '--cluster-from', userFile('list.yaml', 'apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Namespace\n  metadata: {name: shop, labels: {istio-injection: enabled}}\n')],
    code: EXIT.blocked,
    says: /shop\s+sidecar\s+blocked\s+env\//,
    report: true,
  },
  {name: 'status when the cluster differs', setUp: () => migrated.client.delete(KINDS.gateway, NS, 'waypoint'), args: () => ['status', ...migrated.flags], code: EXIT.differs, says: /cluster differs: Gateway bookinfo\/waypoint is gone/, report: true, cluster: () => migrated},
  {
    name: 'status with the cluster unreachable',
    setUp: () => migrated.sim.server.faults.add({drop: 'before', times: Infinity}),
    tearDown: () => migrated.sim.server.faults.clear(),
    args: () => ['status', ...migrated.flags],
    code: EXIT.error,
    says: /the cluster could not be read, so the status above is the state file's alone/,
    cluster: () => migrated,
  },
  // It hangs, or is silent (items 5, 6).
  {name: 'status --demo, workdir a file', args: () => ['status', '--demo', '--workdir', userFile('notes-1.txt', 'mine\n')], code: EXIT.error, says: /--workdir .* is a file, not a directory/},
  {name: 'wizard --demo, workdir a file', args: () => ['--demo', '--workdir', userFile('notes-2.txt', 'mine\n')], code: EXIT.error, says: /--workdir .* is a file, not a directory/},
  {name: 'apply --cluster-from, workdir a file', args: () => ['apply', '-n', NS, '--yes', '--cluster-from', demoPath, '--workdir', userFile('notes-3.txt', 'mine\n')], code: EXIT.error, says: /--workdir .* is a file, not a directory/},
  {name: 'sim --kubeconfig-out a directory', args: () => (mkdirSync(path.join(home, 'kdir'), {recursive: true}), ['sim', '--kubeconfig-out', path.join(home, 'kdir')]), code: EXIT.error, says: /--kubeconfig-out .* is a directory/},
  {name: 'a server that never answers', args: () => ['audit', '--kubeconfig', kubeconfig('silent', silentUrl), '--request-timeout', '1s'], code: EXIT.error, says: /did not answer GET \/version within 1s \(2 attempts/},
  {name: 'a --request-timeout that is no duration', args: () => ['audit', '--demo', '--workdir', workdir('rt'), '--request-timeout', 'soon'], code: EXIT.usage, says: /--request-timeout must be/},
  // Wrong diagnosis (items 8-12).
  {
    name: 'Deployments answer 503',
    setUp: () => demo.sim.server.faults.add({verb: 'list', group: 'apps', resource: 'deployments', status: 503, times: Infinity}),
    tearDown: () => demo.sim.server.faults.clear(),
    args: () => ['audit', '--kubeconfig', demo.kubeconfig],
    code: EXIT.blocked,
    says: /Istio unknown \(Deployments could not be read\)[\s\S]*env\/istio-version\s+could not verify/,
    report: true,
    cluster: () => demo,
  },
  {
    name: 'Deployments answer 403',
    setUp: () => demo.sim.server.faults.deny({verb: 'list', group: 'apps', resource: 'deployments'}),
    tearDown: () => demo.sim.server.faults.clear(),
    args: () => ['audit', '--kubeconfig', demo.kubeconfig],
    code: EXIT.blocked,
    says: /env\/istio-version\s+could not verify: no permission to list deployments/,
    report: true,
    cluster: () => demo,
  },
  {name: 'a plain http:// server', args: () => ['audit', '--kubeconfig', kubeconfig('http', demo.sim.url, {})], code: EXIT.blocked, says: /✔ env\/ztunnel/, report: true, cluster: () => demo},
  {name: 'a credential plugin not installed', args: () => ['audit', '--kubeconfig', kubeconfig('exec-missing', 'https://127.0.0.1:1', undefined, {exec: {apiVersion: 'client.authentication.k8s.io/v1beta1', command: 'aws-no-such-plugin'}})], code: EXIT.error, says: /credential plugin "aws-no-such-plugin" .* is not installed/},
  {name: 'a credential plugin that fails', args: () => ['audit', '--kubeconfig', kubeconfig('exec-fails', 'https://127.0.0.1:1', undefined, {exec: {apiVersion: 'client.authentication.k8s.io/v1beta1', command: plugin()}})], code: EXIT.error, says: /credential plugin .* failed: error: the SSO session has expired\. .*log in again/},
  {name: 'a missing certificate-authority', args: () => ['audit', '--kubeconfig', kubeconfig('ca', 'https://127.0.0.1:1', {'certificate-authority': path.join(home, 'gone-ca.crt')})], code: EXIT.error, says: /certificate-authority file .*gone-ca\.crt .* does not exist/},
  {name: 'a missing client certificate', args: () => ['audit', '--kubeconfig', kubeconfig('cert', 'https://127.0.0.1:1', undefined, {'client-certificate': path.join(home, 'gone.crt'), 'client-key': path.join(home, 'gone.key')})], code: EXIT.error, says: /client-certificate file .*gone\.crt .* does not exist/},
  {name: 'a JSON service, not an API server', args: () => ['audit', '--kubeconfig', kubeconfig('json', jsonUrl)], code: EXIT.error, says: /is not a Kubernetes API server/},
  {name: 'a web page, not an API server', args: () => ['audit', '--kubeconfig', kubeconfig('html', htmlUrl)], code: EXIT.error, says: /is not a Kubernetes API server: GET \/version answered with something that is not JSON/},
  {name: 'unrendered Helm templates', args: () => ['audit', '--cluster-from', userFile('chart/templates/ns.yaml', 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: {{ .Values.namespace }}\n')], code: EXIT.error, says: /looks like an unrendered Helm template .* helm template/},
  {
    name: '--cluster-from: backup, then apply',
    setUp: async () => assert.equal((await runCli(['backup', '--cluster-from', demoPath, '--workdir', workdir('cf')])).code, 0),
    args: () => ['apply', '-n', NS, '--yes', '--cluster-from', demoPath, '--workdir', workdir('cf')],
    code: EXIT.error,
    says: /--cluster-from starts a new simulated cluster on every run/,
  },
  // It touches what it should not (items 13-15).
  {name: 'backup, workdir a file', args: () => ['backup', ...demo.flags.slice(0, 2), '--workdir', userFile('notes-4.txt', 'mine\n', 0o640)], code: EXIT.error, says: /--workdir .* is a file, not a directory/, cluster: () => demo},
  {name: 'backup, workdir under a file', args: () => ['backup', ...demo.flags.slice(0, 2), '--workdir', path.join(userFile('notes-5.txt', 'mine\n'), 'w')], code: EXIT.error, says: /cannot be created: .*notes-5\.txt is a file/, cluster: () => demo},
  {name: 'plan --out a file', args: () => ['plan', '-n', NS, ...demo.flags.slice(0, 2), '--out', userFile('plan.txt', 'mine\n')], code: EXIT.error, says: /--out .* is a file, not a directory/, cluster: () => demo},
  {name: 'plan --out a directory with other files', args: () => ['plan', '-n', NS, ...demo.flags.slice(0, 2), '--out', path.dirname(userFile('gitops/plan.json', '{"mine":true}\n'))], code: EXIT.error, says: /--out .* is not empty.*--force/, cluster: () => demo},
  {
    name: 'backup onto a full disk',
    skip: canMount() ? false : 'needs root to mount a small tmpfs',
    setUp: () => {
      mkdirSync(fullDisk, {recursive: true});
      assert.equal(spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=256k,mode=0700', 'tmpfs', fullDisk]).status, 0);
      const fd = openSync(path.join(fullDisk, 'filler'), 'w');
      try {
        for (;;) writeSync(fd, Buffer.alloc(4096, 1));
      } catch {
        // full
      } finally {
        closeSync(fd);
      }
    },
    tearDown: () => {
      spawnSync('umount', [fullDisk]);
    },
    args: () => ['backup', ...demo.flags.slice(0, 2), '--workdir', fullDisk],
    code: EXIT.error,
    says: /the disk is full \(ENOSPC\): cannot write the backup/,
    cluster: () => demo,
  },
  // Error paths that were right already, held to the same promises.
  {name: 'a kubeconfig that does not exist', args: () => ['audit', '--kubeconfig', path.join(home, 'none')], code: EXIT.error, says: /does not exist/},
  {name: 'an unknown context', args: () => ['audit', '--kubeconfig', demo.kubeconfig, '--context', 'nope'], code: EXIT.error, says: /context "nope" is not in/, cluster: () => demo},
  {name: 'an unknown flag', args: () => ['audit', '--frobnicate'], code: EXIT.usage, says: /unknown option '--frobnicate'/},
];

describe('issue 14 sweep: every bad input tells the truth', () => {
  for (const c of cases) {
    test(c.name, {skip: c.skip}, async () => {
      await c.setUp?.();
      const cluster = c.cluster?.();
      const args = c.args();
      const since = cluster?.journal().length ?? 0;
      const homeBefore = snapshot(home);
      let result: CliResult;
      const started = Date.now();
      try {
        result = await runCli(args, {cwd: home, timeoutMs: 60_000, env: {HOME: home}});
      } finally {
        await c.tearDown?.();
      }
      const all = `exit ${result.code} ${result.signal ?? ''} after ${Date.now() - started}ms\nstdout:\n${result.stdout.slice(0, 3000)}\nstderr:\n${result.stderr}`;
      assert.equal(result.signal, null, `exits by itself within 60 s\n${all}`);
      assert.equal(result.code, c.code, all);
      assert.doesNotMatch(result.stdout + result.stderr, /unexpected error|please report this/i, all);
      assert.doesNotMatch(result.stdout + result.stderr, /\n\s+at .*:\d+:\d+\)?\n/, `no stack trace\n${all}`);
      const lines = result.stderr.split('\n').filter(l => l.trim() !== '' && !/^\s/.test(l));
      if (c.report) {
        assert.ok(lines.length <= 2, `a report keeps stderr quiet\n${all}`);
        assert.match(result.stdout, c.says, all);
      } else {
        assert.ok(lines.length >= 1 && lines.length <= 2, `one or two lines on stderr\n${all}`);
        assert.match(result.stderr, c.says, all);
      }
      if (cluster) assert.deepEqual(cluster.journal(since).filter(e => e.method !== 'GET').map(e => `${e.method} ${e.path}`), [], `nothing written to the cluster\n${all}`);
      assert.deepEqual(snapshot(home), homeBefore, `no file outside the workdir changed\n${all}`);
    });
  }
});
