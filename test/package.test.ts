/**
 * What a user installs: `npm pack` gives a tarball that `npm install -g` installs on a clean prefix, and
 * the installed command (and the kubectl plugin) runs every command, the demo included, with nothing from
 * this checkout but the tarball.
 */
import assert from 'node:assert/strict';
import {spawn} from 'node:child_process';
import {existsSync, mkdirSync, mkdtempSync, readFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {before, describe, test} from 'node:test';
import {repoRoot} from './helpers/cluster.ts';
import {hasTmux, TmuxSession} from './helpers/tmux.ts';

const version = (JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {version: string}).version;

function run(command: string, args: string[], options: {cwd?: string; env?: NodeJS.ProcessEnv} = {}): Promise<{code: number | null; stdout: string; stderr: string}> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe']});
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', chunk => (stdout += chunk));
    child.stderr.on('data', chunk => (stderr += chunk));
    child.on('error', reject);
    child.on('close', code => resolve({code, stdout, stderr}));
  });
}

describe('the packed tarball', {concurrency: false}, () => {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'ambient-migrate-pack-'));
  const prefix = path.join(tmp, 'prefix');
  const home = path.join(tmp, 'home');
  const work = path.join(tmp, 'work');
  let files: string[] = [];
  // Only the installed package, plain Node and the system's tools: no checkout, no node_modules of ours.
  const env = (): NodeJS.ProcessEnv => ({PATH: `${path.join(prefix, 'bin')}:${path.dirname(process.execPath)}:/usr/local/bin:/usr/bin:/bin`, HOME: home, NO_COLOR: '1'});
  const installed = (args: string[]) => run(path.join(prefix, 'bin', 'ambient-migrate'), args, {cwd: work, env: env()});

  before(async () => {
    assert.ok(existsSync(path.join(repoRoot, 'dist', 'cli.js')), 'dist/ is built (npm test builds it first)');
    mkdirSync(home);
    mkdirSync(work);
    // --ignore-scripts: dist/ is already built, and rebuilding it here would pull it from under the
    // other tests that run the binary at the same time.
    const packed = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', tmp], {cwd: repoRoot});
    assert.equal(packed.code, 0, packed.stderr);
    const [info] = JSON.parse(packed.stdout) as Array<{filename: string; files: Array<{path: string}>}>;
    files = info!.files.map(f => f.path);
    const install = await run('npm', ['install', '-g', '--prefix', prefix, '--no-audit', '--no-fund', path.join(tmp, path.basename(info!.filename))], {cwd: tmp});
    assert.equal(install.code, 0, install.stderr);
  });

  test('holds the compiled code and the demo, and no tests, sources or dev files', () => {
    for (const wanted of ['package.json', 'README.md', 'bin/ambient-migrate.js', 'dist/cli.js', 'fixtures/demo/20-bookinfo.yaml']) assert.ok(files.includes(wanted), `${wanted} is packed`);
    assert.ok(files.some(f => f.startsWith('fixtures/crds/istio/')), 'the Istio CRDs the demo installs');
    for (const unwanted of ['test/', 'source/', 'scripts/', '.ci/', 'fixtures/audit/', 'fixtures/plan/', 'tsconfig.json']) {
      assert.ok(!files.some(f => f.startsWith(unwanted)), `${unwanted} is not packed: ${files.filter(f => f.startsWith(unwanted)).slice(0, 3).join(', ')}`);
    }
  });

  test('the installed command prints its version and help', async () => {
    const v = await installed(['--version']);
    assert.equal(v.code, 0, v.stderr);
    assert.equal(v.stdout, `${version}\n`);
    const help = await installed(['--help']);
    assert.equal(help.code, 0, help.stderr);
    assert.match(help.stdout, /audit/);
  });

  test('the installed command runs audit, plan, backup, apply, status and revert on the demo cluster', async () => {
    const audit = await installed(['audit', '--demo', '-o', 'json']);
    assert.equal(audit.code, 3, audit.stderr);
    assert.ok((JSON.parse(audit.stdout) as {findings: unknown[]}).findings.length > 0);
    const plan = await installed(['plan', '--demo', '-n', 'bookinfo']);
    assert.equal(plan.code, 0, plan.stderr);
    assert.match(plan.stdout, /HTTPRoute/);
    const backup = await installed(['backup', '--demo']);
    assert.equal(backup.code, 0, backup.stderr);
    const apply = await installed(['apply', '--demo', '-n', 'bookinfo', '--yes', '--accept', 'known-limitations']);
    assert.equal(apply.code, 0, apply.stderr);
    assert.match(apply.stdout, /verified/);
    const status = await installed(['status', '--demo', '-o', 'yaml']);
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, /status: done/);
    const revert = await installed(['revert', '--demo', '-n', 'bookinfo', '--yes']);
    assert.equal(revert.code, 0, revert.stderr);
  });

  test('kubectl finds it as a plugin: `kubectl ambient-migrate` passes its flags through', {skip: existsSync('/usr/bin/kubectl') ? false : 'kubectl is not installed'}, async () => {
    assert.ok(existsSync(path.join(prefix, 'bin', 'kubectl-ambient_migrate')), 'the plugin binary is installed');
    const v = await run('kubectl', ['ambient-migrate', '--version'], {cwd: work, env: env()});
    assert.equal(v.code, 0, v.stderr);
    assert.equal(v.stdout, `${version}\n`);
    const plan = await run('kubectl', ['ambient-migrate', 'plan', '--demo', '-n', 'bookinfo', '-o', 'json'], {cwd: work, env: env()});
    assert.equal(plan.code, 0, plan.stderr);
    assert.deepEqual((JSON.parse(plan.stdout) as {namespaces: string[]}).namespaces, ['bookinfo']);
  });

  test('the installed wizard opens on the demo cluster in a terminal', {skip: hasTmux() ? false : 'tmux is not installed'}, async () => {
    const tmux = new TmuxSession(`env PATH='${env().PATH}' HOME='${home}' ${path.join(prefix, 'bin', 'ambient-migrate')} --demo --workdir ${path.join(work, 'wizard')}`, {width: 100, height: 30, cwd: work});
    try {
      const screen = await tmux.waitFor('The migration, step by step');
      assert.match(screen, /Connect \(step 1 of 8\)/);
      tmux.press('q');
      assert.equal(await tmux.waitForExit(), 0);
    } finally {
      tmux.kill();
    }
  });
});
