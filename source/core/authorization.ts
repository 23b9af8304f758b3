import type {KubeObject} from '../kube/client.ts';
import {HTTP_OPERATION_FIELDS, HTTP_SOURCE_FIELDS, L4_WHEN_KEYS, parseBool} from './traffic/authz/istio-match.ts';
import {targetRefsOf} from './traffic/authz/select.ts';

/**
 * How an AuthorizationPolicy fares once its workloads lose their sidecars and only ztunnel enforces it.
 *
 * The classification is istiod's ztunnel converter (reference §3.6.1, `pilot/pkg/serviceregistry/ambient/
 * authorization.go`); the matching semantics are ztunnel's (`src/rbac.rs`): a rule is an AND of clauses
 * (the `from` list, the `to` list, and each `when` condition on its own), a clause is an OR of its entries,
 * and an entry left with no L4 field becomes an empty match that ztunnel skips, so it never matches.
 * The goldens under `pilot/pkg/serviceregistry/ambient/testdata` (`allow-groups`, `deny-groups`) pin this down.
 */

export type PolicyAction = 'ALLOW' | 'DENY' | 'CUSTOM' | 'AUDIT';
export type PolicyAttachment = 'selector' | 'namespace' | 'root-namespace' | 'targetRefs';

/**
 * - `unchanged`: ztunnel enforces what the sidecar enforced (or never sees the policy: targetRefs).
 * - `allow-rules-dropped`: some ALLOW rules never match any more, so less is allowed.
 * - `deny-all`: no ALLOW rule survives: the selected workloads deny everything this policy used to allow.
 * - `deny-broadened`: some DENY rule lost an L7 condition but kept L4 ones, so it denies more.
 * - `deny-rules-dropped`: some DENY rules (or some of their alternatives) never match any more, so less is denied.
 * - `deny-fails-open`: no DENY rule can match any more: the policy has no effect.
 * - `not-enforced`: ztunnel rejects the action (CUSTOM, AUDIT): nothing enforces it.
 */
export type AmbientEffect =
  | 'unchanged'
  | 'allow-rules-dropped'
  | 'deny-all'
  | 'deny-broadened'
  | 'deny-rules-dropped'
  | 'deny-fails-open'
  | 'not-enforced';

/**
 * What happens to one rule: `dropped` never matches; `broadened` lost an L7 condition ANDed with L4 ones in
 * the same entry; `narrowed` lost L7-only alternatives of an OR list; both at once is `broadened-and-narrowed`.
 */
export type RuleEffect = 'dropped' | 'broadened' | 'narrowed' | 'broadened-and-narrowed';

export interface PolicyLayerAnalysis {
  /** Field paths that ztunnel cannot enforce, e.g. "spec.rules[0].to[0].operation.methods", "spec.rules[1].when[0].key=request.headers[x-user]", "spec.action=CUSTOM", "spec.targetRefs". */
  l7Fields: string[];
  /** Fields ztunnel neither converts nor flags (trustDomains, notTrustDomains, unknown fields): need review. */
  reviewFields: string[];
  /** L4 ⇔ ALLOW/DENY, no L7 field, no targetRefs (reference §3.6.1): exactly when l7Fields is empty. */
  layer: 'L4' | 'L7';
  attachment: PolicyAttachment;
  action: PolicyAction;
  /** istio.io/dry-run: enforced in neither mode; ambientEffect then says what would happen without the annotation. */
  dryRun: boolean;
  /** What ztunnel will do with this policy once its workloads lose their sidecars (`unchanged` for targetRefs policies). */
  ambientEffect: AmbientEffect;
  /** Indices of the rules that L7 removal changes (dropped, broadened or narrowed); every rule for CUSTOM/AUDIT. */
  droppedRules: number[];
  /** The same rules with what happens to each, for messages. */
  ruleEffects: Array<{rule: number; effect: RuleEffect}>;
}

const L4_SOURCE = ['principals', 'notPrincipals', 'namespaces', 'notNamespaces', 'serviceAccounts', 'notServiceAccounts', 'ipBlocks', 'notIpBlocks'];
const L7_SOURCE = HTTP_SOURCE_FIELDS;
const L4_OPERATION = ['ports', 'notPorts'];
const L7_OPERATION = HTTP_OPERATION_FIELDS;
/* Every `when` key outside L4_WHEN_KEYS (request.*, remote.ip, connection.sni, source.serviceAccount, ...) needs a waypoint. */

/** One entry of a clause (a source, an operation, or a when condition) after the L7 parts are removed. */
interface Entry {
  l4: boolean;
  l7: boolean;
}

interface RuleScan {
  l7: string[];
  review: string[];
  clauses: Entry[][];
}

export function analyzeAuthorizationPolicy(policy: KubeObject, rootNamespace = 'istio-system'): PolicyLayerAnalysis {
  const spec = policy.spec ?? {};
  const action = (spec.action ?? 'ALLOW') as PolicyAction;
  const attachment = attachmentOf(policy, rootNamespace);
  const rules: any[] = Array.isArray(spec.rules) ? spec.rules : [];
  const scans = rules.map((rule, i) => scanRule(rule ?? {}, `spec.rules[${i}]`));

  const l7Fields: string[] = [];
  if (attachment === 'targetRefs') l7Fields.push(spec.targetRefs ? 'spec.targetRefs' : 'spec.targetRef');
  if (action === 'CUSTOM' || action === 'AUDIT') l7Fields.push(`spec.action=${action}`);
  l7Fields.push(...scans.flatMap(s => s.l7));

  const ruleEffects = attachment === 'targetRefs' ? [] : effectsOf(action, scans);
  return {
    l7Fields,
    reviewFields: scans.flatMap(s => s.review),
    layer: l7Fields.length > 0 ? 'L7' : 'L4',
    attachment,
    action,
    dryRun: parseBool(policy.metadata.annotations?.['istio.io/dry-run']),
    ambientEffect: attachment === 'targetRefs' ? 'unchanged' : policyEffect(action, rules.length, ruleEffects),
    droppedRules: ruleEffects.map(e => e.rule),
    ruleEffects,
  };
}

/** Attached with targetRefs (or the older targetRef) rather than selecting pods. */
export function hasTargetRefs(spec: {targetRef?: unknown; targetRefs?: unknown} | undefined): boolean {
  return targetRefsOf(spec).length > 0;
}

/** Where a policy applies: attached by targetRefs, selected pods, its namespace, or the whole mesh. */
export function attachmentOf(policy: KubeObject, rootNamespace: string): PolicyAttachment {
  const spec = policy.spec ?? {};
  if (hasTargetRefs(spec)) return 'targetRefs';
  if (Object.keys(spec.selector?.matchLabels ?? {}).length > 0) return 'selector';
  return policy.metadata.namespace === rootNamespace ? 'root-namespace' : 'namespace';
}

function scanRule(rule: any, path: string): RuleScan {
  const scan: RuleScan = {l7: [], review: [], clauses: []};
  const lists: Array<[string, string, readonly string[], readonly string[]]> = [
    ['from', 'source', L4_SOURCE, L7_SOURCE],
    ['to', 'operation', L4_OPERATION, L7_OPERATION],
  ];
  for (const [list, inner, l4Names, l7Names] of lists) {
    const entries: any[] = Array.isArray(rule[list]) ? rule[list] : [];
    if (entries.length === 0) continue;
    scan.clauses.push(
      entries.map((entry, n) => {
        const fields = entry?.[inner] ?? {};
        const at = `${path}.${list}[${n}].${inner}`;
        const set = Object.keys(fields).filter(k => isSet(fields[k]));
        const l7 = set.filter(k => l7Names.includes(k));
        scan.l7.push(...l7.map(k => `${at}.${k}`));
        scan.review.push(...set.filter(k => !l4Names.includes(k) && !l7Names.includes(k)).map(k => `${at}.${k}`));
        return {l4: set.some(k => l4Names.includes(k)), l7: l7.length > 0};
      }),
    );
  }
  const conditions: any[] = Array.isArray(rule.when) ? rule.when : [];
  conditions.forEach((condition, n) => {
    const key = String(condition?.key ?? '');
    const l4 = L4_WHEN_KEYS.has(key);
    if (!l4) scan.l7.push(`${path}.when[${n}].key=${key}`);
    scan.clauses.push([{l4, l7: !l4}]);
  });
  return scan;
}

function effectsOf(action: PolicyAction, scans: RuleScan[]): Array<{rule: number; effect: RuleEffect}> {
  const out: Array<{rule: number; effect: RuleEffect}> = [];
  for (const [rule, scan] of scans.entries()) {
    const effect = ruleEffect(action, scan);
    if (effect) out.push({rule, effect});
  }
  return out;
}

function ruleEffect(action: PolicyAction, scan: RuleScan): RuleEffect | undefined {
  if (action === 'CUSTOM' || action === 'AUDIT') return 'dropped';
  if (scan.l7.length === 0) return undefined;
  // istiod drops a whole ALLOW rule as soon as it has one HTTP attribute (golden allow-groups).
  if (action === 'ALLOW') return 'dropped';
  // DENY keeps the rule minus its HTTP attributes (golden deny-groups); a clause whose entries all lost
  // every L4 field is only empty matches, which ztunnel skips, so the whole AND can no longer match.
  if (scan.clauses.some(clause => clause.every(e => !e.l4))) return 'dropped';
  const entries = scan.clauses.flat();
  const broadened = entries.some(e => e.l4 && e.l7);
  const narrowed = entries.some(e => !e.l4 && e.l7);
  if (broadened && narrowed) return 'broadened-and-narrowed';
  return broadened ? 'broadened' : 'narrowed';
}

function policyEffect(action: PolicyAction, ruleCount: number, effects: Array<{effect: RuleEffect}>): AmbientEffect {
  if (action === 'CUSTOM' || action === 'AUDIT') return 'not-enforced';
  // No rules: an ALLOW denies everything and a DENY matches nothing, in sidecar and ambient mode alike.
  if (effects.length === 0) return 'unchanged';
  const dropped = effects.filter(e => e.effect === 'dropped').length;
  if (action === 'ALLOW') return dropped === ruleCount ? 'deny-all' : 'allow-rules-dropped';
  if (dropped === ruleCount) return 'deny-fails-open';
  return effects.some(e => e.effect.startsWith('broadened')) ? 'deny-broadened' : 'deny-rules-dropped';
}

/** An empty list is the same as an absent one for istiod. */
function isSet(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  return value !== undefined && value !== null && value !== '';
}


/**
 * Whether the root namespace holds a policy for every waypoint (targetRefs GatewayClass istio-waypoint):
 * only such a policy lets waypoints enforce what a mesh-wide policy says, since a waypoint ignores
 * policies without targetRefs.
 */
export function hasWaypointClassPolicy(rootPolicies: KubeObject[]): boolean {
  return rootPolicies.some(p => (p.spec?.targetRefs ?? []).some((r: {kind?: string; name?: string}) => r?.kind === 'GatewayClass' && r?.name === 'istio-waypoint'));
}
