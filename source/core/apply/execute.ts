import {KubeError, type KubeClient, type KubeObject} from '../../kube/client.ts';
import {KINDS, type KindRef} from '../../kube/kinds.ts';
import {userView} from '../plan/objects.ts';
import {MANAGED_BY, type Operation, type Target} from '../plan/types.ts';
import type {NamespaceRecord, OperationRecord, StateDocument} from '../state/state.ts';
import {agreesAt, differencesAt, mergePatchBetween, ownedParts} from './diff.ts';
import {selects} from '../audit/context.ts';
import {hasSidecar, isLive, isMeshInfrastructure} from '../dataplane.ts';
import {remedyFor} from './verify.ts';
import {driftMessage, stateDrift} from './drift.ts';
import {waitForRollout, waitForWaypoint} from './wait.ts';

export const FIELD_MANAGER = 'ambient-migrate';
export const RESTARTED_AT = 'kubectl.kubernetes.io/restartedAt';

export interface ApplyDeps {
  client: KubeClient;
  now(): Date;
  sleep(ms: number): Promise<void>;
  /** Saves the state document; called before and after every write. */
  persist(state: StateDocument): Promise<void>;
  report?(event: ApplyEvent): void;
  /** Checked between operations: quitting stops at the next operation boundary. */
  stopRequested?(): boolean;
  dryRun?: boolean;
  rolloutTimeoutMs?: number;
  waypointTimeoutMs?: number;
  pollMs?: number;
  /** Attempts for a write that fails transiently (429, 5xx, dropped connection, 409 with the change still valid). */
  attempts?: number;
  /** Go on although the state file and the cluster disagree (`apply --accept-drift`); otherwise apply stops first. */
  acceptDrift?: boolean;
}

export type ApplyEvent =
  | {type: 'operation-started'; namespace: string; record: OperationRecord; index: number; total: number}
  | {type: 'operation-done'; namespace: string; record: OperationRecord; index: number; total: number; alreadyDone: boolean}
  | {type: 'waiting'; namespace: string; what: string}
  | {type: 'retrying'; namespace: string; what: string; attempt: number};

/** Why an apply stopped: what happened and what to do, recorded in the state file too. */
export class ApplyStopped extends Error {
  constructor(
    message: string,
    readonly namespace: string,
    readonly operationId?: string,
  ) {
    super(message);
    this.name = 'ApplyStopped';
  }
}

export function kindRefOf(target: Target): KindRef {
  const match = Object.values(KINDS).find(k => k.kind === target.kind && (k.group ? `${k.group}/${k.version}` : k.version) === target.apiVersion)
    ?? Object.values(KINDS).find(k => k.kind === target.kind && target.apiVersion.startsWith(k.group ? `${k.group}/` : 'v'));
  if (!match) throw new Error(`no kind known for ${target.apiVersion} ${target.kind}`);
  return match;
}

/**
 * Runs a namespace's recorded operations in order. Every operation reads the live object first, so a
 * re-run after a crash (even between a write and its journal entry) recognises what already landed and
 * ends in the same state as an uninterrupted run.
 */
export async function applyNamespace(state: StateDocument, namespace: string, deps: ApplyDeps): Promise<void> {
  const record = state.namespaces[namespace];
  if (!record) throw new ApplyStopped(`namespace ${namespace} has no plan in the state file`, namespace);
  // Before any write: an object the tool wrote that someone changed since, or a namespace another workdir
  // has migrated, is a choice for the person, not something to paper over with "(already done)".
  if (!deps.acceptDrift && record.operations.some(o => o.status !== 'done' && o.status !== 'skipped')) {
    const drift = await stateDrift(deps.client, record);
    if (drift.length > 0) throw new ApplyStopped(await driftMessage(deps.client, namespace, drift), namespace);
  }
  if (!deps.dryRun) {
    record.status = 'applying';
    await save(state, deps);
  }
  const total = record.operations.length;
  for (const [index, op] of record.operations.entries()) {
    if (op.status === 'done' || op.status === 'skipped') continue;
    if (deps.stopRequested?.()) throw new ApplyStopped('stopped at your request; run apply again to continue from here', namespace, op.operation.id);
    deps.report?.({type: 'operation-started', namespace, record: op, index, total});
    try {
      const alreadyDone = await runOperation(state, record, op, deps);
      deps.report?.({type: 'operation-done', namespace, record: op, index, total, alreadyDone});
    } catch (error) {
      const message = explain(error, op.operation);
      if (!deps.dryRun) {
        op.status = 'failed';
        op.error = message;
        record.status = 'failed';
        await save(state, deps);
      }
      throw new ApplyStopped(message, namespace, op.operation.id);
    }
  }
  if (!deps.dryRun) {
    record.status = 'done';
    await save(state, deps);
  }
}

async function save(state: StateDocument, deps: ApplyDeps): Promise<void> {
  state.updatedAt = deps.now().toISOString();
  await deps.persist(state);
}

async function runOperation(state: StateDocument, ns: NamespaceRecord, op: OperationRecord, deps: ApplyDeps): Promise<boolean> {
  const {client} = deps;
  const target = op.operation.target;
  const kind = kindRefOf(target);
  const live = await client.get(kind, target.namespace, target.name);
  if (!deps.dryRun) {
    // The first reading is the true before-state; a resumed run must not replace it with our own write.
    if (op.liveBefore === undefined) op.liveBefore = live ? userView(live) : null;
    op.status = 'started';
    op.startedAt ??= deps.now().toISOString();
    await save(state, deps);
  }
  const alreadyDone = await withRetries(deps, ns.name, op.operation, () => perform(state, op, kind, deps));
  if (!deps.dryRun) {
    const after = await client.get(kind, target.namespace, target.name);
    op.liveAfter = after ? userView(after) : null;
    op.status = 'done';
    op.finishedAt = deps.now().toISOString();
    delete op.error;
    await save(state, deps);
  }
  return alreadyDone;
}

/** One attempt at an operation; returns true when the cluster already had the change. */
async function perform(state: StateDocument, record: OperationRecord, kind: KindRef, deps: ApplyDeps): Promise<boolean> {
  const {client} = deps;
  const op = record.operation;
  const t = op.target;
  const options = {fieldManager: FIELD_MANAGER, dryRun: deps.dryRun};
  const live = await client.get(kind, t.namespace, t.name);
  switch (op.action) {
    case 'create': {
      const desired = op.after!;
      if (live) {
        if (isOurs(live)) return finishCreate(op, deps, true);
        throw new ApplyStopped(`${t.kind} ${t.namespace}/${t.name} already exists and was not made by ambient-migrate: rename or remove it, then run apply again`, op.namespace, op.id);
      }
      await client.create(kind, desired, options);
      return finishCreate(op, deps, false);
    }
    case 'update':
    case 'label': {
      // A pod is replaced by its controller at any time; its successor comes from the (labelled) template.
      if (!live && t.kind === 'Pod') return true;
      if (!live) throw new ApplyStopped(`${t.kind} ${t.namespace ? `${t.namespace}/` : ''}${t.name} no longer exists. ${replan(op.namespace)}`, op.namespace, op.id);
      const patch = mergePatchBetween(ownedParts(op.before), ownedParts(op.after));
      if (agreesAt(patch, ownedParts(live), ownedParts(op.after))) return true;
      if (!agreesAt(patch, ownedParts(live), ownedParts(op.before))) {
        // Say which field and what to do: "plan again" alone was a dead end, since apply resumes the recorded
        // plan of a namespace that has progress and never re-plans it.
        const what = differencesAt(patch, ownedParts(live), ownedParts(op.before)).join('; ');
        throw new ApplyStopped(
          `${t.kind} ${t.namespace ? `${t.namespace}/` : ''}${t.name} was changed by someone else since the plan: ${what}. Nothing was written to it. Either put it back and run apply again, or ${replan(op.namespace).replace(/^T/, 't')}`,
          op.namespace,
          op.id,
        );
      }
      // The resourceVersion makes the write conditional: a concurrent change gets 409 and a re-read.
      const body = {...(patch as object), metadata: {...((patch as {metadata?: object}).metadata ?? {}), resourceVersion: live.metadata.resourceVersion}};
      await client.patch(kind, t.namespace, t.name, body, 'merge', options);
      return false;
    }
    case 'delete': {
      if (!live) return true;
      if (!deps.dryRun) await refuseWhileSidecarsEnforce(op, client);
      const expected = ownedParts(op.before);
      const patch = mergePatchBetween({}, expected);
      // A dry run changed nothing, so an object an earlier operation of the plan "updated" is still as it was
      // before that update: compare with the first state the plan knew of it.
      const first = deps.dryRun ? ownedParts(firstBefore(state, op)) : expected;
      if (!agreesAt(patch, ownedParts(live), expected) && !(deps.dryRun && agreesAt(mergePatchBetween({}, first), ownedParts(live), first))) {
        const what = differencesAt(patch, ownedParts(live), expected).join('; ');
        throw new ApplyStopped(`${t.kind} ${t.namespace}/${t.name} was changed by someone else since the plan (${what}); it is not deleted so that the change is not lost. ${replan(op.namespace)}`, op.namespace, op.id);
      }
      try {
        await client.delete(kind, t.namespace, t.name, {...options, uid: live.metadata.uid, resourceVersion: live.metadata.resourceVersion});
      } catch (error) {
        if (error instanceof KubeError && error.kind === 'NotFound') return true;
        throw error;
      }
      return false;
    }
    case 'restart': {
      if (!live) throw new ApplyStopped(`${t.kind} ${t.namespace}/${t.name} no longer exists. ${replan(op.namespace)}`, op.namespace, op.id);
      const current = live.spec?.template?.metadata?.annotations?.[RESTARTED_AT];
      const landed = record.restartedAt !== undefined && current === record.restartedAt;
      if (!landed) {
        // A retry (or a resumed run) sends the value already recorded, not a new one: a first attempt that the
        // server commits late (a stalled request the client gave up on) then writes the same template again,
        // a no-op, instead of a second rollout and a restartedAt the state file does not know.
        const at = record.restartedAt !== undefined && record.restartedAt !== current ? record.restartedAt : restartStamp(deps.now(), current);
        if (!deps.dryRun && record.restartedAt !== at) {
          // Recorded before the write, so a re-run after a crash knows this restart is ours.
          record.restartedAt = at;
          await save(state, deps);
        }
        await client.patch(kind, t.namespace, t.name, {spec: {template: {metadata: {annotations: {[RESTARTED_AT]: at}}}}}, 'strategic', options);
      }
      if (!deps.dryRun) {
        deps.report?.({type: 'waiting', namespace: op.namespace, what: `rollout of ${t.kind} ${t.name}`});
        await waitForRollout(client, kind, t.namespace!, t.name, deps);
      }
      return landed;
    }
  }
}

/** The object as the plan first found it: the `before` of the namespace's first operation on it. */
function firstBefore(state: StateDocument, op: Operation): KubeObject | null {
  const record = state.namespaces[op.namespace];
  const t = op.target;
  const first = record?.operations.find(r => r.operation.target.kind === t.kind && r.operation.target.namespace === t.namespace && r.operation.target.name === t.name);
  return first?.operation.before ?? op.before;
}

/** Kinds whose originals a sidecar enforces, and which the clean-up deletes once the waypoint copy is in force. */
const SIDECAR_ENFORCED = new Set(['AuthorizationPolicy', 'RequestAuthentication', 'WasmPlugin']);

/**
 * The clean-up deletes an original policy only when no pod it selects still runs a sidecar: that sidecar
 * enforces the original and only the original (a waypoint copy binds to Services, and sidecar callers and
 * pod-IP traffic never pass the waypoint). Bare pods, Jobs' pods, pods no rollout replaced and pods that a
 * webhook injected again all keep one. Stopping here keeps the original; the message names the pods.
 */
async function refuseWhileSidecarsEnforce(op: Operation, client: KubeClient): Promise<void> {
  if (op.step !== 'cleanup' || !SIDECAR_ENFORCED.has(op.target.kind) || !op.before || !op.target.namespace) return;
  const selector = op.before.spec?.selector?.matchLabels as Record<string, string> | undefined;
  const pods = await client.list(KINDS.pod, {namespace: op.target.namespace});
  const enforcing = pods.filter(p => isLive(p) && hasSidecar(p) && !isMeshInfrastructure(p) && (!selector || selects(selector, p.metadata.labels)));
  if (enforcing.length === 0) return;
  const t = op.target;
  throw new ApplyStopped(
    `${t.kind} ${t.namespace}/${t.name} is not deleted yet: ${enforcing.length} pod${enforcing.length === 1 ? '' : 's'} it selects still run${enforcing.length === 1 ? 's' : ''} a sidecar, which enforces it (the waypoint copy does not reach ${enforcing.length === 1 ? 'it' : 'them'}): ${enforcing.slice(0, 5).map(remedyFor).join('; ')}${enforcing.length > 5 ? '; …' : ''}. Then run apply again`,
    op.namespace,
    op.id,
  );
}

/**
 * What to do when the plan no longer fits the cluster. Not "plan again": apply resumes the recorded plan of
 * a namespace with progress and never re-plans it; a revert ends that plan, and the next apply makes a new one.
 */
function replan(namespace: string): string {
  return `To plan afresh, revert the namespace (ambient-migrate revert -n ${namespace}) and run apply again`;
}

/**
 * The `restartedAt` value for a new restart, in kubectl's format (RFC 3339, seconds). A restart in the same
 * second as the previous one would write the value already there: the template would not change, no
 * rollout would happen, and the workload would silently keep its old pods (revert right after apply left
 * pods without their sidecars that way). So the value always differs from the current one.
 */
export function restartStamp(now: Date, current: string | undefined): string {
  const seconds = now.toISOString().replace(/\.\d+Z$/, 'Z');
  if (seconds !== current) return seconds;
  const millis = now.toISOString();
  return millis !== current ? millis : new Date(now.getTime() + 1).toISOString();
}

async function finishCreate(op: Operation, deps: ApplyDeps, existed: boolean): Promise<boolean> {
  if (op.target.kind === 'Gateway' && op.after?.spec?.gatewayClassName === 'istio-waypoint' && !deps.dryRun) {
    deps.report?.({type: 'waiting', namespace: op.namespace, what: `waypoint ${op.target.name} to be Programmed`});
    await waitForWaypoint(deps.client, op.target.namespace!, op.target.name, deps);
  }
  return existed;
}

/**
 * An object we created carries our label; the server has since filled in defaults, so its body is not
 * compared. Someone else's object of the same name does not carry it.
 */
function isOurs(live: KubeObject): boolean {
  return live.metadata.labels?.['app.kubernetes.io/managed-by'] === MANAGED_BY['app.kubernetes.io/managed-by'];
}

export async function withRetries<T>(deps: ApplyDeps, namespace: string, op: Operation, attempt: () => Promise<T>): Promise<T> {
  const max = deps.attempts ?? 5;
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (error) {
      const retriable = error instanceof KubeError && (error.transient || error.kind === 'Conflict' || error.kind === 'AlreadyExists');
      if (!retriable || n >= max) throw error;
      // Each retry starts by re-reading the live object, so an ambiguous write is never done twice.
      deps.report?.({type: 'retrying', namespace, what: `${op.action} ${op.target.kind} ${op.target.name}: ${(error as KubeError).message}`, attempt: n});
      const wait = (error as KubeError).details.retryAfterSeconds !== undefined ? Math.min((error as KubeError).details.retryAfterSeconds!, 30) * 1000 : Math.min(200 * 2 ** (n - 1), 5000);
      await deps.sleep(wait);
    }
  }
}

/** Every failure in words an operator can act on. */
export function explain(error: unknown, op: Operation, command: 'apply' | 'revert' = 'apply'): string {
  // Revert shares this: its messages name what it was undoing and the command to run again (they said
  // "create HTTPRoute ... is not allowed ... run apply again" when revert's delete was refused).
  const target = `${op.target.kind} ${op.target.namespace ? `${op.target.namespace}/` : ''}${op.target.name}`;
  const what = command === 'revert' ? `undoing ${op.action} ${target}` : `${op.action} ${target}`;
  if (error instanceof ApplyStopped) return error.message;
  if (error instanceof KubeError) {
    const d = error.details;
    switch (error.kind) {
      case 'Forbidden':
        return `${what} is not allowed: ${error.message}. Grant ${d.verb ?? op.action} on ${d.resource ?? op.target.kind.toLowerCase()}${d.group ? `.${d.group}` : ''}${d.namespace ? ` in namespace ${d.namespace}` : ''} to your user (see the RBAC section of the README), then run ${command} again`;
      case 'Invalid':
        return `${what} was rejected by the API server: ${error.message}`;
      case 'Conflict':
        return `${what} kept conflicting with other writers: ${error.message}. Run ${command} again`;
      default:
        return `${what} failed: ${error.message}. The state file records where it stopped; run ${command} again to continue`;
    }
  }
  return `${what} failed: ${error instanceof Error ? error.message : String(error)}`;
}

