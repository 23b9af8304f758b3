import type {HttpAttributes} from './api.ts';
import {cidrContains, parseCidr} from './istio-match.ts';

/**
 * One AuthorizationPolicy rule as Envoy's RBAC filter evaluates it once istiod has built it, for sidecars,
 * gateways and waypoints. The authority is istiod's builder:
 * - istio/istio pilot/pkg/security/authz/model/model.go (New, Generate): a rule is a policy whose
 *   permissions are its `to` entries (or one "any" when it has none) and whose principals are its `from` entries
 *   (likewise); every `when` condition is ANDed into each permission or each principal, by key; an entry's fields
 *   are ANDed, a field's values ORed, a field's notValues become NOT(OR); an entry left with no field is "any".
 * - istio/istio pilot/pkg/security/authz/model/generator.go: how each key and field matches (below).
 * - On a TCP filter chain the HTTP-only generators fail: in an ALLOW policy the whole rule is skipped; in a
 *   DENY (and a CUSTOM, built as DENY) the failing field is dropped, so the rule matches more
 *   (model.go rule.checkError; builder.go "skipped rule ... on TCP filter chain").
 * - An unknown `when` key makes the rule invalid: skipped whatever the action (model.go New, builder.go).
 */

/** What Envoy knows about a request when its RBAC filter runs. */
export interface EnvoyRequest {
  /** The authenticated peer's URI SAN (`spiffe://td/ns/x/sa/y`); absent for plaintext or no identity. */
  principal?: string;
  sourceIp?: string;
  remoteIp?: string;
  destinationIp?: string;
  port: number;
  sni?: string;
  http?: HttpAttributes;
  requestPrincipal?: string;
  claims?: Record<string, unknown>;
}

export type EnvoyAction = 'ALLOW' | 'DENY' | 'CUSTOM';
type Cond = (r: EnvoyRequest) => boolean;
class GenError extends Error {}

const any = (conds: Cond[]): Cond => r => conds.some(c => c(r));
const all = (conds: Cond[]): Cond => r => conds.every(c => c(r));
const not = (c: Cond): Cond => r => !c(r);

const quoteMeta = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const fullRegex = (re: string) => new RegExp(`^(?:${re})$`, 's');

/**
 * matcher.StringMatcherWithPrefix: `*` is the regex `.+`, `*x` a suffix (a regex `prefix.*x` when a prefix is
 * given), `x*` the prefix `prefix+x`, anything else an exact `prefix+v`.
 * istio/istio pilot/pkg/security/authz/matcher/string.go
 */
export function stringMatcher(v: string, prefix = '', ignoreCase = false): (s: string | undefined) => boolean {
  const fold = (s: string) => (ignoreCase ? s.toLowerCase() : s);
  if (v === '*') return s => s !== undefined && s.length > 0;
  if (v.startsWith('*')) {
    if (prefix === '') return s => s !== undefined && fold(s).endsWith(fold(v.slice(1)));
    const re = fullRegex(`${quoteMeta(prefix)}.*${quoteMeta(v.slice(1))}`);
    return s => s !== undefined && re.test(s);
  }
  if (v.endsWith('*')) return s => s !== undefined && fold(s).startsWith(fold(prefix + v.slice(0, -1)));
  return s => s !== undefined && fold(s) === fold(prefix + v);
}

/** matcher.HeaderMatcher / HostMatcher: `*` is "present", then suffix, prefix, exact (hosts ignore case). istio/istio pilot/pkg/security/authz/matcher/header.go */
function headerMatcher(v: string, ignoreCase: boolean): (s: string | undefined) => boolean {
  if (v === '*') return s => s !== undefined;
  const fold = (s: string) => (ignoreCase ? s.toLowerCase() : s);
  if (v.startsWith('*')) return s => s !== undefined && fold(s).endsWith(fold(v.slice(1)));
  if (v.endsWith('*')) return s => s !== undefined && fold(s).startsWith(fold(v.slice(0, -1)));
  return s => s !== undefined && fold(s) === fold(v);
}

/**
 * Paths: matcher.PathMatcher (StringMatcher on the path without its query), or a URI template when the value has
 * `{*}` (one segment) or `{**}` (the rest). istio/istio pilot/pkg/security/authz/matcher/template.go,
 * pkg/config/security/security.go (ContainsPathTemplate).
 */
function pathMatcher(v: string): (s: string | undefined) => boolean {
  const strip = (s: string) => s.split('?')[0].split('#')[0];
  if (v.includes('{*}') || v.includes('{**}')) {
    const re = fullRegex(
      v
        .split(/(\{\*\*\}|\{\*\})/)
        .map(part => (part === '{**}' ? '.*' : part === '{*}' ? '[^/]+' : quoteMeta(part)))
        .join(''),
    );
    return s => s !== undefined && re.test(strip(s));
  }
  const m = stringMatcher(v);
  return s => s !== undefined && m(strip(s));
}

function bracketName(s: string): string {
  if (!s.startsWith('[') || !s.endsWith(']')) throw new GenError(`expecting format [<NAME>], but found ${s}`);
  return s.slice(1, -1);
}

function nestedBracketNames(s: string): string[] {
  const names: string[] = [];
  let rest = s;
  while (rest.length > 0) {
    const m = /^\[([^[\]]*)\]/.exec(rest);
    if (!m) throw new GenError(`invalid nested brackets ${s}`);
    names.push(m[1]);
    rest = rest.slice(m[0].length);
  }
  if (names.length === 0) throw new GenError(`invalid nested brackets ${s}`);
  return names;
}

function port(v: string): number {
  if (!/^\d+$/.test(v) || Number(v) > 65535) throw new GenError(`invalid port ${v}`);
  return Number(v);
}

function cidr(v: string): (ip: string | undefined) => boolean {
  const block = parseCidr(v);
  if (!block) throw new GenError(`invalid address ${v}`);
  return ip => cidrContains(block, ip);
}

const httpOnly = (key: string, forTCP: boolean) => {
  if (forTCP) throw new GenError(`"${key}" is HTTP only`);
};

/** Claim values as Envoy's metadata list matcher sees them: a list's elements, or the one string. */
function claimValues(claims: Record<string, unknown> | undefined, path: string[]): string[] {
  let value: unknown = claims;
  for (const name of path) value = value && typeof value === 'object' ? (value as Record<string, unknown>)[name] : undefined;
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return typeof value === 'string' ? [value] : [];
}

/** A generator for one value (most keys) or for all values at once (`extended`: request.auth.*, envoy metadata). */
type Generator = {one: (key: string, value: string, forTCP: boolean) => Cond} | {all: (key: string, values: string[], forTCP: boolean) => Cond};

/** istio/istio pilot/pkg/security/authz/model/generator.go, key by key. */
const GEN = {
  destIP: {one: (_k, v) => {
    const m = cidr(v);
    return r => m(r.destinationIp);
  }},
  destPort: {one: (_k, v) => {
    const p = port(v);
    return r => r.port === p;
  }},
  connSNI: {one: (_k, v) => {
    const m = stringMatcher(v);
    return r => m(r.sni);
  }},
  // Envoy dynamic metadata is not part of the model: such a condition never holds.
  envoyFilter: {all: () => () => false},
  srcIP: {one: (_k, v) => {
    const m = cidr(v);
    return r => m(r.sourceIp);
  }},
  remoteIP: {one: (_k, v) => {
    const m = cidr(v);
    return r => m(r.remoteIp ?? r.sourceIp);
  }},
  // Regex `.*/ns/<ns>/.*` on the authenticated principal, `*` becoming `.*`.
  srcNamespace: {one: (_k, v) => {
    const re = fullRegex(`.*/ns/${v.split('*').map(quoteMeta).join('.*')}/.*`);
    return r => r.principal !== undefined && re.test(r.principal);
  }},
  srcTrustDomain: {one: (_k, v) => {
    if (v === '*') return r => r.principal?.startsWith('spiffe://') ?? false;
    if (!v.includes('*')) return r => r.principal?.startsWith(`spiffe://${v}/`) ?? false;
    const [a, b] = [v.slice(0, v.indexOf('*')), v.slice(v.indexOf('*') + 1)];
    const re = fullRegex(`spiffe://${quoteMeta(a)}[^/]*${quoteMeta(b)}/.*`);
    return r => r.principal !== undefined && re.test(r.principal);
  }},
  srcPrincipal: {one: (_k, v) => {
    const m = stringMatcher(v, 'spiffe://');
    return r => m(r.principal);
  }},
  requestHeader: {one: (k, v, forTCP) => {
    httpOnly(k, forTCP);
    const name = bracketName(k.slice('request.headers'.length)).toLowerCase();
    const m = headerMatcher(v, false);
    return r => m(r.http?.headers[name]);
  }},
  requestPrincipal: {all: (k, values, forTCP) => {
    httpOnly(k, forTCP);
    // `iss/sub` split at the last slash; `*` and `*`-prefixed or -suffixed values as in requestPrincipalGenerator.
    const ors = values.map(value => {
      const idx = value.lastIndexOf('/');
      const found = idx >= 0;
      const [iss, sub] = found ? [value.slice(0, idx), value.slice(idx + 1)] : [value, ''];
      const nonEmpty = (s: string | undefined) => s !== undefined && s.length > 0;
      let mi: (s: string | undefined) => boolean;
      let ms: (s: string | undefined) => boolean;
      if (value === '*') [mi, ms] = [nonEmpty, nonEmpty];
      else if (value.startsWith('*')) {
        const suffix = (x: string) => (t: string | undefined) => t !== undefined && t.endsWith(x);
        if (found) [mi, ms] = [iss === '*' ? nonEmpty : suffix(iss.slice(1)), t => t === sub];
        else [mi, ms] = [nonEmpty, suffix(value.slice(1))];
      } else if (value.endsWith('*')) {
        if (found) [mi, ms] = [s => s === iss, sub === '*' ? nonEmpty : s => s !== undefined && s.startsWith(sub.slice(0, -1))];
        else [mi, ms] = [s => s !== undefined && s.startsWith(value.slice(0, -1)), nonEmpty];
      } else [mi, ms] = [s => s === iss, s => s === sub];
      return (r: EnvoyRequest) => {
        const rp = r.requestPrincipal;
        if (rp === undefined) return false;
        const j = rp.lastIndexOf('/');
        return j >= 0 ? mi(rp.slice(0, j)) && ms(rp.slice(j + 1)) : mi(rp) && ms('');
      };
    });
    return any(ors);
  }},
  requestAudiences: {all: (k, values, forTCP) => claimGen(k, values, forTCP, ['aud'])},
  requestPresenter: {all: (k, values, forTCP) => claimGen(k, values, forTCP, ['azp'])},
  requestClaims: {all: (k, values, forTCP) => {
    httpOnly(k, forTCP);
    return claimGen(k, values, forTCP, nestedBracketNames(k.slice('request.auth.claims'.length)));
  }},
  host: {one: (k, v, forTCP) => {
    httpOnly(k, forTCP);
    const m = headerMatcher(v, true);
    return r => m(r.http?.host);
  }},
  path: {one: (k, v, forTCP) => {
    httpOnly(k, forTCP);
    const m = pathMatcher(v);
    return r => m(r.http?.path);
  }},
  method: {one: (k, v, forTCP) => {
    httpOnly(k, forTCP);
    const m = headerMatcher(v, false);
    return r => m(r.http?.method);
  }},
  srcServiceAccount: (policyNamespace: string): Generator => ({one: (_k, v) => {
    const [ns, sa] = v.includes('/') ? [v.slice(0, v.indexOf('/')), v.slice(v.indexOf('/') + 1)] : [policyNamespace, v];
    const re = fullRegex(`spiffe://.+/ns/${quoteMeta(ns)}/(.+/|)sa/${quoteMeta(sa)}(/.+)?`);
    return r => r.principal !== undefined && re.test(r.principal);
  }}),
} satisfies Record<string, Generator | ((ns: string) => Generator)>;

function claimGen(k: string, values: string[], forTCP: boolean, path: string[]): Cond {
  httpOnly(k, forTCP);
  const ms = values.map(v => stringMatcher(v));
  return r => claimValues(r.claims, path).some(c => ms.some(m => m(c)));
}

interface Field {
  key: string;
  values: string[];
  notValues: string[];
  gen: Generator;
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : []);

/** Compile one field to at most two conditions (values, notValues); an error only surfaces for ALLOW. */
function compileField(f: Field, forTCP: boolean, action: EnvoyAction): Cond[] {
  const out: Cond[] = [];
  const tolerate = <T>(fn: () => T): T | undefined => {
    try {
      return fn();
    } catch (e) {
      if (action === 'ALLOW' || !(e instanceof GenError)) throw e;
      return undefined;
    }
  };
  for (const [list, negate] of [
    [f.values, false],
    [f.notValues, true],
  ] as const) {
    if (list.length === 0) continue;
    let cond: Cond | undefined;
    if ('all' in f.gen) {
      const gen = f.gen;
      cond = tolerate(() => gen.all(f.key, list, forTCP));
    } else {
      const gen = f.gen;
      const ors = list.map(v => tolerate(() => gen.one(f.key, v, forTCP))).filter((c): c is Cond => c !== undefined);
      cond = ors.length > 0 ? any(ors) : undefined;
    }
    if (cond) out.push(negate ? not(cond) : cond);
  }
  return out;
}

/**
 * The principals an Envoy really checks: a principal naming `cluster.local` or one of the mesh's trust domains
 * (trust domain, then aliases) is expanded to each of them; `*` trust domains and other shapes stay.
 * istio/istio pilot/pkg/security/trustdomain/bundle.go (ReplaceTrustDomainAliases), util.go (stringMatch).
 */
export function replaceTrustDomainAliases(principals: string[], bundle: string[]): string[] {
  const prefixMatch = (a: string, pattern: string) => pattern.endsWith('*') && a.startsWith(pattern.slice(0, -1));
  const suffixMatch = (a: string, pattern: string) => pattern.startsWith('*') && a.endsWith(pattern.slice(1));
  const out: string[] = [];
  const add = (p: string) => {
    if (!out.includes(p)) out.push(p);
  };
  for (const principal of principals) {
    const parts = principal.split('/');
    if (parts.length !== 5 || parts[0] === '*') {
      out.push(principal);
      continue;
    }
    const td = parts[0];
    const known = bundle.some(s => td === s || s === '*' || prefixMatch(td, s) || prefixMatch(s, td) || suffixMatch(td, s) || suffixMatch(s, td));
    if (!known && td !== 'cluster.local') {
      out.push(principal);
      continue;
    }
    const replaced: string[] = [];
    for (const bundleTd of bundle) {
      const p = suffixMatch(bundleTd, td) ? principal : [bundleTd, ...parts.slice(1)].join('/');
      if (!replaced.includes(p)) replaced.push(p);
    }
    replaced.forEach(add);
  }
  return out;
}

/** trustDomains values naming a trust domain of the mesh become all of them (bundle.go ExpandTrustDomainAliases). */
export function expandTrustDomainAliases(values: string[], bundle: string[]): string[] {
  return [...new Set(values.flatMap(v => (bundle.includes(v) ? bundle : [v])))];
}

export type CompiledRule = {kind: 'rule'; matches: Cond} | {kind: 'skipped'; why: string};

/**
 * Build one rule as istiod does for an Envoy filter chain (HTTP when `forTCP` is false). `skipped` is a rule
 * istiod leaves out of the filter: it can never match (invalid, or HTTP-only fields in an ALLOW on TCP).
 */
export function compileRule(rule: any, policyNamespace: string, forTCP: boolean, action: EnvoyAction, trustDomains: string[] = ['cluster.local']): CompiledRule {
  const basePermission: Field[] = [];
  const basePrincipal: Field[] = [];
  for (const when of Array.isArray(rule?.when) ? rule.when : []) {
    const key = String(when?.key ?? '');
    const values = strings(when?.values);
    const notValues = strings(when?.notValues);
    let gen: Generator | undefined;
    let permission = true;
    if (key === 'destination.ip') gen = GEN.destIP;
    else if (key === 'destination.port') gen = GEN.destPort;
    else if (key === 'connection.sni') gen = GEN.connSNI;
    else if (key.startsWith('experimental.envoy.filters.')) gen = GEN.envoyFilter;
    else {
      permission = false;
      if (key === 'source.ip') gen = GEN.srcIP;
      else if (key === 'remote.ip') gen = GEN.remoteIP;
      else if (key === 'source.namespace') gen = GEN.srcNamespace;
      else if (key === 'source.trustDomain') gen = GEN.srcTrustDomain;
      else if (key === 'source.serviceAccount') gen = GEN.srcServiceAccount(policyNamespace);
      else if (key === 'source.principal') gen = GEN.srcPrincipal;
      else if (key === 'request.auth.principal') gen = GEN.requestPrincipal;
      else if (key === 'request.auth.audiences') gen = GEN.requestAudiences;
      else if (key === 'request.auth.presenter') gen = GEN.requestPresenter;
      else if (key.startsWith('request.headers')) gen = GEN.requestHeader;
      else if (key.startsWith('request.auth.claims')) gen = GEN.requestClaims;
    }
    if (!gen) return {kind: 'skipped', why: `unknown attribute ${key}`};
    if (values.length === 0 && notValues.length === 0) continue;
    (permission ? basePermission : basePrincipal).push({key, values, notValues, gen});
  }

  const field = (key: string, gen: Generator, values: unknown, notValues: unknown): Field[] => {
    const f = {key, gen, values: strings(values), notValues: strings(notValues)};
    return f.values.length || f.notValues.length ? [f] : [];
  };
  const principals: Field[][] = [];
  for (const from of Array.isArray(rule?.from) ? rule.from : []) {
    const s = from?.source ?? {};
    principals.push([
      ...field('source.principal', GEN.srcPrincipal, s.principals, s.notPrincipals),
      ...field('request.auth.principal', GEN.requestPrincipal, s.requestPrincipals, s.notRequestPrincipals),
      ...field('source.serviceAccount', GEN.srcServiceAccount(policyNamespace), s.serviceAccounts, s.notServiceAccounts),
      ...field('source.trustDomain', GEN.srcTrustDomain, s.trustDomains, s.notTrustDomains),
      ...field('source.namespace', GEN.srcNamespace, s.namespaces, s.notNamespaces),
      ...field('remote.ip', GEN.remoteIP, s.remoteIpBlocks, s.notRemoteIpBlocks),
      ...field('source.ip', GEN.srcIP, s.ipBlocks, s.notIpBlocks),
      ...basePrincipal,
    ]);
  }
  if (principals.length === 0) principals.push(basePrincipal);
  const permissions: Field[][] = [];
  for (const to of Array.isArray(rule?.to) ? rule.to : []) {
    const o = to?.operation ?? {};
    permissions.push([
      ...field('hosts', GEN.host, o.hosts, o.notHosts),
      ...field('methods', GEN.method, o.methods, o.notMethods),
      ...field('paths', GEN.path, o.paths, o.notPaths),
      ...field('ports', GEN.destPort, o.ports, o.notPorts),
      ...basePermission,
    ]);
  }
  if (permissions.length === 0) permissions.push(basePermission);

  // Model.MigrateTrustDomain (model.go): principals and trustDomains follow the mesh's trust domains. The
  // fields are copied: the `when` ones are shared by every entry.
  const migrate = (list: Field[][]) =>
    list.map(fields =>
      fields.map(f => {
        if (f.key === 'source.principal') return {...f, values: replaceTrustDomainAliases(f.values, trustDomains), notValues: replaceTrustDomainAliases(f.notValues, trustDomains)};
        if (f.key === 'source.trustDomain') return {...f, values: expandTrustDomainAliases(f.values, trustDomains), notValues: expandTrustDomainAliases(f.notValues, trustDomains)};
        return f;
      }),
    );
  const migrated = migrate(principals);
  principals.splice(0, principals.length, ...migrated);

  try {
    // Each entry is the AND of its fields; an entry with none is "any" (generatePermission/generatePrincipal).
    const entries = (list: Field[][]) => list.map(fields => all(fields.flatMap(f => compileField(f, forTCP, action))));
    const perm = any(entries(permissions));
    const princ = any(entries(principals));
    return {kind: 'rule', matches: r => perm(r) && princ(r)};
  } catch (e) {
    if (e instanceof GenError) return {kind: 'skipped', why: e.message};
    throw e;
  }
}

/** The first rule of a policy that matches, or undefined; `rules: []` never matches (builder.go rbacPolicyMatchNever). */
export function matchingRule(compiled: CompiledRule[], request: EnvoyRequest): number | undefined {
  const i = compiled.findIndex(c => c.kind === 'rule' && c.matches(request));
  return i >= 0 ? i : undefined;
}
