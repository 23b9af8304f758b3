import {apiVersionOf, KINDS, qualifiedName, type KindName} from '../../kube/kinds.ts';
import type {Inventory} from '../inventory.ts';
import {FINDINGS, type FindingKey} from './catalogue.ts';
import {checksNeeding} from './env-checks.ts';
import type {UnreadableKind} from './types.ts';

/**
 * The kinds each audit finding reads, besides namespaces and pods (which every finding reads through the
 * data-plane modes). Without this, a kind the user may not list (a 403) silently produced no finding, and
 * a blocked namespace looked ready.
 */
const FINDING_INPUTS: Partial<Record<FindingKey, KindName[]>> = {
  vmWorkloads: ['workloadGroup', 'workloadEntry'],
  workloadEntry: ['workloadEntry'],
  spire: ['configMap', 'deployment', 'statefulSet', 'daemonSet'],
  spirePresent: ['csiDriver', 'crd', 'configMap', 'deployment', 'statefulSet', 'daemonSet'],
  peerAuthDisable: ['peerAuthentication', 'configMap'],
  primaryRemote: ['mutatingWebhook', 'configMap', 'deployment', 'service'],
  multiclusterSecrets: ['secret', 'mutatingWebhook', 'configMap', 'deployment'],
  envoyFilter: ['envoyFilter', 'configMap'],
  sidecarCallers: ['authorizationPolicy', 'virtualService', 'requestAuthentication', 'wasmPlugin'],
  ingressBypass: ['virtualService', 'httpRoute', 'service', 'authorizationPolicy', 'requestAuthentication', 'wasmPlugin'],
  routeMix: ['virtualService', 'httpRoute'],
  l7Authorization: ['authorizationPolicy', 'configMap'],
  l7DenyFailsOpen: ['authorizationPolicy', 'configMap'],
  customOrAudit: ['authorizationPolicy', 'configMap'],
  requestAuthentication: ['requestAuthentication', 'configMap'],
  wasmPlugin: ['wasmPlugin', 'configMap'],
  l4AllowWaypointIdentity: ['authorizationPolicy', 'virtualService', 'requestAuthentication', 'wasmPlugin'],
  virtualService: ['virtualService'],
  subsets: ['virtualService'],
  untranslatable: ['virtualService'],
  sidecarResource: ['sidecar', 'configMap'],
  registryOnly: ['sidecar', 'configMap'],
  headlessService: ['service'],
  metricsMerging: ['configMap', 'deployment', 'statefulSet', 'daemonSet'],
  injectionOverride: ['deployment', 'statefulSet', 'daemonSet'],
  trafficPolicyWithoutWaypoint: ['destinationRule', 'authorizationPolicy', 'virtualService', 'requestAuthentication', 'wasmPlugin'],
  dryRunPolicy: ['authorizationPolicy', 'configMap'],
  reviewPolicy: ['authorizationPolicy', 'configMap'],
};

function findingsNeeding(kind: KindName): string[] {
  return (Object.entries(FINDING_INPUTS) as Array<[FindingKey, KindName[]]>)
    .filter(([, kinds]) => kind === 'namespace' || kind === 'pod' || kinds.includes(kind))
    .map(([key]) => FINDINGS[key].id);
}

/** The kinds that could not be read (forbidden or failing), with what each leaves unverified. */
export function unreadableKinds(inventory: Inventory): UnreadableKind[] {
  const out: UnreadableKind[] = [];
  for (const [name, state] of Object.entries(inventory.unreadable) as Array<[KindName, NonNullable<Inventory['unreadable'][KindName]>]>) {
    if (state.state === 'not-installed') continue;
    const ref = KINDS[name];
    out.push({
      kind: ref.kind,
      apiVersion: apiVersionOf(ref),
      resource: qualifiedName(ref),
      reason: state.state,
      message: state.message,
      ...(state.state === 'forbidden' ? {permission: state.permission} : {}),
      affects: [...checksNeeding(name), ...findingsNeeding(name)],
    });
  }
  return out.sort((a, b) => a.resource.localeCompare(b.resource));
}
