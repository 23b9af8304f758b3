import type {KubeObject} from '../../kube/client.ts';
import {fullRegexMatch} from './regex.ts';

/**
 * What of a VirtualService an HTTPRoute can carry, judged against the Gateway API v1.6.1 standard channel
 * (fixtures/crds/gateway-api) and Istio's own HTTPRoute → VirtualService conversion (reference §3.1). The
 * audit reports these fields and the converter refuses or warns on them: both read the paths from here.
 */

export interface UntranslatableField {
  /** e.g. "spec.http[0].fault" */
  path: string;
  /** One sentence: what it does and why HTTPRoute cannot express it. */
  reason: string;
}

export interface RouteAnalysis {
  /** Applies to mesh traffic: gateways empty or contains "mesh". */
  mesh: boolean;
  /** Bound only to Istio Gateways (stays a VirtualService). */
  ingressOnly: boolean;
  untranslatable: UntranslatableField[];
  /** Fields that map, but whose meaning changes unless the converter takes care. */
  semanticWarnings: UntranslatableField[];
  /** host → subsets used by routes and mirrors (for per-version Services). */
  subsetsUsed: Array<{host: string; subset: string; path: string}>;
}

/** The standard channel's enums (HTTPRoute v1, bundle v1.6.1). */
export const HTTPROUTE_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH'];
export const REDIRECT_STATUS_CODES = [301, 302, 303, 307, 308];
const REDIRECT_SCHEMES = ['http', 'https'];
const CORS_ORIGIN = /^\*$|^https?:\/\/((\*\.)?([a-zA-Z0-9-]+\.)*[a-zA-Z0-9-]+|\*)(:[0-9]{1,5})?$/;
const PATH_CHARS = /^(?:[-A-Za-z0-9/._~!$&'()*+,;=:@]|%[0-9a-fA-F]{2})+$/;
/** Istio always retries on these; anything else in retryOn but a status code has no `retry.codes` form. */
const ISTIO_RETRY_DEFAULTS = ['connect-failure', 'refused-stream', 'unavailable', 'cancelled'];

const REASONS = {
  fault: 'Fault injection (delay/abort) has no HTTPRoute filter, and Istio rejects ExtensionRef filters, so the fault would silently disappear.',
  directResponse: 'A fixed response has no HTTPRoute equivalent; Istio only answers a bare 500, for a rule whose backends all have weight 0.',
  bare500: 'A bare 500 has no HTTPRoute field; write it as a rule whose only backendRef has weight 0, which Istio answers with 500.',
  delegate: "Delegation to another VirtualService has no HTTPRoute equivalent; the delegate's rules must be merged in by hand.",
  delegateChild: 'A VirtualService without hosts is a delegate, reachable only through a parent VirtualService, which HTTPRoute cannot express.',
  uriRegexRewrite: 'Regex path rewriting has no HTTPRoute equivalent: URLRewrite only replaces a full path (Istio writes that as match /.*) or a path prefix.',
  withoutHeaders: 'Negative header matches have no HTTPRoute equivalent: header matches are Exact or RE2 RegularExpression, which cannot negate.',
  sourceLabels: "Matching on the calling workload's labels has no HTTPRoute equivalent (waypoints drop such matches too).",
  sourceNamespace: "Matching on the caller's namespace has no HTTPRoute equivalent; waypoints do not honour consumer routes either.",
  matchGateways: 'HTTPRoute parentRefs apply to every rule, so one match cannot be limited to some gateways without splitting the route.',
  matchPort: 'HTTPRoute has no port match; only a separate HTTPRoute whose Service parentRef names that port can carry it.',
  ignoreUriCase: 'HTTPRoute path matches are case-sensitive; only a hand-written (?i) RegularExpression can approximate this.',
  scheme: 'HTTPRoute cannot match on the request scheme.',
  authority: 'HTTPRoute cannot match the authority of mesh traffic; hostnames only filter Gateway parents.',
  method: 'HTTPRoute method matches are exact and limited to GET, HEAD, POST, PUT, DELETE, CONNECT, OPTIONS, TRACE and PATCH.',
  mirrorHost: 'A RequestMirror backendRef must name a Kubernetes Service.',
  exportTo: 'HTTPRoute has no visibility control: a route in the Service namespace applies to every client in the mesh.',
  tcp: 'TCP routing needs a TCPRoute (standard v1 in Gateway API v1.6.1, Alpha on waypoints), not an HTTPRoute.',
  tls: 'SNI-based TLS routing needs a TLSRoute (standard v1 in Gateway API v1.6.1, Alpha on waypoints), not an HTTPRoute.',
  wildcardHost: 'A wildcard host cannot be a Service parentRef; mesh HTTPRoutes attach to one Service each.',
  externalHost: 'Not a Kubernetes Service name (short name or name.namespace.svc.<domain>): it needs a ServiceEntry parentRef or backendRef written by hand.',
  redirectScheme: 'HTTPRoute RequestRedirect only accepts the schemes http and https.',
  redirectCode: 'HTTPRoute RequestRedirect only accepts the status codes 301, 302, 303, 307 and 308.',
  deriveRequestPort: "FROM_REQUEST_PORT keeps the request port, but with a scheme set an HTTPRoute redirect switches to the scheme's well-known port.",
  prefixMatch: 'PathPrefix is segment-aware (/api no longer matches /apiv2, a trailing / is ignored) while a VirtualService prefix is a raw string prefix; use RegularExpression ^<prefix>.* if that matters.',
  prefixToRegex: 'HTTPRoute has no prefix match here: it becomes a RegularExpression ^<escaped prefix>.* match.',
  presence: 'An empty match means "present"; HTTPRoute needs a RegularExpression .* match for it.',
  invalidPath: 'HTTPRoute rejects this value for Exact/PathPrefix (must start with /, no //, /./, /../, %2f, # or unusual characters); it needs a RegularExpression match.',
  replacePrefix:
    'This becomes ReplacePrefixMatch, which needs exactly one PathPrefix match in its HTTPRoute rule (split the rule per match) and replaces whole segments, so trailing slashes can differ from the raw prefix rewrite.',
  redirectDefaultCode: 'A VirtualService redirect defaults to 301 but HTTPRoute RequestRedirect defaults to 302: write statusCode 301 explicitly.',
  unmatchedPreflights: "Istio's HTTPRoute CORS filter sets unmatchedPreflights IGNORE: preflights the policy does not match are no longer forwarded to the application.",
  weightZero: 'Istio drops a weight-0 backendRef: it gets no traffic, as in the VirtualService.',
  allWeightsZero: 'No destination has a positive weight: an HTTPRoute rule whose backends all weigh 0 answers 500, and unset weights default to 1 (an even split).',
  unsetWeight: 'This destination has no weight (0 in the VirtualService) while others have one; an HTTPRoute backendRef without weight gets 1: write weight 0 or a real share.',
  singleWeightZero: "A single destination takes all traffic whatever its weight, but a lone weight-0 backendRef answers 500: omit the weight.",
};

export function analyzeVirtualService(vs: KubeObject): RouteAnalysis {
  const spec = vs.spec ?? {};
  const gateways: string[] = Array.isArray(spec.gateways) ? spec.gateways : [];
  const mesh = gateways.length === 0 || gateways.includes('mesh');
  const out: RouteAnalysis = {mesh, ingressOnly: !mesh, untranslatable: [], semanticWarnings: [], subsetsUsed: []};
  const a = new Collector(out, vs.metadata.namespace ?? 'default');

  const hosts: string[] = Array.isArray(spec.hosts) ? spec.hosts : [];
  // Ingress VirtualServices name hostnames, not Services: their hosts are not parentRefs.
  if (mesh) {
    if (hosts.length === 0) a.untranslatable('spec.hosts', REASONS.delegateChild);
    hosts.forEach((host, i) => a.serviceHost(host, `spec.hosts[${i}]`));
  }
  if (Array.isArray(spec.exportTo) && !(spec.exportTo.length === 1 && spec.exportTo[0] === '*')) a.untranslatable('spec.exportTo', REASONS.exportTo);

  const http: any[] = Array.isArray(spec.http) ? spec.http : [];
  http.forEach((rule, i) => analyzeHttpRule(a, rule ?? {}, `spec.http[${i}]`));
  precedenceWarnings(a, http);

  for (const kind of ['tcp', 'tls'] as const) {
    (Array.isArray(spec[kind]) ? (spec[kind] as any[]) : []).forEach((rule, i) => {
      a.untranslatable(`spec.${kind}[${i}]`, REASONS[kind]);
      (rule?.route ?? []).forEach((r: any, j: number) => a.subset(r?.destination, `spec.${kind}[${i}].route[${j}].destination`));
    });
  }
  return out;
}

/** `reviews` (in the route's namespace) or `reviews.shop.svc.<domain>`: what Istio resolves to a Service. */
export function parseServiceHost(host: string, routeNamespace: string): {name: string; namespace: string} | undefined {
  const label = '[a-z0-9](?:[-a-z0-9]*[a-z0-9])?';
  if (new RegExp(`^${label}$`).test(host)) return {name: host, namespace: routeNamespace};
  // Istio expands only dot-free short names; `reviews.shop` is taken literally and names no Service.
  const fqdn = new RegExp(`^(${label})\\.(${label})\\.svc(\\.${label})+$`).exec(host);
  return fqdn ? {name: fqdn[1]!, namespace: fqdn[2]!} : undefined;
}

class Collector {
  constructor(
    private readonly out: RouteAnalysis,
    private readonly namespace: string,
  ) {}
  untranslatable(path: string, reason: string): void {
    this.out.untranslatable.push({path, reason});
  }
  warn(path: string, reason: string): void {
    this.out.semanticWarnings.push({path, reason});
  }
  serviceHost(host: unknown, path: string, reason?: string): void {
    if (typeof host !== 'string') return;
    if (host.includes('*')) this.untranslatable(path, reason ?? REASONS.wildcardHost);
    else if (!parseServiceHost(host, this.namespace)) this.untranslatable(path, reason ?? REASONS.externalHost);
  }
  subset(destination: any, path: string): void {
    if (destination?.host && destination?.subset) this.out.subsetsUsed.push({host: destination.host, subset: destination.subset, path: `${path}.subset`});
  }
}

function analyzeHttpRule(a: Collector, rule: any, p: string): void {
  for (const field of ['fault', 'delegate'] as const) if (rule[field]) a.untranslatable(`${p}.${field}`, REASONS[field]);
  if (rule.directResponse) {
    // Istio turns a rule whose only backendRef weighs 0 into exactly this (golden zero.yaml).
    if (rule.directResponse.status === 500 && !rule.directResponse.body) a.warn(`${p}.directResponse`, REASONS.bare500);
    else a.untranslatable(`${p}.directResponse`, REASONS.directResponse);
  }
  if (rule.retries) a.untranslatable(`${p}.retries`, retryReason(rule.retries));

  const matches: any[] = Array.isArray(rule.match) && rule.match.length > 0 ? rule.match : [];
  matches.forEach((m, k) => analyzeMatch(a, m ?? {}, `${p}.match[${k}]`));
  // A rule without uri match is a prefix "/" match once converted.
  const prefixed = matches.length === 0 || matches.some(m => m?.uri?.prefix !== undefined || !m?.uri);

  if (rule.rewrite?.uriRegexRewrite && !isFullPathRewrite(rule.rewrite.uriRegexRewrite)) a.untranslatable(`${p}.rewrite.uriRegexRewrite`, REASONS.uriRegexRewrite);
  if (rule.rewrite?.uri !== undefined && prefixed) a.warn(`${p}.rewrite.uri`, REASONS.replacePrefix);
  if (rule.redirect) analyzeRedirect(a, rule.redirect, `${p}.redirect`);
  if (rule.corsPolicy) analyzeCors(a, rule.corsPolicy, `${p}.corsPolicy`);

  const route: any[] = Array.isArray(rule.route) ? rule.route : [];
  route.forEach((r, j) => {
    a.serviceHost(r?.destination?.host, `${p}.route[${j}].destination.host`);
    a.subset(r?.destination, `${p}.route[${j}].destination`);
  });
  weightWarnings(a, route, p);

  if (rule.mirror) {
    a.serviceHost(rule.mirror.host, `${p}.mirror.host`, REASONS.mirrorHost);
    a.subset(rule.mirror, `${p}.mirror`);
  }
  (Array.isArray(rule.mirrors) ? rule.mirrors : []).forEach((m: any, k: number) => {
    a.serviceHost(m?.destination?.host, `${p}.mirrors[${k}].destination.host`, REASONS.mirrorHost);
    a.subset(m?.destination, `${p}.mirrors[${k}].destination`);
  });
}

function analyzeMatch(a: Collector, m: any, p: string): void {
  for (const field of ['withoutHeaders', 'sourceLabels'] as const) if (m[field] && Object.keys(m[field]).length > 0) a.untranslatable(`${p}.${field}`, REASONS[field]);
  if (m.sourceNamespace) a.untranslatable(`${p}.sourceNamespace`, REASONS.sourceNamespace);
  if (Array.isArray(m.gateways) && m.gateways.length > 0) a.untranslatable(`${p}.gateways`, REASONS.matchGateways);
  if (m.port) a.untranslatable(`${p}.port`, REASONS.matchPort);
  if (m.ignoreUriCase) a.untranslatable(`${p}.ignoreUriCase`, REASONS.ignoreUriCase);
  if (m.scheme) a.untranslatable(`${p}.scheme`, REASONS.scheme);
  if (m.authority) a.untranslatable(`${p}.authority`, REASONS.authority);
  if (m.method && !(typeof m.method.exact === 'string' && HTTPROUTE_METHODS.includes(m.method.exact))) a.untranslatable(`${p}.method`, REASONS.method);

  const uri = m.uri ?? {};
  if (typeof uri.prefix === 'string' && uri.prefix !== '/') a.warn(`${p}.uri.prefix`, REASONS.prefixMatch);
  for (const kind of ['exact', 'prefix'] as const) {
    const value = uri[kind];
    if (typeof value === 'string' && !validGatewayPath(value)) a.warn(`${p}.uri.${kind}`, REASONS.invalidPath);
  }
  for (const field of ['headers', 'queryParams'] as const) {
    for (const [name, match] of Object.entries((m[field] ?? {}) as Record<string, any>)) {
      if (match?.prefix !== undefined) a.warn(`${p}.${field}.${name}.prefix`, REASONS.prefixToRegex);
      else if (match?.exact === undefined && match?.regex === undefined) a.warn(`${p}.${field}.${name}`, REASONS.presence);
    }
  }
}

function analyzeRedirect(a: Collector, redirect: any, p: string): void {
  if (redirect.redirectCode === undefined) a.warn(p, REASONS.redirectDefaultCode);
  else if (!REDIRECT_STATUS_CODES.includes(redirect.redirectCode)) a.untranslatable(`${p}.redirectCode`, REASONS.redirectCode);
  if (redirect.scheme !== undefined && !REDIRECT_SCHEMES.includes(redirect.scheme)) a.untranslatable(`${p}.scheme`, REASONS.redirectScheme);
  // Without a port, HTTPRoute uses the scheme's well-known port when a scheme is set, the listener (request) port otherwise.
  const derive = redirect.derivePort;
  const hasScheme = redirect.scheme !== undefined;
  // FROM_PROTOCOL_DEFAULT without a scheme (explicit or by default) converts with port 80 (filters.ts).
  if (derive === 'FROM_REQUEST_PORT' && hasScheme) {
    a.untranslatable(`${p}.derivePort`, REASONS.deriveRequestPort);
  }
  if (redirect.prefixRewrite !== undefined) a.warn(`${p}.prefixRewrite`, REASONS.replacePrefix);
}

/** Istio's HTTPRoute conversion writes ReplaceFullPath as this regex rewrite (golden http.yaml). */
function isFullPathRewrite(r: {match?: string; rewrite?: string}): boolean {
  return (r.match === '/.*' || r.match === '^/.*$') && typeof r.rewrite === 'string' && !r.rewrite.includes('\\');
}

/** The regexes Istio's conversion writes for the origins `*` and `http(s)://*.domain[:port]` (golden http.yaml). */
const ANY_ORIGIN_REGEX = '^[a-zA-Z][a-zA-Z0-9+.-]*://[^/\\s?#]+$';
const WILDCARD_ORIGIN_REGEX = /^\^https?:\/\/\.\*\\\.[a-zA-Z0-9-]+(\\\.[a-zA-Z0-9-]+)*(:[0-9]{1,5})?\$$/;

function analyzeCors(a: Collector, cors: any, p: string): void {
  (Array.isArray(cors.allowOrigins) ? cors.allowOrigins : []).forEach((origin: any, k: number) => {
    if (typeof origin?.exact === 'string' && CORS_ORIGIN.test(origin.exact)) return;
    if (typeof origin?.regex === 'string' && (origin.regex === ANY_ORIGIN_REGEX || WILDCARD_ORIGIN_REGEX.test(origin.regex))) return;
    const what = origin?.exact !== undefined ? 'this origin is not of the form scheme://host[:port]' : 'prefix origins and other regexes cannot be written';
    a.untranslatable(`${p}.allowOrigins[${k}]`, `HTTPRoute CORS origins are http(s)://host[:port] with an optional *. subdomain wildcard, and ${what}.`);
  });
  (Array.isArray(cors.allowOrigin) ? cors.allowOrigin : []).forEach((origin: unknown, k: number) => {
    if (typeof origin !== 'string' || !CORS_ORIGIN.test(origin)) {
      a.untranslatable(`${p}.allowOrigin[${k}]`, 'HTTPRoute CORS origins are http(s)://host[:port] with an optional *. subdomain wildcard, and this origin is not.');
    }
  });
  (Array.isArray(cors.allowMethods) ? cors.allowMethods : []).forEach((method: unknown, k: number) => {
    if (method !== '*' && !HTTPROUTE_METHODS.includes(method as string)) a.untranslatable(`${p}.allowMethods[${k}]`, `HTTPRoute CORS allowMethods only lists ${HTTPROUTE_METHODS.join(', ')} or *.`);
  });
  if (cors.unmatchedPreflights !== 'IGNORE') a.warn(p, REASONS.unmatchedPreflights);
}

function retryReason(retries: any): string {
  const classes = String(retries.retryOn ?? '')
    .split(',')
    .map(s => s.trim())
    .filter(s => s && !/^\d{3}$/.test(s) && !ISTIO_RETRY_DEFAULTS.includes(s));
  const extra = [
    ...(classes.length > 0 ? [`retryOn ${classes.join(',')} has no status-code form even there`] : []),
    ...(retries.retryRemoteLocalities !== undefined || retries.retryIgnorePreviousHosts !== undefined ? ['retryRemoteLocalities/retryIgnorePreviousHosts have no equivalent at all'] : []),
  ];
  return `HTTPRoute retry is experimental-channel only in Gateway API v1.6.1, so on the standard channel the mesh default retry policy would apply instead${extra.length ? ` (${extra.join('; ')})` : ''}.`;
}

function weightWarnings(a: Collector, route: any[], p: string): void {
  if (route.length <= 1) {
    if (route[0]?.weight === 0) a.warn(`${p}.route[0].weight`, REASONS.singleWeightZero);
    return;
  }
  const weights = route.map(r => r?.weight as number | undefined);
  if (weights.every(w => !w)) return a.warn(`${p}.route`, REASONS.allWeightsZero);
  weights.forEach((w, j) => {
    if (w === 0) a.warn(`${p}.route[${j}].weight`, REASONS.weightZero);
    else if (w === undefined) a.warn(`${p}.route[${j}]`, REASONS.unsetWeight);
  });
}

function validGatewayPath(value: string): boolean {
  if (!value.startsWith('/') || !PATH_CHARS.test(value)) return false;
  if (['//', '/./', '/../', '%2f', '%2F', '#'].some(s => value.includes(s))) return false;
  return !value.endsWith('/..') && !value.endsWith('/.');
}

// --- Rule order ----------------------------------------------------------------------------------------

interface MatchShape {
  kind: 'exact' | 'prefix' | 'regex';
  value: string;
  method?: string;
  headers: Record<string, any>;
  query: Record<string, any>;
}

function shapeOf(m: any): MatchShape {
  const uri = m?.uri ?? {};
  const [kind, value]: [MatchShape['kind'], unknown] =
    uri.exact !== undefined ? ['exact', uri.exact] : uri.regex !== undefined ? ['regex', uri.regex] : ['prefix', uri.prefix ?? '/'];
  const lower = (o: Record<string, any>) => Object.fromEntries(Object.entries(o ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  const fold = (s: string) => (m?.ignoreUriCase ? s.toLowerCase() : s);
  return {kind, value: fold(String(value)), method: m?.method?.exact, headers: lower(m?.headers), query: m?.queryParams ?? {}};
}

/** Gateway API precedence (Exact, longest PathPrefix, method, more headers, more query params); Istio puts regex last. */
function precedenceKey(s: MatchShape): number[] {
  // istiod drops one trailing `/` of a PathPrefix (but not of `/` itself) before it ranks by length
  // (istio/istio pilot/pkg/config/kube/gateway/conversion.go, createURIMatch and the route sort).
  const length = s.kind === 'prefix' && s.value !== '/' ? s.value.replace(/\/$/, '').length : s.value.length;
  return [{exact: 0, prefix: 1, regex: 2}[s.kind], -length, s.method ? 0 : 1, -Object.keys(s.headers).length, -Object.keys(s.query).length];
}

function ranksBefore(a: MatchShape, b: MatchShape): boolean {
  const [ka, kb] = [precedenceKey(a), precedenceKey(b)];
  for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return ka[i]! < kb[i]!;
  return false;
}

/** Could one request match both? Unknown (regex against a prefix) counts as yes. */
function overlaps(a: MatchShape, b: MatchShape): boolean {
  if (a.method && b.method && a.method !== b.method) return false;
  for (const [own, other] of [[a.headers, b.headers], [a.query, b.query]] as const) {
    for (const [name, m] of Object.entries(own)) {
      const o = other[name];
      if (m?.exact !== undefined && o?.exact !== undefined && m.exact !== o.exact) return false;
    }
  }
  if (a.kind === 'regex' || b.kind === 'regex') {
    const [re, other] = a.kind === 'regex' ? [a, b] : [b, a];
    if (other.kind !== 'exact') return true;
    return fullRegexMatch(re.value, other.value) ?? true;
  }
  if (a.kind === 'exact' && b.kind === 'exact') return a.value === b.value;
  if (a.kind === 'exact') return a.value.startsWith(b.value);
  if (b.kind === 'exact') return b.value.startsWith(a.value);
  return a.value.startsWith(b.value) || b.value.startsWith(a.value);
}

/** The part of a rule that decides what happens to a request, to skip reorderings that change nothing. */
function actionOf(rule: any): string {
  const {match: _match, name: _name, ...rest} = rule ?? {};
  return JSON.stringify(rest);
}

/**
 * A VirtualService is first-match in list order; HTTPRoute sorts matches by precedence. A later match that
 * outranks an earlier overlapping one with a different action would start winning after conversion.
 */
function precedenceWarnings(a: Collector, http: any[]): void {
  const entries = http.flatMap((rule, i) => {
    const matches: any[] = Array.isArray(rule?.match) && rule.match.length > 0 ? rule.match : [undefined];
    return matches.map((m, k) => ({rule: i, path: m === undefined ? `spec.http[${i}]` : `spec.http[${i}].match[${k}]`, shape: shapeOf(m), action: actionOf(rule)}));
  });
  for (const later of entries) {
    const earlier = entries.find(e => e.rule < later.rule && e.action !== later.action && ranksBefore(later.shape, e.shape) && overlaps(e.shape, later.shape));
    if (earlier) {
      a.warn(
        later.path,
        `The VirtualService tries the overlapping ${earlier.path} first, but HTTPRoute precedence (Exact, longest PathPrefix, method, headers, query params; regex last in Istio) ranks this match ahead of it, so some requests would change route.`,
      );
    }
  }
}
