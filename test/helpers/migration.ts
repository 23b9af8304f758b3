/**
 * Shared by the apply/revert/state tests: a fresh demo cluster with a workdir and a backup, the real binary
 * as a child process (so it can be SIGKILLed), a comparable snapshot of a namespace, and a check that the
 * state file and the cluster agree on what was done.
 */
import assert from 'node:assert/strict';
import {spawn, type ChildProcess} from 'node:child_process';
import {existsSync, readFileSync} from 'node:fs';
import path from 'node:path';
import {Writable} from 'node:stream';
import {runApply} from '../../source/app/apply-command.ts';
import {runBackup} from '../../source/app/backup-command.ts';
import {runRevert} from '../../source/app/revert-command.ts';
import {runStatus} from '../../source/app/status-command.ts';
import {saveState} from '../../source/app/state-store.ts';
import {agreesAt, mergePatchBetween, ownedParts} from '../../source/core/apply/diff.ts';
import {kindRefOf, RESTARTED_AT, type ApplyDeps} from '../../source/core/apply/execute.ts';
import {AUDIT_KINDS} from '../../source/core/audit/context.ts';
import {clusterIdentity} from '../../source/core/cluster-identity.ts';
import {loadInventory} from '../../source/core/inventory.ts';
import {planMigration} from '../../source/core/plan/planner.ts';
import {newState, parseState, isProblem, recordPlan, supersededAt, type OperationRecord, type StateDocument} from '../../source/core/state/state.ts';
import type {KubeClient, KubeObject} from '../../source/kube/client.ts';
import {connect} from '../../source/kube/http-client.ts';
import {KINDS, qualifiedName, type KindRef} from '../../source/kube/kinds.ts';
import type {JournalEntry} from '../../source/sim/faults.ts';
import type {Simulator, SimulatorOptions} from '../../source/sim/simulator.ts';
import {repoRoot, startDemoSimulator, waitFor} from './cluster.ts';
import {SUITE_WAIT_MS} from './wait.ts';

export const BIN = path.join(repoRoot, 'bin/ambient-migrate.js');
export const NS = 'bookinfo';
/** The demo's bookinfo plan: 8 creates, 3 updates, 3 labels, 6 restarts, 4 deletes. */
export const BOOKINFO_OPERATIONS = 24;

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliRun {
  child: ChildProcess;
  exit: Promise<CliResult>;
}

/**
 * The real binary without a terminal. Asynchronous on purpose: the simulator answers from this process.
 * `onLine` sees every stdout line as it arrives (pipes are synchronous on Linux, so a line is on the pipe
 * before the child sends its next request).
 */
export function startCli(args: string[], options: CliOptions & {onLine?(line: string, child: ChildProcess): void} = {}): CliRun {
  // The demo's bookinfo plan opens traffic only in the ways the guide documents (sidecar callers, the
  // ingress and out-of-mesh callers bypass the waypoint); tests that are not about that accept them, as
  // a user would. `exactArgs` runs the binary with the arguments as given (test/traffic-cli.test.ts).
  if (!options.exactArgs && args[0] === 'apply' && !args.includes('--accept')) args = [...args, '--accept', 'known-limitations'];
  const {KUBECONFIG: _ignored, ...inherited} = process.env;
  // `env` overrides what the test runner passes down; an undefined value removes the variable.
  const env: NodeJS.ProcessEnv = {...inherited, NO_COLOR: '1', ...options.env};
  for (const [key, value] of Object.entries(env)) if (value === undefined) delete env[key];
  const child = spawn(process.execPath, [BIN, ...args], {cwd: options.cwd ?? repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'], timeout: options.timeoutMs ?? SUITE_WAIT_MS});
  let stdout = '';
  let stderr = '';
  let partial = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    partial += chunk;
    const lines = partial.split('\n');
    partial = lines.pop()!;
    for (const line of lines) options.onLine?.(line, child);
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exit = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({code, signal, stdout, stderr}));
  });
  return {child, exit};
}

export interface CliOptions {
  /** Do not add `--accept known-limitations` to an apply. */
  exactArgs?: boolean;
  cwd?: string;
  timeoutMs?: number;
  env?: Record<string, string | undefined>;
}

export function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  return startCli(args, options).exit;
}

/** A stream that keeps what is written to it, for the commands run in-process. */
export function capture(): Writable & {text(): string} {
  let text = '';
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      text += String(chunk);
      callback();
    },
  });
  return Object.assign(stream, {text: () => text});
}

export interface MigrationCase {
  sim: Simulator;
  kubeconfig: string;
  workdir: string;
  client: KubeClient;
  /** `--kubeconfig K --workdir W` */
  flags: string[];
  statePath: string;
  backup(): Promise<void>;
  readState(): StateDocument;
  /** Requests the simulator served, after `since` (an index into the journal). */
  journal(since?: number): JournalEntry[];
  close(): Promise<void>;
}

/** A fresh demo cluster in this process, a private workdir inside a temp dir, and a client for checks. */
export async function migrationCase(options: SimulatorOptions = {}): Promise<MigrationCase> {
  const demo = await startDemoSimulator(options);
  const workdir = path.join(demo.tmp.dir, 'work');
  const statePath = path.join(workdir, 'state.json');
  const client = connect({kubeconfig: demo.kubeconfig});
  return {
    sim: demo.sim,
    kubeconfig: demo.kubeconfig,
    workdir,
    client,
    statePath,
    flags: ['--kubeconfig', demo.kubeconfig, '--workdir', workdir],
    async backup() {
      const out = capture();
      const err = capture();
      const code = await runBackup({kubeconfig: demo.kubeconfig, workdir}, out, err);
      assert.equal(code, 0, err.text());
    },
    readState() {
      const parsed = parseState(readFileSync(statePath, 'utf8'));
      if (isProblem(parsed)) throw new Error(`state.json cannot be used: ${parsed.message}`);
      return parsed;
    },
    journal: (since = 0) => demo.sim.server.journal.all().slice(since),
    close: () => demo.close(),
  };
}

/** The plan `apply` would record, in a fresh state document for this cluster (for in-process runs). */
export async function plannedState(client: KubeClient, namespace = NS): Promise<StateDocument> {
  const version = await client.version();
  const kubeSystem = await client.get(KINDS.namespace, undefined, 'kube-system');
  const identity = clusterIdentity(client.endpoint, kubeSystem ? [kubeSystem] : []);
  const inventory = await loadInventory(client, AUDIT_KINDS);
  const {plan, refused} = planMigration(inventory, {context: identity.context, server: identity.server, kubernetesVersion: version.gitVersion}, [namespace]);
  assert.deepEqual(refused, []);
  const state = newState(identity, new Date());
  recordPlan(state, namespace, plan.operations.filter(o => o.namespace === namespace), new Date());
  return state;
}

/**
 * Deps for in-process runs: a clock that sleeping moves forward (so a 60 s timeout takes a fraction of a
 * second of real time), while each sleep still yields to the simulator's controllers for a few ms.
 */
export function testDeps(c: Pick<MigrationCase, 'client' | 'workdir'>, overrides: Partial<ApplyDeps> = {}): ApplyDeps & {sleeps: number[]; events: string[]} {
  let offset = 0;
  const sleeps: number[] = [];
  const events: string[] = [];
  return {
    client: c.client,
    now: () => new Date(Date.now() + offset),
    sleep: async ms => {
      sleeps.push(ms);
      offset += ms;
      await new Promise(r => setTimeout(r, 5));
    },
    persist: s => saveState(c.workdir, s),
    report: e => events.push(e.type === 'retrying' ? `retrying: ${e.what}` : e.type === 'waiting' ? `waiting: ${e.what}` : `${e.type}: ${e.record.operation.id}`),
    pollMs: 250,
    sleeps,
    events,
    ...overrides,
  };
}

// ---- Comparing namespaces ---------------------------------------------------------------------------------

/** The kinds a migration creates, changes or deletes, compared object by object. */
export const COMPARED_KINDS: KindRef[] = [
  KINDS.service,
  KINDS.httpRoute,
  KINDS.gateway,
  KINDS.istioGateway,
  KINDS.authorizationPolicy,
  KINDS.requestAuthentication,
  KINDS.virtualService,
  KINDS.destinationRule,
];

const VOLATILE_ANNOTATIONS = ['kubectl.kubernetes.io/last-applied-configuration', RESTARTED_AT];

function comparable(object: KubeObject): Record<string, unknown> {
  const {metadata, status: _status, apiVersion: _a, kind, ...body} = object;
  const annotations = {...(metadata.annotations ?? {})};
  for (const key of VOLATILE_ANNOTATIONS) delete annotations[key];
  if (kind === 'Service' && body.spec) {
    // Allocated by the server, and different in two clusters.
    const {clusterIP: _ip, clusterIPs: _ips, ...spec} = body.spec as Record<string, unknown>;
    body.spec = spec;
  }
  const owners = (metadata.ownerReferences ?? []).map(o => `${o.kind}/${o.name}`);
  return {labels: metadata.labels ?? {}, annotations, ...(owners.length ? {owners} : {}), ...body};
}

export interface NamespaceSnapshot {
  namespace: {labels: Record<string, string>; annotations: Record<string, string>};
  objects: Record<string, Record<string, unknown>>;
  /** Per Deployment: its pod template without restartedAt, its revision and how many ReplicaSets it has had. */
  deployments: Record<string, {replicas: unknown; template: unknown; revision?: string; replicaSets: number}>;
  /** Running pods by workload (pod names differ between runs): containers and the dataplane annotations. */
  pods: string[];
}

/**
 * What a person would compare: every object of the migrated kinds, the namespace's labels, the workloads'
 * pod templates and the pods' dataplane, without server-managed metadata (uids, resourceVersions,
 * timestamps, allocated IPs) and without pod names.
 */
export async function snapshotNamespace(client: KubeClient, namespace = NS): Promise<NamespaceSnapshot> {
  const ns = await client.get(KINDS.namespace, undefined, namespace);
  const objects: NamespaceSnapshot['objects'] = {};
  for (const kind of COMPARED_KINDS) {
    const items = await client.list(kind, {namespace});
    objects[qualifiedName(kind)] = Object.fromEntries(items.sort((a, b) => a.metadata.name.localeCompare(b.metadata.name)).map(o => [o.metadata.name, comparable(o)]));
  }
  const replicaSets = await client.list(KINDS.replicaSet, {namespace});
  const deployments: NamespaceSnapshot['deployments'] = {};
  for (const d of (await client.list(KINDS.deployment, {namespace})).sort((a, b) => a.metadata.name.localeCompare(b.metadata.name))) {
    const template = structuredClone(d.spec.template);
    if (template.metadata?.annotations) {
      delete template.metadata.annotations[RESTARTED_AT];
      if (Object.keys(template.metadata.annotations).length === 0) delete template.metadata.annotations;
    }
    deployments[d.metadata.name] = {
      replicas: d.spec.replicas,
      template,
      revision: d.metadata.annotations?.['deployment.kubernetes.io/revision'],
      replicaSets: replicaSets.filter(rs => rs.metadata.ownerReferences?.some(o => o.uid === d.metadata.uid)).length,
    };
  }
  const pods = (await client.list(KINDS.pod, {namespace}))
    .filter(p => !p.metadata.deletionTimestamp)
    .map(p => {
      const owner = (p.metadata.ownerReferences?.[0]?.name ?? p.metadata.name).replace(/-[0-9a-f]{6,10}$/, '');
      const containers = (p.spec.containers ?? []).map((c: {name: string}) => c.name).sort();
      const init = (p.spec.initContainers ?? []).map((c: {name: string}) => c.name).sort();
      const redirection = p.metadata.annotations?.['ambient.istio.io/redirection'] ?? '-';
      return `${owner} containers=${containers.join(',')} init=${init.join(',') || '-'} redirection=${redirection} phase=${p.status?.phase}`;
    })
    .sort();
  return {namespace: {labels: ns?.metadata.labels ?? {}, annotations: ns?.metadata.annotations ?? {}}, objects, deployments, pods};
}

/**
 * The same snapshot without what a migration and its revert legitimately leave behind: revert restarts
 * the workloads once more, so revisions and ReplicaSet counts go up.
 */
export function withoutRolloutHistory(snapshot: NamespaceSnapshot): NamespaceSnapshot {
  const copy = structuredClone(snapshot);
  for (const d of Object.values(copy.deployments)) {
    delete d.revision;
    d.replicaSets = 0;
  }
  return copy;
}

// ---- The state file against the cluster -----------------------------------------------------------------

function where(record: OperationRecord): string {
  const t = record.operation.target;
  return `${record.operation.id} (${record.operation.action} ${t.kind} ${t.namespace ? `${t.namespace}/` : ''}${t.name}, ${record.status})`;
}

/** Whether the operation's change is in the cluster now (true), not at all (false), or neither. */
export async function effectInCluster(client: KubeClient, record: OperationRecord): Promise<boolean | 'partial'> {
  const o = record.operation;
  const live = await client.get(kindRefOf(o.target), o.target.namespace, o.target.name);
  switch (o.action) {
    case 'create':
      return Boolean(live);
    case 'delete':
      return !live;
    case 'restart': {
      const at = live?.spec?.template?.metadata?.annotations?.[RESTARTED_AT];
      return record.restartedAt !== undefined && at === record.restartedAt;
    }
    default: {
      if (!live) return 'partial';
      const changed = mergePatchBetween(ownedParts(o.before), ownedParts(o.after));
      if (agreesAt(changed, ownedParts(live), ownedParts(o.after))) return true;
      if (agreesAt(changed, ownedParts(live), ownedParts(o.before))) return false;
      return 'partial';
    }
  }
}

/**
 * The issue's promise: what the state file says is `done` is in the cluster, and nothing in the cluster is
 * missing from it (a `pending` operation has no effect). `started` and `failed` may be either, and are
 * returned so a test can say what it expects of them.
 */
export async function assertStateAgreesWithCluster(client: KubeClient, state: StateDocument, namespace = NS): Promise<Map<string, boolean | 'partial'>> {
  const record = state.namespaces[namespace];
  assert.ok(record, `state has ${namespace}`);
  const undecided = new Map<string, boolean | 'partial'>();
  for (const [i, op] of record.operations.entries()) {
    // An update followed by the plan's own delete of the same object: the later operation is what shows.
    if (op.status === 'done' && supersededAt(record.operations, i)) continue;
    const effect = await effectInCluster(client, op);
    if (op.status === 'done' && op.revertStartedAt !== undefined) undecided.set(op.operation.id, effect);
    else if (op.status === 'done') assert.equal(effect, true, `state says done but the cluster does not have it: ${where(op)}`);
    else if (op.status === 'pending') assert.equal(effect, false, `the cluster has a change the state file does not record: ${where(op)}`);
    else if (op.status === 'reverted') assert.equal(effect, false, `state says reverted but the cluster still has it: ${where(op)}`);
    else undecided.set(op.operation.id, effect);
  }
  return undecided;
}

export function countByStatus(state: StateDocument, namespace = NS): Record<string, number> {
  const out: Record<string, number> = {};
  for (const op of state.namespaces[namespace]!.operations) out[op.status] = (out[op.status] ?? 0) + 1;
  return out;
}

/** `ambient-migrate status` in-process: its text and its JSON. */
export async function statusOf(c: Pick<MigrationCase, 'kubeconfig' | 'workdir'>): Promise<{text: string; json: {namespaces: Array<{name: string; status: string; done: number; total: number; current?: string; drift: string[]; agrees: boolean}>}}> {
  const out = capture();
  const err = capture();
  const textCode = await runStatus({kubeconfig: c.kubeconfig, workdir: c.workdir}, out, err);
  const jsonOut = capture();
  const jsonCode = await runStatus({kubeconfig: c.kubeconfig, workdir: c.workdir, json: true}, jsonOut, err);
  const json = JSON.parse(jsonOut.text());
  // 0 when the cluster agrees with the state file, 4 when it differs (the README's exit codes).
  const expected = json.namespaces.every((n: {agrees: boolean}) => n.agrees) ? 0 : 4;
  assert.equal(textCode, expected, err.text());
  assert.equal(jsonCode, expected, err.text());
  return {text: out.text(), json};
}

/** `ambient-migrate apply -n NS --yes` in-process, without a terminal: the same code the binary runs. */
export async function applyInProcess(c: Pick<MigrationCase, 'kubeconfig' | 'workdir'>, options: {namespace?: string; dryRun?: boolean; yes?: boolean} = {}): Promise<{code: number; stdout: string; stderr: string}> {
  const stdout = capture();
  const stderr = capture();
  const code = await runApply(
    {kubeconfig: c.kubeconfig, workdir: c.workdir, namespaces: [options.namespace ?? NS], yes: options.yes ?? true, dryRun: options.dryRun ? 'server' : undefined, accept: ['known-limitations']},
    {stdout, stderr, stdin: process.stdin, interactive: false},
  );
  return {code, stdout: stdout.text(), stderr: stderr.text()};
}

/** `ambient-migrate revert -n NS --yes` in-process, without a terminal. */
export async function revertInProcess(c: Pick<MigrationCase, 'kubeconfig' | 'workdir'>, namespace = NS): Promise<{code: number; stdout: string; stderr: string}> {
  const stdout = capture();
  const stderr = capture();
  const code = await runRevert({kubeconfig: c.kubeconfig, workdir: c.workdir, namespaces: [namespace], yes: true}, {stdout, stderr, stdin: process.stdin, interactive: false});
  return {code, stdout: stdout.text(), stderr: stderr.text()};
}

/** Write verbs the simulator served (2xx), as `verb resource.group`: what the README's ClusterRole must allow. */
export function writeVerbs(entries: JournalEntry[]): Set<string> {
  const out = new Set<string>();
  for (const e of entries) {
    const a = e.attributes;
    if (!a || ['get', 'list', 'watch'].includes(a.verb) || !e.status || e.status >= 300) continue;
    out.add(`${a.verb} ${a.group ? `${a.resource}.${a.group}` : a.resource}`);
  }
  return out;
}

export function stateFileExists(c: Pick<MigrationCase, 'statePath'>): boolean {
  return existsSync(c.statePath);
}

export {waitFor};
