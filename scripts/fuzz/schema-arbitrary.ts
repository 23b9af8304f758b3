/**
 * fast-check arbitraries derived from a CRD version's openAPIV3Schema: every declared field can appear,
 * with the types, enums, bounds, patterns and one-of exclusions the schema states. A `hint` can take over
 * any path (by its normalised form, `spec.http[].route[].destination.host`) to give values that mean
 * something in the generated cluster (Service hosts, pod labels, subset names) or odd ones on purpose.
 *
 * CEL rules (x-kubernetes-validations) are not followed, exactly as the simulator does not evaluate them.
 */
import fc from 'fast-check';

type Schema = Record<string, any>;
export type Hint = (path: string, schema: Schema) => fc.Arbitrary<unknown> | undefined;

export interface SchemaArbitraryOptions {
  hint?: Hint;
  /** Paths never generated (a narrower kind of object: a VirtualService that could convert). */
  omit?: (path: string) => boolean;
  /** The path of the schema's root (`spec` when generating a spec). */
  root?: string;
  /** Below this depth only required fields are generated. */
  maxDepth?: number;
  /** Expected number of optional fields per object (at the top; fewer deeper down). */
  fieldsPerObject?: number;
}

const ABSENT = Symbol('absent');

/** Strings nobody writes by hand, mixed with plain ones. */
export const oddString = (): fc.Arbitrary<string> =>
  fc.oneof(
    {weight: 6, arbitrary: fc.constantFrom('a', 'x-y', 'GET', '/', '/api', 'foo.bar', 'v1', '*', 'mesh', '1s', 'true')},
    {weight: 3, arbitrary: fc.string({maxLength: 12})},
    {weight: 2, arbitrary: fc.string({unit: 'grapheme', maxLength: 8})},
    {weight: 1, arbitrary: fc.constantFrom('', ' ', 'ünïcödé', '日本語', '🙂', 'a\nb', '\u0000', '..', '%2f', '\\', '${x}', 'Ⅻ')},
    // Legal in RE2 (linear time), exponential for a backtracking engine on the long run of a's.
    {weight: 1, arbitrary: fc.constantFrom('(a+)+b', '(a|aa)*c', 'a'.repeat(34), `/${'a'.repeat(34)}`)},
    {weight: 1, arbitrary: fc.string({minLength: 200, maxLength: 300})},
  );

const oddInteger = (min: number, max: number): fc.Arbitrary<number> => {
  const edges = [min, max, 0, 1, -1, 80, 443, 8080, 15008, 65535, 65536, 2 ** 31 - 1].filter(n => n >= min && n <= max);
  return fc.oneof({weight: 3, arbitrary: fc.integer({min, max})}, {weight: 2, arbitrary: fc.constantFrom(...(edges.length ? edges : [min]))});
};

export function schemaArbitrary(schema: Schema, options: SchemaArbitraryOptions = {}): fc.Arbitrary<unknown> {
  const maxDepth = options.maxDepth ?? 7;
  const perObject = options.fieldsPerObject ?? 3;
  const hint = options.hint ?? (() => undefined);
  const omit = options.omit ?? (() => false);

  const build = (s: Schema, path: string, depth: number): fc.Arbitrary<unknown> => {
    const hinted = hint(path, s);
    if (hinted) return hinted;
    if (s['x-kubernetes-int-or-string']) return fc.oneof(oddInteger(0, 65535), oddString());
    if (Array.isArray(s.enum) && s.enum.length > 0) return fc.constantFrom(...s.enum);
    const type = s.type as string | undefined;
    if (type === 'object' || s.properties || s.additionalProperties) return object(s, path, depth);
    if (type === 'array') return array(s, path, depth);
    if (type === 'string') return string(s);
    if (type === 'integer') {
      const min = typeof s.minimum === 'number' ? s.minimum : s.format === 'int32' ? -(2 ** 31) : -(2 ** 40);
      const max = typeof s.maximum === 'number' ? s.maximum : s.format === 'int32' ? 2 ** 31 - 1 : 2 ** 40;
      return oddInteger(min, max);
    }
    if (type === 'number') {
      const min = typeof s.minimum === 'number' ? s.minimum : -1e6;
      const max = typeof s.maximum === 'number' ? s.maximum : 1e6;
      return fc.oneof(fc.double({min, max, noNaN: true, noDefaultInfinity: true}), fc.constantFrom(...[min, max, 0, 0.5, 100].filter(n => n >= min && n <= max)));
    }
    if (type === 'boolean') return fc.boolean();
    if (s['x-kubernetes-preserve-unknown-fields']) return fc.jsonValue({maxDepth: 3});
    return fc.jsonValue({maxDepth: 2});
  };

  const string = (s: Schema): fc.Arbitrary<string> => {
    if (typeof s.pattern === 'string') return fc.stringMatching(new RegExp(s.pattern)).filter(v => fits(v, s));
    if (s.format === 'byte') return fc.base64String({maxLength: 16});
    if (s.format === 'date-time') return fc.date({min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true}).map(d => d.toISOString().replace(/\.\d+Z$/, 'Z'));
    return oddString().filter(v => fits(v, s));
  };
  const fits = (v: string, s: Schema) => (s.minLength === undefined || [...v].length >= s.minLength) && (s.maxLength === undefined || [...v].length <= s.maxLength);

  const array = (s: Schema, path: string, depth: number): fc.Arbitrary<unknown[]> => {
    const item = s.items ? build(s.items, `${path}[]`, depth + 1) : fc.jsonValue({maxDepth: 1});
    const minLength = s.minItems ?? 0;
    const cap = s.maxItems ?? Infinity;
    const listType = s['x-kubernetes-list-type'];
    const mapKeys: string[] = Array.isArray(s['x-kubernetes-list-map-keys']) ? s['x-kubernetes-list-map-keys'] : [];
    const selector =
      listType === 'set' ? (x: unknown) => JSON.stringify(x) : listType === 'map' ? (x: unknown) => JSON.stringify(mapKeys.map(k => (x as Record<string, unknown>)?.[k])) : undefined;
    const list = (constraints: {minLength: number; maxLength: number}) => (selector ? fc.uniqueArray(item, {...constraints, selector}) : fc.array(item, constraints));
    const small = list({minLength, maxLength: Math.max(minLength, Math.min(cap, depth >= maxDepth ? minLength : 3))});
    // Huge lists, where they are cheap: lists of scalars anywhere, lists of objects near the top.
    const scalar = s.items && s.items.type !== 'object' && s.items.type !== 'array';
    if (cap > 20 && (scalar || depth <= 2)) {
      const huge = list({minLength: Math.min(cap, 20), maxLength: Math.min(cap, scalar ? 150 : 40)});
      return fc.oneof({weight: 12, arbitrary: small}, {weight: 1, arbitrary: huge});
    }
    return small;
  };

  const object = (s: Schema, path: string, depth: number): fc.Arbitrary<Record<string, unknown>> => {
    const properties: Record<string, Schema> = s.properties ?? {};
    const required = new Set<string>(Array.isArray(s.required) ? s.required : []);
    const keys = Object.keys(properties).filter(k => required.has(k) || !omit(path ? `${path}.${k}` : k));
    const groups = exclusiveGroups(s);
    const present = depth >= maxDepth ? 0 : Math.min(0.5, perObject / Math.max(1, keys.length) / (1 + depth / 3));
    const fields: Record<string, fc.Arbitrary<unknown>> = {};
    for (const key of keys) {
      const value = build(properties[key]!, path ? `${path}.${key}` : key, depth + 1);
      if (required.has(key)) fields[key] = value;
      else if (present > 0) fields[key] = fc.oneof({weight: Math.round((1 - present) * 100), arbitrary: fc.constant(ABSENT)}, {weight: Math.max(1, Math.round(present * 100)), arbitrary: value});
    }
    let base: fc.Arbitrary<Record<string, unknown>> = fc.record(fields).map(r => {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(r)) if (v !== ABSENT) out[k] = v;
      // At most one key of each one-of group: the first present one wins.
      for (const group of groups) {
        const set = group.filter(k => k in out);
        for (const k of set.slice(1)) delete out[k];
      }
      return out;
    });
    if (s.additionalProperties && typeof s.additionalProperties === 'object' && keys.length === 0) {
      const value = build(s.additionalProperties, `${path}{}`, depth + 1);
      const key = hint(`${path}{key}`, s) as fc.Arbitrary<string> | undefined;
      const maxKeys = Math.min(s.maxProperties ?? Infinity, depth >= maxDepth ? 0 : 3);
      base = fc.dictionary(key ?? oddString().filter(k => k !== '__proto__'), value, {maxKeys, minKeys: Math.min(s.minProperties ?? 0, maxKeys)}) as fc.Arbitrary<Record<string, unknown>>;
    } else if (s['x-kubernetes-preserve-unknown-fields'] && keys.length === 0) {
      base = fc.dictionary(fc.string({minLength: 1, maxLength: 8}).filter(k => k !== '__proto__'), fc.jsonValue({maxDepth: 3}), {maxKeys: 4}) as fc.Arbitrary<Record<string, unknown>>;
    }
    return base;
  };

  return build(schema, options.root ?? '', 0);
}

/** The `oneOf: [{not: {anyOf: [{required: [a]}, ...]}}, {required: [a]}, ...]` groups (also under allOf). */
function exclusiveGroups(s: Schema): string[][] {
  const out: string[][] = [];
  const collect = (oneOf: unknown) => {
    if (!Array.isArray(oneOf)) return;
    const keys = oneOf.flatMap(b => (Array.isArray(b?.required) ? b.required : []));
    if (keys.length > 1) out.push(keys);
  };
  collect(s.oneOf);
  for (const part of Array.isArray(s.allOf) ? s.allOf : []) collect(part?.oneOf);
  return out;
}
