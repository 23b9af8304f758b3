import {KubeError, type KubeObject} from '../../kube/client.ts';
import type {NamespaceRecord, OperationRecord, StateDocument} from '../state/state.ts';
import {agreesAt, mergePatchBetween, ownedParts} from './diff.ts';
import {ApplyStopped, explain, FIELD_MANAGER, kindRefOf, RESTARTED_AT, restartStamp, withRetries, type ApplyDeps} from './execute.ts';
import {waitForRollout} from './wait.ts';

export type ConflictChoice = 'overwrite' | 'skip';

export interface RevertDeps extends ApplyDeps {
  /** Someone changed an object after the tool did: ask what to do. Without it, revert skips the object. */
  onConflict?(record: OperationRecord, live: KubeObject | undefined, why: string): Promise<ConflictChoice>;
}

export interface RevertOutcome {
  reverted: number;
  skipped: Array<{operationId: string; reason: string}>;
}

/**
 * Undo order: the reverse of the guide's, except that workloads restart only after the injection labels
 * are back, so that the new pods get their sidecars again.
 */
const REVERT_STEP_ORDER = ['cleanup', 'remove-injection', 'restart', 'enroll', 'use-waypoint', 'policies', 'waypoint'];

export function revertOrder(record: NamespaceRecord): OperationRecord[] {
  const touched = record.operations.filter(r => r.status === 'done' || r.status === 'started' || r.status === 'failed');
  const position = new Map(record.operations.map((r, i) => [r, i]));
  return touched.sort(
    (a, b) => REVERT_STEP_ORDER.indexOf(a.operation.step) - REVERT_STEP_ORDER.indexOf(b.operation.step) || position.get(b)! - position.get(a)!,
  );
}

/** Only the paths a plan's operation changes, with the values `source` has there. */
function project(source: unknown, shape: unknown): unknown {
  if (!shape || typeof shape !== 'object' || Array.isArray(shape)) return source;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(shape as object)) {
    const value = source && typeof source === 'object' ? (source as Record<string, unknown>)[key] : undefined;
    const projected = project(value, (shape as Record<string, unknown>)[key]);
    if (projected !== undefined) out[key] = projected;
  }
  return out;
}

/** Puts a namespace back as it was before the tool touched it, from the recorded before-states. */
export async function revertNamespace(state: StateDocument, namespace: string, deps: RevertDeps): Promise<RevertOutcome> {
  const record = state.namespaces[namespace];
  if (!record) throw new ApplyStopped(`namespace ${namespace} has nothing recorded in the state file`, namespace);
  const outcome: RevertOutcome = {reverted: 0, skipped: []};
  record.status = 'reverting';
  await save(state, deps);
  const order = revertOrder(record);
  for (const [index, op] of order.entries()) {
    if (deps.stopRequested?.()) throw new ApplyStopped('stopped at your request; run revert again to continue', namespace, op.operation.id);
    deps.report?.({type: 'operation-started', namespace, record: op, index, total: order.length});
    try {
      if (!deps.dryRun && op.revertStartedAt === undefined) {
        // Journaled before the write, as apply's `started`: a revert killed between its write and the
        // `reverted` below leaves an operation the state file says may or may not be undone.
        op.revertStartedAt = deps.now().toISOString();
        await save(state, deps);
      }
      const result = await withRetries(deps, namespace, op.operation, () => revertOne(op, deps, () => save(state, deps)));
      if (result === 'skipped') {
        delete op.revertStartedAt;
        outcome.skipped.push({operationId: op.operation.id, reason: op.error ?? 'changed by someone else'});
      } else {
        op.status = 'reverted';
        op.revertedAt = deps.now().toISOString();
        delete op.error;
        outcome.reverted++;
      }
      await save(state, deps);
      // After the save, as apply does: a line that says "undone" is in the state file, even if the run is
      // killed right after it.
      deps.report?.({type: 'operation-done', namespace, record: op, index, total: order.length, alreadyDone: result === 'skipped'});
    } catch (error) {
      op.error = `revert failed: ${explain(error, op.operation, 'revert')}`;
      await save(state, deps);
      throw new ApplyStopped(op.error, namespace, op.operation.id);
    }
  }
  if (outcome.skipped.length === 0) {
    record.status = 'reverted';
    for (const op of record.operations) if (op.status === 'pending' || op.status === 'skipped') op.status = 'reverted';
  }
  await save(state, deps);
  return outcome;
}

async function save(state: StateDocument, deps: ApplyDeps): Promise<void> {
  state.updatedAt = deps.now().toISOString();
  await deps.persist(state);
}

async function conflict(op: OperationRecord, live: KubeObject | undefined, why: string, deps: RevertDeps): Promise<boolean> {
  const choice = deps.onConflict ? await deps.onConflict(op, live, why) : 'skip';
  if (choice === 'skip') op.error = `revert skipped: ${why}`;
  return choice === 'overwrite';
}

async function revertOne(op: OperationRecord, deps: RevertDeps, journal: () => Promise<void>): Promise<'reverted' | 'skipped'> {
  const {client} = deps;
  const o = op.operation;
  const t = o.target;
  const kind = kindRefOf(t);
  const options = {fieldManager: FIELD_MANAGER, dryRun: deps.dryRun};
  const live = await client.get(kind, t.namespace, t.name);
  const where = `${t.kind} ${t.namespace ? `${t.namespace}/` : ''}${t.name}`;

  if (o.action === 'restart') {
    // The injection labels are back by now (see REVERT_STEP_ORDER): new pods get their sidecars again.
    if (!live) return 'reverted';
    const current = live.spec?.template?.metadata?.annotations?.[RESTARTED_AT];
    // A retry after a dropped answer, or a revert resumed after a kill, finds its own restart there and only
    // waits for it: a second restart would be one more rollout of every pod.
    if (op.revertRestartedAt === undefined || current !== op.revertRestartedAt) {
      // Never the value already there (apply's own restart may be in the same second): see restartStamp. A
      // value recorded by an attempt that did not land is sent again, so that attempt arriving late is a no-op.
      const at = op.revertRestartedAt !== undefined ? op.revertRestartedAt : restartStamp(deps.now(), current);
      if (!deps.dryRun && op.revertRestartedAt !== at) {
        op.revertRestartedAt = at;
        await journal();
      }
      await client.patch(kind, t.namespace, t.name, {spec: {template: {metadata: {annotations: {[RESTARTED_AT]: at}}}}}, 'strategic', options);
    }
    if (!deps.dryRun) await waitForRollout(client, kind, t.namespace!, t.name, deps);
    return 'reverted';
  }

  const createdByUs = o.action === 'create' && (op.liveBefore === null || op.liveBefore === undefined);
  if (createdByUs) {
    if (!live) return 'reverted';
    if (op.liveAfter && !agreesAt(mergePatchBetween({}, ownedParts(op.liveAfter)), ownedParts(live), ownedParts(op.liveAfter))) {
      if (!(await conflict(op, live, `${where} was changed after ambient-migrate created it`, deps))) return 'skipped';
    }
    try {
      await client.delete(kind, t.namespace, t.name, {...options, uid: live.metadata.uid});
    } catch (error) {
      if (!(error instanceof KubeError && error.kind === 'NotFound')) throw error;
    }
    return 'reverted';
  }

  if (o.action === 'delete') {
    const before = op.liveBefore;
    if (!before) return 'reverted';
    if (live) {
      if (agreesAt(mergePatchBetween({}, ownedParts(before)), ownedParts(live), ownedParts(before))) return 'reverted';
      if (!(await conflict(op, live, `${where} was re-created by someone else after ambient-migrate deleted it`, deps))) return 'skipped';
      await client.delete(kind, t.namespace, t.name, {...options, uid: live.metadata.uid});
    }
    try {
      await client.create(kind, before, options);
    } catch (error) {
      if (!(error instanceof KubeError && error.kind === 'AlreadyExists')) throw error;
    }
    return 'reverted';
  }

  // update, label, or a create over an object that already existed: restore the fields the plan changed.
  const before = op.liveBefore ?? o.before;
  const after = op.liveAfter ?? o.after;
  const changed = mergePatchBetween(ownedParts(o.before ?? before), ownedParts(o.after ?? after));
  // A step that never completed (failed, or cut off before its journal entry) and whose change is not in
  // the cluster left nothing of ours to undo: what is there is someone else's, and stays. Calling it a
  // conflict ("changed after ambient-migrate changed it") was wrong, and the skip kept the namespace from
  // ever reaching `reverted`, so the next apply resumed the stale plan instead of planning afresh.
  const landed = live ? agreesAt(changed, ownedParts(live), ownedParts(after)) : false;
  if (op.status !== 'done' && !landed) return 'reverted';
  // A pod gone since (replaced by its controller, or finished) has nothing left to put back.
  if (!live && t.kind === 'Pod') return 'reverted';
  if (!live) {
    if (!(await conflict(op, undefined, `${where} was deleted by someone else after ambient-migrate changed it`, deps))) return 'skipped';
    if (before) await client.create(kind, before, options);
    return 'reverted';
  }
  if (agreesAt(changed, ownedParts(live), ownedParts(before))) return 'reverted';
  if (!agreesAt(changed, ownedParts(live), ownedParts(after))) {
    if (!(await conflict(op, live, `${where} was changed by someone else after ambient-migrate changed it`, deps))) return 'skipped';
  }
  const restore = mergePatchBetween(project(ownedParts(live), changed), project(ownedParts(before), changed));
  const body = {...(restore as object), metadata: {...((restore as {metadata?: object}).metadata ?? {}), resourceVersion: live.metadata.resourceVersion}};
  await client.patch(kind, t.namespace, t.name, body, 'merge', options);
  return 'reverted';
}

