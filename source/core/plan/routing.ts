import type {KubeObject} from '../../kube/client.ts';
import {FINDINGS} from '../audit/catalogue.ts';
import {describe, refOf} from '../audit/context.ts';
import {makeFinding} from '../audit/finding.ts';
import type {Finding} from '../audit/types.ts';
import {versionServices} from '../convert/subsets.ts';
import {convertVirtualService, type ServiceLookup} from '../convert/virtual-service.ts';
import {analyzeVirtualService, parseServiceHost} from '../routes/translatability.ts';
import {byCodeUnits, operation, targetOf} from './objects.ts';
import type {Operation} from './types.ts';

export interface RoutingInputs {
  namespace: string;
  /** Mesh VirtualServices of this namespace. */
  virtualServices: KubeObject[];
  /**
   * The DestinationRules for a Service host, from every namespace (a subset's labels may be defined in
   * another namespace), in inventory order. An index rather than the whole list: scanning every rule of
   * the cluster for every subset made planning 1,000 namespaces quadratic.
   */
  destinationRulesFor: (namespace: string, name: string) => KubeObject[];
  /** The DestinationRule of that name in a namespace, whatever its host. */
  destinationRuleNamed?: (namespace: string, name: string) => KubeObject | undefined;
  services: ServiceLookup;
}

export interface RoutingPlan {
  operations: Operation[];
  /** VirtualServices replaced by HTTPRoutes, deleted right after the restart. */
  replaced: KubeObject[];
  findings: Finding[];
}

export const objectKey = (o: KubeObject) => `${o.metadata.namespace}/${o.metadata.name}`;

/**
 * analyzeVirtualService, once per object: the planner asks about the same VirtualService several times
 * (mesh or not, the subsets it uses for clean-up) and, on a large cluster, the repeats were a good part of
 * the plan's time. Inventory objects are never modified while planning, so the object is the key.
 */
const analyses = new WeakMap<KubeObject, ReturnType<typeof analyzeVirtualService>>();
export function routeAnalysis(vs: KubeObject): ReturnType<typeof analyzeVirtualService> {
  let analysis = analyses.get(vs);
  if (!analysis) analyses.set(vs, (analysis = analyzeVirtualService(vs)));
  return analysis;
}

/** VirtualServices become HTTPRoutes, subsets become per-version Services; what cannot convert stays. */
export function planRouting(input: RoutingInputs): RoutingPlan {
  const plan: RoutingPlan = {operations: [], replaced: [], findings: []};
  const {namespace} = input;
  // Keyed by kind too: the DestinationRule for a version Service has the Service's name (reviews-v1), and
  // a namespace/name key made the Service hide its DestinationRule, dropping the subset's traffic policy.
  const created = new Map<string, KubeObject>();
  const createdKey = (o: KubeObject) => `${o.kind}/${objectKey(o)}`;
  for (const vs of [...input.virtualServices].sort((a, b) => byCodeUnits(a.metadata.name, b.metadata.name))) {
    const conversion = convertVirtualService(vs, input.services);
    const where = {namespaces: [namespace], resource: refOf(vs), scope: 'namespace' as const};
    if (conversion.untranslatable.length > 0 || conversion.routes.length === 0) {
      if (conversion.untranslatable.length > 0) {
        plan.findings.push(
          makeFinding(FINDINGS.routeKept, {
            ...where,
            message: `${describe(vs)} stays a VirtualService (Alpha on waypoints): ${conversion.untranslatable.map(u => u.path).join(', ')} cannot be expressed as an HTTPRoute`,
            remedy: 'rework those fields, then plan again; until then the waypoint applies the VirtualService as is',
            field: conversion.untranslatable[0]!.path,
          }),
        );
      }
      continue;
    }
    // The rules for the routed Services and for the version Services' own hosts: all versionServices reads.
    const rules = [...new Set(conversion.subsets.flatMap(s => [...input.destinationRulesFor(s.service.namespace, s.service.name), ...input.destinationRulesFor(s.service.namespace, s.backendName)]))];
    const versions = versionServices(conversion.subsets, rules, input.services, input.destinationRuleNamed);
    if (versions.problems.length > 0) {
      for (const problem of versions.problems) {
        plan.findings.push(
          makeFinding(FINDINGS.subsetNotMapped, {
            ...where,
            message: `${describe(vs)} uses a subset that cannot become a Service: ${problem.reason}`,
            remedy: 'give the subset plain labels the Service selector can use, then plan again; the VirtualService stays until then',
            field: problem.path,
          }),
        );
      }
      continue;
    }
    for (const warning of conversion.warnings) {
      plan.findings.push(
        makeFinding(FINDINGS.routeMeaningChanges, {
          ...where,
          message: `${describe(vs)} ${warning.path}: ${warning.reason}`,
          remedy: 'acknowledge this before applying, or rework the route',
          field: warning.path,
        }),
      );
    }
    for (const version of versions.services) {
      if (created.has(createdKey(version.service))) continue;
      created.set(createdKey(version.service), version.service);
      plan.operations.push(
        operation(namespace, 'policies', 'create', targetOf(version.service), null, version.service, `subset ${version.source.subset} of ${version.source.host} (DestinationRule ${version.source.destinationRule}) as a Service an HTTPRoute can route to`),
      );
    }
    for (const rule of versions.destinationRules) {
      if (created.has(createdKey(rule.destinationRule))) continue;
      created.set(createdKey(rule.destinationRule), rule.destinationRule);
      plan.operations.push(
        operation(namespace, 'policies', 'create', targetOf(rule.destinationRule), null, rule.destinationRule, `keeps the traffic policy of subset ${rule.source.subset} (DestinationRule ${rule.source.destinationRule}) for its version Service`),
      );
    }
    for (const route of conversion.routes) {
      plan.operations.push(operation(namespace, 'policies', 'create', targetOf(route), null, route, `replaces ${describe(vs)}`));
    }
    plan.replaced.push(vs);
  }
  return plan;
}

/** `namespace/name` of every Service that a VirtualService the plan does not replace routes to by subset. */
export function subsetRoutedServices(allVirtualServices: KubeObject[], converted: Set<string>): Set<string> {
  const stillRouted = new Set<string>();
  for (const vs of allVirtualServices) {
    if (converted.has(objectKey(vs))) continue;
    for (const used of routeAnalysis(vs).subsetsUsed) {
      const svc = parseServiceHost(used.host, vs.metadata.namespace!);
      if (svc) stillRouted.add(`${svc.namespace}/${svc.name}`);
    }
  }
  return stillRouted;
}

/**
 * A DestinationRule's subsets can go once no remaining VirtualService routes to them; its traffic
 * policy stays (waypoints apply it), so a rule with one is updated rather than deleted.
 * `stillRouted` is computed once for the whole plan (subsetRoutedServices): per namespace, it made the
 * plan of a large cluster quadratic.
 */
export function destinationRuleCleanup(
  input: {namespace: string; virtualServices: KubeObject[]; destinationRules: KubeObject[]},
  converted: Set<string>,
  stillRouted: Set<string>,
): Operation[] {
  const ops: Operation[] = [];
  if (converted.size === 0) return ops;
  // The Services this namespace's replaced VirtualServices route to by subset.
  const replacedHere = new Set<string>();
  for (const vs of input.virtualServices) {
    if (!converted.has(objectKey(vs))) continue;
    for (const used of routeAnalysis(vs).subsetsUsed) {
      const svc = parseServiceHost(used.host, vs.metadata.namespace!);
      if (svc) replacedHere.add(`${svc.namespace}/${svc.name}`);
    }
  }
  for (const rule of input.destinationRules) {
    if (rule.metadata.namespace !== input.namespace || !(rule.spec?.subsets ?? []).length) continue;
    const host = parseServiceHost(rule.spec?.host ?? '', rule.metadata.namespace!);
    if (!host || stillRouted.has(`${host.namespace}/${host.name}`)) continue;
    if (!replacedHere.has(`${host.namespace}/${host.name}`)) continue;
    if (rule.spec?.trafficPolicy) {
      const updated = structuredClone(rule);
      delete updated.spec.subsets;
      ops.push(operation(input.namespace, 'cleanup', 'update', targetOf(rule), rule, updated, 'its subsets are replaced by version Services; the traffic policy stays for the waypoint'));
    } else {
      ops.push(operation(input.namespace, 'cleanup', 'delete', targetOf(rule), rule, null, 'every subset is replaced by a version Service'));
    }
  }
  return ops;
}
