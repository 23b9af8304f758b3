// Validation of custom resources against a CRD version's openAPIV3Schema, done the way a
// kube-apiserver does it on create and update (CEL rules excepted):
//
//   1. prune fields the schema does not declare (recording their paths),
//   2. drop non-nullable nulls that have no default,
//   3. apply structural defaults (`default:`), nested ones included,
//   4. validate the result: OpenAPI value validation (through ajv) plus the uniqueness of
//      `x-kubernetes-list-type: set|map` lists,
//   5. word every problem as the apiserver's field errors, so that kubectl prints them as it
//      does for a real server.
//
// `apiVersion`, `kind` and `metadata` at the root are always kept and are not validated here.

import {Ajv, type ErrorObject, type ValidateFunction} from 'ajv';
import {fullFormats} from 'ajv-formats/dist/formats.js';
import type {KubeObject, StatusCause} from './types.ts';

/** What this module does not check; the README quotes it. */
export const UNCHECKED = 'x-kubernetes-validations (CEL) rules';

export interface ValidationOutcome {
  /** Pruned and defaulted copy of the input (the input is not mutated). */
  object: KubeObject;
  /** One entry per problem, worded as the apiserver words them; empty when valid. */
  causes: StatusCause[];
  /** Dotted paths ("spec.bogus", "spec.http[0].foo") of the fields pruned as unknown, sorted. */
  unknownFields: string[];
}

export interface SchemaValidator {
  validate(obj: KubeObject): ValidationOutcome;
  /** Compiles now instead of on the first `validate` (compilation is otherwise lazy). */
  compile(): void;
}

type JsonObject = Record<string, unknown>;

/** Counts the CEL rules (`x-kubernetes-validations` entries) in a schema, which are not evaluated. */
export function countCelRules(schema: unknown): number {
  let n = 0;
  const walk = (s: unknown): void => {
    if (Array.isArray(s)) {
      for (const x of s) walk(x);
      return;
    }
    if (!isObject(s)) return;
    for (const [k, v] of Object.entries(s)) {
      if (k === 'x-kubernetes-validations' && Array.isArray(v)) n += v.length;
      else if (k !== 'default' && k !== 'enum' && k !== 'example') walk(v);
    }
  };
  walk(schema);
  return n;
}

const cache = new WeakMap<object, SchemaValidator>();
const cacheByContent = new Map<string, SchemaValidator>();

/**
 * Returns a validator for one CRD version's openAPIV3Schema. Nothing is compiled until the first
 * `validate` (or `compile`); validators are cached by schema object and by schema content.
 */
export function compileSchema(openAPIV3Schema: Record<string, unknown>): SchemaValidator {
  const hit = cache.get(openAPIV3Schema);
  if (hit) return hit;
  const key = JSON.stringify(openAPIV3Schema);
  let validator = cacheByContent.get(key);
  if (!validator) {
    validator = new CrdSchemaValidator(openAPIV3Schema);
    cacheByContent.set(key, validator);
  }
  cache.set(openAPIV3Schema, validator);
  return validator;
}

// ---------------------------------------------------------------------------------------------
// Structural view of the schema: what pruning, null dropping, defaulting and list checks need.

interface Node {
  properties?: Map<string, Node>;
  /** `additionalProperties`: a schema, `null` for `true` (no schema), absent when not set. */
  additional?: Node | null;
  items?: Node;
  preserveUnknown: boolean;
  embedded: boolean;
  nullable: boolean;
  hasDefault: boolean;
  default?: unknown;
  /** Some node at or below this one declares a property default. */
  defaultsBelow: boolean;
  listType?: string;
  listMapKeys?: string[];
  /** Some node at or below this one is a set or map list. */
  listsBelow: boolean;
}

function toNode(s: unknown): Node {
  const schema = isObject(s) ? s : {};
  const node: Node = {
    preserveUnknown: schema['x-kubernetes-preserve-unknown-fields'] === true,
    embedded: schema['x-kubernetes-embedded-resource'] === true,
    nullable: schema.nullable === true,
    hasDefault: schema.default !== undefined && schema.default !== null,
    defaultsBelow: false,
    listsBelow: false,
  };
  if (node.hasDefault) node.default = schema.default;
  if (isObject(schema.properties)) {
    node.properties = new Map();
    for (const [k, v] of Object.entries(schema.properties)) {
      const child = toNode(v);
      node.properties.set(k, child);
      if (child.hasDefault || child.defaultsBelow) node.defaultsBelow = true;
      if (child.listsBelow) node.listsBelow = true;
    }
  }
  if (isObject(schema.additionalProperties)) {
    node.additional = toNode(schema.additionalProperties);
    if (node.additional.defaultsBelow) node.defaultsBelow = true;
    if (node.additional.listsBelow) node.listsBelow = true;
  } else if (schema.additionalProperties === true) {
    node.additional = null;
  }
  if (isObject(schema.items)) {
    node.items = toNode(schema.items);
    if (node.items.defaultsBelow) node.defaultsBelow = true;
    if (node.items.listsBelow) node.listsBelow = true;
  }
  const listType = schema['x-kubernetes-list-type'];
  if (listType === 'set' || listType === 'map') {
    node.listType = listType;
    node.listsBelow = true;
    const keys = schema['x-kubernetes-list-map-keys'];
    if (Array.isArray(keys)) node.listMapKeys = keys.filter((k): k is string => typeof k === 'string');
  }
  return node;
}

const META_FIELDS = new Set(['apiVersion', 'kind', 'metadata']);

/**
 * Removes undeclared fields (recording them) and non-nullable nulls without a default, in one
 * pass. Mirrors the apiserver: under `x-kubernetes-preserve-unknown-fields` unknown fields stay
 * but declared ones are still pruned below; a value with no schema at all loses every field.
 */
function prune(x: unknown, s: Node | null | undefined, path: string, unknown: string[], root: boolean): void {
  if (s?.preserveUnknown) {
    skipPrune(x, s, path, unknown);
    return;
  }
  if (Array.isArray(x)) {
    const items = s ? s.items : undefined;
    for (let i = 0; i < x.length; i++) prune(x[i], items, `${path}[${i}]`, unknown, false);
    return;
  }
  if (!isObject(x)) return;
  if (!s) {
    for (const k of Object.keys(x)) {
      unknown.push(join(path, k));
      delete x[k];
    }
    return;
  }
  const keepMeta = root || s.embedded;
  for (const k of Object.keys(x)) {
    if (keepMeta && META_FIELDS.has(k)) continue;
    const v = x[k];
    const prop = s.properties?.get(k);
    const child = prop ?? s.additional;
    if (child === undefined) {
      unknown.push(join(path, k));
      delete x[k];
      continue;
    }
    if (v === null) {
      if (child && !child.nullable && !child.hasDefault) delete x[k];
      continue;
    }
    prune(v, child, join(path, k), unknown, false);
  }
}

function skipPrune(x: unknown, s: Node, path: string, unknown: string[]): void {
  if (Array.isArray(x)) {
    if (!s.items) return;
    for (let i = 0; i < x.length; i++) skipPrune(x[i], s.items, `${path}[${i}]`, unknown);
    return;
  }
  if (!isObject(x)) return;
  for (const k of Object.keys(x)) {
    if (s.embedded && META_FIELDS.has(k)) continue;
    const child = s.properties?.get(k) ?? s.additional;
    if (child === undefined) continue;
    const v = x[k];
    if (v === null) {
      if (child && !child.nullable && !child.hasDefault) delete x[k];
      continue;
    }
    prune(v, child, join(path, k), unknown, false);
  }
}

/** Structural defaulting: missing (or non-nullable null) properties get a copy of their default. */
function applyDefaults(x: unknown, s: Node | null | undefined, root: boolean): void {
  if (!s || !s.defaultsBelow) return;
  if (Array.isArray(x)) {
    for (const v of x) applyDefaults(v, s.items, false);
    return;
  }
  if (!isObject(x)) return;
  if (s.properties) {
    for (const [k, prop] of s.properties) {
      if (!prop.hasDefault || (root && META_FIELDS.has(k))) continue;
      const v = x[k];
      if (v === undefined || (v === null && !prop.nullable)) x[k] = deepCopy(prop.default);
    }
  }
  for (const k of Object.keys(x)) {
    if (root && META_FIELDS.has(k)) continue;
    const prop = s.properties?.get(k);
    if (prop) applyDefaults(x[k], prop, false);
    else if (s.additional) applyDefaults(x[k], s.additional, false);
  }
}

// ---------------------------------------------------------------------------------------------
// Conversion of the CRD schema to a JSON schema ajv compiles.

/** Formats a CRD may use and the apiserver checks (names without dashes); others are ignored. */
const K8S_FORMATS: Record<string, (s: string) => boolean> = {
  bsonobjectid: s => /^[0-9a-fA-F]{24}$/.test(s),
  uri: s => {
    if (s.startsWith('/')) return true;
    try {
      new URL(s);
      return true;
    } catch {
      return false;
    }
  },
  email: s => ajvFormat('email', s),
  hostname: s => s.length <= 255 && ajvFormat('hostname', s),
  ipv4: s => ajvFormat('ipv4', s),
  ipv6: s => ajvFormat('ipv6', s),
  cidr: s => {
    const m = /^(.+)\/(\d{1,3})$/.exec(s);
    if (!m) return false;
    const bits = Number(m[2]);
    if (ajvFormat('ipv4', m[1]!)) return bits <= 32;
    return ajvFormat('ipv6', m[1]!) && bits <= 128;
  },
  mac: s => /^(?:[0-9a-fA-F]{2}(?:[:-][0-9a-fA-F]{2}){5,19}|[0-9a-fA-F]{4}(?:\.[0-9a-fA-F]{4}){2,9})$/.test(s),
  uuid: s => /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i.test(s),
  uuid3: s => /^[0-9a-f]{8}-?[0-9a-f]{4}-?3[0-9a-f]{3}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i.test(s),
  uuid4: s => /^[0-9a-f]{8}-?[0-9a-f]{4}-?4[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$/i.test(s),
  uuid5: s => /^[0-9a-f]{8}-?[0-9a-f]{4}-?5[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$/i.test(s),
  isbn: s => isIsbn10(s) || isIsbn13(s),
  isbn10: s => isIsbn10(s),
  isbn13: s => isIsbn13(s),
  creditcard: s =>
    /^(?:4[0-9]{12}(?:[0-9]{3})?|5[1-5][0-9]{14}|6(?:011|5[0-9][0-9])[0-9]{12}|3[47][0-9]{13}|3(?:0[0-5]|[68][0-9])[0-9]{11}|(?:2131|1800|35\d{3})\d{11})$/.test(
      s.replace(/[^0-9]/g, ''),
    ),
  ssn: s => /^\d{3}[- ]?\d{2}[- ]?\d{4}$/.test(s),
  hexcolor: s => /^#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/.test(s),
  rgbcolor: s => /^rgb\(\s*\d{1,3}\s*,\s*\d{1,3}\s*,\s*\d{1,3}\s*\)$/.test(s),
  byte: s => ajvFormat('byte', s),
  password: () => true,
  date: s => ajvFormat('date', s),
  duration: s =>
    /^[-+]?((\d+(\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h))+$/.test(s) ||
    /^0$/.test(s) ||
    /^(\d+)\s*(ns|nanoseconds?|us|microseconds?|ms|milliseconds?|s|seconds?|m|minutes?|h|hours?|d|days?|w|weeks?)$/i.test(s),
  datetime: s => ajvFormat('date-time', s),
};

function ajvFormat(name: keyof typeof fullFormats, s: string): boolean {
  const f: unknown = fullFormats[name];
  if (f instanceof RegExp) return f.test(s);
  if (typeof f === 'function') return Boolean(f(s));
  if (isObject(f) && typeof f.validate === 'function') return Boolean((f.validate as (x: string) => unknown)(s));
  if (isObject(f) && f.validate instanceof RegExp) return f.validate.test(s);
  return true;
}

function isIsbn10(s: string): boolean {
  const d = s.replace(/[\s-]/g, '');
  if (!/^\d{9}[\dX]$/.test(d)) return false;
  let sum = 0;
  for (let i = 0; i < 10; i++) sum += (d[i] === 'X' ? 10 : Number(d[i])) * (10 - i);
  return sum % 11 === 0;
}

function isIsbn13(s: string): boolean {
  const d = s.replace(/[\s-]/g, '');
  if (!/^\d{13}$/.test(d)) return false;
  let sum = 0;
  for (let i = 0; i < 13; i++) sum += Number(d[i]) * (i % 2 === 0 ? 1 : 3);
  return sum % 10 === 0;
}

/** Copies the validation keywords into an ajv schema; defaults, docs and x-kubernetes-* are dropped. */
function toAjvSchema(s: unknown, root: boolean): JsonObject {
  if (!isObject(s)) return {};
  const out: JsonObject = {};
  const intOrString = s['x-kubernetes-int-or-string'] === true;
  const nullable = s.nullable === true;

  let types: string[] | undefined;
  if (intOrString) types = ['integer', 'string'];
  else if (typeof s.type === 'string' && s.type !== '') types = [s.type];
  if (types) {
    if (nullable) types.push('null');
    out.type = types.length === 1 ? types[0] : types;
  }

  for (const k of [
    'minimum',
    'maximum',
    'multipleOf',
    'minLength',
    'maxLength',
    'pattern',
    'minItems',
    'maxItems',
    'uniqueItems',
    'minProperties',
    'maxProperties',
    'required',
  ] as const) {
    if (s[k] !== undefined) out[k] = s[k];
  }
  // OpenAPI v3.0 booleans to the numeric form ajv expects.
  if (s.exclusiveMinimum === true && typeof s.minimum === 'number') {
    out.exclusiveMinimum = s.minimum;
    delete out.minimum;
  }
  if (s.exclusiveMaximum === true && typeof s.maximum === 'number') {
    out.exclusiveMaximum = s.maximum;
    delete out.maximum;
  }
  if (typeof out.pattern === 'string' && !compiles(out.pattern)) delete out.pattern;
  if (Array.isArray(s.enum)) {
    out.enum = nullable && !s.enum.includes(null) ? [...s.enum, null] : s.enum;
  }
  if (typeof s.format === 'string') {
    const check = K8S_FORMATS[s.format.replace(/-/g, '')];
    if (check) {
      const ajv = ajvInstance();
      if (!ajv.formats[s.format]) ajv.addFormat(s.format, {type: 'string', validate: check});
      out.format = s.format;
    }
  }

  if (isObject(s.properties)) {
    const props: JsonObject = {};
    for (const [k, v] of Object.entries(s.properties)) {
      if (root && META_FIELDS.has(k)) continue;
      props[k] = toAjvSchema(v, false);
    }
    out.properties = props;
  }
  if (root && Array.isArray(out.required)) out.required = out.required.filter(r => !META_FIELDS.has(r as string));
  if (isObject(s.additionalProperties)) out.additionalProperties = toAjvSchema(s.additionalProperties, false);
  if (isObject(s.items)) out.items = toAjvSchema(s.items, false);

  for (const k of ['allOf', 'anyOf', 'oneOf'] as const) {
    const list = s[k];
    if (!Array.isArray(list) || list.length === 0) continue;
    // int-or-string's `anyOf: [{type: integer}, {type: string}]` is already the type union.
    if (k === 'anyOf' && intOrString && list.every(isPlainIntOrStringBranch)) continue;
    out[k] = list.map(x => toAjvSchema(x, false));
  }
  if (isObject(s.not)) out.not = toAjvSchema(s.not, false);
  return out;
}

function isPlainIntOrStringBranch(x: unknown): boolean {
  if (!isObject(x)) return false;
  const keys = Object.keys(x).filter(k => k !== 'description');
  return keys.length === 1 && (x.type === 'integer' || x.type === 'string');
}

function compiles(pattern: string): boolean {
  try {
    new RegExp(pattern);
    return true;
  } catch {
    return false;
  }
}

let sharedAjv: Ajv | undefined;

function ajvInstance(): Ajv {
  if (sharedAjv) return sharedAjv;
  const ajv = new Ajv({
    strict: false,
    allErrors: true,
    messages: false,
    validateSchema: false,
    addUsedSchema: false,
    unicodeRegExp: false,
    logger: false,
    // ajv's code optimisation makes compiling the big Istio schemas about 1.7x slower, with no
    // measurable gain in validation speed.
    code: {optimize: false},
  });
  for (const [name, check] of Object.entries(K8S_FORMATS)) {
    ajv.addFormat(name, {type: 'string', validate: check});
  }
  sharedAjv = ajv;
  return ajv;
}

// ---------------------------------------------------------------------------------------------

class CrdSchemaValidator implements SchemaValidator {
  private readonly schema: Record<string, unknown>;
  private node?: Node;
  private check?: ValidateFunction;

  constructor(schema: Record<string, unknown>) {
    this.schema = schema;
  }

  compile(): void {
    if (this.check) return;
    this.node = toNode(this.schema);
    this.check = ajvInstance().compile(toAjvSchema(this.schema, true));
  }

  validate(obj: KubeObject): ValidationOutcome {
    this.compile();
    const node = this.node!;
    const object = deepCopy(obj) as KubeObject;
    const unknownFields: string[] = [];
    prune(object, node, '', unknownFields, true);
    applyDefaults(object, node, true);
    unknownFields.sort();

    const body: JsonObject = {};
    for (const [k, v] of Object.entries(object)) if (!META_FIELDS.has(k)) body[k] = v;

    const causes: StatusCause[] = [];
    if (!this.check!(body)) causes.push(...ajvCauses(this.check!.errors ?? [], body));
    if (node.listsBelow) causes.push(...listCauses(body, node));
    return {object, causes: dedupe(causes), unknownFields};
  }
}

// ---------------------------------------------------------------------------------------------
// ajv errors to apiserver field errors.

interface Located {
  error: ErrorObject;
  /** Path segments of the instance; numbers index arrays. */
  segments: (string | number)[];
  data: unknown;
}

function locate(error: ErrorObject, body: unknown): Located {
  const segments: (string | number)[] = [];
  let data: unknown = body;
  if (error.instancePath) {
    for (const raw of error.instancePath.slice(1).split('/')) {
      const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
      if (Array.isArray(data)) {
        const i = Number(key);
        segments.push(i);
        data = data[i];
      } else {
        segments.push(key);
        data = isObject(data) ? data[key] : undefined;
      }
    }
  }
  return {error, segments, data};
}

function fieldPath(segments: (string | number)[]): string {
  let out = '';
  for (const s of segments) out = typeof s === 'number' ? `${out}[${s}]` : join(out, s);
  return out;
}

interface Frame {
  /** schemaPath of the anyOf/oneOf keyword. */
  at: string;
  branch: number;
}

/** anyOf/oneOf/not frames an error sits in, outermost first; `not` is reported as branch -1. */
function frames(schemaPath: string): Frame[] {
  const out: Frame[] = [];
  const parts = schemaPath.split('/');
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i];
    if (p === 'properties') {
      i++; // a property name, not a keyword
      continue;
    }
    if ((p === 'anyOf' || p === 'oneOf') && i + 1 < parts.length && /^\d+$/.test(parts[i + 1]!)) {
      out.push({at: parts.slice(0, i + 1).join('/'), branch: Number(parts[i + 1])});
    } else if (p === 'not' && i + 1 < parts.length) {
      out.push({at: parts.slice(0, i + 1).join('/'), branch: -1});
    }
  }
  return out;
}

function isPrefixPath(prefix: string, path: string): boolean {
  return path === prefix || path.startsWith(prefix + '/');
}

/**
 * Keeps errors the way kube-openapi reports composites: a failed anyOf/oneOf gives one
 * "must validate ..." error plus the errors of its best branch (fewest failures), and nothing
 * from the other branches; a oneOf with several matching branches only gives the composite.
 */
function selectErrors(errors: ErrorObject[]): ErrorObject[] {
  const combinators = errors.filter(e => e.keyword === 'anyOf' || e.keyword === 'oneOf');
  const bestBranch = new Map<ErrorObject, number>();
  for (const c of combinators) {
    const noneValid = c.keyword === 'anyOf' || !(c.params as {passingSchemas?: unknown}).passingSchemas;
    if (!noneValid) {
      bestBranch.set(c, -2);
      continue;
    }
    // Count each branch's own failures, a nested composite counting once; ties go to the
    // first branch (kube-openapi keeps the branch with the most successful checks).
    const counts = new Map<number, number>();
    const prefix = c.schemaPath + '/';
    const depth = frames(c.schemaPath).length + 1;
    for (const e of errors) {
      if (e === c || !e.schemaPath.startsWith(prefix) || !isPrefixPath(c.instancePath, e.instancePath)) continue;
      if (frames(e.schemaPath).length !== depth) continue;
      const branch = Number(e.schemaPath.slice(prefix.length).split('/')[0]);
      counts.set(branch, (counts.get(branch) ?? 0) + 1);
    }
    let best = -1;
    let bestCount = Infinity;
    for (const [b, n] of [...counts].sort((a, b) => a[0] - b[0])) {
      if (n < bestCount) {
        best = b;
        bestCount = n;
      }
    }
    bestBranch.set(c, best);
  }
  const kept = errors.filter(e => {
    for (const f of frames(e.schemaPath)) {
      if (f.branch === -1) return false;
      const owner = combinators.find(c => c.schemaPath === f.at && isPrefixPath(c.instancePath, e.instancePath));
      if (!owner || bestBranch.get(owner) !== f.branch) return false;
    }
    return true;
  });
  // ajv reports a composite after its branches; the apiserver lists it first.
  const composites = kept
    .filter(e => e.keyword === 'anyOf' || e.keyword === 'oneOf')
    .sort((a, b) => frames(a.schemaPath).length - frames(b.schemaPath).length);
  for (const c of composites) {
    const from = kept.indexOf(c);
    const first = kept.findIndex(
      e => e !== c && e.schemaPath.startsWith(c.schemaPath + '/') && isPrefixPath(c.instancePath, e.instancePath),
    );
    if (first === -1 || first > from) continue;
    kept.splice(from, 1);
    kept.splice(first, 0, c);
  }
  return kept;
}

function ajvCauses(errors: ErrorObject[], body: unknown): StatusCause[] {
  const located = selectErrors(errors).map(e => locate(e, body));
  const typeInvalid = new Set<string>();
  for (const l of located) if (l.error.keyword === 'type') typeInvalid.add(fieldPath(l.segments));
  const causes: StatusCause[] = [];
  for (const l of located) {
    const field = fieldPath(l.segments);
    if (l.error.keyword !== 'type' && l.error.keyword !== 'required' && typeInvalid.has(field)) continue;
    const cause = toCause(l, field);
    if (cause) causes.push(cause);
  }
  return causes;
}

function toCause({error, data}: Located, field: string): StatusCause | undefined {
  const p = error.params as Record<string, unknown>;
  const invalid = (detail: string, value: unknown = data): StatusCause => ({
    reason: 'FieldValueInvalid',
    field,
    message: `Invalid value: ${goValue(value)}: ${field} in body ${detail}`,
  });
  const composite = (detail: string): StatusCause => ({
    reason: 'FieldValueInvalid',
    field: '<nil>',
    message: `Invalid value: "": ${goQuote(field)} ${detail}`,
  });
  switch (error.keyword) {
    case 'type': {
      const actual = jsonType(data);
      const expected = String(p.type)
        .split(',')
        .filter(t => t !== 'null')
        .join(',');
      return {
        reason: 'FieldValueTypeInvalid',
        field,
        message: `Invalid value: ${goQuote(actual)}: ${field} in body must be of type ${expected}: ${goQuote(actual)}`,
      };
    }
    case 'format':
      return {
        reason: 'FieldValueTypeInvalid',
        field,
        message: `Invalid value: ${goValue(data)}: ${field} in body must be of type ${String(p.format)}: ${goQuote(String(data))}`,
      };
    case 'required': {
      const child = join(field, String(p.missingProperty));
      return {reason: 'FieldValueRequired', field: child, message: 'Required value'};
    }
    case 'enum': {
      const values = (p.allowedValues as unknown[])
        .filter(v => v !== null)
        .map(v => goQuote(typeof v === 'string' ? v : JSON.stringify(v)));
      return {
        reason: 'FieldValueNotSupported',
        field,
        message: `Unsupported value: ${goValue(data)}${values.length ? `: supported values: ${values.join(', ')}` : ''}`,
      };
    }
    case 'maxLength':
      return {reason: 'FieldValueTooLong', field, message: `Too long: may not be more than ${String(p.limit)} bytes`};
    case 'maxItems':
      return {
        reason: 'FieldValueTooMany',
        field,
        message: `Too many: ${Array.isArray(data) ? data.length : '?'}: must have at most ${String(p.limit)} items`,
      };
    case 'maxProperties':
      return {
        reason: 'FieldValueTooMany',
        field,
        message: `Too many: ${isObject(data) ? Object.keys(data).length : '?'}: must have at most ${String(p.limit)} items`,
      };
    case 'minLength':
      return invalid(`should be at least ${String(p.limit)} chars long`);
    case 'pattern':
      return invalid(`should match '${String(p.pattern)}'`);
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum': {
      const words: Record<string, string> = {
        '>=': 'greater than or equal to',
        '>': 'greater than',
        '<=': 'less than or equal to',
        '<': 'less than',
      };
      const limit = Number(p.limit);
      return invalid(`should be ${words[String(p.comparison)]} ${Number.isInteger(data) ? String(Math.trunc(limit)) : goFloat(limit)}`);
    }
    case 'multipleOf':
      return invalid(`should be a multiple of ${goFloat(Number(p.multipleOf))}`);
    case 'minItems':
      return invalid(`should have at least ${String(p.limit)} items`, Array.isArray(data) ? data.length : data);
    case 'minProperties':
      return invalid(`should have at least ${String(p.limit)} properties`, isObject(data) ? Object.keys(data).length : data);
    case 'uniqueItems':
      return invalid(`shouldn't contain duplicates`, '');
    case 'anyOf':
      return composite('must validate at least one schema (anyOf)');
    case 'oneOf': {
      const passing = p.passingSchemas;
      const n = Array.isArray(passing) ? passing.length : 0;
      return composite(`must validate one and only one schema (oneOf). ${n ? `Found ${n} valid alternatives` : 'Found none valid'}`);
    }
    case 'not':
      return composite('must not validate the schema (not)');
    default:
      return invalid(`failed ${error.keyword} validation`);
  }
}

// ---------------------------------------------------------------------------------------------
// x-kubernetes-list-type set/map uniqueness (the apiserver checks it after the schema).

function listCauses(body: JsonObject, node: Node): StatusCause[] {
  const out: StatusCause[] = [];
  walkLists(body, node, '', out);
  return out;
}

function walkLists(x: unknown, s: Node | null | undefined, path: string, out: StatusCause[]): void {
  if (!s || !s.listsBelow) return;
  if (Array.isArray(x)) {
    if (s.listType === 'set') checkSet(x, path, out);
    else if (s.listType === 'map') checkMap(x, s.listMapKeys ?? [], path, out);
    for (let i = 0; i < x.length; i++) walkLists(x[i], s.items, `${path}[${i}]`, out);
    return;
  }
  if (!isObject(x)) return;
  for (const [k, v] of Object.entries(x)) {
    const prop = s.properties?.get(k);
    if (prop) walkLists(v, prop, join(path, k), out);
    else if (s.additional) walkLists(v, s.additional, `${path}[${k}]`, out);
  }
}

function duplicates(keys: unknown[]): number[] {
  const seen = new Map<string, number>();
  const dup: number[] = [];
  keys.forEach((k, i) => {
    const id = k === MISSING ? '\u0000missing' : canonical(k);
    const times = seen.get(id) ?? 0;
    if (times === 1) dup.push(i);
    seen.set(id, times + 1);
  });
  return dup;
}

const MISSING = Symbol('missing');

/** JSON with sorted keys, as Go's json.Marshal writes maps. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (isObject(v)) {
    return `{${Object.keys(v)
      .sort()
      .map(k => `${JSON.stringify(k)}:${canonical(v[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

function checkSet(x: unknown[], path: string, out: StatusCause[]): void {
  for (const i of duplicates(x)) {
    out.push({reason: 'FieldValueDuplicate', field: `${path}[${i}]`, message: `Duplicate value: ${goValue(x[i])}`});
  }
}

function checkMap(x: unknown[], mapKeys: string[], path: string, out: StatusCause[]): void {
  for (let i = 0; i < x.length; i++) {
    const item = x[i];
    if (item !== null && !isObject(item)) {
      out.push({
        reason: 'FieldValueInvalid',
        field: `${path}[${i}]`,
        message: `Invalid value: ${goValue(item)}: must be an object for an array of list-type map`,
      });
      return;
    }
  }
  const keys = x.map(item => {
    const key: JsonObject = {};
    if (isObject(item)) for (const k of mapKeys) if (k in item) key[k] = item[k];
    return mapKeys.length === 1 && !(isObject(item) && mapKeys[0]! in item) ? MISSING : key;
  });
  for (const i of duplicates(keys)) {
    const key = keys[i];
    out.push({
      reason: 'FieldValueDuplicate',
      field: `${path}[${i}]`,
      message: `Duplicate value: ${goValue(key === MISSING ? {} : key)}`,
    });
  }
}

// ---------------------------------------------------------------------------------------------
// Go-style rendering of values, as the apiserver's field errors print them.

function jsonType(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v; // string | boolean | object
}

/** strconv.Quote, closely enough. */
function goQuote(s: string): string {
  return JSON.stringify(s)
    .replace(/\\u00([0-1][0-9a-f])/g, (_, h: string) => {
      const named: Record<string, string> = {'07': '\\a', '0b': '\\v'};
      return named[h] ?? `\\x${h}`;
    })
    .replace(/\x7f/g, '\\x7f')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** Go's %v of a float64. */
function goFloat(n: number): string {
  if (!Number.isFinite(n)) return n > 0 ? '+Inf' : n < 0 ? '-Inf' : 'NaN';
  if (n === 0) return '0';
  const [mantissa, expPart] = n.toExponential().split('e');
  const exp = Number(expPart);
  if (exp < -4 || exp >= 6) {
    const e = Math.abs(exp);
    return `${mantissa}e${exp < 0 ? '-' : '+'}${e < 10 ? '0' : ''}${e}`;
  }
  return String(n);
}

/** The value part of a field error: %v for numbers and booleans, %q for strings, %#v otherwise. */
function goValue(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return goQuote(v);
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : goFloat(v);
  if (typeof v === 'boolean') return String(v);
  return goSharp(v);
}

function goSharp(v: unknown): string {
  if (v === null || v === undefined) return 'interface {}(nil)';
  if (typeof v === 'string') return goQuote(v);
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : goFloat(v);
  if (typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[]interface {}{${v.map(goSharp).join(', ')}}`;
  if (isObject(v)) {
    const entries = Object.keys(v)
      .sort()
      .map(k => `${goQuote(k)}:${goSharp(v[k])}`);
    return `map[string]interface {}{${entries.join(', ')}}`;
  }
  return String(v);
}

function dedupe(causes: StatusCause[]): StatusCause[] {
  const seen = new Set<string>();
  return causes.filter(c => {
    const key = `${c.reason}\u0000${c.field}\u0000${c.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

// ---------------------------------------------------------------------------------------------

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isPlain(v: object): boolean {
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

function deepCopy<T>(v: T): T {
  if (Array.isArray(v)) return v.map(deepCopy) as T;
  if (isObject(v) && isPlain(v)) {
    const out: JsonObject = {};
    for (const k of Object.keys(v)) if (v[k] !== undefined) out[k] = deepCopy(v[k]); // as JSON would
    return out as T;
  }
  return v;
}
