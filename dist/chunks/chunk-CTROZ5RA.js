import {
  ApplyStopped,
  FIELD_MANAGER,
  RESTARTED_AT,
  agreesAt,
  explain,
  kindRefOf,
  mergePatchBetween,
  ownedParts,
  restartStamp,
  waitForRollout,
  withRetries
} from "./chunk-PY7GAIW3.js";
import {
  KubeError
} from "./chunk-KOEXQVHC.js";

// source/core/apply/revert.ts
var REVERT_STEP_ORDER = ["cleanup", "remove-injection", "restart", "enroll", "use-waypoint", "policies", "waypoint"];
function revertOrder(record) {
  const touched = record.operations.filter((r) => r.status === "done" || r.status === "started" || r.status === "failed");
  const position = new Map(record.operations.map((r, i) => [r, i]));
  return touched.sort(
    (a, b) => REVERT_STEP_ORDER.indexOf(a.operation.step) - REVERT_STEP_ORDER.indexOf(b.operation.step) || position.get(b) - position.get(a)
  );
}
function project(source, shape) {
  if (!shape || typeof shape !== "object" || Array.isArray(shape)) return source;
  const out = {};
  for (const key of Object.keys(shape)) {
    const value = source && typeof source === "object" ? source[key] : void 0;
    const projected = project(value, shape[key]);
    if (projected !== void 0) out[key] = projected;
  }
  return out;
}
async function revertNamespace(state, namespace, deps) {
  const record = state.namespaces[namespace];
  if (!record) throw new ApplyStopped(`namespace ${namespace} has nothing recorded in the state file`, namespace);
  const outcome = { reverted: 0, skipped: [] };
  record.status = "reverting";
  await save(state, deps);
  const order = revertOrder(record);
  for (const [index, op] of order.entries()) {
    if (deps.stopRequested?.()) throw new ApplyStopped("stopped at your request; run revert again to continue", namespace, op.operation.id);
    deps.report?.({ type: "operation-started", namespace, record: op, index, total: order.length });
    try {
      const result = await withRetries(deps, namespace, op.operation, () => revertOne(op, deps));
      if (result === "skipped") {
        outcome.skipped.push({ operationId: op.operation.id, reason: op.error ?? "changed by someone else" });
      } else {
        op.status = "reverted";
        op.revertedAt = deps.now().toISOString();
        delete op.error;
        outcome.reverted++;
      }
      await save(state, deps);
      deps.report?.({ type: "operation-done", namespace, record: op, index, total: order.length, alreadyDone: result === "skipped" });
    } catch (error) {
      op.error = `revert failed: ${explain(error, op.operation, "revert")}`;
      await save(state, deps);
      throw new ApplyStopped(op.error, namespace, op.operation.id);
    }
  }
  if (outcome.skipped.length === 0) {
    record.status = "reverted";
    for (const op of record.operations) if (op.status === "pending" || op.status === "skipped") op.status = "reverted";
  }
  await save(state, deps);
  return outcome;
}
async function save(state, deps) {
  state.updatedAt = deps.now().toISOString();
  await deps.persist(state);
}
async function conflict(op, live, why, deps) {
  const choice = deps.onConflict ? await deps.onConflict(op, live, why) : "skip";
  if (choice === "skip") op.error = `revert skipped: ${why}`;
  return choice === "overwrite";
}
async function revertOne(op, deps) {
  const { client } = deps;
  const o = op.operation;
  const t = o.target;
  const kind = kindRefOf(t);
  const options = { fieldManager: FIELD_MANAGER, dryRun: deps.dryRun };
  const live = await client.get(kind, t.namespace, t.name);
  const where = `${t.kind} ${t.namespace ? `${t.namespace}/` : ""}${t.name}`;
  if (o.action === "restart") {
    if (!live) return "reverted";
    const at = restartStamp(deps.now(), live.spec?.template?.metadata?.annotations?.[RESTARTED_AT]);
    await client.patch(kind, t.namespace, t.name, { spec: { template: { metadata: { annotations: { [RESTARTED_AT]: at } } } } }, "strategic", options);
    if (!deps.dryRun) await waitForRollout(client, kind, t.namespace, t.name, deps);
    return "reverted";
  }
  const createdByUs = o.action === "create" && (op.liveBefore === null || op.liveBefore === void 0);
  if (createdByUs) {
    if (!live) return "reverted";
    if (op.liveAfter && !agreesAt(mergePatchBetween({}, ownedParts(op.liveAfter)), ownedParts(live), ownedParts(op.liveAfter))) {
      if (!await conflict(op, live, `${where} was changed after ambient-migrate created it`, deps)) return "skipped";
    }
    try {
      await client.delete(kind, t.namespace, t.name, { ...options, uid: live.metadata.uid });
    } catch (error) {
      if (!(error instanceof KubeError && error.kind === "NotFound")) throw error;
    }
    return "reverted";
  }
  if (o.action === "delete") {
    const before2 = op.liveBefore;
    if (!before2) return "reverted";
    if (live) {
      if (agreesAt(mergePatchBetween({}, ownedParts(before2)), ownedParts(live), ownedParts(before2))) return "reverted";
      if (!await conflict(op, live, `${where} was re-created by someone else after ambient-migrate deleted it`, deps)) return "skipped";
      await client.delete(kind, t.namespace, t.name, { ...options, uid: live.metadata.uid });
    }
    try {
      await client.create(kind, before2, options);
    } catch (error) {
      if (!(error instanceof KubeError && error.kind === "AlreadyExists")) throw error;
    }
    return "reverted";
  }
  const before = op.liveBefore ?? o.before;
  const after = op.liveAfter ?? o.after;
  const changed = mergePatchBetween(ownedParts(o.before ?? before), ownedParts(o.after ?? after));
  const landed = live ? agreesAt(changed, ownedParts(live), ownedParts(after)) : false;
  if (op.status !== "done" && !landed) return "reverted";
  if (!live && t.kind === "Pod") return "reverted";
  if (!live) {
    if (!await conflict(op, void 0, `${where} was deleted by someone else after ambient-migrate changed it`, deps)) return "skipped";
    if (before) await client.create(kind, before, options);
    return "reverted";
  }
  if (agreesAt(changed, ownedParts(live), ownedParts(before))) return "reverted";
  if (!agreesAt(changed, ownedParts(live), ownedParts(after))) {
    if (!await conflict(op, live, `${where} was changed by someone else after ambient-migrate changed it`, deps)) return "skipped";
  }
  const restore = mergePatchBetween(project(ownedParts(live), changed), project(ownedParts(before), changed));
  const body = { ...restore, metadata: { ...restore.metadata ?? {}, resourceVersion: live.metadata.resourceVersion } };
  await client.patch(kind, t.namespace, t.name, body, "merge", options);
  return "reverted";
}

export {
  revertOrder,
  revertNamespace
};
