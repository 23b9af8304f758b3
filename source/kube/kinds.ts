/** A kind the tool reads or writes, with what it takes to build its REST path. */
export interface KindRef {
  group: string;
  version: string;
  kind: string;
  plural: string;
  namespaced: boolean;
}

function kind(group: string, version: string, kindName: string, plural: string, namespaced = true): KindRef {
  return {group, version, kind: kindName, plural, namespaced};
}

/** Every kind the tool touches, named once. */
export const KINDS = {
  namespace: kind('', 'v1', 'Namespace', 'namespaces', false),
  node: kind('', 'v1', 'Node', 'nodes', false),
  pod: kind('', 'v1', 'Pod', 'pods'),
  service: kind('', 'v1', 'Service', 'services'),
  configMap: kind('', 'v1', 'ConfigMap', 'configmaps'),
  secret: kind('', 'v1', 'Secret', 'secrets'),
  serviceAccount: kind('', 'v1', 'ServiceAccount', 'serviceaccounts'),
  deployment: kind('apps', 'v1', 'Deployment', 'deployments'),
  statefulSet: kind('apps', 'v1', 'StatefulSet', 'statefulsets'),
  daemonSet: kind('apps', 'v1', 'DaemonSet', 'daemonsets'),
  replicaSet: kind('apps', 'v1', 'ReplicaSet', 'replicasets'),
  crd: kind('apiextensions.k8s.io', 'v1', 'CustomResourceDefinition', 'customresourcedefinitions', false),
  mutatingWebhook: kind('admissionregistration.k8s.io', 'v1', 'MutatingWebhookConfiguration', 'mutatingwebhookconfigurations', false),
  validatingWebhook: kind('admissionregistration.k8s.io', 'v1', 'ValidatingWebhookConfiguration', 'validatingwebhookconfigurations', false),
  networkPolicy: kind('networking.k8s.io', 'v1', 'NetworkPolicy', 'networkpolicies'),
  csiDriver: kind('storage.k8s.io', 'v1', 'CSIDriver', 'csidrivers', false),
  lease: kind('coordination.k8s.io', 'v1', 'Lease', 'leases'),
  // Istio
  virtualService: kind('networking.istio.io', 'v1', 'VirtualService', 'virtualservices'),
  destinationRule: kind('networking.istio.io', 'v1', 'DestinationRule', 'destinationrules'),
  istioGateway: kind('networking.istio.io', 'v1', 'Gateway', 'gateways'),
  serviceEntry: kind('networking.istio.io', 'v1', 'ServiceEntry', 'serviceentries'),
  sidecar: kind('networking.istio.io', 'v1', 'Sidecar', 'sidecars'),
  workloadEntry: kind('networking.istio.io', 'v1', 'WorkloadEntry', 'workloadentries'),
  workloadGroup: kind('networking.istio.io', 'v1', 'WorkloadGroup', 'workloadgroups'),
  envoyFilter: kind('networking.istio.io', 'v1alpha3', 'EnvoyFilter', 'envoyfilters'),
  proxyConfig: kind('networking.istio.io', 'v1beta1', 'ProxyConfig', 'proxyconfigs'),
  authorizationPolicy: kind('security.istio.io', 'v1', 'AuthorizationPolicy', 'authorizationpolicies'),
  peerAuthentication: kind('security.istio.io', 'v1', 'PeerAuthentication', 'peerauthentications'),
  requestAuthentication: kind('security.istio.io', 'v1', 'RequestAuthentication', 'requestauthentications'),
  wasmPlugin: kind('extensions.istio.io', 'v1alpha1', 'WasmPlugin', 'wasmplugins'),
  trafficExtension: kind('extensions.istio.io', 'v1alpha1', 'TrafficExtension', 'trafficextensions'),
  telemetry: kind('telemetry.istio.io', 'v1', 'Telemetry', 'telemetries'),
  // Gateway API
  gateway: kind('gateway.networking.k8s.io', 'v1', 'Gateway', 'gateways'),
  gatewayClass: kind('gateway.networking.k8s.io', 'v1', 'GatewayClass', 'gatewayclasses', false),
  httpRoute: kind('gateway.networking.k8s.io', 'v1', 'HTTPRoute', 'httproutes'),
  grpcRoute: kind('gateway.networking.k8s.io', 'v1', 'GRPCRoute', 'grpcroutes'),
  // v1 as served by Gateway API v1.6 (standard channel); installs serving only v1alpha2 read as not installed.
  tcpRoute: kind('gateway.networking.k8s.io', 'v1', 'TCPRoute', 'tcproutes'),
  tlsRoute: kind('gateway.networking.k8s.io', 'v1', 'TLSRoute', 'tlsroutes'),
  referenceGrant: kind('gateway.networking.k8s.io', 'v1beta1', 'ReferenceGrant', 'referencegrants'),
} as const;

export type KindName = keyof typeof KINDS;

export function apiVersionOf(ref: KindRef): string {
  return ref.group ? `${ref.group}/${ref.version}` : ref.version;
}

/** `virtualservices.networking.istio.io`: unambiguous where Istio and Gateway API share a kind name. */
export function qualifiedName(ref: KindRef): string {
  return ref.group ? `${ref.plural}.${ref.group}` : ref.plural;
}
