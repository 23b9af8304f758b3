import {apiVersionOf, KINDS, qualifiedName, type KindName} from '../../kube/kinds.ts';
import type {Inventory} from '../inventory.ts';
import {FINDINGS, type FindingKey} from './catalogue.ts';
import type {AuditContext} from './context.ts';
import {checksNeeding} from './env-checks.ts';
import {makeFinding} from './finding.ts';
import type {Finding, UnreadableKind} from './types.ts';
import {byCodeUnits} from '../order.ts';

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
  l4DenyWaypointIdentity: ['authorizationPolicy', 'virtualService', 'requestAuthentication', 'wasmPlugin'],
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
  return out.sort((a, b) => byCodeUnits(a.resource, b.resource));
}

/**
 * What planning reads, besides what the findings read: a plan made without one of these would leave out
 * a version Service, a policy's waypoint copy or a workload's restart. A test holds the planner to it.
 */
export const PLAN_INPUTS: readonly KindName[] = [
  'namespace',
  'pod',
  'service',
  'deployment',
  'statefulSet',
  'daemonSet',
  'destinationRule',
  'virtualService',
  'authorizationPolicy',
  'requestAuthentication',
  'wasmPlugin',
  'gateway',
];

/** Findings that decide whether a namespace may move, or what its plan contains. */
const DECISIVE: FindingKey[] = (Object.keys(FINDING_INPUTS) as FindingKey[]).filter(
  key => FINDINGS[key].severity === 'blocker' || FINDINGS[key].needsWaypoint || key === 'l4AllowWaypointIdentity' || key === 'l4DenyWaypointIdentity',
);

/** The kinds without which the tool cannot tell that a namespace is safe to migrate. */
export const DECISIVE_INPUTS: ReadonlySet<KindName> = new Set<KindName>([...PLAN_INPUTS, ...DECISIVE.flatMap(key => FINDING_INPUTS[key] ?? [])]);

/**
 * A kind the migration depends on that could not be read blocks every namespace not yet in ambient mode:
 * an empty list of PeerAuthentications because the user may not list them would otherwise call a
 * namespace with mTLS DISABLE ready, and an unreadable AuthorizationPolicy would lose its enforcement
 * without a waypoint. The tool fails closed and says which permission would open it.
 */
export function unreadableKindFindings(ctx: AuditContext): Finding[] {
  const namespaces = [...ctx.modes].filter(([, mode]) => mode !== 'ambient').map(([name]) => name);
  const out: Finding[] = [];
  for (const [name, state] of Object.entries(ctx.inventory.unreadable) as Array<[KindName, NonNullable<Inventory['unreadable'][KindName]>]>) {
    if (state.state === 'not-installed' || !DECISIVE_INPUTS.has(name)) continue;
    const ref = KINDS[name];
    const resource = qualifiedName(ref);
    const unverified = findingsNeeding(name).filter(id => DECISIVE.some(key => FINDINGS[key].id === id));
    const what = unverified.length > 3 ? `${unverified.slice(0, 3).join(', ')} and ${unverified.length - 3} more` : unverified.join(', ');
    const why = state.state === 'forbidden' ? `no permission to list ${resource} cluster-wide` : `listing ${resource} failed (${state.message})`;
    out.push(
      makeFinding(FINDINGS.unreadableKind, {
        message: `${why}: ${what || 'the plan'} could not be verified, so no namespace can be called safe to migrate`,
        remedy:
          state.state === 'forbidden'
            ? `grant list on ${resource} cluster-wide (the README's ClusterRole has every permission the tool needs), then audit again`
            : `check that \`kubectl get ${resource} -A\` works, then audit again`,
        namespaces,
        resource: {apiVersion: apiVersionOf(ref), kind: ref.kind, name: '*'},
        scope: 'mesh',
      }),
    );
  }
  return out;
}
