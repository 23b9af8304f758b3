import type {KubeObject} from '../../kube/client.ts';
import {analyzeVirtualService} from '../routes/translatability.ts';
import {fullRegexMatch} from '../routes/regex.ts';
import {isObject, type Problems} from './problems.ts';

/**
 * Rule order. A VirtualService takes the first match in list order (each match of a rule is its own Envoy
 * route, in order); an HTTPRoute sorts matches by precedence. The converter only emits a route when the
 * sort cannot change which match wins:
 *
 * 1. A match that an earlier match with a different outcome fully covers never wins in the VirtualService.
 *    It is left out (with a warning): otherwise HTTPRoute precedence could let it win.
 * 2. What remains is checked with analyzeVirtualService's precedence check on an expanded copy of the
 *    VirtualService, one match per rule, where the matches of a rule whose path rewrite depends on the
 *    matched prefix count as different outcomes (the converter splits those into one HTTPRoute rule per
 *    prefix match). Any conflict left is untranslatable: HTTPRoute has no negative match to repair it.
 */

export interface RuleSelection {
  /** Indexes into the rule's `match` list that stay; null when the rule has no match list (catch-all). */
  matches: number[] | null;
  /** Every match (or the catch-all itself) was unreachable. */
  dropped: boolean;
}

interface Entry {
  rule: number;
  match: number | null;
  m: any;
  action: string;
}

/** Does this rule's path rewrite depend on which prefix matched (so that one rule becomes several)? */
export function rewritesMatchedPrefix(rule: any): boolean {
  const uri = rule?.rewrite?.uri;
  const prefix = rule?.redirect?.prefixRewrite;
  return (typeof uri === 'string' && uri !== '') || (typeof prefix === 'string' && prefix !== '');
}

export function selectRules(vs: KubeObject, problems: Problems): RuleSelection[] {
  const http: any[] = Array.isArray(vs.spec?.http) ? vs.spec.http : [];
  const entries: Entry[] = http.flatMap((rule, i): Entry[] => {
    const {match, name: _name, ...rest} = isObject(rule) ? rule : ({} as Record<string, any>);
    const action = JSON.stringify(rest);
    if (!Array.isArray(match) || match.length === 0) return [{rule: i, match: null, m: undefined, action}];
    const split = rewritesMatchedPrefix(rule);
    return match.map((m: any, k: number) => ({rule: i, match: k, m, action: split ? `${action}#${pathKind(m) === 'prefix' ? `prefix${k}` : 'full'}` : action}));
  });

  const live = entries.filter((later, n) => {
    const earlier = entries.slice(0, n).find(e => e.action !== later.action && covers(e.m, later.m));
    if (earlier) {
      problems.warn(
        pathOf(later),
        `The VirtualService never reaches this match: the earlier ${pathOf(earlier)} takes every request it would match. It is left out of the HTTPRoute, where precedence could let it win.`,
      );
    }
    return !earlier;
  });

  const expanded: KubeObject = {
    ...vs,
    spec: {...vs.spec, http: live.map(e => ({...without(http[e.rule], ['match', 'name']), ...(e.m === undefined ? {} : {match: [e.m]}), __outcome: e.action}))},
  };
  const original = (e: number) => pathOf(live[e]!);
  const rename = (text: string) => text.replace(/spec\.http\[(\d+)\](?:\.match\[0\])?/g, (_, e: string) => original(Number(e)));
  for (const w of analyzeVirtualService(expanded).semanticWarnings) {
    const at = /^spec\.http\[(\d+)\](?:\.match\[0\])?$/.exec(w.path);
    if (at) problems.untranslatableAt(original(Number(at[1])), rename(w.reason));
  }

  return http.map((rule, i) => {
    const mine = live.filter(e => e.rule === i);
    const hasMatches = Array.isArray(rule?.match) && rule.match.length > 0;
    return {matches: hasMatches ? mine.map(e => e.match!) : null, dropped: mine.length === 0};
  });
}

/** Precedence warnings of analyzeVirtualService sit on a rule or on one of its matches, nothing deeper. */
export const isPrecedencePath = (path: string) => /^spec\.http\[\d+\](?:\.match\[\d+\])?$/.test(path);

function pathOf(e: Entry): string {
  return e.match === null ? `spec.http[${e.rule}]` : `spec.http[${e.rule}].match[${e.match}]`;
}

function without(o: unknown, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(isObject(o) ? o : {}).filter(([k]) => !keys.includes(k)));
}

export function pathKind(m: any): 'exact' | 'regex' | 'prefix' {
  if (typeof m?.uri?.exact === 'string') return 'exact';
  if (typeof m?.uri?.prefix === 'string' && m.uri.prefix !== '') return 'prefix';
  if (typeof m?.uri?.regex === 'string') return 'regex';
  return 'prefix';
}

// --- "a covers b": every request b matches, a matches too ------------------------------------------------

const PLAIN_FIELDS = ['uri', 'headers', 'queryParams', 'method', 'name', 'statPrefix'];

function covers(a: any, b: any): boolean {
  const A = isObject(a) ? a : {};
  const B = isObject(b) ? b : {};
  // Conditions the converter does not model can only be judged "not covering" (those make the VirtualService
  // untranslatable anyway); ignoreUriCase on b widens b, so it is not covered either.
  if (Object.keys(A).some(k => !PLAIN_FIELDS.includes(k)) || B.ignoreUriCase) return false;
  if (!pathCovers(A.uri, B.uri)) return false;
  if (A.method !== undefined && !(typeof A.method?.exact === 'string' && A.method.exact === B.method?.exact)) return false;
  return mapCovers(lowerKeys(A.headers), lowerKeys(B.headers)) && mapCovers(A.queryParams, B.queryParams);
}

function pathCovers(a: any, b: any): boolean {
  const [ak, bk] = [pathKind({uri: a}), pathKind({uri: b})];
  const bValue = bk === 'exact' ? b.exact : bk === 'regex' ? b.regex : typeof b?.prefix === 'string' && b.prefix !== '' ? b.prefix : '/';
  if (ak === 'prefix') {
    const prefix = typeof a?.prefix === 'string' && a.prefix !== '' ? a.prefix : '/';
    return bk !== 'regex' && bValue.startsWith(prefix);
  }
  if (ak === 'exact') return bk === 'exact' && bValue === a.exact;
  return (bk === 'regex' && bValue === a.regex) || (bk === 'exact' && fullMatch(a.regex, bValue));
}

function mapCovers(a: unknown, b: unknown): boolean {
  const am = isObject(a) ? a : {};
  const bm = isObject(b) ? b : {};
  return Object.entries(am).every(([name, sm]) => {
    const other = bm[name];
    if (!isObject(other)) return false;
    const value = typeof other.exact === 'string' ? other.exact : undefined;
    if (typeof sm?.exact === 'string') return value === sm.exact;
    if (typeof sm?.prefix === 'string') return (value ?? (typeof other.prefix === 'string' ? other.prefix : undefined))?.startsWith(sm.prefix) ?? false;
    if (typeof sm?.regex === 'string') return other.regex === sm.regex || (value !== undefined && fullMatch(sm.regex, value));
    return true;
  });
}

function lowerKeys(o: unknown): Record<string, any> {
  return Object.fromEntries(Object.entries(isObject(o) ? o : {}).map(([k, v]) => [k.toLowerCase(), v]));
}

/** RE2 whole-string match, approximated with a JavaScript RegExp; unparsable means "unknown", so false. */
function fullMatch(regex: string, value: string): boolean {
  return fullRegexMatch(regex, value) ?? false;
}
