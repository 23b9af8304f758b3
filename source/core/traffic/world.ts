import yaml from 'js-yaml';
import type {KubeObject} from '../../kube/client.ts';
import type {KindName} from '../../kube/kinds.ts';
import {findControlPlanes, type ControlPlane} from '../control-plane.ts';
import {isLive} from '../dataplane.ts';
import {itemsOf, type Inventory} from '../inventory.ts';
import {matchesLabels} from './selectors.ts';

/**
 * The traffic model's indexed view of a cluster: every object the model reads, bucketed by kind and
 * namespace. A World is immutable; `withBucket` returns a new World that shares every bucket it does not
 * replace, so the state after each operation of a plan costs only the namespaces the operation touched.
 */

export const WORLD_KINDS = [
  'namespace',
  'pod',
  'service',
  'deployment',
  'statefulSet',
  'daemonSet',
  'replicaSet',
  'configMap',
  'mutatingWebhook',
  'virtualService',
  'destinationRule',
  'istioGateway',
  'gateway',
  'gatewayClass',
  'httpRoute',
  'authorizationPolicy',
  'peerAuthentication',
  'requestAuthentication',
] as const satisfies readonly KindName[];

export type WorldKind = (typeof WORLD_KINDS)[number];

type Buckets = Map<WorldKind, Map<string, KubeObject[]>>;

export const CLUSTER_DOMAIN = 'cluster.local';

/** A derived index that can follow a bucket change instead of being rebuilt. */
export interface Incremental {
  update(kind: WorldKind, namespace: string, before: KubeObject[], after: KubeObject[]): void;
}

interface MemoEntry {
  kinds: readonly WorldKind[];
  value: unknown;
}

export class World {
  /**
   * Set while evaluating one request class: the dependency keys it read. `<kind>:<namespace>` for a
   * bucket (`namespace:<name>` for a Namespace), `host:<fqdn>` for route objects binding a host; see
   * `apply.ts` `operationKeys` for the keys an operation writes.
   */
  tracker: Set<string> | null = null;
  private readonly memoEntries = new Map<string, MemoEntry>();

  private constructor(private readonly buckets: Buckets, inherited?: Map<string, MemoEntry>, changed?: WorldKind) {
    if (inherited) for (const [k, v] of inherited) if (!changed || !v.kinds.includes(changed)) this.memoEntries.set(k, v);
  }

  static fromInventory(inventory: Inventory): World {
    const buckets: Buckets = new Map();
    for (const kind of WORLD_KINDS) {
      const byNs = new Map<string, KubeObject[]>();
      for (const object of itemsOf(inventory, kind)) {
        const ns = object.metadata.namespace ?? '';
        const list = byNs.get(ns);
        if (list) list.push(object);
        else byNs.set(ns, [object]);
      }
      buckets.set(kind, byNs);
    }
    return new World(buckets);
  }

  /** Back to an inventory (for callers that want one). */
  toInventory(): Inventory {
    const objects: Inventory['objects'] = {};
    for (const kind of WORLD_KINDS) objects[kind] = [...(this.buckets.get(kind)?.values() ?? [])].flat();
    return {objects, unreadable: {}};
  }

  /** Objects of a kind in one namespace ('' for cluster-scoped kinds). Records `<kind>:<namespace>` as read. */
  list(kind: WorldKind, namespace: string): KubeObject[] {
    this.tracker?.add(`${kind}:${namespace}`);
    return this.buckets.get(kind)?.get(namespace) ?? [];
  }

  /** Every object of a kind, cluster-wide (not tracked: callers track what they pick from it). */
  all(kind: WorldKind): KubeObject[] {
    return this.memo(`all:${kind}`, [kind], () => [...(this.buckets.get(kind)?.values() ?? [])].flat());
  }

  /** One object; records `<kind>:<namespace>/<name>` as read. */
  get(kind: WorldKind, namespace: string, name: string): KubeObject | undefined {
    this.tracker?.add(`${kind}:${namespace}/${name}`);
    return (this.buckets.get(kind)?.get(namespace) ?? []).find(o => o.metadata.name === name);
  }

  namespace(name: string): KubeObject | undefined {
    this.tracker?.add(`namespace:${name}`);
    return this.namespaceIndex().get(name);
  }

  private namespaceIndex(): Map<string, KubeObject> {
    return this.memo('namespaceIndex', ['namespace'], () => new Map((this.buckets.get('namespace')?.get('') ?? []).map(n => [n.metadata.name, n])));
  }

  /** Some labels of a Namespace; records `nslabel:<name>:<key>` for each (label operations write only the keys they change). */
  namespaceLabelValues(name: string, keys: readonly string[]): Record<string, string | undefined> {
    const labels = this.namespaceIndex().get(name)?.metadata.labels ?? {};
    const out: Record<string, string | undefined> = {};
    for (const k of keys) {
      this.tracker?.add(`nslabel:${name}:${k}`);
      out[k] = labels[k];
    }
    return out;
  }

  namespaceLabels(name: string): Record<string, string> {
    const ns = this.namespace(name);
    // The API server labels every namespace with its name (Kubernetes >= 1.21), webhooks select on it.
    return {'kubernetes.io/metadata.name': name, ...(ns?.metadata.labels ?? {})};
  }

  /** Live pods of a namespace (records `pod:<namespace>`). */
  pods(namespace: string): KubeObject[] {
    return livePods(this.list('pod', namespace));
  }

  /**
   * The live pods a Service selects: records `endpoints:<namespace>/<service>` only, which a restart
   * writes for every Service selecting the restarted workload (`apply.ts` `operationKeys`).
   */
  endpoints(service: KubeObject, labels: Record<string, string>): KubeObject[] {
    const ns = service.metadata.namespace ?? '';
    this.tracker?.add(`endpoints:${ns}/${service.metadata.name}`);
    const live = livePods(this.buckets.get('pod')?.get(ns) ?? []);
    let bySelector = selectedCache.get(live);
    if (!bySelector) selectedCache.set(live, (bySelector = new Map()));
    const key = JSON.stringify(labels);
    let selected = bySelector.get(key);
    if (!selected) bySelector.set(key, (selected = live.filter(p => matchesLabels(labels, p.metadata.labels))));
    return selected;
  }

  /** A new World with one (kind, namespace) bucket replaced; this one is unchanged. */
  withBucket(kind: WorldKind, namespace: string, objects: KubeObject[]): World {
    const buckets: Buckets = new Map(this.buckets);
    const byNs = new Map(buckets.get(kind) ?? []);
    if (objects.length) byNs.set(namespace, objects);
    else byNs.delete(namespace);
    buckets.set(kind, byNs);
    return new World(buckets, this.memoEntries, kind);
  }

  /**
   * Replaces one bucket in place (for a walk over a plan that needs only the current state): derived
   * indexes that can follow the change are updated, the others depending on the kind are dropped.
   */
  replaceBucket(kind: WorldKind, namespace: string, objects: KubeObject[]): void {
    const byNs = this.buckets.get(kind)!;
    const before = byNs.get(namespace) ?? [];
    if (objects.length) byNs.set(namespace, objects);
    else byNs.delete(namespace);
    for (const [key, entry] of [...this.memoEntries]) {
      if (!entry.kinds.includes(kind)) continue;
      const value = entry.value as Partial<Incremental> | undefined;
      if (value && typeof value.update === 'function') value.update(kind, namespace, before, objects);
      else this.memoEntries.delete(key);
    }
  }

  /** A World that shares nothing mutable with this one (buckets copied one level deep). */
  fork(): World {
    const buckets: Buckets = new Map();
    for (const [kind, byNs] of this.buckets) buckets.set(kind, new Map(byNs));
    return new World(buckets);
  }

  /** Cached derived data, dropped (or updated, see `Incremental`) when one of `kinds` changes. */
  memo<T>(key: string, kinds: readonly WorldKind[], compute: () => T): T {
    const hit = this.memoEntries.get(key);
    if (hit) return hit.value as T;
    const tracker = this.tracker;
    this.tracker = null;
    try {
      const value = compute();
      this.memoEntries.set(key, {kinds, value});
      return value;
    } finally {
      this.tracker = tracker;
    }
  }

  get controlPlanes(): ControlPlane[] {
    return this.memo('controlPlanes', ['deployment'], () => findControlPlanes(this.all('deployment')));
  }

  get istioNamespace(): string {
    return this.controlPlanes[0]?.namespace ?? 'istio-system';
  }

  /** meshConfig.rootNamespace, else the control plane's namespace (istio/api `mesh/v1alpha1/config.proto`). */
  get rootNamespace(): string {
    return this.memo('rootNamespace', ['configMap', 'deployment'], () => {
      const ns = this.istioNamespace;
      const cm = (this.buckets.get('configMap')?.get(ns) ?? []).find(c => c.metadata.name === 'istio');
      const text = (cm?.data as Record<string, string> | undefined)?.mesh;
      try {
        const parsed = text ? (yaml.load(text) as {rootNamespace?: string} | undefined) : undefined;
        return parsed?.rootNamespace ?? ns;
      } catch {
        return ns;
      }
    });
  }

  get trustDomain(): string {
    return this.memo('trustDomain', ['configMap', 'deployment'], () => {
      const cm = (this.buckets.get('configMap')?.get(this.istioNamespace) ?? []).find(c => c.metadata.name === 'istio');
      const text = (cm?.data as Record<string, string> | undefined)?.mesh;
      try {
        const parsed = text ? (yaml.load(text) as {trustDomain?: string} | undefined) : undefined;
        return parsed?.trustDomain ?? CLUSTER_DOMAIN;
      } catch {
        return CLUSTER_DOMAIN;
      }
    });
  }

  /** Namespaces that have any object at all (for class generation and per-namespace work). */
  namespaceNames(): string[] {
    return [...this.namespaceIndex().keys()];
  }
}

const liveCache = new WeakMap<KubeObject[], KubeObject[]>();
/** Pods a selector picks, per live-pod list (a bucket is replaced, never changed, so identity is its version). */
const selectedCache = new WeakMap<KubeObject[], Map<string, KubeObject[]>>();
function livePods(pods: KubeObject[]): KubeObject[] {
  let live = liveCache.get(pods);
  if (!live) liveCache.set(pods, (live = pods.filter(isLive)));
  return live;
}

const podKeys = new WeakMap<KubeObject, string>();
/** A pod as selectors see it: namespace, ServiceAccount, labels. */
export function podKey(pod: KubeObject): string {
  let key = podKeys.get(pod);
  if (key === undefined) {
    const labels = Object.entries(pod.metadata.labels ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    podKeys.set(pod, (key = `${pod.metadata.namespace}|${pod.spec?.serviceAccountName ?? 'default'}|${JSON.stringify(labels)}`));
  }
  return key;
}

export function keyOf(object: {metadata: {namespace?: string; name: string}}): string {
  return `${object.metadata.namespace ?? ''}/${object.metadata.name}`;
}

/**
 * `reviews` in namespace bookinfo → `reviews.bookinfo.svc.cluster.local`; a name with a dot is taken as
 * written (istio `pilot/pkg/model/config.go` `ResolveShortnameToFQDN`).
 */
export function fqdn(host: string, namespace: string): string {
  if (host.includes('*') || host.includes('.')) return host;
  return `${host}.${namespace}.svc.${CLUSTER_DOMAIN}`;
}

export function serviceHost(service: KubeObject): string {
  return `${service.metadata.name}.${service.metadata.namespace}.svc.${CLUSTER_DOMAIN}`;
}

/** The Service a cluster-local FQDN names, if any. */
export function serviceOfHost(world: World, host: string): KubeObject | undefined {
  const m = /^([^.]+)\.([^.]+)\.svc\.cluster\.local$/.exec(host);
  if (!m) return undefined;
  return world.get('service', m[2]!, m[1]!);
}

/** The workload a pod belongs to, by its controller chain: ReplicaSet → Deployment, else the owner, else the pod. */
export function workloadOf(world: World, pod: KubeObject): {kind: string; name: string; namespace: string} {
  const ns = pod.metadata.namespace ?? '';
  const owner = (pod.metadata.ownerReferences ?? []).find(r => r.controller) ?? pod.metadata.ownerReferences?.[0];
  if (!owner) return {kind: 'Pod', name: pod.metadata.name, namespace: ns};
  if (owner.kind === 'ReplicaSet') {
    const rs = world.list('replicaSet', ns).find(r => r.metadata.name === owner.name);
    const up = rs?.metadata.ownerReferences?.find(r => r.controller);
    if (up) return {kind: up.kind, name: up.name, namespace: ns};
    const hash = pod.metadata.labels?.['pod-template-hash'];
    if (hash && owner.name.endsWith(`-${hash}`)) return {kind: 'Deployment', name: owner.name.slice(0, -hash.length - 1), namespace: ns};
    return {kind: 'Deployment', name: owner.name.replace(/-[a-z0-9]{5,10}$/, ''), namespace: ns};
  }
  if (owner.kind === 'Job') {
    const job = owner.name.replace(/-\d{8,}$/, '');
    return {kind: 'Job', name: job, namespace: ns};
  }
  return {kind: owner.kind, name: owner.name, namespace: ns};
}
