import {
  derivedName,
  operation,
  targetOf
} from "./chunk-ISJ5NZQH.js";
import {
  FINDINGS,
  analyzeAuthorizationPolicy,
  analyzeVirtualService,
  attachmentOf,
  auditContext,
  exemptWaypoint,
  hasTargetRefs,
  hasWaypointClassPolicy,
  makeFinding,
  namespaceRevision,
  parseServiceHost,
  waypointGateway,
  waypointIdentity,
  waypointIdentityEffect,
  waypointRef,
  withoutCallerConditions
} from "./chunk-GZO3AIBA.js";
import {
  DATAPLANE_LABEL,
  INJECTION_LABEL,
  MANAGED_BY,
  REVISION_LABEL,
  SOURCE_ANNOTATION,
  STEPS,
  WAYPOINT_MANAGED_LABEL,
  WAYPOINT_NAME,
  buildContext,
  byCodeUnits,
  describe,
  hasSidecar,
  isFinished,
  isInfrastructureWorkload,
  isLive,
  isMeshInfrastructure,
  refOf,
  selects,
  selectsApplicationPods
} from "./chunk-VOHJU6GF.js";

// source/core/plan/attachment.ts
function podTemplateUnits(workloads, pods) {
  const units = workloads.filter((w) => !isInfrastructureWorkload(w)).map((w) => ({ owner: w, labels: w.spec?.template?.metadata?.labels ?? {} }));
  for (const pod of pods) {
    if ((pod.metadata.ownerReferences ?? []).some((r) => r.controller) || isMeshInfrastructure(pod)) continue;
    units.push({ owner: pod, labels: pod.metadata.labels ?? {} });
  }
  return units;
}
function attachmentFor(selector, units, services) {
  if (!selector || Object.keys(selector).length === 0) return { kind: "waypoint" };
  const name = (u) => `${u.owner.kind}/${u.owner.metadata.name}`;
  const selected = new Set(units.filter((u) => selects(selector, u.labels)).map(name));
  if (selected.size === 0) return { kind: "nothing" };
  const targets = [];
  const covered = /* @__PURE__ */ new Set();
  for (const service of [...services].sort((a, b) => byCodeUnits(a.metadata.name, b.metadata.name))) {
    const serviceSelector = service.spec?.selector;
    if (!serviceSelector || Object.keys(serviceSelector).length === 0) continue;
    const backing = units.filter((u) => selects(serviceSelector, u.labels)).map(name);
    if (backing.length === 0) continue;
    const inside = backing.filter((b) => selected.has(b));
    if (inside.length === 0) continue;
    if (inside.length < backing.length) {
      return { kind: "part-of-service", service: service.metadata.name, selected: inside, missed: backing.filter((b) => !selected.has(b)) };
    }
    targets.push(service.metadata.name);
    for (const b of backing) covered.add(b);
  }
  if (targets.length === 0) return { kind: "unfronted", selected: [...selected].sort(byCodeUnits) };
  return { kind: "services", services: targets };
}

// source/core/plan/enablement.ts
var USE_WAYPOINT_LABEL = "istio.io/use-waypoint";
var INJECT_OVERRIDE = "sidecar.istio.io/inject";
function withLabels(namespace, change) {
  const labels = { ...namespace.metadata.labels ?? {} };
  for (const [k, v] of Object.entries(change)) {
    if (v === null) delete labels[k];
    else labels[k] = v;
  }
  return { ...namespace, metadata: { ...namespace.metadata, labels } };
}
function optsOut(meta) {
  return meta?.labels?.[INJECT_OVERRIDE] === "false" || meta?.annotations?.[INJECT_OVERRIDE] === "false";
}
var OUT_OF_MESH = { [DATAPLANE_LABEL]: "none" };
function keepOptedOutPodsOut(namespace, workloads, pods) {
  const ops = [];
  for (const workload of [...workloads].sort((a, b) => byCodeUnits(`${a.kind}/${a.metadata.name}`, `${b.kind}/${b.metadata.name}`))) {
    const template = workload.spec?.template?.metadata;
    if (!optsOut(template) || template?.labels?.[DATAPLANE_LABEL] === "none" || workload.metadata.labels?.[WAYPOINT_MANAGED_LABEL]) continue;
    const next = structuredClone(workload);
    next.spec.template.metadata.labels = { ...next.spec.template.metadata.labels ?? {}, ...OUT_OF_MESH };
    ops.push(operation(namespace, "enroll", "update", targetOf(workload), workload, next, `its pods opted out of the mesh (${INJECT_OVERRIDE}: "false"); ${DATAPLANE_LABEL}=none keeps them out of ambient mode too`));
  }
  for (const pod of [...pods].sort((a, b) => byCodeUnits(a.metadata.name, b.metadata.name))) {
    if (!isLive(pod) || hasSidecar(pod) || isMeshInfrastructure(pod) || pod.metadata.labels?.[DATAPLANE_LABEL] === "none") continue;
    if (!optsOut(pod.metadata)) continue;
    const next = { ...pod, metadata: { ...pod.metadata, labels: { ...pod.metadata.labels ?? {}, ...OUT_OF_MESH } } };
    ops.push(operation(namespace, "enroll", "label", targetOf(pod), pod, next, `it opted out of the mesh (${INJECT_OVERRIDE}: "false"); ${DATAPLANE_LABEL}=none keeps it out of ambient mode when the namespace is enrolled`));
  }
  return ops;
}
function planEnablement(input) {
  const ops = [];
  const name = input.namespace.metadata.name;
  let current = input.namespace;
  const label = (step, change, reason) => {
    const needed = Object.entries(change).some(([k, v]) => v === null ? k in (current.metadata.labels ?? {}) : current.metadata.labels?.[k] !== v);
    if (!needed) return;
    const next = withLabels(current, change);
    ops.push(operation(name, step, "label", targetOf(current), current, next, reason));
    current = next;
  };
  if (input.waypoint) label("use-waypoint", { [USE_WAYPOINT_LABEL]: WAYPOINT_NAME }, "send the namespace's Service traffic through its waypoint");
  ops.push(...keepOptedOutPodsOut(name, input.workloads, input.pods));
  label("enroll", { [DATAPLANE_LABEL]: "ambient" }, "enroll the namespace in ambient mode (pods with sidecars keep them until restarted)");
  label("remove-injection", { [INJECTION_LABEL]: null, [REVISION_LABEL]: null }, "stop injecting sidecars into new pods");
  const restart = [];
  for (const workload of [...input.workloads].sort((a, b) => byCodeUnits(`${a.kind}/${a.metadata.name}`, `${b.kind}/${b.metadata.name}`))) {
    if (workload.metadata.labels?.[WAYPOINT_MANAGED_LABEL]) continue;
    const template = workload.spec?.template?.metadata ?? {};
    const override = template.labels?.[INJECT_OVERRIDE] === "true" || template.annotations?.[INJECT_OVERRIDE] === "true" || Boolean(template.labels?.[REVISION_LABEL]);
    if (override && !template.annotations?.["inject.istio.io/templates"]?.includes("gateway")) {
      const next = structuredClone(workload);
      const meta = next.spec.template.metadata;
      if (meta.labels?.[INJECT_OVERRIDE] === "true") delete meta.labels[INJECT_OVERRIDE];
      if (meta.annotations?.[INJECT_OVERRIDE] === "true") delete meta.annotations[INJECT_OVERRIDE];
      if (meta.labels?.[REVISION_LABEL]) delete meta.labels[REVISION_LABEL];
      ops.push(operation(name, "remove-injection", "update", targetOf(workload), workload, next, "its pod template asks for a sidecar itself; the namespace label alone would not drop it"));
    }
    const selector = workload.spec?.selector?.matchLabels;
    const own = selector ? input.pods.filter((p) => selects(selector, p.metadata.labels)) : [];
    const live = own.filter(isLive);
    const runsSidecars = (live.length > 0 ? live : own).some((p) => hasSidecar(p) && !isMeshInfrastructure(p));
    if (runsSidecars) restart.push(workload);
  }
  for (const workload of restart) {
    ops.push(operation(name, "restart", "restart", targetOf(workload), null, null, "its pods run sidecars; new pods start without them, redirected by ztunnel"));
  }
  return ops;
}

// source/core/plan/policies.ts
var USE_WAYPOINT = "istio.io/use-waypoint";
var USE_WAYPOINT_NAMESPACE = "istio.io/use-waypoint-namespace";
function boundToOwnWaypoint(service, namespace) {
  const labels = service.metadata.labels ?? {};
  const name = labels[USE_WAYPOINT];
  if (name === void 0) return true;
  return name === WAYPOINT_NAME && (labels[USE_WAYPOINT_NAMESPACE] ?? namespace) === namespace;
}
function frontsSelected(service, units, selector) {
  const serviceSelector = service.spec?.selector;
  if (!serviceSelector || Object.keys(serviceSelector).length === 0) return false;
  return units.some((u) => selects(serviceSelector, u.labels) && (!selector || selects(selector, u.labels)));
}
function selectorOf(object) {
  return object.spec?.selector?.matchLabels;
}
var WAYPOINT_TARGET = "Gateway/waypoint";
var BEHAVIOUR_ANNOTATIONS = ["istio.io/dry-run"];
function waypointCopy(original, targetRefs, rules) {
  const spec = structuredClone(original.spec ?? {});
  delete spec.selector;
  delete spec.targetRef;
  spec.targetRefs = targetRefs;
  if (rules) spec.rules = structuredClone(rules);
  const kept = Object.fromEntries(BEHAVIOUR_ANNOTATIONS.filter((a) => original.metadata.annotations?.[a] !== void 0).map((a) => [a, original.metadata.annotations[a]]));
  return {
    apiVersion: original.apiVersion,
    kind: original.kind,
    metadata: {
      name: derivedName(original.metadata.name, "waypoint"),
      namespace: original.metadata.namespace,
      labels: { ...original.metadata.labels ?? {}, ...MANAGED_BY },
      annotations: { ...kept, [SOURCE_ANNOTATION]: `${original.kind}/${original.metadata.namespace}/${original.metadata.name}` }
    },
    spec
  };
}
function planPolicies(input) {
  const plan = { operations: [], replaced: [], findings: [] };
  const { namespace } = input;
  const copyToWaypoint = (original, why, rules, replaces = false) => {
    if (original.metadata.namespace === input.rootNamespace && !selectorOf(original)) {
      plan.findings.push(
        makeFinding(FINDINGS.meshWidePolicy, {
          message: `${describe(original)} applies to the whole mesh; its waypoint copy must target GatewayClass istio-waypoint from the root namespace, which a per-namespace plan does not do`,
          remedy: `create a copy of ${original.metadata.name} in ${input.rootNamespace} with targetRefs [{group: gateway.networking.k8s.io, kind: GatewayClass, name: istio-waypoint}]`,
          namespaces: [namespace],
          resource: refOf(original),
          scope: "mesh"
        })
      );
      return void 0;
    }
    const attachment = attachmentFor(selectorOf(original), input.units, input.services);
    if (attachment.kind === "nothing") {
      plan.findings.push(
        makeFinding(FINDINGS.policySelectsNothing, {
          message: `${describe(original)} selects no workload behind a Service; no waypoint copy is needed`,
          remedy: "nothing to do; delete it if it is stale",
          namespaces: [namespace],
          resource: refOf(original),
          scope: "workload"
        })
      );
      return void 0;
    }
    if (attachment.kind === "unfronted") {
      if (!replaces) return void 0;
      plan.findings.push(
        makeFinding(FINDINGS.policyPodsWithoutService, {
          message: `${describe(original)} selects ${attachment.selected.join(", ")}, which no Service fronts: their traffic never goes through the waypoint, and without sidecars nothing can enforce what only a waypoint can (ztunnel would ${(original.spec?.action ?? "ALLOW") === "ALLOW" && original.kind === "AuthorizationPolicy" ? "deny everything this ALLOW allows" : "ignore it"})`,
          remedy: `put those pods behind a Service (the copy then attaches to it), or give them a workload waypoint (istio.io/waypoint-for: workload), or leave ${namespace} in sidecar mode; then plan again`,
          namespaces: [namespace],
          resource: refOf(original),
          scope: "workload"
        })
      );
      return void 0;
    }
    if (attachment.kind === "part-of-service") {
      plan.findings.push(
        makeFinding(FINDINGS.policySelectsPartOfService, {
          message: `${describe(original)} selects ${attachment.selected.join(", ")} but not ${attachment.missed.join(", ")} behind Service ${attachment.service}: a Service target would apply it to all of them`,
          remedy: `create a Service for just those pods and target it, or use a workload waypoint (istio.io/waypoint-for: workload); then plan again`,
          namespaces: [namespace],
          resource: refOf(original),
          scope: "workload"
        })
      );
      return void 0;
    }
    const covered = attachment.kind === "waypoint" ? input.services : input.services.filter((s) => attachment.services.includes(s.metadata.name));
    const off = covered.filter((s) => !boundToOwnWaypoint(s, namespace)).filter((s) => attachment.kind !== "waypoint" || frontsSelected(s, input.units, selectorOf(original)));
    if (off.length > 0) {
      plan.findings.push(
        makeFinding(FINDINGS.policyServiceOffWaypoint, {
          message: `${describe(original)} protects ${off.map((s) => `Service ${s.metadata.name} (${USE_WAYPOINT}: ${s.metadata.labels?.[USE_WAYPOINT] ?? ""}${s.metadata.labels?.[USE_WAYPOINT_NAMESPACE] ? `, ${USE_WAYPOINT_NAMESPACE}: ${s.metadata.labels[USE_WAYPOINT_NAMESPACE]}` : ""})`).join(", ")}, which will not go through the waypoint of ${namespace}: no waypoint copy would be enforced there, and without sidecars nothing would enforce ${original.metadata.name}`,
          remedy: `remove the ${USE_WAYPOINT} label from ${off.map((s) => s.metadata.name).join(", ")} (or point it at the waypoint "${WAYPOINT_NAME}" of ${namespace}), or attach a copy of ${original.metadata.name} to the waypoint it uses; then plan again`,
          namespaces: [namespace],
          resource: refOf(original),
          scope: "workload"
        })
      );
      return void 0;
    }
    const refs = attachment.kind === "waypoint" ? [waypointRef] : attachment.services.map((name) => ({ group: "", kind: "Service", name }));
    const copy = waypointCopy(original, refs, rules);
    plan.operations.push(operation(namespace, "policies", "create", targetOf(copy), null, copy, why));
    return attachment.kind === "waypoint" ? [WAYPOINT_TARGET] : attachment.services;
  };
  const allowCopies = [];
  const copyPolicy = (policy, why, rules, replaces = false) => {
    const copied2 = copyToWaypoint(policy, why, rules, replaces);
    if (copied2 && (policy.spec?.action ?? "ALLOW") === "ALLOW") allowCopies.push({ policy, refs: copied2 });
    return Boolean(copied2);
  };
  const waypoint = waypointIdentity(namespace, input.trustDomain);
  for (const policy of input.authorizationPolicies) {
    if (hasTargetRefs(policy.spec)) continue;
    const analysis = analyzeAuthorizationPolicy(policy, input.rootNamespace);
    if (analysis.layer === "L7" || analysis.action === "CUSTOM" || analysis.action === "AUDIT") {
      if (copyPolicy(policy, `${describe(policy)} has L7 rules only a waypoint can enforce`, void 0, true)) {
        plan.replaced.push(policy);
        if (analysis.action === "ALLOW" && !analysis.dryRun) {
          const rules2 = Array.isArray(policy.spec?.rules) ? policy.spec.rules : [];
          const updated = structuredClone(policy);
          updated.spec = { ...updated.spec, rules: [...rules2, { from: [{ source: { principals: [waypoint.principal] } }] }] };
          plan.operations.push(
            operation(namespace, "policies", "update", targetOf(policy), policy, updated, `lets the waypoint (${waypoint.principal}) through while the pods restart: the waypoint enforces the copy, and ztunnel, which drops L7 rules, would otherwise deny everything ${policy.metadata.name} allows`)
          );
        }
      }
      continue;
    }
    const identity = waypointIdentityEffect(policy, waypoint);
    if (!identity) continue;
    const rules = Array.isArray(policy.spec?.rules) ? policy.spec.rules : [];
    const name = policy.metadata.name;
    if (!analysis.dryRun && identity.effect === "allow-rejects-waypoint") {
      const waypointRules = identity.rules.map((i) => ({ from: [{ source: { principals: [waypoint.principal] } }], ...withoutCallerConditions(rules[i] ?? {}) }));
      const unique = [...new Map(waypointRules.map((r) => [JSON.stringify(r), r])).values()];
      const updated = structuredClone(policy);
      updated.spec = { ...updated.spec, rules: [...rules, ...unique] };
      plan.operations.push(operation(namespace, "policies", "update", targetOf(policy), policy, updated, `ztunnel will see the waypoint's identity (${waypoint.principal}) instead of the caller's`));
    }
    if (!analysis.dryRun && identity.effect === "deny-blocks-waypoint") {
      const updated = structuredClone(policy);
      updated.spec = { ...updated.spec, rules: rules.map((r, i) => identity.rules.includes(i) ? exemptWaypoint(r ?? {}, waypoint, namespace) : r) };
      plan.operations.push(operation(namespace, "policies", "update", targetOf(policy), policy, updated, `ztunnel would deny the waypoint itself (${waypoint.principal}), and with it everything that goes through it: the waypoint is exempted`));
    }
    const why = {
      "allow-rejects-waypoint": `keeps checking the real callers at the waypoint, now that ${name} lets the waypoint through`,
      "allow-admits-through-waypoint": `keeps out, at the waypoint, the callers ${name} does not allow, which ztunnel would let through with the waypoint's identity`,
      "deny-fails-open": `keeps denying the callers ${name} names, which ztunnel no longer sees behind the waypoint`,
      "deny-blocks-waypoint": `keeps denying, at the waypoint, the callers ${name} denies, now that ztunnel lets the waypoint through`
    };
    copyPolicy(policy, why[identity.effect], rules.filter((_, i) => !identity.forWaypoint.includes(i)));
  }
  const copied = new Set(allowCopies.map((c) => c.policy));
  const onWaypoint = allowCopies.some((c) => c.refs.includes(WAYPOINT_TARGET));
  const onServices = new Set(allowCopies.flatMap((c) => c.refs));
  const alongside = allowCopies.map((c) => c.policy.metadata.name).sort(byCodeUnits).join(", ");
  const sharesPodsWithCopies = (policy) => {
    const attachment = attachmentFor(selectorOf(policy), input.units, input.services);
    return attachment.kind === "waypoint" || onWaypoint || attachment.kind === "services" && attachment.services.some((name) => onServices.has(name)) || attachment.kind === "part-of-service" && onServices.has(attachment.service);
  };
  for (const policy of input.authorizationPolicies) {
    if (copied.has(policy) || hasTargetRefs(policy.spec) || (policy.spec?.action ?? "ALLOW") !== "ALLOW" || allowCopies.length === 0) continue;
    if (!sharesPodsWithCopies(policy)) continue;
    copyToWaypoint(policy, `at the waypoint an ALLOW denies what no ALLOW there allows: copied next to ${alongside} so that what ${policy.metadata.name} allows stays allowed`);
  }
  const localize = `copy it into ${namespace} keeping its selector (the plan then handles that copy like the namespace's own policies), and narrow its selector in ${input.rootNamespace} so that it no longer selects pods in ${namespace}; then plan again`;
  const perNamespace = `replace it with a copy in each namespace, without a selector (the plan then handles each like the namespace's own policies); then plan again`;
  for (const policy of [...input.meshPolicies, ...input.rootSelected]) {
    const mesh = input.meshPolicies.includes(policy);
    const analysis = policy.kind === "AuthorizationPolicy" ? analyzeAuthorizationPolicy(policy, input.rootNamespace) : void 0;
    if (analysis?.dryRun) continue;
    const where = mesh ? "applies to every workload" : `selects pods in ${namespace}`;
    const onlyWaypoint = !analysis || analysis.layer === "L7" || analysis.action === "CUSTOM" || analysis.action === "AUDIT";
    if (onlyWaypoint) {
      plan.findings.push(
        makeFinding(FINDINGS.rootPolicySelectsNamespace, {
          message: `${describe(policy)} ${where} from the root namespace, and only a waypoint can enforce it; once the pods of ${namespace} lose their sidecars it would not be enforced as written`,
          remedy: mesh ? perNamespace : localize,
          namespaces: [namespace],
          resource: refOf(policy),
          scope: mesh ? "mesh" : "workload"
        })
      );
      continue;
    }
    const identity = waypointIdentityEffect(policy, waypoint);
    const stops = identity?.effect === "allow-rejects-waypoint" || identity?.effect === "deny-blocks-waypoint";
    const allow = (policy.spec?.action ?? "ALLOW") === "ALLOW";
    const besideCopies = allow && allowCopies.length > 0 && (mesh ? !input.waypointClassPolicy : sharesPodsWithCopies(policy));
    if (!mesh && (identity || besideCopies)) {
      const why = identity ? `names callers; behind the waypoint of ${namespace} ztunnel sees ${waypoint.principal} instead, so it would ${stops ? "stop the traffic through the waypoint" : "no longer keep out the callers it means to"}` : `allows traffic that, once ${alongside} ${allowCopies.length === 1 ? "is" : "are"} copied to the waypoint, the waypoint would deny (there an ALLOW denies what no ALLOW attached to it allows)`;
      plan.findings.push(
        makeFinding(FINDINGS.rootPolicySelectsNamespace, { message: `${describe(policy)} ${where} and ${why}`, remedy: localize, namespaces: [namespace], resource: refOf(policy), scope: "workload" })
      );
      continue;
    }
    if (!mesh) continue;
    if (!stops && besideCopies) {
      plan.findings.push(
        makeFinding(FINDINGS.rootPolicySelectsNamespace, {
          message: `${describe(policy)} ${where} and allows traffic that, once ${alongside} ${allowCopies.length === 1 ? "is" : "are"} copied to the waypoint of ${namespace}, the waypoint would deny (there an ALLOW denies what no ALLOW attached to it allows)`,
          remedy: `attach a copy to GatewayClass istio-waypoint (targetRefs) in ${input.rootNamespace}, so that waypoints allow what it allows; then plan again`,
          namespaces: [namespace],
          resource: refOf(policy),
          scope: "mesh"
        })
      );
      continue;
    }
    if (!stops || !identity) continue;
    const fix = identity.effect === "allow-rejects-waypoint" ? `add ${waypoint.principal} to its sources` : `exempt ${waypoint.principal} (notPrincipals) in the rules that match it`;
    const copy = "and attach a copy to GatewayClass istio-waypoint (targetRefs) so that waypoints check the real callers";
    plan.findings.push(
      makeFinding(FINDINGS.meshWidePolicyBlocksWaypoint, {
        message: `${describe(policy)} ${where} and names callers; behind the waypoint of ${namespace} ztunnel sees ${waypoint.principal}, which it would ${identity.effect === "allow-rejects-waypoint" ? "reject" : "deny"}: all traffic through the waypoint would stop`,
        remedy: `${fix} in ${input.rootNamespace}, ${copy}; then plan again`,
        namespaces: [namespace],
        resource: refOf(policy),
        scope: "mesh"
      })
    );
  }
  for (const auth of input.requestAuthentications) {
    if (hasTargetRefs(auth.spec)) continue;
    if (copyToWaypoint(auth, `${describe(auth)} validates JWTs, which only a waypoint can do in ambient mode`, void 0, true)) plan.replaced.push(auth);
  }
  for (const plugin of input.wasmPlugins) {
    if (hasTargetRefs(plugin.spec)) continue;
    if (copyToWaypoint(plugin, `${describe(plugin)} runs in Envoy, which only a waypoint has in ambient mode`, void 0, true)) plan.replaced.push(plugin);
  }
  return plan;
}

// source/core/convert/subsets.ts
import { isDeepStrictEqual } from "node:util";

// source/core/convert/problems.ts
var Problems = class {
  untranslatable = [];
  warnings = [];
  untranslatableAt(path, reason) {
    this.untranslatable.push({ path, reason });
  }
  warn(path, reason) {
    this.warnings.push({ path, reason });
  }
};
var HEADER_NAME = /^[A-Za-z0-9!#$%&'*+\-.^_`|~]+$/;
var HOSTNAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
var SERVICE_NAME = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
function escapeRegex(literal) {
  return literal.replace(/[\\.+*?()|[\]{}^$]/g, "\\$&");
}
var isObject = (x) => typeof x === "object" && x !== null && !Array.isArray(x);

// source/core/convert/metadata.ts
var MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";
var MANAGER = "ambient-migrate";
var CONVERTED_FROM = "ambient-migrate.io/converted-from";
var VERSION_OF = "ambient-migrate.io/version-of";

// source/core/convert/subsets.ts
var TOPOLOGY_LABELS = [
  "topology.kubernetes.io/region",
  "topology.kubernetes.io/zone",
  "topology.istio.io/subzone",
  "topology.istio.io/cluster",
  "topology.istio.io/network",
  "kubernetes.io/hostname",
  "failure-domain.beta.kubernetes.io/region",
  "failure-domain.beta.kubernetes.io/zone"
];
function versionServices(requests, destinationRules, services) {
  const out = { services: [], destinationRules: [], problems: [] };
  const seen = /* @__PURE__ */ new Set();
  for (const request of requests) {
    const key = `${request.service.namespace}/${request.backendName}`;
    if (seen.has(key)) continue;
    seen.add(key);
    versionFor(request, destinationRules, services, out);
  }
  return out;
}
function versionFor(request, rules, services, out) {
  const { namespace, name } = request.service;
  const problem = (path, reason, resource) => {
    out.problems.push({ path, reason, resource });
  };
  const serviceRef = { kind: "Service", namespace, name };
  const base = services(namespace, name);
  if (!base) return problem("metadata.name", `There is no Service ${namespace}/${name} to derive the version Service ${request.backendName} from.`, serviceRef);
  const baseSelector = isObject(base.spec?.selector) ? base.spec.selector : {};
  if (Object.keys(baseSelector).length === 0) {
    return problem("spec.selector", `Service ${namespace}/${name} has no selector, so no selector for subset ${request.subset} can be derived from it.`, serviceRef);
  }
  const found = findSubset(request, rules);
  if ("reason" in found) return problem(found.path, found.reason, found.resource);
  const { rule, index, subset } = found;
  const ruleRef = { kind: "DestinationRule", namespace: rule.metadata.namespace ?? namespace, name: rule.metadata.name };
  const at = `spec.subsets[${index}]`;
  const labels = isObject(subset.labels) ? subset.labels : {};
  if (Object.keys(labels).length === 0) return problem(`${at}.labels`, `Subset ${request.subset} has no labels: it selects every endpoint of ${name}, so a version Service would duplicate ${name} rather than select a version.`, ruleRef);
  for (const [label, value] of Object.entries(labels)) {
    if (TOPOLOGY_LABELS.includes(label)) return problem(`${at}.labels.${label}`, `Subset ${request.subset} selects on the topology label ${label}, which Istio takes from the node, not the pod: a Service selector cannot match it.`, ruleRef);
    if (typeof value !== "string") return problem(`${at}.labels.${label}`, `Subset ${request.subset} has a label value that is not a string.`, ruleRef);
    if (label in baseSelector && baseSelector[label] !== value) {
      return problem(`${at}.labels.${label}`, `Subset ${request.subset} wants ${label}=${value} but Service ${name} selects ${label}=${baseSelector[label]}: no pod can have both.`, ruleRef);
    }
  }
  const versionName = request.backendName;
  const versionRef = { kind: "Service", namespace, name: versionName };
  if (versionName.length > 63 || !SERVICE_NAME.test(versionName)) return problem(at, `The version Service name ${versionName} is not a valid Service name (DNS label of at most 63 characters).`, ruleRef);
  const source = { destinationRule: `${ruleRef.namespace}/${ruleRef.name}`, host: String(rule.spec?.host), subset: request.subset };
  const selector = { ...baseSelector, ...labels };
  const ports = (Array.isArray(base.spec?.ports) ? base.spec.ports : []).map(copyPort);
  const existing = services(namespace, versionName);
  if (existing) {
    const samePorts = ports.every((p) => (existing.spec?.ports ?? []).some((q) => q?.port === p.port));
    if (!isDeepStrictEqual(existing.spec?.selector ?? {}, selector) || !samePorts) {
      return problem("spec.selector", `Service ${namespace}/${versionName} already exists with a different selector or ports than subset ${request.subset} of ${name} needs.`, versionRef);
    }
  } else {
    out.services.push({
      service: {
        apiVersion: "v1",
        kind: "Service",
        metadata: { name: versionName, namespace, labels: { ...base.metadata.labels ?? {}, [MANAGED_BY_LABEL]: MANAGER }, annotations: { [VERSION_OF]: `${name}/${request.subset}` } },
        spec: { selector, ports }
      },
      source
    });
  }
  const merged = mergePolicy(rule.spec?.trafficPolicy, subset.trafficPolicy);
  if ("reason" in merged) return problem(`${at}.trafficPolicy.portLevelSettings`, merged.reason, ruleRef);
  if (!merged.policy) return;
  const current = rules.find((r) => sameHost(r, namespace, versionName));
  if (current) {
    if (!isDeepStrictEqual(current.spec?.trafficPolicy, merged.policy)) {
      problem("spec.trafficPolicy", `DestinationRule ${current.metadata.namespace}/${current.metadata.name} for ${versionName} exists with another traffic policy than subset ${request.subset} had; merge them by hand.`, { kind: "DestinationRule", namespace: current.metadata.namespace ?? namespace, name: current.metadata.name });
    }
    return;
  }
  out.destinationRules.push({
    destinationRule: {
      apiVersion: rule.apiVersion || "networking.istio.io/v1",
      kind: "DestinationRule",
      metadata: { name: versionName, namespace, labels: { [MANAGED_BY_LABEL]: MANAGER }, annotations: { [VERSION_OF]: `${name}/${request.subset}` } },
      spec: { host: versionName, trafficPolicy: merged.policy }
    },
    source
  });
}
function findSubset(request, rules) {
  const { namespace, name } = request.service;
  const forHost = rules.filter((r) => !r.spec?.workloadSelector && sameHost(r, namespace, name)).sort((a, b) => {
    const [x, y] = [rank(a, namespace), rank(b, namespace)];
    return x < y ? -1 : x > y ? 1 : 0;
  });
  const defining = forHost.flatMap((rule) => {
    const subsets = Array.isArray(rule.spec?.subsets) ? rule.spec.subsets : [];
    const index = subsets.findIndex((s) => s?.name === request.subset);
    return index < 0 ? [] : [{ rule, index, subset: subsets[index] }];
  });
  const local = defining.find((d) => d.rule.metadata.namespace === namespace);
  if (local) return local;
  if (defining.length > 0) {
    if (defining.every((d) => isDeepStrictEqual(d.subset.labels, defining[0].subset.labels))) return defining[0];
    return {
      path: `spec.subsets[${defining[0].index}].labels`,
      reason: `Subset ${request.subset} of ${name} is defined with different labels by DestinationRules in ${defining.map((d) => d.rule.metadata.namespace).join(", ")}; which one applies depends on the client, so no single Service can replace it.`,
      resource: { kind: "DestinationRule", namespace: defining[0].rule.metadata.namespace ?? namespace, name: defining[0].rule.metadata.name }
    };
  }
  if (forHost.length === 0) {
    return { path: "metadata.name", reason: `No DestinationRule defines subsets for ${name} in ${namespace}, so subset ${request.subset} has no labels to select on.`, resource: { kind: "Service", namespace, name } };
  }
  const first = forHost[0];
  return {
    path: "spec.subsets",
    reason: `DestinationRule ${first.metadata.namespace}/${first.metadata.name} has no subset ${request.subset}.`,
    resource: { kind: "DestinationRule", namespace: first.metadata.namespace ?? namespace, name: first.metadata.name }
  };
}
function rank(rule, namespace) {
  return `${rule.metadata.namespace === namespace ? 0 : 1}
${rule.metadata.namespace ?? ""}
${rule.metadata.creationTimestamp ?? ""}
${rule.metadata.name}`;
}
function sameHost(rule, namespace, name) {
  const host = typeof rule.spec?.host === "string" ? parseServiceHost(rule.spec.host, rule.metadata.namespace ?? namespace) : void 0;
  return host?.namespace === namespace && host.name === name;
}
function copyPort(port) {
  const out = {};
  for (const field of ["name", "protocol", "appProtocol", "port", "targetPort"]) if (port?.[field] !== void 0) out[field] = port[field];
  return out;
}
function mergePolicy(top, sub) {
  const t = isObject(top) ? top : {};
  const s = isObject(sub) ? sub : {};
  if (Array.isArray(s.portLevelSettings) && s.portLevelSettings.length > 0) {
    return { reason: "The subset has its own portLevelSettings; merging them with the rule-level policy per port is left to a person: write the DestinationRule for the version Service by hand." };
  }
  const { portLevelSettings: topPorts, ...topFields } = t;
  const { portLevelSettings: _none, ...subFields } = s;
  const policy = dropMeshTls({ ...topFields, ...subFields });
  const perPort = (Array.isArray(topPorts) ? topPorts : []).map((p) => dropMeshTls(Object.fromEntries(Object.entries(isObject(p) ? p : {}).filter(([k]) => !(k in subFields))))).filter((p) => Object.keys(p).some((k) => k !== "port"));
  if (perPort.length > 0) policy.portLevelSettings = perPort;
  return Object.keys(policy).length > 0 ? { policy } : {};
}
function dropMeshTls(policy) {
  if (policy.tls?.mode !== "ISTIO_MUTUAL") return policy;
  const { tls: _tls, ...rest } = policy;
  return rest;
}

// source/core/convert/backends.ts
var ServiceRefs = class {
  constructor(namespace, services, problems) {
    this.namespace = namespace;
    this.services = services;
    this.problems = problems;
  }
  namespace;
  services;
  problems;
  subsets = [];
  parentPorts = /* @__PURE__ */ new Map();
  /**
   * The Service parentRef for a host. A VirtualService without `match.port` applies to every port of the
   * host, so the parentRef names the port only when the Service has exactly one (as Istio's Bookinfo routes
   * do, port 9080); for a multi-port Service it names none, which covers all ports.
   */
  parent(host, path) {
    const service = this.service(host, path, "consumer");
    if (!service) return void 0;
    const ports = servicePorts(service.object);
    this.parentPorts.set(service.name, ports);
    return { group: "", kind: "Service", name: service.name, ...ports.length === 1 ? { port: ports[0] } : {} };
  }
  /**
   * A backendRef that receives nothing: Istio answers 500 for a rule whose backends all weigh 0 (golden
   * zero.yaml). Any existing Service port will do; the first parent Service's first port is used.
   */
  zeroWeight(parents) {
    const parent = parents.find((p) => (this.parentPorts.get(p.name) ?? []).length > 0);
    return parent ? { name: parent.name, port: this.parentPorts.get(parent.name)[0], weight: 0 } : void 0;
  }
  /**
   * The backendRef for a route or mirror destination: the subset's version Service `<svc>-<subset>` (same
   * ports as the host Service) or the Service itself, always with a port, as the CRD demands.
   */
  backend(destination, path) {
    const dest = isObject(destination) ? destination : {};
    const service = this.service(dest.host, `${path}.host`, "backend");
    if (!service) return void 0;
    const ports = servicePorts(service.object);
    const wanted = dest.port?.number;
    let port;
    if (typeof wanted === "number") {
      if (ports.includes(wanted)) port = wanted;
      else this.problems.untranslatableAt(`${path}.port`, `Service ${this.namespace}/${service.name} has no port ${wanted}, so the backendRef would not resolve.`);
    } else if (ports.length === 1) {
      port = ports[0];
    } else {
      this.problems.untranslatableAt(
        path,
        `Service ${this.namespace}/${service.name} has ${ports.length} ports and the destination names none: the VirtualService keeps the request's port, but a backendRef needs exactly one.`
      );
    }
    let name = service.name;
    if (typeof dest.subset === "string" && dest.subset !== "") {
      name = `${service.name}-${dest.subset}`;
      if (name.length > 63 || !SERVICE_NAME.test(name)) {
        this.problems.untranslatableAt(`${path}.subset`, `The version Service for this subset would be named ${name}, which is not a valid Service name (DNS label of at most 63 characters).`);
        return void 0;
      }
      if (!this.subsets.some((s) => s.backendName === name)) this.subsets.push({ service: { namespace: this.namespace, name: service.name }, subset: dest.subset, backendName: name });
    }
    return port === void 0 ? void 0 : { name, port };
  }
  service(host, path, role) {
    if (typeof host !== "string") return void 0;
    const ref = parseServiceHost(host, this.namespace);
    if (!ref) return void 0;
    if (ref.namespace !== this.namespace) {
      this.problems.untranslatableAt(
        path,
        role === "consumer" ? `The host is a Service in namespace ${ref.namespace}, not ${this.namespace}: an HTTPRoute here would be a consumer route, which waypoints ignore; the route belongs in ${ref.namespace}.` : `The destination is in namespace ${ref.namespace}: a cross-namespace backendRef needs a ReferenceGrant there, which this conversion does not write.`
      );
      return void 0;
    }
    const object = this.services(ref.namespace, ref.name);
    if (!object) {
      this.problems.untranslatableAt(path, `There is no Service ${ref.namespace}/${ref.name}: an HTTPRoute can only name existing Services.`);
      return void 0;
    }
    return { name: ref.name, object };
  }
};
function servicePorts(service) {
  const ports = Array.isArray(service.spec?.ports) ? service.spec.ports : [];
  return ports.map((p) => p?.port).filter((p) => typeof p === "number");
}

// source/core/convert/durations.ts
var GO_UNITS_MS = { ns: 1e-6, us: 1e-3, "\xB5s": 1e-3, "\u03BCs": 1e-3, ms: 1, s: 1e3, m: 6e4, h: 36e5 };
var GO_PART = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/y;
function parseGoDuration(text) {
  if (typeof text !== "string") return void 0;
  let s = text.trim();
  if (s.startsWith("+")) s = s.slice(1);
  if (s === "0") return 0;
  if (s === "" || s.startsWith("-")) return void 0;
  let total = 0;
  GO_PART.lastIndex = 0;
  while (GO_PART.lastIndex < s.length) {
    const at = GO_PART.lastIndex;
    const m = GO_PART.exec(s);
    if (!m || m.index !== at) return void 0;
    total += Number(m[1]) * GO_UNITS_MS[m[2]];
  }
  return total;
}
var GATEWAY_DURATION = /^([0-9]{1,5}(h|m|s|ms)){1,4}$/;
var GATEWAY_PART = /([0-9]{1,5})(h|ms|m|s)/g;
function parseGatewayDuration(text) {
  if (typeof text !== "string" || !GATEWAY_DURATION.test(text)) return void 0;
  let total = 0;
  for (const m of text.matchAll(GATEWAY_PART)) total += Number(m[1]) * GO_UNITS_MS[m[2]];
  return total;
}
function formatGatewayDuration(ms) {
  if (!Number.isInteger(ms) || ms < 0) return void 0;
  const parts = [
    [Math.floor(ms / 36e5), "h"],
    [Math.floor(ms % 36e5 / 6e4), "m"],
    [Math.floor(ms % 6e4 / 1e3), "s"],
    [ms % 1e3, "ms"]
  ];
  const text = parts.filter(([n]) => n > 0).map(([n, unit]) => `${n}${unit}`).join("");
  const out = text === "" ? "0s" : text;
  return GATEWAY_DURATION.test(out) ? out : void 0;
}

// source/core/convert/filters.ts
function headerFilters(headers, p, problems) {
  if (!isObject(headers)) return [];
  const out = [];
  const request = headerModifier(headers.request, `${p}.request`, problems);
  if (request) out.push({ type: "RequestHeaderModifier", requestHeaderModifier: request });
  const response = headerModifier(headers.response, `${p}.response`, problems);
  if (response) out.push({ type: "ResponseHeaderModifier", responseHeaderModifier: response });
  return out;
}
function headerModifier(ops, p, problems) {
  if (!isObject(ops)) return void 0;
  const out = {};
  for (const op of ["set", "add"]) {
    const map = isObject(ops[op]) ? ops[op] : {};
    const list = Object.keys(map).sort().flatMap((name) => {
      const value = map[name];
      if (!HEADER_NAME.test(name)) problems.untranslatableAt(`${p}.${op}.${name}`, "HTTPRoute header modifiers only take token header names (no pseudo-headers such as :authority).");
      else if (typeof value !== "string" || value === "") problems.untranslatableAt(`${p}.${op}.${name}`, "HTTPRoute header values need at least one character.");
      else return [{ name, value }];
      return [];
    });
    if (list.length > 0) out[op] = list;
  }
  const remove = Array.isArray(ops.remove) ? [...new Set(ops.remove.filter((n) => typeof n === "string"))] : [];
  if (remove.length > 0) out.remove = remove;
  return Object.keys(out).length > 0 ? out : void 0;
}
function rewriteFilter(rewrite, kind, p, problems) {
  if (!isObject(rewrite)) return void 0;
  const out = {};
  if (rewrite.authority !== void 0 && rewrite.authority !== "") {
    const host = hostname(rewrite.authority, `${p}.authority`, problems);
    if (host) out.hostname = host;
  }
  const uri = typeof rewrite.uri === "string" && rewrite.uri !== "" ? rewrite.uri : void 0;
  const full = isObject(rewrite.uriRegexRewrite) && typeof rewrite.uriRegexRewrite.rewrite === "string" ? rewrite.uriRegexRewrite.rewrite : void 0;
  if (uri !== void 0 && full !== void 0) {
    problems.untranslatableAt(p, "uri and uriRegexRewrite are both set; Istio refuses that and HTTPRoute has one path rewrite.");
  } else if (uri !== void 0) {
    out.path = kind === "prefix" ? { type: "ReplacePrefixMatch", replacePrefixMatch: uri } : { type: "ReplaceFullPath", replaceFullPath: uri };
  } else if (full !== void 0) {
    out.path = { type: "ReplaceFullPath", replaceFullPath: full };
  }
  return Object.keys(out).length > 0 ? { type: "URLRewrite", urlRewrite: out } : void 0;
}
function redirectFilter(redirect, kind, p, problems) {
  const r = isObject(redirect) ? redirect : {};
  const out = {};
  if (typeof r.scheme === "string" && r.scheme !== "") out.scheme = r.scheme;
  if (typeof r.authority === "string" && r.authority !== "") {
    const host = hostname(r.authority, `${p}.authority`, problems);
    if (host) out.hostname = host;
  }
  const uri = typeof r.uri === "string" && r.uri !== "" ? r.uri : void 0;
  const prefix = typeof r.prefixRewrite === "string" && r.prefixRewrite !== "" ? r.prefixRewrite : void 0;
  if (uri !== void 0 && prefix !== void 0) problems.untranslatableAt(p, "uri and prefixRewrite are both set; Istio refuses that and HTTPRoute has one path rewrite.");
  else if (uri !== void 0) out.path = { type: "ReplaceFullPath", replaceFullPath: uri };
  else if (prefix !== void 0) out.path = kind === "prefix" ? { type: "ReplacePrefixMatch", replacePrefixMatch: prefix } : { type: "ReplaceFullPath", replaceFullPath: prefix };
  if (typeof r.port === "number") {
    if (r.port >= 1 && r.port <= 65535) out.port = r.port;
    else problems.untranslatableAt(`${p}.port`, "HTTPRoute redirect ports are 1 to 65535.");
  }
  out.statusCode = typeof r.redirectCode === "number" ? r.redirectCode : 301;
  return { type: "RequestRedirect", requestRedirect: out };
}
function hostname(value, p, problems) {
  if (typeof value === "string" && value.length <= 253 && HOSTNAME.test(value)) return value;
  problems.untranslatableAt(p, "HTTPRoute only rewrites to a lower-case DNS name without a port.");
  return void 0;
}
function mirrorFilters(rule, p, refs, problems) {
  const out = [];
  const add = (destination, at, percentage, percentagePath) => {
    const backendRef = refs.backend(destination, at);
    if (!backendRef) return;
    out.push({ type: "RequestMirror", requestMirror: { backendRef, ...mirrorShare(percentage, percentagePath, problems) } });
  };
  if (rule.mirror !== void 0) {
    const legacy = rule.mirrorPercent ?? rule.mirror_percent;
    const percentage = rule.mirrorPercentage !== void 0 ? rule.mirrorPercentage?.value : legacy;
    const at = rule.mirrorPercentage !== void 0 ? `${p}.mirrorPercentage` : rule.mirrorPercent !== void 0 ? `${p}.mirrorPercent` : `${p}.mirror_percent`;
    add(rule.mirror, `${p}.mirror`, percentage, at);
  }
  (Array.isArray(rule.mirrors) ? rule.mirrors : []).forEach((m, k) => add(m?.destination, `${p}.mirrors[${k}].destination`, m?.percentage?.value, `${p}.mirrors[${k}].percentage`));
  return out;
}
function mirrorShare(value, p, problems) {
  if (value === void 0 || value === null) return {};
  if (typeof value !== "number" || !(value >= 0 && value <= 100)) {
    problems.untranslatableAt(p, "A mirror percentage is a number from 0 to 100.");
    return {};
  }
  if (Number.isInteger(value)) return { percent: value };
  const decimals = /^\d+\.(\d+)$/.exec(String(value))?.[1]?.length;
  if (decimals === void 0 || decimals > 7) {
    problems.untranslatableAt(p, "This mirror percentage has more precision than an HTTPRoute fraction can hold.");
    return {};
  }
  const scale = 10 ** decimals;
  let numerator = Math.round(value * scale);
  let denominator = 100 * scale;
  const g = gcd(numerator, denominator);
  numerator /= g;
  denominator /= g;
  return { fraction: { numerator, denominator } };
}
var gcd = (a, b) => b === 0 ? a : gcd(b, a % b);
function requestTimeout(timeout, p, problems) {
  if (timeout === void 0) return void 0;
  const ms = parseGoDuration(timeout);
  if (ms === void 0) {
    problems.untranslatableAt(p, "This timeout is not a duration.");
    return void 0;
  }
  const whole = Math.ceil(ms);
  if (whole !== ms) problems.warn(p, "HTTPRoute timeouts have millisecond precision: the timeout is rounded up to the next millisecond.");
  const request = formatGatewayDuration(whole);
  if (request === void 0) {
    problems.untranslatableAt(p, "This timeout is too long for an HTTPRoute duration.");
    return void 0;
  }
  return { request };
}
var ANY_ORIGIN_REGEX = "^[a-zA-Z][a-zA-Z0-9+.-]*://[^/\\s?#]+$";
var WILDCARD_ORIGIN = /^\^(https?):\/\/\.\*\\\.((?:[a-zA-Z0-9-]+\\\.)*[a-zA-Z0-9-]+)(:[0-9]{1,5})?\$$/;
function corsFilter(policy, p, problems) {
  if (!isObject(policy)) return void 0;
  const cors = {};
  const origins = [];
  (Array.isArray(policy.allowOrigins) ? policy.allowOrigins : []).forEach((o) => {
    if (typeof o?.exact === "string") origins.push(o.exact);
    else if (o?.regex === ANY_ORIGIN_REGEX) origins.push("*");
    else if (typeof o?.regex === "string") {
      const m = WILDCARD_ORIGIN.exec(o.regex);
      if (m) origins.push(`${m[1]}://*.${m[2].replace(/\\\./g, ".")}${m[3] ?? ""}`);
    }
  });
  (Array.isArray(policy.allowOrigin) ? policy.allowOrigin : []).forEach((o) => typeof o === "string" && origins.push(o));
  const allowOrigins = starAlone(origins);
  if (allowOrigins.length > 0) cors.allowOrigins = allowOrigins;
  if (typeof policy.allowCredentials === "boolean") cors.allowCredentials = policy.allowCredentials;
  const methods = starAlone(strings(policy.allowMethods));
  if (methods.length > 0) cors.allowMethods = methods;
  for (const field of ["allowHeaders", "exposeHeaders"]) {
    const names = strings(policy[field]);
    names.forEach((name, k) => !HEADER_NAME.test(name) && problems.untranslatableAt(`${p}.${field}[${k}]`, "HTTPRoute CORS header lists only take token header names."));
    const list = field === "allowHeaders" ? starAlone(names) : names;
    if (list.length > 0) cors[field] = list;
  }
  if (policy.maxAge !== void 0) {
    const ms = parseGoDuration(policy.maxAge);
    if (ms === void 0) problems.untranslatableAt(`${p}.maxAge`, "This maxAge is not a duration.");
    else {
      const seconds = Math.max(1, Math.ceil(ms / 1e3));
      if (seconds * 1e3 !== ms) problems.warn(`${p}.maxAge`, "HTTPRoute CORS maxAge is whole seconds: it is rounded up to the next second.");
      cors.maxAge = seconds;
    }
  }
  return { type: "CORS", cors };
}
var strings = (list) => [...new Set((Array.isArray(list) ? list : []).filter((s) => typeof s === "string"))];
function starAlone(list) {
  const unique = [...new Set(list)];
  return unique.includes("*") ? ["*"] : unique;
}

// source/core/convert/httproute-rules.ts
var LIMITS = { parentRefs: 32, hostnames: 16, rules: 16, matchesPerRule: 64, matchesTotal: 128, backendRefs: 16, filters: 16, headerMatches: 16, queryParams: 16, headerModifier: 16 };
var FILTER_FIELDS = {
  CORS: "cors",
  RequestHeaderModifier: "requestHeaderModifier",
  ResponseHeaderModifier: "responseHeaderModifier",
  RequestMirror: "requestMirror",
  RequestRedirect: "requestRedirect",
  URLRewrite: "urlRewrite",
  ExtensionRef: "extensionRef"
};
var NOT_REPEATED = ["CORS", "RequestHeaderModifier", "ResponseHeaderModifier", "RequestRedirect", "URLRewrite"];
var PATH_CHARS = /^(?:[-A-Za-z0-9/._~!$&'()*+,;=:@]|[%][0-9a-fA-F]{2})+$/;
function pathValueProblem(value) {
  const scope = "when type one of ['Exact', 'PathPrefix']";
  if (!value.startsWith("/")) return `value must be an absolute path and start with '/' ${scope}`;
  for (const bad of ["//", "/./", "/../", "%2f", "%2F", "#"]) if (value.includes(bad)) return `must not contain '${bad}' ${scope}`;
  for (const end of ["/..", "/."]) if (value.endsWith(end)) return `must not end with '${end}' ${scope}`;
  if (!PATH_CHARS.test(value)) return `must only contain valid characters (matching ${PATH_CHARS.source}) for types ['Exact', 'PathPrefix']`;
  return void 0;
}
function checkHttpRoute(route) {
  const spec = withDefaults(route.spec ?? {});
  const problems = [];
  const report = (path, message) => problems.push({ path, message });
  const limit = (list, max, path) => {
    if (Array.isArray(list) && list.length > max) report(path, `Too many: ${list.length}: must have at most ${max} items`);
  };
  limit(spec.parentRefs, LIMITS.parentRefs, "spec.parentRefs");
  limit(spec.hostnames, LIMITS.hostnames, "spec.hostnames");
  checkParentRefs(spec.parentRefs ?? [], report);
  const rules = spec.rules;
  limit(rules, LIMITS.rules, "spec.rules");
  const total = rules.slice(0, LIMITS.rules).reduce((n, r) => n + r.matches.length, 0);
  if (total > LIMITS.matchesTotal) {
    report("spec.rules", "While 16 rules and 64 matches per rule are allowed, the total number of matches across all rules in a route must be less than 128");
  }
  rules.forEach((rule, i) => checkRule(rule, `spec.rules[${i}]`, report, limit));
  return problems;
}
function checkParentRefs(refs, report) {
  const ns = (p) => p.namespace ?? "";
  const section = (p) => p.sectionName ?? "";
  const sameParent = (a, b) => a.group === b.group && a.kind === b.kind && a.name === b.name && ns(a) === ns(b);
  if (!refs.every((a) => refs.every((b) => !sameParent(a, b) || section(a) === "" === (section(b) === "")))) {
    report("spec.parentRefs", "sectionName must be specified when parentRefs includes 2 or more references to the same parent");
  }
  if (!refs.every((a) => refs.filter((b) => sameParent(a, b) && section(a) === section(b)).length === 1)) {
    report("spec.parentRefs", "sectionName must be unique when parentRefs includes 2 or more references to the same parent");
  }
}
function checkRule(rule, p, report, limit) {
  const backendRefs = rule.backendRefs ?? [];
  const filters = rule.filters ?? [];
  limit(rule.matches, LIMITS.matchesPerRule, `${p}.matches`);
  limit(rule.backendRefs, LIMITS.backendRefs, `${p}.backendRefs`);
  limit(rule.filters, LIMITS.filters, `${p}.filters`);
  if (backendRefs.length > 0 && filters.some((f) => f.requestRedirect !== void 0)) report(p, "RequestRedirect filter must not be used together with backendRefs");
  const onePrefix = rule.matches.length === 1 && rule.matches[0].path?.type === "PathPrefix";
  const replacesPrefix = (list, field) => list.filter((f) => f[field]?.path?.type === "ReplacePrefixMatch" && f[field].path.replacePrefixMatch !== void 0).length === 1;
  if (replacesPrefix(filters, "requestRedirect") && !onePrefix) report(p, "When using RequestRedirect filter with path.replacePrefixMatch, exactly one PathPrefix match must be specified");
  if (replacesPrefix(filters, "urlRewrite") && !onePrefix) report(p, "When using URLRewrite filter with path.replacePrefixMatch, exactly one PathPrefix match must be specified");
  if (backendRefs.filter((b) => replacesPrefix(b.filters ?? [], "requestRedirect")).length === 1 && !onePrefix) {
    report(p, "Within backendRefs, when using RequestRedirect filter with path.replacePrefixMatch, exactly one PathPrefix match must be specified");
  }
  if (backendRefs.filter((b) => replacesPrefix(b.filters ?? [], "urlRewrite")).length === 1 && !onePrefix) {
    report(p, "Within backendRefs, When using URLRewrite filter with path.replacePrefixMatch, exactly one PathPrefix match must be specified");
  }
  rule.matches.forEach((m, k) => {
    limit(m.headers, LIMITS.headerMatches, `${p}.matches[${k}].headers`);
    limit(m.queryParams, LIMITS.queryParams, `${p}.matches[${k}].queryParams`);
    checkPathMatch(m.path, `${p}.matches[${k}].path`, report);
  });
  backendRefs.forEach((b, j) => {
    checkBackendRef(b, `${p}.backendRefs[${j}]`, report);
    limit(b.filters, LIMITS.filters, `${p}.backendRefs[${j}].filters`);
    checkFilters(b.filters ?? [], `${p}.backendRefs[${j}].filters`, report, limit);
  });
  checkFilters(filters, `${p}.filters`, report, limit);
  checkTimeouts(rule.timeouts, `${p}.timeouts`, report);
}
function checkPathMatch(path, p, report) {
  if (!["Exact", "PathPrefix", "RegularExpression"].includes(path.type)) return report(p, "type must be one of ['Exact', 'PathPrefix', 'RegularExpression']");
  if (path.type === "RegularExpression" || typeof path.value !== "string") return;
  const problem = pathValueProblem(path.value);
  if (problem) report(p, problem);
}
function checkBackendRef(ref, p, report) {
  if (ref.group === "" && ref.kind === "Service" && ref.port === void 0) report(p, "Must have port for Service reference");
}
function checkFilters(filters, p, report, limit) {
  const count = (type) => filters.filter((f) => f.type === type).length;
  if (count("RequestRedirect") > 0 && count("URLRewrite") > 0) report(p, "May specify either httpRouteFilterRequestRedirect or httpRouteFilterRequestRewrite, but not both");
  for (const type of NOT_REPEATED) if (count(type) > 1) report(p, `${type} filter cannot be repeated`);
  filters.forEach((f, i) => checkFilter(f, `${p}[${i}]`, report, limit));
}
function checkFilter(f, p, report, limit) {
  for (const [type, field] of Object.entries(FILTER_FIELDS)) {
    if (f[field] !== void 0 && f.type !== type) report(p, `filter.${field} must be nil if the filter.type is not ${type}`);
    if (f[field] === void 0 && f.type === type) report(p, `filter.${field} must be specified for ${type} filter.type`);
  }
  for (const field of ["requestHeaderModifier", "responseHeaderModifier"]) {
    for (const list of ["set", "add", "remove"]) limit(f[field]?.[list], LIMITS.headerModifier, `${p}.${field}.${list}`);
  }
  const cors = f.cors;
  if (cors) {
    const alone = [
      ["allowHeaders", "AllowHeaders cannot contain '*' alongside other methods"],
      ["allowMethods", "AllowMethods cannot contain '*' alongside other methods"],
      ["allowOrigins", "AllowOrigins cannot contain '*' alongside other origins"]
    ];
    for (const [field, message] of alone) {
      const list = cors[field];
      if (Array.isArray(list) && list.includes("*") && list.length > 1) report(`${p}.cors.${field}`, message);
    }
  }
  const mirror = f.requestMirror;
  if (mirror) {
    if (mirror.percent !== void 0 && mirror.fraction !== void 0) report(`${p}.requestMirror`, "Only one of percent or fraction may be specified in HTTPRequestMirrorFilter");
    if (mirror.backendRef) checkBackendRef(mirror.backendRef, `${p}.requestMirror.backendRef`, report);
    if (mirror.fraction && mirror.fraction.numerator > mirror.fraction.denominator) report(`${p}.requestMirror.fraction`, "numerator must be less than or equal to denominator");
  }
  for (const field of ["requestRedirect", "urlRewrite"]) {
    const path = f[field]?.path;
    if (!path) continue;
    const at = `${p}.${field}.path`;
    if (path.type === "ReplaceFullPath" && path.replaceFullPath === void 0) report(at, "replaceFullPath must be specified when type is set to 'ReplaceFullPath'");
    if (path.replaceFullPath !== void 0 && path.type !== "ReplaceFullPath") report(at, "type must be 'ReplaceFullPath' when replaceFullPath is set");
    if (path.type === "ReplacePrefixMatch" && path.replacePrefixMatch === void 0) report(at, "replacePrefixMatch must be specified when type is set to 'ReplacePrefixMatch'");
    if (path.replacePrefixMatch !== void 0 && path.type !== "ReplacePrefixMatch") report(at, "type must be 'ReplacePrefixMatch' when replacePrefixMatch is set");
  }
}
function checkTimeouts(timeouts, p, report) {
  if (!timeouts || timeouts.request === void 0 || timeouts.backendRequest === void 0) return;
  const request = parseGatewayDuration(timeouts.request);
  const backend = parseGatewayDuration(timeouts.backendRequest);
  if (request !== void 0 && backend !== void 0 && request !== 0 && backend > request) report(p, "backendRequest timeout cannot be longer than request timeout");
}
var DEFAULT_PATH = () => ({ type: "PathPrefix", value: "/" });
function withDefaults(spec) {
  const out = structuredClone(spec);
  out.parentRefs = (out.parentRefs ?? []).map((r) => ({ group: "gateway.networking.k8s.io", kind: "Gateway", ...r }));
  if (!Array.isArray(out.rules)) out.rules = [{ matches: [{ path: DEFAULT_PATH() }] }];
  for (const rule of out.rules) {
    if (!Array.isArray(rule.matches)) rule.matches = [{ path: DEFAULT_PATH() }];
    for (const m of rule.matches) m.path = m.path === void 0 ? DEFAULT_PATH() : { type: "PathPrefix", value: "/", ...m.path };
    rule.backendRefs = rule.backendRefs?.map((b) => ({ group: "", kind: "Service", weight: 1, ...b, filters: b.filters?.map(defaultFilter) }));
    rule.filters = rule.filters?.map(defaultFilter);
  }
  return out;
}
function defaultFilter(f) {
  const mirror = f.requestMirror;
  if (!mirror) return f;
  return {
    ...f,
    requestMirror: {
      ...mirror,
      ...mirror.backendRef ? { backendRef: { group: "", kind: "Service", ...mirror.backendRef } } : {},
      ...mirror.fraction ? { fraction: { denominator: 100, ...mirror.fraction } } : {}
    }
  };
}

// source/core/convert/matches.ts
var HANDLED_ELSEWHERE = ["withoutHeaders", "sourceLabels", "sourceNamespace", "gateways", "port", "ignoreUriCase", "scheme", "authority", "name"];
var CONVERTED = ["uri", "headers", "queryParams", "method", "statPrefix"];
function convertMatch(m, p, problems) {
  const src = isObject(m) ? m : {};
  for (const field of Object.keys(src)) {
    if (!CONVERTED.includes(field) && !HANDLED_ELSEWHERE.includes(field)) problems.untranslatableAt(`${p}.${field}`, "This match field is unknown to the converter, so it cannot be carried over.");
  }
  if (src.statPrefix !== void 0) problems.warn(`${p}.statPrefix`, "statPrefix only names statistics; HTTPRoute has no such field and it is left out.");
  const match = {};
  let kind = "prefix";
  const uri = isObject(src.uri) ? src.uri : {};
  if (typeof uri.exact === "string") {
    kind = "exact";
    match.path = gatewayPath("Exact", uri.exact, `${p}.uri.exact`, problems);
  } else if (typeof uri.prefix === "string" && uri.prefix !== "") {
    match.path = gatewayPath("PathPrefix", uri.prefix, `${p}.uri.prefix`, problems);
  } else if (typeof uri.regex === "string") {
    kind = "regex";
    match.path = { type: "RegularExpression", value: uri.regex };
  }
  const headers = stringMatches(src.headers, `${p}.headers`, problems);
  if (headers.length > 0) match.headers = headers;
  const query = stringMatches(src.queryParams, `${p}.queryParams`, problems);
  if (query.length > 0) match.queryParams = query;
  if (typeof src.method?.exact === "string") match.method = src.method.exact;
  return { match, kind };
}
function gatewayPath(type, value, path, problems) {
  const problem = pathValueProblem(value);
  if (problem) problems.untranslatableAt(path, `HTTPRoute refuses this ${type} path (${problem}); only a hand-written RegularExpression match could express it.`);
  return { type, value };
}
function stringMatches(map, p, problems) {
  if (!isObject(map)) return [];
  return Object.keys(map).sort().flatMap((name) => {
    const sm = isObject(map[name]) ? map[name] : {};
    const at = `${p}.${name}`;
    if (!HEADER_NAME.test(name)) {
      problems.untranslatableAt(at, "HTTPRoute only matches names made of token characters (no pseudo-headers such as :authority).");
      return [];
    }
    if (typeof sm.exact === "string") {
      if (sm.exact === "") {
        problems.untranslatableAt(`${at}.exact`, "HTTPRoute match values need at least one character, so an empty exact value cannot be written.");
        return [];
      }
      return [{ name, type: "Exact", value: sm.exact }];
    }
    if (typeof sm.regex === "string") {
      if (sm.regex === "") {
        problems.untranslatableAt(`${at}.regex`, "HTTPRoute match values need at least one character, so an empty regex cannot be written.");
        return [];
      }
      return [{ name, type: "RegularExpression", value: sm.regex }];
    }
    if (typeof sm.prefix === "string") return [{ name, type: "RegularExpression", value: `^${escapeRegex(sm.prefix)}.*` }];
    return [{ name, type: "RegularExpression", value: ".*" }];
  });
}

// source/core/convert/ordering.ts
function rewritesMatchedPrefix(rule) {
  const uri = rule?.rewrite?.uri;
  const prefix = rule?.redirect?.prefixRewrite;
  return typeof uri === "string" && uri !== "" || typeof prefix === "string" && prefix !== "";
}
function selectRules(vs, problems) {
  const http = Array.isArray(vs.spec?.http) ? vs.spec.http : [];
  const entries = http.flatMap((rule, i) => {
    const { match, name: _name, ...rest } = isObject(rule) ? rule : {};
    const action = JSON.stringify(rest);
    if (!Array.isArray(match) || match.length === 0) return [{ rule: i, match: null, m: void 0, action }];
    const split = rewritesMatchedPrefix(rule);
    return match.map((m, k) => ({ rule: i, match: k, m, action: split ? `${action}#${pathKind(m) === "prefix" ? `prefix${k}` : "full"}` : action }));
  });
  const live = entries.filter((later, n) => {
    const earlier = entries.slice(0, n).find((e) => e.action !== later.action && covers(e.m, later.m));
    if (earlier) {
      problems.warn(
        pathOf(later),
        `The VirtualService never reaches this match: the earlier ${pathOf(earlier)} takes every request it would match. It is left out of the HTTPRoute, where precedence could let it win.`
      );
    }
    return !earlier;
  });
  const expanded = {
    ...vs,
    spec: { ...vs.spec, http: live.map((e) => ({ ...without(http[e.rule], ["match", "name"]), ...e.m === void 0 ? {} : { match: [e.m] }, __outcome: e.action })) }
  };
  const original = (e) => pathOf(live[e]);
  const rename = (text) => text.replace(/spec\.http\[(\d+)\](?:\.match\[0\])?/g, (_, e) => original(Number(e)));
  for (const w of analyzeVirtualService(expanded).semanticWarnings) {
    const at = /^spec\.http\[(\d+)\](?:\.match\[0\])?$/.exec(w.path);
    if (at) problems.untranslatableAt(original(Number(at[1])), rename(w.reason));
  }
  return http.map((rule, i) => {
    const mine = live.filter((e) => e.rule === i);
    const hasMatches = Array.isArray(rule?.match) && rule.match.length > 0;
    return { matches: hasMatches ? mine.map((e) => e.match) : null, dropped: mine.length === 0 };
  });
}
var isPrecedencePath = (path) => /^spec\.http\[\d+\](?:\.match\[\d+\])?$/.test(path);
function pathOf(e) {
  return e.match === null ? `spec.http[${e.rule}]` : `spec.http[${e.rule}].match[${e.match}]`;
}
function without(o, keys) {
  return Object.fromEntries(Object.entries(isObject(o) ? o : {}).filter(([k]) => !keys.includes(k)));
}
function pathKind(m) {
  if (typeof m?.uri?.exact === "string") return "exact";
  if (typeof m?.uri?.prefix === "string" && m.uri.prefix !== "") return "prefix";
  if (typeof m?.uri?.regex === "string") return "regex";
  return "prefix";
}
var PLAIN_FIELDS = ["uri", "headers", "queryParams", "method", "name", "statPrefix"];
function covers(a, b) {
  const A = isObject(a) ? a : {};
  const B = isObject(b) ? b : {};
  if (Object.keys(A).some((k) => !PLAIN_FIELDS.includes(k)) || B.ignoreUriCase) return false;
  if (!pathCovers(A.uri, B.uri)) return false;
  if (A.method !== void 0 && !(typeof A.method?.exact === "string" && A.method.exact === B.method?.exact)) return false;
  return mapCovers(lowerKeys(A.headers), lowerKeys(B.headers)) && mapCovers(A.queryParams, B.queryParams);
}
function pathCovers(a, b) {
  const [ak, bk] = [pathKind({ uri: a }), pathKind({ uri: b })];
  const bValue = bk === "exact" ? b.exact : bk === "regex" ? b.regex : typeof b?.prefix === "string" && b.prefix !== "" ? b.prefix : "/";
  if (ak === "prefix") {
    const prefix = typeof a?.prefix === "string" && a.prefix !== "" ? a.prefix : "/";
    return bk !== "regex" && bValue.startsWith(prefix);
  }
  if (ak === "exact") return bk === "exact" && bValue === a.exact;
  return bk === "regex" && bValue === a.regex || bk === "exact" && fullMatch(a.regex, bValue);
}
function mapCovers(a, b) {
  const am = isObject(a) ? a : {};
  const bm = isObject(b) ? b : {};
  return Object.entries(am).every(([name, sm]) => {
    const other = bm[name];
    if (!isObject(other)) return false;
    const value = typeof other.exact === "string" ? other.exact : void 0;
    if (typeof sm?.exact === "string") return value === sm.exact;
    if (typeof sm?.prefix === "string") return (value ?? (typeof other.prefix === "string" ? other.prefix : void 0))?.startsWith(sm.prefix) ?? false;
    if (typeof sm?.regex === "string") return other.regex === sm.regex || value !== void 0 && fullMatch(sm.regex, value);
    return true;
  });
}
function lowerKeys(o) {
  return Object.fromEntries(Object.entries(isObject(o) ? o : {}).map(([k, v]) => [k.toLowerCase(), v]));
}
function fullMatch(regex, value) {
  try {
    return new RegExp(`^(?:${regex})$`).test(value);
  } catch {
    return false;
  }
}

// source/core/convert/virtual-service.ts
var RULE_FIELDS = /* @__PURE__ */ new Set([
  "name",
  "match",
  "route",
  "redirect",
  "directResponse",
  "delegate",
  "rewrite",
  "timeout",
  "retries",
  "fault",
  "mirror",
  "mirrorPercent",
  "mirror_percent",
  "mirrorPercentage",
  "mirrors",
  "corsPolicy",
  "headers"
]);
var SPEC_FIELDS = /* @__PURE__ */ new Set(["hosts", "gateways", "http", "tcp", "tls", "exportTo"]);
var RULE_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
var MAX_RULES = 16;
var MAX_MATCHES_PER_RULE = 64;
var MAX_MATCHES = 128;
function convertVirtualService(vs, services) {
  const namespace = vs.metadata.namespace ?? "default";
  const result = { source: { namespace, name: vs.metadata.name }, routes: [], subsets: [], untranslatable: [], warnings: [] };
  const analysis = analyzeVirtualService(vs);
  if (!analysis.mesh) return result;
  const problems = new Problems();
  analysis.untranslatable.forEach((f) => problems.untranslatableAt(f.path, f.reason));
  analysis.semanticWarnings.filter((w) => !resolvedHere(w.path)).forEach((w) => problems.warn(w.path, w.reason));
  const spec = isObject(vs.spec) ? vs.spec : {};
  for (const field of Object.keys(spec)) if (!SPEC_FIELDS.has(field)) problems.untranslatableAt(`spec.${field}`, "This field is unknown to the converter, so it cannot be carried over.");
  const refs = new ServiceRefs(namespace, services, problems);
  const parentRefs = uniqueParents((Array.isArray(spec.hosts) ? spec.hosts : []).map((h, i) => refs.parent(h, `spec.hosts[${i}]`)));
  const http = Array.isArray(spec.http) ? spec.http : [];
  const selection = selectRules(vs, problems);
  const generated = http.flatMap((rule, i) => selection[i].dropped ? [] : convertRule(isObject(rule) ? rule : {}, i, selection[i].matches, parentRefs, refs, problems));
  nameRules(http, generated);
  const packed = packRules(generated);
  const routes = packed.map((rules, n) => httpRoute(vs, namespace, routeName(vs.metadata.name, n, packed.length), parentRefs, rules));
  if (problems.untranslatable.length === 0) {
    routes.forEach((route, n) => {
      for (const problem of checkHttpRoute(route)) {
        const at = /^spec\.rules\[(\d+)\]/.exec(problem.path);
        const origin = at ? packed[n][Number(at[1])].origin : void 0;
        problems.untranslatableAt(origin === void 0 ? "spec" : `spec.http[${origin}]`, `The HTTPRoute would be refused: ${problem.message} (${problem.path}).`);
      }
    });
  }
  result.untranslatable = dedupe(problems.untranslatable);
  result.warnings = dedupe(problems.warnings);
  if (result.untranslatable.length === 0 && http.length > 0) {
    result.routes = routes;
    result.subsets = refs.subsets;
  }
  return result;
}
function resolvedHere(path) {
  return isPrecedencePath(path) || /\.match\[\d+\]\.(headers|queryParams)\./.test(path) || /\.redirect$/.test(path) || /\.directResponse$/.test(path) || /\.route\[\d+\](\.weight)?$/.test(path);
}
function convertRule(rule, i, keep, parents, refs, problems) {
  const p = `spec.http[${i}]`;
  for (const field of Object.keys(rule)) if (!RULE_FIELDS.has(field)) problems.untranslatableAt(`${p}.${field}`, "This field is unknown to the converter, so it cannot be carried over.");
  const matches = (keep ?? []).map((k) => convertMatch(rule.match[k], `${p}.match[${k}]`, problems));
  const backendRefs = backends(rule, p, parents, refs, problems);
  const headers = headerFilters(rule.headers, `${p}.headers`, problems);
  const mirrors = mirrorFilters(rule, p, refs, problems);
  const cors = rule.corsPolicy !== void 0 ? corsFilter(rule.corsPolicy, `${p}.corsPolicy`, problems) : void 0;
  const timeouts = requestTimeout(rule.timeout, `${p}.timeout`, problems);
  const pathFilter = (kind) => rule.redirect !== void 0 ? redirectFilter(rule.redirect, kind, `${p}.redirect`, problems) : rewriteFilter(rule.rewrite, kind, `${p}.rewrite`, problems);
  const build = (group, kind) => {
    const filters = [...headers, pathFilter(kind), ...mirrors, cors].filter((f) => f !== void 0);
    return {
      origin: i,
      rule: {
        ...group ? { matches: group } : {},
        ...filters.length > 0 ? { filters } : {},
        ...backendRefs ? { backendRefs } : {},
        ...timeouts ? { timeouts } : {}
      }
    };
  };
  if (!rewritesMatchedPrefix(rule)) {
    if (keep === null) return [build(void 0, "prefix")];
    const chunks = [];
    for (let n = 0; n < matches.length; n += MAX_MATCHES_PER_RULE) chunks.push(build(matches.slice(n, n + MAX_MATCHES_PER_RULE).map((m) => m.match), "prefix"));
    return chunks;
  }
  const PREFIX_ROOT = { type: "PathPrefix", value: "/" };
  if (keep === null) return [build([{ path: PREFIX_ROOT }], "prefix")];
  const out = [];
  let full;
  for (const m of matches) {
    if (m.kind === "prefix") out.push(build([{ path: PREFIX_ROOT, ...m.match }], "prefix"));
    else if (full) full.rule.matches.push(m.match);
    else out.push(full = build([m.match], m.kind));
  }
  return out;
}
function backends(rule, p, parents, refs, problems) {
  const actions = ["route", "redirect", "directResponse"].filter((f) => rule[f] !== void 0);
  if (actions.length > 1) problems.untranslatableAt(p, `The rule has ${actions.join(" and ")}; Istio refuses that, and HTTPRoute cannot redirect and route in one rule.`);
  if (rule.redirect !== void 0 && rule.rewrite !== void 0) problems.untranslatableAt(`${p}.rewrite`, "A redirect with a rewrite has no HTTPRoute form: RequestRedirect and URLRewrite exclude each other.");
  if (rule.redirect !== void 0) return void 0;
  if (rule.directResponse !== void 0) {
    const zero = refs.zeroWeight(parents);
    if (zero) return [{ ...zero }];
    problems.untranslatableAt(`${p}.directResponse`, "A bare 500 is written as a weight-0 backendRef, which needs a host Service with a port.");
    return void 0;
  }
  const route = Array.isArray(rule.route) ? rule.route : [];
  if (route.length === 0) {
    if (rule.delegate === void 0) problems.untranslatableAt(p, "The rule has no route, redirect or directResponse.");
    return void 0;
  }
  const out = [];
  route.forEach((r, j) => {
    const at = `${p}.route[${j}]`;
    const ref = refs.backend(r?.destination, `${at}.destination`);
    if (!ref) return;
    const weight = typeof r?.weight === "number" ? r.weight : 0;
    if (route.length > 1 && weight > 1e6) problems.untranslatableAt(`${at}.weight`, "HTTPRoute weights go up to 1000000.");
    const filters = headerFilters(r?.headers, `${at}.headers`, problems);
    out.push({ ...ref, ...route.length > 1 ? { weight } : {}, ...filters.length > 0 ? { filters } : {} });
  });
  return out;
}
function uniqueParents(refs) {
  const out = [];
  for (const ref of refs) if (ref && !out.some((o) => o.name === ref.name)) out.push(ref);
  return out;
}
function nameRules(http, generated) {
  const names = http.map((r) => typeof r?.name === "string" ? r.name : void 0);
  for (const g of generated) {
    const name = names[g.origin];
    const alone = generated.filter((o) => o.origin === g.origin).length === 1;
    if (name && alone && name.length <= 253 && RULE_NAME.test(name) && names.filter((n) => n === name).length === 1) g.rule = { name, ...g.rule };
  }
}
function packRules(rules) {
  const routes = [];
  let current = [];
  let matches = 0;
  for (const g of rules) {
    const n = Array.isArray(g.rule.matches) ? g.rule.matches.length : 1;
    if (current.length > 0 && (current.length === MAX_RULES || matches + n > MAX_MATCHES)) {
      routes.push(current);
      current = [];
      matches = 0;
    }
    current.push(g);
    matches += n;
  }
  if (current.length > 0) routes.push(current);
  return routes;
}
function routeName(base, n, count) {
  if (n === 0) return base;
  return `${base}-${String(n + 1).padStart(String(count).length, "0")}`;
}
function httpRoute(vs, namespace, name, parentRefs, rules) {
  return structuredClone({
    apiVersion: "gateway.networking.k8s.io/v1",
    kind: "HTTPRoute",
    metadata: {
      name,
      namespace,
      labels: { [MANAGED_BY_LABEL]: MANAGER },
      annotations: { [CONVERTED_FROM]: `VirtualService/${namespace}/${vs.metadata.name}` }
    },
    spec: { parentRefs, rules: rules.map((g) => g.rule) }
  });
}
function dedupe(list) {
  const seen = /* @__PURE__ */ new Set();
  return list.filter((f) => {
    const key = `${f.path}
${f.reason}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

// source/core/plan/routing.ts
var objectKey = (o) => `${o.metadata.namespace}/${o.metadata.name}`;
var analyses = /* @__PURE__ */ new WeakMap();
function routeAnalysis(vs) {
  let analysis = analyses.get(vs);
  if (!analysis) analyses.set(vs, analysis = analyzeVirtualService(vs));
  return analysis;
}
function planRouting(input) {
  const plan = { operations: [], replaced: [], findings: [] };
  const { namespace } = input;
  const created = /* @__PURE__ */ new Map();
  const createdKey = (o) => `${o.kind}/${objectKey(o)}`;
  for (const vs of [...input.virtualServices].sort((a, b) => byCodeUnits(a.metadata.name, b.metadata.name))) {
    const conversion = convertVirtualService(vs, input.services);
    const where = { namespaces: [namespace], resource: refOf(vs), scope: "namespace" };
    if (conversion.untranslatable.length > 0 || conversion.routes.length === 0) {
      if (conversion.untranslatable.length > 0) {
        plan.findings.push(
          makeFinding(FINDINGS.routeKept, {
            ...where,
            message: `${describe(vs)} stays a VirtualService (Alpha on waypoints): ${conversion.untranslatable.map((u) => u.path).join(", ")} cannot be expressed as an HTTPRoute`,
            remedy: "rework those fields, then plan again; until then the waypoint applies the VirtualService as is",
            field: conversion.untranslatable[0].path
          })
        );
      }
      continue;
    }
    const rules = [...new Set(conversion.subsets.flatMap((s) => [...input.destinationRulesFor(s.service.namespace, s.service.name), ...input.destinationRulesFor(s.service.namespace, s.backendName)]))];
    const versions = versionServices(conversion.subsets, rules, input.services);
    if (versions.problems.length > 0) {
      for (const problem of versions.problems) {
        plan.findings.push(
          makeFinding(FINDINGS.subsetNotMapped, {
            ...where,
            message: `${describe(vs)} uses a subset that cannot become a Service: ${problem.reason}`,
            remedy: "give the subset plain labels the Service selector can use, then plan again; the VirtualService stays until then",
            field: problem.path
          })
        );
      }
      continue;
    }
    for (const warning of conversion.warnings) {
      plan.findings.push(
        makeFinding(FINDINGS.routeMeaningChanges, {
          ...where,
          message: `${describe(vs)} ${warning.path}: ${warning.reason}`,
          remedy: "acknowledge this before applying, or rework the route",
          field: warning.path
        })
      );
    }
    for (const version of versions.services) {
      if (created.has(createdKey(version.service))) continue;
      created.set(createdKey(version.service), version.service);
      plan.operations.push(
        operation(namespace, "policies", "create", targetOf(version.service), null, version.service, `subset ${version.source.subset} of ${version.source.host} (DestinationRule ${version.source.destinationRule}) as a Service an HTTPRoute can route to`)
      );
    }
    for (const rule of versions.destinationRules) {
      if (created.has(createdKey(rule.destinationRule))) continue;
      created.set(createdKey(rule.destinationRule), rule.destinationRule);
      plan.operations.push(
        operation(namespace, "policies", "create", targetOf(rule.destinationRule), null, rule.destinationRule, `keeps the traffic policy of subset ${rule.source.subset} (DestinationRule ${rule.source.destinationRule}) for its version Service`)
      );
    }
    for (const route of conversion.routes) {
      plan.operations.push(operation(namespace, "policies", "create", targetOf(route), null, route, `replaces ${describe(vs)}`));
    }
    plan.replaced.push(vs);
  }
  return plan;
}
function subsetRoutedServices(allVirtualServices, converted) {
  const stillRouted = /* @__PURE__ */ new Set();
  for (const vs of allVirtualServices) {
    if (converted.has(objectKey(vs))) continue;
    for (const used of routeAnalysis(vs).subsetsUsed) {
      const svc = parseServiceHost(used.host, vs.metadata.namespace);
      if (svc) stillRouted.add(`${svc.namespace}/${svc.name}`);
    }
  }
  return stillRouted;
}
function destinationRuleCleanup(input, converted, stillRouted) {
  const ops = [];
  if (converted.size === 0) return ops;
  const replacedHere = /* @__PURE__ */ new Set();
  for (const vs of input.virtualServices) {
    if (!converted.has(objectKey(vs))) continue;
    for (const used of routeAnalysis(vs).subsetsUsed) {
      const svc = parseServiceHost(used.host, vs.metadata.namespace);
      if (svc) replacedHere.add(`${svc.namespace}/${svc.name}`);
    }
  }
  for (const rule of input.destinationRules) {
    if (rule.metadata.namespace !== input.namespace || !(rule.spec?.subsets ?? []).length) continue;
    const host = parseServiceHost(rule.spec?.host ?? "", rule.metadata.namespace);
    if (!host || stillRouted.has(`${host.namespace}/${host.name}`)) continue;
    if (!replacedHere.has(`${host.namespace}/${host.name}`)) continue;
    if (rule.spec?.trafficPolicy) {
      const updated = structuredClone(rule);
      delete updated.spec.subsets;
      ops.push(operation(input.namespace, "cleanup", "update", targetOf(rule), rule, updated, "its subsets are replaced by version Services; the traffic policy stays for the waypoint"));
    } else {
      ops.push(operation(input.namespace, "cleanup", "delete", targetOf(rule), rule, null, "every subset is replaced by a version Service"));
    }
  }
  return ops;
}

// source/core/plan/planner.ts
function planMigration(inventory, cluster, requested) {
  const ctx = buildContext(inListOrder(inventory));
  const audit = auditContext(ctx, cluster);
  const readiness = new Map(audit.namespaces.map((n) => [n.name, n]));
  const system = new Set(audit.cluster.systemNamespaces);
  const namespacesUnread = audit.findings.find((f) => f.id === FINDINGS.unreadableKind.id && f.resource.kind === "Namespace");
  const refused = [];
  const accepted = [];
  for (const name of [...new Set(requested)].sort()) {
    const state = readiness.get(name);
    if (!state && namespacesUnread) refused.push({ namespace: name, reason: "blocked", message: `namespace ${name} cannot be checked (${FINDINGS.unreadableKind.id}): ${namespacesUnread.message}` });
    else if (!state) refused.push({ namespace: name, reason: "unknown", message: `namespace ${name} does not exist in this cluster` });
    else if (system.has(name)) refused.push({ namespace: name, reason: "system", message: `namespace ${name} runs Kubernetes or Istio itself: the migration leaves it out of the mesh` });
    else if (state.readiness === "blocked") refused.push({ namespace: name, reason: "blocked", message: `namespace ${name} is blocked by ${state.reasons.join(", ")}` });
    else if (state.readiness === "done") refused.push({ namespace: name, reason: "done", message: `namespace ${name} is already in ambient mode` });
    else accepted.push(state);
  }
  const operations = [];
  const findings = [];
  const replacedRoutes = /* @__PURE__ */ new Set();
  const cleanup = /* @__PURE__ */ new Map();
  const trustDomain = ctx.meshConfig.trustDomain ?? "cluster.local";
  const serviceLookup = (namespace, name) => ctx.inNamespace("service", namespace).find((s) => s.metadata.name === name);
  const perNamespace = /* @__PURE__ */ new Map();
  const namespaceObjects = new Map(ctx.namespaces.map((n) => [n.metadata.name, n]));
  const rulesByHost = /* @__PURE__ */ new Map();
  for (const rule of ctx.items("destinationRule")) {
    const host = typeof rule.spec?.host === "string" ? parseServiceHost(rule.spec.host, rule.metadata.namespace ?? "default") : void 0;
    if (!host) continue;
    const key = `${host.namespace}/${host.name}`;
    rulesByHost.set(key, [...rulesByHost.get(key) ?? [], rule]);
  }
  const destinationRulesFor = (namespace, name) => rulesByHost.get(`${namespace}/${name}`) ?? [];
  const rootPolicies = ["authorizationPolicy", "requestAuthentication", "wasmPlugin"].flatMap((kind) => ctx.inNamespace(kind, ctx.rootNamespace));
  const meshWidePolicies = rootPolicies.filter((p) => attachmentOf(p, ctx.rootNamespace) === "root-namespace");
  const rootSelectorPolicies = rootPolicies.filter((p) => attachmentOf(p, ctx.rootNamespace) === "selector");
  for (const state of accepted) {
    const name = state.name;
    const ops = [];
    const waypoint = state.readiness === "needs-waypoint";
    const workloads = [...ctx.inNamespace("deployment", name), ...ctx.inNamespace("statefulSet", name), ...ctx.inNamespace("daemonSet", name)];
    const namespaceObject = namespaceObjects.get(name);
    if (waypoint) {
      const existing = ctx.inNamespace("gateway", name).find((g) => g.metadata.name === "waypoint");
      if (!existing) {
        const gateway = waypointGateway(name, namespaceRevision(namespaceObject));
        ops.push(operation(name, "waypoint", "create", targetOf(gateway), null, gateway, "a waypoint enforces the L7 policies and routes of this namespace"));
      }
      const meshRoutes = ctx.inNamespace("virtualService", name).filter((vs) => routeAnalysis(vs).mesh);
      const routing = planRouting({ namespace: name, virtualServices: meshRoutes, destinationRulesFor, services: serviceLookup });
      const versionServices2 = routing.operations.filter((o) => o.action === "create" && o.target.kind === "Service").map((o) => o.after);
      const policies = planPolicies({
        namespace: name,
        rootNamespace: ctx.rootNamespace,
        trustDomain,
        authorizationPolicies: ctx.inNamespace("authorizationPolicy", name),
        meshPolicies: name === ctx.rootNamespace ? [] : meshWidePolicies,
        waypointClassPolicy: hasWaypointClassPolicy(ctx.inNamespace("authorizationPolicy", ctx.rootNamespace)),
        rootSelected: name === ctx.rootNamespace ? [] : rootSelectorPolicies.filter((p) => selectsApplicationPods(ctx, p, name)),
        requestAuthentications: ctx.inNamespace("requestAuthentication", name),
        wasmPlugins: ctx.inNamespace("wasmPlugin", name),
        services: [...ctx.inNamespace("service", name), ...versionServices2],
        units: podTemplateUnits(workloads, ctx.podsIn(name))
      });
      ops.push(...routing.operations, ...policies.operations);
      findings.push(...policies.findings, ...routing.findings);
      for (const vs of routing.replaced) if (gatewaysBesidesMesh(vs).length === 0) replacedRoutes.add(objectKey(vs));
      for (const original of [...policies.replaced, ...routing.replaced]) {
        if (!cleanup.has(name)) cleanup.set(name, []);
        const others = original.kind === "VirtualService" ? gatewaysBesidesMesh(original) : [];
        if (others.length > 0) {
          const kept = structuredClone(original);
          kept.spec = { ...kept.spec, gateways: others };
          cleanup.get(name).push(operation(name, "cleanup", "update", targetOf(original), original, kept, `its HTTPRoute replaces its mesh routes; it stays for ${others.join(", ")}, without mesh`));
          continue;
        }
        const key = `${original.kind}/${original.metadata.namespace}/${original.metadata.name}`;
        const latest = [...ops].reverse().find((o) => o.action === "update" && `${o.target.kind}/${o.target.namespace}/${o.target.name}` === key)?.after ?? original;
        cleanup.get(name).push(operation(name, "cleanup", "delete", targetOf(original), latest, null, "replaced by its waypoint version; deleted right after the last restart of the pods it selects"));
      }
      perNamespace.set(name, { ops, meshRoutes });
    } else {
      perNamespace.set(name, { ops, meshRoutes: [] });
    }
    const restartable = ctx.inNamespace("pod", name).filter((p) => !isFinished(p));
    ops.push(...planEnablement({ namespace: namespaceObject, waypoint, workloads, pods: restartable }));
  }
  const stillRouted = subsetRoutedServices(ctx.items("virtualService"), replacedRoutes);
  for (const [name, { ops, meshRoutes }] of perNamespace) {
    ops.push(...cleanup.get(name) ?? []);
    if (meshRoutes.length > 0) {
      ops.push(...destinationRuleCleanup({ namespace: name, virtualServices: meshRoutes, destinationRules: ctx.inNamespace("destinationRule", name) }, replacedRoutes, stillRouted));
    }
    const workloads = [...ctx.inNamespace("deployment", name), ...ctx.inNamespace("statefulSet", name), ...ctx.inNamespace("daemonSet", name)];
    operations.push(...deleteRightAfterLastRestart(orderOperations(ops), workloads));
  }
  const planned = new Set(accepted.map((a) => a.name));
  return {
    plan: {
      namespaces: [...planned].sort(),
      operations,
      // The audit's order (severity, id, resource), which does not depend on the machine's locale.
      findings: [...audit.findings.filter((f) => f.namespaces.some((n) => planned.has(n))), ...findings]
    },
    refused,
    audit
  };
}
function gatewaysBesidesMesh(vs) {
  const gateways = Array.isArray(vs.spec?.gateways) ? vs.spec.gateways : [];
  return gateways.filter((g) => g !== "mesh");
}
function inListOrder(inventory) {
  const key = (o) => `${o.metadata.namespace ?? ""}\0${o.metadata.name}`;
  const objects = {};
  for (const [kind, items] of Object.entries(inventory.objects)) {
    objects[kind] = items.map((o) => [key(o), o]).sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0).map(([, o]) => o);
  }
  return { ...inventory, objects };
}
var KIND_ORDER = {
  policies: ["Service", "DestinationRule", "HTTPRoute", "AuthorizationPolicy", "RequestAuthentication", "WasmPlugin"],
  // Opted-out pods, then their templates (whose rollout replaces them), are labelled out of ambient mode
  // before the namespace is enrolled.
  enroll: ["Pod", "Deployment", "StatefulSet", "DaemonSet", "Namespace"],
  "remove-injection": ["Namespace", "Deployment", "StatefulSet", "DaemonSet"],
  cleanup: ["AuthorizationPolicy", "RequestAuthentication", "WasmPlugin", "VirtualService", "DestinationRule"]
};
var SIDECAR_ENFORCED = /* @__PURE__ */ new Set(["AuthorizationPolicy", "RequestAuthentication", "WasmPlugin"]);
function deleteRightAfterLastRestart(ops, workloads) {
  const templateLabels = new Map(workloads.map((w) => [`${w.kind}/${w.metadata.name}`, w.spec?.template?.metadata?.labels ?? {}]));
  const movable = ops.filter((o) => o.step === "cleanup" && o.action === "delete" && SIDECAR_ENFORCED.has(o.target.kind) && o.before?.spec?.selector?.matchLabels);
  const rest = ops.filter((o) => !movable.includes(o));
  const after = /* @__PURE__ */ new Map();
  const unplaced = [];
  for (const del of movable) {
    const selector = del.before.spec.selector.matchLabels;
    const restarts = rest.filter((o) => o.action === "restart" && selects(selector, templateLabels.get(`${o.target.kind}/${o.target.name}`)));
    const last = restarts.at(-1);
    if (!last) unplaced.push(del);
    else after.set(last, [...after.get(last) ?? [], del]);
  }
  const out = [];
  for (const op of rest) {
    out.push(op);
    if (op.step === "cleanup" && unplaced.length > 0 && !out.some((o) => unplaced.includes(o))) {
      out.splice(out.length - 1, 0, ...unplaced);
    }
    out.push(...after.get(op) ?? []);
  }
  if (!out.some((o) => unplaced.includes(o))) out.push(...unplaced);
  return out;
}
function orderOperations(ops) {
  const stepIndex = (op) => STEPS.indexOf(op.step);
  const kindIndex = (op) => KIND_ORDER[op.step]?.indexOf(op.target.kind) ?? 0;
  return [...ops].sort((a, b) => stepIndex(a) - stepIndex(b) || kindIndex(a) - kindIndex(b) || byCodeUnits(a.id, b.id));
}

export {
  planMigration
};
