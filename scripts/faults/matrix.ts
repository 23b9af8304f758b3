/**
 * A fault at every operation: for each operation of the demo's bookinfo plan and each fault the simulator
 * can inject, run apply (or revert) into the fault, then resume, and judge the outcome against an
 * uninterrupted run. Shared by `npm run faults` (every pair) and test/faults-sample.test.ts (a sample).
 *
 * Everything runs in this process: a simulator per case, started from a saved store (the demo before the
 * migration, or after it for the revert cases), and the same applyNamespace/revertNamespace the commands
 * call. A SIGKILL is emulated exactly where it matters: from the kill on, the run sends no request and
 * writes no state (its pending promises never settle), so all that is left is what had reached the API
 * server and the state file on disk, and the resume is a new run reading that file.
 */
import {mkdirSync, mkdtempSync, rmSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {isDeepStrictEqual} from 'node:util';
import {saveState} from '../../source/app/state-store.ts';
import {applyNamespace, ApplyStopped, kindRefOf, type ApplyDeps, type ApplyEvent} from '../../source/core/apply/execute.ts';
import {revertNamespace, revertOrder} from '../../source/core/apply/revert.ts';
import {runApply} from '../../source/app/apply-command.ts';
import {runBackup} from '../../source/app/backup-command.ts';
import {runRevert} from '../../source/app/revert-command.ts';
import {supersededAt, type OperationRecord, type StateDocument} from '../../source/core/state/state.ts';
import type {KubeClient} from '../../source/kube/client.ts';
import {connect} from '../../source/kube/http-client.ts';
import type {FaultRule, Verb} from '../../source/sim/faults.ts';
import {startSimulator, type Simulator} from '../../source/sim/simulator.ts';
import type {StoreSnapshot} from '../../source/sim/store.ts';
import {demoPath} from '../../test/helpers/cluster.ts';
import {capture, effectInCluster, NS, plannedState, snapshotNamespace, startCli, type NamespaceSnapshot} from '../../test/helpers/migration.ts';
import {describeOperation} from '../../source/app/plan-format.ts';

export const FAULTS = [
  '409',
  '429',
  '429+retry-after',
  '503',
  '503+retry-after',
  'drop-before',
  'drop-after',
  '403',
  'stall',
  'server-restart',
  'kill-boundary',
  'kill-in-flight',
  'kill-after-write',
  'sigkill-binary',
] as const;
export type FaultKind = (typeof FAULTS)[number];
export type Phase = 'apply' | 'revert';
export type Verdict = 'converged' | 'stopped' | 'wrong';

export interface CaseResult {
  phase: Phase;
  /** Index of the operation in the plan (0-based). */
  op: number;
  fault: FaultKind;
  verdict: Verdict;
  /** What went wrong, or what the user was told. */
  detail: string;
  ms: number;
}

export interface Reference {
  /** The store before the migration and after it, to start each case from. */
  before: StoreSnapshot;
  after: StoreSnapshot;
  /** The state file with the plan, before anything ran, and after the uninterrupted apply. */
  plannedState: StateDocument;
  appliedState: StateDocument;
  migrated: NamespaceSnapshot;
  reverted: NamespaceSnapshot;
  operations: OperationRecord[];
}

const never = new Promise<never>(() => {});

/** A client that can be "killed": from then on no call is sent and none returns. */
function killable(client: KubeClient): {client: KubeClient; kill(): void; dead(): boolean; afterWrite?: (method: string, args: unknown[]) => void} {
  let dead = false;
  const holder: {client: KubeClient; kill(): void; dead(): boolean; afterWrite?: (method: string, args: unknown[]) => void} = {
    client: undefined as unknown as KubeClient,
    kill: () => (dead = true),
    dead: () => dead,
  };
  const wrap =
    <A extends unknown[], R>(method: string, fn: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      if (dead) return never;
      const result = await fn(...args);
      if (dead) return never;
      if (method !== 'get' && method !== 'list' && method !== 'version') holder.afterWrite?.(method, args);
      if (dead) return never;
      return result;
    };
  holder.client = {
    endpoint: client.endpoint,
    version: wrap('version', () => client.version()),
    list: wrap('list', (k, o) => client.list(k, o)),
    get: wrap('get', (k, n, name) => client.get(k, n, name)),
    create: wrap('create', (k, o, w) => client.create(k, o, w)),
    patch: wrap('patch', (k, n, name, p, t, w) => client.patch(k, n, name, p, t, w)),
    delete: wrap('delete', (k, n, name, w) => client.delete(k, n, name, w)),
  };
  return holder;
}

/** The request that carries an operation's write, forward (apply) or backward (revert), as a fault rule matches it. */
export function writeRule(record: OperationRecord, phase: Phase): Pick<FaultRule, 'verb' | 'group' | 'resource' | 'namespace' | 'name'> {
  const o = record.operation;
  const kind = kindRefOf(o.target);
  let verb: Verb;
  if (phase === 'apply') verb = o.action === 'create' ? 'create' : o.action === 'delete' ? 'delete' : 'patch';
  else if (o.action === 'create') verb = 'delete';
  else if (o.action === 'delete') verb = 'create';
  else verb = 'patch';
  const namespace = kind.kind === 'Namespace' ? o.target.name : o.target.namespace;
  return {verb, group: kind.group, resource: kind.plural, namespace, ...(verb === 'create' ? {} : {name: o.target.name})};
}

interface SimCase {
  sim: Simulator;
  kubeconfig: string;
  workdir: string;
  dir: string;
  close(): Promise<void>;
}

async function simCase(from: StoreSnapshot | undefined): Promise<SimCase> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ambient-migrate-faults-'));
  // Pods go at once when deleted: rollouts take milliseconds, and the reference run is made the same way.
  const sim = await startSimulator({...(from ? {restoreFrom: structuredClone(from)} : {fixtures: [demoPath]}), podTerminationMs: 0});
  const kubeconfig = sim.writeKubeconfig(path.join(dir, 'kubeconfig'));
  const workdir = path.join(dir, 'work');
  mkdirSync(workdir, {recursive: true, mode: 0o700});
  return {
    sim,
    kubeconfig,
    workdir,
    dir,
    close: async () => {
      await sim.close();
      rmSync(dir, {recursive: true, force: true});
    },
  };
}

/** Deps as the tests use them: sleeping moves a fake clock, and yields a few ms to the controllers. */
function deps(client: KubeClient, workdir: string, events: string[], overrides: Partial<ApplyDeps> = {}): ApplyDeps {
  let offset = 0;
  return {
    client,
    now: () => new Date(Date.now() + offset),
    sleep: async ms => {
      offset += ms;
      await new Promise(r => setTimeout(r, 5));
    },
    persist: s => saveState(workdir, s),
    report: e => events.push(eventLine(e)),
    pollMs: 250,
    ...overrides,
  };
}

function eventLine(e: ApplyEvent): string {
  switch (e.type) {
    case 'retrying':
      return `retrying: ${e.what}`;
    case 'waiting':
      return `waiting: ${e.what}`;
    default:
      return `${e.type}: ${e.record.operation.id}${e.type === 'operation-done' && e.alreadyDone ? ' (already done)' : ''}`;
  }
}

let referenceRun: Promise<Reference> | undefined;

/** One uninterrupted apply and revert: what every case must end in. */
export function reference(): Promise<Reference> {
  referenceRun ??= (async () => {
    const c = await simCase(undefined);
    try {
      const client = connect({kubeconfig: c.kubeconfig});
      await c.sim.settled();
      const before = c.sim.cluster.store.snapshot();
      const state = await plannedState(client);
      const planned = structuredClone(state);
      await applyNamespace(state, NS, deps(client, c.workdir, []));
      await c.sim.settled();
      const migrated = await snapshotNamespace(client);
      const after = structuredClone(c.sim.cluster.store.snapshot());
      const appliedState = structuredClone(state);
      await revertNamespace(state, NS, deps(client, c.workdir, []));
      await c.sim.settled();
      const reverted = await snapshotNamespace(client);
      return {before: structuredClone(before), after, plannedState: planned, appliedState, migrated, reverted, operations: appliedState.namespaces[NS]!.operations};
    } finally {
      await c.close();
    }
  })();
  return referenceRun;
}

/** What the user must have been told when the fault was retried (the progress line) or stopped the run. */
const TOLD: Partial<Record<FaultKind, RegExp>> = {
  '409': /the object has been modified|conflict/i,
  '429': /throttling|429/,
  '429+retry-after': /throttling|429/,
  '503': /503|ServiceUnavailable|failed/,
  '503+retry-after': /503|ServiceUnavailable|failed/,
  'drop-before': /dropped/,
  'drop-after': /dropped/,
  '403': /is not allowed: .*forbidden.*Grant \w+ on /,
  stall: /did not answer .* within/,
  'server-restart': /dropped|cannot reach/,
};

function faultRule(kind: FaultKind, rule: ReturnType<typeof writeRule>): FaultRule | undefined {
  switch (kind) {
    case '409':
      return {...rule, status: 409, reason: 'Conflict', message: `Operation cannot be fulfilled on ${rule.resource} "${rule.name ?? ''}": the object has been modified; please apply your changes to the latest version and try again`};
    case '429':
      return {...rule, status: 429, reason: 'TooManyRequests', message: 'Too many requests, please try again later.'};
    case '429+retry-after':
      return {...rule, status: 429, reason: 'TooManyRequests', message: 'Too many requests, please try again later.', retryAfterSeconds: 3};
    case '503':
      return {...rule, status: 503, reason: 'ServiceUnavailable', message: 'the server is currently unable to handle the request'};
    case '503+retry-after':
      return {...rule, status: 503, reason: 'ServiceUnavailable', message: 'the server is currently unable to handle the request', retryAfterSeconds: 7};
    case 'drop-before':
      return {...rule, drop: 'before'};
    case 'drop-after':
      return {...rule, drop: 'after'};
    default:
      return undefined;
  }
}

/** Runs one case: the phase into the fault at operation `op`, then a resume; judged against the reference. */
export async function runCase(ref: Reference, phase: Phase, op: number, fault: FaultKind): Promise<CaseResult> {
  const started = performance.now();
  const c = await simCase(phase === 'apply' ? ref.before : ref.after);
  const result = (verdict: Verdict, detail: string): CaseResult => ({phase, op, fault, verdict, detail, ms: Math.round(performance.now() - started)});
  if (fault === 'sigkill-binary') {
    try {
      return await binaryKill(ref, c, phase, op, result);
    } catch (error) {
      return result('wrong', `harness error: ${error instanceof Error ? error.stack : String(error)}`);
    } finally {
      await c.close();
    }
  }
  try {
    const check = connect({kubeconfig: c.kubeconfig});
    const target = ref.operations[op]!;
    const rule = writeRule(target, phase);
    const faults = () => c.sim.server.faults;
    const stall = fault === 'stall';
    const base = connect({kubeconfig: c.kubeconfig, timeoutMs: stall ? 400 : 30_000});
    const run = killable(base);
    const events: string[] = [];
    let pendingGate: {release(): void; reached: Promise<unknown>} | undefined;
    let lateWrite: Promise<unknown> | undefined;
    let armed = false;
    const arm = () => {
      armed = true;
      const f = faultRule(fault, rule);
      if (f) faults().add(f);
      else if (fault === '403') faults().deny({verb: rule.verb, group: rule.group, resource: rule.resource!, namespace: rule.namespace});
      else if (fault === 'stall') {
        pendingGate = faults().hold(rule);
      } else if (fault === 'server-restart') {
        const gate = faults().hold(rule);
        lateWrite = gate.reached.then(async () => {
          // Down long enough for the retries to find nobody listening, as during a real restart.
          await c.sim.restart({downMs: 150});
          gate.release();
        });
      } else if (fault === 'kill-in-flight') {
        const gate = faults().hold(rule);
        lateWrite = gate.reached.then(() => {
          run.kill();
          gate.release();
        });
      } else if (fault === 'kill-after-write') {
        run.afterWrite = (method, args) => {
          const name = method === 'create' ? (args[1] as {metadata: {name: string}}).metadata.name : (args[2] as string);
          if (method === rule.verb && name === target.operation.target.name) run.kill();
        };
      }
    };
    const d = deps(run.client, c.workdir, events, {
      persist: s => (run.dead() ? never : saveState(c.workdir, s)),
      report: e => {
        if (run.dead()) return;
        events.push(eventLine(e));
        if (e.type === 'operation-started' && e.record.operation.id === target.operation.id && !armed) arm();
        if (fault === 'kill-boundary' && e.type === 'operation-done' && e.record.operation.id === target.operation.id) run.kill();
      },
    });
    // The same plan apply would make: the case's cluster is the reference's, uids included.
    const state: StateDocument = structuredClone(phase === 'apply' ? ref.plannedState : ref.appliedState);
    await saveState(c.workdir, state);

    // Into the fault. A killed run never settles: wait for the kill instead.
    let stoppedWith: string | undefined;
    const first = (phase === 'apply' ? applyNamespace(state, NS, d) : revertNamespace(state, NS, d)).then(
      () => 'finished' as const,
      (error: unknown) => {
        if (error instanceof ApplyStopped) stoppedWith = error.message;
        else stoppedWith = `UNEXPECTED ${error instanceof Error ? error.stack : String(error)}`;
        return 'stopped' as const;
      },
    );
    const killed = new Promise<'killed'>(resolve => {
      const timer = setInterval(() => {
        if (run.dead()) {
          clearInterval(timer);
          resolve('killed');
        }
      }, 10);
      void first.finally(() => clearInterval(timer));
    });
    const outcome = await Promise.race([first, killed]);
    if (!armed) return result('wrong', `the fault was never armed: operation ${target.operation.id} did not start (${outcome})`);
    if (stoppedWith?.startsWith('UNEXPECTED')) return result('wrong', `threw instead of stopping: ${stoppedWith}`);
    if (lateWrite) await lateWrite;
    if (pendingGate && outcome !== 'killed') {
      // The stalled request is answered only now, long after the client gave up: the worst time for a late write.
    }
    faults().clear();
    await c.sim.settled();

    const problems: string[] = [];
    const disk = await readDisk(c.workdir);
    // At the stop (or kill), the state file agrees with the cluster: done is there, pending is not.
    problems.push(...(await disagreements(check, disk, phase)));

    // Told: a retried fault shows up as a progress line naming it; one that stopped the run, in the message.
    const pattern = TOLD[fault];
    const said = [...events.filter(e => e.startsWith('retrying: ')), stoppedWith ?? ''].join('\n');
    if (pattern && !pattern.test(said)) problems.push(`the user was not told: ${said || '(nothing)'}`);
    if (outcome === 'stopped' && !/run (apply|revert) again|revert -n|apply again/.test(stoppedWith ?? '')) problems.push(`the stop does not say what to do: ${stoppedWith}`);

    // Resume: a new run from the state file on disk, against the (restarted) server.
    const resumeEvents: string[] = [];
    let resumeError: string | undefined;
    if (outcome !== 'finished') {
      const resumeClient = connect({kubeconfig: c.kubeconfig});
      const again = await readDisk(c.workdir);
      try {
        if (phase === 'apply') await applyNamespace(again, NS, deps(resumeClient, c.workdir, resumeEvents));
        else await revertNamespace(again, NS, deps(resumeClient, c.workdir, resumeEvents));
      } catch (error) {
        resumeError = error instanceof Error ? error.message : String(error);
      }
    }
    if (resumeError) problems.push(`the resume failed: ${resumeError}`);
    if (pendingGate) {
      // The stalled request goes through now, after everything: it must change nothing.
      pendingGate.release();
      await new Promise(r => setTimeout(r, 50));
    }
    await c.sim.settled();
    const end = await readDisk(c.workdir);
    const record = end.namespaces[NS]!;
    const want = phase === 'apply' ? 'done' : 'reverted';
    if (record.status !== want) problems.push(`the namespace is ${record.status}, not ${want}`);
    const notDone = record.operations.filter(o => o.status !== want);
    if (notDone.length) problems.push(`operations not ${want}: ${notDone.map(o => `${o.operation.id} ${o.status}`).join(', ')}`);
    problems.push(...(await disagreements(check, end, phase)));
    const snapshot = await snapshotNamespace(check);
    const expected = phase === 'apply' ? ref.migrated : ref.reverted;
    if (!isDeepStrictEqual(snapshot, expected)) problems.push(`the cluster differs from the uninterrupted run's: ${firstDifference(expected, snapshot)}`);
    // The resumed apply says that the operation whose write had landed was already done.
    if (phase === 'apply' && (fault === 'kill-after-write' || fault === 'kill-in-flight') && !resumeEvents.some(e => e === `operation-done: ${target.operation.id} (already done)`)) {
      problems.push(`the resume did not say the write had landed: ${resumeEvents.filter(e => e.includes(target.operation.id)).join('; ')}`);
    }
    if (problems.length) return result('wrong', problems.join(' | '));
    return outcome === 'finished' ? result('converged', said.split('\n')[0] ?? '') : result('stopped', stoppedWith ?? 'killed');
  } catch (error) {
    return result('wrong', `harness error: ${error instanceof Error ? error.stack : String(error)}`);
  } finally {
    await c.close();
  }
}

/**
 * The real binary, SIGKILLed while the simulator holds the write of operation `op` (it commits it after the
 * process is gone), then resumed with the same command in-process (the lock and the Lease left by the dead
 * process are taken over).
 */
async function binaryKill(ref: Reference, c: SimCase, phase: Phase, op: number, result: (v: Verdict, d: string) => CaseResult): Promise<CaseResult> {
  const check = connect({kubeconfig: c.kubeconfig});
  const target = ref.operations[op]!;
  if (phase === 'apply') {
    const err = capture();
    if ((await runBackup({kubeconfig: c.kubeconfig, workdir: c.workdir}, capture(), err)) !== 0) return result('wrong', `backup failed: ${err.text()}`);
  } else {
    await saveState(c.workdir, structuredClone(ref.appliedState));
  }
  // The how-manieth request of its kind the write is: earlier operations may write the same object (the
  // three namespace labels) or create in the same collection.
  const order = phase === 'apply' ? ref.operations : revertOrder(ref.appliedState.namespaces[NS]!);
  const key = (r: OperationRecord) => JSON.stringify(writeRule(r, phase));
  const position = order.findIndex(r => r.operation.id === target.operation.id);
  const nth = order.slice(0, position).filter(r => key(r) === key(target)).length + 1;
  const gate = c.sim.server.faults.hold({...writeRule(target, phase), nth});
  const flags = ['--kubeconfig', c.kubeconfig, '--workdir', c.workdir];
  const run = startCli([phase, '-n', NS, '--yes', ...flags]);
  const reached = await Promise.race([gate.reached.then(() => true), run.exit.then(() => false)]);
  if (!reached) {
    const r = await run.exit;
    return result('wrong', `the binary exited before the write of ${target.operation.id}: ${r.code} ${r.stderr}`);
  }
  run.child.kill('SIGKILL');
  const killed = await run.exit;
  if (killed.signal !== 'SIGKILL') return result('wrong', `not killed: ${killed.code}`);
  gate.release();
  // The held write is processed now, by a server whose client is gone.
  for (let i = 0; i < 1000 && c.sim.server.journal.all().some(e => e.fault && e.status === undefined); i++) await new Promise(r => setTimeout(r, 10));
  await c.sim.settled();
  const problems: string[] = [];
  problems.push(...(await disagreements(check, await readDisk(c.workdir), phase)));

  const stdout = capture();
  const stderr = capture();
  const io = {stdout, stderr, stdin: process.stdin, interactive: false};
  const code = phase === 'apply' ? await runApply({kubeconfig: c.kubeconfig, workdir: c.workdir, namespaces: [NS], yes: true}, io) : await runRevert({kubeconfig: c.kubeconfig, workdir: c.workdir, namespaces: [NS], yes: true}, io);
  if (code !== 0) problems.push(`the resume exited ${code}: ${stderr.text()}`);
  if (!/taking over the lock left by ambient-migrate/.test(stderr.text()) || !/taking over the lease bookinfo\/ambient-migrate of .*, which is no longer running/.test(stderr.text())) {
    problems.push(`the resume did not say it took over the dead run's lock and lease: ${stderr.text()}`);
  }
  if (phase === 'apply' && !stdout.text().includes(`${describeOperation(target.operation)} (already done)`)) problems.push(`the resume did not say the write had landed: ${stdout.text()}`);
  await c.sim.settled();
  const end = await readDisk(c.workdir);
  const want = phase === 'apply' ? 'done' : 'reverted';
  if (end.namespaces[NS]!.status !== want) problems.push(`the namespace is ${end.namespaces[NS]!.status}, not ${want}`);
  problems.push(...(await disagreements(check, end, phase)));
  const snapshot = await snapshotNamespace(check);
  const expected = phase === 'apply' ? ref.migrated : ref.reverted;
  if (!isDeepStrictEqual(snapshot, expected)) problems.push(`the cluster differs from the uninterrupted run's: ${firstDifference(expected, snapshot)}`);
  return problems.length ? result('wrong', problems.join(' | ')) : result('stopped', 'SIGKILL; the resume took over the lock and the lease');
}

async function readDisk(workdir: string): Promise<StateDocument> {
  const {readFileSync} = await import('node:fs');
  return JSON.parse(readFileSync(path.join(workdir, 'state.json'), 'utf8')) as StateDocument;
}

/** Where the state file and the cluster disagree: `done`/`reverted` must be (un)done in the cluster, `pending` untouched. */
async function disagreements(client: KubeClient, state: StateDocument, phase: Phase): Promise<string[]> {
  const out: string[] = [];
  const operations = state.namespaces[NS]!.operations;
  for (const [i, op] of operations.entries()) {
    // An update followed by the plan's own delete of the same object: the later operation is what shows.
    if (op.status === 'done' && supersededAt(operations, i)) continue;
    const effect = await effectInCluster(client, op);
    const what = `${op.operation.id} ${op.status}`;
    // A revert that journaled its start but not its end may or may not have undone it.
    if (op.status === 'done' && op.revertStartedAt !== undefined) continue;
    if (op.status === 'done' && effect !== true) out.push(`state says done, the cluster does not have it: ${what}`);
    if (op.status === 'reverted' && effect !== false && !(op.operation.action === 'restart')) out.push(`state says reverted, the cluster still has it: ${what}`);
    if (op.status === 'pending' && phase === 'apply' && effect !== false) out.push(`the cluster has a change the state does not record: ${what}`);
  }
  return out;
}

function firstDifference(a: unknown, b: unknown, at = ''): string {
  if (isDeepStrictEqual(a, b)) return '';
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const d = firstDifference((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], `${at}.${key}`);
      if (d) return d;
    }
  }
  return `${at}: expected ${JSON.stringify(a)?.slice(0, 200)}, got ${JSON.stringify(b)?.slice(0, 200)}`;
}

/** Runs `cases` with at most `concurrency` at a time. */
export async function runAll(
  cases: Array<{phase: Phase; op: number; fault: FaultKind}>,
  options: {concurrency?: number; onResult?(r: CaseResult): void} = {},
): Promise<CaseResult[]> {
  const ref = await reference();
  const results: CaseResult[] = [];
  let next = 0;
  const worker = async () => {
    while (next < cases.length) {
      const k = cases[next++]!;
      const r = await runCase(ref, k.phase, k.op, k.fault);
      results.push(r);
      options.onResult?.(r);
    }
  };
  await Promise.all(Array.from({length: Math.max(1, options.concurrency ?? 4)}, worker));
  return results;
}

const SYMBOL: Record<Verdict, string> = {converged: '✔', stopped: '■', wrong: '✘'};

/** The operation × fault table, one per phase, with the totals. */
export function formatTable(ref: {operations: Array<Pick<OperationRecord, 'operation'>>}, results: CaseResult[]): string {
  const lines: string[] = [];
  const faults = FAULTS.filter(f => results.some(r => r.fault === f));
  for (const phase of ['apply', 'revert'] as const) {
    const mine = results.filter(r => r.phase === phase);
    if (!mine.length) continue;
    lines.push(`${phase} into the fault, then resume   ✔ converged  ■ stopped cleanly, resumed  ✘ wrong`);
    const width = 58;
    lines.push(`${'operation'.padEnd(width)} ${faults.map(f => f.padStart(Math.max(3, f.length))).join(' ')}`);
    for (const [i, op] of ref.operations.entries()) {
      if (!mine.some(r => r.op === i)) continue;
      const name = `${String(i + 1).padStart(2)} ${op.operation.step}: ${describeOperation(op.operation)}`;
      const cells = faults.map(f => {
        const r = mine.find(x => x.op === i && x.fault === f);
        return (r ? SYMBOL[r.verdict] : '·').padStart(Math.max(3, f.length));
      });
      lines.push(`${name.length > width ? `${name.slice(0, width - 1)}…` : name.padEnd(width)} ${cells.join(' ')}`);
    }
    lines.push('');
  }
  const count = (v: Verdict) => results.filter(r => r.verdict === v).length;
  const n = results.length;
  const pct = (k: number) => `${((100 * k) / Math.max(1, n)).toFixed(1)}%`;
  lines.push(`${n} cases: ${count('converged')} converged (${pct(count('converged'))}), ${count('stopped')} stopped cleanly (${pct(count('stopped'))}), ${count('wrong')} wrong (${pct(count('wrong'))})`);
  for (const r of results.filter(x => x.verdict === 'wrong')) lines.push(`  ✘ ${r.phase} op ${r.op + 1} ${r.fault}: ${r.detail}`);
  return lines.join('\n');
}
