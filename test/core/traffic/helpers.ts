/**
 * Small clusters for the traffic model's table tests, and a stand-in authorizer.
 *
 * `cluster(yaml)` reads multi-document YAML into an Inventory. Deployments get pods the way the cluster
 * would make them (one per replica, mode decided by the model's own `decideMode` from the namespace
 * labels), unless the YAML lists Pods itself or the Deployment is annotated `test/pods: none`.
 *
 * `fakeAuthorize` is NOT the project's authorizer (that one lives in source/core/traffic/authz/): it is a
 * deliberately small reading of AuthorizationPolicy good enough to drive routing tests — selector (or
 * targetRefs at a waypoint), DENY before ALLOW, principals/namespaces/methods/paths/ports, and at ztunnel
 * ALLOW rules with HTTP fields dropped, DENY rules with HTTP fields stripped; STRICT PeerAuthentication
 * refuses plaintext.
 */
import yaml from 'js-yaml';
import type {KubeObject} from '../../../source/kube/client.ts';
import type {Inventory} from '../../../source/core/inventory.ts';
import type {AuthzConfig, AuthzRequest, Authorize, EnforcementPoint, Verdict} from '../../../source/core/traffic/authz/api.ts';
import {kindOf} from '../../../source/core/traffic/apply.ts';
import {decideMode} from '../../../source/core/traffic/mode.ts';
import {World} from '../../../source/core/traffic/world.ts';
import {REDIRECTION_ANNOTATION, SIDECAR_STATUS_ANNOTATION} from '../../../source/core/dataplane.ts';

let clock = 0;

export function cluster(text: string): Inventory {
  const docs = (yaml.loadAll(text) as KubeObject[]).filter(Boolean);
  const inventory: Inventory = {objects: {}, unreadable: {}};
  for (const doc of docs) {
    const kind = kindOf(doc);
    if (!kind) throw new Error(`unknown kind ${doc.apiVersion} ${doc.kind}`);
    doc.metadata.creationTimestamp ??= new Date(Date.UTC(2025, 0, 1) + clock++ * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
    (inventory.objects[kind] ??= []).push(doc);
  }
  if (!inventory.objects.pod?.length) {
    const world = World.fromInventory(inventory);
    for (const d of inventory.objects.deployment ?? []) {
      if (d.metadata.annotations?.['test/pods'] === 'none') continue;
      const ns = d.metadata.namespace!;
      const t = d.spec.template;
      const decision = decideMode(world, ns, t.metadata ?? {}, t.spec);
      const annotations: Record<string, string> = {...(t.metadata?.annotations ?? {})};
      if (decision.mode === 'sidecar') annotations[SIDECAR_STATUS_ANNOTATION] = '{}';
      if (decision.mode === 'ambient') annotations[REDIRECTION_ANNOTATION] = 'enabled';
      for (let i = 0; i < Number(d.spec.replicas ?? 1); i++) {
        (inventory.objects.pod ??= []).push({
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: {
            name: `${d.metadata.name}-abc12-${i}`,
            namespace: ns,
            labels: {...(t.metadata?.labels ?? {}), 'pod-template-hash': 'abc12'},
            annotations,
            ownerReferences: [{apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `${d.metadata.name}-abc12`, uid: '', controller: true}],
          },
          spec: t.spec,
          status: {phase: 'Running'},
        });
      }
    }
  }
  return inventory;
}

/** Deployment + Service + ServiceAccount for one app, the usual shape. */
export function app(ns: string, name: string, opts: {version?: string; port?: number; labels?: Record<string, string>; podLabels?: Record<string, string>; podAnnotations?: Record<string, string>; service?: boolean} = {}): string {
  const version = opts.version ?? 'v1';
  const port = opts.port ?? 9080;
  const podLabels = {app: name, version, ...(opts.podLabels ?? {})};
  const docs: unknown[] = [
    {apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name: `${name}-${version}`, namespace: ns}, spec: {replicas: 1, selector: {matchLabels: {app: name, version}}, template: {metadata: {labels: podLabels, ...(opts.podAnnotations ? {annotations: opts.podAnnotations} : {})}, spec: {serviceAccountName: name, containers: [{name, image: 'x', ports: [{containerPort: port}]}]}}}},
  ];
  if (opts.service !== false) docs.push({apiVersion: 'v1', kind: 'Service', metadata: {name, namespace: ns, ...(opts.labels ? {labels: opts.labels} : {})}, spec: {selector: {app: name}, ports: [{name: 'http', port}]}});
  return docs.map(d => yaml.dump(d)).join('---\n');
}

export const ns = (name: string, labels: Record<string, string> = {}) => yaml.dump({apiVersion: 'v1', kind: 'Namespace', metadata: {name, labels}});

export const join = (...parts: string[]) => parts.join('\n---\n');

// ------------------------------------------------------------------------------------------------ fake authorizer

type Rule = {from?: Array<{source?: Record<string, string[]>}>; to?: Array<{operation?: Record<string, string[]>}>; when?: unknown[]};

const HTTP_FIELDS = ['methods', 'notMethods', 'paths', 'notPaths', 'hosts', 'notHosts'];

function l7(rule: Rule): boolean {
  return (rule.to ?? []).some(t => HTTP_FIELDS.some(f => f in (t.operation ?? {}))) || (rule.when ?? []).length > 0;
}

function strip(rule: Rule): Rule | undefined {
  const to = (rule.to ?? []).map(t => ({operation: Object.fromEntries(Object.entries(t.operation ?? {}).filter(([k]) => !HTTP_FIELDS.includes(k)))})).filter(t => Object.keys(t.operation).length);
  const out: Rule = {...(rule.from ? {from: rule.from} : {}), ...(to.length ? {to} : {})};
  return out.from || out.to ? out : undefined;
}

const pat = (p: string, v: string | undefined) => v !== undefined && (p === '*' || (p.endsWith('*') ? v.startsWith(p.slice(0, -1)) : p.startsWith('*') ? v.endsWith(p.slice(1)) : p === v));

function ruleMatches(rule: Rule, req: AuthzRequest, identity: {namespace: string; sa?: string; mtls: boolean}): boolean {
  const principal = identity.sa ? `cluster.local/ns/${identity.namespace}/sa/${identity.sa}` : undefined;
  const fromOk = !rule.from || rule.from.some(f => {
    const s = f.source ?? {};
    if (s.principals && !(identity.mtls && s.principals.some(p => pat(p, principal)))) return false;
    if (s.namespaces && !(identity.mtls && s.namespaces.some(p => pat(p, identity.namespace)))) return false;
    return true;
  });
  const toOk = !rule.to || rule.to.some(t => {
    const o = t.operation ?? {};
    if (o.methods && !o.methods.some(m => pat(m, req.http?.method))) return false;
    if (o.paths && !o.paths.some(p => pat(p, req.http?.path))) return false;
    if (o.notPaths && o.notPaths.some(p => pat(p, req.http?.path))) return false;
    if (o.ports && !o.ports.includes(String(req.port))) return false;
    return true;
  });
  return fromOk && toOk;
}

function selects(policy: KubeObject, pod: KubeObject, root: string): boolean {
  if (policy.spec?.targetRefs || policy.spec?.targetRef) return false;
  const ns = policy.metadata.namespace;
  if (ns !== pod.metadata.namespace && ns !== root) return false;
  const sel = policy.spec?.selector?.matchLabels as Record<string, string> | undefined;
  return !sel || Object.entries(sel).every(([k, v]) => pod.metadata.labels?.[k] === v);
}

function attached(policy: KubeObject, point: Extract<EnforcementPoint, {kind: 'waypoint'}>): boolean {
  const refs = (policy.spec?.targetRefs ?? (policy.spec?.targetRef ? [policy.spec.targetRef] : [])) as Array<{kind: string; name: string}>;
  return refs.some(r =>
    (r.kind === 'Service' && point.service && point.service.metadata.name === r.name && point.service.metadata.namespace === policy.metadata.namespace) ||
    (r.kind === 'Gateway' && point.waypoint.metadata.name === r.name && point.waypoint.metadata.namespace === policy.metadata.namespace),
  );
}

const indexes = new WeakMap<KubeObject[], Map<string, KubeObject[]>>();
function byNamespace(config: AuthzConfig): Map<string, KubeObject[]> {
  let index = indexes.get(config.authorizationPolicies);
  if (!index) {
    index = new Map();
    for (const p of config.authorizationPolicies) index.set(p.metadata.namespace ?? '', [...(index.get(p.metadata.namespace ?? '') ?? []), p]);
    indexes.set(config.authorizationPolicies, index);
  }
  return index;
}

export const fakeAuthorize: Authorize = (config: AuthzConfig, point: EnforcementPoint, req: AuthzRequest): Verdict => {
  const ignored: Verdict['ignored'] = [];
  let policies: KubeObject[];
  let identity = {namespace: req.caller.namespace, sa: req.caller.serviceAccount, mtls: req.caller.mtls};
  const index = byNamespace(config);
  const near = (ns: string | undefined) => [...(index.get(ns ?? '') ?? []), ...(ns === config.rootNamespace ? [] : (index.get(config.rootNamespace) ?? []))];
  if (point.kind === 'waypoint') policies = near(point.waypoint.metadata.namespace).filter(p => attached(p, point));
  else policies = near(point.pod.metadata.namespace).filter(p => selects(p, point.pod, config.rootNamespace));
  if (point.kind === 'ztunnel' && point.viaWaypoint) identity = {namespace: point.viaWaypoint.namespace, sa: point.viaWaypoint.serviceAccount, mtls: true};
  if (point.kind !== 'waypoint' && !req.caller.mtls) {
    const ns = point.pod.metadata.namespace;
    const strict = config.peerAuthentications.some(pa => (pa.metadata.namespace === ns || pa.metadata.namespace === config.rootNamespace) && !pa.spec?.selector && pa.spec?.mtls?.mode === 'STRICT');
    if (strict) return {decision: 'deny', reason: 'plaintext refused by STRICT mTLS', ignored};
  }
  const rulesOf = (p: KubeObject): Rule[] => {
    const rules = (p.spec?.rules ?? []) as Rule[];
    if (point.kind !== 'ztunnel') return rules;
    if ((p.spec?.action ?? 'ALLOW') === 'ALLOW') {
      const kept = rules.filter(r => !l7(r));
      if (kept.length < rules.length) ignored.push({policy: {namespace: p.metadata.namespace!, name: p.metadata.name}, why: 'HTTP rules dropped at ztunnel'});
      return kept;
    }
    return rules.map(r => (l7(r) ? strip(r) : r)).filter((r): r is Rule => Boolean(r));
  };
  for (const p of policies.filter(p => p.spec?.action === 'DENY')) {
    const i = rulesOf(p).findIndex(r => ruleMatches(r, req, identity));
    if (i >= 0) return {decision: 'deny', decidedBy: {policy: {namespace: p.metadata.namespace!, name: p.metadata.name}, action: 'DENY', rule: i}, reason: 'DENY matches', ignored};
  }
  const allows = policies.filter(p => (p.spec?.action ?? 'ALLOW') === 'ALLOW');
  if (allows.length === 0) return {decision: 'allow', reason: 'no policy', ignored};
  for (const p of allows) {
    const i = rulesOf(p).findIndex(r => ruleMatches(r, req, identity));
    if (i >= 0) return {decision: 'allow', decidedBy: {policy: {namespace: p.metadata.namespace!, name: p.metadata.name}, action: 'ALLOW', rule: i}, reason: 'ALLOW matches', ignored};
  }
  const first = allows[0]!;
  return {decision: 'deny', decidedBy: {policy: {namespace: first.metadata.namespace!, name: first.metadata.name}, action: 'ALLOW'}, reason: 'no ALLOW rule matches', ignored};
};
