import type {KubeObject} from '../../kube/client.ts';
import {parseGatewayDuration} from './durations.ts';

/**
 * The validation rules the Gateway API v1.6.1 standard CRD states for HTTPRoute v1 in CEL
 * (`x-kubernetes-validations` in fixtures/crds/gateway-api/gateway.networking.k8s.io_httproutes.yaml), which
 * the structural schema validator (source/sim/schema-validation.ts) does not evaluate, plus the `maxItems`
 * limits a generated route can hit, so that domain code can check a route without the CRD file.
 *
 * As the apiserver does, the rules are evaluated on the route after structural defaulting (a match without
 * a path is PathPrefix "/", a rule without matches has that one match, a backendRef's group is "" and its
 * kind Service...), which is what lets ReplacePrefixMatch pass on a rule whose match has no path.
 *
 * Implemented (spec, v1): both parentRefs sectionName rules; at most 128 matches in total (the rule is
 * `<= 128` though its message says "less than 128": the apiserver evaluates the rule); RequestRedirect not
 * with backendRefs; the four "exactly one PathPrefix match with ReplacePrefixMatch" rules (URLRewrite and
 * RequestRedirect, rule filters and backendRef filters); Service backendRefs need a port (rule backendRefs and
 * mirror backendRefs); RequestRedirect not with URLRewrite and no repeated CORS / RequestHeaderModifier /
 * ResponseHeaderModifier / RequestRedirect / URLRewrite filter (rule and backendRef filter lists); each
 * filter's field present exactly for its type; `*` alone in CORS allowOrigins / allowMethods / allowHeaders;
 * mirror percent xor fraction, numerator <= denominator; path modifier type agrees with its field; the
 * Exact/PathPrefix path value rules (leading "/", no "//", "/./", "/../", "%2f", "%2F", "#", no trailing
 * "/." or "/..", allowed characters) and the path type enum; backendRequest timeout <= request timeout.
 * Skipped: nothing in `spec`; `status` rules are written by controllers, not by us; v1beta1 carries the
 * same rules. Enum, pattern and length constraints are the structural schema's job (compileSchema).
 */

export interface RouteProblem {
  /** e.g. "spec.rules[0].filters" */
  path: string;
  message: string;
}

const LIMITS = {parentRefs: 32, hostnames: 16, rules: 16, matchesPerRule: 64, matchesTotal: 128, backendRefs: 16, filters: 16, headerMatches: 16, queryParams: 16, headerModifier: 16};
const FILTER_FIELDS: Record<string, string> = {
  CORS: 'cors',
  RequestHeaderModifier: 'requestHeaderModifier',
  ResponseHeaderModifier: 'responseHeaderModifier',
  RequestMirror: 'requestMirror',
  RequestRedirect: 'requestRedirect',
  URLRewrite: 'urlRewrite',
  ExtensionRef: 'extensionRef',
};
const NOT_REPEATED = ['CORS', 'RequestHeaderModifier', 'ResponseHeaderModifier', 'RequestRedirect', 'URLRewrite'];
const PATH_CHARS = /^(?:[-A-Za-z0-9/._~!$&'()*+,;=:@]|[%][0-9a-fA-F]{2})+$/;

/** The CEL rules on an Exact/PathPrefix value, in the CRD's order; the first one broken, or undefined. */
export function pathValueProblem(value: string): string | undefined {
  const scope = "when type one of ['Exact', 'PathPrefix']";
  if (!value.startsWith('/')) return `value must be an absolute path and start with '/' ${scope}`;
  for (const bad of ['//', '/./', '/../', '%2f', '%2F', '#']) if (value.includes(bad)) return `must not contain '${bad}' ${scope}`;
  for (const end of ['/..', '/.']) if (value.endsWith(end)) return `must not end with '${end}' ${scope}`;
  if (!PATH_CHARS.test(value)) return `must only contain valid characters (matching ${PATH_CHARS.source}) for types ['Exact', 'PathPrefix']`;
  return undefined;
}

export function checkHttpRoute(route: KubeObject): RouteProblem[] {
  const spec = withDefaults(route.spec ?? {});
  const problems: RouteProblem[] = [];
  const report = (path: string, message: string) => problems.push({path, message});
  const limit = (list: unknown, max: number, path: string) => {
    if (Array.isArray(list) && list.length > max) report(path, `Too many: ${list.length}: must have at most ${max} items`);
  };

  limit(spec.parentRefs, LIMITS.parentRefs, 'spec.parentRefs');
  limit(spec.hostnames, LIMITS.hostnames, 'spec.hostnames');
  checkParentRefs(spec.parentRefs ?? [], report);

  const rules: any[] = spec.rules;
  limit(rules, LIMITS.rules, 'spec.rules');
  // The CEL sums the first 16 rules only; more rules are already refused by maxItems.
  const total = rules.slice(0, LIMITS.rules).reduce((n, r) => n + r.matches.length, 0);
  if (total > LIMITS.matchesTotal) {
    report('spec.rules', 'While 16 rules and 64 matches per rule are allowed, the total number of matches across all rules in a route must be less than 128');
  }
  rules.forEach((rule, i) => checkRule(rule, `spec.rules[${i}]`, report, limit));
  return problems;
}

type Report = (path: string, message: string) => void;
type Limit = (list: unknown, max: number, path: string) => void;

function checkParentRefs(refs: any[], report: Report): void {
  const ns = (p: any) => p.namespace ?? '';
  const section = (p: any) => p.sectionName ?? '';
  const sameParent = (a: any, b: any) => a.group === b.group && a.kind === b.kind && a.name === b.name && ns(a) === ns(b);
  if (!refs.every(a => refs.every(b => !sameParent(a, b) || (section(a) === '') === (section(b) === '')))) {
    report('spec.parentRefs', 'sectionName must be specified when parentRefs includes 2 or more references to the same parent');
  }
  if (!refs.every(a => refs.filter(b => sameParent(a, b) && section(a) === section(b)).length === 1)) {
    report('spec.parentRefs', 'sectionName must be unique when parentRefs includes 2 or more references to the same parent');
  }
}

function checkRule(rule: any, p: string, report: Report, limit: Limit): void {
  const backendRefs: any[] = rule.backendRefs ?? [];
  const filters: any[] = rule.filters ?? [];
  limit(rule.matches, LIMITS.matchesPerRule, `${p}.matches`);
  limit(rule.backendRefs, LIMITS.backendRefs, `${p}.backendRefs`);
  limit(rule.filters, LIMITS.filters, `${p}.filters`);

  if (backendRefs.length > 0 && filters.some(f => f.requestRedirect !== undefined)) report(p, 'RequestRedirect filter must not be used together with backendRefs');
  const onePrefix = rule.matches.length === 1 && rule.matches[0].path?.type === 'PathPrefix';
  const replacesPrefix = (list: any[], field: string) => list.filter(f => f[field]?.path?.type === 'ReplacePrefixMatch' && f[field].path.replacePrefixMatch !== undefined).length === 1;
  if (replacesPrefix(filters, 'requestRedirect') && !onePrefix) report(p, 'When using RequestRedirect filter with path.replacePrefixMatch, exactly one PathPrefix match must be specified');
  if (replacesPrefix(filters, 'urlRewrite') && !onePrefix) report(p, 'When using URLRewrite filter with path.replacePrefixMatch, exactly one PathPrefix match must be specified');
  if (backendRefs.filter(b => replacesPrefix(b.filters ?? [], 'requestRedirect')).length === 1 && !onePrefix) {
    report(p, 'Within backendRefs, when using RequestRedirect filter with path.replacePrefixMatch, exactly one PathPrefix match must be specified');
  }
  if (backendRefs.filter(b => replacesPrefix(b.filters ?? [], 'urlRewrite')).length === 1 && !onePrefix) {
    report(p, 'Within backendRefs, When using URLRewrite filter with path.replacePrefixMatch, exactly one PathPrefix match must be specified');
  }

  rule.matches.forEach((m: any, k: number) => {
    limit(m.headers, LIMITS.headerMatches, `${p}.matches[${k}].headers`);
    limit(m.queryParams, LIMITS.queryParams, `${p}.matches[${k}].queryParams`);
    checkPathMatch(m.path, `${p}.matches[${k}].path`, report);
  });
  backendRefs.forEach((b, j) => {
    checkBackendRef(b, `${p}.backendRefs[${j}]`, report);
    limit(b.filters, LIMITS.filters, `${p}.backendRefs[${j}].filters`);
    checkFilters(b.filters ?? [], `${p}.backendRefs[${j}].filters`, report, limit);
  });
  checkFilters(filters, `${p}.filters`, report, limit);
  checkTimeouts(rule.timeouts, `${p}.timeouts`, report);
}

function checkPathMatch(path: any, p: string, report: Report): void {
  if (!['Exact', 'PathPrefix', 'RegularExpression'].includes(path.type)) return report(p, "type must be one of ['Exact', 'PathPrefix', 'RegularExpression']");
  if (path.type === 'RegularExpression' || typeof path.value !== 'string') return;
  const problem = pathValueProblem(path.value);
  if (problem) report(p, problem);
}

function checkBackendRef(ref: any, p: string, report: Report): void {
  if (ref.group === '' && ref.kind === 'Service' && ref.port === undefined) report(p, 'Must have port for Service reference');
}

function checkFilters(filters: any[], p: string, report: Report, limit: Limit): void {
  const count = (type: string) => filters.filter(f => f.type === type).length;
  if (count('RequestRedirect') > 0 && count('URLRewrite') > 0) report(p, 'May specify either httpRouteFilterRequestRedirect or httpRouteFilterRequestRewrite, but not both');
  for (const type of NOT_REPEATED) if (count(type) > 1) report(p, `${type} filter cannot be repeated`);
  filters.forEach((f, i) => checkFilter(f, `${p}[${i}]`, report, limit));
}

function checkFilter(f: any, p: string, report: Report, limit: Limit): void {
  for (const [type, field] of Object.entries(FILTER_FIELDS)) {
    if (f[field] !== undefined && f.type !== type) report(p, `filter.${field} must be nil if the filter.type is not ${type}`);
    if (f[field] === undefined && f.type === type) report(p, `filter.${field} must be specified for ${type} filter.type`);
  }
  for (const field of ['requestHeaderModifier', 'responseHeaderModifier']) {
    for (const list of ['set', 'add', 'remove']) limit(f[field]?.[list], LIMITS.headerModifier, `${p}.${field}.${list}`);
  }
  const cors = f.cors;
  if (cors) {
    const alone = [
      ['allowHeaders', "AllowHeaders cannot contain '*' alongside other methods"],
      ['allowMethods', "AllowMethods cannot contain '*' alongside other methods"],
      ['allowOrigins', "AllowOrigins cannot contain '*' alongside other origins"],
    ];
    for (const [field, message] of alone) {
      const list = cors[field!];
      if (Array.isArray(list) && list.includes('*') && list.length > 1) report(`${p}.cors.${field}`, message!);
    }
  }
  const mirror = f.requestMirror;
  if (mirror) {
    if (mirror.percent !== undefined && mirror.fraction !== undefined) report(`${p}.requestMirror`, 'Only one of percent or fraction may be specified in HTTPRequestMirrorFilter');
    if (mirror.backendRef) checkBackendRef(mirror.backendRef, `${p}.requestMirror.backendRef`, report);
    if (mirror.fraction && mirror.fraction.numerator > mirror.fraction.denominator) report(`${p}.requestMirror.fraction`, 'numerator must be less than or equal to denominator');
  }
  for (const field of ['requestRedirect', 'urlRewrite']) {
    const path = f[field]?.path;
    if (!path) continue;
    const at = `${p}.${field}.path`;
    if (path.type === 'ReplaceFullPath' && path.replaceFullPath === undefined) report(at, "replaceFullPath must be specified when type is set to 'ReplaceFullPath'");
    if (path.replaceFullPath !== undefined && path.type !== 'ReplaceFullPath') report(at, "type must be 'ReplaceFullPath' when replaceFullPath is set");
    if (path.type === 'ReplacePrefixMatch' && path.replacePrefixMatch === undefined) report(at, "replacePrefixMatch must be specified when type is set to 'ReplacePrefixMatch'");
    if (path.replacePrefixMatch !== undefined && path.type !== 'ReplacePrefixMatch') report(at, "type must be 'ReplacePrefixMatch' when replacePrefixMatch is set");
  }
}

function checkTimeouts(timeouts: any, p: string, report: Report): void {
  if (!timeouts || timeouts.request === undefined || timeouts.backendRequest === undefined) return;
  const request = parseGatewayDuration(timeouts.request);
  const backend = parseGatewayDuration(timeouts.backendRequest);
  if (request !== undefined && backend !== undefined && request !== 0 && backend > request) report(p, 'backendRequest timeout cannot be longer than request timeout');
}

// --- Structural defaults the rules depend on (the CRD's `default:` values) -----------------------------------

const DEFAULT_PATH = () => ({type: 'PathPrefix', value: '/'});

function withDefaults(spec: any): any {
  const out = structuredClone(spec);
  out.parentRefs = (out.parentRefs ?? []).map((r: any) => ({group: 'gateway.networking.k8s.io', kind: 'Gateway', ...r}));
  if (!Array.isArray(out.rules)) out.rules = [{matches: [{path: DEFAULT_PATH()}]}];
  for (const rule of out.rules) {
    if (!Array.isArray(rule.matches)) rule.matches = [{path: DEFAULT_PATH()}];
    for (const m of rule.matches) m.path = m.path === undefined ? DEFAULT_PATH() : {type: 'PathPrefix', value: '/', ...m.path};
    rule.backendRefs = rule.backendRefs?.map((b: any) => ({group: '', kind: 'Service', weight: 1, ...b, filters: b.filters?.map(defaultFilter)}));
    rule.filters = rule.filters?.map(defaultFilter);
  }
  return out;
}

function defaultFilter(f: any): any {
  const mirror = f.requestMirror;
  if (!mirror) return f;
  return {
    ...f,
    requestMirror: {
      ...mirror,
      ...(mirror.backendRef ? {backendRef: {group: '', kind: 'Service', ...mirror.backendRef}} : {}),
      ...(mirror.fraction ? {fraction: {denominator: 100, ...mirror.fraction}} : {}),
    },
  };
}
