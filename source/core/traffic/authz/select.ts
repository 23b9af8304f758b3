import type {KubeObject} from '../../../kube/client.ts';
import {canonicalGroup, labelsSubset} from './istio-match.ts';
import type {PolicyRef} from './api.ts';

/**
 * Which AuthorizationPolicies an Envoy (sidecar, gateway, waypoint) applies: istiod's
 * WorkloadPolicyMatcher.ShouldAttachPolicy (istio/istio pilot/pkg/model/policyattachment.go), over the
 * namespaces ListAuthorizationPolicies looks in (root, the workload's, the Service's:
 * istio/istio pilot/pkg/model/authorization.go).
 */

/** The label a Gateway API deployment (gateway or waypoint) carries: istio/istio pilot/pkg/model/policyattachment.go (workloadGatewayName). */
export const GATEWAY_NAME_LABEL = 'gateway.networking.k8s.io/gateway-name';
/** istio/istio pkg/config/constants/constants.go (WaypointGatewayClassName). */
export const WAYPOINT_GATEWAY_CLASS = 'istio-waypoint';
const GATEWAY_API_GROUP = 'gateway.networking.k8s.io';

export interface TargetRef {
  group?: string;
  kind?: string;
  name?: string;
  namespace?: string;
}

export interface PolicyMatcher {
  workloadNamespace: string;
  workloadLabels: Record<string, string>;
  isWaypoint: boolean;
  /** At most one, as istiod allows (ListAuthorizationPolicies panics on more). */
  service?: {name: string; namespace: string; registry: 'Kubernetes' | 'External'};
  rootNamespace: string;
}

export const refOf = (o: KubeObject): PolicyRef => ({namespace: o.metadata.namespace ?? '', name: o.metadata.name});

/** targetRefs, or the older single targetRef when targetRefs is empty: istio/istio pilot/pkg/model/policyattachment.go (GetTargetRefs). */
export function targetRefsOf(spec: any): TargetRef[] {
  const refs = Array.isArray(spec?.targetRefs) ? spec.targetRefs : [];
  if (refs.length === 0 && spec?.targetRef) return [spec.targetRef];
  return refs;
}

function matchesGroupKind(ref: TargetRef, group: string, kind: string): boolean {
  return canonicalGroup(ref.group) === canonicalGroup(group) && ref.kind === kind;
}

/**
 * istio/istio pilot/pkg/model/policyattachment.go (ShouldAttachPolicy):
 * - a workload that is not a Gateway API deployment (no gateway-name label) ignores every policy with
 *   targetRefs and takes the selector ones (no selector, or a selector whose labels it has);
 * - a waypoint never takes a selector policy; a Gateway API gateway does (ENABLE_SELECTOR_BASED_K8S_GATEWAY_POLICY
 *   defaults to true: pilot/pkg/features/pilot.go);
 * - targetRefs bind: a Service (waypoint only, policy in the Service's namespace, Kubernetes registry), a
 *   ServiceEntry (likewise, external registry), the GatewayClass istio-waypoint (waypoint only, policy in the root
 *   namespace), and a Gateway of the gateway's own name (policy in the workload's namespace; a targetRef to
 *   another namespace never matches).
 */
export function shouldAttachPolicy(m: PolicyMatcher, policy: KubeObject): boolean {
  const spec = policy.spec ?? {};
  const policyNamespace = policy.metadata.namespace ?? '';
  const gatewayName = m.workloadLabels[GATEWAY_NAME_LABEL];
  const refs = targetRefsOf(spec);
  const selected = () => !spec.selector || labelsSubset(spec.selector.matchLabels, m.workloadLabels);
  if (gatewayName === undefined) return refs.length === 0 && selected();
  if (refs.length === 0) return !m.isWaypoint && selected();
  for (const ref of refs) {
    const svc = m.service;
    if (m.isWaypoint && svc && ref.name === svc.name && policyNamespace === svc.namespace) {
      if (matchesGroupKind(ref, '', 'Service') && svc.registry === 'Kubernetes') return true;
      if (matchesGroupKind(ref, 'networking.istio.io', 'ServiceEntry') && svc.registry === 'External') return true;
    }
    if (policyNamespace === m.rootNamespace && m.isWaypoint && matchesGroupKind(ref, GATEWAY_API_GROUP, 'GatewayClass') && ref.name === WAYPOINT_GATEWAY_CLASS) return true;
    if (m.workloadNamespace !== policyNamespace) continue;
    if (ref.namespace && ref.namespace !== m.workloadNamespace) continue;
    if (matchesGroupKind(ref, GATEWAY_API_GROUP, 'Gateway') && ref.name === gatewayName) return true;
  }
  return false;
}

/**
 * The policies an Envoy applies, oldest first (istiod sorts by creation time, then name, then namespace:
 * istio/istio pilot/pkg/model/authorization.go GetAuthorizationPolicies, pilot/pkg/model/push_context.go
 * sortConfigByCreationTime).
 */
export function listAuthorizationPolicies(policies: KubeObject[], m: PolicyMatcher): KubeObject[] {
  const namespaces = new Set([m.rootNamespace, m.workloadNamespace, ...(m.service ? [m.service.namespace] : [])]);
  return sortByCreation(policies.filter(p => namespaces.has(p.metadata.namespace ?? '') && shouldAttachPolicy(m, p)));
}

export function sortByCreation(objects: KubeObject[]): KubeObject[] {
  const time = (o: KubeObject) => (o.metadata.creationTimestamp ? Date.parse(o.metadata.creationTimestamp) : 0);
  return [...objects].sort(
    (a, b) =>
      time(a) - time(b) ||
      a.metadata.name.localeCompare(b.metadata.name) ||
      (a.metadata.namespace ?? '').localeCompare(b.metadata.namespace ?? ''),
  );
}

/** What a waypoint point stands for: the Gateway object, or one of its pods (gateway-name label). */
export function waypointMatcher(waypoint: KubeObject, service: KubeObject | undefined, rootNamespace: string): PolicyMatcher {
  const labels = {...(waypoint.metadata.labels ?? {})};
  if (waypoint.kind === 'Gateway') labels[GATEWAY_NAME_LABEL] = waypoint.metadata.name;
  else labels[GATEWAY_NAME_LABEL] ??= waypoint.metadata.name;
  return {
    workloadNamespace: waypoint.metadata.namespace ?? '',
    workloadLabels: labels,
    isWaypoint: true,
    service: service
      ? {name: service.metadata.name, namespace: service.metadata.namespace ?? '', registry: service.kind === 'ServiceEntry' ? 'External' : 'Kubernetes'}
      : undefined,
    rootNamespace,
  };
}

export function podMatcher(pod: KubeObject, rootNamespace: string): PolicyMatcher {
  return {workloadNamespace: pod.metadata.namespace ?? '', workloadLabels: pod.metadata.labels ?? {}, isWaypoint: false, rootNamespace};
}
