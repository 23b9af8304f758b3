/**
 * Generated clusters: a few namespaces of sidecar (or no-mesh, or ambient) workloads with their
 * Deployments, pods and Services, and Istio configuration for them derived from the CRD schemas, with
 * values that refer to what exists (Service hosts, pod labels, subset names) mixed with values that refer
 * to nothing, match everything, or are odd on purpose. On top of the demo cluster's control plane
 * (istio-system, kube-system, nodes), so that audit and plan see an installed, ambient-ready Istio.
 */
import fc from 'fast-check';
import path from 'node:path';
import type {KubeObject} from '../../source/kube/client.ts';
import {KINDS, apiVersionOf, type KindName} from '../../source/kube/kinds.ts';
import {DEMO_FIXTURES, readCrdManifests, readManifests} from '../../source/sim/seed.ts';
import {compileSchema, type SchemaValidator} from '../../source/sim/schema-validation.ts';
import {oddString, schemaArbitrary, type Hint} from './schema-arbitrary.ts';

/** The Istio kinds generated from their schemas, with the version the tool reads them in. */
export const FUZZED_KINDS = ['virtualService', 'destinationRule', 'authorizationPolicy', 'peerAuthentication', 'requestAuthentication', 'sidecar', 'envoyFilter', 'wasmPlugin'] as const satisfies readonly KindName[];
export type FuzzedKind = (typeof FUZZED_KINDS)[number];

export interface App {
  name: string;
  version: string;
  replicas: number;
  ports: Array<{name: string; port: number}>;
  /** `sidecar.istio.io/inject` on the pod template, if any. */
  inject?: 'true' | 'false';
}

export interface NamespaceSpec {
  name: string;
  mode: 'injection' | 'revision' | 'none' | 'ambient';
  apps: App[];
}

export interface FuzzCase {
  namespaces: NamespaceSpec[];
  /** Istio configuration, as stored (validated, pruned and defaulted by the CRD schema). */
  config: KubeObject[];
}

// ---- Schemas and validators -------------------------------------------------------------------------------

interface Crd {
  group: string;
  kind: string;
  versions: Array<{name: string; schema?: {openAPIV3Schema?: Record<string, any>}}>;
}

let crdsCache: Crd[] | undefined;
function crds(): Crd[] {
  crdsCache ??= readCrdManifests()
    .map(d => d.object as unknown as KubeObject)
    .filter(o => o.kind === 'CustomResourceDefinition')
    .map(o => ({group: o.spec.group, kind: o.spec.names.kind, versions: o.spec.versions}));
  return crdsCache;
}

/** The openAPIV3Schema of a kind at a version, as the simulator installs it. */
export function crdSchema(group: string, kind: string, version: string): Record<string, any> | undefined {
  return crds().find(c => c.group === group && c.kind === kind)?.versions.find(v => v.name === version)?.schema?.openAPIV3Schema;
}

const validators = new Map<string, SchemaValidator | null>();
/** The simulator's own validator for a custom resource's apiVersion and kind; null for built-in kinds. */
export function validatorFor(apiVersion: string, kind: string): SchemaValidator | null {
  const key = `${apiVersion}/${kind}`;
  if (!validators.has(key)) {
    const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
    const schema = group ? crdSchema(group!, kind, version!) : undefined;
    validators.set(key, schema ? compileSchema(schema) : group ? compileSchema({type: 'object', 'x-kubernetes-preserve-unknown-fields': true}) : null);
  }
  return validators.get(key)!;
}

// ---- The demo's control plane -------------------------------------------------------------------------

const BASE_FILES = ['00-nodes.yaml', '01-namespaces.yaml', '05-kube-system.yaml', '10-istio-system.yaml', '11-helm-releases.yaml', '12-istiod-managed.yaml'];
const BASE_NAMESPACES = new Set(['kube-system', 'istio-system']);
let baseCache: KubeObject[] | undefined;
/** istio-system, kube-system and the nodes of the demo cluster: an installed, ambient-ready Istio. */
export function baseObjects(): KubeObject[] {
  if (!baseCache) {
    const objects = [
      ...BASE_FILES.flatMap(f => readManifests(path.join(DEMO_FIXTURES, f)).map(d => d.object as unknown as KubeObject)).filter(o => o.kind !== 'Namespace' || BASE_NAMESPACES.has(o.metadata.name)),
      // The Istio and Gateway API CRDs every simulated cluster has: the environment checks read them.
      ...readCrdManifests().map(d => d.object as unknown as KubeObject),
    ];
    // Read from files, not from a running cluster: the DaemonSets' status, which the environment checks read
    // (ztunnel and istio-cni ready on every node), is what their controllers would write.
    const nodes = objects.filter(o => o.kind === 'Node').length;
    baseCache = objects.map(o => (o.kind === 'DaemonSet' ? {...o, status: {desiredNumberScheduled: nodes, currentNumberScheduled: nodes, numberReady: nodes, numberAvailable: nodes, updatedNumberScheduled: nodes}} : o));
  }
  return baseCache;
}

// ---- Value pools ------------------------------------------------------------------------------------------

const NAMESPACE_NAMES = ['bookinfo', 'shop', 'a', 'ns-1', 'default', `n${'x'.repeat(61)}z`, 'b2', 'istio-config'];
const APP_NAMES = ['reviews', 'ratings', 'api', 'web', 'a', `s${'v'.repeat(61)}z`, 'waypoint', 'b-c', 'reviews-v1', 'api-v2'];
/** Object names: shared across namespaces and kinds on purpose, some equal to names the plan creates. */
const OBJECT_NAMES = ['default', 'reviews', 'api', 'a', 'reviews-waypoint', 'api-v1', 'waypoint', 'x.y', `o${'o'.repeat(200)}`, 'allow-nothing', 'deny-all'];
const PORT_NAMES = ['http', 'grpc', 'tcp', 'http-metrics', 'https', 'tls', 'redis', 'http2'];

const appArb: fc.Arbitrary<App> = fc.record({
  name: fc.constantFrom(...APP_NAMES),
  version: fc.constantFrom('v1', 'v2', 'v3', 'V1', 'prod'),
  replicas: fc.integer({min: 1, max: 2}),
  // Mostly one port: a destination without a port number needs its Service to have exactly one.
  ports: fc.oneof(
    {weight: 3, arbitrary: fc.constant(1)},
    {weight: 1, arbitrary: fc.constant(3)},
  ).chain(max => fc.uniqueArray(fc.record({name: fc.constantFrom(...PORT_NAMES), port: fc.constantFrom(80, 8080, 9080, 443, 15008, 65535, 1)}), {minLength: 1, maxLength: max, selector: p => p.name})).map(ps =>
    ps.filter((p, i) => ps.findIndex(q => q.port === p.port) === i),
  ),
  inject: fc.option(fc.constantFrom('true' as const, 'false' as const), {nil: undefined, freq: 4}),
});

const workloadName = (app: App) => `${app.name}-${app.version.toLowerCase()}`.slice(0, 63).replace(/-+$/, '');

const namespaceArb: fc.Arbitrary<NamespaceSpec> = fc.record({
  name: fc.constantFrom(...NAMESPACE_NAMES),
  mode: fc.constantFrom('injection', 'injection', 'injection', 'revision', 'none', 'ambient'),
  apps: fc.uniqueArray(appArb, {maxLength: 3, selector: a => workloadName(a)}),
});

// ---- Hints: values that mean something in this cluster -------------------------------------------------------
//
// The spec arbitraries are built once per kind (building them per case was most of a case's time), so a
// hint cannot know the cluster: it generates a reference ({[REF]: 'host', pick, n}) that `resolve`
// turns into a value of this cluster (its Services, pod labels, namespaces) once the object is placed.

interface World {
  namespaces: NamespaceSpec[];
  /** Service names per namespace. */
  services: Map<string, string[]>;
  labels: Array<Record<string, string>>;
}

function worldOf(namespaces: NamespaceSpec[]): World {
  const services = new Map<string, string[]>();
  const labels: Array<Record<string, string>> = [];
  for (const ns of namespaces) {
    services.set(ns.name, [...new Set(ns.apps.map(a => a.name))]);
    for (const app of ns.apps) labels.push({app: app.name, version: app.version});
  }
  return {namespaces, services, labels};
}

const REF = '__fuzz_ref__';
type Ref = {[REF]: string; pick: number; n: number; odd?: unknown};
const ref = (what: string, picks: number, odd?: fc.Arbitrary<unknown>, spread = 50): fc.Arbitrary<Ref> =>
  fc.record({pick: fc.nat({max: picks - 1}), n: fc.nat({max: spread}), odd: odd ?? fc.constant(undefined)}).map(r => ({[REF]: what, ...r}));
const choose = <T>(list: T[], n: number, fallback: T): T => (list.length ? list[n % list.length]! : fallback);

const ODD_HOSTS = ['*', '*.example.com', 'example.com', 'bücher.example', 'xn--bcher-kva.example', 'Reviews', 'reviews.', 'reviews.bookinfo', '10.0.0.1', '[::1]', 'reviews.bookinfo.svc', 'a.b.svc.cluster.local', `${'h'.repeat(63)}.${'i'.repeat(63)}.svc.cluster.local`, '', '.', '*.svc.cluster.local', 'mesh'];
const DURATIONS = ['0s', '1s', '0.5s', '1.5s', '100ms', '1m', '1h', '1h2m3.5s', '10000h', '1us', '1ns', '0.001s', '2562047h', '-1s', 'PT1S', 'abc', ''];
const durationArb = fc.oneof({weight: 4, arbitrary: fc.constantFrom(...DURATIONS.slice(0, 12))}, {weight: 1, arbitrary: fc.constantFrom(...DURATIONS)});
const PRINCIPALS = ['*', 'cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account', 'spiffe://cluster.local/ns/a/sa/b', '', 'cluster.local/ns/*'];
const oddLabels = fc.dictionary(oddString().filter(k => k !== '__proto__'), oddString(), {maxKeys: 3});

function resolveRef(r: Ref, world: World, namespace: string): unknown {
  const own = world.services.get(namespace) ?? [];
  const all = [...world.services].flatMap(([ns, names]) => names.map(n => ({ns, n})));
  const labels = world.labels;
  const nsNames = world.namespaces.map(n => n.name);
  switch (r[REF]) {
    case 'host':
      // own Service, another namespace's FQDN, an odd host, a random domain
      return [() => choose(own, r.n, 'reviews'), () => {
        const s = choose(all, r.n, {ns: 'bookinfo', n: 'reviews'});
        return `${s.n}.${s.ns}.svc.cluster.local`;
      }, () => choose(ODD_HOSTS, r.n, '*'), () => r.odd][r.pick]!();
    case 'selector':
      return [() => ({app: choose(labels, r.n, {app: 'none'}).app}), () => ({...choose(labels, r.n, {app: 'none', version: 'v1'})}), () => ({}), () => ({app: 'matches-nothing'}), () => r.odd][r.pick]!();
    case 'subset-labels':
      return r.pick === 0 ? {version: choose(labels, r.n, {version: 'v1'}).version} : resolveRef({...r, [REF]: 'selector', pick: r.pick - 1}, world, namespace);
    case 'principal':
      return [() => choose(PRINCIPALS, r.n, '*'), () => `cluster.local/ns/${choose(nsNames, r.n, 'a')}/sa/${choose([...APP_NAMES, 'default', 'waypoint'], r.n, 'default')}`, () => r.odd][r.pick]!();
    case 'namespace':
      return [() => choose(nsNames, r.n, 'a'), () => '*', () => 'istio-system', () => r.odd][r.pick]!();
    case 'target':
      return [() => ({group: '', kind: 'Service', name: choose(own, r.n, 'reviews')}), () => ({group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'waypoint'}), () => ({group: 'gateway.networking.k8s.io', kind: 'GatewayClass', name: 'istio-waypoint'})][r.pick]!();
    case 'gateway':
      return ['mesh', 'mesh', 'istio-system/ingressgateway', 'ingressgateway', `${namespace}/gw`, 'MESH'][r.pick];
  }
  return r.odd;
}

/** Replaces every reference in a generated value by a value of this cluster. */
function resolve(value: unknown, world: World, namespace: string): unknown {
  if (Array.isArray(value)) return value.map(v => resolve(v, world, namespace));
  if (value && typeof value === 'object') {
    if (REF in value) return resolveRef(value as Ref, world, namespace);
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v, world, namespace)]));
  }
  return value;
}

const HEADER_NAMES = ['x-user', 'end-user', 'X-Canary', 'cookie', 'x-b3-sampled'];

function hintFor(kind: FuzzedKind, tame: boolean): Hint {
  const subset = tame ? fc.constantFrom('v1', 'v2', 'v3') : fc.constantFrom('v1', 'v2', 'v3', 'V1', 'prod', 'missing', '');
  return (p, schema) => {
    const last = p.slice(p.lastIndexOf('.') + 1);
    if (schema.type === 'string' && JSON.stringify(schema['x-kubernetes-validations'] ?? []).includes('duration(')) return tame ? fc.constantFrom('1s', '0.5s', '100ms', '1m') : durationArb;
    if (tame && p === 'spec.hosts[]') return fc.oneof(ref('host', 1, undefined, 1), ref('host', 2));
    if (tame && (p.endsWith('destination.host') || p.endsWith('mirror.host'))) return ref('host', 1, undefined, 1);
    if (/(headers|queryParams|set|add)\{key\}$/.test(p)) return tame ? fc.constantFrom(...HEADER_NAMES) : fc.oneof(fc.constantFrom(...HEADER_NAMES, ':authority', 'Host'), oddString().filter(k => k !== '__proto__'));
    if (tame && p.endsWith('.remove[]')) return fc.constantFrom(...HEADER_NAMES);
    if (tame && /headers\.(request|response)\.(set|add)\{\}$/.test(p)) return fc.constantFrom('a', 'v2', 'on');
    if (p === 'spec.hosts[]' || p.endsWith('destination.host') || p.endsWith('mirror.host') || (kind === 'destinationRule' && p === 'spec.host')) return ref('host', 4, fc.domain());
    if (p.endsWith('.subset') || (kind === 'destinationRule' && p === 'spec.subsets[].name')) return subset;
    if (p.endsWith('.port.number')) return fc.oneof(fc.constantFrom(80, 8080, 9080, 443, 1, 65535), fc.integer({min: 0, max: 4294967295}));
    if (kind === 'virtualService' && (p === 'spec.gateways[]' || p.endsWith('match[].gateways[]'))) return tame ? fc.constant('mesh') : ref('gateway', 6);
    if (tame && p.endsWith('method.exact')) return fc.constantFrom('GET', 'POST', 'DELETE');
    if (tame && p.endsWith('route[].weight')) return fc.integer({min: 0, max: 100});
    if (tame && kind === 'destinationRule' && p === 'spec.host') return ref('host', 1, undefined, 1);
    if (tame && kind === 'destinationRule' && p === 'spec.subsets[].labels') return ref('subset-labels', 1);
    if (kind === 'destinationRule' && p === 'spec.subsets[].labels') return fc.oneof({weight: 4, arbitrary: ref('subset-labels', 1)}, {weight: 1, arbitrary: ref('subset-labels', 6, oddLabels).filter(r => r.pick > 0)});
    if (p === 'spec.selector.matchLabels' || p === 'spec.workloadSelector.labels' || p === 'spec.workloadSelector.matchLabels') return ref('selector', 5, oddLabels);
    if (last === 'principals[]' || last === 'notPrincipals[]') return ref('principal', 3, oddString());
    if (last === 'namespaces[]' || last === 'notNamespaces[]') return ref('namespace', 4, oddString());
    if (p === 'spec.targetRef' || p === 'spec.targetRefs[]') return ref('target', 3);
    return undefined;
  };
}

// ---- Objects ------------------------------------------------------------------------------------------------

/**
 * The VirtualService fields that no HTTPRoute carries: a "tame" VirtualService leaves them out (and keeps
 * to Service hosts, token header names and real durations), so that conversions happen and get checked.
 */
const UNTRANSLATABLE_VS = /^spec\.(tcp|tls|exportTo)$|^spec\.http\[\]\.(fault|delegate|retries|directResponse|mirror|mirrors|mirrorPercent|mirror_percent|mirrorPercentage|corsPolicy)$|\.match\[\]\.(sourceLabels|sourceNamespace|gateways|port|ignoreUriCase|scheme|authority|withoutHeaders|statPrefix)$|\.rewrite\.uriRegexRewrite$|\.redirect\.(scheme|derivePort|redirectCode)$|\.uri\.regex$/;

/** A tame VirtualService has a host and every rule routes somewhere (or redirects). */
function tameVirtualService(spec: unknown, subsets: boolean): unknown {
  const s = {...(spec as Record<string, any>)};
  const host = (n: number) => ({[REF]: 'host', pick: 0, n: n % 2});
  if (!Array.isArray(s.hosts) || s.hosts.length === 0) s.hosts = [host(0)];
  if (!Array.isArray(s.http) || s.http.length === 0) s.http = [{}];
  s.http = s.http.map((rule: Record<string, any>, i: number) => {
    if (rule.redirect || (Array.isArray(rule.route) && rule.route.length > 0 && rule.route.every((r: any) => r?.destination?.host))) return rule;
    return {...rule, route: [{destination: {host: host(i)}}]};
  });
  // Subset routing: each destination to a version of its Service, as Bookinfo's reviews does.
  if (subsets) {
    s.http = s.http.map((rule: Record<string, any>) =>
      Array.isArray(rule.route) ? {...rule, route: rule.route.map((r: any, j: number) => ({...r, destination: {...r.destination, subset: ['v1', 'v2', 'v3'][j % 3]}}))} : rule,
    );
  }
  return s;
}

interface Draft {
  kind: FuzzedKind;
  name: string;
  spec: unknown;
}

const draftArbs = new Map<FuzzedKind, fc.Arbitrary<Draft>>();
function draftArb(kind: FuzzedKind): fc.Arbitrary<Draft> {
  let arb = draftArbs.get(kind);
  if (!arb) {
    const r = KINDS[kind];
    const schema = crdSchema(r.group, r.kind, r.version)!.properties.spec;
    const wild = schemaArbitrary(schema, {root: 'spec', hint: hintFor(kind, false)});
    const tame = fc
      .tuple(schemaArbitrary(schema, {root: 'spec', hint: hintFor(kind, true), omit: p => UNTRANSLATABLE_VS.test(p), fieldsPerObject: 2}), fc.boolean())
      .map(([s, subsets]) => tameVirtualService(s, subsets));
    const tameRule = schemaArbitrary(schema, {root: 'spec', hint: hintFor(kind, true), fieldsPerObject: 1})
      .chain(s => fc.uniqueArray(schemaArbitrary(schema.properties.subsets.items, {root: 'spec.subsets[]', hint: hintFor(kind, true), fieldsPerObject: 1}), {minLength: 1, maxLength: 3}).map(subsets => ({...(s as object), subsets: subsets.map((x, i) => ({...(x as object), name: ['v1', 'v2', 'v3'][i]}))})));
    // Half-wild: the fields that always stop a conversion left out, every other one as odd as the schema allows.
    const halfWild = fc
      .tuple(schemaArbitrary(schema, {root: 'spec', hint: hintFor(kind, false), omit: p => /^spec\.(tcp|tls|exportTo)$|^spec\.http\[\]\.(fault|delegate|retries|directResponse)$/.test(p)}), fc.boolean())
      .map(([s, subsets]) => tameVirtualService({...(s as object), hosts: undefined, gateways: undefined}, subsets));
    const spec = kind === 'virtualService' ? fc.oneof(wild, tame, halfWild) : kind === 'destinationRule' ? fc.oneof(wild, tameRule) : wild;
    arb = fc.record({kind: fc.constant(kind), name: fc.constantFrom(...OBJECT_NAMES), spec});
    draftArbs.set(kind, arb);
  }
  return arb;
}

/** A draft placed in a namespace of this cluster, as the API server would store it; undefined if it would refuse it. */
function place(draft: Draft, world: World, namespace: string): KubeObject | undefined {
  const r = KINDS[draft.kind];
  const object: KubeObject = {apiVersion: apiVersionOf(r), kind: r.kind, metadata: {name: draft.name, namespace}, spec: resolve(draft.spec, world, namespace)};
  const outcome = validatorFor(apiVersionOf(r), r.kind)!.validate(object as never);
  // What a server would refuse is not part of a cluster; the generator keeps that rare.
  return outcome.causes.length > 0 ? undefined : (outcome.object as unknown as KubeObject);
}

const namespaceDraftsArb = (root: boolean): fc.Arbitrary<Draft[]> =>
  fc.tuple(...FUZZED_KINDS.map(kind => fc.array(draftArb(kind), {maxLength: root ? 1 : kind === 'virtualService' || kind === 'authorizationPolicy' || kind === 'destinationRule' ? 3 : 1}))).map(l => l.flat());

/** A generated cluster. */
export const fuzzCaseArb: fc.Arbitrary<FuzzCase> = fc
  .record({
    namespaces: fc.uniqueArray(namespaceArb, {minLength: 1, maxLength: 3, selector: n => n.name}),
    drafts: fc.array(namespaceDraftsArb(false), {minLength: 3, maxLength: 3}),
    root: fc.option(namespaceDraftsArb(true), {nil: undefined, freq: 3}),
  })
  .map(({namespaces, drafts, root}) => {
    const world = worldOf(namespaces);
    const placed = [...namespaces.flatMap((n, i) => drafts[i]!.map(d => place(d, world, n.name))), ...(root ?? []).map(d => place(d, world, 'istio-system'))];
    return {namespaces, config: dedupeNames(placed.filter((o): o is KubeObject => o !== undefined))};
  });

/** One object per kind, namespace and name: the first one wins. */
function dedupeNames(objects: KubeObject[]): KubeObject[] {
  // The control plane's own objects (istio-system/default PeerAuthentication...) are there already.
  const seen = new Set<string>(baseObjects().map(o => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`));
  return objects.filter(o => {
    const key = `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

// ---- Kubernetes objects for the workloads --------------------------------------------------------------------

const NAMESPACE_LABELS: Record<NamespaceSpec['mode'], Record<string, string>> = {
  injection: {'istio-injection': 'enabled'},
  revision: {'istio.io/rev': 'default'},
  none: {},
  ambient: {'istio.io/dataplane-mode': 'ambient'},
};


/** Namespaces, Deployments and Services: what is seeded into a simulator (its controllers make the pods). */
export function workloadObjects(c: FuzzCase): KubeObject[] {
  const out: KubeObject[] = [];
  for (const ns of c.namespaces) {
    out.push({apiVersion: 'v1', kind: 'Namespace', metadata: {name: ns.name, labels: {'kubernetes.io/metadata.name': ns.name, ...NAMESPACE_LABELS[ns.mode]}}});
    const services = new Map<string, App[]>();
    for (const app of ns.apps) {
      const labels = {app: app.name, version: app.version};
      out.push({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: {name: workloadName(app), namespace: ns.name, labels},
        spec: {
          replicas: app.replicas,
          selector: {matchLabels: labels},
          template: {
            metadata: {labels, ...(app.inject ? {annotations: {'sidecar.istio.io/inject': app.inject}} : {})},
            spec: {containers: [{name: 'app', image: 'example/app:1', ports: app.ports.map(p => ({name: p.name.slice(0, 15), containerPort: p.port}))}]},
          },
        },
      });
      services.set(app.name, [...(services.get(app.name) ?? []), app]);
    }
    for (const [name, apps] of services) {
      const ports = apps[0]!.ports;
      out.push({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: {name, namespace: ns.name, labels: {app: name}},
        spec: {selector: {app: name}, ports: ports.map(p => ({name: p.name, port: p.port, targetPort: p.port, protocol: 'TCP'}))},
      });
    }
  }
  return out;
}

/** The pods the simulator's controllers would run for the workloads, sidecars included where injected. */
export function podObjects(c: FuzzCase): KubeObject[] {
  const out: KubeObject[] = [];
  for (const ns of c.namespaces) {
    for (const app of ns.apps) {
      const injected = (ns.mode === 'injection' || ns.mode === 'revision') && app.inject !== 'false';
      const ambient = ns.mode === 'ambient' && !injected;
      for (let i = 0; i < app.replicas; i++) {
        const name = `${workloadName(app)}-5d8f7c9b4-${'abcdef'[i]}x${i}`.slice(0, 253);
        out.push({
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: {
            name,
            namespace: ns.name,
            labels: {app: app.name, version: app.version, 'pod-template-hash': '5d8f7c9b4'},
            annotations: {
              ...(injected ? {'sidecar.istio.io/status': JSON.stringify({initContainers: ['istio-init'], containers: ['istio-proxy'], volumes: [], revision: 'default'})} : {}),
              ...(ambient ? {'ambient.istio.io/redirection': 'enabled'} : {}),
            },
            ownerReferences: [{apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `${workloadName(app)}-5d8f7c9b4`, uid: `rs-${ns.name}-${workloadName(app)}`, controller: true}],
          },
          spec: {containers: [{name: 'app', image: 'example/app:1'}, ...(injected ? [{name: 'istio-proxy', image: 'istio/proxyv2:1.28.2'}] : [])], ...(injected ? {initContainers: [{name: 'istio-init'}]} : {})},
          status: {phase: 'Running'},
        });
      }
    }
  }
  return out;
}

/** kind name by apiVersion/kind, for building an inventory. */
const KIND_NAMES = new Map(Object.entries(KINDS).map(([name, ref]) => [`${apiVersionOf(ref)}/${ref.kind}`, name as KindName]));
const KIND_NAMES_BY_GROUP_KIND = new Map(Object.entries(KINDS).map(([name, ref]) => [`${ref.group}/${ref.kind}`, name as KindName]));
export function kindNameOf(o: KubeObject): KindName | undefined {
  const group = o.apiVersion.includes('/') ? o.apiVersion.split('/')[0]! : '';
  return KIND_NAMES.get(`${o.apiVersion}/${o.kind}`) ?? KIND_NAMES_BY_GROUP_KIND.get(`${group}/${o.kind}`);
}
