import type {KubeObject} from '../../kube/client.ts';
import {analyzeVirtualService} from '../routes/translatability.ts';
import {ServiceRefs, type ParentRef, type ServiceLookup, type SubsetUse} from './backends.ts';
import {corsFilter, headerFilters, mirrorFilters, redirectFilter, requestTimeout, rewriteFilter} from './filters.ts';
import {checkHttpRoute} from './httproute-rules.ts';
import {CONVERTED_FROM, MANAGED_BY_LABEL, MANAGER} from './metadata.ts';
import {convertMatch, type PathKind} from './matches.ts';
import {isPrecedencePath, rewritesMatchedPrefix, selectRules} from './ordering.ts';
import {Problems, isObject, type Finding} from './problems.ts';

/**
 * A mesh VirtualService as GAMMA HTTPRoutes (Service parentRefs), field by field as in reference §3.1, or
 * nothing at all: when any field cannot be carried with the same meaning the result has no routes and says
 * why. Ground truth: Istio's Bookinfo samples in both forms (test/core/convert-bookinfo.test.ts).
 */

export type {ServiceLookup} from './backends.ts';

export interface RouteConversion {
  source: {namespace: string; name: string};
  /** HTTPRoutes to create, in this order (usually one, named like the VirtualService; several only if limits force a split). Empty when the VS cannot be converted faithfully. */
  routes: KubeObject[];
  /** Version Services the routes use: host Service + subset. */
  subsets: SubsetUse[];
  untranslatable: Finding[];
  /** Meaning changes the user must acknowledge. */
  warnings: Finding[];
}

const RULE_FIELDS = new Set([
  'name', 'match', 'route', 'redirect', 'directResponse', 'delegate', 'rewrite', 'timeout', 'retries', 'fault',
  'mirror', 'mirrorPercent', 'mirror_percent', 'mirrorPercentage', 'mirrors', 'corsPolicy', 'headers',
]);
const SPEC_FIELDS = new Set(['hosts', 'gateways', 'http', 'tcp', 'tls', 'exportTo']);
const RULE_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const MAX_RULES = 16;
const MAX_MATCHES_PER_RULE = 64;
const MAX_MATCHES = 128;

/** One generated HTTPRoute rule and the VirtualService rule it comes from. */
interface GeneratedRule {
  origin: number;
  rule: Record<string, unknown>;
}

export function convertVirtualService(vs: KubeObject, services: ServiceLookup): RouteConversion {
  const namespace = vs.metadata.namespace ?? 'default';
  const result: RouteConversion = {source: {namespace, name: vs.metadata.name}, routes: [], subsets: [], untranslatable: [], warnings: []};
  const analysis = analyzeVirtualService(vs);
  // Bound only to Istio Gateways: the VirtualService keeps working there as it is.
  if (!analysis.mesh) return result;

  const problems = new Problems();
  analysis.untranslatable.forEach(f => problems.untranslatableAt(f.path, f.reason));
  analysis.semanticWarnings.filter(w => !resolvedHere(w.path)).forEach(w => problems.warn(w.path, w.reason));
  const spec = isObject(vs.spec) ? vs.spec : {};
  for (const field of Object.keys(spec)) if (!SPEC_FIELDS.has(field)) problems.untranslatableAt(`spec.${field}`, 'This field is unknown to the converter, so it cannot be carried over.');
  // Bound to Istio Gateways as well: only its mesh routes are converted. The plan keeps the VirtualService
  // for those gateways, with `mesh` dropped from spec.gateways (source/core/plan/planner.ts).

  const refs = new ServiceRefs(namespace, services, problems);
  const parentRefs = uniqueParents((Array.isArray(spec.hosts) ? spec.hosts : []).map((h: unknown, i: number) => refs.parent(h, `spec.hosts[${i}]`)));
  const http: any[] = Array.isArray(spec.http) ? spec.http : [];
  const selection = selectRules(vs, problems);
  const generated = http.flatMap((rule, i) => (selection[i]!.dropped ? [] : convertRule(isObject(rule) ? rule : {}, i, selection[i]!.matches, parentRefs, refs, problems)));
  nameRules(http, generated);

  const packed = packRules(generated);
  const routes = packed.map((rules, n) => httpRoute(vs, namespace, routeName(vs.metadata.name, n, packed.length), parentRefs, rules));
  // The last guard (CEL rules and limits a split cannot fix), run on routes that would otherwise be emitted.
  if (problems.untranslatable.length === 0) {
    routes.forEach((route, n) => {
      for (const problem of checkHttpRoute(route)) {
        const at = /^spec\.rules\[(\d+)\]/.exec(problem.path);
        const origin = at ? packed[n]![Number(at[1])]!.origin : undefined;
        problems.untranslatableAt(origin === undefined ? 'spec' : `spec.http[${origin}]`, `The HTTPRoute would be refused: ${problem.message} (${problem.path}).`);
      }
    });
  }

  result.untranslatable = dedupe(problems.untranslatable);
  result.warnings = dedupe(problems.warnings);
  if (result.untranslatable.length === 0 && http.length > 0) {
    result.routes = routes;
    result.subsets = refs.subsets;
  }
  return result;
}

/**
 * Warnings of analyzeVirtualService this conversion settles: rule order (re-checked in ordering.ts),
 * header/query prefix and presence matches (written as the equivalent whole-value regex), a redirect
 * without code (301 is written out), a bare directResponse 500 (written as Istio's zero-weight rule) and
 * per-destination weights (written so that every backend gets what it got; see `backends`). What stays:
 * PathPrefix and ReplacePrefixMatch segment semantics, CORS preflights, and a split where no destination
 * has a positive weight (`.route`), whose VirtualService meaning Istio does not define.
 */
function resolvedHere(path: string): boolean {
  return (
    isPrecedencePath(path) ||
    /\.match\[\d+\]\.(headers|queryParams)\./.test(path) ||
    /\.redirect$/.test(path) ||
    /\.directResponse$/.test(path) ||
    /\.route\[\d+\](\.weight)?$/.test(path)
  );
}

function convertRule(rule: Record<string, any>, i: number, keep: number[] | null, parents: ParentRef[], refs: ServiceRefs, problems: Problems): GeneratedRule[] {
  const p = `spec.http[${i}]`;
  for (const field of Object.keys(rule)) if (!RULE_FIELDS.has(field)) problems.untranslatableAt(`${p}.${field}`, 'This field is unknown to the converter, so it cannot be carried over.');
  const matches = (keep ?? []).map(k => convertMatch(rule.match[k], `${p}.match[${k}]`, problems));

  const backendRefs = backends(rule, p, parents, refs, problems);
  const headers = headerFilters(rule.headers, `${p}.headers`, problems);
  const mirrors = mirrorFilters(rule, p, refs, problems);
  const cors = rule.corsPolicy !== undefined ? corsFilter(rule.corsPolicy, `${p}.corsPolicy`, problems) : undefined;
  const timeouts = requestTimeout(rule.timeout, `${p}.timeout`, problems);
  const pathFilter = (kind: PathKind) =>
    rule.redirect !== undefined ? redirectFilter(rule.redirect, kind, `${p}.redirect`, problems) : rewriteFilter(rule.rewrite, kind, `${p}.rewrite`, problems);

  const build = (group: Array<Record<string, unknown>> | undefined, kind: PathKind): GeneratedRule => {
    const filters = [...headers, pathFilter(kind), ...mirrors, cors].filter((f): f is Record<string, unknown> => f !== undefined);
    return {
      origin: i,
      rule: {
        ...(group ? {matches: group} : {}),
        ...(filters.length > 0 ? {filters} : {}),
        ...(backendRefs ? {backendRefs} : {}),
        ...(timeouts ? {timeouts} : {}),
      },
    };
  };

  if (!rewritesMatchedPrefix(rule)) {
    if (keep === null) return [build(undefined, 'prefix')];
    const chunks: GeneratedRule[] = [];
    for (let n = 0; n < matches.length; n += MAX_MATCHES_PER_RULE) chunks.push(build(matches.slice(n, n + MAX_MATCHES_PER_RULE).map(m => m.match), 'prefix'));
    return chunks;
  }
  // ReplacePrefixMatch needs exactly one PathPrefix match per rule: each prefix match gets a rule of its own,
  // the exact and regex matches (whole-path replacement) share one, placed where the first of them was.
  const PREFIX_ROOT = {type: 'PathPrefix', value: '/'};
  if (keep === null) return [build([{path: PREFIX_ROOT}], 'prefix')];
  const out: GeneratedRule[] = [];
  let full: GeneratedRule | undefined;
  for (const m of matches) {
    if (m.kind === 'prefix') out.push(build([{path: PREFIX_ROOT, ...m.match}], 'prefix'));
    else if (full) (full.rule.matches as unknown[]).push(m.match);
    else out.push((full = build([m.match], m.kind)));
  }
  return out;
}

/**
 * backendRefs from `route`. One destination takes all traffic whatever its weight (Istio ignores it), so
 * no weight is written, as in Istio's Bookinfo routes. With several, Istio sends a destination
 * weight/sum of the traffic and nothing when its weight is unset (0 in proto3), while an HTTPRoute
 * backendRef without weight weighs 1: so every weight is written, unset ones as 0 (Istio drops a weight-0
 * backendRef, as the weighted golden shows). A bare `directResponse: 500` is Istio's conversion of a rule
 * whose only backend weighs 0 (golden zero.yaml), so it is written that way.
 */
function backends(rule: Record<string, any>, p: string, parents: ParentRef[], refs: ServiceRefs, problems: Problems): Array<Record<string, unknown>> | undefined {
  // Istio takes one of route, redirect and directResponse; HTTPRoute cannot combine a redirect with backends or a rewrite.
  const actions = ['route', 'redirect', 'directResponse'].filter(f => rule[f] !== undefined);
  if (actions.length > 1) problems.untranslatableAt(p, `The rule has ${actions.join(' and ')}; Istio refuses that, and HTTPRoute cannot redirect and route in one rule.`);
  if (rule.redirect !== undefined && rule.rewrite !== undefined) problems.untranslatableAt(`${p}.rewrite`, 'A redirect with a rewrite has no HTTPRoute form: RequestRedirect and URLRewrite exclude each other.');
  if (rule.redirect !== undefined) return undefined;
  if (rule.directResponse !== undefined) {
    const zero = refs.zeroWeight(parents);
    if (zero) return [{...zero}];
    problems.untranslatableAt(`${p}.directResponse`, 'A bare 500 is written as a weight-0 backendRef, which needs a host Service with a port.');
    return undefined;
  }
  const route: any[] = Array.isArray(rule.route) ? rule.route : [];
  if (route.length === 0) {
    if (rule.delegate === undefined) problems.untranslatableAt(p, 'The rule has no route, redirect or directResponse.');
    return undefined;
  }
  const out: Array<Record<string, unknown>> = [];
  route.forEach((r, j) => {
    const at = `${p}.route[${j}]`;
    const ref = refs.backend(r?.destination, `${at}.destination`);
    if (!ref) return;
    const weight = typeof r?.weight === 'number' ? r.weight : 0;
    if (route.length > 1 && weight > 1_000_000) problems.untranslatableAt(`${at}.weight`, 'HTTPRoute weights go up to 1000000.');
    // The CRD schema takes any int32; istiod refuses a negative weight and so does the HTTPRoute CRD (minimum 0).
    if (route.length > 1 && weight < 0) problems.untranslatableAt(`${at}.weight`, 'A negative weight has no HTTPRoute form (weights are 0 to 1000000), and Istio refuses it.');
    const filters = headerFilters(r?.headers, `${at}.headers`, problems);
    out.push({...ref, ...(route.length > 1 ? {weight} : {}), ...(filters.length > 0 ? {filters} : {})});
  });
  return out;
}

/** Same host twice (short name and FQDN) would be the same parent twice, which the CRD refuses. */
function uniqueParents(refs: Array<ParentRef | undefined>): ParentRef[] {
  const out: ParentRef[] = [];
  for (const ref of refs) if (ref && !out.some(o => o.name === ref.name)) out.push(ref);
  return out;
}

/** A rule keeps its VirtualService name when it stays one HTTPRoute rule and the name is a valid, unique rule name. */
function nameRules(http: any[], generated: GeneratedRule[]): void {
  const names = http.map(r => (typeof r?.name === 'string' ? r.name : undefined));
  for (const g of generated) {
    const name = names[g.origin];
    const alone = generated.filter(o => o.origin === g.origin).length === 1;
    if (name && alone && name.length <= 253 && RULE_NAME.test(name) && names.filter(n => n === name).length === 1) g.rule = {name, ...g.rule};
  }
}

/** Rules in order, as few HTTPRoutes as the limits allow (≤16 rules, ≤128 matches; no matches counts 1). */
function packRules(rules: GeneratedRule[]): GeneratedRule[][] {
  const routes: GeneratedRule[][] = [];
  let current: GeneratedRule[] = [];
  let matches = 0;
  for (const g of rules) {
    const n = Array.isArray(g.rule.matches) ? g.rule.matches.length : 1;
    if (current.length > 0 && (current.length === MAX_RULES || matches + n > MAX_MATCHES)) {
      routes.push(current);
      current = [];
      matches = 0;
    }
    current.push(g);
    matches += n;
  }
  if (current.length > 0) routes.push(current);
  return routes;
}

/**
 * The first route keeps the VirtualService name; the others get -2, -3... zero-padded so that names sort
 * in rule order: Gateway API breaks precedence ties between routes by creation time, then by name.
 */
function routeName(base: string, n: number, count: number): string {
  if (n === 0) return base;
  return `${base}-${String(n + 1).padStart(String(count).length, '0')}`;
}

/** Split rules share filter objects; the clone keeps every route independent of the others. */
function httpRoute(vs: KubeObject, namespace: string, name: string, parentRefs: ParentRef[], rules: GeneratedRule[]): KubeObject {
  return structuredClone({
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: {
      name,
      namespace,
      labels: {[MANAGED_BY_LABEL]: MANAGER},
      annotations: {[CONVERTED_FROM]: `VirtualService/${namespace}/${vs.metadata.name}`},
    },
    spec: {parentRefs, rules: rules.map(g => g.rule)},
  });
}

function dedupe(list: Finding[]): Finding[] {
  const seen = new Set<string>();
  return list.filter(f => {
    const key = `${f.path}\n${f.reason}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
