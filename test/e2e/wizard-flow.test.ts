/**
 * The wizard as a person uses it: the real binary in a real terminal (tmux), one key at a time, against
 * the simulator running as its own process (so the cluster outlives a wizard that is killed), with the
 * real kubectl checking what happened to the cluster.
 */
import assert from 'node:assert/strict';
import {spawn, type ChildProcess} from 'node:child_process';
import {mkdtempSync, readFileSync, rmSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {after, test} from 'node:test';
import {CONTROLLER_DELAY_ENV} from '../../source/app/sim-command.ts';
import {repoRoot} from '../helpers/cluster.ts';
import {hasKubectl, KUBECTL} from '../helpers/sim.ts';
import {hasTmux, TmuxSession} from '../helpers/tmux.ts';

const BIN = path.join(repoRoot, 'bin/ambient-migrate.js');
const cleanups: Array<() => void | Promise<void>> = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

const skip = !hasTmux() ? 'tmux is not installed: the terminal tests are skipped' : !hasKubectl() ? 'kubectl is not installed: the wizard flow tests are skipped' : false;
if (skip) console.log(`# ${skip}`);

const tempDir = () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ambient-migrate-flow-'));
  cleanups.push(() => rmSync(dir, {recursive: true, force: true}));
  return dir;
};

function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {...process.env, ...extra};
  // The test runner marks its children; a program that sees it waits for a test runner parent at exit.
  delete env.NODE_TEST_CONTEXT;
  delete env.KUBECONFIG;
  return env;
}

/** `ambient-migrate sim` as its own process, as a user starts it in another terminal. */
async function startSim(env: Record<string, string> = {}): Promise<{kubeconfig: string; process: ChildProcess}> {
  const kubeconfig = path.join(tempDir(), 'kubeconfig');
  const child = spawn(process.execPath, [BIN, 'sim', '--kubeconfig-out', kubeconfig], {cwd: repoRoot, env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe']});
  cleanups.push(() => {
    if (child.exitCode === null) child.kill('SIGTERM');
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the simulator did not start:\n${output}`)), 30_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Kubeconfig written to')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', read);
    child.on('exit', code => reject(new Error(`the simulator exited (${code}):\n${output}`)));
  });
  return {kubeconfig, process: child};
}

/** The real kubectl, with a fresh discovery cache each time. */
function kubectl(kubeconfig: string, args: string[]): Promise<{code: number | null; stdout: string; stderr: string}> {
  return new Promise((resolve, reject) => {
    const child = spawn(KUBECTL, [`--kubeconfig=${kubeconfig}`, `--cache-dir=${tempDir()}`, ...args], {env: childEnv(), stdio: ['ignore', 'pipe', 'pipe']});
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', chunk => (stdout += chunk));
    child.stderr.on('data', chunk => (stderr += chunk));
    child.on('error', reject);
    child.on('close', code => resolve({code, stdout, stderr}));
  });
}

async function namespaceLabels(kubeconfig: string, namespace: string): Promise<Record<string, string>> {
  const result = await kubectl(kubeconfig, ['get', 'namespace', namespace, '-o', 'json']);
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout).metadata.labels ?? {};
}

interface PodView {
  name: string;
  ready: string;
  containers: string[];
}

/**
 * `kubectl get pods`: the READY column and the containers of every application pod (init containers too).
 * The waypoint's own pod is a proxy by design, not a sidecar, and is left out.
 */
async function pods(kubeconfig: string, namespace: string): Promise<PodView[]> {
  const json = await kubectl(kubeconfig, ['get', 'pods', '-n', namespace, '-o', 'json']);
  assert.equal(json.code, 0, json.stderr);
  const table = await kubectl(kubeconfig, ['get', 'pods', '-n', namespace, '--no-headers']);
  assert.equal(table.code, 0, table.stderr);
  const ready = new Map(table.stdout.trim().split('\n').filter(Boolean).map(line => line.split(/\s+/) as [string, string]).map(([name, r]) => [name, r]));
  type Pod = {metadata: {name: string; labels?: Record<string, string>}; spec: {containers: Array<{name: string}>; initContainers?: Array<{name: string}>}};
  const items = (JSON.parse(json.stdout).items as Pod[]).filter(pod => !pod.metadata.labels?.['gateway.networking.k8s.io/gateway-name']);
  return items.map(pod => ({
    name: pod.metadata.name,
    ready: ready.get(pod.metadata.name) ?? '?',
    containers: [...(pod.spec.initContainers ?? []), ...pod.spec.containers].map(c => c.name),
  }));
}

/** Polls until every pod of the namespace is `ready` and matches `sidecar`, as rollouts settle. */
async function waitForPods(kubeconfig: string, namespace: string, expected: {ready: string; sidecar: boolean}, timeoutMs = 20_000): Promise<PodView[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const list = await pods(kubeconfig, namespace);
    const ok = list.length > 0 && list.every(p => p.ready === expected.ready && p.containers.includes('istio-proxy') === expected.sidecar);
    if (ok) return list;
    if (Date.now() > deadline) assert.fail(`pods of ${namespace} are not all ${expected.ready} ${expected.sidecar ? 'with' : 'without'} istio-proxy:\n${JSON.stringify(list, null, 2)}`);
    await new Promise(r => setTimeout(r, 250));
  }
}

async function gone(pid: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    if (Date.now() > deadline) assert.fail(`process ${pid} is still there`);
    await new Promise(r => setTimeout(r, 50));
  }
}

function wizard(kubeconfig: string, workdir: string, size: {width?: number; height?: number} = {}): TmuxSession {
  const session = new TmuxSession(`${process.execPath} ${BIN} --kubeconfig ${kubeconfig} --workdir ${workdir}`, {cwd: repoRoot, env: {FORCE_COLOR: '0'}, ...size});
  cleanups.push(() => session.kill());
  return session;
}

/** One key, then what it should bring on screen. */
async function press(w: TmuxSession, key: string, expect: string | RegExp, timeoutMs?: number): Promise<string> {
  w.press(key);
  return w.waitFor(expect, timeoutMs);
}

/** Connect → Back up → Verify → Blockers → Choose bookinfo → Preview → acknowledge → confirm → Apply. */
async function startApplyingBookinfo(w: TmuxSession): Promise<void> {
  await w.waitFor('❯ Start');
  await press(w, 'Enter', 'enter back up now');
  await press(w, 'Enter', /✔ Saved \d+ objects to .*backups/);
  let screen = await press(w, 'Enter', /The environment is ready for ambient mode|check(s)? fail/);
  assert.match(screen, /✔ env\/ztunnel/);
  assert.match(screen, /The environment is ready for ambient mode/);
  screen = await press(w, 'Enter', 'Blockers (1)');
  assert.match(screen, /\[blocker\/peer-authentication-disable\] \(PeerAuthentication legacy\/default\) sets mtls\.mode DISABLE/);
  assert.match(screen, /Limitations and warnings \(\d+\)/);
  screen = await press(w, 'Enter', 'READINESS');
  assert.match(screen, /❯◯ bookinfo\s+sidecar needs-waypoint/);
  await press(w, 'Space', '◉ bookinfo');
  // Preview starts with the traffic check; each group the plan opens is accepted with its own a.
  screen = await press(w, 'Enter', /The plan opens traffic in \d+ group\(s\)/);
  assert.match(screen, /Traffic: \d+ request classes: \d+ change after the migration/);
  const groups = Number(/opens traffic in (\d+) group/.exec(screen)![1]);
  for (let left = groups - 1; left > 0; left--) await press(w, 'a', `opens traffic in ${left} group(s)`);
  await press(w, 'a', /warning\(s\) at the end of the preview/);
  await press(w, 'y', '24 operations · lines');
  await press(w, 'Enter', 'Apply 24 operations to bookinfo on context ambient-migrate-sim? y apply');
  await press(w, 'y', 'Apply (step 7 of 8)');
}

async function assertAmbient(kubeconfig: string): Promise<void> {
  const labels = await namespaceLabels(kubeconfig, 'bookinfo');
  assert.equal(labels['istio.io/dataplane-mode'], 'ambient');
  assert.equal(labels['istio-injection'], undefined, 'injection is off');
  const list = await waitForPods(kubeconfig, 'bookinfo', {ready: '1/1', sidecar: false});
  assert.equal(list.length, 6, 'the six Bookinfo pods');
}

test('migrate bookinfo through every screen, check with kubectl, then revert it from a new session', {skip}, async () => {
  const {kubeconfig} = await startSim();
  const workdir = tempDir();
  const before = await namespaceLabels(kubeconfig, 'bookinfo');
  assert.equal(before['istio-injection'], 'enabled');

  const first = wizard(kubeconfig, workdir);
  await startApplyingBookinfo(first);
  let screen = await first.waitFor('Press enter for the summary');
  assert.match(screen, /24\/24 operations · bookinfo/);
  assert.match(screen, /✔ bookinfo: verified: all 6 pods run without a sidecar and are redirected by ztunnel/);
  screen = await press(first, 'Enter', 'Migrated bookinfo to ambient mode.');
  assert.match(screen, new RegExp(`State\\s+${workdir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/state\\.json`));
  assert.match(screen, /waypoint-bypass DENY/);
  // Done says what verify says: the live cluster against the original, nothing beyond the accepted plan.
  assert.match(screen, /traffic: bookinfo: \d+ request classes vs. the original: no route or verdict changed/);
  await assertAmbient(kubeconfig);
  first.press('q');
  assert.equal(await first.waitForExit(), 0);

  const state = JSON.parse(readFileSync(path.join(workdir, 'state.json'), 'utf8'));
  assert.equal(state.namespaces.bookinfo.status, 'done');

  // The next day: the wizard remembers, and offers to revert.
  const second = wizard(kubeconfig, workdir);
  screen = await second.waitFor('A migration of this cluster is recorded');
  assert.match(screen, /bookinfo\s+done\s+24\/24/);
  assert.match(screen, /❯ Revert\s+undo namespaces the tool changed/);
  assert.doesNotMatch(screen, /Resume/, 'nothing is unfinished');
  screen = await press(second, 'Enter', 'Choose the namespaces to put back');
  assert.match(screen, /❯◯ bookinfo\s+done 24\/24/);
  await press(second, 'Space', '◉ bookinfo');
  screen = await press(second, 'Enter', '✔ reverted bookinfo');
  assert.match(screen, /24\/24 operations · bookinfo/);

  const labels = await namespaceLabels(kubeconfig, 'bookinfo');
  assert.equal(labels['istio-injection'], 'enabled', 'sidecar injection is back');
  assert.equal(labels['istio.io/dataplane-mode'], undefined, 'no dataplane-mode label');
  assert.equal(labels['istio.io/use-waypoint'], undefined, 'no waypoint label');
  const list = await waitForPods(kubeconfig, 'bookinfo', {ready: '2/2', sidecar: true});
  assert.equal(list.length, 6);
  second.press('q');
  assert.equal(await second.waitForExit(), 0);
});

test('killed mid-apply, the wizard resumes where it stopped and finishes', {skip}, async () => {
  // Slow controllers make each rollout take a moment, so the kill lands in the middle of the apply.
  const {kubeconfig} = await startSim({[CONTROLLER_DELAY_ENV]: '300'});
  const workdir = tempDir();
  const first = wizard(kubeconfig, workdir);
  await startApplyingBookinfo(first);
  const screen = await first.waitFor(/✔ bookinfo restart: restart Deployment/);
  assert.doesNotMatch(screen, /24\/24/, 'still under way');
  const pid = first.programPid();
  process.kill(pid, 'SIGKILL');
  assert.equal(await first.waitForExit(), 128 + 9, 'killed, no clean-up');
  // Its tmux server may leave it a zombie for a while, and the workdir lock counts a zombie as alive:
  // ending that server gets it reaped, as a shell reaps a killed program at once.
  first.kill();
  await gone(pid);

  const recorded = JSON.parse(readFileSync(path.join(workdir, 'state.json'), 'utf8')).namespaces.bookinfo;
  assert.equal(recorded.status, 'applying', 'the state file says where it stopped');

  const second = wizard(kubeconfig, workdir);
  const connect = await second.waitFor('A migration of this cluster is recorded');
  assert.match(connect, /bookinfo\s+applying\s+\d+\/24\s+next: restart: restart Deployment/);
  assert.match(connect, /❯ Resume\s+continue bookinfo where it stopped/);
  await press(second, 'Enter', 'Apply (step 7 of 8)');
  await second.waitFor('Press enter for the summary');
  await press(second, 'Enter', 'Migrated bookinfo to ambient mode.');
  await assertAmbient(kubeconfig);
  const done = JSON.parse(readFileSync(path.join(workdir, 'state.json'), 'utf8')).namespaces.bookinfo;
  assert.equal(done.status, 'done');
  assert.ok(done.operations.every((o: {status: string}) => o.status === 'done'), 'every operation done exactly once on record');
  second.press('q');
  assert.equal(await second.waitForExit(), 0);
});

test('a resize re-lays the screen; a terminal too small says so', {skip: hasTmux() ? false : 'tmux is not installed: the terminal tests are skipped'}, async () => {
  const w = new TmuxSession(`${process.execPath} ${BIN} --demo --workdir ${tempDir()}`, {cwd: repoRoot, env: {FORCE_COLOR: '0'}});
  cleanups.push(() => w.kill());
  await w.waitFor('❯ Start');
  await press(w, 'Enter', 'enter back up now');

  w.resize(70, 20);
  let screen = await w.waitFor(s => s.trimEnd().split("\n").length <= 20 && /Back up \(step 2 of 8\)/.test(s) && /enter back up now/.test(s));
  assert.ok(
    screen.split('\n').every(line => line.length <= 70),
    `every line fits 70 columns:\n${screen}`,
  );
  assert.match(screen, /The backup saves \d+ objects/);

  w.resize(40, 10);
  screen = await w.waitFor('too small');
  assert.match(screen.replace(/\s+/g, ' '), /The terminal is too small \(40×10\); the wizard needs at least 60×16/);
  assert.doesNotMatch(screen, /Back up/);

  w.resize(120, 40);
  screen = await w.waitFor(/Back up \(step 2 of 8\)[^]*enter back up now/);
  assert.doesNotMatch(screen, /too small/);
  await press(w, 'Enter', /✔ Saved \d+ objects/);
  w.press('q');
  assert.equal(await w.waitForExit(), 0);
});
