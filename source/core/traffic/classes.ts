import type {KubeObject} from '../../kube/client.ts';
import {fullMatch, listsForHost, virtualServicesForGateway} from './routes.ts';
import {matchesLabels} from './selectors.ts';
import type {CallerClass, RequestClass, Target} from './types.ts';
import {serviceHost, workloadOf, type World} from './world.ts';

/**
 * A finite set of request classes that covers every distinction the configuration makes (issue 9 §2):
 * per Service port in scope, each caller class (every ServiceAccount a policy or a route's `sourceLabels`
 * names, one mesh identity no rule names, an out-of-mesh plaintext caller, the ingress gateway), caller
 * mode (sidecar, ambient), and each path, method and header value a route match or a policy rule mentions,
 * plus one value outside all of them. Ingress Gateways add classes entering through each server port for
 * the hosts and paths of the VirtualServices bound to them. The set grows with the configuration, never
 * with the number of pods. Regex matches are sampled (one string that the regex fully matches, when a
 * simple one can be derived), not proven; query parameters, `hosts`/`notHosts`, JWT principals and
 * source IPs are not varied.
 */

export const OTHER_NAMESPACE = 'ambient-migrate-other';
export const OUTSIDE_PATH = '/ambient-migrate-unmatched';
export const OUTSIDE_HEADER_VALUE = 'ambient-migrate-unmatched';
const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'];

export interface ClassOptions {
  /** Namespaces whose Services (and Gateways) are in scope; all when omitted. */
  namespaces?: string[];
}

/** Values one destination's configuration mentions. */
interface Mentions {
  paths: Set<string>;
  methods: Set<string>;
  /** name → values */
  headers: Map<string, Set<string>>;
  /** Multi-header matches, kept whole. */
  headerSets: Array<Record<string, string>>;
  callers: Map<string, CallerClass>;
}

const emptyMentions = (): Mentions => ({paths: new Set(), methods: new Set(), headers: new Map(), headerSets: [], callers: new Map()});

/** A string a simple regex fully matches: literal characters kept, `.*`/`.+` sampled. Undefined when unsure. */
export function sampleRegex(pattern: string): string | undefined {
  const candidate = pattern
    .replace(/^\^/, '')
    .replace(/\$$/, '')
    .replace(/\.\*/g, '')
    .replace(/\.\+/g, 'x')
    .replace(/\\(.)/g, '$1')
    .replace(/\[([^\]])[^\]]*\]/g, '$1');
  return fullMatch(pattern, candidate) ? candidate : undefined;
}

function addHeader(m: Mentions, name: string, value: string | undefined) {
  if (value === undefined) return;
  const key = name.toLowerCase();
  if (!m.headers.has(key)) m.headers.set(key, new Set());
  m.headers.get(key)!.add(value);
}

/** Samples for a StringMatch: the value itself, and for prefixes a value just inside. */
function samplesOf(match: {exact?: string; prefix?: string; regex?: string} | undefined): string[] {
  if (!match) return [];
  if (match.exact !== undefined) return [match.exact];
  if (match.prefix !== undefined) return [match.prefix, `${match.prefix}x`, `${match.prefix.replace(/\/$/, '')}/x`];
  if (match.regex !== undefined) {
    const s = sampleRegex(match.regex);
    return s === undefined ? [] : [s];
  }
  return [];
}

function mentionVsMatch(m: Mentions, match: Record<string, any>) {
  for (const p of samplesOf(match.uri)) m.paths.add(p);
  for (const v of samplesOf(match.method)) m.methods.add(v);
  const set: Record<string, string> = {};
  for (const [name, sm] of Object.entries((match.headers ?? {}) as Record<string, any>)) {
    const values = samplesOf(sm);
    for (const v of values) addHeader(m, name, v);
    if (values[0] !== undefined) set[name.toLowerCase()] = values[0];
  }
  for (const [name, sm] of Object.entries((match.withoutHeaders ?? {}) as Record<string, any>)) for (const v of samplesOf(sm)) addHeader(m, name, v);
  if (Object.keys(set).length > 1) m.headerSets.push(set);
}

function mentionHttpRouteMatch(m: Mentions, match: Record<string, any>) {
  const type = match.path?.type ?? 'PathPrefix';
  const value: string | undefined = match.path?.value;
  if (value !== undefined) {
    if (type === 'Exact') m.paths.add(value);
    else if (type === 'PathPrefix') {
      const trimmed = value === '/' ? '/' : value.replace(/\/$/, '');
      for (const p of [value, trimmed, `${trimmed}x`, `${trimmed.replace(/\/$/, '')}/x`]) m.paths.add(p);
    } else {
      const s = sampleRegex(value);
      if (s !== undefined) m.paths.add(s);
    }
  }
  if (match.method) m.methods.add(match.method);
  const set: Record<string, string> = {};
  for (const h of (match.headers ?? []) as Array<{name: string; value: string; type?: string}>) {
    const v = (h.type ?? 'Exact') === 'Exact' ? h.value : sampleRegex(h.value);
    addHeader(m, h.name, v);
    if (v !== undefined) set[h.name.toLowerCase()] = v;
  }
  if (Object.keys(set).length > 1) m.headerSets.push(set);
}

/** Istio string patterns (`prefix*`, `*suffix`, `*`, exact), istio `pilot/pkg/security/authz/matcher/string.go`. */
function patternSamples(pattern: string): string[] {
  if (pattern === '*') return [];
  if (pattern.endsWith('*')) return [pattern.slice(0, -1), `${pattern.slice(0, -1)}x`];
  if (pattern.startsWith('*')) return [`x${pattern.slice(1)}`];
  return [pattern];
}

function callerKey(c: CallerClass): string {
  return `${c.kind}|${c.namespace}|${c.serviceAccount ?? ''}|${JSON.stringify(c.labels ?? {})}`;
}

function labelsOfServiceAccount(world: World, namespace: string, sa: string): Record<string, string> | undefined {
  return world.pods(namespace).find(p => (p.spec?.serviceAccountName ?? 'default') === sa)?.metadata.labels;
}

function addCaller(world: World, m: Mentions, namespace: string, serviceAccount: string, labels?: Record<string, string>) {
  const c: CallerClass = {kind: 'workload', namespace, serviceAccount, mode: 'sidecar', ...(labels ?? labelsOfServiceAccount(world, namespace, serviceAccount) ? {labels: labels ?? labelsOfServiceAccount(world, namespace, serviceAccount)} : {})};
  m.callers.set(callerKey(c), c);
}

/** Principals `<trust domain>/ns/<ns>/sa/<sa>`, serviceAccounts `ns/sa`, namespaces (their `default` account). */
function mentionPolicy(world: World, m: Mentions, policy: KubeObject) {
  const pns = policy.metadata.namespace ?? '';
  for (const rule of (policy.spec?.rules ?? []) as Array<Record<string, any>>) {
    for (const from of (rule.from ?? []) as Array<{source?: Record<string, string[]>}>) {
      const s = from.source ?? {};
      for (const p of [...(s.principals ?? []), ...(s.notPrincipals ?? [])]) {
        const hit = /(?:^|\/)ns\/([^/*]+)\/sa\/([^/*]+)$/.exec(p);
        if (hit) addCaller(world, m, hit[1]!, hit[2]!);
      }
      for (const a of [...(s.serviceAccounts ?? []), ...(s.notServiceAccounts ?? [])]) {
        const [ns, sa] = a.includes('/') ? a.split('/') : [pns, a];
        if (ns && sa && !a.includes('*')) addCaller(world, m, ns, sa);
      }
      for (const ns of [...(s.namespaces ?? []), ...(s.notNamespaces ?? [])]) if (!ns.includes('*')) addCaller(world, m, ns, 'default');
    }
    for (const to of (rule.to ?? []) as Array<{operation?: Record<string, string[]>}>) {
      const o = to.operation ?? {};
      for (const p of [...(o.paths ?? []), ...(o.notPaths ?? [])]) for (const s of patternSamples(p)) m.paths.add(s);
      for (const v of [...(o.methods ?? []), ...(o.notMethods ?? [])]) if (!v.includes('*')) m.methods.add(v);
    }
    for (const when of (rule.when ?? []) as Array<{key: string; values?: string[]; notValues?: string[]}>) {
      const header = /^request\.headers\[(.+)\]$/.exec(when.key);
      if (header) for (const v of [...(when.values ?? []), ...(when.notValues ?? [])]) for (const s of patternSamples(v)) addHeader(m, header[1]!, s);
    }
  }
}

/** Route lists (VS of any gateway, HTTPRoutes) for a host, delegates included. */
function mentionRoutes(world: World, m: Mentions, host: string) {
  const seen = new Set<KubeObject>();
  const visitVs = (vs: KubeObject) => {
    if (seen.has(vs)) return;
    seen.add(vs);
    const ns = vs.metadata.namespace ?? '';
    for (const r of (vs.spec?.http ?? []) as Array<Record<string, any>>) {
      for (const match of (r.match ?? []) as Array<Record<string, any>>) {
        mentionVsMatch(m, match);
        if (match.sourceLabels) {
          const sourceNs = match.sourceNamespace as string | undefined;
          const pods = (sourceNs ? [sourceNs] : world.namespaceNames()).flatMap(n => world.pods(n)).filter(p => matchesLabels(match.sourceLabels, p.metadata.labels));
          if (pods.length) for (const p of pods.slice(0, 1)) addCaller(world, m, p.metadata.namespace ?? '', p.spec?.serviceAccountName ?? 'default', p.metadata.labels);
          else addCaller(world, m, sourceNs ?? ns, 'default', match.sourceLabels);
        }
      }
      if (r.delegate) {
        const d = world.get('virtualService', r.delegate.namespace ?? ns, r.delegate.name);
        if (d) visitVs(d);
      }
    }
  };
  // Only lists that serve mesh traffic for the host (ingress-bound ones make gateway classes).
  for (const list of listsForHost(world, host)) {
    if (!list.gateways.includes('mesh')) continue;
    if (list.kind === 'VirtualService') list.objects.forEach(visitVs);
    else
      for (const route of list.objects)
        for (const rule of (route.spec?.rules ?? []) as Array<Record<string, any>>) for (const match of (rule.matches ?? []) as Array<Record<string, any>>) mentionHttpRouteMatch(m, match);
  }
}

function ingressCallers(world: World): CallerClass[] {
  return world.memo('ingressCallers', ['pod', 'deployment'], () => {
    const pods = world.all('pod').filter(p => p.metadata.labels?.istio === 'ingressgateway' || p.metadata.labels?.app === 'istio-ingressgateway');
    const seen = new Map<string, CallerClass>();
    for (const p of pods) {
      const c: CallerClass = {kind: 'ingress', namespace: p.metadata.namespace ?? '', serviceAccount: p.spec?.serviceAccountName ?? 'default', mode: 'gateway', labels: p.metadata.labels};
      seen.set(`${c.namespace}/${c.serviceAccount}`, c);
    }
    if (seen.size === 0) return [{kind: 'ingress', namespace: world.istioNamespace, serviceAccount: 'istio-ingressgateway-service-account', mode: 'gateway', labels: {istio: 'ingressgateway'}}];
    return [...seen.values()];
  });
}

function variants(m: Mentions): Array<RequestClass['http']> {
  const paths = [...m.paths].filter(p => p.startsWith('/'));
  if (!paths.includes('/')) paths.unshift('/');
  paths.push(OUTSIDE_PATH);
  const methods = [...m.methods].map(x => x.toUpperCase());
  const outside = METHODS.find(x => !methods.includes(x))!;
  if (!methods.includes('GET') && methods.length === 0) methods.push('GET');
  methods.push(outside);
  const headerSets: Array<Record<string, string>> = [{}];
  for (const [name, values] of m.headers) {
    for (const v of values) headerSets.push({[name]: v});
    headerSets.push({[name]: OUTSIDE_HEADER_VALUE});
  }
  headerSets.push(...m.headerSets);
  const out: Array<RequestClass['http']> = [];
  for (const path of new Set(paths)) for (const method of new Set(methods)) for (const headers of headerSets) out.push({method, path, headers});
  return out;
}

/**
 * A port Istio treats as opaque TCP: `appProtocol`, else the name's prefix before `-` (istio
 * `pkg/config/protocol/instance.go` `Parse`, istio.io `docs/ops/configuration/traffic-management/protocol-selection`).
 * Unnamed ports are sniffed; the model treats them as HTTP.
 */
function isOpaque(port: {name?: string; appProtocol?: string}): boolean {
  const proto = (port.appProtocol ?? port.name?.split('-')[0] ?? '').toLowerCase();
  return ['tcp', 'tls', 'https', 'mongo', 'mysql', 'redis'].includes(proto);
}

function classId(c: Omit<RequestClass, 'id'>): string {
  const caller = `${c.caller.kind}:${c.caller.namespace}/${c.caller.serviceAccount ?? '-'}${c.caller.labels && c.caller.kind === 'workload' ? JSON.stringify(c.caller.labels) : ''}@${c.caller.mode}`;
  const t = c.target;
  const target = t.kind === 'service' ? `svc:${t.namespace}/${t.name}:${t.port}` : t.kind === 'workload' ? `wl:${t.namespace}/${t.name}:${t.port}` : `gw:${t.namespace}/${t.name}:${t.port}/${t.host}`;
  const http = c.http ? `${c.http.method} ${c.http.path} ${JSON.stringify(c.http.headers)}` : 'tcp';
  return `${caller} → ${target} ${http}`;
}

/** Request classes for every world given (the cluster now and after the plan), deduplicated. */
export function requestClasses(worlds: World | World[], options: ClassOptions = {}): RequestClass[] {
  const list = Array.isArray(worlds) ? worlds : [worlds];
  const out = new Map<string, RequestClass>();
  const add = (c: Omit<RequestClass, 'id'>) => {
    const id = classId(c);
    if (!out.has(id)) out.set(id, {id, ...c});
  };
  for (const world of list) {
    const scope = options.namespaces ?? world.namespaceNames();
    const root = world.rootNamespace;
    for (const ns of scope) {
      const policies = [...world.list('authorizationPolicy', ns), ...(ns === root ? [] : world.list('authorizationPolicy', root))];
      for (const service of world.list('service', ns)) {
        const m = emptyMentions();
        for (const p of policies) mentionPolicy(world, m, p);
        mentionRoutes(world, m, serviceHost(service));
        const callers: CallerClass[] = [];
        for (const c of m.callers.values()) for (const mode of ['sidecar', 'ambient'] as const) callers.push({...c, mode});
        for (const mode of ['sidecar', 'ambient'] as const) callers.push({kind: 'other', namespace: OTHER_NAMESPACE, serviceAccount: 'default', mode});
        callers.push({kind: 'plaintext', namespace: OTHER_NAMESPACE, mode: 'none'});
        callers.push(...ingressCallers(world));
        const http = variants(m);
        for (const p of (service.spec?.ports ?? []) as Array<{port: number; name?: string; appProtocol?: string}>) {
          const target: Target = {kind: 'service', namespace: ns, name: service.metadata.name, port: Number(p.port)};
          if (isOpaque(p)) for (const caller of callers) add({caller, target});
          else for (const caller of callers) for (const h of http) add({caller, target, ...(h ? {http: h} : {})});
        }
      }
      for (const gateway of world.list('istioGateway', ns)) gatewayClasses(world, gateway, add);
      workloadClasses(world, ns, policies, add);
    }
  }
  return [...out.values()];
}

/**
 * Pods a policy selects that no Service fronts are still reachable by address: one target per such
 * workload and container port (a selector ALLOW with only HTTP rules makes them deny everything once
 * ztunnel enforces it; no Service class would show it).
 */
function workloadClasses(world: World, ns: string, policies: KubeObject[], add: (c: Omit<RequestClass, 'id'>) => void) {
  const services = world.list('service', ns).map(s => s.spec?.selector as Record<string, string> | undefined).filter(s => s && Object.keys(s).length > 0) as Array<Record<string, string>>;
  const selected = new Map<string, {pod: KubeObject; policies: KubeObject[]}>();
  for (const policy of policies.filter(p => p.metadata.namespace === ns)) {
    const selector = policy.spec?.selector?.matchLabels as Record<string, string> | undefined;
    if (!selector || policy.spec?.targetRefs || policy.spec?.targetRef) continue;
    for (const pod of world.pods(ns)) {
      if (!matchesLabels(selector, pod.metadata.labels) || services.some(s => matchesLabels(s, pod.metadata.labels))) continue;
      const name = workloadOf(world, pod).name;
      const entry = selected.get(name) ?? {pod, policies: []};
      if (!entry.policies.includes(policy)) entry.policies.push(policy);
      selected.set(name, entry);
    }
  }
  for (const [name, {pod, policies: own}] of selected) {
    const m = emptyMentions();
    for (const p of own) mentionPolicy(world, m, p);
    const callers: CallerClass[] = [];
    for (const c of m.callers.values()) for (const mode of ['sidecar', 'ambient'] as const) callers.push({...c, mode});
    for (const mode of ['sidecar', 'ambient'] as const) callers.push({kind: 'other', namespace: OTHER_NAMESPACE, serviceAccount: 'default', mode});
    callers.push({kind: 'plaintext', namespace: OTHER_NAMESPACE, mode: 'none'});
    const ports = ((pod.spec?.containers ?? []) as Array<{name?: string; ports?: Array<{containerPort: number}>}>).filter(c => c.name !== 'istio-proxy').flatMap(c => (c.ports ?? []).map(p => Number(p.containerPort)));
    const http = variants(m);
    for (const port of new Set(ports)) {
      const target: Target = {kind: 'workload', namespace: ns, name, port};
      for (const caller of callers) for (const h of http) add({caller, target, ...(h ? {http: h} : {})});
    }
  }
}

/** Entering through each server port of an Istio Gateway, for the hosts and paths of the VirtualServices bound to it. */
function gatewayClasses(world: World, gateway: KubeObject, add: (c: Omit<RequestClass, 'id'>) => void) {
  const key = `${gateway.metadata.namespace}/${gateway.metadata.name}`;
  const bound = virtualServicesForGateway(world, key);
  const m = emptyMentions();
  const hosts = new Set<string>();
  for (const vs of bound) {
    for (const h of (vs.spec?.hosts ?? []) as string[]) hosts.add(h === '*' ? 'ambient-migrate.example' : h.replace(/^\*\./, 'any.'));
    for (const r of (vs.spec?.http ?? []) as Array<Record<string, any>>) for (const match of (r.match ?? []) as Array<Record<string, any>>) mentionVsMatch(m, match);
  }
  if (hosts.size === 0) hosts.add('ambient-migrate.example');
  const http = variants(m);
  const caller = ingressCallers(world)[0]!;
  for (const server of (gateway.spec?.servers ?? []) as Array<{port?: {number?: number; protocol?: string}}>) {
    const port = Number(server.port?.number ?? 80);
    if (!/^(HTTP|HTTP2|GRPC)$/i.test(server.port?.protocol ?? 'HTTP')) continue;
    for (const host of hosts) for (const h of http) add({caller, target: {kind: 'gateway', namespace: gateway.metadata.namespace ?? '', name: gateway.metadata.name, port, host}, ...(h ? {http: h} : {})});
  }
}
