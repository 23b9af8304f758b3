import assert from 'node:assert/strict';
import {spawn, spawnSync} from 'node:child_process';
import {mkdtempSync, writeFileSync} from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {after, describe, test} from 'node:test';
import {fileURLToPath} from 'node:url';
import {DEMO_CLUSTER_FILE} from '../source/app/cluster-source.ts';
import {startSimulator} from '../source/sim/simulator.ts';
import {runCli} from './helpers/migration.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = path.join(root, 'bin/ambient-migrate.js');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'ambient-migrate-cli-'));

/** Runs the real binary without a terminal, as a script or CI would. */
function run(args: string[], env: NodeJS.ProcessEnv = {}) {
  // An empty HOME and no KUBECONFIG: nothing from the machine running the tests leaks in.
  const {KUBECONFIG: _ignored, ...base} = process.env;
  const result = spawnSync(process.execPath, [bin, ...args], {
    cwd: tmp,
    encoding: 'utf8',
    env: {...base, HOME: tmp, ...env},
    timeout: 60_000,
  });
  return {code: result.status, stdout: result.stdout, stderr: result.stderr};
}

function assertOneLineError(stderr: string) {
  const lines = stderr.trim().split('\n');
  assert.equal(lines.length, 1, `expected one line, got:\n${stderr}`);
  assert.doesNotMatch(stderr, /\n\s+at /, 'no stack trace');
}

function kubeconfig(name: string, server: string, contexts = ['prod']): string {
  const file = path.join(tmp, name);
  const entries = contexts.map(c => `- name: ${c}\n  context: {cluster: c1, user: u1}`).join('\n');
  writeFileSync(
    file,
    `apiVersion: v1\nkind: Config\nclusters:\n- name: c1\n  cluster: {server: "${server}", insecure-skip-tls-verify: true}\nusers:\n- name: u1\n  user: {token: t}\ncontexts:\n${entries}\ncurrent-context: ${contexts[0]}\n`,
  );
  return file;
}

async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  const {port} = server.address() as net.AddressInfo;
  await new Promise<void>(r => server.close(() => r()));
  return port;
}

describe('command line', () => {
  test('--help lists the cluster flags and the sim command', () => {
    const {code, stdout} = run(['--help']);
    assert.equal(code, 0);
    for (const flag of ['--kubeconfig', '--context', '--workdir', '--demo', '--cluster-from', 'sim']) assert.match(stdout, new RegExp(flag));
  });

  test('--version prints the package version', () => {
    const {code, stdout} = run(['--version']);
    assert.equal(code, 0);
    assert.match(stdout.trim(), /^\d+\.\d+\.\d+$/);
  });

  test('an unknown flag is a usage error that names it', () => {
    const {code, stderr} = run(['--frobnicate']);
    assert.equal(code, 2);
    assert.match(stderr, /unknown option '--frobnicate'/);
  });

  test('an unknown command is a usage error that names it', () => {
    const {code, stderr} = run(['frobnicate']);
    assert.equal(code, 2);
    assert.match(stderr, /unknown command 'frobnicate'/);
  });

  test('--demo with --cluster-from is a usage error', () => {
    const {code, stderr} = run(['--demo', '--cluster-from', 'x.yaml']);
    assert.equal(code, 2);
    assert.match(stderr, /pass only one/);
  });

  test('a kubeconfig that does not exist: one line naming it, exit 1', () => {
    const {code, stderr} = run(['--kubeconfig', '/nonexistent/kubeconfig']);
    assert.equal(code, 1);
    assertOneLineError(stderr);
    assert.match(stderr, /\/nonexistent\/kubeconfig does not exist/);
  });

  test('no kubeconfig at all points to --kubeconfig and --demo', () => {
    const {code, stderr} = run([]);
    assert.equal(code, 1);
    assertOneLineError(stderr);
    assert.match(stderr, /no kubeconfig found/);
    assert.match(stderr, /--demo/);
  });

  test('$KUBECONFIG naming a missing file says so instead of failing later', () => {
    const {code, stderr} = run([], {KUBECONFIG: path.join(tmp, 'gone.kubeconfig')});
    assert.equal(code, 1);
    assertOneLineError(stderr);
    assert.match(stderr, /\$KUBECONFIG names .*gone\.kubeconfig, which does not exist/);
  });

  test('an unknown context: one line listing the contexts there are', () => {
    const file = kubeconfig('two-contexts', 'https://127.0.0.1:1', ['prod', 'staging']);
    const {code, stderr} = run(['--kubeconfig', file, '--context', 'dev']);
    assert.equal(code, 1);
    assertOneLineError(stderr);
    assert.match(stderr, /context "dev" is not in/);
    assert.match(stderr, /"prod", "staging"/);
  });

  test('an unreachable server: one line naming server and context, exit 1', async () => {
    const port = await closedPort();
    const file = kubeconfig('unreachable', `https://127.0.0.1:${port}`);
    const {code, stderr} = run(['--kubeconfig', file]);
    assert.equal(code, 1);
    assertOneLineError(stderr);
    assert.match(stderr, new RegExp(`cannot reach the API server https://127.0.0.1:${port} \\(context "prod"\\)`));
  });

  test('--cluster-from a path that does not exist says so', () => {
    const {code, stderr} = run(['--cluster-from', path.join(tmp, 'missing')]);
    assert.equal(code, 1);
    assertOneLineError(stderr);
    assert.match(stderr, /missing does not exist/);
  });

  test('--cluster-from with an invalid object names the file and the object', () => {
    const file = path.join(tmp, 'bad.yaml');
    writeFileSync(
      file,
      'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: broken, namespace: shop}\nspec:\n  hosts: reviews\n',
    );
    const {code, stderr} = run(['--cluster-from', file]);
    assert.equal(code, 1);
    assertOneLineError(stderr);
    assert.match(stderr, /bad\.yaml: VirtualService shop\/broken was refused/);
    assert.match(stderr, /spec\.hosts/);
  });

  test('without a terminal the wizard does not start and points to the scriptable commands', () => {
    const {code, stderr} = run(['--demo']);
    assert.equal(code, 2);
    assertOneLineError(stderr);
    assert.match(stderr, /needs an interactive terminal/);
    assert.match(stderr, /audit/);
  });
});

describe('sim command', () => {
  const children: Array<ReturnType<typeof spawn>> = [];
  after(() => {
    for (const child of children) child.kill('SIGKILL');
  });

  test('serves the demo cluster, writes a kubeconfig, and stops cleanly on SIGTERM', async () => {
    const out = path.join(tmp, 'sim.kubeconfig');
    const child = spawn(process.execPath, [bin, 'sim', '--kubeconfig-out', out], {cwd: tmp, env: {...process.env}});
    children.push(child);
    let stdout = '';
    child.stdout.on('data', chunk => (stdout += chunk));
    const deadline = Date.now() + 30_000;
    while (!stdout.includes('Press Ctrl+C') && Date.now() < deadline) await new Promise(r => setTimeout(r, 50));
    assert.match(stdout, /listening on http:\/\/127\.0\.0\.1:\d+/);
    assert.match(stdout, new RegExp(`Kubeconfig written to ${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    const url = /listening on (\S+)/.exec(stdout)![1]!;
    const version = (await (await fetch(`${url}/version`)).json()) as {minor: string};
    assert.equal(version.minor, '32');
    const namespaces = (await (await fetch(`${url}/api/v1/namespaces`)).json()) as {items: Array<{metadata: {name: string}}>};
    assert.ok(namespaces.items.some(n => n.metadata.name === 'bookinfo'), 'demo namespaces are served');
    const exited = new Promise<number | null>(resolve => child.on('exit', code => resolve(code)));
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
    assert.match(stdout, /Simulator stopped/);
  });

  test('a port that is taken is reported in one line', async () => {
    const blocker = net.createServer();
    await new Promise<void>(r => blocker.listen(0, '127.0.0.1', r));
    const {port} = blocker.address() as net.AddressInfo;
    try {
      const {code, stderr} = run(['sim', '--port', String(port), '--kubeconfig-out', path.join(tmp, 'x.kubeconfig')]);
      assert.equal(code, 1);
      assertOneLineError(stderr);
      assert.match(stderr, new RegExp(`port ${port} on 127.0.0.1 is already in use`));
    } finally {
      blocker.close();
    }
  });
});

describe('the demo cluster between runs', () => {
  test('a demo cluster saved with a pod still Terminating opens again: the pod finishes, the command runs', async () => {
    const workdir = mkdtempSync(path.join(os.tmpdir(), 'ambient-migrate-demo-terminating-'));
    const sim = await startSimulator({fixtures: [path.join(root, 'fixtures/demo')], persistTo: path.join(workdir, DEMO_CLUSTER_FILE)});
    const pods = sim.cluster.typeFor('', 'pods');
    const [pod] = sim.cluster.list(pods, {namespace: 'edge'}).items;
    sim.cluster.delete(pods, 'edge', pod!.metadata.name!);
    assert.ok(sim.cluster.tryGet(pods, 'edge', pod!.metadata.name!)?.metadata.deletionTimestamp, 'saved while Terminating');
    await sim.close();

    const status = await runCli(['status', '--demo', '--workdir', workdir]);
    assert.equal(status.code, 0, status.stdout + status.stderr);
    assert.match(status.stdout, /no migration recorded/);
  });
});

