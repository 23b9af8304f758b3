import type {KubeObject} from '../../kube/client.ts';
import {auditContext} from '../audit/audit.ts';
import {FINDINGS} from '../audit/catalogue.ts';
import {makeFinding} from '../audit/finding.ts';
import {attachmentOf, hasWaypointClassPolicy} from '../authorization.ts';
import {isFinished, WAYPOINT_MANAGED_LABEL} from '../dataplane.ts';
import {buildContext, describe, refOf, selects, selectsApplicationPods} from '../audit/context.ts';
import type {AuditReport, NamespaceReadiness} from '../audit/types.ts';
import type {Inventory} from '../inventory.ts';
import {parseServiceHost} from '../routes/translatability.ts';
import {podTemplateUnits} from './attachment.ts';
import {planEnablement} from './enablement.ts';
import {byCodeUnits, operation, targetOf} from './objects.ts';
import {planPolicies} from './policies.ts';
import {destinationRuleCleanup, objectKey, planRouting, routeAnalysis, subsetRoutedServices} from './routing.ts';
import {STEPS, WAYPOINT_NAME, type Operation, type Plan} from './types.ts';
import {namespaceRevision, waypointGateway} from './waypoint.ts';

export type Refusal = {namespace: string; reason: 'unknown' | 'blocked' | 'done' | 'system'; message: string};

export interface PlanOutcome {
  plan: Plan;
  refused: Refusal[];
  audit: AuditReport;
}

/**
 * Everything ambient mode needs for the chosen namespaces, as objects and ordered operations. Pure: the
 * same inventory and namespaces always give the same plan, byte for byte.
 */
export function planMigration(inventory: Inventory, cluster: {context: string; server: string; kubernetesVersion: string}, requested: string[]): PlanOutcome {
  const ctx = buildContext(inListOrder(inventory));
  const audit = auditContext(ctx, cluster);
  const readiness = new Map(audit.namespaces.map(n => [n.name, n]));
  // Without the namespace list, a namespace missing from it may well exist: that is not "unknown".
  const system = new Set(audit.cluster.systemNamespaces);
  const namespacesUnread = audit.findings.find(f => f.id === FINDINGS.unreadableKind.id && f.resource.kind === 'Namespace');
  const refused: Refusal[] = [];
  const accepted: NamespaceReadiness[] = [];
  for (const name of [...new Set(requested)].sort()) {
    const state = readiness.get(name);
    if (!state && namespacesUnread) refused.push({namespace: name, reason: 'blocked', message: `namespace ${name} cannot be checked (${FINDINGS.unreadableKind.id}): ${namespacesUnread.message}`});
    else if (!state) refused.push({namespace: name, reason: 'unknown', message: `namespace ${name} does not exist in this cluster`});
    else if (system.has(name)) refused.push({namespace: name, reason: 'system', message: `namespace ${name} runs Kubernetes or Istio itself: the migration leaves it out of the mesh`});
    else if (state.readiness === 'blocked') refused.push({namespace: name, reason: 'blocked', message: `namespace ${name} is blocked by ${state.reasons.join(', ')}`});
    else if (state.readiness === 'done') refused.push({namespace: name, reason: 'done', message: `namespace ${name} is already in ambient mode`});
    else accepted.push(state);
  }

  const operations: Operation[] = [];
  const findings = [];
  const replacedRoutes = new Set<string>();
  const cleanup = new Map<string, Operation[]>();
  const trustDomain = (ctx.meshConfig.trustDomain as string | undefined) ?? 'cluster.local';
  const serviceLookup = (namespace: string, name: string) => ctx.inNamespace('service', namespace).find(s => s.metadata.name === name);
  const perNamespace = new Map<string, {ops: Operation[]; meshRoutes: KubeObject[]}>();
  const namespaceObjects = new Map(ctx.namespaces.map(n => [n.metadata.name, n]));
  const rulesByHost = new Map<string, KubeObject[]>();
  for (const rule of ctx.items('destinationRule')) {
    const host = typeof rule.spec?.host === 'string' ? parseServiceHost(rule.spec.host, rule.metadata.namespace ?? 'default') : undefined;
    if (!host) continue;
    const key = `${host.namespace}/${host.name}`;
    rulesByHost.set(key, [...(rulesByHost.get(key) ?? []), rule]);
  }
  const destinationRulesFor = (namespace: string, name: string) => rulesByHost.get(`${namespace}/${name}`) ?? [];
  // Mesh VirtualServices by the Service host they route, cluster-wide (a VirtualService may route another
  // namespace's Service).
  const hostsOf = (vs: KubeObject): string[] =>
    (Array.isArray(vs.spec?.hosts) ? (vs.spec.hosts as unknown[]) : []).flatMap(h => {
      const host = typeof h === 'string' ? parseServiceHost(h, vs.metadata.namespace ?? 'default') : undefined;
      return host ? [`${host.namespace}/${host.name}`] : [];
    });
  const meshRoutesByHost = new Map<string, KubeObject[]>();
  for (const vs of ctx.items('virtualService')) {
    if (!routeAnalysis(vs).mesh) continue;
    for (const host of new Set(hostsOf(vs))) meshRoutesByHost.set(host, [...(meshRoutesByHost.get(host) ?? []), vs]);
  }

  // Root-namespace policies apply in every namespace: without a selector to every workload, with one to
  // the pods it selects.
  const rootPolicies = (['authorizationPolicy', 'requestAuthentication', 'wasmPlugin'] as const).flatMap(kind => ctx.inNamespace(kind, ctx.rootNamespace));
  const meshWidePolicies = rootPolicies.filter(p => attachmentOf(p, ctx.rootNamespace) === 'root-namespace');
  const rootSelectorPolicies = rootPolicies.filter(p => attachmentOf(p, ctx.rootNamespace) === 'selector');
  for (const state of accepted) {
    const name = state.name;
    const ops: Operation[] = [];
    const waypoint = state.readiness === 'needs-waypoint';
    const workloads = [...ctx.inNamespace('deployment', name), ...ctx.inNamespace('statefulSet', name), ...ctx.inNamespace('daemonSet', name)];
    const namespaceObject = namespaceObjects.get(name)!;
    if (waypoint) {
      const existing = ctx.inNamespace('gateway', name).find(g => g.metadata.name === WAYPOINT_NAME);
      if (!existing) {
        const gateway = waypointGateway(name, namespaceRevision(namespaceObject));
        ops.push(operation(name, 'waypoint', 'create', targetOf(gateway), null, gateway, 'a waypoint enforces the L7 policies and routes of this namespace'));
        // Istio names the waypoint's Deployment and Service after its Gateway and applies them over whatever
        // has that name: an application Service called `waypoint` would get the waypoint's selector and ports.
        for (const kind of ['service', 'deployment'] as const) {
          const taken = ctx.inNamespace(kind, name).find(o => o.metadata.name === WAYPOINT_NAME && !o.metadata.labels?.[WAYPOINT_MANAGED_LABEL]);
          if (!taken) continue;
          findings.push(
            makeFinding(FINDINGS.waypointNameTaken, {
              message: `${describe(taken)} has the name the waypoint's ${taken.kind} would get: Istio would apply the waypoint's ${taken.kind} over it`,
              remedy: `rename ${taken.kind} ${name}/${WAYPOINT_NAME} (or move that application to another namespace), then plan again`,
              namespaces: [name],
              resource: refOf(taken),
              scope: 'namespace',
            }),
          );
        }
      }
      const meshRoutes = ctx.inNamespace('virtualService', name).filter(vs => routeAnalysis(vs).mesh);
      // Sidecars apply one VirtualService per host (the oldest); HTTPRoutes for one Service are merged and
      // re-sorted, so rules that were dead would go live. Such a host is not converted: a blocker says which.
      for (const vs of meshRoutes) {
        const rivals = [...new Set(hostsOf(vs).flatMap(h => meshRoutesByHost.get(h) ?? []))].filter(o => o !== vs);
        if (rivals.length === 0) continue;
        const all = [vs, ...rivals].sort(byAge);
        findings.push(
          makeFinding(FINDINGS.routesShareHost, {
            message: `${describe(vs)} and ${rivals.map(describe).join(', ')} route mesh traffic for the same host; sidecars apply only the oldest (${describe(all[0]!)}) and ignore the rest, while HTTPRoutes for one Service would all be merged`,
            remedy: `merge them into one VirtualService (or delete the ones sidecars ignore), then plan again`,
            namespaces: [name],
            resource: refOf(vs),
            scope: 'namespace',
          }),
        );
      }
      const shared = new Set(meshRoutes.filter(vs => hostsOf(vs).some(h => (meshRoutesByHost.get(h)?.length ?? 0) > 1)));
      const destinationRuleNamed = (namespace: string, ruleName: string) => ctx.inNamespace('destinationRule', namespace).find(r => r.metadata.name === ruleName);
      const routing = planRouting({namespace: name, virtualServices: meshRoutes.filter(vs => !shared.has(vs)), destinationRulesFor, destinationRuleNamed, services: serviceLookup});
      // The version Services the routes need are Services of these pods too: a call to reviews-v1 goes
      // through the waypoint like a call to reviews, so a copy attached to reviews alone would leave it unchecked.
      const versionServices = routing.operations.filter(o => o.action === 'create' && o.target.kind === 'Service').map(o => o.after!);
      const policies = planPolicies({
        namespace: name,
        rootNamespace: ctx.rootNamespace,
        trustDomain,
        authorizationPolicies: ctx.inNamespace('authorizationPolicy', name),
        meshPolicies: name === ctx.rootNamespace ? [] : meshWidePolicies,
        waypointClassPolicy: hasWaypointClassPolicy(ctx.inNamespace('authorizationPolicy', ctx.rootNamespace)),
        rootSelected: name === ctx.rootNamespace ? [] : rootSelectorPolicies.filter(p => selectsApplicationPods(ctx, p, name)),
        requestAuthentications: ctx.inNamespace('requestAuthentication', name),
        wasmPlugins: ctx.inNamespace('wasmPlugin', name),
        services: [...ctx.inNamespace('service', name), ...versionServices],
        units: podTemplateUnits(workloads, ctx.podsIn(name)),
      });
      ops.push(...routing.operations, ...policies.operations);
      findings.push(...policies.findings, ...routing.findings);
      // A VirtualService bound to a gateway as well as to the mesh keeps serving that gateway: only `mesh`
      // is dropped from it, and it keeps the DestinationRules it routes to.
      for (const vs of routing.replaced) if (gatewaysBesidesMesh(vs).length === 0) replacedRoutes.add(objectKey(vs));
      for (const original of [...policies.replaced, ...routing.replaced]) {
        if (!cleanup.has(name)) cleanup.set(name, []);
        const others = original.kind === 'VirtualService' ? gatewaysBesidesMesh(original) : [];
        if (others.length > 0) {
          const kept = structuredClone(original);
          kept.spec = {...kept.spec, gateways: others};
          cleanup.get(name)!.push(operation(name, 'cleanup', 'update', targetOf(original), original, kept, `its HTTPRoute replaces its mesh routes; it stays for ${others.join(', ')}, without mesh`));
          continue;
        }
        // As the plan leaves it by then: a policy the plan updated first (to let the waypoint through) is
        // deleted in that state, or the delete would take the plan's own change for someone else's.
        const key = `${original.kind}/${original.metadata.namespace}/${original.metadata.name}`;
        const latest = [...ops].reverse().find(o => o.action === 'update' && `${o.target.kind}/${o.target.namespace}/${o.target.name}` === key)?.after ?? original;
        cleanup.get(name)!.push(operation(name, 'cleanup', 'delete', targetOf(original), latest, null, 'replaced by its waypoint version; deleted right after the last restart of the pods it selects'));
      }
      perNamespace.set(name, {ops, meshRoutes});
    } else {
      perNamespace.set(name, {ops, meshRoutes: []});
    }
    // Pods still Terminating count here: mid-rollout (a Recreate, a StatefulSet) their replacements start
    // from the same template, sidecar and all, and need the restart as much.
    const restartable = ctx.inNamespace('pod', name).filter(p => !isFinished(p));
    ops.push(...planEnablement({namespace: namespaceObject, waypoint, workloads, pods: restartable}));
  }

  // DestinationRule clean-up needs to know every VirtualService the whole plan replaces.
  const stillRouted = subsetRoutedServices(ctx.items('virtualService'), replacedRoutes);
  for (const [name, {ops, meshRoutes}] of perNamespace) {
    ops.push(...(cleanup.get(name) ?? []));
    if (meshRoutes.length > 0) {
      ops.push(...destinationRuleCleanup({namespace: name, virtualServices: meshRoutes, destinationRules: ctx.inNamespace('destinationRule', name)}, replacedRoutes, stillRouted));
    }
    const workloads = [...ctx.inNamespace('deployment', name), ...ctx.inNamespace('statefulSet', name), ...ctx.inNamespace('daemonSet', name)];
    operations.push(...deleteRightAfterLastRestart(orderOperations(ops), workloads));
  }

  const planned = new Set(accepted.map(a => a.name));
  return {
    plan: {
      namespaces: [...planned].sort(),
      operations,
      // The audit's order (severity, id, resource), which does not depend on the machine's locale.
      findings: [...audit.findings.filter(f => f.namespaces.some(n => planned.has(n))), ...findings],
    },
    refused,
    audit,
  };
}

/** Oldest first, as istiod orders VirtualServices for one host (then by namespace and name). */
function byAge(a: KubeObject, b: KubeObject): number {
  const at = (o: KubeObject) => o.metadata.creationTimestamp ?? '';
  return byCodeUnits(at(a), at(b)) || byCodeUnits(`${a.metadata.namespace}/${a.metadata.name}`, `${b.metadata.namespace}/${b.metadata.name}`);
}

/**
 * The gateways a VirtualService is bound to other than the mesh (`gateways` lists `mesh` or is empty for the
 * mesh: istio/istio pilot/pkg/model/virtualservice.go, and the VirtualService reference's `gateways`).
 */
function gatewaysBesidesMesh(vs: KubeObject): string[] {
  const gateways = Array.isArray(vs.spec?.gateways) ? (vs.spec.gateways as string[]) : [];
  return gateways.filter(g => g !== 'mesh');
}

/**
 * Every kind in the order a kube-apiserver lists it (namespace, then name). Some audit findings name
 * objects in the order they were listed, so an inventory read another way (a cache, a merged file) gave
 * the same cluster a different plan; sorting here keeps the plan byte for byte the same.
 */
function inListOrder(inventory: Inventory): Inventory {
  const key = (o: KubeObject) => `${o.metadata.namespace ?? ''}\u0000${o.metadata.name}`;
  const objects: Inventory['objects'] = {};
  for (const [kind, items] of Object.entries(inventory.objects) as Array<[keyof Inventory['objects'], KubeObject[]]>) {
    objects[kind] = items
      .map(o => [key(o), o] as const)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, o]) => o);
  }
  return {...inventory, objects};
}

/**
 * Within a step, kinds go in dependency order: version Services before the routes that use them; in
 * clean-up, VirtualServices before the DestinationRules whose subsets they route to.
 */
const KIND_ORDER: Partial<Record<Operation['step'], string[]>> = {
  policies: ['Service', 'DestinationRule', 'HTTPRoute', 'AuthorizationPolicy', 'RequestAuthentication', 'WasmPlugin'],
  // Opted-out pods, then their templates (whose rollout replaces them), are labelled out of ambient mode
  // before the namespace is enrolled.
  enroll: ['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'Namespace'],
  'remove-injection': ['Namespace', 'Deployment', 'StatefulSet', 'DaemonSet'],
  cleanup: ['AuthorizationPolicy', 'RequestAuthentication', 'WasmPlugin', 'VirtualService', 'DestinationRule'],
};

const SIDECAR_ENFORCED = new Set(['AuthorizationPolicy', 'RequestAuthentication', 'WasmPlugin']);

/**
 * The clean-up deletes an original policy right after the restart of the last workload whose pods it
 * selects, not after every restart of the namespace: from the moment its pods are in ambient mode until it
 * is gone, ztunnel enforces what is left of it (no L7 rules), so the window is as short as the order of
 * restarts allows. A policy whose pods no restart replaces stays at the end (the apply runner deletes it
 * only once no selected pod runs a sidecar).
 */
function deleteRightAfterLastRestart(ops: Operation[], workloads: KubeObject[]): Operation[] {
  const templateLabels = new Map(workloads.map(w => [`${w.kind}/${w.metadata.name}`, (w.spec?.template?.metadata?.labels ?? {}) as Record<string, string>]));
  const movable = ops.filter(o => o.step === 'cleanup' && o.action === 'delete' && SIDECAR_ENFORCED.has(o.target.kind) && o.before?.spec?.selector?.matchLabels);
  const rest = ops.filter(o => !movable.includes(o));
  const after = new Map<Operation, Operation[]>();
  const unplaced: Operation[] = [];
  for (const del of movable) {
    const selector = del.before!.spec.selector.matchLabels as Record<string, string>;
    const restarts = rest.filter(o => o.action === 'restart' && selects(selector, templateLabels.get(`${o.target.kind}/${o.target.name}`)));
    const last = restarts.at(-1);
    if (!last) unplaced.push(del);
    else after.set(last, [...(after.get(last) ?? []), del]);
  }
  const out: Operation[] = [];
  for (const op of rest) {
    out.push(op);
    if (op.step === 'cleanup' && unplaced.length > 0 && !out.some(o => unplaced.includes(o))) {
      // Keep the guide's clean-up order: unplaced policy deletes lead the clean-up step, as before.
      out.splice(out.length - 1, 0, ...unplaced);
    }
    out.push(...(after.get(op) ?? []));
  }
  if (!out.some(o => unplaced.includes(o))) out.push(...unplaced);
  return out;
}

/** Operations in the guide's step order, then kind order, then by id (locale-independent): a stable plan. */
function orderOperations(ops: Operation[]): Operation[] {
  const stepIndex = (op: Operation) => STEPS.indexOf(op.step);
  const kindIndex = (op: Operation) => KIND_ORDER[op.step]?.indexOf(op.target.kind) ?? 0;
  return [...ops].sort((a, b) => stepIndex(a) - stepIndex(b) || kindIndex(a) - kindIndex(b) || byCodeUnits(a.id, b.id));
}

