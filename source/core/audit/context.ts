import yaml from 'js-yaml';
import type {KubeObject} from '../../kube/client.ts';
import {apiVersionOf, KINDS, type KindName} from '../../kube/kinds.ts';
import {findControlPlanes, type ControlPlane} from '../control-plane.ts';
import {dataplaneMode, isMeshInfrastructure, podsByNamespace, type DataplaneMode} from '../dataplane.ts';
import {itemsOf, type Inventory} from '../inventory.ts';
import type {ResourceRef} from './types.ts';

/** Every kind the audit reads: one paginated LIST each, for the whole cluster. */
export const AUDIT_KINDS: KindName[] = [
  'namespace',
  'node',
  'pod',
  'deployment',
  'statefulSet',
  'daemonSet',
  'service',
  'configMap',
  'secret',
  'mutatingWebhook',
  'validatingWebhook',
  'crd',
  'networkPolicy',
  'csiDriver',
  'virtualService',
  'destinationRule',
  'istioGateway',
  'serviceEntry',
  'sidecar',
  'workloadEntry',
  'workloadGroup',
  'envoyFilter',
  'authorizationPolicy',
  'peerAuthentication',
  'requestAuthentication',
  'wasmPlugin',
  'telemetry',
  'gateway',
  'gatewayClass',
  'httpRoute',
  'grpcRoute',
];

export type InstallMethod = 'helm' | 'istioctl' | 'operator' | 'unknown';

/**
 * The inventory indexed the ways the rules look at it, computed once so that no rule walks the whole
 * cluster per namespace.
 */
export interface AuditContext {
  inventory: Inventory;
  items(kind: KindName): KubeObject[];
  inNamespace(kind: KindName, namespace: string): KubeObject[];
  namespaces: KubeObject[];
  modes: Map<string, DataplaneMode>;
  /** Namespaces with sidecar or ambient workloads, or asking for either. */
  meshNamespaces: string[];
  podsIn(namespace: string): KubeObject[];
  controlPlanes: ControlPlane[];
  istioNamespace: string;
  rootNamespace: string;
  meshConfig: Record<string, any>;
  installMethod: InstallMethod;
  configMap(namespace: string, name: string): KubeObject | undefined;
}

export function buildContext(inventory: Inventory): AuditContext {
  const byNamespace = new Map<KindName, Map<string, KubeObject[]>>();
  const inNamespace = (kind: KindName, namespace: string) => {
    let index = byNamespace.get(kind);
    if (!index) {
      index = new Map();
      for (const object of itemsOf(inventory, kind)) {
        const ns = object.metadata.namespace ?? '';
        const list = index.get(ns);
        if (list) list.push(object);
        else index.set(ns, [object]);
      }
      byNamespace.set(kind, index);
    }
    return index.get(namespace) ?? [];
  };
  const pods = podsByNamespace(itemsOf(inventory, 'pod'));
  const namespaces = itemsOf(inventory, 'namespace');
  const modes = new Map<string, DataplaneMode>();
  for (const namespace of namespaces) modes.set(namespace.metadata.name, dataplaneMode(namespace, pods.get(namespace.metadata.name) ?? []));
  const controlPlanes = findControlPlanes(itemsOf(inventory, 'deployment'));
  const istioNamespace = controlPlanes[0]?.namespace ?? 'istio-system';
  const configMap = (namespace: string, name: string) =>
    inNamespace('configMap', namespace).find(c => c.metadata.name === name);
  const meshConfig = parseMeshConfig(configMap(istioNamespace, 'istio') ?? configMap(istioNamespace, `istio-${controlPlanes[0]?.revision}`));
  return {
    inventory,
    items: kind => itemsOf(inventory, kind),
    inNamespace,
    namespaces,
    modes,
    meshNamespaces: [...modes].filter(([, mode]) => mode !== 'none').map(([name]) => name).sort(),
    podsIn: namespace => pods.get(namespace) ?? [],
    controlPlanes,
    istioNamespace,
    rootNamespace: (meshConfig.rootNamespace as string | undefined) ?? istioNamespace,
    meshConfig,
    installMethod: detectInstallMethod(inventory, istioNamespace),
    configMap,
  };
}

function parseMeshConfig(configMap: KubeObject | undefined): Record<string, any> {
  const text = (configMap?.data as Record<string, string> | undefined)?.mesh;
  if (!text) return {};
  try {
    const parsed = yaml.load(text);
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, any>) : {};
  } catch {
    return {};
  }
}

/** Helm and istioctl leave their marks on what they install; Sail leaves its CRDs. */
function detectInstallMethod(inventory: Inventory, istioNamespace: string): InstallMethod {
  const istiod = itemsOf(inventory, 'deployment').find(d => d.metadata.namespace === istioNamespace && d.metadata.labels?.app === 'istiod');
  const labels = istiod?.metadata.labels ?? {};
  const annotations = istiod?.metadata.annotations ?? {};
  if (itemsOf(inventory, 'crd').some(c => c.metadata.name === 'istios.sailoperator.io')) return 'operator';
  if (labels['app.kubernetes.io/managed-by'] === 'Helm' || annotations['meta.helm.sh/release-name']) return 'helm';
  const owner = labels['install.operator.istio.io/owning-resource'];
  if (owner && owner !== 'unknown') return 'istioctl';
  if (labels['operator.istio.io/component']) return 'istioctl';
  return 'unknown';
}

export function refOf(object: KubeObject): ResourceRef {
  return {
    apiVersion: object.apiVersion,
    kind: object.kind,
    ...(object.metadata.namespace ? {namespace: object.metadata.namespace} : {}),
    name: object.metadata.name,
  };
}

export function refOfKind(kind: KindName, name: string, namespace?: string): ResourceRef {
  const ref = KINDS[kind];
  return {apiVersion: apiVersionOf(ref), kind: ref.kind, ...(namespace ? {namespace} : {}), name};
}

/**
 * Does the policy's selector pick application pods (not gateways or waypoints, whose own proxies go on
 * enforcing what selects them) among the live pods of the namespace?
 */
export function selectsApplicationPods(ctx: AuditContext, policy: KubeObject, namespace: string): boolean {
  const matchLabels = policy.spec?.selector?.matchLabels as Record<string, string> | undefined;
  return ctx.podsIn(namespace).some(pod => !isMeshInfrastructure(pod) && selects(matchLabels, pod.metadata.labels));
}

/** `Kind ns/name`, as istioctl writes a resource in its messages. */
export function describe(object: KubeObject | ResourceRef): string {
  const ref = 'metadata' in object ? refOf(object) : object;
  return `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;
}

/** Does a label selector (matchLabels, or a plain map as Istio selectors are) select these labels? */
export function selects(selector: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean {
  if (!selector) return true;
  return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}
