import {
  userView
} from "./chunk-ISJ5NZQH.js";
import {
  MANAGED_BY,
  hasSidecar,
  isAmbientPod,
  isLive,
  isMeshInfrastructure,
  selects
} from "./chunk-VOHJU6GF.js";
import {
  clusterIdentity,
  ensureWorkdir,
  sameCluster,
  writePrivateFile
} from "./chunk-BHLIGX4B.js";
import {
  KINDS
} from "./chunk-MSTYNHIA.js";
import {
  openCluster
} from "./chunk-PDGQ4KIV.js";
import {
  KubeError,
  UserFacingError
} from "./chunk-KOEXQVHC.js";

// source/core/apply/diff.ts
import { isDeepStrictEqual } from "node:util";
function mergePatchBetween(from, to) {
  if (!isObject(from) || !isObject(to)) return structuredClone(to);
  const patch = {};
  for (const key of /* @__PURE__ */ new Set([...Object.keys(from), ...Object.keys(to)])) {
    if (!(key in to)) patch[key] = null;
    else if (!(key in from)) patch[key] = structuredClone(to[key]);
    else if (!isDeepStrictEqual(from[key], to[key])) patch[key] = mergePatchBetween(from[key], to[key]);
  }
  return patch;
}
function ownedParts(object) {
  if (!object) return null;
  const { metadata, status: _status, apiVersion: _a, kind: _k, ...body } = object;
  return { metadata: { labels: metadata.labels ?? {}, annotations: withoutVolatile(metadata.annotations) }, ...body };
}
function withoutVolatile(annotations) {
  const out = { ...annotations ?? {} };
  delete out["kubectl.kubernetes.io/last-applied-configuration"];
  delete out["deployment.kubernetes.io/revision"];
  return out;
}
function agreesAt(patch, live, expected) {
  if (!isObject(patch)) return isDeepStrictEqual(normalise(live), normalise(expected));
  for (const key of Object.keys(patch)) {
    const l = isObject(live) ? live[key] : void 0;
    const e = isObject(expected) ? expected[key] : void 0;
    if (!agreesAt(patch[key], l, e)) return false;
  }
  return true;
}
function differencesAt(patch, live, expected, at = []) {
  if (!isObject(patch)) {
    if (isDeepStrictEqual(normalise(live), normalise(expected))) return [];
    return [`${describePath(at)} is ${show(live)} (the plan expected ${show(expected)})`];
  }
  return Object.keys(patch).flatMap(
    (key) => differencesAt(patch[key], isObject(live) ? live[key] : void 0, isObject(expected) ? expected[key] : void 0, [...at, key])
  );
}
function describePath(at) {
  if (at[0] === "metadata" && at[1] === "labels" && at.length === 3) return `label ${at[2]}`;
  if (at[0] === "metadata" && at[1] === "annotations" && at.length === 3) return `annotation ${at[2]}`;
  return at.join(".");
}
function show(value) {
  const v = normalise(value);
  if (v === void 0) return "unset";
  const text = JSON.stringify(v);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
function normalise(value) {
  if (value === null) return void 0;
  if (isObject(value) && Object.keys(value).length === 0) return void 0;
  return value;
}
function isObject(value) {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

// source/core/apply/verify.ts
function remedyFor(pod) {
  const owner = (pod.metadata.ownerReferences ?? []).find((r) => r.controller);
  const name = pod.metadata.name;
  if (!owner) return `${name} (no controller): delete it and create it again`;
  if (owner.kind === "Job") return `${name} (Job ${owner.name}): wait for it to finish, or delete the pod`;
  if (owner.kind === "ReplicaSet") return `${name} (ReplicaSet ${owner.name.replace(/-[a-z0-9]{5,10}$/, "")}): kubectl rollout restart the workload, or delete the pod`;
  return `${name} (${owner.kind} ${owner.name}): restart it (kubectl -n ${pod.metadata.namespace} rollout restart ${owner.kind.toLowerCase()}/${owner.name}), or delete the pod`;
}
function hasProxyContainer(pod) {
  return [...pod.spec?.containers ?? [], ...pod.spec?.initContainers ?? []].some((c) => c.name === "istio-proxy");
}
async function verifyNamespace(client, namespace) {
  const pods = (await client.list(KINDS.pod, { namespace })).filter((p) => !isMeshInfrastructure(p) && isLive(p));
  const inMesh = pods.filter((p) => p.metadata.labels?.["istio.io/dataplane-mode"] !== "none");
  const sidecarPods = inMesh.filter(hasProxyContainer);
  const withSidecar = sidecarPods.map((p) => p.metadata.name);
  const notRedirected = inMesh.filter((p) => !hasProxyContainer(p) && !isAmbientPod(p)).map((p) => p.metadata.name);
  const ok = withSidecar.length === 0 && notRedirected.length === 0;
  const parts = [];
  if (sidecarPods.length) parts.push(`${sidecarPods.length} pod${sidecarPods.length === 1 ? "" : "s"} still run${sidecarPods.length === 1 ? "s" : ""} a sidecar: ${sidecarPods.slice(0, 5).map(remedyFor).join("; ")}${sidecarPods.length > 5 ? "; \u2026" : ""}`);
  if (notRedirected.length) parts.push(`${notRedirected.length} pod${notRedirected.length === 1 ? " is" : "s are"} not redirected by ztunnel (no ambient.istio.io/redirection=enabled): ${notRedirected.slice(0, 3).join(", ")}${notRedirected.length > 3 ? ", \u2026" : ""}; check istio-cni on their nodes`);
  const message = ok ? `verified: all ${inMesh.length} pods run without a sidecar and are redirected by ztunnel` : `not yet ambient: ${parts.join(". ")}. Then run apply again to check`;
  return { ok, withSidecar, notRedirected, message };
}

// source/core/apply/wait.ts
function rolloutComplete(workload) {
  const spec = workload.spec ?? {};
  const status = workload.status ?? {};
  if ((status.observedGeneration ?? 0) < (workload.metadata.generation ?? 0)) return false;
  switch (workload.kind) {
    case "Deployment": {
      const replicas = spec.replicas ?? 1;
      return (status.updatedReplicas ?? 0) >= replicas && (status.replicas ?? 0) <= replicas && (status.availableReplicas ?? 0) >= replicas;
    }
    case "StatefulSet": {
      const replicas = spec.replicas ?? 1;
      return (status.updatedReplicas ?? 0) >= replicas && (status.readyReplicas ?? 0) >= replicas && status.currentRevision === status.updateRevision;
    }
    case "DaemonSet":
      return (status.updatedNumberScheduled ?? 0) >= (status.desiredNumberScheduled ?? 0) && (status.numberAvailable ?? 0) >= (status.desiredNumberScheduled ?? 0);
    default:
      return true;
  }
}
async function poll(what, timeoutMs, deps, check, lookAt) {
  const deadline = deps.now().getTime() + timeoutMs;
  for (; ; ) {
    if (await check()) return;
    if (deps.now().getTime() >= deadline) {
      throw new Error(`${what} did not finish within ${Math.max(1, Math.round(timeoutMs / 1e3))}s: see why with '${lookAt}', and once it has, run the same command again to continue from here`);
    }
    await deps.sleep(deps.pollMs ?? 500);
  }
}
async function waitForRollout(client, kind, namespace, name, deps) {
  await poll(`the rollout of ${kind.kind} ${namespace}/${name}`, deps.rolloutTimeoutMs ?? 3e5, deps, async () => {
    const live = await client.get(kind, namespace, name);
    return !live || rolloutComplete(live);
  }, `kubectl -n ${namespace} rollout status ${kind.kind.toLowerCase()}/${name}`);
}
async function waitForWaypoint(client, namespace, name, deps) {
  await poll(`waypoint ${namespace}/${name} becoming Programmed`, deps.waypointTimeoutMs ?? 9e4, deps, async () => {
    const gateway = await client.get(KINDS.gateway, namespace, name);
    return (gateway?.status?.conditions ?? []).some((c) => c.type === "Programmed" && c.status === "True");
  }, `kubectl -n ${namespace} get gateways.gateway.networking.k8s.io ${name} -o yaml`);
}

// source/core/apply/execute.ts
var FIELD_MANAGER = "ambient-migrate";
var RESTARTED_AT = "kubectl.kubernetes.io/restartedAt";
var ApplyStopped = class extends Error {
  constructor(message, namespace, operationId) {
    super(message);
    this.namespace = namespace;
    this.operationId = operationId;
    this.name = "ApplyStopped";
  }
  namespace;
  operationId;
};
function kindRefOf(target) {
  const match = Object.values(KINDS).find((k) => k.kind === target.kind && (k.group ? `${k.group}/${k.version}` : k.version) === target.apiVersion) ?? Object.values(KINDS).find((k) => k.kind === target.kind && target.apiVersion.startsWith(k.group ? `${k.group}/` : "v"));
  if (!match) throw new Error(`no kind known for ${target.apiVersion} ${target.kind}`);
  return match;
}
async function applyNamespace(state, namespace, deps) {
  const record = state.namespaces[namespace];
  if (!record) throw new ApplyStopped(`namespace ${namespace} has no plan in the state file`, namespace);
  if (!deps.dryRun) {
    record.status = "applying";
    await save(state, deps);
  }
  const total = record.operations.length;
  for (const [index, op] of record.operations.entries()) {
    if (op.status === "done" || op.status === "skipped") continue;
    if (deps.stopRequested?.()) throw new ApplyStopped("stopped at your request; run apply again to continue from here", namespace, op.operation.id);
    deps.report?.({ type: "operation-started", namespace, record: op, index, total });
    try {
      const alreadyDone = await runOperation(state, record, op, deps);
      deps.report?.({ type: "operation-done", namespace, record: op, index, total, alreadyDone });
    } catch (error) {
      const message = explain(error, op.operation);
      if (!deps.dryRun) {
        op.status = "failed";
        op.error = message;
        record.status = "failed";
        await save(state, deps);
      }
      throw new ApplyStopped(message, namespace, op.operation.id);
    }
  }
  if (!deps.dryRun) {
    record.status = "done";
    await save(state, deps);
  }
}
async function save(state, deps) {
  state.updatedAt = deps.now().toISOString();
  await deps.persist(state);
}
async function runOperation(state, ns, op, deps) {
  const { client } = deps;
  const target = op.operation.target;
  const kind = kindRefOf(target);
  const live = await client.get(kind, target.namespace, target.name);
  if (!deps.dryRun) {
    if (op.liveBefore === void 0) op.liveBefore = live ? userView(live) : null;
    op.status = "started";
    op.startedAt ??= deps.now().toISOString();
    await save(state, deps);
  }
  const alreadyDone = await withRetries(deps, ns.name, op.operation, () => perform(state, op, kind, deps));
  if (!deps.dryRun) {
    const after = await client.get(kind, target.namespace, target.name);
    op.liveAfter = after ? userView(after) : null;
    op.status = "done";
    op.finishedAt = deps.now().toISOString();
    delete op.error;
    await save(state, deps);
  }
  return alreadyDone;
}
async function perform(state, record, kind, deps) {
  const { client } = deps;
  const op = record.operation;
  const t = op.target;
  const options = { fieldManager: FIELD_MANAGER, dryRun: deps.dryRun };
  const live = await client.get(kind, t.namespace, t.name);
  switch (op.action) {
    case "create": {
      const desired = op.after;
      if (live) {
        if (isOurs(live)) return finishCreate(op, deps, true);
        throw new ApplyStopped(`${t.kind} ${t.namespace}/${t.name} already exists and was not made by ambient-migrate: rename or remove it, then run apply again`, op.namespace, op.id);
      }
      await client.create(kind, desired, options);
      return finishCreate(op, deps, false);
    }
    case "update":
    case "label": {
      if (!live && t.kind === "Pod") return true;
      if (!live) throw new ApplyStopped(`${t.kind} ${t.namespace ? `${t.namespace}/` : ""}${t.name} no longer exists. ${replan(op.namespace)}`, op.namespace, op.id);
      const patch = mergePatchBetween(ownedParts(op.before), ownedParts(op.after));
      if (agreesAt(patch, ownedParts(live), ownedParts(op.after))) return true;
      if (!agreesAt(patch, ownedParts(live), ownedParts(op.before))) {
        const what = differencesAt(patch, ownedParts(live), ownedParts(op.before)).join("; ");
        throw new ApplyStopped(
          `${t.kind} ${t.namespace ? `${t.namespace}/` : ""}${t.name} was changed by someone else since the plan: ${what}. Nothing was written to it. Either put it back and run apply again, or ${replan(op.namespace).replace(/^T/, "t")}`,
          op.namespace,
          op.id
        );
      }
      const body = { ...patch, metadata: { ...patch.metadata ?? {}, resourceVersion: live.metadata.resourceVersion } };
      await client.patch(kind, t.namespace, t.name, body, "merge", options);
      return false;
    }
    case "delete": {
      if (!live) return true;
      if (!deps.dryRun) await refuseWhileSidecarsEnforce(op, client);
      const expected = ownedParts(op.before);
      const patch = mergePatchBetween({}, expected);
      const first = deps.dryRun ? ownedParts(firstBefore(state, op)) : expected;
      if (!agreesAt(patch, ownedParts(live), expected) && !(deps.dryRun && agreesAt(mergePatchBetween({}, first), ownedParts(live), first))) {
        const what = differencesAt(patch, ownedParts(live), expected).join("; ");
        throw new ApplyStopped(`${t.kind} ${t.namespace}/${t.name} was changed by someone else since the plan (${what}); it is not deleted so that the change is not lost. ${replan(op.namespace)}`, op.namespace, op.id);
      }
      try {
        await client.delete(kind, t.namespace, t.name, { ...options, uid: live.metadata.uid, resourceVersion: live.metadata.resourceVersion });
      } catch (error) {
        if (error instanceof KubeError && error.kind === "NotFound") return true;
        throw error;
      }
      return false;
    }
    case "restart": {
      if (!live) throw new ApplyStopped(`${t.kind} ${t.namespace}/${t.name} no longer exists. ${replan(op.namespace)}`, op.namespace, op.id);
      const current = live.spec?.template?.metadata?.annotations?.[RESTARTED_AT];
      const landed = record.restartedAt !== void 0 && current === record.restartedAt;
      if (!landed) {
        const at = restartStamp(deps.now(), current);
        if (!deps.dryRun) {
          record.restartedAt = at;
          await save(state, deps);
        }
        await client.patch(kind, t.namespace, t.name, { spec: { template: { metadata: { annotations: { [RESTARTED_AT]: at } } } } }, "strategic", options);
      }
      if (!deps.dryRun) {
        deps.report?.({ type: "waiting", namespace: op.namespace, what: `rollout of ${t.kind} ${t.name}` });
        await waitForRollout(client, kind, t.namespace, t.name, deps);
      }
      return landed;
    }
  }
}
function firstBefore(state, op) {
  const record = state.namespaces[op.namespace];
  const t = op.target;
  const first = record?.operations.find((r) => r.operation.target.kind === t.kind && r.operation.target.namespace === t.namespace && r.operation.target.name === t.name);
  return first?.operation.before ?? op.before;
}
var SIDECAR_ENFORCED = /* @__PURE__ */ new Set(["AuthorizationPolicy", "RequestAuthentication", "WasmPlugin"]);
async function refuseWhileSidecarsEnforce(op, client) {
  if (op.step !== "cleanup" || !SIDECAR_ENFORCED.has(op.target.kind) || !op.before || !op.target.namespace) return;
  const selector = op.before.spec?.selector?.matchLabels;
  const pods = await client.list(KINDS.pod, { namespace: op.target.namespace });
  const enforcing = pods.filter((p) => isLive(p) && hasSidecar(p) && !isMeshInfrastructure(p) && (!selector || selects(selector, p.metadata.labels)));
  if (enforcing.length === 0) return;
  const t = op.target;
  throw new ApplyStopped(
    `${t.kind} ${t.namespace}/${t.name} is not deleted yet: ${enforcing.length} pod${enforcing.length === 1 ? "" : "s"} it selects still run${enforcing.length === 1 ? "s" : ""} a sidecar, which enforces it (the waypoint copy does not reach ${enforcing.length === 1 ? "it" : "them"}): ${enforcing.slice(0, 5).map(remedyFor).join("; ")}${enforcing.length > 5 ? "; \u2026" : ""}. Then run apply again`,
    op.namespace,
    op.id
  );
}
function replan(namespace) {
  return `To plan afresh, revert the namespace (ambient-migrate revert -n ${namespace}) and run apply again`;
}
function restartStamp(now, current) {
  const seconds = now.toISOString().replace(/\.\d+Z$/, "Z");
  if (seconds !== current) return seconds;
  const millis = now.toISOString();
  return millis !== current ? millis : new Date(now.getTime() + 1).toISOString();
}
async function finishCreate(op, deps, existed) {
  if (op.target.kind === "Gateway" && op.after?.spec?.gatewayClassName === "istio-waypoint" && !deps.dryRun) {
    deps.report?.({ type: "waiting", namespace: op.namespace, what: `waypoint ${op.target.name} to be Programmed` });
    await waitForWaypoint(deps.client, op.target.namespace, op.target.name, deps);
  }
  return existed;
}
function isOurs(live) {
  return live.metadata.labels?.["app.kubernetes.io/managed-by"] === MANAGED_BY["app.kubernetes.io/managed-by"];
}
async function withRetries(deps, namespace, op, attempt) {
  const max = deps.attempts ?? 5;
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (error) {
      const retriable = error instanceof KubeError && (error.transient || error.kind === "Conflict" || error.kind === "AlreadyExists");
      if (!retriable || n >= max) throw error;
      deps.report?.({ type: "retrying", namespace, what: `${op.action} ${op.target.kind} ${op.target.name}: ${error.message}`, attempt: n });
      const wait = error.details.retryAfterSeconds !== void 0 ? Math.min(error.details.retryAfterSeconds, 30) * 1e3 : Math.min(200 * 2 ** (n - 1), 5e3);
      await deps.sleep(wait);
    }
  }
}
function explain(error, op, command = "apply") {
  const target = `${op.target.kind} ${op.target.namespace ? `${op.target.namespace}/` : ""}${op.target.name}`;
  const what = command === "revert" ? `undoing ${op.action} ${target}` : `${op.action} ${target}`;
  if (error instanceof ApplyStopped) return error.message;
  if (error instanceof KubeError) {
    const d = error.details;
    switch (error.kind) {
      case "Forbidden":
        return `${what} is not allowed: ${error.message}. Grant ${d.verb ?? op.action} on ${d.resource ?? op.target.kind.toLowerCase()}${d.group ? `.${d.group}` : ""}${d.namespace ? ` in namespace ${d.namespace}` : ""} to your user (see the RBAC section of the README), then run ${command} again`;
      case "Invalid":
        return `${what} was rejected by the API server: ${error.message}`;
      case "Conflict":
        return `${what} kept conflicting with other writers: ${error.message}. Run ${command} again`;
      default:
        return `${what} failed: ${error.message}. The state file records where it stopped; run ${command} again to continue`;
    }
  }
  return `${what} failed: ${error instanceof Error ? error.message : String(error)}`;
}

// source/core/state/state.ts
var STATE_SCHEMA_VERSION = 1;
function newState(cluster, now) {
  const at = now.toISOString();
  return { schemaVersion: STATE_SCHEMA_VERSION, tool: "ambient-migrate", cluster, createdAt: at, updatedAt: at, namespaces: {} };
}
function parseState(text) {
  let parsed;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return { kind: "corrupt", message: `it is not valid JSON (${error.message})` };
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) return { kind: "corrupt", message: "it is not a JSON object" };
  const doc = parsed;
  if (doc.tool !== "ambient-migrate") return { kind: "corrupt", message: 'it was not written by ambient-migrate (no "tool": "ambient-migrate")' };
  if (doc.schemaVersion !== STATE_SCHEMA_VERSION) {
    return { kind: "unknown-version", version: doc.schemaVersion, message: `it has schema version ${JSON.stringify(doc.schemaVersion)}, and this ambient-migrate reads version ${STATE_SCHEMA_VERSION}` };
  }
  const shapeError = checkShape(doc);
  if (shapeError) return { kind: "corrupt", message: shapeError };
  return doc;
}
function checkShape(doc) {
  if (!doc.cluster || typeof doc.cluster.server !== "string" || typeof doc.cluster.kubeSystemUid !== "string") return 'its "cluster" is missing or incomplete';
  if (!doc.namespaces || typeof doc.namespaces !== "object") return 'its "namespaces" is missing';
  for (const [name, ns] of Object.entries(doc.namespaces)) {
    if (!ns || ns.name !== name || !Array.isArray(ns.operations)) return `namespace "${name}" is malformed`;
    for (const [i, record] of ns.operations.entries()) {
      if (!record?.operation?.id || !record.status) return `operation ${i} of namespace "${name}" is malformed`;
    }
  }
  return void 0;
}
function isProblem(value) {
  return "kind" in value && !("schemaVersion" in value);
}
function recordPlan(state, namespace, operations, now) {
  const existing = state.namespaces[namespace];
  if (existing && existing.operations.some((r) => r.status === "started" || r.status === "done" || r.status === "failed")) return existing;
  const record = {
    name: namespace,
    status: "planned",
    plannedAt: now.toISOString(),
    operations: operations.map((operation) => ({ operation, status: "pending" }))
  };
  state.namespaces[namespace] = record;
  return record;
}
function progress(record) {
  const total = record.operations.length;
  const done = record.operations.filter((r) => r.status === "done" || r.status === "skipped").length;
  const current = record.operations.find((r) => r.status !== "done" && r.status !== "skipped" && r.status !== "reverted");
  return { done, total, current };
}

// source/app/state-store.ts
import { closeSync, existsSync, openSync, readdirSync, readFileSync, unlinkSync, writeSync } from "node:fs";
import os from "node:os";
import path from "node:path";
var STATE_FILE = "state.json";
var LOCK_FILE = "state.lock";
function statePath(workdir) {
  return path.join(workdir, STATE_FILE);
}
function loadState(workdir, identity, now) {
  const file = statePath(workdir);
  if (!existsSync(file)) return { state: newState(identity, now), existed: false };
  let text;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new UserFacingError(`cannot read the state file ${file}: ${error.message}`);
  }
  const parsed = parseState(text);
  if (isProblem(parsed)) {
    const advice = parsed.kind === "unknown-version" ? "use the ambient-migrate version that wrote it, or a newer one" : "it is left untouched; move it away to start over, or restore it from a copy";
    throw new UserFacingError(`the state file ${file} cannot be used: ${parsed.message}; ${advice}`);
  }
  if (!sameCluster(parsed.cluster, identity)) {
    throw new UserFacingError(
      `the state file ${file} belongs to another cluster (context "${parsed.cluster.context}", ${parsed.cluster.server}), not this one (context "${identity.context}", ${identity.server}): use another --workdir for this cluster, or --context for that one`
    );
  }
  return { state: parsed, existed: true };
}
async function saveState(workdir, state) {
  await writePrivateFile(statePath(workdir), `${JSON.stringify(state, null, 2)}
`);
}
function removeStaleTempFiles(workdir) {
  const prefix = `.${STATE_FILE}.`;
  const removed = [];
  for (const name of readdirSync(workdir)) {
    if (!name.startsWith(prefix) || !name.endsWith(".tmp")) continue;
    try {
      unlinkSync(path.join(workdir, name));
      removed.push(name);
    } catch {
    }
  }
  return removed;
}
function processAlive(pid) {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return error.code === "EPERM";
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return true;
  }
}
function acquireLock(workdir, command, notify) {
  const file = path.join(workdir, LOCK_FILE);
  const info = { pid: process.pid, hostname: os.hostname(), command, startedAt: (/* @__PURE__ */ new Date()).toISOString() };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, "wx", 384);
      writeSync(fd, JSON.stringify(info));
      closeSync(fd);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        try {
          const current = JSON.parse(readFileSync(file, "utf8"));
          if (current.pid === process.pid) unlinkSync(file);
        } catch {
        }
      };
    } catch (error) {
      if (error.code !== "EEXIST") throw new UserFacingError(`cannot lock ${file}: ${error.message}`);
    }
    let holder;
    try {
      holder = JSON.parse(readFileSync(file, "utf8"));
    } catch {
      holder = void 0;
    }
    if (holder && holder.hostname === os.hostname() && !processAlive(holder.pid)) {
      notify(`taking over the lock left by ambient-migrate ${holder.command} (pid ${holder.pid}, started ${holder.startedAt}), which is no longer running`);
      unlinkSync(file);
      continue;
    }
    const who = holder ? `ambient-migrate ${holder.command} (pid ${holder.pid} on ${holder.hostname}, since ${holder.startedAt})` : "another run (its lock file cannot be read)";
    throw new UserFacingError(`the workdir ${workdir} is in use by ${who}: wait for it to finish, or if it is gone, remove ${file}`);
  }
  throw new UserFacingError(`cannot lock ${file}`);
}

// source/app/migration-session.ts
async function openMigrationSession(flags, command, notify, options = {}) {
  const connection = await openCluster(flags, { controllerDelayMs: options.controllerDelayMs });
  let release = () => {
  };
  try {
    const version = await connection.client.version();
    const kubeSystem = await connection.client.get(KINDS.namespace, void 0, "kube-system");
    const identity = clusterIdentity(connection.client.endpoint, kubeSystem ? [kubeSystem] : []);
    ensureWorkdir(flags.workdir);
    if (options.lock !== false) {
      release = acquireLock(flags.workdir, command, notify);
      removeStaleTempFiles(flags.workdir);
    }
    const { state, existed } = loadState(flags.workdir, identity, /* @__PURE__ */ new Date());
    const onExit = () => release();
    process.once("exit", onExit);
    return {
      connection,
      identity,
      kubernetesVersion: version.gitVersion,
      workdir: flags.workdir,
      state,
      stateExisted: existed,
      save: (s) => saveState(flags.workdir, s),
      close: async () => {
        process.removeListener("exit", onExit);
        release();
        await connection.close();
      }
    };
  } catch (error) {
    release();
    await connection.close();
    throw error;
  }
}

export {
  mergePatchBetween,
  ownedParts,
  agreesAt,
  verifyNamespace,
  waitForRollout,
  FIELD_MANAGER,
  RESTARTED_AT,
  ApplyStopped,
  kindRefOf,
  applyNamespace,
  restartStamp,
  withRetries,
  explain,
  newState,
  recordPlan,
  progress,
  statePath,
  openMigrationSession
};
