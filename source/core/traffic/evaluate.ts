import type {KubeObject} from '../../kube/client.ts';
import type {AuthzConfig, AuthzRequest, Caller, EnforcementPoint, Verdict} from './authz/api.ts';
import {authzKeys} from './apply.ts';
import {currentMode} from './mode.ts';
import {route, subsetLabels, type RouteDecision} from './routes.ts';
import type {Backend, EvaluateOptions, Hop, Outcome, RequestClass} from './types.ts';
import {ingressUsesWaypoint, serviceWaypoint, workloadWaypoint, type Waypoint} from './waypoints.ts';
import {podKey, serviceHost, serviceOfHost, workloadOf, type Incremental, type World, type WorldKind} from './world.ts';

/**
 * One request class through the mesh: who routes it, which workloads it reaches, and what every
 * enforcement point on the way answers. The authorizer is injected (`options.authorize`): the routing half
 * never interprets a policy itself.
 *
 * Who applies the route (reference §1.2 "Interop", istio.io `content/en/docs/ambient/migrate/`):
 * - a sidecar caller: its own sidecar, with mesh VirtualServices and the VirtualServices istiod makes from
 *   HTTPRoutes with Service parents (GAMMA; `PILOT_ENABLE_GATEWAY_API` defaults on, istio
 *   `pilot/pkg/features/experimental.go`); it then tunnels straight to the destination (HBONE to ztunnel
 *   for an ambient pod): a waypoint is never on the way (istio/istio#51445);
 * - an ambient caller: the Service's waypoint when the Service is bound to one, else nobody (ztunnel
 *   load-balances over the Service's endpoints; a workload waypoint of the chosen endpoint still applies);
 * - an ingress gateway: its Gateway's VirtualServices; a waypoint only with `istio.io/ingress-use-waypoint`;
 * - an out-of-mesh caller: nobody (kube-proxy), plaintext.
 */
export function evaluate(world: World, request: RequestClass, options: EvaluateOptions): Outcome {
  const legs: Leg[] = [];
  const routedBy: string[] = [];
  let status: number | undefined;
  const record = (decision: RouteDecision) => {
    if (decision.by) routedBy.push(`${decision.by.kind} ${decision.by.namespace}/${decision.by.name}#${decision.by.rule}`);
    if (decision.status !== undefined) status = decision.status;
  };
  const target = request.target;
  if (target.kind === 'gateway') {
    const decision = route(world, {host: target.host, port: target.port, http: request.http, gateway: `${target.namespace}/${target.name}`});
    record(decision);
    for (const d of decision.destinations) {
      const service = serviceOfHost(world, d.host);
      if (service) legs.push(...fromIngress(world, request, service, d.port ?? target.port, d.weight, d.subset, record));
    }
  } else if (target.kind === 'workload') {
    legs.push(...toWorkload(world, request, target));
  } else {
    const service = world.get('service', target.namespace, target.name);
    if (service) legs.push(...toService(world, request, service, target.port, 1, record));
  }
  const config = authzConfig(world);
  const backends = mergeBackends(legs.flatMap(leg => backendOf(world, request, leg, config, options)));
  const denied = backends.find(b => b.verdict.decision !== 'allow');
  const verdict: Verdict =
    backends.length === 0
      ? {decision: 'deny', reason: status ? `answered ${status} by the proxy` : 'no backend', ignored: []}
      : (denied ?? backends[0]!).verdict;
  return {backends, verdict, path: backends[0]?.path ?? [], routedBy: [...new Set(routedBy)], ...(status !== undefined ? {status} : {})};
}

/** The labels istiod gives a waypoint's pods (the proxy a route's `sourceLabels` are matched against). */
function waypointPodLabels(waypoint: Waypoint): Record<string, string> {
  return {'gateway.networking.k8s.io/gateway-name': waypoint.name, 'gateway.istio.io/managed': 'istio.io-mesh-controller'};
}

/** A share of a class's requests reaching one pod along one path. */
interface Leg {
  /** One pod standing for every endpoint of the same shape (namespace, labels, ServiceAccount, mode). */
  pod: KubeObject;
  /** The workloads behind those endpoints, with their shares of `weight`. */
  members: Array<{name: string; namespace: string; share: number}>;
  service: KubeObject;
  /** The Service port the request addressed (after routing). */
  port: number;
  weight: number;
  hops: Hop[];
  /** A waypoint that handled it (service or workload waypoint). */
  waypoint?: {waypoint: Waypoint; service?: KubeObject; port: number};
}

type Record_ = (d: RouteDecision) => void;

function toService(world: World, request: RequestClass, service: KubeObject, port: number, weight: number, record: Record_): Leg[] {
  const caller = request.caller;
  if (caller.mode === 'sidecar') {
    const decision = route(world, {host: serviceHost(service), port, http: request.http, gateway: 'mesh', source: {namespace: caller.namespace, labels: caller.labels}});
    record(decision);
    return decision.destinations.flatMap(d => {
      const svc = serviceOfHost(world, d.host);
      return svc ? endpointLegs(world, svc, d.port ?? port, weight * d.weight, d.subset, service.metadata.namespace ?? '', ['client-sidecar']) : [];
    });
  }
  if (caller.mode === 'ambient') return viaWaypointOrDirect(world, request, service, port, weight, record, serviceWaypoint(world, service), []);
  if (caller.mode === 'gateway') {
    const waypoint = ingressUsesWaypoint(world, service) ? serviceWaypoint(world, service) : undefined;
    return viaWaypointOrDirect(world, request, service, port, weight, record, waypoint, ['ingress-gateway'], false);
  }
  return endpointLegs(world, service, port, weight, undefined, service.metadata.namespace ?? '', []);
}

/**
 * To a workload's pods by address: nobody routes; an ambient caller's ztunnel sends to the pod's workload
 * waypoint when it has one (waypoints.go `fetchWaypointForWorkload`), else straight to the pod.
 */
function toWorkload(world: World, request: RequestClass, target: Extract<RequestClass['target'], {kind: 'workload'}>): Leg[] {
  world.tracker?.add(`pod:${target.namespace}`);
  const pods = world.pods(target.namespace).filter(p => workloadOf(world, p).name === target.name);
  if (pods.length === 0) return [];
  // A stand-in Service for the pods, so the legs are built as for a Service (port = the pod's port).
  const standIn: KubeObject = {apiVersion: 'v1', kind: 'Service', metadata: {name: target.name, namespace: target.namespace}, spec: {selector: pods[0]!.metadata.labels ?? {}, ports: [{port: target.port}]}};
  const hops: Hop[] = request.caller.mode === 'sidecar' ? ['client-sidecar'] : request.caller.mode === 'gateway' ? ['ingress-gateway'] : [];
  const legs = endpointLegs(world, standIn, target.port, 1, undefined, target.namespace, hops).filter(l => pods.includes(l.pod) || workloadOf(world, l.pod).name === target.name);
  if (request.caller.mode !== 'ambient') return legs;
  return legs.map(leg => {
    const wl = workloadWaypoint(world, leg.pod);
    return wl ? {...leg, hops: [...leg.hops, 'waypoint' as Hop], waypoint: {waypoint: wl, port: target.port}} : leg;
  });
}

function fromIngress(world: World, request: RequestClass, service: KubeObject, port: number, weight: number, subset: string | undefined, record: Record_): Leg[] {
  const waypoint = ingressUsesWaypoint(world, service) ? serviceWaypoint(world, service) : undefined;
  if (waypoint) return viaWaypointOrDirect(world, request, service, port, weight, record, waypoint, ['ingress-gateway'], false);
  return endpointLegs(world, service, port, weight, subset, request.target.namespace, ['ingress-gateway']);
}

/**
 * Through a service waypoint (it routes with the mesh route lists, then sends to endpoints), or straight to
 * the Service's endpoints, each of which may have a workload waypoint (ambient callers only).
 */
function viaWaypointOrDirect(
  world: World,
  request: RequestClass,
  service: KubeObject,
  port: number,
  weight: number,
  record: Record_,
  waypoint: Waypoint | undefined,
  hops: Hop[],
  workloadWaypoints = true,
): Leg[] {
  if (waypoint) {
    const decision = route(world, {host: serviceHost(service), port, http: request.http, gateway: 'mesh', waypointNamespace: waypoint.namespace, source: {namespace: waypoint.namespace, labels: waypointPodLabels(waypoint)}});
    record(decision);
    return decision.destinations.flatMap(d => {
      const svc = serviceOfHost(world, d.host);
      if (!svc) return [];
      return endpointLegs(world, svc, d.port ?? port, weight * d.weight, d.subset, service.metadata.namespace ?? '', [...hops, 'waypoint']).map(leg => ({
        ...leg,
        waypoint: {waypoint, service, port},
      }));
    });
  }
  return endpointLegs(world, service, port, weight, undefined, service.metadata.namespace ?? '', hops).map(leg => {
    const wl = workloadWaypoints ? workloadWaypoint(world, leg.pod) : undefined;
    return wl ? {...leg, hops: [...leg.hops, 'waypoint' as Hop], waypoint: {waypoint: wl, port}} : leg;
  });
}

/** The Service's ready endpoints (its selector, plus a subset's labels), spread evenly over pods. */
function endpointLegs(world: World, service: KubeObject, port: number, weight: number, subset: string | undefined, fromNamespace: string, hops: Hop[]): Leg[] {
  const selector = service.spec?.selector as Record<string, string> | undefined;
  if (!selector || Object.keys(selector).length === 0) return [];
  let labels = selector;
  if (subset) {
    const extra = subsetLabels(world, serviceHost(service), subset, fromNamespace);
    if (!extra) return []; // an unknown subset has no endpoints: Envoy answers 503
    labels = {...selector, ...extra};
  }
  const pods = world.endpoints(service, labels);
  if (pods.length === 0) return [];
  // Endpoints of one shape get the same verdict: evaluate one, report each workload with its share.
  let byService = legCache.get(pods);
  if (!byService) legCache.set(pods, (byService = new Map()));
  const cacheKey = `${service.metadata.namespace}/${service.metadata.name}:${port}`;
  let shapes = byService.get(cacheKey);
  if (!shapes || shapes.service !== service) {
    const groups = new Map<string, Leg>();
    for (const pod of pods) {
      const key = `${podKey(pod)}|${currentMode(pod)}|${targetPort(service, port, pod)}`;
      let leg = groups.get(key);
      if (!leg) groups.set(key, (leg = {pod, members: [], service, port, weight: 0, hops: []}));
      leg.weight += 1 / pods.length;
      const wl = workloadOf(world, pod);
      const member = leg.members.find(m => m.name === wl.name && m.namespace === wl.namespace);
      if (member) member.share += 1;
      else leg.members.push({name: wl.name, namespace: wl.namespace, share: 1});
    }
    for (const leg of groups.values()) {
      const total = leg.members.reduce((a, m) => a + m.share, 0);
      for (const m of leg.members) m.share /= total;
    }
    byService.set(cacheKey, (shapes = {service, legs: [...groups.values()]}));
  }
  return shapes.legs.map(leg => ({...leg, weight: leg.weight * weight, hops}));
}

/** Grouped endpoints per selected-pod list and Service port (workload names depend only on the pods). */
const legCache = new WeakMap<KubeObject[], Map<string, {service: KubeObject; legs: Leg[]}>>();

/** The port a pod listens on for a Service port (`targetPort`, a number or a container port name). */
function targetPort(service: KubeObject, port: number, pod: KubeObject): number {
  const entry = ((service.spec?.ports ?? []) as Array<{port: number; targetPort?: number | string}>).find(p => Number(p.port) === port);
  const target = entry?.targetPort;
  if (target === undefined) return port;
  if (typeof target === 'number' || /^\d+$/.test(String(target))) return Number(target);
  for (const c of (pod.spec?.containers ?? []) as Array<{ports?: Array<{name?: string; containerPort: number}>}>) {
    const hit = c.ports?.find(p => p.name === target);
    if (hit) return hit.containerPort;
  }
  return port;
}

const AUTHZ_KINDS = ['authorizationPolicy', 'peerAuthentication', 'requestAuthentication'] as const;

/**
 * Verdicts for (point, request), kept while nothing the authorizer reads changes: the policy kinds and the
 * objects a point carries (Gateway, Service, Namespace labels), per namespace of the point; a change in
 * the root namespace (or the mesh config) forgets everything. A pod enters the key by what selectors see
 * of it: namespace, labels, ServiceAccount.
 */
class VerdictCache implements Incremental {
  /** `<namespace>|pods` and `<namespace>|waypoint` → verdicts. */
  private readonly maps = new Map<string, Map<string, Verdict>>();
  constructor(private readonly root: string) {}
  update(kind: WorldKind, namespace: string, before: KubeObject[], after: KubeObject[]): void {
    if (kind === 'namespace') {
      const old = new Set(before);
      for (const n of after) if (!old.has(n)) this.forget(n.metadata.name, 'all');
      const now = new Set(after);
      for (const n of before) if (!now.has(n)) this.forget(n.metadata.name, 'all');
      return;
    }
    if (kind === 'authorizationPolicy' || kind === 'requestAuthentication' || kind === 'peerAuthentication') {
      const old = new Set(before), now = new Set(after);
      const changed = [...after.filter(o => !old.has(o)), ...before.filter(o => !now.has(o))];
      for (const key of authzKeys(kind, namespace, changed)) this.forget(namespace, key.startsWith('authz-waypoint') ? 'waypoint' : 'pods');
      return;
    }
    this.forget(namespace, 'all');
  }
  private forget(namespace: string, which: 'pods' | 'waypoint' | 'all') {
    if (namespace === this.root || namespace === '') {
      this.maps.clear();
      return;
    }
    if (which !== 'waypoint') this.maps.delete(`${namespace}|pods`);
    if (which !== 'pods') this.maps.delete(`${namespace}|waypoint`);
  }
  forPoint(namespace: string, which: 'pods' | 'waypoint'): Map<string, Verdict> {
    const key = `${namespace}|${which}`;
    let m = this.maps.get(key);
    if (!m) this.maps.set(key, (m = new Map()));
    return m;
  }
}

function verdictCache(world: World): VerdictCache {
  return world.memo('verdicts', [...AUTHZ_KINDS, 'gateway', 'service', 'namespace', 'configMap', 'deployment'], () => new VerdictCache(world.rootNamespace));
}

function verdictKey(point: EnforcementPoint, r: AuthzRequest): string {
  const where =
    point.kind === 'waypoint'
      ? `w|${point.waypoint.metadata.namespace}/${point.waypoint.metadata.name}|${point.service ? `${point.service.metadata.namespace}/${point.service.metadata.name}` : ''}`
      : `${point.kind}|${podKey(point.pod)}|${point.kind === 'ztunnel' && point.viaWaypoint ? `${point.viaWaypoint.namespace}/${point.viaWaypoint.serviceAccount}` : ''}`;
  const c = r.caller;
  return `${where}|${c.namespace}/${c.serviceAccount ?? ''}/${c.mtls ? 1 : 0}|${r.port}|${r.http ? `${r.http.host} ${r.http.method} ${r.http.path} ${JSON.stringify(r.http.headers)}` : ''}`;
}

function authzConfig(world: World): AuthzConfig {
  return world.memo('authzConfig', ['authorizationPolicy', 'peerAuthentication', 'namespace', 'configMap', 'deployment'], () => ({
    authorizationPolicies: world.all('authorizationPolicy'),
    peerAuthentications: world.all('peerAuthentication'),
    rootNamespace: world.rootNamespace,
    namespaces: world.all('namespace'),
  }));
}

function callerOf(world: World, request: RequestClass): Caller {
  const c = request.caller;
  if (c.mode === 'none' || !c.serviceAccount) return {namespace: c.namespace, mtls: false};
  return {namespace: c.namespace, serviceAccount: c.serviceAccount, trustDomain: world.trustDomain, mtls: true};
}

/**
 * The enforcement points of one leg, in order, and their combined verdict: the first point that does not
 * allow decides (a request denied anywhere is denied).
 * - destination with a sidecar: its sidecar (behind a waypoint it sees the waypoint's identity);
 * - ambient destination: ztunnel, told when the request came through a waypoint (it then sees the
 *   waypoint's identity, reference §3.6.1 and istio/istio#44256), preceded by the waypoint itself;
 * - destination out of the mesh: nobody enforces anything.
 */
function backendOf(world: World, request: RequestClass, leg: Leg, config: AuthzConfig, options: EvaluateOptions): Backend[] {
  const mode = currentMode(leg.pod);
  const caller = callerOf(world, request);
  const podPort = targetPort(leg.service, leg.port, leg.pod);
  const http = request.http ? {...request.http, host: serviceHost(leg.service)} : undefined;
  const points: Array<{point: EnforcementPoint; request: AuthzRequest}> = [];
  const hops = [...leg.hops];
  const ns = leg.pod.metadata.namespace ?? '';
  // What the authorizer may read: selector policies of the pod's namespace and the root (for sidecar and
  // ztunnel), targetRefs policies of the waypoint's and the Service's namespace and the root (`apply.ts` `authzKeys`).
  world.tracker?.add(`authz-pods:${ns}`);
  world.tracker?.add(`authz-pod:${ns}|${podKey(leg.pod)}`);
  world.tracker?.add(`authz-pods:${config.rootNamespace}`);
  if (leg.waypoint) {
    world.tracker?.add(`authz-waypoint:${leg.waypoint.waypoint.namespace}`);
    world.tracker?.add(`authz-waypoint:${leg.service.metadata.namespace}`);
    world.tracker?.add(`authz-waypoint:${config.rootNamespace}`);
  }
  if (leg.waypoint) {
    const wp = leg.waypoint.waypoint;
    points.push({point: {kind: 'waypoint', waypoint: wp.gateway, ...(leg.waypoint.service ? {service: leg.waypoint.service} : {})}, request: {caller, port: leg.waypoint.port, ...(http ? {http} : {})}});
  }
  const viaWaypoint = leg.waypoint ? {namespace: leg.waypoint.waypoint.namespace, serviceAccount: leg.waypoint.waypoint.serviceAccount} : undefined;
  if (mode === 'sidecar') {
    hops.push('destination-sidecar');
    const seen: Caller = viaWaypoint ? {namespace: viaWaypoint.namespace, serviceAccount: viaWaypoint.serviceAccount, trustDomain: world.trustDomain, mtls: true} : caller;
    points.push({point: {kind: 'sidecar', pod: leg.pod}, request: {caller: seen, port: podPort, ...(http ? {http} : {})}});
  } else if (mode === 'ambient') {
    hops.push('ztunnel');
    points.push({point: {kind: 'ztunnel', pod: leg.pod, ...(viaWaypoint ? {viaWaypoint} : {})}, request: {caller, port: podPort, ...(http ? {http} : {})}});
  }
  let verdict: Verdict = {decision: 'allow', reason: mode === 'none' ? 'destination is outside the mesh: nothing enforces' : 'no policy applies', ignored: []};
  const ignored: Verdict['ignored'] = [];
  let decided: Verdict | undefined;
  const caches = verdictCache(world);
  for (const {point, request: r} of points) {
    // A waypoint in another namespace than the Service reads policies of both: not cached.
    const crossNamespace = point.kind === 'waypoint' && point.service && point.service.metadata.namespace !== point.waypoint.metadata.namespace;
    const cache = crossNamespace ? undefined : point.kind === 'waypoint' ? caches.forPoint(point.waypoint.metadata.namespace ?? '', 'waypoint') : caches.forPoint(point.pod.metadata.namespace ?? '', 'pods');
    const key = cache ? verdictKey(point, r) : '';
    let v = cache?.get(key);
    if (!v) {
      v = options.authorize(config, point, r);
      cache?.set(key, v);
    }
    if (v.ignored.length) ignored.push(...v.ignored);
    if (v.decision !== 'allow') {
      decided = v;
      break;
    }
    if (v.decidedBy && !decided) verdict = v;
  }
  const chosen = decided ?? verdict;
  // The verdict object is shared when nothing was added to what its point said (most of the time).
  verdict = chosen.ignored.length === ignored.length ? chosen : {...chosen, ignored};
  return leg.members.map(m => ({workload: m.name, namespace: m.namespace, weight: leg.weight * m.share, verdict, path: hops}));
}

function mergeBackends(backends: Backend[]): Backend[] {
  const round = (w: number) => Math.round(w * 10000) / 10000;
  if (backends.length === 1) {
    backends[0]!.weight = round(backends[0]!.weight);
    return backends;
  }
  // Usually every backend is another workload: nothing to merge.
  const names = backends.map(b => `${b.namespace}/${b.workload}`);
  if (new Set(names).size === backends.length) {
    for (const b of backends) b.weight = round(b.weight);
    const order = backends.map((b, i) => ({b, n: names[i]!})).sort((x, y) => (x.n < y.n ? -1 : x.n > y.n ? 1 : 0));
    return order.map(x => x.b);
  }
  const out = new Map<string, Backend>();
  for (const b of backends) {
    const d = b.verdict.decidedBy;
    const key = `${b.namespace}/${b.workload}|${b.path.join(',')}|${b.verdict.decision}|${d ? `${d.policy.namespace}/${d.policy.name}#${d.rule ?? ''}` : ''}`;
    const hit = out.get(key);
    if (hit) hit.weight += b.weight;
    else out.set(key, b);
  }
  const merged = [...out.values()];
  for (const b of merged) b.weight = round(b.weight);
  const name = (b: Backend) => `${b.namespace}/${b.workload}`;
  return merged.length > 1 ? merged.sort((x, y) => (name(x) < name(y) ? -1 : name(x) > name(y) ? 1 : 0)) : merged;
}
