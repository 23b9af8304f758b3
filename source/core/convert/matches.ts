import {pathValueProblem} from './httproute-rules.ts';
import {HEADER_NAME, escapeRegex, isObject, type Problems} from './problems.ts';

/**
 * One VirtualService `HTTPMatchRequest` as one HTTPRouteMatch. Fields with no HTTPRoute form are reported by
 * analyzeVirtualService (translatability.ts); this module reports only what it finds while writing values
 * the CRD would refuse, and fields it does not know (a newer Istio API), so nothing is dropped silently.
 */

/** How the match selects the path: decides between ReplaceFullPath and ReplacePrefixMatch for a rewrite. */
export type PathKind = 'exact' | 'regex' | 'prefix';

export interface ConvertedMatch {
  match: Record<string, unknown>;
  /** A match without uri (or with prefix "") is a prefix "/" match. */
  kind: PathKind;
}

/** Fields analyzeVirtualService already reports as untranslatable, or that carry no routing meaning. */
const HANDLED_ELSEWHERE = ['withoutHeaders', 'sourceLabels', 'sourceNamespace', 'gateways', 'port', 'ignoreUriCase', 'scheme', 'authority', 'name'];
const CONVERTED = ['uri', 'headers', 'queryParams', 'method', 'statPrefix'];

export function convertMatch(m: unknown, p: string, problems: Problems): ConvertedMatch {
  const src = isObject(m) ? m : {};
  for (const field of Object.keys(src)) {
    if (!CONVERTED.includes(field) && !HANDLED_ELSEWHERE.includes(field)) problems.untranslatableAt(`${p}.${field}`, 'This match field is unknown to the converter, so it cannot be carried over.');
  }
  if (src.statPrefix !== undefined) problems.warn(`${p}.statPrefix`, 'statPrefix only names statistics; HTTPRoute has no such field and it is left out.');

  const match: Record<string, unknown> = {};
  let kind: PathKind = 'prefix';
  const uri = isObject(src.uri) ? src.uri : {};
  if (typeof uri.exact === 'string') {
    kind = 'exact';
    match.path = gatewayPath('Exact', uri.exact, `${p}.uri.exact`, problems);
  } else if (typeof uri.prefix === 'string' && uri.prefix !== '') {
    match.path = gatewayPath('PathPrefix', uri.prefix, `${p}.uri.prefix`, problems);
  } else if (typeof uri.regex === 'string') {
    kind = 'regex';
    match.path = {type: 'RegularExpression', value: uri.regex};
  }

  const headers = stringMatches(src.headers, `${p}.headers`, problems);
  if (headers.length > 0) match.headers = headers;
  const query = stringMatches(src.queryParams, `${p}.queryParams`, problems);
  if (query.length > 0) match.queryParams = query;
  if (typeof src.method?.exact === 'string') match.method = src.method.exact;
  return {match, kind};
}

function gatewayPath(type: 'Exact' | 'PathPrefix', value: string, path: string, problems: Problems): {type: string; value: string} {
  const problem = pathValueProblem(value);
  if (problem) problems.untranslatableAt(path, `HTTPRoute refuses this ${type} path (${problem}); only a hand-written RegularExpression match could express it.`);
  return {type, value};
}

/**
 * A `map<string, StringMatch>` as an HTTPRoute header or query parameter list, sorted by name so that the
 * output does not depend on map order. Regex matches are whole-value RE2 matches on both sides (Envoy
 * safe_regex), so a prefix is exactly `^<escaped prefix>.*` and "present" is exactly `.*`.
 */
function stringMatches(map: unknown, p: string, problems: Problems): Array<{name: string; type: string; value: string}> {
  if (!isObject(map)) return [];
  return Object.keys(map)
    .sort()
    .flatMap(name => {
      const sm = isObject(map[name]) ? map[name] : {};
      const at = `${p}.${name}`;
      if (!HEADER_NAME.test(name)) {
        problems.untranslatableAt(at, 'HTTPRoute only matches names made of token characters (no pseudo-headers such as :authority).');
        return [];
      }
      if (typeof sm.exact === 'string') {
        if (sm.exact === '') {
          problems.untranslatableAt(`${at}.exact`, 'HTTPRoute match values need at least one character, so an empty exact value cannot be written.');
          return [];
        }
        return [{name, type: 'Exact', value: sm.exact}];
      }
      if (typeof sm.regex === 'string') {
        if (sm.regex === '') {
          problems.untranslatableAt(`${at}.regex`, 'HTTPRoute match values need at least one character, so an empty regex cannot be written.');
          return [];
        }
        return [{name, type: 'RegularExpression', value: sm.regex}];
      }
      if (typeof sm.prefix === 'string') return [{name, type: 'RegularExpression', value: `^${escapeRegex(sm.prefix)}.*`}];
      return [{name, type: 'RegularExpression', value: '.*'}];
    });
}
