import type {KubeObject} from '../kube/client.ts';
import {istioStringMatch} from './traffic/authz/istio-match.ts';

/**
 * Who an L4 AuthorizationPolicy sees once its namespace has a waypoint. Traffic that went through the
 * waypoint reaches ztunnel with the waypoint's identity, not the caller's (reference §1.3, §3.6), so a
 * selector or namespace policy that names callers stops seeing them:
 * - an ALLOW that names callers rejects the waypoint, or lets through it callers it meant to keep out;
 * - a DENY that names callers no longer matches them (fail-open);
 * - a DENY of "everyone but these" (notPrincipals, notNamespaces...) matches the waypoint and denies
 *   everything that goes through it.
 *
 * Matching follows Istio's string matches (exact, `prefix*`, `*suffix`, `*`) for principals and
 * namespaces, and `ns/sa` or `sa` (the policy's namespace) for serviceAccounts, as istiod hands them to
 * ztunnel (`pilot/pkg/serviceregistry/ambient/testdata/allow-full*.yaml`).
 */

export interface WaypointIdentity {
  /** `<trustDomain>/ns/<ns>/sa/<name>`, as policies write principals (no `spiffe://`). */
  principal: string;
  namespace: string;
  serviceAccount: string;
}

/** Whether something matches the waypoint: `maybe` when it depends on what the tool cannot know (an IP). */
export type Match = 'yes' | 'no' | 'maybe';

/**
 * Source fields and conditions that say who calls. Addresses count: behind the waypoint ztunnel sees the
 * waypoint pod's address as the source, not the caller's.
 */
const CALLER_SOURCE_FIELDS = ['principals', 'notPrincipals', 'namespaces', 'notNamespaces', 'serviceAccounts', 'notServiceAccounts', 'ipBlocks', 'notIpBlocks'];
const CALLER_WHEN_KEYS = new Set(['source.principal', 'source.namespace', 'source.ip']);

type Source = Record<string, unknown>;
type Rule = {from?: Array<{source?: Source}>; to?: unknown; when?: Array<{key?: string; values?: unknown; notValues?: unknown}>};

const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);
const objectOr = (value: unknown): Source => (value && typeof value === 'object' && !Array.isArray(value) ? (value as Source) : {});
/** A list field as a list: an object of an unexpected shape reads as empty instead of throwing. */
const list = <T>(value: T[] | undefined): T[] => (Array.isArray(value) ? value : []);

/** Istio's string match: exact, `prefix*`, `*suffix`, or `*` for any value (shared with the traffic model). */
export {istioStringMatch};

function and(...matches: Match[]): Match {
  if (matches.includes('no')) return 'no';
  return matches.includes('maybe') ? 'maybe' : 'yes';
}

function or(matches: Match[]): Match {
  if (matches.includes('yes')) return 'yes';
  return matches.includes('maybe') ? 'maybe' : 'no';
}

const any = (patterns: string[], value: string): Match => (patterns.some(p => istioStringMatch(p, value)) ? 'yes' : 'no');
const none = (patterns: string[], value: string): Match => (patterns.some(p => istioStringMatch(p, value)) ? 'no' : 'yes');

function serviceAccountKey(value: string, policyNamespace: string): string {
  return value.includes('/') ? value : `${policyNamespace}/${value}`;
}

/** Does one `from[].source` entry match the waypoint? Its fields are ANDed, each field's values ORed. */
export function sourceMatchesWaypoint(source: Source, waypoint: WaypointIdentity, policyNamespace: string): Match {
  const parts: Match[] = [];
  const sa = `${waypoint.namespace}/${waypoint.serviceAccount}`;
  if ('principals' in source) parts.push(any(strings(source.principals), waypoint.principal));
  if ('notPrincipals' in source) parts.push(none(strings(source.notPrincipals), waypoint.principal));
  if ('namespaces' in source) parts.push(any(strings(source.namespaces), waypoint.namespace));
  if ('notNamespaces' in source) parts.push(none(strings(source.notNamespaces), waypoint.namespace));
  if ('serviceAccounts' in source) parts.push(strings(source.serviceAccounts).some(v => serviceAccountKey(v, policyNamespace) === sa) ? 'yes' : 'no');
  if ('notServiceAccounts' in source) parts.push(strings(source.notServiceAccounts).some(v => serviceAccountKey(v, policyNamespace) === sa) ? 'no' : 'yes');
  // The waypoint pod's address, and the trust domains ztunnel does not convert, are unknown here.
  if (['ipBlocks', 'notIpBlocks', 'trustDomains', 'notTrustDomains'].some(f => f in source)) parts.push('maybe');
  return and(...parts);
}

/**
 * Does a rule match traffic that comes through the waypoint? `to` and the destination conditions are the
 * same whoever calls, so only the source and the source conditions decide.
 */
export function ruleMatchesWaypoint(rule: Rule, waypoint: WaypointIdentity, policyNamespace: string): Match {
  const parts: Match[] = [];
  // An empty `from` is no condition at all, as Istio reads it (it does not match nothing).
  if (Array.isArray(rule.from) && rule.from.length > 0) parts.push(or(rule.from.map(f => sourceMatchesWaypoint(objectOr(f?.source), waypoint, policyNamespace))));
  for (const condition of list(rule.when)) {
    if (condition?.key === 'source.principal' || condition?.key === 'source.namespace') {
      const value = condition.key === 'source.principal' ? waypoint.principal : waypoint.namespace;
      if (condition.values !== undefined) parts.push(any(strings(condition.values), value));
      if (condition.notValues !== undefined) parts.push(none(strings(condition.notValues), value));
    } else if (condition?.key === 'source.ip') parts.push('maybe');
  }
  return and(...parts);
}

/** Does the rule decide by who calls (an identity or address in `from`, or a `when` on the source)? */
export function namesCallers(rule: Rule): boolean {
  const inFrom = list(rule.from).some(f => CALLER_SOURCE_FIELDS.some(field => field in objectOr(f?.source)));
  return inFrom || list(rule.when).some(c => CALLER_WHEN_KEYS.has(c?.key ?? ''));
}

/**
 * A principal pattern that names the waypoint's own service account (`.../sa/waypoint`, `.../sa/waypoint*`,
 * `*` + `/sa/waypoint`), not one that merely covers it, like `cluster.local/ns/shop/*` or `*`.
 */
function namesWaypointPrincipal(pattern: string, waypoint: WaypointIdentity): boolean {
  const account = pattern.indexOf('/sa/');
  // Some of the service account's own name must be spelled out: `.../sa/*` is every account there.
  return istioStringMatch(pattern, waypoint.principal) && account >= 0 && pattern.slice(account + 4).replace('*', '').length > 0;
}

/** The caller values a rule names (principals, service accounts, conditions), and whether it names anything else. */
function callerValues(rule: Rule): {identities: string[]; accounts: string[]; other: boolean} {
  const identities: string[] = [];
  const accounts: string[] = [];
  let other = false;
  for (const f of list(rule.from)) {
    const source = objectOr(f?.source);
    identities.push(...strings(source.principals), ...strings(source.notPrincipals));
    accounts.push(...strings(source.serviceAccounts), ...strings(source.notServiceAccounts));
    if (['namespaces', 'notNamespaces', 'ipBlocks', 'notIpBlocks'].some(field => field in source)) other = true;
  }
  for (const c of list(rule.when)) {
    if (c?.key === 'source.principal') identities.push(...strings(c.values), ...strings(c.notValues));
    else if (CALLER_WHEN_KEYS.has(c?.key ?? '')) other = true;
  }
  return {identities, accounts, other};
}

/**
 * Does the rule name the waypoint itself: the guide's bypass DENY (`notPrincipals: [<waypoint>]`, with or
 * without the sidecar callers still to migrate), an ALLOW of the waypoint prepared by hand, or a rule the
 * plan exempted?
 */
export function namesWaypoint(rule: Rule, waypoint: WaypointIdentity, policyNamespace: string): boolean {
  const sa = `${waypoint.namespace}/${waypoint.serviceAccount}`;
  const {identities, accounts} = callerValues(rule);
  return identities.some(p => namesWaypointPrincipal(p, waypoint)) || accounts.some(a => serviceAccountKey(a, policyNamespace) === sa);
}

/** Does the rule name no caller but the waypoint (`principals: [<waypoint>]`)? */
function namesOnlyWaypoint(rule: Rule, waypoint: WaypointIdentity, policyNamespace: string): boolean {
  const sa = `${waypoint.namespace}/${waypoint.serviceAccount}`;
  const {identities, accounts, other} = callerValues(rule);
  return !other && identities.length + accounts.length > 0 && identities.every(p => namesWaypointPrincipal(p, waypoint)) && accounts.every(a => serviceAccountKey(a, policyNamespace) === sa);
}

export type WaypointIdentityEffect =
  /** The ALLOW's identity rules do not let the waypoint in: ztunnel would reject the waypoint's traffic. */
  | 'allow-rejects-waypoint'
  /** The ALLOW lets the waypoint in, and with it callers the ALLOW did not allow. */
  | 'allow-admits-through-waypoint'
  /** The DENY names callers that ztunnel no longer sees behind the waypoint. */
  | 'deny-fails-open'
  /** The DENY matches the waypoint itself ("everyone but ...", or its own namespace): everything through the waypoint is denied. */
  | 'deny-blocks-waypoint';

export interface WaypointIdentityAnalysis {
  effect: WaypointIdentityEffect;
  /** Rules (by index) that do not let the waypoint in (ALLOW) or that deny it (DENY). */
  rules: number[];
  /**
   * Rules left out of the waypoint copy, where no caller is the waypoint: an ALLOW's rules for the waypoint
   * alone, and a DENY's rules that name the waypoint (the bypass DENY: copied, it would deny every caller).
   */
  forWaypoint: number[];
}

/**
 * What a waypoint does to an L4 ALLOW or DENY that names callers; undefined when the policy names no
 * caller (ports only), which the waypoint does not change, or names only the waypoint.
 */
export function waypointIdentityEffect(policy: KubeObject, waypoint: WaypointIdentity): WaypointIdentityAnalysis | undefined {
  const action = policy.spec?.action ?? 'ALLOW';
  if (action !== 'ALLOW' && action !== 'DENY') return undefined;
  const namespace = policy.metadata.namespace ?? '';
  const rules = list(policy.spec?.rules as Rule[] | undefined).map((rule, index) => ({rule: objectOr(rule) as Rule, index}));
  if (action === 'ALLOW') {
    const forWaypoint = rules.filter(r => namesOnlyWaypoint(r.rule, waypoint, namespace)).map(r => r.index);
    const naming = rules.filter(r => namesCallers(r.rule) && !forWaypoint.includes(r.index));
    if (naming.length === 0) return undefined;
    // A rule that does not let the waypoint in is covered by another that does, on the same terms (ports,
    // destination conditions) or on any: a ports-only rule, or one written for the waypoint.
    const lettingIn = rules.filter(r => ruleMatchesWaypoint(r.rule, waypoint, namespace) === 'yes');
    const terms = (rule: Rule) => JSON.stringify(withoutCallerConditions(rule));
    const covered = (rule: Rule) => lettingIn.some(w => terms(w.rule) === '{}' || terms(w.rule) === terms(rule));
    const notLettingIn = naming.filter(r => ruleMatchesWaypoint(r.rule, waypoint, namespace) !== 'yes' && !covered(r.rule)).map(r => r.index);
    return {effect: notLettingIn.length > 0 ? 'allow-rejects-waypoint' : 'allow-admits-through-waypoint', rules: notLettingIn, forWaypoint};
  }
  const forWaypoint = rules.filter(r => namesWaypoint(r.rule, waypoint, namespace)).map(r => r.index);
  const naming = rules.filter(r => namesCallers(r.rule) && !forWaypoint.includes(r.index));
  if (naming.length === 0) return undefined;
  const denying = naming.filter(r => ruleMatchesWaypoint(r.rule, waypoint, namespace) !== 'no').map(r => r.index);
  return {effect: denying.length > 0 ? 'deny-blocks-waypoint' : 'deny-fails-open', rules: denying, forWaypoint};
}

/** The rule without the conditions on who calls, for a rule that lets the waypoint in on the same terms. */
export function withoutCallerConditions(rule: Rule): Rule {
  const when = list(rule.when).filter(c => !CALLER_WHEN_KEYS.has(c?.key ?? ''));
  return {...(rule.to ? {to: rule.to} : {}), ...(when.length ? {when} : {})};
}

/**
 * The DENY rule with the waypoint exempted. In the guide's idiom, the waypoint's principal joins the
 * notPrincipals of every source entry that matches it. An entry that uses service accounts cannot take
 * principals (Istio's CEL rule) and holds at most 16 of them, and a rule that names callers only in `when`
 * has no entry: there the rule gets the condition `source.principal` notValues the waypoint instead, which
 * is ANDed with the rest of the rule just the same.
 */
export function exemptWaypoint(rule: Rule, waypoint: WaypointIdentity, policyNamespace: string): Rule {
  const copy = structuredClone(rule);
  const entries = list(copy.from);
  const usesServiceAccounts = entries.some(e => 'serviceAccounts' in objectOr(e?.source) || 'notServiceAccounts' in objectOr(e?.source));
  if (entries.length === 0 || usesServiceAccounts) {
    return {...copy, when: [...list(copy.when), {key: 'source.principal', notValues: [waypoint.principal]}]};
  }
  copy.from = entries.map(entry => {
    const source = {...objectOr(entry?.source)};
    if (sourceMatchesWaypoint(source, waypoint, policyNamespace) === 'no') return entry;
    source.notPrincipals = [...strings(source.notPrincipals), waypoint.principal];
    return {...entry, source};
  });
  return copy;
}
