/**
 * Issue 14: every failure tells the truth. Each `describe` is one item of the issue, driven through the
 * real binary as a user would meet it: the exit code the README documents, one or two lines on stderr
 * that say what happened and what to do, never "unexpected error" or a stack trace, and nothing changed
 * that the tool does not own.
 */
import assert from 'node:assert/strict';
import {chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {after, describe, test} from 'node:test';
import http from 'node:http';
import net from 'node:net';
import {parseRequestTimeout} from '../source/app/request-timeout.ts';
import {EXIT} from '../source/cli.tsx';
import {startSimulator} from '../source/sim/simulator.ts';
import {hasTmux, TmuxSession} from './helpers/tmux.ts';
import {KINDS} from '../source/kube/kinds.ts';
import {demoPath, tempDir, waitFor} from './helpers/cluster.ts';
import {BIN, BOOKINFO_OPERATIONS, migrationCase, NS, runCli, startCli, type CliResult, type MigrationCase} from './helpers/migration.ts';
import {spawnSync} from 'node:child_process';
import {closeSync, openSync, rmSync, writeSync} from 'node:fs';

const tmp = tempDir('ambient-migrate-errors-');
after(() => tmp.cleanup());

/** The lines of stderr that start a message (indented lines continue the one above). */
export function messageLines(stderr: string): string[] {
  return stderr.split('\n').filter(line => line.trim() !== '' && !/^\s/.test(line));
}

/** Exit code as documented, one or two lines naming the problem, no stack trace, no "unexpected error". */
export function assertClearError(result: CliResult, code: number, pattern: RegExp): void {
  const all = `exit ${result.code}\nstdout:\n${result.stdout}\nstderr:\n${result.stderr}`;
  assert.equal(result.code, code, all);
  assert.doesNotMatch(result.stderr, /unexpected error/i, all);
  assert.doesNotMatch(result.stderr, /\n\s+at .*\(.*:\d+:\d+\)/, `no stack trace\n${all}`);
  const lines = messageLines(result.stderr);
  assert.ok(lines.length >= 1 && lines.length <= 2, `one or two lines on stderr\n${all}`);
  assert.match(result.stderr, pattern, all);
}

function userFile(name: string, content = 'my notes\n', mode = 0o644): {file: string; unchanged(): void} {
  const file = tmp.file(name);
  writeFileSync(file, content);
  chmodSync(file, mode);
  return {
    file,
    unchanged: () => {
      assert.equal(readFileSync(file, 'utf8'), content, `${file} keeps its content`);
      assert.equal(statSync(file).mode & 0o777, mode, `${file} keeps its mode`);
    },
  };
}

describe('item 5: every exit path closes the embedded simulator', () => {
  for (const args of [['status', '--demo'], ['audit', '--demo'], ['backup', '--demo'], ['apply', '-n', 'bookinfo', '--yes', '--demo']]) {
    test(`${args.join(' ')} with a workdir that is a file exits with a clear error`, async () => {
      const {file, unchanged} = userFile(`workdir-file-${args[0]}`);
      const result = await runCli([...args, '--workdir', file], {timeoutMs: 60_000});
      assert.equal(result.signal, null, 'exits by itself, not killed at the deadline');
      assertClearError(result, EXIT.error, /--workdir .* is a file, not a directory/);
      unchanged();
    });
  }

  test('sim --kubeconfig-out naming a directory exits with a clear error', async () => {
    const dir = tmp.file('kubeconfig-dir');
    mkdirSync(dir);
    const result = await runCli(['sim', '--kubeconfig-out', dir], {timeoutMs: 60_000});
    assert.equal(result.signal, null);
    assertClearError(result, EXIT.error, /--kubeconfig-out .* is a directory/);
    assert.deepEqual(readdirSync(dir), []);
  });
});

describe('item 13: a --workdir that is not a directory is never changed', () => {
  test('backup refuses a regular file before anything, and leaves its mode alone', async () => {
    const {file, unchanged} = userFile('notes.txt', 'do not chmod me\n', 0o644);
    const result = await runCli(['backup', '--demo', '--workdir', file]);
    assertClearError(result, EXIT.error, /--workdir .*notes\.txt is a file, not a directory/);
    unchanged();
  });

  test('a workdir under a file is refused too', async () => {
    const {file, unchanged} = userFile('parent.txt');
    const result = await runCli(['backup', '--demo', '--workdir', path.join(file, 'sub')]);
    assertClearError(result, EXIT.error, /cannot be created: .*parent\.txt is a file/);
    unchanged();
  });
});

describe('item 14: plan --out checks its target first', () => {
  test('--out naming a file is refused before the plan is printed', async () => {
    const {file, unchanged} = userFile('plan-out.txt');
    const result = await runCli(['plan', '-n', 'bookinfo', '--demo', '--workdir', tmp.file('w14a'), '--out', file]);
    assertClearError(result, EXIT.error, /--out .* is a file, not a directory/);
    assert.equal(result.stdout, '', 'no plan printed before the refusal');
    unchanged();
  });

  test('--out over a directory with other files is refused unless --force', async () => {
    const dir = tmp.file('gitops');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'plan.json'), '{"mine": true}\n');
    const refused = await runCli(['plan', '-n', 'bookinfo', '--demo', '--workdir', tmp.file('w14b'), '--out', dir]);
    assertClearError(refused, EXIT.error, /--out .* is not empty.*--force/);
    assert.equal(readFileSync(path.join(dir, 'plan.json'), 'utf8'), '{"mine": true}\n', 'plan.json not overwritten');

    const forced = await runCli(['plan', '-n', 'bookinfo', '--demo', '--workdir', tmp.file('w14b'), '--out', dir, '--force']);
    assert.equal(forced.code, 0, forced.stderr);
    assert.match(readFileSync(path.join(dir, 'plan.json'), 'utf8'), /"operations"/);
  });
});

describe('item 7: SIGTERM and SIGHUP stop apply like Ctrl+C', () => {
  for (const signal of ['SIGTERM', 'SIGHUP'] as const) {
    test(`${signal} during apply stops at an operation boundary, saves, releases the lock and says so`, async () => {
      const c = await migrationCase();
      try {
        await c.backup();
        let sent = false;
        const result = await startCli(['apply', '-n', NS, '--yes', ...c.flags], {
          onLine: (line, child) => {
            if (!sent && / 3\/24 /.test(line)) {
              sent = true;
              child.kill(signal);
            }
          },
        }).exit;
        assert.equal(result.signal, null, `not killed by ${signal}`);
        assert.equal(result.code, EXIT.error, result.stderr);
        assert.match(result.stderr, new RegExp(`received ${signal}: stopping after the current operation`));
        assert.match(result.stderr, /stopped in bookinfo: stopped at your request; run apply again to continue from here/);
        assert.equal(existsSync(path.join(c.workdir, 'state.lock')), false, 'the lock is released');
        const done = c.readState().namespaces[NS]!.operations.filter(o => o.status === 'done').length;
        assert.ok(done >= 3 && done < BOOKINFO_OPERATIONS, `stopped part-way: ${done} done`);
        const again = await runCli(['apply', '-n', NS, '--yes', ...c.flags]);
        assert.equal(again.code, 0, again.stderr);
        assert.doesNotMatch(again.stderr, /taking over the lock/);
      } finally {
        await c.close();
      }
    });
  }
});

/** A tiny tmpfs to fill up; needs root (mount), so the test is skipped elsewhere. */
function canMount(): boolean {
  if (process.getuid?.() !== 0) return false;
  const probe = tmp.file('mount-probe');
  mkdirSync(probe, {recursive: true});
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', probe]).status === 0;
  if (mounted) spawnSync('umount', [probe]);
  return mounted;
}

/** Writes a file until the disk is full. */
function fillDisk(dir: string): string {
  const file = path.join(dir, 'filler');
  const fd = openSync(file, 'w');
  const chunk = Buffer.alloc(4096, 1);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    closeSync(fd);
  }
  return file;
}

describe('item 15: a full disk is said as such, and resume continues', {skip: canMount() ? false : 'needs root to mount a small tmpfs'}, () => {
  async function onSmallDisk(run: (c: MigrationCase) => Promise<void>): Promise<void> {
    const c = await migrationCase();
    mkdirSync(c.workdir, {recursive: true, mode: 0o700});
    assert.equal(spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=2m,mode=0700', 'tmpfs', c.workdir]).status, 0);
    try {
      await run(c);
    } finally {
      spawnSync('umount', [c.workdir]);
      await c.close();
    }
  }

  test('apply: the disk fills up part-way; the message says so, and the next apply finishes the namespace', async () => {
    await onSmallDisk(async c => {
      await c.backup();
      let filler: string | undefined;
      // The simulator answers from this process: while this handler runs, the child waits for its next answer.
      const result = await startCli(['apply', '-n', NS, '--yes', ...c.flags], {
        onLine: line => {
          if (!filler && / 3\/24 /.test(line)) filler = fillDisk(c.workdir);
        },
      }).exit;
      assertClearError(result, EXIT.error, /the disk is full \(ENOSPC\): cannot write the state file .*state\.json.*run the same command again: it resumes/);
      rmSync(filler!);
      const again = await runCli(['apply', '-n', NS, '--yes', ...c.flags]);
      assert.equal(again.code, 0, again.stderr);
      assert.equal(c.readState().namespaces[NS]!.status, 'done');
    });
  });

  test('backup: the disk is full; the message says so and no half backup is left', async () => {
    await onSmallDisk(async c => {
      const filler = fillDisk(c.workdir);
      const result = await runCli(['backup', ...c.flags]);
      assertClearError(result, EXIT.error, /the disk is full \(ENOSPC\): cannot write the backup in .*run backup again/);
      const backups = path.join(c.workdir, 'backups');
      assert.deepEqual(existsSync(backups) ? readdirSync(backups) : [], [], 'no partial backup left behind');
      rmSync(filler);
    });
  });
});

/** A kubeconfig for `server`, with the cluster and user fields given. */
function kubeconfigFile(name: string, server: string, cluster: Record<string, unknown> = {'insecure-skip-tls-verify': true}, user: Record<string, unknown> = {token: 't'}): string {
  const file = tmp.file(name);
  const doc = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{name: 'c1', cluster: {server, ...cluster}}],
    users: [{name: 'u1', user}],
    contexts: [{name: 'prod', context: {cluster: 'c1', user: 'u1'}}],
    'current-context': 'prod',
  };
  writeFileSync(file, JSON.stringify(doc));
  return file;
}

/** A server that accepts connections and never answers. */
async function silentServer(): Promise<{url: string; close(): void}> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer(socket => {
    sockets.add(socket);
    socket.on('error', () => {});
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  const {port} = server.address() as net.AddressInfo;
  return {
    url: `https://127.0.0.1:${port}`,
    close: () => {
      for (const s of sockets) s.destroy();
      server.close();
    },
  };
}

describe('item 6: a server that never answers', () => {
  test('--request-timeout takes kubectl durations; anything else is a usage error', () => {
    assert.equal(parseRequestTimeout('0'), 0);
    assert.equal(parseRequestTimeout('5'), 5000);
    assert.equal(parseRequestTimeout('30s'), 30_000);
    assert.equal(parseRequestTimeout('1m'), 60_000);
    assert.equal(parseRequestTimeout('500ms'), 500);
    assert.equal(parseRequestTimeout('1m30s'), 90_000);
    assert.equal(parseRequestTimeout('soon'), undefined);
    assert.equal(parseRequestTimeout('-1'), undefined);
  });

  test('audit --request-timeout 1s gives up after two tries of 1s and says so', async () => {
    const server = await silentServer();
    try {
      const file = kubeconfigFile('silent.kubeconfig', server.url);
      const started = Date.now();
      const result = await runCli(['audit', '--kubeconfig', file, '--request-timeout', '1s'], {timeoutMs: 60_000});
      assertClearError(result, EXIT.error, /did not answer GET \/version within 1s \(2 attempts, [\d.]+s in all\).*--request-timeout/);
      assert.ok(Date.now() - started < 30_000, 'bounded by the timeout, not by four tries of 30 s');
    } finally {
      server.close();
    }
  });

  test('a --request-timeout that is not a duration is a usage error', async () => {
    const result = await runCli(['audit', '--demo', '--request-timeout', 'soon']);
    assertClearError(result, EXIT.usage, /--request-timeout must be 0 \(no limit\), a number of seconds, or a duration such as 30s/);
  });

  test('the wizard shows what it waits for, and q quits while it waits', {skip: hasTmux() ? false : 'tmux is not installed'}, async () => {
    const server = await silentServer();
    const file = kubeconfigFile('silent-wizard.kubeconfig', server.url);
    // The shell stays after the program, so its last words stay on the screen (a dead pane may lose them).
    const wizard = new TmuxSession(`${process.execPath} ${BIN} --kubeconfig ${file} --workdir ${tmp.file('w6')}; echo "exit status $?"; sleep 600`, {width: 60, height: 16});
    try {
      const screen = await wizard.waitFor(/waiting for https:\/\/127\.0\.0\.1:\d+ \(attempt 1 of 2\)/);
      assert.match(screen, /q quits/);
      wizard.press('q');
      const after = await wizard.waitFor(/exit status \d+/);
      assert.match(after, /quit before connecting; nothing changed\nexit status 0/);
    } finally {
      wizard.kill();
      server.close();
    }
  });
});

describe('item 9: a plain http:// server, as kubectl proxy serves', () => {
  test('is used as kubectl uses it', async () => {
    const sim = await startSimulator({fixtures: [demoPath]});
    try {
      assert.match(sim.url, /^http:\/\//);
      const file = kubeconfigFile('http.kubeconfig', sim.url, {});
      const result = await runCli(['audit', '--json', '--kubeconfig', file]);
      assert.doesNotMatch(result.stderr, /HTTP protocol is not allowed|unexpected error/);
      assert.equal(result.code, EXIT.blocked, result.stderr);
      assert.ok(JSON.parse(result.stdout).checks.length > 0);
    } finally {
      await sim.close();
    }
  });
});

describe('item 10: credential plugins and the files a kubeconfig names', () => {
  test('a credential plugin that is not installed is named, with what to do', async () => {
    const file = kubeconfigFile('exec-missing.kubeconfig', 'https://127.0.0.1:1', {'insecure-skip-tls-verify': true}, {
      exec: {apiVersion: 'client.authentication.k8s.io/v1beta1', command: 'aws-no-such-plugin', args: ['eks', 'get-token']},
    });
    const result = await runCli(['audit', '--kubeconfig', file]);
    assertClearError(result, EXIT.error, /credential plugin "aws-no-such-plugin" \(user "u1" in .*\) is not installed or not on PATH/);
  });

  test('a credential plugin that fails (an expired login) says so and to log in again', async () => {
    const plugin = tmp.file('expired-login');
    writeFileSync(plugin, '#!/bin/sh\necho "error: the SSO session has expired or is invalid" >&2\nexit 1\n');
    chmodSync(plugin, 0o755);
    const file = kubeconfigFile('exec-fails.kubeconfig', 'https://127.0.0.1:1', {'insecure-skip-tls-verify': true}, {
      exec: {apiVersion: 'client.authentication.k8s.io/v1beta1', command: plugin},
    });
    const result = await runCli(['audit', '--kubeconfig', file]);
    assertClearError(result, EXIT.error, /credential plugin ".*expired-login" \(user "u1"\) failed: error: the SSO session has expired.*log in again/);
  });

  for (const [field, where] of [['certificate-authority', 'cluster'], ['client-certificate', 'user'], ['client-key', 'user']] as const) {
    test(`a missing ${field} file is named`, async () => {
      const missing = tmp.file(`no-such-${field}.pem`);
      const file =
        where === 'cluster'
          ? kubeconfigFile(`${field}.kubeconfig`, 'https://127.0.0.1:1', {[field]: missing})
          : kubeconfigFile(`${field}.kubeconfig`, 'https://127.0.0.1:1', {'insecure-skip-tls-verify': true}, {[field]: missing, ...(field === 'client-key' ? {} : {})});
      const result = await runCli(['audit', '--kubeconfig', file]);
      assertClearError(result, EXIT.error, new RegExp(`the ${field} file .*no-such-${field}\\.pem .* does not exist: fix the path`));
    });
  }
});

describe('item 11: a server that is not a Kubernetes API server', () => {
  for (const [what, body, type, status] of [
    ['a JSON service', '{"status":"ok"}', 'application/json', 200],
    ['a web page', '<html><body>Welcome</body></html>', 'text/html', 200],
    ['a web site without /version', '<html><body>Not Found</body></html>', 'text/html', 404],
  ] as const) {
    test(`${what} is said to be no API server, instead of 17 blockers`, async () => {
      const server = http.createServer((_req, res) => {
        res.writeHead(status, {'content-type': type});
        res.end(body);
      });
      await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
      try {
        const file = kubeconfigFile(`not-api-${type.replace('/', '-')}.kubeconfig`, `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`);
        const result = await runCli(['audit', '--kubeconfig', file]);
        assertClearError(result, EXIT.error, /is not a Kubernetes API server: GET \/version .* and GET \/api lists no API versions/);
        assert.doesNotMatch(result.stdout + result.stderr, /items array|blocker/);
      } finally {
        server.close();
      }
    });
  }
});

/** The demo cluster without ztunnel: the DaemonSet (and so its pods) deleted, as on a mesh never moved to the ambient profile. */
async function withoutZtunnel(c: MigrationCase): Promise<void> {
  await c.client.delete(KINDS.daemonSet, 'istio-system', 'ztunnel');
  await c.sim.settled();
  await waitFor('ztunnel pods gone', async () => (await c.client.list(KINDS.pod, {namespace: 'istio-system', labelSelector: 'app=ztunnel'})).length === 0);
  await c.sim.settled();
}

const writes = (c: MigrationCase, since: number) => c.journal(since).filter(e => e.method !== 'GET');

describe('item 1: apply refuses when an environment check fails', () => {
  test('without ztunnel, apply names the check and its remedy, exits 3 and writes nothing', async () => {
    const c = await migrationCase();
    try {
      await withoutZtunnel(c);
      await c.backup();
      const since = c.journal().length;
      const result = await runCli(['apply', '-n', NS, '--yes', ...c.flags]);
      assert.equal(result.code, EXIT.blocked, result.stdout + result.stderr);
      assert.match(result.stderr, /refused: environment check env\/ztunnel failed: no ztunnel DaemonSet\n  fix: /);
      assert.match(result.stderr, /refused: namespace bookinfo is blocked by env\/ztunnel/);
      assert.doesNotMatch(result.stdout, /verified/);
      assert.deepEqual(writes(c, since), [], 'nothing written to the cluster');
    } finally {
      await c.close();
    }
  });

  test('the simulator redirects a pod only where ztunnel and istio-cni run on its node', async () => {
    const c = await migrationCase();
    try {
      const redirected = async () => (await c.client.list(KINDS.pod, {namespace: 'httpbin'})).filter(p => p.metadata.annotations?.['ambient.istio.io/redirection'] === 'enabled').length;
      assert.ok((await redirected()) > 0, 'httpbin is ambient in the demo');
      await withoutZtunnel(c);
      assert.equal(await redirected(), 0, 'no ztunnel, no redirection');
    } finally {
      await c.close();
    }
  });
});

describe('item 2: audit exits 3 when an environment check fails', () => {
  test('no ztunnel: exit 3, and no namespace is ready', async () => {
    const c = await migrationCase();
    try {
      await withoutZtunnel(c);
      const result = await runCli(['audit', '--json', '--kubeconfig', c.kubeconfig]);
      assert.equal(result.code, EXIT.blocked, result.stderr);
      const report = JSON.parse(result.stdout) as {checks: Array<{id: string; status: string}>; namespaces: Array<{name: string; readiness: string; reasons: string[]}>};
      assert.equal(report.checks.find(k => k.id === 'env/ztunnel')!.status, 'fail');
      assert.deepEqual(report.namespaces.filter(n => n.readiness === 'ready').map(n => n.name), []);
      assert.ok(report.namespaces.find(n => n.name === 'edge')!.reasons.includes('env/ztunnel'));
    } finally {
      await c.close();
    }
  });

  test('no Istio at all (an empty --cluster-from) is exit 3, not "fine"', async () => {
    const file = tmp.file('only-a-namespace.yaml');
    writeFileSync(file, 'apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n');
    const result = await runCli(['audit', '--cluster-from', file]);
    assert.equal(result.code, EXIT.blocked, result.stdout + result.stderr);
    assert.match(result.stdout, /env\/istio-version\s+no istiod Deployment found/);
    assert.match(result.stdout, /shop\s+none\s+blocked\s+env\//);
  });
});

describe('item 4: apply shows the plan\'s warnings', () => {
  test('with --yes, the warnings the wizard asks to acknowledge are printed before the first write', async () => {
    const c = await migrationCase();
    try {
      await c.backup();
      const result = await runCli(['apply', '-n', NS, '--yes', ...c.flags]);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /^5 warnings for bookinfo[^\n]*\n(  Warning .*\n){5}\[bookinfo\] /m, 'the warnings come before the first write');
      for (const id of ['limit/ingress-bypasses-waypoint', 'limit/sidecar-callers-bypass-waypoint', 'policy/l4-allow-sees-waypoint-identity', 'policy/l7-authorization']) {
        assert.match(result.stdout, new RegExp(`^  Warning \\[${id.replace('/', '\\/')}\\]`, 'm'));
      }
    } finally {
      await c.close();
    }
  });
});

describe('item 8: a kind that cannot be read is "could not verify", never a false blocker', () => {
  for (const fault of [{status: 503, what: '503'}, {deny: true, what: '403'}] as const) {
    test(`Deployments answering ${fault.what}: no "Istio not found", no blocker/primary-remote`, async () => {
      const c = await migrationCase();
      try {
        if ('deny' in fault) c.sim.server.faults.deny({verb: 'list', group: 'apps', resource: 'deployments'});
        else c.sim.server.faults.add({verb: 'list', group: 'apps', resource: 'deployments', status: fault.status, times: Infinity});
        const result = await runCli(['audit', '--kubeconfig', c.kubeconfig]);
        assert.equal(result.code, EXIT.blocked, result.stderr);
        assert.doesNotMatch(result.stdout, /primary-remote\]|this cluster is a remote/);
        assert.doesNotMatch(result.stdout, /Istio not found/);
        assert.match(result.stdout, /Istio unknown \(Deployments could not be read\)/);
        assert.match(result.stdout, /env\/istio-version\s+could not verify/);
      } finally {
        await c.close();
      }
    });
  }
});

describe('item 3: status tells a difference, and still shows the journal without the cluster', () => {
  test('exit 4 when the cluster differs from the state file, 0 when it agrees', async () => {
    const c = await migrationCase();
    try {
      await c.backup();
      assert.equal((await runCli(['apply', '-n', NS, '--yes', ...c.flags])).code, 0);
      const agrees = await runCli(['status', ...c.flags]);
      assert.equal(agrees.code, EXIT.ok, agrees.stderr);
      await c.client.delete(KINDS.gateway, NS, 'waypoint');
      const differs = await runCli(['status', ...c.flags]);
      assert.equal(differs.code, EXIT.differs, differs.stdout + differs.stderr);
      assert.match(differs.stdout, /^bookinfo\s+done\s+24\/24\s+cluster differs: Gateway bookinfo\/waypoint is gone$/m);
    } finally {
      await c.close();
    }
  });

  test('with the cluster unreachable, the journal is shown and the error says the cluster could not be read', async () => {
    const c = await migrationCase();
    try {
      await c.backup();
      assert.equal((await runCli(['apply', '-n', NS, '--yes', ...c.flags])).code, 0);
      // Every request from now on has its connection dropped.
      c.sim.server.faults.add({drop: 'before', times: Infinity});
      const result = await runCli(['status', ...c.flags]);
      assertClearError(result, EXIT.error, /the cluster could not be read, so the status above is the state file's alone: the connection to .* was dropped/);
      assert.match(result.stdout, /^bookinfo\s+done\s+24\/24\s+cluster not read$/m);
    } finally {
      await c.close();
    }
  });
});

describe('item 12: --cluster-from says what it is given and what it is', () => {
  test('an unrendered Helm template is said to be one, with what to run', async () => {
    const dir = tmp.file('chart-templates');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'namespace.yaml'), 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: {{ .Values.namespace }}\n  labels:\n    istio-injection: enabled\n');
    const result = await runCli(['audit', '--cluster-from', dir]);
    assertClearError(result, EXIT.error, /namespace\.yaml looks like an unrendered Helm template \(line 4: name: \{\{ \.Values\.namespace \}\}\): render the chart first, e\.g\. helm template/);
    assert.doesNotMatch(result.stderr, /\[object Object\]/);
  });

  test('a template action a YAML parser chokes on ({{- if }}) is named too', async () => {
    const file = tmp.file('conditional.yaml');
    writeFileSync(file, '{{- if .Values.enabled }}\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n{{- end }}\n');
    const result = await runCli(['audit', '--cluster-from', file]);
    assertClearError(result, EXIT.error, /conditional\.yaml looks like an unrendered Helm template \(line 1/);
  });

  test('backup then apply with --cluster-from says each run is a new cluster', async () => {
    const workdir = tmp.file('w12');
    assert.equal((await runCli(['backup', '--cluster-from', demoPath, '--workdir', workdir])).code, 0);
    const result = await runCli(['apply', '-n', NS, '--yes', '--cluster-from', demoPath, '--workdir', workdir]);
    assertClearError(result, EXIT.error, /--cluster-from starts a new simulated cluster on every run, so a backup made by an earlier run is of another cluster/);
    assert.doesNotMatch(result.stderr, /there is no backup of this cluster/);
  });
});
