import type {KubeClient} from '../../kube/client.ts';
import {loadInventory, type Inventory} from '../inventory.ts';
import {blockerFindings} from './blockers.ts';
import {checkDefinition, findingDefinition} from './catalogue.ts';
import {AUDIT_KINDS, buildContext, type AuditContext} from './context.ts';
import {runEnvironmentChecks} from './env-checks.ts';
import {bypassFindings, envoyFilterFindings, routeMixFindings} from './limitations.ts';
import {policyFindings, waypointIdentityFindings} from './policies.ts';
import {riskFindings, trafficPolicyFindings} from './risks.ts';
import {routeFindings} from './routes.ts';
import type {AuditReport, CheckResult, Finding, NamespaceReadiness} from './types.ts';
import {unreadableKindFindings, unreadableKinds} from './unreadable.ts';
import {systemNamespaces} from '../system-namespaces.ts';
import {byCodeUnits} from '../order.ts';

const SEVERITY_ORDER = {blocker: 0, warning: 1, info: 2} as const;

/** Reads the cluster (one paginated LIST per kind) and audits it. */
export async function auditCluster(client: KubeClient): Promise<AuditReport> {
  const version = await client.version();
  const inventory = await loadInventory(client, AUDIT_KINDS);
  return auditInventory(inventory, {context: client.endpoint.context, server: client.endpoint.server, kubernetesVersion: version.gitVersion});
}

/** The audit itself: pure, from an inventory to a report. */
export function auditInventory(inventory: Inventory, cluster: {context: string; server: string; kubernetesVersion: string}): AuditReport {
  return auditContext(buildContext(inventory), cluster);
}

/** The audit over an already indexed inventory (the planner shares its index). */
export function auditContext(ctx: AuditContext, cluster: {context: string; server: string; kubernetesVersion: string}): AuditReport {
  const primary = [...blockerFindings(ctx), ...unreadableKindFindings(ctx), ...policyFindings(ctx), ...routeFindings(ctx), ...envoyFilterFindings(ctx), ...routeMixFindings(ctx), ...riskFindings(ctx)];
  const waypointNamespaces = namespacesNeedingWaypoint(ctx, primary);
  const findings = sortFindings([
    ...primary,
    ...waypointIdentityFindings(ctx, waypointNamespaces),
    ...bypassFindings(ctx, waypointNamespaces),
    ...trafficPolicyFindings(ctx, waypointNamespaces),
  ]);
  const checks = runEnvironmentChecks(ctx, cluster);
  return {
    cluster: {
      ...cluster,
      istio: ctx.controlPlanes.map(c => ({revision: c.revision, version: c.version, namespace: c.namespace, deployment: c.deployment})),
      installMethod: ctx.installMethod,
      systemNamespaces: systemNamespaces(ctx),
    },
    checks,
    findings,
    namespaces: readiness(ctx, findings, checks),
    unreadable: unreadableKinds(ctx.inventory),
  };
}

function namespacesNeedingWaypoint(ctx: AuditContext, findings: Finding[]): Set<string> {
  const out = new Set<string>();
  for (const finding of findings) {
    if (!findingDefinition(finding.id)?.needsWaypoint) continue;
    for (const ns of finding.namespaces) if (ctx.modes.has(ns)) out.add(ns);
  }
  return out;
}

/**
 * Per namespace: where it is now and whether it can move. Blockers and failing environment checks win
 * over waypoint needs (a check only waypoints need blocks only the namespaces that need one); a namespace
 * already in ambient is done whatever else is found.
 */
export function readiness(ctx: AuditContext, findings: Finding[], checks: CheckResult[] = []): NamespaceReadiness[] {
  const blockers = new Map<string, Set<string>>();
  const waypoint = new Map<string, Set<string>>();
  for (const finding of findings) {
    const definition = findingDefinition(finding.id);
    const target = finding.severity === 'blocker' ? blockers : definition?.needsWaypoint ? waypoint : undefined;
    if (!target) continue;
    for (const ns of finding.namespaces) {
      const set = target.get(ns) ?? new Set<string>();
      set.add(finding.id);
      target.set(ns, set);
    }
  }
  const failed = checks.filter(c => c.status === 'fail');
  return ctx.namespaces
    .map(ns => ns.metadata.name)
    .sort()
    .map(name => {
      const mode = ctx.modes.get(name)!;
      if (mode === 'ambient') return {name, mode, readiness: 'done' as const, reasons: []};
      const needs = waypoint.get(name);
      const failing = failed.filter(c => !checkDefinition(c.id)?.waypointOnly || needs).map(c => c.id);
      const blocking = [...(blockers.get(name) ?? []), ...failing];
      if (blocking.length > 0) return {name, mode, readiness: 'blocked' as const, reasons: [...new Set(blocking)].sort()};
      if (needs) return {name, mode, readiness: 'needs-waypoint' as const, reasons: [...needs].sort()};
      return {name, mode, readiness: 'ready' as const, reasons: []};
    });
}

function sortFindings(findings: Finding[]): Finding[] {
  const key = (f: Finding) => `${f.resource.namespace ?? ''}/${f.resource.kind}/${f.resource.name}/${f.field ?? ''}`;
  return findings.sort(
    (a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || byCodeUnits(a.id, b.id) || byCodeUnits(key(a), key(b)),
  );
}
