import type {KubeObject} from '../../../kube/client.ts';
import {cidrContains, HTTP_OPERATION_FIELDS, HTTP_SOURCE_FIELDS, L4_WHEN_KEYS, labelsSubset, parseBool, parseCidr} from './istio-match.ts';
import {modeOf, type MtlsMode} from './peer-authn.ts';
import {sortByCreation, targetRefsOf} from './select.ts';

/**
 * The ztunnel half: what istiod sends ztunnel (istio/istio pilot/pkg/serviceregistry/ambient/authorization.go,
 * policies.go, workloads.go) and how ztunnel matches it (istio/ztunnel src/rbac.rs, src/state.rs assert_rbac).
 * The types mirror the `istio.security.Authorization` proto (istio/istio pkg/workloadapi/security/authorization.proto)
 * with every list present; {@link protoShape} renders one as istiod's goldens do.
 */

export type ZScope = 'GLOBAL' | 'NAMESPACE' | 'WORKLOAD_SELECTOR';
export type ZAction = 'ALLOW' | 'DENY';
export type ZStringMatch = {exact: string} | {prefix: string} | {suffix: string} | {presence: Record<string, never>};
/** An address as its bytes and prefix length (the proto's bytes field, base64 in YAML). */
export interface ZAddress {
  bytes: number[];
  length: number;
}
export interface ZServiceAccountMatch {
  namespace: string;
  serviceAccount: string;
}
export interface ZMatch {
  namespaces: ZStringMatch[];
  notNamespaces: ZStringMatch[];
  serviceAccounts: ZServiceAccountMatch[];
  notServiceAccounts: ZServiceAccountMatch[];
  principals: ZStringMatch[];
  notPrincipals: ZStringMatch[];
  sourceIps: ZAddress[];
  notSourceIps: ZAddress[];
  destinationIps: ZAddress[];
  notDestinationIps: ZAddress[];
  destinationPorts: number[];
  notDestinationPorts: number[];
}
/** One clause: an OR of matches. */
export interface ZRules {
  matches: ZMatch[];
}
/** One group: an AND of clauses (one AuthorizationPolicy rule). */
export interface ZGroup {
  rules: ZRules[];
}
export interface ZAuthorization {
  name: string;
  namespace: string;
  scope: ZScope;
  action: ZAction;
  groups: ZGroup[];
  dryRun: boolean;
}

export interface ZConversion {
  /** Absent when istiod sends nothing to ztunnel for this policy. */
  authorization?: ZAuthorization;
  /** For each group, the index of the AuthorizationPolicy rule it came from. */
  groupRules: number[];
  /** The status istiod writes (rejected, or accepted with the HTTP attributes it dropped). */
  status?: string;
  /** HTTP attributes found (the ALLOW rules holding them are dropped, DENY rules lose them). */
  httpAttributes: string[];
  /** ALLOW rules dropped because they hold an HTTP attribute. */
  droppedRules: number[];
}

const emptyMatch = (): ZMatch => ({
  namespaces: [],
  notNamespaces: [],
  serviceAccounts: [],
  notServiceAccounts: [],
  principals: [],
  notPrincipals: [],
  sourceIps: [],
  notSourceIps: [],
  destinationIps: [],
  notDestinationIps: [],
  destinationPorts: [],
  notDestinationPorts: [],
});

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : []);

/** authorization.go stringToMatch: `*` presence, `*x` suffix, `x*` prefix, else exact. */
export function stringToMatch(values: unknown): ZStringMatch[] {
  return strings(values).map(v => {
    if (v === '*') return {presence: {}};
    if (v.startsWith('*')) return {suffix: v.slice(1)};
    if (v.endsWith('*')) return {prefix: v.slice(0, -1)};
    return {exact: v};
  });
}

/** authorization.go stringToServiceAccountMatch: `ns/sa`, or `sa` in the policy's namespace. */
function stringToServiceAccountMatch(values: unknown, ruleNamespace: string): ZServiceAccountMatch[] {
  return strings(values).map(v => {
    const i = v.indexOf('/');
    return i >= 0 ? {namespace: v.slice(0, i), serviceAccount: v.slice(i + 1)} : {namespace: ruleNamespace, serviceAccount: v};
  });
}

/** authorization.go stringToPort: unparsable or out-of-range values are dropped silently. */
function stringToPort(values: unknown): number[] {
  return strings(values).flatMap(v => (/^\d+$/.test(v) && Number(v) <= 65535 ? [Number(v)] : []));
}

/** authorization.go stringToIP: unparsable values are dropped silently. */
function stringToIP(values: unknown): ZAddress[] {
  return strings(values).flatMap(v => {
    const c = v.length > 0 ? parseCidr(v) : undefined;
    return c ? [{bytes: c.bytes, length: c.length}] : [];
  });
}

const nonEmpty = (v: unknown) => Array.isArray(v) && v.length > 0;

/** authorization.go handleRule: `to` clause, then `from` clause, then one clause per `when`; an ALLOW rule with an HTTP attribute is dropped. */
function handleRule(action: ZAction, rule: any, ruleNamespace: string): {rules?: ZRules[]; http: string[]} {
  const http = new Set<string>();
  let l7 = false;
  const toMatches: ZMatch[] = [];
  for (const to of Array.isArray(rule?.to) ? rule.to : []) {
    const op = to?.operation ?? {};
    const problems = HTTP_OPERATION_FIELDS.filter(k => nonEmpty(op[k]));
    if (problems.length) l7 = true;
    problems.forEach(p => http.add(p));
    toMatches.push({...emptyMatch(), destinationPorts: stringToPort(op.ports), notDestinationPorts: stringToPort(op.notPorts)});
  }
  const fromMatches: ZMatch[] = [];
  for (const from of Array.isArray(rule?.from) ? rule.from : []) {
    const s = from?.source ?? {};
    const problems = HTTP_SOURCE_FIELDS.filter(k => nonEmpty(s[k]));
    if (problems.length) l7 = true;
    problems.forEach(p => http.add(p));
    // trustDomains/notTrustDomains are neither converted nor flagged (as istiod does).
    fromMatches.push({
      ...emptyMatch(),
      sourceIps: stringToIP(s.ipBlocks),
      notSourceIps: stringToIP(s.notIpBlocks),
      namespaces: stringToMatch(s.namespaces),
      notNamespaces: stringToMatch(s.notNamespaces),
      serviceAccounts: stringToServiceAccountMatch(s.serviceAccounts, ruleNamespace),
      notServiceAccounts: stringToServiceAccountMatch(s.notServiceAccounts, ruleNamespace),
      principals: stringToMatch(s.principals),
      notPrincipals: stringToMatch(s.notPrincipals),
    });
  }
  const rules: ZRules[] = [];
  if (toMatches.length) rules.push({matches: toMatches});
  if (fromMatches.length) rules.push({matches: fromMatches});
  for (const when of Array.isArray(rule?.when) ? rule.when : []) {
    const key = String(when?.key ?? '');
    if (!L4_WHEN_KEYS.has(key)) {
      l7 = true;
      http.add(key);
    }
    const pick = (k: string, invert: boolean) => (key === k ? (invert ? when.notValues : when.values) : undefined);
    rules.push({
      matches: [
        {
          ...emptyMatch(),
          namespaces: stringToMatch(pick('source.namespace', false)),
          principals: stringToMatch(pick('source.principal', false)),
          sourceIps: stringToIP(pick('source.ip', false)),
          destinationPorts: stringToPort(pick('destination.port', false)),
          destinationIps: stringToIP(pick('destination.ip', false)),
          notNamespaces: stringToMatch(pick('source.namespace', true)),
          notPrincipals: stringToMatch(pick('source.principal', true)),
          notSourceIps: stringToIP(pick('source.ip', true)),
          notDestinationPorts: stringToPort(pick('destination.port', true)),
          notDestinationIps: stringToIP(pick('destination.ip', true)),
        },
      ],
    });
  }
  // "L7 policies never match for ALLOW"; a DENY keeps the rule, with empty matches ztunnel skips.
  if (action === 'ALLOW' && l7) return {http: [...http]};
  return {rules, http: [...http]};
}

/**
 * authorization.go convertAuthorizationPolicy: nothing for targetRefs (not for ztunnel), for dry-run unless
 * AMBIENT_ENABLE_DRY_RUN_AUTHORIZATION_POLICY is on (default off: pilot/pkg/features/ambient.go), for CUSTOM and
 * AUDIT; scope WORKLOAD_SELECTOR with a selector, else NAMESPACE, or GLOBAL in the root namespace.
 */
export function convertAuthorizationPolicy(rootNamespace: string, policy: KubeObject, options: {enableDryRun?: boolean} = {}): ZConversion {
  const spec = policy.spec ?? {};
  const out: ZConversion = {groupRules: [], httpAttributes: [], droppedRules: []};
  const annotation = policy.metadata.annotations?.['istio.io/dry-run'];
  const dryRun = annotation ? parseBool(annotation) : false;
  if (dryRun && !options.enableDryRun) {
    out.status = 'dry-run AuthorizationPolicies are not sent to ztunnel (AMBIENT_ENABLE_DRY_RUN_AUTHORIZATION_POLICY is off)';
    return out;
  }
  if (targetRefsOf(spec).length > 0) return out;
  const namespace = policy.metadata.namespace ?? '';
  let scope: ZScope = 'WORKLOAD_SELECTOR';
  if (!spec.selector) scope = rootNamespace === namespace ? 'GLOBAL' : 'NAMESPACE';
  const actionName = spec.action ?? 'ALLOW';
  if (actionName !== 'ALLOW' && actionName !== 'DENY') {
    out.status = `ztunnel does not support the ${actionName} action`;
    return out;
  }
  const action: ZAction = actionName;
  const authorization: ZAuthorization = {name: policy.metadata.name, namespace, scope, action, groups: [], dryRun};
  const http = new Set<string>();
  (Array.isArray(spec.rules) ? spec.rules : []).forEach((rule: unknown, i: number) => {
    const r = handleRule(action, rule ?? {}, namespace);
    if (r.rules) {
      authorization.groups.push({rules: r.rules});
      out.groupRules.push(i);
    } else out.droppedRules.push(i);
    r.http.forEach(h => http.add(h));
  });
  out.authorization = authorization;
  out.httpAttributes = [...http].sort();
  if (http.size > 0) out.status = `ztunnel does not support HTTP attributes (found: ${out.httpAttributes.join(', ')})`;
  return out;
}

// --- PeerAuthentication ---------------------------------------------------------------------------------

/** istio/istio pilot/pkg/serviceregistry/ambient/authorization.go (staticStrictPolicyName). */
export const STATIC_STRICT_POLICY = 'istio_converted_static_strict';
const notPrincipalPresence = (): ZMatch => ({...emptyMatch(), notPrincipals: [{presence: {}}]});

/** The static STRICT policy istiod sends whenever any PeerAuthentication exists (policies.go DefaultPolicy). */
export function staticStrictPolicy(rootNamespace: string): ZAuthorization {
  return {name: STATIC_STRICT_POLICY, namespace: rootNamespace, scope: 'WORKLOAD_SELECTOR', action: 'DENY', groups: [{rules: [{matches: [notPrincipalPresence()]}]}], dryRun: false};
}

/** model.GetAmbientPolicyConfigName for a PeerAuthentication: `converted_peer_authentication_<name>` (the goldens). */
export const convertedPeerAuthenticationName = (name: string) => `converted_peer_authentication_${name}`;

const mode = (pa: KubeObject | undefined): MtlsMode => modeOf(pa?.spec?.mtls);
const portLevel = (pa: KubeObject): Array<[number, MtlsMode]> =>
  Object.entries((pa.spec?.portLevelMtls ?? {}) as Record<string, unknown>)
    .map(([p, m]): [number, MtlsMode] => [Number(p), modeOf(m)])
    .sort((a, b) => a[0] - b[0]);
const hasSelector = (pa: KubeObject) => Boolean(pa.spec?.selector);

/**
 * authorization.go convertPeerAuthentication: a workload PeerAuthentication with port-level mTLS, outside the
 * root namespace, as an L4 DENY of plaintext (no principal), merged with the namespace or mesh STRICT it
 * inherits. Ports come in numeric order (maps.SeqStable).
 */
export function convertPeerAuthentication(rootNamespace: string, cfg: KubeObject, nsCfg?: KubeObject, rootCfg?: KubeObject): ZAuthorization | undefined {
  const namespace = cfg.metadata.namespace ?? '';
  const ports = portLevel(cfg);
  if (namespace === rootNamespace || !hasSelector(cfg) || ports.length === 0) return undefined;
  const top = mode(cfg);
  const rules: ZRules[] = [];
  const groups: ZGroup[] = [];
  if (top === 'STRICT') rules.push({matches: [notPrincipalPresence()]});
  let foundNonStrict = false;
  for (const [port, portMode] of ports) {
    if (portMode === 'STRICT') {
      // Skipped when a parent already makes the port STRICT. The condition reads as istiod's: its third
      // alternative does not look at the workload's own mode.
      if (
        top === 'STRICT' ||
        (top === 'UNSET' && nsCfg !== undefined && mode(nsCfg) === 'STRICT') ||
        ((nsCfg === undefined || mode(nsCfg) === 'UNSET') && rootCfg !== undefined && mode(rootCfg) === 'STRICT')
      )
        continue;
      groups.push({rules: [{matches: [{...notPrincipalPresence(), destinationPorts: [port]}]}]});
    } else if (portMode === 'PERMISSIVE' || portMode === 'DISABLE') {
      if (top === 'PERMISSIVE' || top === 'DISABLE') continue;
      if (
        top === 'UNSET' &&
        ((nsCfg !== undefined && mode(nsCfg) !== 'STRICT') || (nsCfg === undefined && rootCfg !== undefined && mode(rootCfg) !== 'STRICT') || (nsCfg === undefined && rootCfg === undefined))
      )
        continue;
      foundNonStrict = true;
      rules.push({matches: [{...emptyMatch(), notDestinationPorts: [port]}]});
    }
  }
  if (top === 'STRICT' && !foundNonStrict) return undefined;
  if (rules.length === 0 && groups.length === 0) return undefined;
  const mergeStrict =
    (rootCfg !== undefined && mode(rootCfg) === 'STRICT' && (nsCfg === undefined || mode(nsCfg) === 'UNSET' || mode(nsCfg) === 'STRICT')) ||
    (nsCfg !== undefined && mode(nsCfg) === 'STRICT');
  if (mergeStrict && foundNonStrict) rules.push({matches: [notPrincipalPresence()]});
  if (rules.length > 0) groups.push({rules});
  return {name: convertedPeerAuthenticationName(cfg.metadata.name), namespace, scope: 'WORKLOAD_SELECTOR', action: 'DENY', groups, dryRun: false};
}

export interface WorkloadPeerAuthentication {
  /** The workload references the static STRICT policy. */
  staticStrict: boolean;
  /** The PeerAuthentication whose converted form the workload references. */
  converted?: KubeObject;
  /** The PeerAuthentication that makes the workload STRICT (mesh, namespace or workload level), for reports. */
  strictFrom?: KubeObject;
}

/**
 * Which PeerAuthentication-derived policies a workload references: authorization.go
 * convertedSelectorPeerAuthentications over workloads.go fetchPeerAuthentications (the workload's namespace, no
 * selector or a matching one, plus the root namespace's without selector).
 */
export function workloadPeerAuthentication(peerAuthentications: KubeObject[], pod: KubeObject, rootNamespace: string): WorkloadPeerAuthentication {
  const ns = pod.metadata.namespace ?? '';
  const labels = pod.metadata.labels ?? {};
  const candidates = sortByCreation(
    peerAuthentications.filter(pa => {
      if (pa.metadata.namespace === ns) return !pa.spec?.selector || labelsSubset(pa.spec.selector.matchLabels, labels);
      return ns !== rootNamespace && pa.metadata.namespace === rootNamespace && !pa.spec?.selector;
    }),
  );
  let meshCfg: KubeObject | undefined;
  let namespaceCfg: KubeObject | undefined;
  let workloadCfg: KubeObject | undefined;
  for (const cfg of candidates) {
    if (Object.keys(cfg.spec?.selector?.matchLabels ?? {}).length === 0) {
      if (cfg.metadata.namespace === rootNamespace) meshCfg ??= cfg;
      else namespaceCfg ??= cfg;
    } else if (cfg.metadata.namespace !== rootNamespace) workloadCfg ??= cfg;
  }
  let strict = false;
  let strictFrom: KubeObject | undefined;
  if (meshCfg) [strict, strictFrom] = [mode(meshCfg) === 'STRICT', meshCfg];
  if (namespaceCfg && mode(namespaceCfg) !== 'UNSET') [strict, strictFrom] = [mode(namespaceCfg) === 'STRICT', namespaceCfg];
  if (!workloadCfg) return {staticStrict: strict, strictFrom: strict ? strictFrom : undefined};
  const top = mode(workloadCfg);
  if (top === 'STRICT') [strict, strictFrom] = [true, workloadCfg];
  if (top === 'PERMISSIVE' || top === 'DISABLE') strict = false;
  let converted: KubeObject | undefined;
  const ports = portLevel(workloadCfg).map(([, m]) => m);
  if (workloadCfg.spec?.portLevelMtls) {
    if (top === 'STRICT') {
      if (ports.some(m => m === 'PERMISSIVE' || m === 'DISABLE')) [converted, strict] = [workloadCfg, false];
    } else if (top === 'PERMISSIVE' || top === 'DISABLE') {
      if (ports.includes('STRICT')) converted = workloadCfg;
    } else if (strict) {
      if (ports.includes('PERMISSIVE')) [converted, strict] = [workloadCfg, false];
    } else {
      strict = false;
      if (ports.includes('STRICT')) converted = workloadCfg;
    }
  }
  return {staticStrict: strict, converted, strictFrom: strict ? strictFrom : undefined};
}

/** The oldest PeerAuthentication without selector in a namespace (policies.go PeerAuthByNamespace, getOldestPeerAuthn). */
export function oldestNamespacePeerAuthentication(peerAuthentications: KubeObject[], namespace: string): KubeObject | undefined {
  return sortByCreation(peerAuthentications.filter(pa => pa.metadata.namespace === namespace && !pa.spec?.selector))[0];
}

// --- Matching (istio/ztunnel src/rbac.rs) ---------------------------------------------------------------

export interface ZConnection {
  srcIdentity?: {trustDomain: string; namespace: string; serviceAccount: string};
  srcIp?: string;
  dstIp?: string;
  dstPort: number;
}

function stringMatches(m: ZStringMatch, check: string): boolean {
  if ('prefix' in m) return check.startsWith(m.prefix);
  if ('suffix' in m) return check.endsWith(m.suffix);
  if ('exact' in m) return check === m.exact;
  return check.length > 0;
}

const isEmpty = (m: ZMatch) => Object.values(m).every(v => (v as unknown[]).length === 0);

function matchesInternal<T>(positive: T[], negative: T[], predicate: (t: T) => boolean): boolean {
  const pm = positive.length === 0 || positive.some(predicate);
  const nm = negative.length === 0 || !negative.some(predicate);
  return pm && nm;
}

const inBlock = (a: ZAddress, ip: string | undefined) => cidrContains(a, ip);

/**
 * rbac.rs Authorization::matches: no group matches nothing; a group matches when every clause does (a group
 * with no clause matches everything); a clause when one of its non-empty matches does (empty matches are
 * skipped, a clause with no match at all holds); principals are matched without `spiffe://`; no identity is
 * the empty principal and namespace. Returns the index of the first matching group.
 */
export function ztunnelMatch(policy: ZAuthorization, conn: ZConnection): number | undefined {
  const id = conn.srcIdentity;
  const principal = id ? `${id.trustDomain}/ns/${id.namespace}/sa/${id.serviceAccount}` : undefined;
  const ns = id?.namespace ?? '';
  const one = (mg: ZMatch): boolean =>
    matchesInternal(mg.destinationIps, mg.notDestinationIps, a => inBlock(a, conn.dstIp)) &&
    matchesInternal(mg.sourceIps, mg.notSourceIps, a => inBlock(a, conn.srcIp)) &&
    matchesInternal(mg.destinationPorts, mg.notDestinationPorts, p => p === conn.dstPort) &&
    matchesInternal(mg.serviceAccounts, mg.notServiceAccounts, sa => id !== undefined && sa.namespace === id.namespace && sa.serviceAccount === id.serviceAccount) &&
    // matches_principal fails outright for a connection without identity.
    matchesInternal(mg.principals, mg.notPrincipals, p => principal !== undefined && stringMatches(p, principal)) &&
    matchesInternal(mg.namespaces, mg.notNamespaces, p => stringMatches(p, ns));
  const i = policy.groups.findIndex(group =>
    group.rules.every(clause => clause.matches.length === 0 || clause.matches.some(mg => !isEmpty(mg) && one(mg))),
  );
  return i >= 0 ? i : undefined;
}

// --- Rendering as istiod's goldens ----------------------------------------------------------------------

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
function base64(bytes: number[]): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const [a, b, c] = [bytes[i], bytes[i + 1], bytes[i + 2]];
    const n = (a << 16) | ((b ?? 0) << 8) | (c ?? 0);
    out += B64[(n >> 18) & 63] + B64[(n >> 12) & 63] + (b === undefined ? '=' : B64[(n >> 6) & 63]) + (c === undefined ? '=' : B64[n & 63]);
  }
  return out;
}

const ADDRESS_FIELDS = new Set(['sourceIps', 'notSourceIps', 'destinationIps', 'notDestinationIps']);

/**
 * The policy as istiod's goldens print it (protomarshal.ToYAML): empty lists, an empty namespace, default
 * enums (scope GLOBAL, action ALLOW) and dryRun false are left out; addresses are base64.
 */
export function protoShape(policy: ZAuthorization): Record<string, unknown> {
  const match = (m: ZMatch) => {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(m) as Array<[string, unknown[]]>) {
      if (v.length === 0) continue;
      out[k] = ADDRESS_FIELDS.has(k) ? (v as ZAddress[]).map(a => ({address: base64(a.bytes), length: a.length})) : v;
    }
    return out;
  };
  const out: Record<string, unknown> = {name: policy.name};
  if (policy.namespace) out.namespace = policy.namespace;
  if (policy.scope !== 'GLOBAL') out.scope = policy.scope;
  if (policy.action !== 'ALLOW') out.action = policy.action;
  if (policy.groups.length) out.groups = policy.groups.map(g => (g.rules.length ? {rules: g.rules.map(r => ({matches: r.matches.map(match)}))} : {}));
  if (policy.dryRun) out.dryRun = true;
  return out;
}
