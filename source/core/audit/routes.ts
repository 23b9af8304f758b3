import type {KubeObject} from '../../kube/client.ts';
import {analyzeVirtualService, parseServiceHost} from '../routes/translatability.ts';
import {FINDINGS} from './catalogue.ts';
import {describe, refOf, type AuditContext} from './context.ts';
import {makeFinding} from './finding.ts';
import type {Finding} from './types.ts';

/** Mesh VirtualServices to convert, their subsets, and every field that has no HTTPRoute equivalent. */
export function routeFindings(ctx: AuditContext): Finding[] {
  const out: Finding[] = [];
  for (const vs of ctx.items('virtualService')) {
    const analysis = analyzeVirtualService(vs);
    if (!analysis.mesh) continue;
    const namespace = vs.metadata.namespace!;
    const targets = ((vs.spec?.hosts ?? []) as string[]).map(h => parseServiceHost(h, namespace)).filter(Boolean) as Array<{namespace: string}>;
    const namespaces = [namespace, ...targets.map(t => t.namespace)];
    const where = {namespaces, resource: refOf(vs), scope: 'namespace' as const};
    out.push(
      makeFinding(FINDINGS.virtualService, {
        ...where,
        message: `${describe(vs)} routes mesh traffic for ${(vs.spec?.hosts ?? []).join(', ')}: VirtualService on waypoints is Alpha; it becomes an HTTPRoute`,
        remedy: 'the plan converts it to an HTTPRoute and deletes it after the restart',
      }),
    );
    if (analysis.subsetsUsed.length > 0) {
      const subsets = [...new Set(analysis.subsetsUsed.map(s => `${s.host}/${s.subset}`))];
      out.push(
        makeFinding(FINDINGS.subsets, {
          ...where,
          message: `${describe(vs)} routes to DestinationRule subsets ${subsets.join(', ')}: HTTPRoute cannot name subsets`,
          remedy: 'the plan creates one Service per version (<service>-<subset>) and routes to those',
          field: analysis.subsetsUsed[0]!.path,
        }),
      );
    }
    for (const field of analysis.untranslatable) {
      out.push(
        makeFinding(FINDINGS.untranslatable, {
          ...where,
          message: `${describe(vs)} ${field.path}: ${field.reason}`,
          remedy: 'rework this route by hand (or keep the behaviour in the application) before migrating; the plan will not emit a route that behaves differently',
          field: field.path,
        }),
      );
    }
  }
  return out;
}

/** Services that a mesh VirtualService routes for, as `namespace/name`. */
export function meshRoutedServices(ctx: AuditContext): Map<string, KubeObject> {
  const out = new Map<string, KubeObject>();
  for (const vs of ctx.items('virtualService')) {
    if (!analyzeVirtualService(vs).mesh) continue;
    for (const host of (vs.spec?.hosts ?? []) as string[]) {
      const svc = parseServiceHost(host, vs.metadata.namespace!);
      if (svc) out.set(`${svc.namespace}/${svc.name}`, vs);
    }
  }
  return out;
}
