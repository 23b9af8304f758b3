import type {Severity} from './types.ts';

/**
 * Every check and finding the tool knows, by its stable id. The audit, the JSON output, the wizard and
 * the tests read ids, titles and severities from here; nothing else spells an id out.
 */
export interface CheckDefinition {
  id: string;
  title: string;
  /** A namespace depends on this check only when it needs a waypoint; on every other check every namespace does. */
  waypointOnly?: boolean;
}

export interface FindingDefinition {
  id: string;
  severity: Severity;
  title: string;
  /** A namespace with this finding needs a waypoint to keep its behaviour in ambient mode. */
  needsWaypoint: boolean;
  /** Where the reference explains it. */
  reference: string;
}

const GUIDE = 'https://istio.io/latest/docs/ambient/migrate/';

export const CHECKS = {
  kubernetesVersion: {id: 'env/kubernetes-version', title: 'Kubernetes version supported by this Istio release'},
  istioVersion: {id: 'env/istio-version', title: 'Istio control plane 1.24 or later'},
  installMethod: {id: 'env/install-method', title: 'How Istio was installed'},
  ambientEnabled: {id: 'env/ambient-enabled', title: 'Ambient enabled in istiod (PILOT_ENABLE_AMBIENT)'},
  ztunnel: {id: 'env/ztunnel', title: 'ztunnel DaemonSet ready on every node'},
  istioCni: {id: 'env/istio-cni', title: 'istio-cni running in ambient mode'},
  gatewayApiCrds: {id: 'env/gateway-api-crds', title: 'Gateway API CRDs installed and serving v1', waypointOnly: true},
  waypointClass: {id: 'env/waypoint-gatewayclass', title: 'GatewayClass istio-waypoint present', waypointOnly: true},
  hboneSidecars: {id: 'env/hbone-sidecars', title: 'Sidecars restarted with ISTIO_META_ENABLE_HBONE'},
  networkPolicies: {id: 'env/network-policies', title: 'NetworkPolicies allow HBONE (15008) and kubelet probes'},
} as const satisfies Record<string, CheckDefinition>;

function finding(id: string, severity: Severity, title: string, needsWaypoint: boolean, reference = GUIDE): FindingDefinition {
  return {id, severity, title, needsWaypoint, reference};
}

export const FINDINGS = {
  // Hard blockers: the guide says migration is impossible until they are resolved.
  vmWorkloads: finding('blocker/vm-workloads', 'blocker', 'VM workloads in the mesh', false),
  spire: finding('blocker/spire', 'blocker', 'SPIRE is the certificate provider', false),
  peerAuthDisable: finding('blocker/peer-authentication-disable', 'blocker', 'PeerAuthentication with mTLS DISABLE', false),
  primaryRemote: finding('blocker/primary-remote', 'blocker', 'Primary-remote multicluster', false),
  // Not the guide's: the tool could not read what it needs to tell whether the guide's blockers apply.
  unreadableKind: finding('blocker/unreadable-kind', 'blocker', 'A kind the migration depends on could not be read', false),
  // Weak signals of the same things: worth a look, not a stop.
  workloadEntry: finding('risk/workload-entry', 'warning', 'WorkloadEntry without a VM proxy', false),
  spirePresent: finding('risk/spire-present', 'warning', 'SPIRE installed but not used by Istio', false),
  multiclusterSecrets: finding('risk/multicluster-secrets', 'warning', 'Remote cluster secrets (multi-primary?)', false),
  // Limitations the guide lists.
  envoyFilter: finding('limit/envoyfilter', 'warning', 'EnvoyFilter is ignored after migration', false),
  sidecarCallers: finding('limit/sidecar-callers-bypass-waypoint', 'warning', 'Sidecar callers skip the waypoint', false),
  ingressBypass: finding('limit/ingress-bypasses-waypoint', 'warning', 'Ingress gateway skips the waypoint', false),
  routeMix: finding('limit/virtualservice-httproute-mix', 'warning', 'VirtualService and HTTPRoute for the same Service', false),
  // Policies and routes that must move to a waypoint.
  l7Authorization: finding('policy/l7-authorization', 'warning', 'L7 AuthorizationPolicy needs a waypoint', true),
  l7DenyFailsOpen: finding('policy/l7-deny-fails-open', 'warning', 'L7-only DENY stops enforcing without a waypoint', true),
  customOrAudit: finding('policy/custom-or-audit-action', 'warning', 'CUSTOM or AUDIT AuthorizationPolicy', true),
  requestAuthentication: finding('policy/request-authentication', 'warning', 'RequestAuthentication needs a waypoint', true),
  wasmPlugin: finding('policy/wasmplugin', 'warning', 'WasmPlugin needs a waypoint', true),
  l4AllowWaypointIdentity: finding('policy/l4-allow-sees-waypoint-identity', 'warning', 'L4 ALLOW will see the waypoint identity', false),
  l4DenyWaypointIdentity: finding('policy/l4-deny-sees-waypoint-identity', 'warning', 'L4 DENY will see the waypoint identity', false),
  virtualService: finding('route/virtualservice', 'info', 'Mesh VirtualService to convert to HTTPRoute', true),
  subsets: finding('route/subsets', 'info', 'Subset routing needs per-version Services', true),
  untranslatable: finding('route/untranslatable', 'warning', 'VirtualService field with no HTTPRoute equivalent', true),
  // Further risks the reference documents.
  sidecarResource: finding('risk/sidecar-resource', 'warning', 'Sidecar resource has no effect in ambient', false),
  registryOnly: finding('risk/registry-only-egress', 'warning', 'REGISTRY_ONLY egress is not enforced by ztunnel', false),
  headlessService: finding('risk/headless-service', 'info', 'Headless Service called by sidecars', false),
  metricsMerging: finding('risk/metrics-merging', 'info', 'Prometheus metrics merging ends with the sidecar', false),
  injectionOverride: finding('risk/pod-injection-override', 'info', 'Pod template asks for a sidecar itself', false),
  trafficPolicyWithoutWaypoint: finding('risk/destinationrule-without-waypoint', 'info', 'DestinationRule traffic policy needs a waypoint', false),
  dryRunPolicy: finding('risk/dry-run-policy', 'info', 'Dry-run AuthorizationPolicy is skipped by ztunnel', false),
  reviewPolicy: finding('risk/policy-needs-review', 'warning', 'AuthorizationPolicy field ztunnel does not convert', false),
  // What planning finds when it maps policies and routes onto a waypoint.
  policySelectsPartOfService: finding('plan/policy-selects-part-of-service', 'blocker', 'Policy selects only some pods of a Service', false),
  policySelectsNothing: finding('plan/policy-selects-nothing', 'info', 'Policy selects no workload', false),
  policyPodsWithoutService: finding('plan/policy-pods-without-service', 'blocker', 'Only a waypoint can enforce a policy whose pods no Service fronts', false),
  policyServiceOffWaypoint: finding('plan/policy-service-off-waypoint', 'blocker', 'Policy protects a Service that will not use the namespace waypoint', false),
  meshWidePolicy: finding('plan/mesh-wide-policy', 'warning', 'Mesh-wide policy needs a GatewayClass attachment', false),
  rootPolicySelectsNamespace: finding('plan/root-policy-selects-namespace', 'blocker', 'Root-namespace policy only a waypoint can enforce selects pods here', false),
  meshWidePolicyBlocksWaypoint: finding('plan/mesh-wide-policy-blocks-waypoint', 'blocker', 'Mesh-wide policy would stop traffic through the waypoint', false),
  subsetNotMapped: finding('plan/subset-not-mapped', 'blocker', 'Subset cannot become a version Service', false),
  routesShareHost: finding('plan/virtualservices-share-host', 'blocker', 'Several mesh VirtualServices for one host', false),
  waypointNameTaken: finding('plan/waypoint-name-taken', 'blocker', 'A Service or Deployment already has the waypoint\'s name', false),
  routeKept: finding('plan/virtualservice-kept', 'warning', 'VirtualService kept because it cannot be converted faithfully', false),
  routeMeaningChanges: finding('plan/route-meaning-changes', 'warning', 'Converted route behaves slightly differently', false),
} as const satisfies Record<string, FindingDefinition>;

export type FindingKey = keyof typeof FINDINGS;

const byId = new Map<string, FindingDefinition>(Object.values(FINDINGS).map(f => [f.id, f]));

export function findingDefinition(id: string): FindingDefinition | undefined {
  return byId.get(id);
}

export function checkDefinition(id: string): CheckDefinition | undefined {
  return (Object.values(CHECKS) as CheckDefinition[]).find(c => c.id === id);
}

export const ALL_CHECK_IDS: string[] = Object.values(CHECKS).map(c => c.id);
export const ALL_FINDING_IDS: string[] = Object.values(FINDINGS).map(f => f.id);
