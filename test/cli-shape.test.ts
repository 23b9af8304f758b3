/**
 * The command line as kubectl users expect it: `-o json|yaml`, `--dry-run=server|client`, `-v`, `help CMD`,
 * `version`, global flags in every command's help, and shell completion. The real binary, as a process.
 */
import assert from 'node:assert/strict';
import {spawn} from 'node:child_process';
import {readFileSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import {after, before, describe, test} from 'node:test';
import {KINDS} from '../source/kube/kinds.ts';
import {BOOKINFO_OPERATIONS, migrationCase, NS, runCli, writeVerbs, type MigrationCase} from './helpers/migration.ts';

const version = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {version: string}).version;

describe('help and version', () => {
  test('--version and `version` print the package version', async () => {
    for (const args of [['--version'], ['version']]) {
      const result = await runCli(args);
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.stdout, `${version}\n`);
    }
  });

  test('`help apply` and `apply --help` show apply\'s flags and the global ones', async () => {
    for (const args of [['help', 'apply'], ['apply', '--help']]) {
      const result = await runCli(args);
      assert.equal(result.code, 0, result.stderr);
      for (const flag of ['--namespace', '--dry-run', '--yes', '--kubeconfig', '--context', '--workdir', '--verbose']) assert.match(result.stdout, new RegExp(flag), `${args.join(' ')}: ${flag}`);
    }
  });

  test('an unknown -o format is a usage error that lists the choices', async () => {
    const result = await runCli(['audit', '--demo', '-o', 'xml']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /argument 'xml' is invalid.*json, yaml/);
  });
});

describe('against a cluster', {concurrency: false}, () => {
  let c: MigrationCase;
  before(async () => {
    c = await migrationCase();
    await c.backup();
  });
  after(() => c.close());

  test('audit -o yaml says what -o json says; --json is -o json', async () => {
    const [asJson, asYaml, alias] = await Promise.all([runCli(['audit', '-o', 'json', ...c.flags]), runCli(['audit', '--output', 'yaml', ...c.flags]), runCli(['audit', '--json', ...c.flags])]);
    for (const r of [asJson, asYaml, alias]) assert.ok(r.code === 0 || r.code === 3, r.stderr);
    const fromJson = JSON.parse(asJson.stdout) as {findings: unknown[]};
    assert.ok(fromJson.findings.length > 0);
    assert.deepEqual(yaml.load(asYaml.stdout), fromJson);
    assert.deepEqual(JSON.parse(alias.stdout), fromJson);
  });

  test('plan -o yaml is the plan; status -o yaml is the status', async () => {
    const plan = await runCli(['plan', '-n', NS, '-o', 'yaml', ...c.flags]);
    assert.equal(plan.code, 0, plan.stderr);
    const parsed = yaml.load(plan.stdout) as {namespaces: string[]; operations: unknown[]};
    assert.deepEqual(parsed.namespaces, [NS]);
    assert.equal(parsed.operations.length, BOOKINFO_OPERATIONS);
    const status = await runCli(['status', '-o', 'yaml', ...c.flags]);
    assert.equal(status.code, 0, status.stderr);
    assert.deepEqual((yaml.load(status.stdout) as {namespaces: unknown[]}).namespaces, []);
  });

  test('apply --dry-run=client prints every operation with its diff and sends no write at all', async () => {
    const since = c.journal().length;
    const result = await runCli(['apply', '-n', NS, '--dry-run=client', ...c.flags]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, new RegExp(`^\\[${NS}\\] 1/${BOOKINFO_OPERATIONS} waypoint: create Gateway ${NS}/waypoint$`, 'm'));
    assert.match(result.stdout, /^ {4}\+ {2}gatewayClassName: istio-waypoint$/m, 'the diff of the new waypoint');
    assert.match(result.stdout, new RegExp(`dry run \\(client\\): ${BOOKINFO_OPERATIONS} operations would run; nothing was sent to the cluster`));
    assert.deepEqual([...writeVerbs(c.journal(since))], [], 'no write request, not even a dry-run one');
  });

  test('apply --dry-run (bare) and --dry-run=server send every write with dryRun=All and change nothing', async () => {
    for (const flag of ['--dry-run', '--dry-run=server']) {
      const since = c.journal().length;
      const result = await runCli(['apply', '-n', NS, flag, ...c.flags]);
      assert.equal(result.code, 0, `${flag}: ${result.stderr}`);
      assert.match(result.stdout, /dry run: every write was accepted by the API server; nothing changed/);
      const writes = c.journal(since).filter(e => e.method !== 'GET');
      assert.ok(writes.length > 0, `${flag}: writes were sent`);
      assert.ok(writes.every(e => /(^|&)dryRun=All(&|$)/.test(e.query)), `${flag}: every write is a dry run`);
    }
    const ns = await c.client.get(KINDS.namespace, undefined, NS);
    assert.equal(ns?.metadata.labels?.['istio-injection'], 'enabled', 'the namespace is as it was');
    assert.equal(await c.client.get(KINDS.gateway, NS, 'waypoint'), undefined, 'no waypoint');
  });

  test('-v logs every API request with method, URL, status and time to stderr, and nothing else changes', async () => {
    const since = c.journal().length;
    const result = await runCli(['-v', 'status', ...c.flags]);
    assert.equal(result.code, 0, result.stderr);
    const logged = result.stderr.trim().split('\n');
    const served = c.journal(since).filter(e => !e.path.startsWith('/__sim'));
    assert.equal(logged.length, served.length, result.stderr);
    for (const [i, line] of logged.entries()) {
      assert.match(line, /^ambient-migrate: (GET|POST|PATCH|DELETE) http:\/\/127\.0\.0\.1:\d+\/\S+ \d{3} in \d+ ms$/);
      assert.ok(line.includes(served[i]!.path), `${line} names ${served[i]!.path}`);
    }
    assert.match(result.stdout, /no migration recorded/);
  });

  test('revert --dry-run=client lists what it would undo; --dry-run=server sends it with dryRun=All; neither changes the cluster or the state file', async () => {
    const applied = await runCli(['apply', '-n', NS, '--yes', ...c.flags]);
    assert.equal(applied.code, 0, applied.stderr);
    const stateBefore = readFileSync(c.statePath, 'utf8');
    const client = await runCli(['revert', '-n', NS, '--dry-run=client', ...c.flags]);
    assert.equal(client.code, 0, client.stderr);
    assert.match(client.stdout, new RegExp(`^\\[${NS}\\] \\d+/${BOOKINFO_OPERATIONS} would undo cleanup: delete `, 'm'));
    assert.match(client.stdout, new RegExp(`dry run \\(client\\): ${BOOKINFO_OPERATIONS} operations would be undone`));

    const since = c.journal().length;
    const server = await runCli(['revert', '-n', NS, '--dry-run', ...c.flags]);
    assert.equal(server.code, 0, server.stderr);
    assert.match(server.stdout, /dry run: the API server accepted the \d+ writes? revert would make; nothing changed/);
    const writes = c.journal(since).filter(e => e.method !== 'GET');
    assert.ok(writes.length > 0 && writes.every(e => /(^|&)dryRun=All(&|$)/.test(e.query)), 'every write is a dry run');
    assert.equal(readFileSync(c.statePath, 'utf8'), stateBefore, 'the state file is untouched');
    const ns = await c.client.get(KINDS.namespace, undefined, NS);
    assert.equal(ns?.metadata.labels?.['istio.io/dataplane-mode'], 'ambient', 'still migrated');
  });
});

describe('completion', () => {
  test('bash: the script is valid, offers the commands, the flags of a command, and the cluster\'s namespaces for -n', async () => {
    const c = await migrationCase();
    try {
      const script = await runCli(['completion', 'bash']);
      assert.equal(script.code, 0, script.stderr);
      const file = path.join(path.dirname(c.kubeconfig), 'completion.bash');
      writeFileSync(file, script.stdout);
      // Complete as bash would: COMP_WORDS and COMP_CWORD set, then the function the script registered.
      // Asynchronous: the simulator answers from this process.
      const complete = async (words: string[]) => {
        const probe = `source ${file}\nambient-migrate() { node ${JSON.stringify(path.resolve('bin/ambient-migrate.js'))} "$@"; }\nCOMP_WORDS=(${words.map(w => `'${w}'`).join(' ')})\nCOMP_CWORD=${words.length - 1}\n_ambient_migrate\nprintf '%s\\n' "\${COMPREPLY[@]}"`;
        const child = spawn('bash', ['-c', probe], {stdio: ['ignore', 'pipe', 'pipe']});
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', chunk => (stdout += chunk));
        child.stderr.on('data', chunk => (stderr += chunk));
        const status = await new Promise(r => child.on('close', r));
        assert.equal(status, 0, stderr);
        return stdout.trim().split('\n').filter(Boolean);
      };
      assert.deepEqual(await complete(['ambient-migrate', 'pl']), ['plan']);
      assert.ok((await complete(['ambient-migrate', 'apply', '--d'])).includes('--dry-run'));
      assert.deepEqual(await complete(['ambient-migrate', 'audit', '-o', '']), ['json', 'yaml']);
      const namespaces = await complete(['ambient-migrate', 'plan', '--kubeconfig', c.kubeconfig, '-n', 'book']);
      assert.deepEqual(namespaces, ['bookinfo']);
      assert.deepEqual(await complete(['ambient-migrate', 'plan', '--kubeconfig', c.kubeconfig, '-n', 'bookinfo,pay']), ['bookinfo,payments']);
    } finally {
      await c.close();
    }
  });

  test('zsh and fish scripts are printed, and cover the kubectl plugin name too', async () => {
    for (const shell of ['zsh', 'fish']) {
      const result = await runCli(['completion', shell]);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /kubectl-ambient_migrate/);
      assert.match(result.stdout, /__complete-namespaces/);
    }
    const bad = await runCli(['completion', 'powershell']);
    assert.equal(bad.code, 2);
  });

  test('namespace completion against a cluster that cannot be reached prints nothing and exits 0 at once', async () => {
    const kubeconfig = path.join(path.dirname(new URL(import.meta.url).pathname), '..', 'fixtures', 'nonexistent-kubeconfig');
    const result = await runCli(['__complete-namespaces', '--kubeconfig', kubeconfig]);
    assert.equal(result.code, 0);
    assert.equal(result.stdout, '');
    assert.equal(result.stderr, '');
  });
});
