import type {AuditContext} from './audit/context.ts';
import type {NamespaceReadiness} from './audit/types.ts';
import {isInfrastructureWorkload, isMeshInfrastructure} from './dataplane.ts';
import {byCodeUnits} from './order.ts';

/** Kubernetes' own namespaces; istio-cni leaves kube-system out of ambient by default (reference §2.2). */
const KUBERNETES_NAMESPACES = ['kube-system', 'kube-public', 'kube-node-lease'];

/**
 * Namespaces the migration never enrolls: Kubernetes' own, and those running Istio itself (istiod,
 * ztunnel, istio-cni, or nothing but its gateways). They have no sidecars to migrate, and labelling them ambient would put the mesh's
 * own machinery into the mesh; an SRE pressing "select" on kube-system should be told no, not be trusted.
 */
export function systemNamespaces(ctx: AuditContext): string[] {
  const out = new Set<string>([ctx.istioNamespace]);
  for (const plane of ctx.controlPlanes) out.add(plane.namespace);
  for (const ds of ctx.items('daemonSet')) {
    const name = ds.metadata.name;
    if (name === 'ztunnel' || name === 'istio-cni-node' || ds.metadata.labels?.app === 'ztunnel') out.add(ds.metadata.namespace!);
  }
  // A namespace that runs only Istio's gateways (istio-ingress, as the gateway Helm chart installs it) is
  // the mesh's edge: removing its injection label and restarting would leave the gateways without a proxy.
  // Read from the workloads and the pods: an application scaled to zero next to a gateway, or pods no
  // Deployment owns (a Job's, an Argo Rollout's), still make the namespace an application's.
  for (const namespace of ctx.namespaces) {
    const name = namespace.metadata.name;
    const workloads = (['deployment', 'statefulSet', 'daemonSet'] as const).flatMap(kind => ctx.inNamespace(kind, name));
    const pods = ctx.podsIn(name);
    if (workloads.length + pods.length > 0 && workloads.every(isInfrastructureWorkload) && pods.every(isMeshInfrastructure)) out.add(name);
  }
  const existing = new Set(ctx.namespaces.map(n => n.metadata.name));
  for (const name of KUBERNETES_NAMESPACES) if (existing.has(name)) out.add(name);
  return [...out].filter(name => existing.has(name)).sort(byCodeUnits);
}

/**
 * The readiness people read: a system namespace the audit would call ready reads "system", since it is no
 * candidate. (The JSON keeps the audit's readiness; `cluster.systemNamespaces` says which ones these are.)
 */
export function readinessLabel(namespace: NamespaceReadiness, system: ReadonlySet<string>): string {
  const candidate = namespace.readiness === 'ready' || namespace.readiness === 'needs-waypoint';
  return candidate && system.has(namespace.name) ? 'system' : namespace.readiness;
}
