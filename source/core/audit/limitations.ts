import {analyzeVirtualService, parseServiceHost} from '../routes/translatability.ts';
import {FINDINGS} from './catalogue.ts';
import {describe, refOf, refOfKind, type AuditContext} from './context.ts';
import {makeFinding} from './finding.ts';
import {meshRoutedServices} from './routes.ts';
import type {Finding} from './types.ts';

/** A few names and how many more: with a thousand namespaces, messages must stay readable. */
function listSome(names: string[], max = 5): string {
  return names.length <= max ? names.join(', ') : `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
}

/** EnvoyFilters that patch sidecars: silently ignored once the workloads run in ambient mode. */
export function envoyFilterFindings(ctx: AuditContext): Finding[] {
  const out: Finding[] = [];
  for (const filter of ctx.items('envoyFilter')) {
    const contexts = ((filter.spec?.configPatches ?? []) as any[]).map(p => p?.match?.context ?? 'ANY');
    // Gateway-only filters keep working on ingress gateways.
    if (contexts.length > 0 && contexts.every(c => c === 'GATEWAY')) continue;
    const namespace = filter.metadata.namespace!;
    const meshWide = namespace === ctx.rootNamespace && !filter.spec?.workloadSelector;
    out.push(
      makeFinding(FINDINGS.envoyFilter, {
        message: `${describe(filter)} patches ${meshWide ? 'every sidecar in the mesh' : filter.spec?.workloadSelector ? 'selected sidecars' : `every sidecar in ${namespace}`} (${[...new Set(contexts)].join(', ')}); after migration it is silently ignored, and waypoints do not support EnvoyFilter`,
        remedy: 'replace it with a WasmPlugin (or TrafficExtension) attached to a waypoint, move the logic into the application, or keep this namespace on sidecars',
        namespaces: meshWide ? ctx.meshNamespaces : [namespace],
        resource: refOf(filter),
        scope: meshWide ? 'mesh' : filter.spec?.workloadSelector ? 'workload' : 'namespace',
      }),
    );
  }
  return out;
}

/** A mesh VirtualService and an HTTPRoute with a Service parent for the same Service: undefined behaviour. */
export function routeMixFindings(ctx: AuditContext): Finding[] {
  const routed = meshRoutedServices(ctx);
  const out: Finding[] = [];
  for (const route of ctx.items('httpRoute')) {
    for (const parent of (route.spec?.parentRefs ?? []) as any[]) {
      if (parent?.kind !== 'Service' || (parent.group ?? '') !== '') continue;
      const key = `${parent.namespace ?? route.metadata.namespace}/${parent.name}`;
      const vs = routed.get(key);
      if (!vs) continue;
      out.push(
        makeFinding(FINDINGS.routeMix, {
          message: `${describe(route)} and ${describe(vs)} both route Service ${key}: mixing them is undefined (in practice the HTTPRoute wins)`,
          remedy: 'keep one of them: the plan replaces the VirtualService with an HTTPRoute; merge the existing HTTPRoute rules into it by hand',
          namespaces: [route.metadata.namespace!, key.split('/')[0]!],
          resource: refOf(route),
          scope: 'namespace',
        }),
      );
    }
  }
  return out;
}

/**
 * Once a namespace has a waypoint, sidecar clients elsewhere still reach its pods directly (their L7
 * policy is skipped), and so does the ingress gateway unless the Service opts in.
 */
export function bypassFindings(ctx: AuditContext, waypointNamespaces: Set<string>): Finding[] {
  const out: Finding[] = [];
  const sidecarNamespaces = [...ctx.modes].filter(([, m]) => m === 'sidecar' || m === 'mixed').map(([n]) => n);
  for (const namespace of [...waypointNamespaces].sort()) {
    const callers = sidecarNamespaces.filter(n => n !== namespace);
    if (callers.length > 0) {
      out.push(
        makeFinding(FINDINGS.sidecarCallers, {
          message: `once ${namespace} has a waypoint, calls from sidecar workloads (${callers.length} namespace${callers.length > 1 ? 's' : ''}: ${listSome(callers)}) tunnel straight to its pods and skip the waypoint's L7 policy and routes until those callers migrate too`,
          remedy: 'migrate the callers as well, or plan a maintenance window; add the waypoint-bypass DENY only once every caller is ambient',
          namespaces: [namespace],
          resource: refOfKind('namespace', namespace),
          scope: 'namespace',
        }),
      );
    }
  }
  const ingressTargets = new Map<string, string>();
  for (const vs of ctx.items('virtualService')) {
    if (!analyzeVirtualService(vs).ingressOnly) continue;
    const destinations = ((vs.spec?.http ?? []) as any[]).flatMap(r => (r?.route ?? []).map((d: any) => d?.destination?.host as string | undefined));
    for (const host of destinations) {
      const svc = host ? parseServiceHost(host, vs.metadata.namespace!) : undefined;
      if (svc) ingressTargets.set(`${svc.namespace}/${svc.name}`, describe(vs));
    }
  }
  for (const route of ctx.items('httpRoute')) {
    const viaGateway = ((route.spec?.parentRefs ?? []) as any[]).some(p => (p?.kind ?? 'Gateway') === 'Gateway');
    if (!viaGateway) continue;
    for (const rule of (route.spec?.rules ?? []) as any[]) {
      for (const backend of (rule?.backendRefs ?? []) as any[]) {
        if ((backend?.kind ?? 'Service') !== 'Service') continue;
        ingressTargets.set(`${backend.namespace ?? route.metadata.namespace}/${backend.name}`, describe(route));
      }
    }
  }
  for (const [key, via] of [...ingressTargets].sort()) {
    const [namespace, name] = key.split('/') as [string, string];
    if (!waypointNamespaces.has(namespace)) continue;
    const service = ctx.inNamespace('service', namespace).find(s => s.metadata.name === name);
    if (service?.metadata.labels?.['istio.io/ingress-use-waypoint'] === 'true') continue;
    out.push(
      makeFinding(FINDINGS.ingressBypass, {
        message: `Service ${key} is reached from the ingress gateway (${via}); ingress skips the waypoint, so the waypoint's policies do not apply to that traffic`,
        remedy: `kubectl -n ${namespace} label service ${name} istio.io/ingress-use-waypoint=true   # once the waypoint is active`,
        namespaces: [namespace],
        resource: service ? refOf(service) : refOfKind('service', name, namespace),
        scope: 'workload',
      }),
    );
  }
  return out;
}
