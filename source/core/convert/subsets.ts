import {isDeepStrictEqual} from 'node:util';
import type {KubeObject} from '../../kube/client.ts';
import {parseServiceHost} from '../routes/translatability.ts';
import type {ServiceLookup, SubsetUse} from './backends.ts';
import {SERVICE_NAME, isObject} from './problems.ts';
import {MANAGED_BY_LABEL, MANAGER, VERSION_OF} from './metadata.ts';

/**
 * DestinationRule subsets as per-version Services (reference §3.4), the form Istio's own Bookinfo uses
 * (`platform/kube/bookinfo-versions.yaml`): `<svc>-<subset>`, selector = the Service's selector plus the
 * subset labels, the same ports. A subset that cannot be a Service selector is reported, never guessed.
 *
 * Traffic policy: a DestinationRule for host `reviews` does not apply to traffic sent to `reviews-v1`, so
 * the policy the subset had (the rule's top-level policy overlaid field by field by the subset's own, as
 * Istio merges them) is carried by a new DestinationRule for the version Service. `tls` ISTIO_MUTUAL is left
 * out (ambient gives mTLS through HBONE). A subset with its own portLevelSettings is reported: the per-port
 * merge has no single-rule form this module is willing to guess.
 */

export interface VersionService {
  service: KubeObject;
  source: {destinationRule: string; host: string; subset: string};
}

export interface VersionDestinationRule {
  destinationRule: KubeObject;
  source: {destinationRule: string; host: string; subset: string};
}

export interface SubsetProblem {
  path: string;
  reason: string;
  resource: {kind: string; namespace: string; name: string};
}

/**
 * Labels Istio adds to every workload from its node and mesh topology: a subset keyed on them selects by
 * where pods run, which a Service selector (pod labels only) cannot express.
 */
const LABEL_KEY = /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

const TOPOLOGY_LABELS = [
  'topology.kubernetes.io/region',
  'topology.kubernetes.io/zone',
  'topology.istio.io/subzone',
  'topology.istio.io/cluster',
  'topology.istio.io/network',
  'kubernetes.io/hostname',
  'failure-domain.beta.kubernetes.io/region',
  'failure-domain.beta.kubernetes.io/zone',
];

interface SubsetDefinition {
  rule: KubeObject;
  index: number;
  subset: Record<string, any>;
}

export function versionServices(
  requests: SubsetUse[],
  destinationRules: KubeObject[],
  services: ServiceLookup,
  /** The DestinationRule of that name in a namespace, whatever its host: the version rule's name must be free. */
  destinationRuleNamed: (namespace: string, name: string) => KubeObject | undefined = () => undefined,
): {services: VersionService[]; destinationRules: VersionDestinationRule[]; problems: SubsetProblem[]} {
  const out = {services: [] as VersionService[], destinationRules: [] as VersionDestinationRule[], problems: [] as SubsetProblem[]};
  const seen = new Set<string>();
  for (const request of requests) {
    const key = `${request.service.namespace}/${request.backendName}`;
    if (seen.has(key)) continue;
    seen.add(key);
    versionFor(request, destinationRules, services, destinationRuleNamed, out);
  }
  return out;
}

function versionFor(request: SubsetUse, rules: KubeObject[], services: ServiceLookup, destinationRuleNamed: (namespace: string, name: string) => KubeObject | undefined, out: ReturnType<typeof versionServices>): void {
  const {namespace, name} = request.service;
  const problem = (path: string, reason: string, resource: {kind: string; namespace: string; name: string}): void => {
    out.problems.push({path, reason, resource});
  };
  const serviceRef = {kind: 'Service', namespace, name};
  const base = services(namespace, name);
  if (!base) return problem('metadata.name', `There is no Service ${namespace}/${name} to derive the version Service ${request.backendName} from.`, serviceRef);
  const baseSelector: Record<string, string> = isObject(base.spec?.selector) ? base.spec.selector : {};
  if (Object.keys(baseSelector).length === 0) {
    return problem('spec.selector', `Service ${namespace}/${name} has no selector, so no selector for subset ${request.subset} can be derived from it.`, serviceRef);
  }

  const found = findSubset(request, rules);
  if ('reason' in found) return problem(found.path, found.reason, found.resource);
  const {rule, index, subset} = found;
  const ruleRef = {kind: 'DestinationRule', namespace: rule.metadata.namespace ?? namespace, name: rule.metadata.name};
  const at = `spec.subsets[${index}]`;
  const labels: Record<string, unknown> = isObject(subset.labels) ? subset.labels : {};
  if (Object.keys(labels).length === 0) return problem(`${at}.labels`, `Subset ${request.subset} has no labels: it selects every endpoint of ${name}, so a version Service would duplicate ${name} rather than select a version.`, ruleRef);
  for (const [label, value] of Object.entries(labels)) {
    if (TOPOLOGY_LABELS.includes(label)) return problem(`${at}.labels.${label}`, `Subset ${request.subset} selects on the topology label ${label}, which Istio takes from the node, not the pod: a Service selector cannot match it.`, ruleRef);
    if (typeof value !== 'string') return problem(`${at}.labels.${label}`, `Subset ${request.subset} has a label value that is not a string.`, ruleRef);
    // The CRD takes any string; a Service selector only valid labels, and the API server refuses the rest.
    if (!LABEL_KEY.test(label) || value.length > 63 || !LABEL_VALUE.test(value)) {
      return problem(`${at}.labels.${label}`, `Subset ${request.subset} selects on ${label}=${value}, which is not a valid Kubernetes label: a Service selector cannot hold it.`, ruleRef);
    }
    if (label in baseSelector && baseSelector[label] !== value) {
      return problem(`${at}.labels.${label}`, `Subset ${request.subset} wants ${label}=${value} but Service ${name} selects ${label}=${baseSelector[label]}: no pod can have both.`, ruleRef);
    }
  }
  const versionName = request.backendName;
  const versionRef = {kind: 'Service', namespace, name: versionName};
  if (versionName.length > 63 || !SERVICE_NAME.test(versionName)) return problem(at, `The version Service name ${versionName} is not a valid Service name (DNS label of at most 63 characters).`, ruleRef);

  const source = {destinationRule: `${ruleRef.namespace}/${ruleRef.name}`, host: String(rule.spec?.host), subset: request.subset};
  const selector = {...baseSelector, ...(labels as Record<string, string>)};
  const ports = (Array.isArray(base.spec?.ports) ? base.spec.ports : []).map(copyPort);
  const existing = services(namespace, versionName);
  if (existing) {
    const samePorts = ports.every((p: any) => (existing.spec?.ports ?? []).some((q: any) => q?.port === p.port));
    if (!isDeepStrictEqual(existing.spec?.selector ?? {}, selector) || !samePorts) {
      return problem('spec.selector', `Service ${namespace}/${versionName} already exists with a different selector or ports than subset ${request.subset} of ${name} needs.`, versionRef);
    }
  } else {
    out.services.push({
      service: {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: {name: versionName, namespace, labels: {...(base.metadata.labels ?? {}), [MANAGED_BY_LABEL]: MANAGER}, annotations: {[VERSION_OF]: `${name}/${request.subset}`}},
        spec: {selector, ports},
      },
      source,
    });
  }

  const merged = mergePolicy(rule.spec?.trafficPolicy, subset.trafficPolicy);
  if ('reason' in merged) return problem(`${at}.trafficPolicy.portLevelSettings`, merged.reason, ruleRef);
  if (!merged.policy) return;
  const current = rules.find(r => sameHost(r, namespace, versionName));
  if (current) {
    if (!isDeepStrictEqual(current.spec?.trafficPolicy, merged.policy)) {
      problem('spec.trafficPolicy', `DestinationRule ${current.metadata.namespace}/${current.metadata.name} for ${versionName} exists with another traffic policy than subset ${request.subset} had; merge them by hand.`, {kind: 'DestinationRule', namespace: current.metadata.namespace ?? namespace, name: current.metadata.name});
    }
    return;
  }
  const named = destinationRuleNamed(namespace, versionName);
  if (named) {
    return problem('metadata.name', `DestinationRule ${namespace}/${versionName}, the name the traffic policy of subset ${request.subset} would get, already exists for host ${String(named.spec?.host)}: rename it, then plan again.`, {kind: 'DestinationRule', namespace, name: versionName});
  }
  out.destinationRules.push({
    destinationRule: {
      apiVersion: rule.apiVersion || 'networking.istio.io/v1',
      kind: 'DestinationRule',
      metadata: {name: versionName, namespace, labels: {[MANAGED_BY_LABEL]: MANAGER}, annotations: {[VERSION_OF]: `${name}/${request.subset}`}},
      spec: {host: versionName, trafficPolicy: merged.policy},
    },
    source,
  });
}

/**
 * The DestinationRule that defines the subset. Those in the Service's namespace come first (by creation,
 * then name, as Istio merges rules for one host); a definition elsewhere is used only when every other
 * namespace agrees on its labels, since which one applies depends on the client's namespace.
 */
function findSubset(request: SubsetUse, rules: KubeObject[]): SubsetDefinition | SubsetProblem {
  const {namespace, name} = request.service;
  const forHost = rules
    .filter(r => !r.spec?.workloadSelector && sameHost(r, namespace, name))
    // Code-unit order, not localeCompare: which rule defines a subset must not depend on the machine's locale.
    .sort((a, b) => {
      const [x, y] = [rank(a, namespace), rank(b, namespace)];
      return x < y ? -1 : x > y ? 1 : 0;
    });
  const defining = forHost.flatMap(rule => {
    const subsets: any[] = Array.isArray(rule.spec?.subsets) ? rule.spec.subsets : [];
    const index = subsets.findIndex(s => s?.name === request.subset);
    return index < 0 ? [] : [{rule, index, subset: subsets[index] as Record<string, any>}];
  });
  const local = defining.find(d => d.rule.metadata.namespace === namespace);
  if (local) return local;
  if (defining.length > 0) {
    if (defining.every(d => isDeepStrictEqual(d.subset.labels, defining[0]!.subset.labels))) return defining[0]!;
    return {
      path: `spec.subsets[${defining[0]!.index}].labels`,
      reason: `Subset ${request.subset} of ${name} is defined with different labels by DestinationRules in ${defining.map(d => d.rule.metadata.namespace).join(', ')}; which one applies depends on the client, so no single Service can replace it.`,
      resource: {kind: 'DestinationRule', namespace: defining[0]!.rule.metadata.namespace ?? namespace, name: defining[0]!.rule.metadata.name},
    };
  }
  if (forHost.length === 0) {
    return {path: 'metadata.name', reason: `No DestinationRule defines subsets for ${name} in ${namespace}, so subset ${request.subset} has no labels to select on.`, resource: {kind: 'Service', namespace, name}};
  }
  const first = forHost[0]!;
  return {
    path: 'spec.subsets',
    reason: `DestinationRule ${first.metadata.namespace}/${first.metadata.name} has no subset ${request.subset}.`,
    resource: {kind: 'DestinationRule', namespace: first.metadata.namespace ?? namespace, name: first.metadata.name},
  };
}

function rank(rule: KubeObject, namespace: string): string {
  return `${rule.metadata.namespace === namespace ? 0 : 1}\n${rule.metadata.namespace ?? ''}\n${rule.metadata.creationTimestamp ?? ''}\n${rule.metadata.name}`;
}

function sameHost(rule: KubeObject, namespace: string, name: string): boolean {
  const host = typeof rule.spec?.host === 'string' ? parseServiceHost(rule.spec.host, rule.metadata.namespace ?? namespace) : undefined;
  return host?.namespace === namespace && host.name === name;
}

/** The fields that define a Service port; nodePort and the like belong to the original Service only. */
function copyPort(port: any): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of ['name', 'protocol', 'appProtocol', 'port', 'targetPort']) if (port?.[field] !== undefined) out[field] = port[field];
  return out;
}

/**
 * The policy the subset had: top-level fields overlaid field by field by the subset's (Istio's merge), the
 * top-level portLevelSettings kept minus the fields the subset overrides (the subset wins over them too).
 */
function mergePolicy(top: unknown, sub: unknown): {policy?: Record<string, unknown>} | {reason: string} {
  const t = isObject(top) ? top : {};
  const s = isObject(sub) ? sub : {};
  if (Array.isArray(s.portLevelSettings) && s.portLevelSettings.length > 0) {
    return {reason: 'The subset has its own portLevelSettings; merging them with the rule-level policy per port is left to a person: write the DestinationRule for the version Service by hand.'};
  }
  const {portLevelSettings: topPorts, ...topFields} = t;
  const {portLevelSettings: _none, ...subFields} = s;
  const policy: Record<string, unknown> = dropMeshTls({...topFields, ...subFields});
  const perPort = (Array.isArray(topPorts) ? topPorts : [])
    .map((p: any) => dropMeshTls(Object.fromEntries(Object.entries(isObject(p) ? p : {}).filter(([k]) => !(k in subFields)))))
    .filter(p => Object.keys(p).some(k => k !== 'port'));
  if (perPort.length > 0) policy.portLevelSettings = perPort;
  return Object.keys(policy).length > 0 ? {policy} : {};
}

function dropMeshTls(policy: Record<string, any>): Record<string, any> {
  if (policy.tls?.mode !== 'ISTIO_MUTUAL') return policy;
  const {tls: _tls, ...rest} = policy;
  return rest;
}
