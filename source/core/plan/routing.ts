import type {KubeObject} from '../../kube/client.ts';
import {FINDINGS} from '../audit/catalogue.ts';
import {describe, refOf} from '../audit/context.ts';
import {makeFinding} from '../audit/finding.ts';
import type {Finding} from '../audit/types.ts';
import {versionServices} from '../convert/subsets.ts';
import {convertVirtualService, type ServiceLookup} from '../convert/virtual-service.ts';
import {analyzeVirtualService, parseServiceHost} from '../routes/translatability.ts';
import {operation, targetOf} from './objects.ts';
import type {Operation} from './types.ts';

export interface RoutingInputs {
  namespace: string;
  /** Mesh VirtualServices of this namespace. */
  virtualServices: KubeObject[];
  /** Every DestinationRule in the cluster: a subset's labels may be defined in another namespace. */
  allDestinationRules: KubeObject[];
  services: ServiceLookup;
}

export interface RoutingPlan {
  operations: Operation[];
  /** VirtualServices replaced by HTTPRoutes, deleted right after the restart. */
  replaced: KubeObject[];
  findings: Finding[];
}

export const objectKey = (o: KubeObject) => `${o.metadata.namespace}/${o.metadata.name}`;

/** VirtualServices become HTTPRoutes, subsets become per-version Services; what cannot convert stays. */
export function planRouting(input: RoutingInputs): RoutingPlan {
  const plan: RoutingPlan = {operations: [], replaced: [], findings: []};
  const {namespace} = input;
  const created = new Map<string, KubeObject>();
  for (const vs of [...input.virtualServices].sort((a, b) => a.metadata.name.localeCompare(b.metadata.name))) {
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
    const versions = versionServices(conversion.subsets, input.allDestinationRules, input.services);
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
      if (created.has(objectKey(version.service))) continue;
      created.set(objectKey(version.service), version.service);
      plan.operations.push(
        operation(namespace, 'policies', 'create', targetOf(version.service), null, version.service, `subset ${version.source.subset} of ${version.source.host} (DestinationRule ${version.source.destinationRule}) as a Service an HTTPRoute can route to`),
      );
    }
    for (const rule of versions.destinationRules) {
      if (created.has(objectKey(rule.destinationRule))) continue;
      created.set(objectKey(rule.destinationRule), rule.destinationRule);
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

/**
 * A DestinationRule's subsets can go once no remaining VirtualService routes to them; its traffic
 * policy stays (waypoints apply it), so a rule with one is updated rather than deleted.
 */
export function destinationRuleCleanup(
  input: {namespace: string; virtualServices: KubeObject[]; allVirtualServices: KubeObject[]; allDestinationRules: KubeObject[]},
  converted: Set<string>,
): Operation[] {
  const ops: Operation[] = [];
  const stillRouted = new Set<string>();
  for (const vs of input.allVirtualServices) {
    if (converted.has(objectKey(vs))) continue;
    for (const used of analyzeVirtualService(vs).subsetsUsed) {
      const svc = parseServiceHost(used.host, vs.metadata.namespace!);
      if (svc) stillRouted.add(`${svc.namespace}/${svc.name}`);
    }
  }
  if (converted.size === 0) return ops;
  for (const rule of input.allDestinationRules) {
    if (rule.metadata.namespace !== input.namespace || !(rule.spec?.subsets ?? []).length) continue;
    const host = parseServiceHost(rule.spec?.host ?? '', rule.metadata.namespace!);
    if (!host || stillRouted.has(`${host.namespace}/${host.name}`)) continue;
    const replacedHere = input.virtualServices.some(vs => converted.has(objectKey(vs)) && analyzeVirtualService(vs).subsetsUsed.some((u: {host: string}) => {
      const svc = parseServiceHost(u.host, vs.metadata.namespace!);
      return svc?.namespace === host.namespace && svc.name === host.name;
    }));
    if (!replacedHere) continue;
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
