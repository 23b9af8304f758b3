import type {ServiceRefs} from './backends.ts';
import {formatGatewayDuration, parseGoDuration} from './durations.ts';
import type {PathKind} from './matches.ts';
import {HEADER_NAME, HOSTNAME, isObject, type Problems} from './problems.ts';

/**
 * The HTTPRoute filters (and timeouts) of one VirtualService HTTP rule. The mapping is the reverse of Istio's
 * own HTTPRoute → VirtualService conversion (goldens in pilot/pkg/config/kube/gateway/testdata/http.yaml):
 * header modifiers ↔ `headers`, URLRewrite ↔ `rewrite`, RequestRedirect ↔ `redirect`, RequestMirror ↔
 * `mirror(s)`, CORS ↔ `corsPolicy`, `timeouts.request` ↔ `timeout`.
 */

type Filter = Record<string, unknown>;

/** Request/ResponseHeaderModifier from `headers: {request, response}` (a rule's or a destination's). */
export function headerFilters(headers: unknown, p: string, problems: Problems): Filter[] {
  if (!isObject(headers)) return [];
  const out: Filter[] = [];
  const request = headerModifier(headers.request, `${p}.request`, problems);
  if (request) out.push({type: 'RequestHeaderModifier', requestHeaderModifier: request});
  const response = headerModifier(headers.response, `${p}.response`, problems);
  if (response) out.push({type: 'ResponseHeaderModifier', responseHeaderModifier: response});
  return out;
}

function headerModifier(ops: unknown, p: string, problems: Problems): Filter | undefined {
  if (!isObject(ops)) return undefined;
  const out: Filter = {};
  for (const op of ['set', 'add'] as const) {
    const map = isObject(ops[op]) ? ops[op] : {};
    const list = Object.keys(map)
      .sort()
      .flatMap(name => {
        const value = map[name];
        if (!HEADER_NAME.test(name)) problems.untranslatableAt(`${p}.${op}.${name}`, 'HTTPRoute header modifiers only take token header names (no pseudo-headers such as :authority).');
        else if (typeof value !== 'string' || value === '') problems.untranslatableAt(`${p}.${op}.${name}`, 'HTTPRoute header values need at least one character.');
        else return [{name, value}];
        return [];
      });
    if (list.length > 0) out[op] = list;
  }
  const remove = Array.isArray(ops.remove) ? [...new Set(ops.remove.filter((n: unknown): n is string => typeof n === 'string'))] : [];
  if (remove.length > 0) out.remove = remove;
  return Object.keys(out).length > 0 ? out : undefined;
}

/**
 * URLRewrite from `rewrite`. `uri` replaces the matched prefix of a prefix match and the whole path of an
 * exact or regex match (Envoy prefix_rewrite), hence ReplacePrefixMatch or ReplaceFullPath by match kind.
 * A uriRegexRewrite of `/.*` is how Istio writes ReplaceFullPath; other regexes are untranslatable
 * (reported by analyzeVirtualService).
 */
export function rewriteFilter(rewrite: unknown, kind: PathKind, p: string, problems: Problems): Filter | undefined {
  if (!isObject(rewrite)) return undefined;
  const out: Filter = {};
  if (rewrite.authority !== undefined && rewrite.authority !== '') {
    const host = hostname(rewrite.authority, `${p}.authority`, problems);
    if (host) out.hostname = host;
  }
  const uri = typeof rewrite.uri === 'string' && rewrite.uri !== '' ? rewrite.uri : undefined;
  const full = isObject(rewrite.uriRegexRewrite) && typeof rewrite.uriRegexRewrite.rewrite === 'string' ? rewrite.uriRegexRewrite.rewrite : undefined;
  if (uri !== undefined && full !== undefined) {
    problems.untranslatableAt(p, 'uri and uriRegexRewrite are both set; Istio refuses that and HTTPRoute has one path rewrite.');
  } else if (uri !== undefined) {
    out.path = kind === 'prefix' ? {type: 'ReplacePrefixMatch', replacePrefixMatch: uri} : {type: 'ReplaceFullPath', replaceFullPath: uri};
  } else if (full !== undefined) {
    out.path = {type: 'ReplaceFullPath', replaceFullPath: full};
  }
  return Object.keys(out).length > 0 ? {type: 'URLRewrite', urlRewrite: out} : undefined;
}

/**
 * RequestRedirect from `redirect`. The VirtualService default code is 301 while HTTPRoute's is 302, so
 * the code is always written. `prefixRewrite` is ReplacePrefixMatch on a prefix match and the whole path
 * otherwise, as for rewrites. Without a port, HTTPRoute keeps the request port, or takes the scheme's default
 * when a scheme is set; the VirtualService's default is the protocol's port, so that case gets port 80 (the
 * combination that still differs, FROM_REQUEST_PORT with a scheme, is reported by analyzeVirtualService).
 */
export function redirectFilter(redirect: unknown, kind: PathKind, p: string, problems: Problems): Filter {
  const r = isObject(redirect) ? redirect : {};
  const out: Filter = {};
  if (typeof r.scheme === 'string' && r.scheme !== '') out.scheme = r.scheme;
  if (typeof r.authority === 'string' && r.authority !== '') {
    const host = hostname(r.authority, `${p}.authority`, problems);
    if (host) out.hostname = host;
  }
  const uri = typeof r.uri === 'string' && r.uri !== '' ? r.uri : undefined;
  const prefix = typeof r.prefixRewrite === 'string' && r.prefixRewrite !== '' ? r.prefixRewrite : undefined;
  if (uri !== undefined && prefix !== undefined) problems.untranslatableAt(p, 'uri and prefixRewrite are both set; Istio refuses that and HTTPRoute has one path rewrite.');
  else if (uri !== undefined) out.path = {type: 'ReplaceFullPath', replaceFullPath: uri};
  else if (prefix !== undefined) out.path = kind === 'prefix' ? {type: 'ReplacePrefixMatch', replacePrefixMatch: prefix} : {type: 'ReplaceFullPath', replaceFullPath: prefix};
  if (typeof r.port === 'number') {
    if (r.port >= 1 && r.port <= 65535) out.port = r.port;
    else problems.untranslatableAt(`${p}.port`, 'HTTPRoute redirect ports are 1 to 65535.');
  } else if (out.scheme === undefined && r.derivePort !== 'FROM_REQUEST_PORT') {
    // A VirtualService redirect without a port takes the protocol's default port (derivePort defaults to
    // FROM_PROTOCOL_DEFAULT), whereas istiod turns an HTTPRoute redirect without port or scheme into
    // FROM_REQUEST_PORT (istio/istio pilot/pkg/config/kube/gateway/conversion.go, createRedirectFilter). Mesh
    // HTTP routes see plain http, so the VirtualService's Location goes to port 80: say so explicitly.
    out.port = 80;
  }
  out.statusCode = typeof r.redirectCode === 'number' ? r.redirectCode : 301;
  return {type: 'RequestRedirect', requestRedirect: out};
}

function hostname(value: unknown, p: string, problems: Problems): string | undefined {
  if (typeof value === 'string' && value.length <= 253 && HOSTNAME.test(value)) return value;
  problems.untranslatableAt(p, 'HTTPRoute only rewrites to a lower-case DNS name without a port.');
  return undefined;
}

/**
 * RequestMirror filters from `mirror` (+ `mirrorPercentage`, or the deprecated integer `mirrorPercent`)
 * and `mirrors[]` (+ `percentage`). Without a percentage both sides mirror everything.
 */
export function mirrorFilters(rule: Record<string, any>, p: string, refs: ServiceRefs, problems: Problems): Filter[] {
  const out: Filter[] = [];
  const add = (destination: unknown, at: string, percentage: unknown, percentagePath: string) => {
    const backendRef = refs.backend(destination, at);
    if (!backendRef) return;
    out.push({type: 'RequestMirror', requestMirror: {backendRef, ...mirrorShare(percentage, percentagePath, problems)}});
  };
  if (rule.mirror !== undefined) {
    const legacy = rule.mirrorPercent ?? rule.mirror_percent;
    // A mirrorPercentage without a value is 0 (proto3), and Istio then mirrors nothing; only when neither
    // field is set does it mirror everything.
    const percentage = rule.mirrorPercentage !== undefined ? (rule.mirrorPercentage?.value ?? 0) : legacy;
    const at = rule.mirrorPercentage !== undefined ? `${p}.mirrorPercentage` : rule.mirrorPercent !== undefined ? `${p}.mirrorPercent` : `${p}.mirror_percent`;
    add(rule.mirror, `${p}.mirror`, percentage, at);
  }
  (Array.isArray(rule.mirrors) ? rule.mirrors : []).forEach((m: any, k: number) =>
    add(m?.destination, `${p}.mirrors[${k}].destination`, m?.percentage !== undefined && m?.percentage !== null ? (m.percentage?.value ?? 0) : undefined, `${p}.mirrors[${k}].percentage`),
  );
  return out;
}

/** A percentage (0-100, a double) as `percent` when whole, else as an exact reduced `fraction`. */
function mirrorShare(value: unknown, p: string, problems: Problems): Filter {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'number' || !(value >= 0 && value <= 100)) {
    problems.untranslatableAt(p, 'A mirror percentage is a number from 0 to 100.');
    return {};
  }
  if (Number.isInteger(value)) return {percent: value};
  const decimals = /^\d+\.(\d+)$/.exec(String(value))?.[1]?.length;
  if (decimals === undefined || decimals > 7) {
    problems.untranslatableAt(p, 'This mirror percentage has more precision than an HTTPRoute fraction can hold.');
    return {};
  }
  const scale = 10 ** decimals;
  let numerator = Math.round(value * scale);
  let denominator = 100 * scale;
  const g = gcd(numerator, denominator);
  numerator /= g;
  denominator /= g;
  return {fraction: {numerator, denominator}};
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/** `timeout` as `timeouts.request` ("0s" disables it on both sides). */
export function requestTimeout(timeout: unknown, p: string, problems: Problems): {request: string} | undefined {
  if (timeout === undefined) return undefined;
  const ms = parseGoDuration(timeout);
  if (ms === undefined) {
    problems.untranslatableAt(p, 'This timeout is not a duration.');
    return undefined;
  }
  const whole = Math.ceil(ms);
  if (whole !== ms) problems.warn(p, 'HTTPRoute timeouts have millisecond precision: the timeout is rounded up to the next millisecond.');
  const request = formatGatewayDuration(whole);
  if (request === undefined) {
    problems.untranslatableAt(p, 'This timeout is too long for an HTTPRoute duration.');
    return undefined;
  }
  return {request};
}

/** The regexes Istio's own conversion writes for `*` and `http(s)://*.domain[:port]` (golden http.yaml). */
const ANY_ORIGIN_REGEX = '^[a-zA-Z][a-zA-Z0-9+.-]*://[^/\\s?#]+$';
const WILDCARD_ORIGIN = /^\^(https?):\/\/\.\*\\\.((?:[a-zA-Z0-9-]+\\\.)*[a-zA-Z0-9-]+)(:[0-9]{1,5})?\$$/;

/**
 * The CORS filter from `corsPolicy` (standard channel since v1.5). Origins other than exact
 * scheme://host[:port] and Istio's two wildcard regexes are reported by analyzeVirtualService.
 */
export function corsFilter(policy: unknown, p: string, problems: Problems): Filter | undefined {
  if (!isObject(policy)) return undefined;
  const cors: Filter = {};
  const origins: string[] = [];
  (Array.isArray(policy.allowOrigins) ? policy.allowOrigins : []).forEach((o: any) => {
    if (typeof o?.exact === 'string') origins.push(o.exact);
    else if (o?.regex === ANY_ORIGIN_REGEX) origins.push('*');
    else if (typeof o?.regex === 'string') {
      const m = WILDCARD_ORIGIN.exec(o.regex);
      if (m) origins.push(`${m[1]}://*.${m[2]!.replace(/\\\./g, '.')}${m[3] ?? ''}`);
    }
  });
  (Array.isArray(policy.allowOrigin) ? policy.allowOrigin : []).forEach((o: unknown) => typeof o === 'string' && origins.push(o));
  const allowOrigins = starAlone(origins);
  if (allowOrigins.length > 0) cors.allowOrigins = allowOrigins;
  if (typeof policy.allowCredentials === 'boolean') cors.allowCredentials = policy.allowCredentials;
  const methods = starAlone(strings(policy.allowMethods));
  if (methods.length > 0) cors.allowMethods = methods;
  for (const field of ['allowHeaders', 'exposeHeaders'] as const) {
    const names = strings(policy[field]);
    names.forEach((name, k) => !HEADER_NAME.test(name) && problems.untranslatableAt(`${p}.${field}[${k}]`, 'HTTPRoute CORS header lists only take token header names.'));
    const list = field === 'allowHeaders' ? starAlone(names) : names;
    if (list.length > 0) cors[field] = list;
  }
  if (policy.maxAge !== undefined) {
    const ms = parseGoDuration(policy.maxAge);
    if (ms === undefined) problems.untranslatableAt(`${p}.maxAge`, 'This maxAge is not a duration.');
    else {
      const seconds = Math.max(1, Math.ceil(ms / 1000));
      if (seconds * 1000 !== ms) problems.warn(`${p}.maxAge`, 'HTTPRoute CORS maxAge is whole seconds: it is rounded up to the next second.');
      cors.maxAge = seconds;
    }
  }
  return {type: 'CORS', cors};
}

const strings = (list: unknown): string[] => [...new Set((Array.isArray(list) ? list : []).filter((s): s is string => typeof s === 'string'))];

/** Deduplicated; `*` already allows everything and the CRD refuses it next to other entries. */
function starAlone(list: string[]): string[] {
  const unique = [...new Set(list)];
  return unique.includes('*') ? ['*'] : unique;
}
