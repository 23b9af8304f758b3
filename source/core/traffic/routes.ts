import type {KubeObject} from '../../kube/client.ts';
import {fqdn, serviceHost, type Incremental, type World, type WorldKind} from './world.ts';

/**
 * Routing as Envoy proxies configured by istiod apply it: mesh VirtualServices and HTTPRoutes with
 * Service parents (both seen by sidecars and waypoints as a list of VirtualServices), and VirtualServices
 * bound to an ingress Gateway. Pure functions over a World.
 */

export interface HttpAttrs {
  method: string;
  path: string;
  /** Lower-case names. */
  headers: Record<string, string>;
}

/** Who applies the route and what it knows about the request. */
export interface RouteInput {
  /** FQDN the request addresses. */
  host: string;
  /** The Service port (or gateway server port). */
  port: number;
  http?: HttpAttrs;
  /** `mesh` for sidecars and waypoints, `ns/name` of an Istio Gateway for ingress. */
  gateway: string;
  /** Set when a waypoint applies the route: its namespace (it merges lists, see `routeListsFor`). */
  waypointNamespace?: string;
  /** The proxy applying the route: the caller's sidecar, the waypoint, the ingress gateway. */
  source?: {namespace: string; labels?: Record<string, string>};
}

export interface RouteDestination {
  host: string;
  subset?: string;
  port?: number;
  /** Share of the traffic, 0..1. */
  weight: number;
}

export interface RouteDecision {
  /** The configuration and rule that decided; null when no route object applies (default: the host's Service). */
  by: {kind: 'VirtualService' | 'HTTPRoute'; namespace: string; name: string; rule: number} | null;
  destinations: RouteDestination[];
  /** Answered by the proxy itself (redirect, direct response, 404 when nothing matches, 500 for all-zero weights). */
  status?: number;
}

// ------------------------------------------------------------------------------------------------ matching

type StringMatch = {exact?: string; prefix?: string; regex?: string};

const regexCache = new Map<string, RegExp | null>();
/** RE2 full match (Envoy `safe_regex` matches the whole value); patterns JS cannot compile never match. */
export function fullMatch(pattern: string, value: string, flags = ''): boolean {
  const key = `${flags}/${pattern}`;
  let re = regexCache.get(key);
  if (re === undefined) {
    try {
      re = new RegExp(`^(?:${pattern})$`, flags);
    } catch {
      re = null;
    }
    regexCache.set(key, re);
  }
  return re ? re.test(value) : false;
}

export function stringMatches(m: StringMatch | undefined, value: string | undefined, ignoreCase = false): boolean {
  if (!m) return true;
  if (value === undefined) return false;
  const v = ignoreCase ? value.toLowerCase() : value;
  if (m.exact !== undefined) return v === (ignoreCase ? m.exact.toLowerCase() : m.exact);
  if (m.prefix !== undefined) return v.startsWith(ignoreCase ? m.prefix.toLowerCase() : m.prefix);
  if (m.regex !== undefined) return fullMatch(m.regex, value, ignoreCase ? 'i' : '');
  return true;
}

/** The path without its query string. */
function pathOnly(path: string): string {
  const q = path.indexOf('?');
  return q >= 0 ? path.slice(0, q) : path;
}

/**
 * One VirtualService `HTTPMatchRequest` (istio/api `networking/v1alpha3/virtual_service.proto`; Envoy
 * route match built by istio `pilot/pkg/networking/core/route/route.go` `TranslateRouteMatch`): every
 * field present must hold. A `uri.prefix` is a raw string prefix. Query parameters are not modelled: a
 * match that needs one never matches a request class (they carry none).
 */
export function vsMatchHolds(match: Record<string, any>, input: RouteInput, vsNamespace: string): boolean {
  if (match.port !== undefined && Number(match.port) !== input.port) return false;
  // Gateways, source labels and namespace are matched against the proxy applying the route (its own labels
  // and namespace), and a match naming gateways skips the source checks (istio
  // `pilot/pkg/networking/core/route/route.go` `sourceMatchHTTP`).
  if (match.gateways?.length) {
    if (!match.gateways.map((g: string) => gatewayKey(g, vsNamespace)).includes(input.gateway)) return false;
  } else {
    if (match.sourceLabels && Object.entries(match.sourceLabels as Record<string, string>).some(([k, v]) => input.source?.labels?.[k] !== v)) return false;
    if (match.sourceNamespace && match.sourceNamespace !== input.source?.namespace) return false;
  }
  if (match.queryParams && Object.keys(match.queryParams).length) return false;
  const http = input.http;
  if (match.uri || match.method || match.headers || match.withoutHeaders || match.authority || match.scheme) {
    if (!http) return false;
    if (match.uri && !stringMatches(match.uri, pathOnly(http.path), Boolean(match.ignoreUriCase))) return false;
    if (match.method && !stringMatches(match.method, http.method)) return false;
    if (match.authority && !stringMatches(match.authority, input.host)) return false;
    if (match.scheme && !stringMatches(match.scheme, 'http')) return false;
    for (const [name, m] of Object.entries((match.headers ?? {}) as Record<string, StringMatch>)) {
      if (!stringMatches(m, http.headers[name.toLowerCase()])) return false;
    }
    for (const [name, m] of Object.entries((match.withoutHeaders ?? {}) as Record<string, StringMatch>)) {
      const value = http.headers[name.toLowerCase()];
      // An empty StringMatch in withoutHeaders means "header absent".
      if (Object.keys(m ?? {}).length === 0 ? value !== undefined : stringMatches(m, value)) return false;
    }
  }
  return true;
}

/** VirtualService gateway names are `name` (the VS's namespace), `ns/name`, or `mesh`. */
export function gatewayKey(name: string, vsNamespace: string): string {
  if (name === 'mesh') return 'mesh';
  return name.includes('/') ? name : `${vsNamespace}/${name}`;
}

/** The gateways a VirtualService is bound to: `mesh` when the field is empty (virtual_service.proto `gateways`). */
export function vsGateways(vs: KubeObject): string[] {
  const gateways = (vs.spec?.gateways ?? []) as string[];
  return gateways.length ? gateways.map(g => gatewayKey(g, vs.metadata.namespace ?? '')) : ['mesh'];
}

/** Gateways a VS's http routes can serve: the VS-level list plus any match-level `gateways`. */
function vsAllGateways(vs: KubeObject): string[] {
  const out = new Set(vsGateways(vs));
  for (const route of (vs.spec?.http ?? []) as Array<Record<string, any>>) {
    for (const m of (route.match ?? []) as Array<Record<string, any>>) for (const g of (m.gateways ?? []) as string[]) out.add(gatewayKey(g, vs.metadata.namespace ?? ''));
  }
  return [...out];
}

// ------------------------------------------------------------------------------------------------ HTTPRoute → route list

/** One entry of a proxy's route list, whatever object it came from. */
interface RouteEntry {
  source: {kind: 'VirtualService' | 'HTTPRoute'; namespace: string; name: string; rule: number};
  /** `undefined` = matches everything. */
  holds(input: RouteInput): boolean;
  /** For precedence sorting of HTTPRoute entries. */
  rank?: {type: number; length: number; method: boolean; headers: number; query: number};
  delegate?: {name: string; namespace: string};
  destinations?: Array<{host: string; subset?: string; port?: number; weight?: number}>;
  status?: number;
}

/** A VirtualService-shaped list for one host: what istiod hands a proxy for that host. */
interface HostRoutes {
  kind: 'VirtualService' | 'HTTPRoute';
  namespace: string;
  name: string;
  created: string;
  hosts: string[];
  gateways: string[];
  /** Ports the list is limited to (HTTPRoute parentRef `port`), or undefined for all. */
  ports?: number[];
  entries: RouteEntry[];
  /** The VirtualService, or the HTTPRoutes merged into the list. */
  objects: KubeObject[];
}

const API_DEFAULT_MATCH = [{path: {type: 'PathPrefix', value: '/'}}];

/**
 * An HTTPRoute match, as istiod converts it (istio `pilot/pkg/config/kube/gateway/conversion.go`
 * `createURIMatch`): PathPrefix drops one trailing `/` (except for `/`) and matches whole path segments
 * (Envoy `path_separated_prefix`, istio `pilot/pkg/networking/core/route/route.go`); Exact; RegularExpression.
 */
function httpRouteMatch(match: Record<string, any>): {holds: (input: RouteInput) => boolean; rank: RouteEntry['rank']} {
  const type = match.path?.type ?? 'PathPrefix';
  let value: string = match.path?.value ?? '/';
  if (type === 'PathPrefix' && value !== '/') value = value.replace(/\/$/, '');
  const typeRank = type === 'Exact' ? 3 : type === 'PathPrefix' ? 2 : 1;
  const headers = (match.headers ?? []) as Array<{name: string; value: string; type?: string}>;
  const query = (match.queryParams ?? []) as unknown[];
  const method = match.method as string | undefined;
  return {
    rank: {type: typeRank, length: value.length, method: Boolean(method), headers: headers.length, query: query.length},
    holds(input) {
      const http = input.http;
      if (!http) return type === 'PathPrefix' && value === '/' && !method && headers.length === 0 && query.length === 0;
      const path = pathOnly(http.path);
      if (type === 'Exact' && path !== value) return false;
      if (type === 'PathPrefix' && value !== '/' && !(path === value || path.startsWith(`${value}/`))) return false;
      if (type === 'RegularExpression' && !fullMatch(value, path)) return false;
      if (method && http.method !== method) return false;
      for (const h of headers) {
        const actual = http.headers[h.name.toLowerCase()];
        if (actual === undefined) return false;
        if ((h.type ?? 'Exact') === 'Exact' ? actual !== h.value : !fullMatch(h.value, actual)) return false;
      }
      return query.length === 0;
    },
  };
}

/**
 * Precedence among HTTPRoute entries (istio `pilot/pkg/config/kube/gateway/conversion.go` `sortHTTPRoutes`,
 * a stable sort after the routes were ordered by creation time, namespace and name): path match type
 * (Exact > PathPrefix > RegularExpression), longer path value, a method match, more header matches, more
 * query matches; entries without any match go last.
 */
function byPrecedence(a: RouteEntry, b: RouteEntry): number {
  const x = a.rank, y = b.rank;
  if (!x && !y) return 0;
  if (!x) return 1;
  if (!y) return -1;
  if (x.type !== y.type) return y.type - x.type;
  if (x.length !== y.length) return y.length - x.length;
  if (x.method !== y.method) return x.method ? -1 : 1;
  if (x.headers !== y.headers) return y.headers - x.headers;
  return y.query - x.query;
}

function byCreation(a: KubeObject, b: KubeObject): number {
  const ta = a.metadata.creationTimestamp ?? '', tb = b.metadata.creationTimestamp ?? '';
  if (ta !== tb) return ta < tb ? -1 : 1;
  const na = a.metadata.namespace ?? '', nb = b.metadata.namespace ?? '';
  if (na !== nb) return na < nb ? -1 : 1;
  return a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0;
}

/**
 * HTTPRoutes with a Service parent, merged per parent (istio `pilot/pkg/config/kube/gateway/route_collections.go`
 * `mergeHTTPRoutes`: routes sorted by creation time, their rules concatenated, then re-sorted by precedence)
 * into one list per (Service, port), bound to `mesh` (the generated VirtualService's `gateways` is the
 * parent's internal name, `mesh`, same file; testdata `mesh.yaml.golden`). Every match of a rule becomes its own entry (istiod generates one
 * match per route). A rule whose backends all weigh 0 answers 500 (`conversion.go`, testdata `zero.yaml`).
 */
function parentList(routes: KubeObject[], host: string, port: number | undefined): HostRoutes {
  routes = [...routes].sort(byCreation);
  const entries: RouteEntry[] = [];
  for (const route of routes) {
    const rns = route.metadata.namespace ?? '';
    ((route.spec?.rules ?? []) as Array<Record<string, any>>).forEach((rule, index) => {
      const backends = ((rule.backendRefs ?? []) as Array<Record<string, any>>)
        .filter(b => (b.kind ?? 'Service') === 'Service' && (b.group ?? '') === '')
        .map(b => ({host: `${b.name}.${b.namespace ?? rns}.svc.cluster.local`, port: b.port === undefined ? undefined : Number(b.port), weight: b.weight === undefined ? 1 : Number(b.weight)}));
      const redirect = ((rule.filters ?? []) as Array<Record<string, any>>).find(f => f.type === 'RequestRedirect');
      const live = backends.filter(b => b.weight > 0);
      const status = redirect ? Number(redirect.requestRedirect?.statusCode ?? 302) : live.length === 0 ? 500 : undefined;
      const matches = ((rule.matches ?? []) as Array<Record<string, any>>).length ? rule.matches : API_DEFAULT_MATCH;
      for (const match of matches as Array<Record<string, any>>) {
        const m = httpRouteMatch(match);
        entries.push({source: {kind: 'HTTPRoute', namespace: rns, name: route.metadata.name, rule: index}, holds: m.holds, rank: m.rank, destinations: status ? undefined : live, status});
      }
    });
  }
  const sorted = entries.map((e, i) => ({e, i})).sort((a, b) => byPrecedence(a.e, b.e) || a.i - b.i).map(x => x.e);
  const first = routes[0]!;
  return {kind: 'HTTPRoute', namespace: first.metadata.namespace ?? '', name: first.metadata.name, created: first.metadata.creationTimestamp ?? '', hosts: [host], gateways: ['mesh'], ports: port === undefined ? undefined : [port], entries: sorted, objects: routes};
}

function serviceParents(route: KubeObject): Array<{key: string; host: string; port?: number}> {
  const ns = route.metadata.namespace ?? '';
  const out = new Map<string, {key: string; host: string; port?: number}>();
  for (const parent of (route.spec?.parentRefs ?? []) as Array<Record<string, any>>) {
    if (parent.kind !== 'Service' || (parent.group ?? '') !== '') continue;
    const host = `${parent.name}.${parent.namespace ?? ns}.svc.cluster.local`;
    const port = parent.port === undefined ? undefined : Number(parent.port);
    const key = `${host}|${port ?? ''}`;
    out.set(key, {key, host, port});
  }
  return [...out.values()];
}

/** HTTPRoutes by Service parent, following bucket changes. */
class HttpRouteIndex implements Incremental {
  private readonly byParent = new Map<string, {host: string; port?: number; byNs: Map<string, KubeObject[]>}>();
  private readonly byHost = new Map<string, Set<string>>();
  private readonly cache = new Map<string, HostRoutes>();
  constructor(world: World) {
    const byNs = new Map<string, KubeObject[]>();
    for (const r of world.all('httpRoute')) byNs.set(r.metadata.namespace ?? '', [...(byNs.get(r.metadata.namespace ?? '') ?? []), r]);
    for (const [ns, routes] of byNs) this.update('httpRoute', ns, [], routes);
  }
  update(kind: WorldKind, ns: string, before: KubeObject[], after: KubeObject[]): void {
    if (kind !== 'httpRoute') return;
    const keys = new Map<string, {host: string; port?: number}>();
    for (const r of [...before, ...after]) for (const p of serviceParents(r)) keys.set(p.key, p);
    for (const [key, p] of keys) {
      let entry = this.byParent.get(key);
      if (!entry) this.byParent.set(key, (entry = {host: p.host, port: p.port, byNs: new Map()}));
      const mine = after.filter(r => serviceParents(r).some(x => x.key === key));
      if (mine.length) entry.byNs.set(ns, mine);
      else entry.byNs.delete(ns);
      if (!this.byHost.has(p.host)) this.byHost.set(p.host, new Set());
      this.byHost.get(p.host)!.add(key);
      this.cache.delete(key);
    }
  }
  lookup(host: string): HostRoutes[] {
    const out: HostRoutes[] = [];
    for (const key of this.byHost.get(host) ?? []) {
      let list = this.cache.get(key);
      if (!list) {
        const entry = this.byParent.get(key)!;
        const routes = [...entry.byNs.values()].flat();
        if (routes.length === 0) continue;
        this.cache.set(key, (list = parentList(routes, entry.host, entry.port)));
      }
      out.push(list);
    }
    return out;
  }
}

/** A VirtualService's http routes as route-list entries. */
function vsEntries(vs: KubeObject): RouteEntry[] {
  const ns = vs.metadata.namespace ?? '';
  return ((vs.spec?.http ?? []) as Array<Record<string, any>>).map((route, index) => {
    const matches = (route.match ?? []) as Array<Record<string, any>>;
    const entry: RouteEntry = {
      source: {kind: 'VirtualService', namespace: ns, name: vs.metadata.name, rule: index},
      holds: input => matches.length === 0 || matches.some(m => vsMatchHolds(m, input, ns)),
    };
    if (route.delegate) entry.delegate = {name: route.delegate.name, namespace: route.delegate.namespace ?? ns};
    else if (route.redirect) entry.status = Number(route.redirect.redirectCode ?? 301);
    else if (route.directResponse) entry.status = Number(route.directResponse.status ?? 200);
    else {
      entry.destinations = ((route.route ?? []) as Array<Record<string, any>>).map(d => ({
        host: fqdn(d.destination?.host ?? '', ns),
        subset: d.destination?.subset,
        port: d.destination?.port?.number === undefined ? undefined : Number(d.destination.port.number),
        weight: d.weight === undefined ? undefined : Number(d.weight),
      }));
    }
    return entry;
  });
}

function vsList(vs: KubeObject): HostRoutes {
  return {
    kind: 'VirtualService',
    namespace: vs.metadata.namespace ?? '',
    name: vs.metadata.name,
    created: vs.metadata.creationTimestamp ?? '',
    hosts: ((vs.spec?.hosts ?? []) as string[]).map(h => fqdn(h, vs.metadata.namespace ?? '')),
    gateways: vsAllGateways(vs),
    entries: vsEntries(vs),
    objects: [vs],
  };
}

/**
 * Root VirtualServices (those with hosts; delegates have none, istio `pilot/pkg/model/virtualservice.go`
 * `isRootVs`) by host, following bucket changes; wildcard hosts apart.
 */
class VsIndex implements Incremental {
  private readonly byNs = new Map<string, HostRoutes[]>();
  private readonly byHost = new Map<string, Set<HostRoutes>>();
  private readonly wildcard = new Set<HostRoutes>();
  constructor(world: World) {
    const byNs = new Map<string, KubeObject[]>();
    for (const vs of world.all('virtualService')) byNs.set(vs.metadata.namespace ?? '', [...(byNs.get(vs.metadata.namespace ?? '') ?? []), vs]);
    for (const [ns, list] of byNs) this.update('virtualService', ns, [], list);
  }
  update(kind: WorldKind, ns: string, _before: KubeObject[], after: KubeObject[]): void {
    if (kind !== 'virtualService') return;
    for (const l of this.byNs.get(ns) ?? []) {
      this.wildcard.delete(l);
      for (const h of l.hosts) this.byHost.get(h)?.delete(l);
    }
    const lists = after.filter(vs => ((vs.spec?.hosts ?? []) as string[]).length > 0).map(vsList);
    this.byNs.set(ns, lists);
    for (const l of lists) {
      for (const h of l.hosts) {
        if (h.includes('*')) this.wildcard.add(l);
        else {
          if (!this.byHost.has(h)) this.byHost.set(h, new Set());
          this.byHost.get(h)!.add(l);
        }
      }
    }
  }
  lookup(host: string): HostRoutes[] {
    const out = new Set(this.byHost.get(host) ?? []);
    for (const l of this.wildcard) if (l.hosts.some(h => hostMatches(h, host))) out.add(l);
    return [...out];
  }
  /** Lists bound to an ingress gateway. */
  forGateway(gateway: string): HostRoutes[] {
    return [...this.byNs.values()].flat().filter(l => l.gateways.includes(gateway));
  }
}

const vsIndex = (world: World) => world.memo('vsIndex', ['virtualService'], () => new VsIndex(world));
const httpRouteIndex = (world: World) => world.memo('httpRouteIndex', ['httpRoute'], () => new HttpRouteIndex(world));

/** The root VirtualServices and merged HTTPRoute lists that name a host (any gateway). */
export function listsForHost(world: World, host: string): Array<{kind: 'VirtualService' | 'HTTPRoute'; gateways: string[]; objects: KubeObject[]}> {
  return [...vsIndex(world).lookup(host), ...httpRouteIndex(world).lookup(host)];
}

/** VirtualServices bound to an ingress gateway (`ns/name`). */
export function virtualServicesForGateway(world: World, gateway: string): KubeObject[] {
  return vsIndex(world).forGateway(gateway).flatMap(l => l.objects);
}

function hostMatches(pattern: string, host: string): boolean {
  if (pattern === '*') return true;
  if (pattern.startsWith('*.')) return host.endsWith(pattern.slice(1));
  return pattern === host;
}

/** 0 = no match; higher = more specific (Envoy picks the most specific virtual host domain). */
function specificity(pattern: string, host: string): number {
  if (!hostMatches(pattern, host)) return 0;
  if (pattern === host) return 1e6;
  return pattern.length;
}

function ordered(a: HostRoutes, b: HostRoutes): number {
  if (a.created !== b.created) return a.created < b.created ? -1 : 1;
  if (a.namespace !== b.namespace) return a.namespace < b.namespace ? -1 : 1;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/**
 * The route lists a proxy applies to one request.
 *
 * Sidecars and waypoints (`mesh`): one virtual host per domain. The merged VirtualServices (user ones and
 * those istiod generates from HTTPRoutes) are sorted by creation time (istio
 * `pilot/pkg/model/virtualservice_controller.go` `sortMergedVirtualServicesByCreationTime`) and a domain
 * already claimed is dropped for every later one (`pilot/pkg/networking/core/httproute.go`
 * `buildVirtualHost`, metric `DuplicatedDomains`; `istioctl analyze` IST0109): only the oldest list for a
 * host applies, the others are dead. Envoy then serves the most specific domain (exact over wildcard).
 *
 * Ingress gateways: every VirtualService bound to the gateway for the host is merged, routes appended in
 * creation order (istio `pilot/pkg/networking/core/gateway.go`, `vHost.Routes = append(...)`).
 *
 * Waypoints: every mesh list whose host matches the Service and that lives in the Service's namespace or
 * the waypoint's is merged, routes appended in creation order (istio
 * `pilot/pkg/networking/core/listener_waypoint.go` `buildWaypointInboundHTTPRouteConfig`,
 * `getVirtualServiceForWaypoint`).
 */
export function routeListsFor(world: World, input: RouteInput): HostRoutes[] {
  world.tracker?.add(`host:${input.host}`);
  world.tracker?.add('host:*');
  if (input.gateway !== 'mesh') world.tracker?.add(`gw:${input.gateway}`);
  const candidates = [...vsIndex(world).lookup(input.host), ...(input.gateway === 'mesh' ? httpRouteIndex(world).lookup(input.host) : [])]
    .filter(l => l.gateways.includes(input.gateway) && (!l.ports || l.ports.includes(input.port)))
    .map(l => ({l, s: Math.max(0, ...l.hosts.map(h => specificity(h, input.host)))}))
    .filter(x => x.s > 0);
  if (candidates.length === 0) return [];
  if (input.gateway !== 'mesh') return candidates.map(x => x.l).sort(ordered);
  if (input.waypointNamespace !== undefined) {
    const serviceNamespace = /^[^.]+\.([^.]+)\.svc\./.exec(input.host)?.[1];
    return candidates.map(x => x.l).filter(l => l.namespace === serviceNamespace || l.namespace === input.waypointNamespace).sort(ordered);
  }
  const best = Math.max(...candidates.map(x => x.s));
  const top = candidates.filter(x => x.s === best).map(x => x.l).sort(ordered);
  // A port-scoped HTTPRoute list and an all-ports list are distinct virtual hosts only by port; keep the oldest.
  return [top[0]!];
}

/** The VirtualService `delegate` names (a VS without hosts), in its namespace. */
function delegateEntries(world: World, ref: {name: string; namespace: string}): RouteEntry[] | undefined {
  const vs = world.get('virtualService', ref.namespace, ref.name);
  if (!vs || ((vs.spec?.hosts ?? []) as string[]).length > 0) return undefined;
  return vsEntries(vs);
}

/**
 * First match wins over the merged list. A delegate's routes take the place of the root route that names
 * it, each only when the root match also holds (istio `pilot/pkg/model/virtualservice.go` `mergeHTTPRoutes`);
 * when none of them holds, evaluation goes on with the next root route.
 */
function firstMatch(world: World, entries: RouteEntry[], input: RouteInput, depth = 0): RouteEntry | undefined {
  for (const entry of entries) {
    if (!entry.holds(input)) continue;
    if (entry.delegate) {
      if (depth > 0) continue; // istiod supports one level of delegation
      const inner = delegateEntries(world, entry.delegate);
      const hit = inner ? firstMatch(world, inner, input, depth + 1) : undefined;
      if (hit) return hit;
      continue;
    }
    return entry;
  }
  return undefined;
}

/**
 * Where a proxy sends a request. Without any route list for the host, the host's own Service
 * (`buildSidecarVirtualHostForService`): `by` null, one destination. With one, the first entry that
 * matches; none matching is a 404 from the proxy.
 */
export function route(world: World, input: RouteInput): RouteDecision {
  // Many request classes share a routing question (they differ by caller identity only): decisions are
  // kept per World until a route kind changes, with the keys they read replayed into the tracker.
  const memo = world.memo('routeDecisions', ['virtualService', 'httpRoute'], () => new Map<string, {decision: RouteDecision; keys: string[]}>());
  const key = `${input.host}|${input.port}|${input.gateway}|${input.waypointNamespace ?? ''}|${input.source?.namespace ?? ''}|${labelsKey(input.source?.labels)}|${input.http ? `${input.http.method} ${input.http.path} ${JSON.stringify(input.http.headers)}` : ''}`;
  const hit = memo.get(key);
  if (hit) {
    if (world.tracker) for (const k of hit.keys) world.tracker.add(k);
    return hit.decision;
  }
  const outer = world.tracker;
  world.tracker = new Set();
  try {
    const decision = decide(world, input);
    memo.set(key, {decision, keys: [...world.tracker]});
    if (outer) for (const k of world.tracker) outer.add(k);
    return decision;
  } finally {
    world.tracker = outer;
  }
}

const labelKeys = new WeakMap<Record<string, string>, string>();
function labelsKey(labels: Record<string, string> | undefined): string {
  if (!labels) return '';
  let k = labelKeys.get(labels);
  if (k === undefined) labelKeys.set(labels, (k = JSON.stringify(Object.entries(labels).sort())));
  return k;
}

function decide(world: World, input: RouteInput): RouteDecision {
  const lists = routeListsFor(world, input);
  if (lists.length === 0) return {by: null, destinations: [{host: input.host, port: input.port, weight: 1}]};
  for (const list of lists) {
    const hit = firstMatch(world, list.entries, input);
    if (!hit) continue;
    if (hit.status !== undefined) return {by: hit.source, destinations: [], status: hit.status};
    return {by: hit.source, destinations: normalise(hit.destinations ?? [], input)};
  }
  return {by: null, destinations: [], status: 404};
}

/**
 * Weights to shares. VirtualService: a single destination takes everything; unset weights count as 0
 * when others are set, and spread evenly when none is (istio `pilot/pkg/networking/core/route/route.go`
 * `translateRoute` weighted clusters). HTTPRoute weights default to 1 (already applied).
 */
function normalise(dests: Array<{host: string; subset?: string; port?: number; weight?: number}>, input: RouteInput): RouteDestination[] {
  if (dests.length === 0) return [];
  const anySet = dests.some(d => d.weight !== undefined);
  const raw = dests.map(d => (dests.length === 1 ? 1 : anySet ? (d.weight ?? 0) : 1));
  const total = raw.reduce((a, b) => a + b, 0);
  if (total <= 0) return [];
  return dests
    .map((d, i) => ({host: d.host, ...(d.subset ? {subset: d.subset} : {}), port: d.port ?? input.port, weight: raw[i]! / total}))
    .filter(d => d.weight > 0);
}

/** The DestinationRule subset labels for a host (istio/api `destination_rule.proto` `Subset.labels`). */
export function subsetLabels(world: World, host: string, subset: string, fromNamespace: string): Record<string, string> | undefined {
  world.tracker?.add(`dr:${host}`);
  const rules = world.memo('drIndex', ['destinationRule'], () => new DrIndex(world));
  // The client's namespace first, then the host's (istio `pilot/pkg/model/push_context.go` `destinationRule` lookup order).
  const candidates = rules.lookup(host).sort((a, b) => Number(b.metadata.namespace === fromNamespace) - Number(a.metadata.namespace === fromNamespace));
  for (const dr of candidates) {
    const found = ((dr.spec?.subsets ?? []) as Array<{name: string; labels?: Record<string, string>}>).find(s => s.name === subset);
    if (found) return found.labels ?? {};
  }
  return undefined;
}

export {serviceHost};


/** DestinationRules by host, following bucket changes. */
class DrIndex implements Incremental {
  private readonly byHost = new Map<string, Map<string, KubeObject[]>>();
  constructor(world: World) {
    const byNs = new Map<string, KubeObject[]>();
    for (const dr of world.all('destinationRule')) byNs.set(dr.metadata.namespace ?? '', [...(byNs.get(dr.metadata.namespace ?? '') ?? []), dr]);
    for (const [ns, list] of byNs) this.update('destinationRule', ns, [], list);
  }
  update(kind: WorldKind, ns: string, before: KubeObject[], after: KubeObject[]): void {
    if (kind !== 'destinationRule') return;
    for (const dr of before) this.byHost.get(fqdn(dr.spec?.host ?? '', ns))?.delete(ns);
    for (const dr of after) {
      const h = fqdn(dr.spec?.host ?? '', ns);
      if (!this.byHost.has(h)) this.byHost.set(h, new Map());
      const m = this.byHost.get(h)!;
      m.set(ns, [...(m.get(ns) ?? []), dr]);
    }
  }
  lookup(host: string): KubeObject[] {
    return [...(this.byHost.get(host)?.values() ?? [])].flat().sort(byCreation);
  }
}

/**
 * The route names (`<namespace>.<route>.<rule>`, as istiod names generated routes) of the merged HTTPRoute
 * list for a Service parent and port, in order; for checking the merge against istiod's own goldens.
 */
export function serviceRouteNames(world: World, host: string, port?: number): string[] | undefined {
  const list = httpRouteIndex(world)
    .lookup(host)
    .find(l => (port === undefined ? !l.ports : l.ports?.includes(port)));
  return list?.entries.map(e => `${e.source.namespace}.${e.source.name}.${e.source.rule}`);
}
