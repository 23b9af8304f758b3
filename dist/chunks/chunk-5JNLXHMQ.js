import {
  SeedError,
  StatusError,
  TypeRegistry,
  alreadyExists,
  apiVersionOf,
  badRequest,
  conflict,
  invalid,
  notFound,
  qualifiedResource,
  readCrdManifests,
  readManifests,
  seedCluster,
  splitApiVersion,
  statusBody,
  typeKey
} from "./chunk-QJBLK3IT.js";

// source/sim/simulator.ts
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import yaml3 from "js-yaml";

// source/sim/cluster.ts
import { isDeepStrictEqual as isDeepStrictEqual2 } from "node:util";
import fastJsonPatch from "fast-json-patch";
import yaml from "js-yaml";

// source/sim/list-semantics.ts
var podSpecLists = {
  containers: { type: "map", keys: ["name"] },
  initContainers: { type: "map", keys: ["name"] },
  ephemeralContainers: { type: "map", keys: ["name"] },
  volumes: { type: "map", keys: ["name"] },
  imagePullSecrets: { type: "map", keys: ["name"] },
  hostAliases: { type: "map", keys: ["ip"] }
};
var containerLists = {
  env: { type: "map", keys: ["name"] },
  ports: { type: "map", keys: ["containerPort", "protocol"] },
  volumeMounts: { type: "map", keys: ["mountPath"] },
  volumeDevices: { type: "map", keys: ["devicePath"] }
};
function builtinListSemantics(kind, path2) {
  const joined = path2.join(".");
  if (joined === "metadata.ownerReferences") return { type: "map", keys: ["uid"] };
  if (joined === "metadata.finalizers") return { type: "set" };
  if (joined === "status.conditions") return { type: "map", keys: ["type"] };
  if (kind === "Service" && joined === "spec.ports") return { type: "map", keys: ["port", "protocol"] };
  if (kind === "Node" && joined === "spec.taints") return { type: "map", keys: ["key", "effect"] };
  const podSpecPrefix = kind === "Pod" ? ["spec"] : ["spec", "template", "spec"];
  const isUnder = podSpecPrefix.every((segment, i) => path2[i] === segment);
  if (isUnder) {
    const rest = path2.slice(podSpecPrefix.length);
    if (rest.length === 1 && podSpecLists[rest[0]]) return podSpecLists[rest[0]];
    if (rest.length === 2 && /^(init|ephemeral)?[cC]ontainers$/.test(rest[0]) && containerLists[rest[1]])
      return containerLists[rest[1]];
  }
  return { type: "atomic" };
}
function schemaListSemantics(schema, path2) {
  let node = schema;
  for (const segment of path2) {
    if (!node) return { type: "atomic" };
    if (node.type === "array") node = node.items;
    const properties = node?.properties;
    node = properties?.[segment] ?? node?.additionalProperties;
  }
  const listType = node?.["x-kubernetes-list-type"];
  if (listType === "map") return { type: "map", keys: node["x-kubernetes-list-map-keys"] ?? [] };
  if (listType === "set") return { type: "set" };
  return { type: "atomic" };
}
function listSemanticsFor(type2, version) {
  if (type2.builtin) return (path2) => builtinListSemantics(type2.kind, path2);
  const schema = type2.schemas?.[version];
  return (path2) => {
    if (path2[0] === "metadata") return builtinListSemantics(type2.kind, path2);
    return schemaListSemantics(schema, path2);
  };
}

// source/sim/managed-fields.ts
import { isDeepStrictEqual } from "node:util";
var SEP = "\0";
var UNTRACKED_METADATA = /* @__PURE__ */ new Set([
  "name",
  "namespace",
  "uid",
  "resourceVersion",
  "generation",
  "creationTimestamp",
  "deletionTimestamp",
  "deletionGracePeriodSeconds",
  "managedFields",
  "selfLink"
]);
function leafValues(object, walk, includeStatus) {
  const out = /* @__PURE__ */ new Map();
  for (const [key, value] of Object.entries(object)) {
    if (key === "apiVersion" || key === "kind") continue;
    if (key === "status" && !includeStatus) continue;
    if (key === "metadata" && isMap(value)) {
      for (const [mk, mv] of Object.entries(value)) {
        if (UNTRACKED_METADATA.has(mk)) continue;
        visit(mv, [`f:metadata`, `f:${mk}`], ["metadata", mk], walk, out);
      }
      continue;
    }
    visit(value, [`f:${key}`], [key], walk, out);
  }
  return out;
}
function visit(value, keys, names, walk, out) {
  if (isMap(value) && Object.keys(value).length > 0) {
    for (const [k, v] of Object.entries(value)) visit(v, [...keys, `f:${k}`], [...names, k], walk, out);
    return;
  }
  if (Array.isArray(value)) {
    const semantics = walk.semantics(names);
    if (semantics.type === "set") {
      for (const item of value) out.set([...keys, `v:${JSON.stringify(item)}`].join(SEP), item);
      return;
    }
    if (semantics.type === "map" && value.every(isMap)) {
      for (const item of value) {
        const itemKey = `k:${itemKeyOf(item, semantics.keys)}`;
        out.set([...keys, itemKey, "."].join(SEP), true);
        for (const [k, v] of Object.entries(item)) visit(v, [...keys, itemKey, `f:${k}`], [...names, k], walk, out);
      }
      return;
    }
  }
  out.set(keys.join(SEP), value);
}
function itemKeyOf(item, keys) {
  const key = {};
  for (const k of [...keys].sort()) if (item[k] !== void 0) key[k] = item[k];
  return JSON.stringify(key);
}
function isMap(value) {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
function encodeFieldsV1(paths) {
  const root = {};
  for (const path2 of paths) {
    let node = root;
    for (const key of path2.split(SEP)) {
      node[key] ??= {};
      node = node[key];
    }
  }
  return root;
}
function decodeFieldsV1(fields2) {
  const out = /* @__PURE__ */ new Set();
  const walk = (node, prefix) => {
    const entries = Object.entries(node);
    if (entries.length === 0 && prefix.length > 0) out.add(prefix.join(SEP));
    for (const [key, child] of entries) walk(isMap(child) ? child : {}, [...prefix, key]);
  };
  if (fields2) walk(fields2, []);
  return out;
}
function describePath(path2) {
  return path2.split(SEP).filter((k) => k !== ".").map((k) => {
    if (k.startsWith("f:")) return `.${k.slice(2)}`;
    if (k.startsWith("k:")) {
      const key = JSON.parse(k.slice(2));
      return `[${Object.entries(key).map(([n, v]) => `${n}=${JSON.stringify(v)}`).join(",")}]`;
    }
    if (k.startsWith("v:")) return `[${k.slice(2)}]`;
    return k;
  }).join("");
}
function serverSideApply(input) {
  const { live, applied, manager, semantics } = input;
  const walk = { semantics };
  const includeStatus = input.subresource === "status";
  const appliedLeaves = leafValues(applied, walk, includeStatus);
  const appliedPaths = new Set(appliedLeaves.keys());
  const entries = structuredClone(live?.metadata.managedFields ?? []);
  const isMine = (e) => e.manager === manager && e.operation === "Apply" && (e.subresource ?? "") === (input.subresource ?? "");
  if (live) {
    const liveLeaves = leafValues(live, walk, true);
    const conflicts = [];
    const conflicting = /* @__PURE__ */ new Map();
    for (const entry of entries) {
      if (isMine(entry)) continue;
      const owned = decodeFieldsV1(entry.fieldsV1);
      for (const path2 of appliedPaths) {
        if (!owned.has(path2) || path2.endsWith(`${SEP}.`)) continue;
        if (isDeepStrictEqual(liveLeaves.get(path2), appliedLeaves.get(path2))) continue;
        conflicts.push({
          reason: "FieldManagerConflict",
          message: `conflict with "${entry.manager}"${entry.operation === "Update" ? ` using ${entry.apiVersion}` : ""}`,
          field: describePath(path2)
        });
        const set = conflicting.get(entry) ?? /* @__PURE__ */ new Set();
        set.add(path2);
        conflicting.set(entry, set);
      }
    }
    if (conflicts.length > 0 && !input.force) {
      const detail = conflicts.map((c) => `- ${c.message}: ${c.field}`).join("\n");
      throw new StatusError(
        409,
        "Conflict",
        `Apply failed with ${conflicts.length} conflict${conflicts.length > 1 ? "s" : ""}: ${conflicts.length === 1 ? `${conflicts[0].message}: ${conflicts[0].field}` : `
${detail}`}`,
        { causes: conflicts }
      );
    }
    for (const [entry, paths] of conflicting) {
      const owned = decodeFieldsV1(entry.fieldsV1);
      for (const path2 of paths) owned.delete(path2);
      entry.fieldsV1 = encodeFieldsV1(owned);
    }
  }
  const previous = entries.find(isMine);
  const previouslyOwned = decodeFieldsV1(previous?.fieldsV1);
  const ownedByOthers = /* @__PURE__ */ new Set();
  for (const entry of entries) if (!isMine(entry)) for (const p of decodeFieldsV1(entry.fieldsV1)) ownedByOthers.add(p);
  let result = mergeApplied(live ? structuredClone(live) : {}, applied, [], semantics);
  const dropped = [...previouslyOwned].filter((p) => !appliedPaths.has(p) && !ownedByOthers.has(p));
  for (const path2 of dropped) result = removePath(result, path2.split(SEP), semantics);
  const others = entries.filter((e) => !isMine(e) && Object.keys(e.fieldsV1 ?? {}).length > 0);
  const mine = {
    manager,
    operation: "Apply",
    apiVersion: input.apiVersion,
    time: input.now,
    fieldsType: "FieldsV1",
    fieldsV1: encodeFieldsV1(appliedPaths),
    ...input.subresource ? { subresource: input.subresource } : {}
  };
  result.metadata = { ...result.metadata, managedFields: [...others, mine] };
  return result;
}
function mergeApplied(live, applied, names, semantics) {
  if (isMap(live) && isMap(applied)) {
    const out = { ...live };
    for (const [k, v] of Object.entries(applied)) out[k] = mergeApplied(live[k], v, [...names, k], semantics);
    return out;
  }
  if (Array.isArray(live) && Array.isArray(applied)) {
    const list = semantics(names);
    if (list.type === "set") return [...live, ...applied.filter((v) => !live.some((l) => isDeepStrictEqual(l, v)))];
    if (list.type === "map") {
      const keyOf2 = (item) => isMap(item) ? itemKeyOf(item, list.keys) : JSON.stringify(item);
      const out = [...live];
      for (const item of applied) {
        const index = out.findIndex((l) => keyOf2(l) === keyOf2(item));
        if (index >= 0) out[index] = mergeApplied(out[index], item, names, semantics);
        else out.push(item);
      }
      return out;
    }
  }
  return structuredClone(applied);
}
function removePath(node, keys, semantics, names = []) {
  const [head, ...rest] = keys;
  if (head === void 0) return node;
  if (head.startsWith("f:") && isMap(node)) {
    const field = head.slice(2);
    if (!(field in node)) return node;
    const out = { ...node };
    if (rest.length === 0) delete out[field];
    else out[field] = removePath(node[field], rest, semantics, [...names, field]);
    return out;
  }
  if (Array.isArray(node)) {
    const list = semantics(names);
    if (head.startsWith("v:")) return node.filter((v) => JSON.stringify(v) !== head.slice(2));
    if (head.startsWith("k:") && list.type === "map") {
      const matchesKey = (item) => isMap(item) && `k:${itemKeyOf(item, list.keys)}` === head;
      if (rest.length === 1 && rest[0] === ".") return node.filter((item) => !matchesKey(item));
      return node.map((item) => matchesKey(item) ? removePath(item, rest, semantics, names) : item);
    }
  }
  return node;
}
function recordUpdate(input) {
  const { before, after, manager } = input;
  const walk = { semantics: input.semantics };
  const includeStatus = input.subresource === "status";
  const beforeLeaves = before ? leafValues(before, walk, includeStatus) : /* @__PURE__ */ new Map();
  const afterLeaves = leafValues(after, walk, includeStatus);
  const changed = /* @__PURE__ */ new Set();
  for (const [path2, value] of afterLeaves)
    if (!beforeLeaves.has(path2) || !isDeepStrictEqual(beforeLeaves.get(path2), value)) changed.add(path2);
  const removed = [...beforeLeaves.keys()].filter((p) => !afterLeaves.has(p));
  const clientWrote = after.metadata.managedFields !== void 0 && !isDeepStrictEqual(after.metadata.managedFields, before?.metadata.managedFields);
  const entries = structuredClone(clientWrote ? after.metadata.managedFields : before?.metadata.managedFields ?? []);
  if (changed.size === 0 && removed.length === 0) {
    return { ...after, metadata: { ...after.metadata, managedFields: entries } };
  }
  const isMine = (e) => e.manager === manager && e.operation === "Update" && (e.subresource ?? "") === (input.subresource ?? "");
  for (const entry of entries) {
    if (isMine(entry)) continue;
    const owned = decodeFieldsV1(entry.fieldsV1);
    for (const p of [...changed, ...removed]) owned.delete(p);
    entry.fieldsV1 = encodeFieldsV1(owned);
  }
  const mineBefore = entries.find(isMine);
  const mineSet = decodeFieldsV1(mineBefore?.fieldsV1);
  for (const p of removed) mineSet.delete(p);
  for (const p of changed) mineSet.add(p);
  const kept = entries.filter((e) => !isMine(e) && Object.keys(e.fieldsV1 ?? {}).length > 0);
  const mine = {
    manager,
    operation: "Update",
    apiVersion: input.apiVersion,
    time: input.now,
    fieldsType: "FieldsV1",
    fieldsV1: encodeFieldsV1(mineSet),
    ...input.subresource ? { subresource: input.subresource } : {}
  };
  return { ...after, metadata: { ...after.metadata, managedFields: [...kept, mine] } };
}

// source/sim/schema-validation.ts
import { Ajv } from "ajv";
import { fullFormats } from "ajv-formats/dist/formats.js";
var cache = /* @__PURE__ */ new WeakMap();
var cacheByContent = /* @__PURE__ */ new Map();
function compileSchema(openAPIV3Schema) {
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
function toNode(s) {
  const schema = isObject(s) ? s : {};
  const node = {
    preserveUnknown: schema["x-kubernetes-preserve-unknown-fields"] === true,
    embedded: schema["x-kubernetes-embedded-resource"] === true,
    nullable: schema.nullable === true,
    hasDefault: schema.default !== void 0 && schema.default !== null,
    defaultsBelow: false,
    listsBelow: false
  };
  if (node.hasDefault) node.default = schema.default;
  if (isObject(schema.properties)) {
    node.properties = /* @__PURE__ */ new Map();
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
  const listType = schema["x-kubernetes-list-type"];
  if (listType === "set" || listType === "map") {
    node.listType = listType;
    node.listsBelow = true;
    const keys = schema["x-kubernetes-list-map-keys"];
    if (Array.isArray(keys)) node.listMapKeys = keys.filter((k) => typeof k === "string");
  }
  return node;
}
var META_FIELDS = /* @__PURE__ */ new Set(["apiVersion", "kind", "metadata"]);
function prune(x, s, path2, unknown, root) {
  if (s?.preserveUnknown) {
    skipPrune(x, s, path2, unknown);
    return;
  }
  if (Array.isArray(x)) {
    const items = s ? s.items : void 0;
    for (let i = 0; i < x.length; i++) prune(x[i], items, `${path2}[${i}]`, unknown, false);
    return;
  }
  if (!isObject(x)) return;
  if (!s) {
    for (const k of Object.keys(x)) {
      unknown.push(join(path2, k));
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
    if (child === void 0) {
      unknown.push(join(path2, k));
      delete x[k];
      continue;
    }
    if (v === null) {
      if (child && !child.nullable && !child.hasDefault) delete x[k];
      continue;
    }
    prune(v, child, join(path2, k), unknown, false);
  }
}
function skipPrune(x, s, path2, unknown) {
  if (Array.isArray(x)) {
    if (!s.items) return;
    for (let i = 0; i < x.length; i++) skipPrune(x[i], s.items, `${path2}[${i}]`, unknown);
    return;
  }
  if (!isObject(x)) return;
  for (const k of Object.keys(x)) {
    if (s.embedded && META_FIELDS.has(k)) continue;
    const child = s.properties?.get(k) ?? s.additional;
    if (child === void 0) continue;
    const v = x[k];
    if (v === null) {
      if (child && !child.nullable && !child.hasDefault) delete x[k];
      continue;
    }
    prune(v, child, join(path2, k), unknown, false);
  }
}
function applyDefaults(x, s, root) {
  if (!s || !s.defaultsBelow) return;
  if (Array.isArray(x)) {
    for (const v of x) applyDefaults(v, s.items, false);
    return;
  }
  if (!isObject(x)) return;
  if (s.properties) {
    for (const [k, prop] of s.properties) {
      if (!prop.hasDefault || root && META_FIELDS.has(k)) continue;
      const v = x[k];
      if (v === void 0 || v === null && !prop.nullable) x[k] = deepCopy(prop.default);
    }
  }
  for (const k of Object.keys(x)) {
    if (root && META_FIELDS.has(k)) continue;
    const prop = s.properties?.get(k);
    if (prop) applyDefaults(x[k], prop, false);
    else if (s.additional) applyDefaults(x[k], s.additional, false);
  }
}
var K8S_FORMATS = {
  bsonobjectid: (s) => /^[0-9a-fA-F]{24}$/.test(s),
  uri: (s) => {
    if (s.startsWith("/")) return true;
    try {
      new URL(s);
      return true;
    } catch {
      return false;
    }
  },
  email: (s) => ajvFormat("email", s),
  hostname: (s) => s.length <= 255 && ajvFormat("hostname", s),
  ipv4: (s) => ajvFormat("ipv4", s),
  ipv6: (s) => ajvFormat("ipv6", s),
  cidr: (s) => {
    const m = /^(.+)\/(\d{1,3})$/.exec(s);
    if (!m) return false;
    const bits = Number(m[2]);
    if (ajvFormat("ipv4", m[1])) return bits <= 32;
    return ajvFormat("ipv6", m[1]) && bits <= 128;
  },
  mac: (s) => /^(?:[0-9a-fA-F]{2}(?:[:-][0-9a-fA-F]{2}){5,19}|[0-9a-fA-F]{4}(?:\.[0-9a-fA-F]{4}){2,9})$/.test(s),
  uuid: (s) => /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i.test(s),
  uuid3: (s) => /^[0-9a-f]{8}-?[0-9a-f]{4}-?3[0-9a-f]{3}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i.test(s),
  uuid4: (s) => /^[0-9a-f]{8}-?[0-9a-f]{4}-?4[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$/i.test(s),
  uuid5: (s) => /^[0-9a-f]{8}-?[0-9a-f]{4}-?5[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$/i.test(s),
  isbn: (s) => isIsbn10(s) || isIsbn13(s),
  isbn10: (s) => isIsbn10(s),
  isbn13: (s) => isIsbn13(s),
  creditcard: (s) => /^(?:4[0-9]{12}(?:[0-9]{3})?|5[1-5][0-9]{14}|6(?:011|5[0-9][0-9])[0-9]{12}|3[47][0-9]{13}|3(?:0[0-5]|[68][0-9])[0-9]{11}|(?:2131|1800|35\d{3})\d{11})$/.test(
    s.replace(/[^0-9]/g, "")
  ),
  ssn: (s) => /^\d{3}[- ]?\d{2}[- ]?\d{4}$/.test(s),
  hexcolor: (s) => /^#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/.test(s),
  rgbcolor: (s) => /^rgb\(\s*\d{1,3}\s*,\s*\d{1,3}\s*,\s*\d{1,3}\s*\)$/.test(s),
  byte: (s) => ajvFormat("byte", s),
  password: () => true,
  date: (s) => ajvFormat("date", s),
  duration: (s) => /^[-+]?((\d+(\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h))+$/.test(s) || /^0$/.test(s) || /^(\d+)\s*(ns|nanoseconds?|us|microseconds?|ms|milliseconds?|s|seconds?|m|minutes?|h|hours?|d|days?|w|weeks?)$/i.test(s),
  datetime: (s) => ajvFormat("date-time", s)
};
function ajvFormat(name, s) {
  const f = fullFormats[name];
  if (f instanceof RegExp) return f.test(s);
  if (typeof f === "function") return Boolean(f(s));
  if (isObject(f) && typeof f.validate === "function") return Boolean(f.validate(s));
  if (isObject(f) && f.validate instanceof RegExp) return f.validate.test(s);
  return true;
}
function isIsbn10(s) {
  const d = s.replace(/[\s-]/g, "");
  if (!/^\d{9}[\dX]$/.test(d)) return false;
  let sum = 0;
  for (let i = 0; i < 10; i++) sum += (d[i] === "X" ? 10 : Number(d[i])) * (10 - i);
  return sum % 11 === 0;
}
function isIsbn13(s) {
  const d = s.replace(/[\s-]/g, "");
  if (!/^\d{13}$/.test(d)) return false;
  let sum = 0;
  for (let i = 0; i < 13; i++) sum += Number(d[i]) * (i % 2 === 0 ? 1 : 3);
  return sum % 10 === 0;
}
function toAjvSchema(s, root) {
  if (!isObject(s)) return {};
  const out = {};
  const intOrString = s["x-kubernetes-int-or-string"] === true;
  const nullable = s.nullable === true;
  let types;
  if (intOrString) types = ["integer", "string"];
  else if (typeof s.type === "string" && s.type !== "") types = [s.type];
  if (types) {
    if (nullable) types.push("null");
    out.type = types.length === 1 ? types[0] : types;
  }
  for (const k of [
    "minimum",
    "maximum",
    "multipleOf",
    "minLength",
    "maxLength",
    "pattern",
    "minItems",
    "maxItems",
    "uniqueItems",
    "minProperties",
    "maxProperties",
    "required"
  ]) {
    if (s[k] !== void 0) out[k] = s[k];
  }
  if (s.exclusiveMinimum === true && typeof s.minimum === "number") {
    out.exclusiveMinimum = s.minimum;
    delete out.minimum;
  }
  if (s.exclusiveMaximum === true && typeof s.maximum === "number") {
    out.exclusiveMaximum = s.maximum;
    delete out.maximum;
  }
  if (typeof out.pattern === "string" && !compiles(out.pattern)) delete out.pattern;
  if (Array.isArray(s.enum)) {
    out.enum = nullable && !s.enum.includes(null) ? [...s.enum, null] : s.enum;
  }
  if (typeof s.format === "string") {
    const check = K8S_FORMATS[s.format.replace(/-/g, "")];
    if (check) {
      const ajv = ajvInstance();
      if (!ajv.formats[s.format]) ajv.addFormat(s.format, { type: "string", validate: check });
      out.format = s.format;
    }
  }
  if (isObject(s.properties)) {
    const props = {};
    for (const [k, v] of Object.entries(s.properties)) {
      if (root && META_FIELDS.has(k)) continue;
      props[k] = toAjvSchema(v, false);
    }
    out.properties = props;
  }
  if (root && Array.isArray(out.required)) out.required = out.required.filter((r) => !META_FIELDS.has(r));
  if (isObject(s.additionalProperties)) out.additionalProperties = toAjvSchema(s.additionalProperties, false);
  if (isObject(s.items)) out.items = toAjvSchema(s.items, false);
  for (const k of ["allOf", "anyOf", "oneOf"]) {
    const list = s[k];
    if (!Array.isArray(list) || list.length === 0) continue;
    if (k === "anyOf" && intOrString && list.every(isPlainIntOrStringBranch)) continue;
    out[k] = list.map((x) => toAjvSchema(x, false));
  }
  if (isObject(s.not)) out.not = toAjvSchema(s.not, false);
  return out;
}
function isPlainIntOrStringBranch(x) {
  if (!isObject(x)) return false;
  const keys = Object.keys(x).filter((k) => k !== "description");
  return keys.length === 1 && (x.type === "integer" || x.type === "string");
}
function compiles(pattern) {
  try {
    new RegExp(pattern);
    return true;
  } catch {
    return false;
  }
}
var sharedAjv;
function ajvInstance() {
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
    code: { optimize: false }
  });
  for (const [name, check] of Object.entries(K8S_FORMATS)) {
    ajv.addFormat(name, { type: "string", validate: check });
  }
  sharedAjv = ajv;
  return ajv;
}
var CrdSchemaValidator = class {
  schema;
  node;
  check;
  constructor(schema) {
    this.schema = schema;
  }
  compile() {
    if (this.check) return;
    this.node = toNode(this.schema);
    this.check = ajvInstance().compile(toAjvSchema(this.schema, true));
  }
  validate(obj) {
    this.compile();
    const node = this.node;
    const object = deepCopy(obj);
    const unknownFields = [];
    prune(object, node, "", unknownFields, true);
    applyDefaults(object, node, true);
    unknownFields.sort();
    const body = {};
    for (const [k, v] of Object.entries(object)) if (!META_FIELDS.has(k)) body[k] = v;
    const causes = [];
    if (!this.check(body)) causes.push(...ajvCauses(this.check.errors ?? [], body));
    if (node.listsBelow) causes.push(...listCauses(body, node));
    return { object, causes: dedupe(causes), unknownFields };
  }
};
function locate(error, body) {
  const segments = [];
  let data = body;
  if (error.instancePath) {
    for (const raw of error.instancePath.slice(1).split("/")) {
      const key = raw.replace(/~1/g, "/").replace(/~0/g, "~");
      if (Array.isArray(data)) {
        const i = Number(key);
        segments.push(i);
        data = data[i];
      } else {
        segments.push(key);
        data = isObject(data) ? data[key] : void 0;
      }
    }
  }
  return { error, segments, data };
}
function fieldPath(segments) {
  let out = "";
  for (const s of segments) out = typeof s === "number" ? `${out}[${s}]` : join(out, s);
  return out;
}
function frames(schemaPath) {
  const out = [];
  const parts = schemaPath.split("/");
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i];
    if (p === "properties") {
      i++;
      continue;
    }
    if ((p === "anyOf" || p === "oneOf") && i + 1 < parts.length && /^\d+$/.test(parts[i + 1])) {
      out.push({ at: parts.slice(0, i + 1).join("/"), branch: Number(parts[i + 1]) });
    } else if (p === "not" && i + 1 < parts.length) {
      out.push({ at: parts.slice(0, i + 1).join("/"), branch: -1 });
    }
  }
  return out;
}
function isPrefixPath(prefix, path2) {
  return path2 === prefix || path2.startsWith(prefix + "/");
}
function selectErrors(errors) {
  const combinators = errors.filter((e) => e.keyword === "anyOf" || e.keyword === "oneOf");
  const bestBranch = /* @__PURE__ */ new Map();
  for (const c of combinators) {
    const noneValid = c.keyword === "anyOf" || !c.params.passingSchemas;
    if (!noneValid) {
      bestBranch.set(c, -2);
      continue;
    }
    const counts = /* @__PURE__ */ new Map();
    const prefix = c.schemaPath + "/";
    const depth = frames(c.schemaPath).length + 1;
    for (const e of errors) {
      if (e === c || !e.schemaPath.startsWith(prefix) || !isPrefixPath(c.instancePath, e.instancePath)) continue;
      if (frames(e.schemaPath).length !== depth) continue;
      const branch = Number(e.schemaPath.slice(prefix.length).split("/")[0]);
      counts.set(branch, (counts.get(branch) ?? 0) + 1);
    }
    let best = -1;
    let bestCount = Infinity;
    for (const [b, n] of [...counts].sort((a, b2) => a[0] - b2[0])) {
      if (n < bestCount) {
        best = b;
        bestCount = n;
      }
    }
    bestBranch.set(c, best);
  }
  const kept = errors.filter((e) => {
    for (const f of frames(e.schemaPath)) {
      if (f.branch === -1) return false;
      const owner = combinators.find((c) => c.schemaPath === f.at && isPrefixPath(c.instancePath, e.instancePath));
      if (!owner || bestBranch.get(owner) !== f.branch) return false;
    }
    return true;
  });
  const composites = kept.filter((e) => e.keyword === "anyOf" || e.keyword === "oneOf").sort((a, b) => frames(a.schemaPath).length - frames(b.schemaPath).length);
  for (const c of composites) {
    const from = kept.indexOf(c);
    const first = kept.findIndex(
      (e) => e !== c && e.schemaPath.startsWith(c.schemaPath + "/") && isPrefixPath(c.instancePath, e.instancePath)
    );
    if (first === -1 || first > from) continue;
    kept.splice(from, 1);
    kept.splice(first, 0, c);
  }
  return kept;
}
function ajvCauses(errors, body) {
  const located = selectErrors(errors).map((e) => locate(e, body));
  const typeInvalid = /* @__PURE__ */ new Set();
  for (const l of located) if (l.error.keyword === "type") typeInvalid.add(fieldPath(l.segments));
  const causes = [];
  for (const l of located) {
    const field = fieldPath(l.segments);
    if (l.error.keyword !== "type" && l.error.keyword !== "required" && typeInvalid.has(field)) continue;
    const cause = toCause(l, field);
    if (cause) causes.push(cause);
  }
  return causes;
}
function toCause({ error, data }, field) {
  const p = error.params;
  const invalid2 = (detail, value = data) => ({
    reason: "FieldValueInvalid",
    field,
    message: `Invalid value: ${goValue(value)}: ${field} in body ${detail}`
  });
  const composite = (detail) => ({
    reason: "FieldValueInvalid",
    field: "<nil>",
    message: `Invalid value: "": ${goQuote(field)} ${detail}`
  });
  switch (error.keyword) {
    case "type": {
      const actual = jsonType(data);
      const expected = String(p.type).split(",").filter((t) => t !== "null").join(",");
      return {
        reason: "FieldValueTypeInvalid",
        field,
        message: `Invalid value: ${goQuote(actual)}: ${field} in body must be of type ${expected}: ${goQuote(actual)}`
      };
    }
    case "format":
      return {
        reason: "FieldValueTypeInvalid",
        field,
        message: `Invalid value: ${goValue(data)}: ${field} in body must be of type ${String(p.format)}: ${goQuote(String(data))}`
      };
    case "required": {
      const child = join(field, String(p.missingProperty));
      return { reason: "FieldValueRequired", field: child, message: "Required value" };
    }
    case "enum": {
      const values = p.allowedValues.filter((v) => v !== null).map((v) => goQuote(typeof v === "string" ? v : JSON.stringify(v)));
      return {
        reason: "FieldValueNotSupported",
        field,
        message: `Unsupported value: ${goValue(data)}${values.length ? `: supported values: ${values.join(", ")}` : ""}`
      };
    }
    case "maxLength":
      return { reason: "FieldValueTooLong", field, message: `Too long: may not be more than ${String(p.limit)} bytes` };
    case "maxItems":
      return {
        reason: "FieldValueTooMany",
        field,
        message: `Too many: ${Array.isArray(data) ? data.length : "?"}: must have at most ${String(p.limit)} items`
      };
    case "maxProperties":
      return {
        reason: "FieldValueTooMany",
        field,
        message: `Too many: ${isObject(data) ? Object.keys(data).length : "?"}: must have at most ${String(p.limit)} items`
      };
    case "minLength":
      return invalid2(`should be at least ${String(p.limit)} chars long`);
    case "pattern":
      return invalid2(`should match '${String(p.pattern)}'`);
    case "minimum":
    case "maximum":
    case "exclusiveMinimum":
    case "exclusiveMaximum": {
      const words = {
        ">=": "greater than or equal to",
        ">": "greater than",
        "<=": "less than or equal to",
        "<": "less than"
      };
      const limit = Number(p.limit);
      return invalid2(`should be ${words[String(p.comparison)]} ${Number.isInteger(data) ? String(Math.trunc(limit)) : goFloat(limit)}`);
    }
    case "multipleOf":
      return invalid2(`should be a multiple of ${goFloat(Number(p.multipleOf))}`);
    case "minItems":
      return invalid2(`should have at least ${String(p.limit)} items`, Array.isArray(data) ? data.length : data);
    case "minProperties":
      return invalid2(`should have at least ${String(p.limit)} properties`, isObject(data) ? Object.keys(data).length : data);
    case "uniqueItems":
      return invalid2(`shouldn't contain duplicates`, "");
    case "anyOf":
      return composite("must validate at least one schema (anyOf)");
    case "oneOf": {
      const passing = p.passingSchemas;
      const n = Array.isArray(passing) ? passing.length : 0;
      return composite(`must validate one and only one schema (oneOf). ${n ? `Found ${n} valid alternatives` : "Found none valid"}`);
    }
    case "not":
      return composite("must not validate the schema (not)");
    default:
      return invalid2(`failed ${error.keyword} validation`);
  }
}
function listCauses(body, node) {
  const out = [];
  walkLists(body, node, "", out);
  return out;
}
function walkLists(x, s, path2, out) {
  if (!s || !s.listsBelow) return;
  if (Array.isArray(x)) {
    if (s.listType === "set") checkSet(x, path2, out);
    else if (s.listType === "map") checkMap(x, s.listMapKeys ?? [], path2, out);
    for (let i = 0; i < x.length; i++) walkLists(x[i], s.items, `${path2}[${i}]`, out);
    return;
  }
  if (!isObject(x)) return;
  for (const [k, v] of Object.entries(x)) {
    const prop = s.properties?.get(k);
    if (prop) walkLists(v, prop, join(path2, k), out);
    else if (s.additional) walkLists(v, s.additional, `${path2}[${k}]`, out);
  }
}
function duplicates(keys) {
  const seen = /* @__PURE__ */ new Map();
  const dup = [];
  keys.forEach((k, i) => {
    const id = k === MISSING ? "\0missing" : canonical(k);
    const times = seen.get(id) ?? 0;
    if (times === 1) dup.push(i);
    seen.set(id, times + 1);
  });
  return dup;
}
var MISSING = /* @__PURE__ */ Symbol("missing");
function canonical(v) {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (isObject(v)) {
    return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(",")}}`;
  }
  return JSON.stringify(v) ?? "null";
}
function checkSet(x, path2, out) {
  for (const i of duplicates(x)) {
    out.push({ reason: "FieldValueDuplicate", field: `${path2}[${i}]`, message: `Duplicate value: ${goValue(x[i])}` });
  }
}
function checkMap(x, mapKeys, path2, out) {
  for (let i = 0; i < x.length; i++) {
    const item = x[i];
    if (item !== null && !isObject(item)) {
      out.push({
        reason: "FieldValueInvalid",
        field: `${path2}[${i}]`,
        message: `Invalid value: ${goValue(item)}: must be an object for an array of list-type map`
      });
      return;
    }
  }
  const keys = x.map((item) => {
    const key = {};
    if (isObject(item)) {
      for (const k of mapKeys) if (k in item) key[k] = item[k];
    }
    return mapKeys.length === 1 && !(isObject(item) && mapKeys[0] in item) ? MISSING : key;
  });
  for (const i of duplicates(keys)) {
    const key = keys[i];
    out.push({
      reason: "FieldValueDuplicate",
      field: `${path2}[${i}]`,
      message: `Duplicate value: ${goValue(key === MISSING ? {} : key)}`
    });
  }
}
function jsonType(v) {
  if (v === null || v === void 0) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
  return typeof v;
}
function goQuote(s) {
  return JSON.stringify(s).replace(/\\u00([0-1][0-9a-f])/g, (_, h) => {
    const named = { "07": "\\a", "0b": "\\v" };
    return named[h] ?? `\\x${h}`;
  }).replace(/\x7f/g, "\\x7f").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}
function goFloat(n) {
  if (!Number.isFinite(n)) return n > 0 ? "+Inf" : n < 0 ? "-Inf" : "NaN";
  if (n === 0) return "0";
  const [mantissa, expPart] = n.toExponential().split("e");
  const exp = Number(expPart);
  if (exp < -4 || exp >= 6) {
    const e = Math.abs(exp);
    return `${mantissa}e${exp < 0 ? "-" : "+"}${e < 10 ? "0" : ""}${e}`;
  }
  return String(n);
}
function goValue(v) {
  if (v === null || v === void 0) return "null";
  if (typeof v === "string") return goQuote(v);
  if (typeof v === "number") return Number.isInteger(v) ? String(v) : goFloat(v);
  if (typeof v === "boolean") return String(v);
  return goSharp(v);
}
function goSharp(v) {
  if (v === null || v === void 0) return "interface {}(nil)";
  if (typeof v === "string") return goQuote(v);
  if (typeof v === "number") return Number.isInteger(v) ? String(v) : goFloat(v);
  if (typeof v === "boolean") return String(v);
  if (Array.isArray(v)) return `[]interface {}{${v.map(goSharp).join(", ")}}`;
  if (isObject(v)) {
    const entries = Object.keys(v).sort().map((k) => `${goQuote(k)}:${goSharp(v[k])}`);
    return `map[string]interface {}{${entries.join(", ")}}`;
  }
  return String(v);
}
function dedupe(causes) {
  const seen = /* @__PURE__ */ new Set();
  return causes.filter((c) => {
    const key = `${c.reason}\0${c.field}\0${c.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
function isObject(v) {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
function isPlain(v) {
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}
function join(path2, key) {
  return path2 ? `${path2}.${key}` : key;
}
function deepCopy(v) {
  if (Array.isArray(v)) return v.map(deepCopy);
  if (isObject(v) && isPlain(v)) {
    const out = {};
    for (const k of Object.keys(v)) if (v[k] !== void 0) out[k] = deepCopy(v[k]);
    return out;
  }
  return v;
}

// source/sim/selectors.ts
function parseLabelSelector(selector) {
  if (!selector || !selector.trim()) return () => true;
  const requirements = splitTopLevel(selector).map(parseRequirement);
  return (object) => {
    const labels = object.metadata.labels ?? {};
    return requirements.every((r) => matches(r, labels));
  };
}
function splitTopLevel(selector) {
  const parts = [];
  let depth = 0;
  let current = "";
  for (const ch of selector) {
    if (ch === "(") depth++;
    if (ch === ")") depth--;
    if (ch === "," && depth === 0) {
      parts.push(current.trim());
      current = "";
    } else current += ch;
  }
  if (current.trim()) parts.push(current.trim());
  return parts;
}
function parseRequirement(text2) {
  let m = /^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(text2);
  if (m) return { key: m[1], op: m[2], values: m[3].split(",").map((v) => v.trim()) };
  m = /^([^=!\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(text2);
  if (m) return { key: m[1], op: m[2] === "!=" ? "!=" : "=", values: [m[3]] };
  m = /^!\s*(\S+)$/.exec(text2);
  if (m) return { key: m[1], op: "!exists", values: [] };
  m = /^([A-Za-z0-9._\/-]+)$/.exec(text2);
  if (m) return { key: m[1], op: "exists", values: [] };
  throw badRequest(`unable to parse requirement: found '${text2}', expected: in, notin, =, ==, !=, gt, lt`);
}
function matches(r, labels) {
  const has = Object.prototype.hasOwnProperty.call(labels, r.key);
  const value = labels[r.key];
  switch (r.op) {
    case "exists":
      return has;
    case "!exists":
      return !has;
    case "=":
      return has && value === r.values[0];
    case "!=":
      return !has || value !== r.values[0];
    case "in":
      return has && r.values.includes(value);
    case "notin":
      return !has || !r.values.includes(value);
  }
}
function parseFieldSelector(selector) {
  if (!selector || !selector.trim()) return () => true;
  const terms = selector.split(",").map((term) => {
    const m = /^([A-Za-z0-9.]+)\s*(==|=|!=)\s*(.*)$/.exec(term.trim());
    if (!m) throw badRequest(`invalid selector: '${selector}'; can't understand '${term}'`);
    return { path: m[1].split("."), negate: m[2] === "!=", value: m[3] };
  });
  return (object) => terms.every((t) => {
    let cursor = object;
    for (const segment of t.path) cursor = cursor?.[segment];
    const actual = cursor === void 0 || cursor === null ? "" : String(cursor);
    return t.negate ? actual !== t.value : actual === t.value;
  });
}

// source/sim/store.ts
import { randomUUID } from "node:crypto";
var EVENT_HISTORY = 2e4;
var ObjectStore = class {
  revision = 0;
  objects = /* @__PURE__ */ new Map();
  sortedKeys = /* @__PURE__ */ new Map();
  history = [];
  listeners = /* @__PURE__ */ new Set();
  get resourceVersion() {
    return this.revision;
  }
  /** The oldest resourceVersion a watch may resume from. */
  get oldestWatchableVersion() {
    return this.history.length === 0 ? this.revision : this.history[0].resourceVersion - 1;
  }
  newUid() {
    return randomUUID();
  }
  get(typeKey2, namespace, name) {
    return this.objects.get(typeKey2)?.get(objectKey(namespace, name));
  }
  /** Objects of one kind, ordered by namespace then name (etcd key order), optionally after a key. */
  list(typeKey2, namespace) {
    const bucket = this.objects.get(typeKey2);
    if (!bucket) return [];
    const keys = this.keysOf(typeKey2, bucket);
    const out = [];
    if (namespace === void 0) {
      for (const key of keys) out.push(bucket.get(key));
    } else {
      const prefix = `${namespace}/`;
      for (const key of keys) if (key.startsWith(prefix)) out.push(bucket.get(key));
    }
    return out;
  }
  /** Stores a new or changed object, stamping the next resourceVersion. */
  put(typeKey2, object) {
    const bucket = this.objects.get(typeKey2) ?? /* @__PURE__ */ new Map();
    this.objects.set(typeKey2, bucket);
    const key = objectKey(object.metadata.namespace ?? "", object.metadata.name);
    const existed = bucket.has(key);
    this.revision++;
    object.metadata.resourceVersion = String(this.revision);
    bucket.set(key, object);
    if (!existed) this.sortedKeys.delete(typeKey2);
    this.emit({ type: existed ? "MODIFIED" : "ADDED", typeKey: typeKey2, resourceVersion: this.revision, object });
    return object;
  }
  remove(typeKey2, namespace, name) {
    const bucket = this.objects.get(typeKey2);
    const key = objectKey(namespace, name);
    const object = bucket?.get(key);
    if (!bucket || !object) return void 0;
    bucket.delete(key);
    this.sortedKeys.delete(typeKey2);
    this.revision++;
    const removed = { ...object, metadata: { ...object.metadata, resourceVersion: String(this.revision) } };
    this.emit({ type: "DELETED", typeKey: typeKey2, resourceVersion: this.revision, object: removed });
    return removed;
  }
  /** Everything needed to bring the store back later, as plain JSON. */
  snapshot() {
    const objects = [];
    for (const [typeKey2, bucket] of this.objects) for (const object of bucket.values()) objects.push({ typeKey: typeKey2, object });
    return { revision: this.revision, objects };
  }
  /** Loads a snapshot into an empty store, keeping uids and resourceVersions; emits no events. */
  restore(snapshot) {
    for (const { typeKey: typeKey2, object } of snapshot.objects) {
      const bucket = this.objects.get(typeKey2) ?? /* @__PURE__ */ new Map();
      this.objects.set(typeKey2, bucket);
      bucket.set(objectKey(object.metadata.namespace ?? "", object.metadata.name), object);
      this.sortedKeys.delete(typeKey2);
    }
    this.revision = Math.max(this.revision, snapshot.revision);
  }
  /** Every stored object, for garbage collection and namespace clean-up. */
  *entries() {
    for (const [typeKey2, bucket] of this.objects) for (const object of bucket.values()) yield [typeKey2, object];
  }
  /** Events after `resourceVersion`, or undefined when history no longer reaches back that far. */
  eventsSince(resourceVersion) {
    if (resourceVersion < this.oldestWatchableVersion) return void 0;
    return this.history.filter((e) => e.resourceVersion > resourceVersion);
  }
  subscribe(listener) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  emit(event) {
    this.history.push(event);
    if (this.history.length > EVENT_HISTORY) this.history.splice(0, this.history.length - EVENT_HISTORY);
    for (const listener of this.listeners) listener(event);
  }
  keysOf(typeKey2, bucket) {
    let keys = this.sortedKeys.get(typeKey2);
    if (!keys) {
      keys = [...bucket.keys()].sort();
      this.sortedKeys.set(typeKey2, keys);
    }
    return keys;
  }
};
function objectKey(namespace, name) {
  return `${namespace}/${name}`;
}

// source/sim/strategic-merge.ts
var CONTAINER = {
  env: "name",
  ports: "containerPort",
  volumeMounts: "mountPath",
  volumeDevices: "devicePath"
};
var POD_SPEC = {
  volumes: "name",
  imagePullSecrets: "name",
  hostAliases: "ip",
  topologySpreadConstraints: "topologyKey",
  schedulingGates: "name",
  resourceClaims: "name",
  ...Object.fromEntries(
    ["containers", "initContainers", "ephemeralContainers"].flatMap((list) => [
      [list, "name"],
      ...Object.entries(CONTAINER).map(([field, key]) => [`${list}.${field}`, key])
    ])
  )
};
var prefixed = (prefix, table) => Object.fromEntries(Object.entries(table).map(([path2, key]) => [`${prefix}.${path2}`, key]));
var COMMON = {
  "metadata.ownerReferences": "uid",
  "metadata.finalizers": "",
  "status.conditions": "type"
};
var WORKLOAD = { ...COMMON, ...prefixed("spec.template.spec", POD_SPEC) };
var WEBHOOKS = { ...COMMON, webhooks: "name" };
var TABLES = {
  Pod: { ...COMMON, ...prefixed("spec", POD_SPEC), "status.podIPs": "ip", "status.hostIPs": "ip" },
  Deployment: WORKLOAD,
  ReplicaSet: WORKLOAD,
  StatefulSet: WORKLOAD,
  DaemonSet: WORKLOAD,
  Service: { ...COMMON, "spec.ports": "port" },
  // Upstream NodeSpec.taints carries no patch strategy, so a real server replaces the list.
  Node: { ...COMMON, "status.addresses": "type" },
  ServiceAccount: { ...COMMON, secrets: "name" },
  MutatingWebhookConfiguration: WEBHOOKS,
  ValidatingWebhookConfiguration: WEBHOOKS,
  Namespace: COMMON,
  ConfigMap: COMMON,
  Secret: COMMON,
  NetworkPolicy: COMMON,
  CustomResourceDefinition: COMMON,
  EndpointSlice: COMMON,
  CSIDriver: COMMON
};
function supportsStrategicMerge(kind) {
  return Object.hasOwn(TABLES, kind);
}
function strategicMergePatch(original, patch, kind) {
  if (!supportsStrategicMerge(kind)) {
    throw new StatusError(
      415,
      "UnsupportedMediaType",
      "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml"
    );
  }
  if (!isObj(patch)) throw badRequest("strategic merge patch body must be a JSON object");
  return new Merger(TABLES[kind]).map(structuredClone(original), patch, "") ?? {};
}
var isObj = (v) => typeof v === "object" && v !== null && !Array.isArray(v);
var same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
var join2 = (path2, field) => path2 ? `${path2}.${field}` : field;
var SET_ORDER = "$setElementOrder/";
var DELETE_PRIMITIVES = "$deleteFromPrimitiveList/";
var isDirective = (k) => k === "$patch" || k === "$retainKeys" || k.startsWith(SET_ORDER) || k.startsWith(DELETE_PRIMITIVES);
var Merger = class {
  constructor(keys) {
    this.keys = keys;
  }
  keys;
  /** Merges `patch` into `original` (which it may modify). `undefined` means the map is deleted. */
  map(original, patch, path2) {
    const directive = patch.$patch;
    if (directive === "delete") return void 0;
    if (directive === "replace") {
      const { $patch: _, ...rest } = patch;
      return this.map({}, rest, path2);
    }
    if (directive !== void 0 && directive !== "merge") throw badRequest(`Unknown patch type: ${String(directive)}`);
    const result = original;
    if (Array.isArray(patch.$retainKeys)) {
      for (const k of Object.keys(result)) if (!patch.$retainKeys.includes(k)) delete result[k];
    }
    for (const [k, values] of Object.entries(patch)) {
      if (!k.startsWith(DELETE_PRIMITIVES) || !Array.isArray(values)) continue;
      const field = k.slice(DELETE_PRIMITIVES.length);
      const list = result[field];
      if (Array.isArray(list)) result[field] = list.filter((item) => !values.some((v) => same(v, item)));
    }
    const before = { ...result };
    for (const [k, v] of Object.entries(patch)) {
      if (isDirective(k)) continue;
      if (v === null) {
        delete result[k];
        continue;
      }
      const merged = this.value(result[k], v, join2(path2, k));
      if (merged === void 0) delete result[k];
      else result[k] = merged;
    }
    for (const [k, order] of Object.entries(patch)) {
      if (!k.startsWith(SET_ORDER) || !Array.isArray(order)) continue;
      const field = k.slice(SET_ORDER.length);
      const list = result[field];
      if (!Array.isArray(list)) continue;
      const key = this.keys[join2(path2, field)] ?? "";
      const old = Array.isArray(before[field]) ? before[field] : [];
      result[field] = reorder(list, order, old, key);
    }
    return result;
  }
  value(original, patch, path2) {
    if (isObj(patch)) return this.map(isObj(original) ? original : {}, patch, path2);
    if (!Array.isArray(patch)) return patch;
    const key = this.keys[path2];
    const base = Array.isArray(original) ? original : [];
    if (key === void 0) return this.rebuild(patch, path2);
    if (key === "") {
      const union = [...base];
      for (const p of patch) if (!union.some((o) => same(o, p))) union.push(p);
      return union;
    }
    return this.mergeByKey(base, patch, key, path2);
  }
  /** A list taken from the patch as is, minus nulls and directives inside its elements. */
  rebuild(items, path2) {
    return items.map((item) => this.value(void 0, item, path2)).filter((item) => item !== void 0);
  }
  mergeByKey(original, patch, key, path2) {
    const elements = patch.map((e) => {
      if (!isObj(e)) throw badRequest(`list at ${path2} must hold objects with merge key "${key}"`);
      return e;
    });
    if (elements.some((e) => e.$patch === "replace")) {
      return this.rebuild(elements.filter((e) => e.$patch === void 0), path2);
    }
    let result = [...original];
    for (const e of elements) {
      if (!(key in e)) throw badRequest(`map: ${JSON.stringify(e)} does not contain declared merge key: ${key}`);
      if (e.$patch === "delete") {
        result = result.filter((o) => !(isObj(o) && same(o[key], e[key])));
        continue;
      }
      const at = result.findIndex((o) => isObj(o) && same(o[key], e[key]));
      const merged = this.map(at >= 0 ? result[at] : {}, e, path2);
      if (at >= 0) {
        if (merged === void 0) result.splice(at, 1);
        else result[at] = merged;
      } else if (merged !== void 0) result.push(merged);
    }
    return result;
  }
};
function reorder(list, order, live, key) {
  const id = (v) => JSON.stringify(key && isObj(v) ? v[key] : v);
  const wanted = order.map(id);
  const liveAt = (v) => live.findIndex((l) => id(l) === id(v));
  const ordered = list.filter((v) => wanted.includes(id(v))).sort((a, b) => wanted.indexOf(id(a)) - wanted.indexOf(id(b)));
  const others = list.filter((v) => !wanted.includes(id(v)));
  const out = [];
  let i = 0;
  let j = 0;
  const earlier = (a, b) => liveAt(a) >= 0 && liveAt(b) >= 0 && liveAt(a) < liveAt(b);
  while (i < others.length || j < ordered.length) {
    if (j >= ordered.length || i < others.length && earlier(others[i], ordered[j])) out.push(others[i++]);
    else out.push(ordered[j++]);
  }
  return out;
}

// source/sim/cluster.ts
var PATCH_TYPES = {
  json: "application/json-patch+json",
  merge: "application/merge-patch+json",
  strategic: "application/strategic-merge-patch+json",
  apply: "application/apply-patch+yaml"
};
var DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
var SimCluster = class {
  registry = new TypeRegistry();
  store = new ObjectStore();
  admissionHooks = [];
  /** Pods on a node go through Terminating when deleted; only when a kubelet controller runs to end it. */
  gracefulPodDeletion = false;
  /** The clock; tests may replace it. */
  now = () => /* @__PURE__ */ new Date();
  validators = /* @__PURE__ */ new Map();
  nextClusterIp = 10;
  /** Brings back a cluster saved with `store.snapshot()`: its objects and the kinds its CRDs define. */
  restore(snapshot) {
    this.store.restore(snapshot);
    for (const object of this.store.list(typeKey("apiextensions.k8s.io", "customresourcedefinitions"))) this.registry.registerCrd(object);
  }
  typeFor(group, plural) {
    const type2 = this.registry.byResource(group, plural);
    if (!type2) throw new StatusError(404, "NotFound", "the server could not find the requested resource");
    return type2;
  }
  typeForKind(apiVersion, kind) {
    const { group } = splitApiVersion(apiVersion);
    const type2 = this.registry.byKind(group, kind);
    if (!type2) throw badRequest(`no matches for kind "${kind}" in version "${apiVersion}"`);
    return type2;
  }
  // ---- reads -------------------------------------------------------------------------------------
  get(type2, namespace, name, version = type2.versions[0]) {
    const object = this.store.get(typeKey(type2.group, type2.plural), type2.namespaced ? namespace : "", name);
    if (!object) throw notFound(type2.plural, type2.group, name);
    return this.present(type2, object, version);
  }
  tryGet(type2, namespace, name) {
    return this.store.get(typeKey(type2.group, type2.plural), type2.namespaced ? namespace : "", name);
  }
  list(type2, options = {}, version = type2.versions[0]) {
    const labels = parseLabelSelector(options.labelSelector);
    const fields2 = parseFieldSelector(options.fieldSelector);
    const all = this.store.list(typeKey(type2.group, type2.plural), type2.namespaced ? options.namespace : void 0);
    let start = 0;
    let listVersion = String(this.store.resourceVersion);
    if (options.continueToken) {
      const token = decodeContinue(options.continueToken);
      listVersion = token.rv;
      start = lowerBound(all, token.start);
    }
    const items = [];
    let index = start;
    const limit = options.limit && options.limit > 0 ? options.limit : Infinity;
    for (; index < all.length && items.length < limit; index++) {
      const object = all[index];
      if (labels(object) && fields2(object)) items.push(this.present(type2, object, version));
    }
    let continueToken;
    let remainingItemCount;
    if (index < all.length) {
      const rest = all.slice(index).filter((o) => labels(o) && fields2(o)).length;
      if (rest > 0) {
        continueToken = encodeContinue(listVersion, keyOf(all[index]));
        if (!options.labelSelector && !options.fieldSelector) remainingItemCount = rest;
      }
    }
    return { items, resourceVersion: listVersion, continueToken, remainingItemCount };
  }
  /** The stored object shown at the requested version: Istio and Gateway API CRDs convert with `None`. */
  present(type2, object, version) {
    const copy = structuredClone(object);
    copy.apiVersion = apiVersionOf(type2.group, version);
    copy.kind = type2.kind;
    return copy;
  }
  // ---- writes ------------------------------------------------------------------------------------
  create(type2, namespace, body, options = {}) {
    const version = this.versionOf(type2, body);
    const object = structuredClone(body);
    object.metadata ??= {};
    this.checkNamespace(type2, namespace, object);
    if (!object.metadata.name && object.metadata.generateName) {
      object.metadata.name = `${object.metadata.generateName}${randomSuffix()}`;
    }
    const name = object.metadata.name;
    if (!name) {
      throw invalid(type2.kind, type2.group, "", [
        { reason: "FieldValueRequired", field: "metadata.name", message: "Required value: name or generateName is required" }
      ]);
    }
    this.checkName(type2, name);
    if (this.tryGet(type2, namespace, name)) throw alreadyExists(type2.plural, type2.group, name);
    const now = this.now().toISOString().replace(/\.\d+Z$/, "Z");
    object.apiVersion = apiVersionOf(type2.group, version);
    object.kind = type2.kind;
    object.metadata.uid = this.store.newUid();
    object.metadata.creationTimestamp = now;
    object.metadata.generation = 1;
    delete object.metadata.resourceVersion;
    delete object.metadata.deletionTimestamp;
    delete object.metadata.deletionGracePeriodSeconds;
    if (type2.namespaced) object.metadata.namespace = namespace;
    else delete object.metadata.namespace;
    if (!type2.builtin && type2.subresources.includes("status")) delete object.status;
    const warnings = this.validate(type2, version, object, options);
    const validated = warnings.object;
    this.applyBuiltinDefaults(type2, validated);
    for (const hook of this.admissionHooks) hook(type2, validated, this);
    const recorded = recordUpdate({
      before: void 0,
      after: validated,
      manager: options.fieldManager ?? "unknown",
      apiVersion: validated.apiVersion,
      semantics: listSemanticsFor(type2, version),
      now
    });
    if (options.dryRun) return { object: recorded, created: true, warnings: warnings.messages };
    const stored = this.store.put(typeKey(type2.group, type2.plural), recorded);
    this.afterWrite(type2, void 0, stored);
    return { object: this.present(type2, stored, version), created: true, warnings: warnings.messages };
  }
  update(type2, namespace, name, body, options = {}) {
    const current = this.tryGet(type2, namespace, name);
    if (!current) throw notFound(type2.plural, type2.group, name);
    if (body.metadata?.name && body.metadata.name !== name) {
      throw badRequest(`the name of the object (${body.metadata.name}) does not match the name on the URL (${name})`);
    }
    const rv = body.metadata?.resourceVersion;
    if (rv && rv !== current.metadata.resourceVersion) throw conflict(type2.plural, type2.group, name);
    return this.replace(type2, current, structuredClone(body), options);
  }
  patch(type2, namespace, name, contentType, patchBody, options = {}) {
    const current = this.tryGet(type2, namespace, name);
    const mediaType = contentType.split(";")[0].trim();
    if (mediaType === PATCH_TYPES.apply) return this.apply(type2, namespace, name, current, patchBody, options);
    if (!current) throw notFound(type2.plural, type2.group, name);
    const version = this.versionFromOptions(type2, options);
    const base = this.present(type2, current, version);
    let patched;
    const body = parseJson(patchBody);
    switch (mediaType) {
      case PATCH_TYPES.merge:
        patched = mergePatch(base, body);
        break;
      case PATCH_TYPES.json: {
        if (!Array.isArray(body)) throw badRequest("json: cannot unmarshal object into Go value of type jsonpatch.Patch");
        try {
          patched = fastJsonPatch.applyPatch(base, body, true, false).newDocument;
        } catch (error) {
          throw new StatusError(422, "Invalid", `the server rejected our request due to an error in our request: ${error.message.split("\n")[0]}`);
        }
        break;
      }
      case PATCH_TYPES.strategic:
        if (!type2.builtin || !supportsStrategicMerge(type2.kind)) {
          throw new StatusError(
            415,
            "UnsupportedMediaType",
            "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml"
          );
        }
        patched = strategicMergePatch(base, body, type2.kind);
        break;
      default:
        throw new StatusError(
          415,
          "UnsupportedMediaType",
          `the body of the request was in an unknown format - accepted media types include: ${Object.values(PATCH_TYPES).join(", ")}`
        );
    }
    const rv = patched.metadata?.resourceVersion;
    if (rv && rv !== current.metadata.resourceVersion) throw conflict(type2.plural, type2.group, name);
    if (patched.metadata?.name !== name) throw badRequest("metadata.name: Invalid value: the name of a patched object cannot change");
    return this.replace(type2, current, patched, options);
  }
  /**
   * The `scale` subresource as an autoscaling/v1 Scale: `kubectl scale` PATCHes `.../scale` and decodes the
   * answer as a Scale, failing with "no kind Deployment is registered" when it gets the workload back.
   */
  getScale(type2, namespace, name) {
    const object = this.tryGet(type2, namespace, name);
    if (!object) throw notFound(type2.plural, type2.group, name);
    return toScale(object);
  }
  /** PUT (contentType undefined) or PATCH of a Scale: only `spec.replicas` reaches the workload. */
  writeScale(type2, namespace, name, contentType, body, options = {}) {
    const current = this.tryGet(type2, namespace, name);
    if (!current) throw notFound(type2.plural, type2.group, name);
    const scale = toScale(current);
    const parsed = parseJson(body);
    const mediaType = contentType?.split(";")[0].trim();
    let next;
    if (mediaType === void 0 || mediaType === PATCH_TYPES.merge || mediaType === PATCH_TYPES.strategic) {
      next = mediaType === void 0 ? parsed : mergePatch(scale, parsed);
    } else if (mediaType === PATCH_TYPES.json && Array.isArray(parsed)) {
      try {
        next = fastJsonPatch.applyPatch(scale, parsed, true, false).newDocument;
      } catch (error) {
        throw new StatusError(422, "Invalid", `the server rejected our request due to an error in our request: ${error.message.split("\n")[0]}`);
      }
    } else {
      throw new StatusError(415, "UnsupportedMediaType", `the body of the request was in an unknown format - accepted media types include: ${PATCH_TYPES.json}, ${PATCH_TYPES.merge}, ${PATCH_TYPES.strategic}`);
    }
    const rv = next?.metadata?.resourceVersion;
    if (rv && rv !== current.metadata.resourceVersion) throw conflict(type2.plural, type2.group, name);
    const replicas2 = next?.spec?.replicas ?? 0;
    if (typeof replicas2 !== "number" || !Number.isInteger(replicas2) || replicas2 < 0) {
      throw invalid("Scale", "autoscaling", name, [
        { reason: "FieldValueInvalid", field: "spec.replicas", message: `Invalid value: ${JSON.stringify(replicas2)}: must be greater than or equal to 0` }
      ]);
    }
    const result = this.patch(type2, namespace, name, PATCH_TYPES.merge, JSON.stringify({ spec: { replicas: replicas2 } }), { ...options, subresource: "scale" });
    return { ...result, object: toScale(result.object) };
  }
  apply(type2, namespace, name, current, patchBody, options) {
    if (!options.fieldManager) {
      throw badRequest("PATCH, application/apply-patch+yaml requires fieldManager to be set");
    }
    let applied;
    try {
      applied = yaml.load(patchBody);
    } catch (error) {
      throw badRequest(`error decoding YAML: ${error.message}`);
    }
    if (!applied || typeof applied !== "object") throw badRequest("the apply configuration is empty");
    if (!applied.apiVersion || !applied.kind) throw badRequest("apiVersion and kind must be set in an apply configuration");
    if (applied.metadata?.name && applied.metadata.name !== name) {
      throw badRequest(`the name of the object (${applied.metadata.name}) does not match the name on the URL (${name})`);
    }
    applied.metadata = { ...applied.metadata, name };
    if (type2.namespaced) applied.metadata.namespace = namespace;
    const version = this.versionOf(type2, applied);
    const rv = applied.metadata.resourceVersion;
    if (rv && current && rv !== current.metadata.resourceVersion) throw conflict(type2.plural, type2.group, name);
    delete applied.metadata.resourceVersion;
    const merged = serverSideApply({
      live: current ? this.present(type2, current, version) : void 0,
      applied,
      manager: options.fieldManager,
      force: options.force ?? false,
      apiVersion: apiVersionOf(type2.group, version),
      semantics: listSemanticsFor(type2, version),
      subresource: options.subresource,
      now: this.now().toISOString().replace(/\.\d+Z$/, "Z")
    });
    if (!current) {
      const result = this.create(type2, namespace, merged, { ...options, fieldManager: options.fieldManager });
      const fields2 = merged.metadata.managedFields;
      if (!options.dryRun) {
        const stored = this.tryGet(type2, namespace, name);
        const withFields = { ...stored, metadata: { ...stored.metadata, managedFields: fields2 } };
        this.store.put(typeKey(type2.group, type2.plural), withFields);
        return { ...result, object: this.present(type2, withFields, version) };
      }
      return { ...result, object: { ...result.object, metadata: { ...result.object.metadata, managedFields: fields2 } } };
    }
    return this.replace(type2, current, merged, { ...options, fieldManager: void 0 }, merged.metadata.managedFields);
  }
  /** The common tail of update and patch: status handling, validation, generation, managedFields. */
  replace(type2, current, next, options, managedFieldsFromApply) {
    const version = this.versionOf(type2, next);
    next.apiVersion = apiVersionOf(type2.group, version);
    next.kind = type2.kind;
    next.metadata = {
      ...next.metadata,
      name: current.metadata.name,
      namespace: current.metadata.namespace,
      uid: current.metadata.uid,
      creationTimestamp: current.metadata.creationTimestamp,
      generation: current.metadata.generation,
      resourceVersion: current.metadata.resourceVersion
    };
    if (current.metadata.deletionTimestamp) next.metadata.deletionTimestamp = current.metadata.deletionTimestamp;
    if (current.metadata.deletionGracePeriodSeconds !== void 0) next.metadata.deletionGracePeriodSeconds = current.metadata.deletionGracePeriodSeconds;
    else delete next.metadata.deletionGracePeriodSeconds;
    if (!current.metadata.namespace) delete next.metadata.namespace;
    const hasStatus = type2.subresources.includes("status");
    if (options.subresource === "status") {
      next = { ...structuredClone(current), status: next.status, metadata: { ...current.metadata } };
      if (managedFieldsFromApply) next.metadata.managedFields = managedFieldsFromApply;
    } else if (hasStatus) {
      if (current.status === void 0) delete next.status;
      else next.status = structuredClone(current.status);
    }
    const checked = this.validate(type2, version, next, options);
    next = checked.object;
    this.applyBuiltinDefaults(type2, next);
    if (specChanged(current, next)) next.metadata.generation = (current.metadata.generation ?? 1) + 1;
    const now = this.now().toISOString().replace(/\.\d+Z$/, "Z");
    if (managedFieldsFromApply) {
      next.metadata.managedFields = managedFieldsFromApply;
    } else {
      next = recordUpdate({
        before: current,
        after: next,
        manager: options.fieldManager ?? "unknown",
        apiVersion: next.apiVersion,
        semantics: listSemanticsFor(type2, version),
        subresource: options.subresource,
        now
      });
    }
    if (isDeepStrictEqual2(stripVolatile(next), stripVolatile(current))) {
      return { object: this.present(type2, current, version), created: false, warnings: checked.messages };
    }
    if (options.dryRun) return { object: next, created: false, warnings: checked.messages };
    const lastFinalizerRemoved = (current.metadata.finalizers ?? []).length > 0 && (next.metadata.finalizers ?? []).length === 0;
    if (next.metadata.deletionTimestamp && lastFinalizerRemoved && !next.metadata.deletionGracePeriodSeconds) {
      this.removeNow(type2, next);
      return { object: this.present(type2, next, version), created: false, warnings: checked.messages };
    }
    const stored = this.store.put(typeKey(type2.group, type2.plural), next);
    this.afterWrite(type2, current, stored);
    return { object: this.present(type2, stored, version), created: false, warnings: checked.messages };
  }
  delete(type2, namespace, name, options = {}) {
    const current = this.tryGet(type2, namespace, name);
    if (!current) throw notFound(type2.plural, type2.group, name);
    const pre = options.preconditions;
    if (pre?.resourceVersion && pre.resourceVersion !== current.metadata.resourceVersion) {
      throw conflict(type2.plural, type2.group, name);
    }
    if (pre?.uid && pre.uid !== current.metadata.uid) {
      throw new StatusError(
        409,
        "Conflict",
        `Operation cannot be fulfilled on ${qualifiedResource(type2.plural, type2.group)} "${name}": Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${current.metadata.uid}`
      );
    }
    if (options.dryRun) return this.present(type2, current, type2.versions[0]);
    const grace = options.gracePeriodSeconds ?? current.spec?.terminationGracePeriodSeconds ?? 30;
    if (type2.group === "" && type2.plural === "pods" && current.spec?.nodeName && grace > 0 && this.gracefulPodDeletion) {
      if (current.metadata.deletionTimestamp) return this.present(type2, current, type2.versions[0]);
      const marked = structuredClone(current);
      marked.metadata.deletionTimestamp = new Date(this.now().getTime() + grace * 1e3).toISOString().replace(/\.\d+Z$/, "Z");
      marked.metadata.deletionGracePeriodSeconds = grace;
      const stored = this.store.put(typeKey(type2.group, type2.plural), marked);
      return this.present(type2, stored, type2.versions[0]);
    }
    if ((current.metadata.finalizers ?? []).length > 0) {
      if (current.metadata.deletionTimestamp) return this.present(type2, current, type2.versions[0]);
      const marked = structuredClone(current);
      marked.metadata.deletionTimestamp = this.now().toISOString().replace(/\.\d+Z$/, "Z");
      const stored = this.store.put(typeKey(type2.group, type2.plural), marked);
      return this.present(type2, stored, type2.versions[0]);
    }
    const removed = this.removeNow(type2, current, options.propagationPolicy ?? "Background");
    return this.present(type2, removed, type2.versions[0]);
  }
  removeNow(type2, object, policy = "Background") {
    const key = typeKey(type2.group, type2.plural);
    const removed = this.store.remove(key, object.metadata.namespace ?? "", object.metadata.name);
    this.collectDependents(object.metadata.uid, policy);
    if (type2.kind === "Namespace") this.emptyNamespace(object.metadata.name);
    if (type2.kind === "CustomResourceDefinition") this.dropCustomResources(object);
    return removed;
  }
  /** What the garbage collector does for objects whose owner is gone. */
  collectDependents(ownerUid, policy) {
    const dependents = [];
    for (const [key, object] of this.store.entries()) {
      if (object.metadata.ownerReferences?.some((ref) => ref.uid === ownerUid)) dependents.push([key, object]);
    }
    for (const [key, object] of dependents) {
      const type2 = this.registry.all().find((t) => typeKey(t.group, t.plural) === key);
      if (!type2) continue;
      if (policy === "Orphan") {
        const orphan = structuredClone(object);
        orphan.metadata.ownerReferences = orphan.metadata.ownerReferences.filter((ref) => ref.uid !== ownerUid);
        this.store.put(key, orphan);
      } else if (this.tryGet(type2, object.metadata.namespace ?? "", object.metadata.name)) {
        this.removeNow(type2, object, policy);
      }
    }
  }
  emptyNamespace(namespace) {
    const doomed = [];
    for (const [key, object] of this.store.entries()) if (object.metadata.namespace === namespace) doomed.push([key, object]);
    for (const [key, object] of doomed) {
      if (this.store.get(key, namespace, object.metadata.name)) {
        this.store.remove(key, namespace, object.metadata.name);
        this.collectDependents(object.metadata.uid, "Background");
      }
    }
  }
  dropCustomResources(crd) {
    const spec2 = crd.spec;
    const key = typeKey(spec2.group, spec2.names.plural);
    for (const object of this.store.list(key)) this.store.remove(key, object.metadata.namespace ?? "", object.metadata.name);
    this.registry.unregisterCrd(crd);
  }
  // ---- helpers -----------------------------------------------------------------------------------
  afterWrite(type2, _before, after) {
    if (type2.kind === "CustomResourceDefinition") {
      this.registry.registerCrd(after);
      for (const key of [...this.validators.keys()]) if (key.startsWith(`${after.spec.names.plural}.`)) this.validators.delete(key);
      const established = structuredClone(after);
      const names = after.spec.names;
      const conditions = [
        { type: "NamesAccepted", status: "True", reason: "NoConflicts", message: "no conflicts found", lastTransitionTime: after.metadata.creationTimestamp },
        { type: "Established", status: "True", reason: "InitialNamesAccepted", message: "the initial names have been accepted", lastTransitionTime: after.metadata.creationTimestamp }
      ];
      const status2 = { acceptedNames: names, conditions, storedVersions: [(after.spec.versions.find((v) => v.storage) ?? { name: "" }).name] };
      if (!isDeepStrictEqual2(after.status, status2)) {
        established.status = status2;
        this.store.put(typeKey(type2.group, type2.plural), established);
      }
    }
  }
  checkNamespace(type2, namespace, object) {
    if (!type2.namespaced) return;
    if (object.metadata.namespace && object.metadata.namespace !== namespace) {
      throw badRequest("the namespace of the provided object does not match the namespace sent on the request");
    }
    const ns = this.store.get(typeKey("", "namespaces"), "", namespace);
    if (!ns) throw notFound("namespaces", "", namespace);
    if (ns.metadata.deletionTimestamp) {
      throw new StatusError(403, "Forbidden", `unable to create new content in namespace ${namespace} because it is being terminated`);
    }
  }
  checkName(type2, name) {
    if (name.length > 253 || !DNS_SUBDOMAIN.test(name)) {
      throw invalid(type2.kind, type2.group, name, [
        {
          reason: "FieldValueInvalid",
          field: "metadata.name",
          message: `Invalid value: "${name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`
        }
      ]);
    }
  }
  versionOf(type2, object) {
    if (!object.apiVersion) return type2.versions[0];
    const { group, version } = splitApiVersion(object.apiVersion);
    if (group !== type2.group || !type2.versions.includes(version) || object.kind && object.kind !== type2.kind) {
      throw badRequest(
        `the API version in the data (${object.apiVersion}) does not match the expected API version (${apiVersionOf(type2.group, type2.versions[0])})`
      );
    }
    return version;
  }
  versionFromOptions(type2, _options) {
    return type2.versions[0];
  }
  /** Schema validation for custom resources: defaults, pruning, and the fieldValidation mode. */
  validate(type2, version, object, options) {
    this.validateLabels(type2, object);
    if (type2.builtin) return { object, messages: [] };
    const validator = this.validatorFor(type2, version);
    const outcome = validator.validate(object);
    if (outcome.causes.length > 0) throw invalid(type2.kind, type2.group, object.metadata.name ?? "", outcome.causes);
    const mode = options.fieldValidation ?? "Warn";
    if (outcome.unknownFields.length > 0 && mode === "Strict") {
      throw badRequest(
        `${type2.kind} in version "${version}" cannot be handled as a ${type2.kind}: strict decoding error: ${outcome.unknownFields.map((f) => `unknown field "${f}"`).join(", ")}`
      );
    }
    const messages = mode === "Warn" ? outcome.unknownFields.map((f) => `unknown field "${f}"`) : [];
    return { object: outcome.object, messages };
  }
  validateLabels(type2, object) {
    const causes = [];
    for (const [key, value] of Object.entries(object.metadata.labels ?? {})) {
      if (typeof value !== "string" || value.length > 63 || !/^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/.test(value)) {
        causes.push({
          reason: "FieldValueInvalid",
          field: `metadata.labels`,
          message: `Invalid value: "${String(value)}": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`
        });
      }
      if (!/^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/.test(key)) {
        causes.push({ reason: "FieldValueInvalid", field: "metadata.labels", message: `Invalid value: "${key}": name part must consist of alphanumeric characters, '-', '_' or '.'` });
      }
    }
    if (causes.length > 0) throw invalid(type2.kind, type2.group, object.metadata.name ?? "", causes);
  }
  validatorFor(type2, version) {
    const key = `${type2.plural}.${type2.group}@${version}`;
    let validator = this.validators.get(key);
    if (!validator) {
      validator = compileSchema(type2.schemas?.[version] ?? { type: "object", "x-kubernetes-preserve-unknown-fields": true });
      this.validators.set(key, validator);
    }
    return validator;
  }
  /** The handful of defaults a real server fills in that clients and controllers rely on. */
  applyBuiltinDefaults(type2, object) {
    const spec2 = object.spec;
    switch (type2.kind) {
      case "Namespace":
        object.metadata.labels = { ...object.metadata.labels, "kubernetes.io/metadata.name": object.metadata.name };
        object.spec = { finalizers: ["kubernetes"], ...spec2 ?? {} };
        object.status = { phase: "Active", ...object.status ?? {} };
        break;
      case "Service":
        if (!spec2) break;
        spec2.type ??= "ClusterIP";
        spec2.sessionAffinity ??= "None";
        if (spec2.type !== "ExternalName" && !spec2.clusterIP) {
          const n = this.nextClusterIp++;
          spec2.clusterIP = `10.96.${Math.floor(n / 250)}.${n % 250 + 1}`;
        }
        if (spec2.clusterIP && !spec2.clusterIPs) spec2.clusterIPs = [spec2.clusterIP];
        for (const port of spec2.ports ?? []) {
          port.protocol ??= "TCP";
          port.targetPort ??= port.port;
        }
        break;
      case "Deployment":
      case "StatefulSet":
      case "ReplicaSet":
        if (!spec2) break;
        spec2.replicas ??= 1;
        if (type2.kind === "Deployment") {
          spec2.revisionHistoryLimit ??= 10;
          spec2.progressDeadlineSeconds ??= 600;
          spec2.strategy ??= { type: "RollingUpdate", rollingUpdate: { maxSurge: "25%", maxUnavailable: "25%" } };
        }
        if (type2.kind === "StatefulSet") {
          spec2.updateStrategy ??= { type: "RollingUpdate", rollingUpdate: { partition: 0 } };
          spec2.podManagementPolicy ??= "OrderedReady";
          spec2.revisionHistoryLimit ??= 10;
        }
        defaultPodSpec(spec2.template?.spec);
        break;
      case "DaemonSet":
        if (spec2) {
          spec2.updateStrategy ??= { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } };
          spec2.revisionHistoryLimit ??= 10;
        }
        defaultPodSpec(spec2?.template?.spec);
        break;
      case "Pod":
        defaultPodSpec(spec2);
        break;
    }
  }
};
function defaultPodSpec(spec2) {
  if (!spec2) return;
  spec2.restartPolicy ??= "Always";
  spec2.dnsPolicy ??= "ClusterFirst";
  spec2.terminationGracePeriodSeconds ??= 30;
  for (const container of [...spec2.containers ?? [], ...spec2.initContainers ?? []]) {
    for (const port of container.ports ?? []) port.protocol ??= "TCP";
    container.imagePullPolicy ??= "IfNotPresent";
  }
}
function toScale(object) {
  const spec2 = object.spec;
  const status2 = object.status;
  const { name, namespace, uid, resourceVersion, creationTimestamp } = object.metadata;
  return {
    kind: "Scale",
    apiVersion: "autoscaling/v1",
    metadata: { name, namespace, uid, resourceVersion, creationTimestamp },
    spec: { replicas: spec2?.replicas ?? 0 },
    status: { replicas: status2?.replicas ?? 0, selector: selectorString(spec2?.selector) }
  };
}
function selectorString(selector) {
  const parts = Object.entries(selector?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const { key, operator, values = [] } of selector?.matchExpressions ?? []) {
    if (operator === "In") parts.push(`${key} in (${values.join(",")})`);
    else if (operator === "NotIn") parts.push(`${key} notin (${values.join(",")})`);
    else if (operator === "Exists") parts.push(key);
    else if (operator === "DoesNotExist") parts.push(`!${key}`);
  }
  return parts.join(",");
}
function specChanged(before, after) {
  const strip = (o) => {
    const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest } = o;
    return rest;
  };
  return !isDeepStrictEqual2(strip(before), strip(after));
}
function stripVolatile(object) {
  const { managedFields: _f, resourceVersion: _rv, ...metadata } = object.metadata;
  const managers = (object.metadata.managedFields ?? []).map(({ time: _t, ...rest }) => rest);
  return { ...object, apiVersion: void 0, metadata: { ...metadata, managers } };
}
function mergePatch(target, patch) {
  if (typeof patch !== "object" || patch === null || Array.isArray(patch)) return structuredClone(patch);
  const out = typeof target === "object" && target !== null && !Array.isArray(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = mergePatch(out[key], value);
  }
  return out;
}
function parseJson(text2) {
  try {
    return JSON.parse(text2);
  } catch (error) {
    throw badRequest(`error decoding patch: ${error.message}`);
  }
}
function keyOf(object) {
  return `${object.metadata.namespace ?? ""}/${object.metadata.name}`;
}
function lowerBound(sorted, key) {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = lo + hi >> 1;
    if (keyOf(sorted[mid]) < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
function encodeContinue(rv, start) {
  return Buffer.from(JSON.stringify({ v: "meta.k8s.io/v1", rv: Number(rv), start })).toString("base64url");
}
function decodeContinue(token) {
  try {
    const decoded = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
    if (typeof decoded.start !== "string") throw new Error("bad token");
    return { rv: String(decoded.rv), start: decoded.start };
  } catch {
    throw badRequest("continue key is not valid: invalid continue token");
  }
}
function randomSuffix() {
  const alphabet = "bcdfghjklmnpqrstvwxz2456789";
  let out = "";
  for (let i = 0; i < 5; i++) out += alphabet[Math.floor(Math.random() * alphabet.length)];
  return out;
}

// source/sim/controllers/istio.ts
import yaml2 from "js-yaml";

// source/sim/controllers/runner.ts
function keyFor(typeKey2, object) {
  return `${typeKey2}|${object.metadata.namespace ?? ""}|${object.metadata.name}`;
}
function parseKey(key) {
  const [typeKey2, namespace, name] = key.split("|");
  return { typeKey: typeKey2, namespace, name };
}
var ControllerRunner = class {
  constructor(cluster, controllers, stepDelayMs = 0) {
    this.cluster = cluster;
    this.controllers = controllers;
    this.stepDelayMs = stepDelayMs;
  }
  cluster;
  controllers;
  stepDelayMs;
  queue = /* @__PURE__ */ new Map();
  /** Keys a controller asked to see again later; the cluster has not converged while any is pending. */
  later = /* @__PURE__ */ new Map();
  scheduled;
  idleWaiters = [];
  unsubscribe;
  running = false;
  start() {
    this.unsubscribe = this.cluster.store.subscribe((event) => this.enqueueFor(event));
    for (const [typeKey2, object] of this.cluster.store.entries()) {
      this.enqueueFor({ type: "ADDED", typeKey: typeKey2, resourceVersion: 0, object });
    }
  }
  stop() {
    this.unsubscribe?.();
    if (this.scheduled) clearTimeout(this.scheduled);
    this.scheduled = void 0;
    for (const timer of this.later.values()) clearTimeout(timer);
    this.later.clear();
    this.queue.clear();
    this.flushWaiters();
  }
  /** Resolves when no work is queued: the cluster has converged. */
  settled() {
    if (this.queue.size === 0 && this.later.size === 0 && !this.running) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }
  enqueueFor(event) {
    for (const controller of this.controllers) {
      for (const key of controller.keysFor(event, this.cluster)) this.queue.set(`${controller.name}#${key}`, controller);
    }
    this.schedule();
  }
  schedule() {
    if (this.scheduled || this.queue.size === 0) return;
    this.scheduled = setTimeout(() => this.drain(), this.stepDelayMs);
  }
  drain() {
    this.scheduled = void 0;
    this.running = true;
    const batch = [...this.queue.entries()];
    this.queue.clear();
    for (const [queued, controller] of batch) {
      const key = queued.slice(controller.name.length + 1);
      try {
        const again = controller.reconcile(key, this.cluster);
        if (typeof again === "number") this.requeueAfter(queued, controller, again);
      } catch (error) {
        process.emitWarning(`simulator controller ${controller.name} failed on ${key}: ${error.message}`);
      }
    }
    this.running = false;
    if (this.queue.size > 0) this.schedule();
    else if (this.later.size === 0) this.flushWaiters();
  }
  requeueAfter(queued, controller, delayMs) {
    if (this.later.has(queued)) return;
    const timer = setTimeout(() => {
      this.later.delete(queued);
      this.queue.set(queued, controller);
      this.schedule();
    }, delayMs);
    this.later.set(queued, timer);
  }
  flushWaiters() {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
};

// source/sim/controllers/istio.ts
var NAMESPACES = typeKey("", "namespaces");
var PODS = typeKey("", "pods");
var GATEWAYS = typeKey("gateway.networking.k8s.io", "gateways");
var GATEWAY_CLASSES = typeKey("gateway.networking.k8s.io", "gatewayclasses");
var ISTIO_NAMESPACE = "istio-system";
function namespaceLabels(cluster, namespace) {
  return cluster.store.get(NAMESPACES, "", namespace ?? "")?.metadata.labels ?? {};
}
function injectorInstalled(cluster) {
  return cluster.store.list(typeKey("admissionregistration.k8s.io", "mutatingwebhookconfigurations")).some((w) => w.metadata.name.startsWith("istio-sidecar-injector") || w.metadata.name.startsWith("istio-revision-tag"));
}
function istioVersion(cluster) {
  const istiod = cluster.store.list(typeKey("apps", "deployments"), ISTIO_NAMESPACE).find((d) => d.metadata.labels?.app === "istiod");
  const image = istiod?.spec?.template?.spec?.containers?.[0]?.image;
  return image?.split(":")[1] ?? "1.28.2";
}
function proxyMetadata(cluster) {
  const mesh = cluster.store.get(typeKey("", "configmaps"), ISTIO_NAMESPACE, "istio");
  const text2 = mesh?.data?.mesh;
  if (!text2) return {};
  try {
    const parsed = yaml2.load(text2);
    return parsed?.defaultConfig?.proxyMetadata ?? {};
  } catch {
    return {};
  }
}
function wantsSidecar(namespaceLabelsOf, podLabels, podAnnotations = {}) {
  const podInject = podLabels["sidecar.istio.io/inject"] ?? podAnnotations["sidecar.istio.io/inject"];
  if (podInject === "false") return false;
  const nsInjection = namespaceLabelsOf["istio-injection"];
  if (nsInjection === "disabled") return false;
  if (nsInjection === "enabled") return true;
  if (namespaceLabelsOf["istio.io/rev"] || podLabels["istio.io/rev"]) return true;
  return podInject === "true";
}
var sidecarInjectorHook = (type2, pod, cluster) => {
  if (type2.kind !== "Pod" || !injectorInstalled(cluster)) return;
  const labels = pod.metadata.labels ?? {};
  const annotations = pod.metadata.annotations ?? {};
  if (annotations["sidecar.istio.io/status"]) return;
  if (!wantsSidecar(namespaceLabels(cluster, pod.metadata.namespace), labels, annotations)) return;
  const spec2 = pod.spec;
  const version = istioVersion(cluster);
  const metadataEnv = Object.entries(proxyMetadata(cluster)).map(([name, value]) => ({ name, value: String(value) }));
  const revision = namespaceLabels(cluster, pod.metadata.namespace)["istio.io/rev"] ?? labels["istio.io/rev"] ?? "default";
  const appName = labels.app ?? pod.metadata.generateName?.replace(/-$/, "") ?? pod.metadata.name ?? "";
  const templates = String(annotations["inject.istio.io/templates"] ?? "sidecar").split(",").map((t) => t.trim());
  const gatewayTemplate = templates.includes("gateway") && !templates.includes("sidecar");
  if (!gatewayTemplate) {
    spec2.initContainers = [
      ...spec2.initContainers ?? [],
      {
        name: "istio-validation",
        image: `docker.io/istio/proxyv2:${version}`,
        args: ["istio-iptables", "--run-validation", "--skip-rule-apply"],
        imagePullPolicy: "IfNotPresent"
      }
    ];
  }
  const proxy = {
    name: "istio-proxy",
    image: `docker.io/istio/proxyv2:${version}`,
    args: ["proxy", "sidecar", "--domain", "$(POD_NAMESPACE).svc.cluster.local"],
    ports: [{ containerPort: 15090, name: "http-envoy-prom", protocol: "TCP" }],
    env: [
      { name: "PILOT_CERT_PROVIDER", value: "istiod" },
      { name: "CA_ADDR", value: "istiod.istio-system.svc:15012" },
      { name: "ISTIO_META_WORKLOAD_NAME", value: appName },
      ...metadataEnv
    ],
    imagePullPolicy: "IfNotPresent"
  };
  const existing = (spec2.containers ?? []).findIndex((c) => c.name === "istio-proxy");
  if (existing >= 0) {
    const own = spec2.containers[existing];
    spec2.containers[existing] = { ...proxy, ...own, image: own.image && own.image !== "auto" ? own.image : proxy.image };
  } else {
    spec2.containers = [...spec2.containers ?? [], proxy];
  }
  pod.metadata.labels = {
    ...labels,
    "security.istio.io/tlsMode": "istio",
    "service.istio.io/canonical-name": labels["app.kubernetes.io/name"] ?? appName,
    "service.istio.io/canonical-revision": labels["app.kubernetes.io/version"] ?? labels.version ?? "latest"
  };
  pod.metadata.annotations = {
    ...annotations,
    "kubectl.kubernetes.io/default-container": spec2.containers[0]?.name ?? "istio-proxy",
    "prometheus.io/path": "/stats/prometheus",
    "prometheus.io/port": "15020",
    "prometheus.io/scrape": "true",
    "sidecar.istio.io/status": JSON.stringify({
      initContainers: gatewayTemplate ? null : ["istio-validation"],
      containers: ["istio-proxy"],
      volumes: ["workload-socket", "credential-socket", "workload-certs", "istio-envoy", "istio-data", "istio-podinfo", "istio-token", "istiod-ca-cert"],
      imagePullSecrets: null,
      revision
    })
  };
};
function cniInstalled(cluster) {
  return cluster.store.list(typeKey("apps", "daemonsets")).some((d) => d.metadata.name === "istio-cni-node");
}
function shouldRedirect(namespaceLabelsOf, pod) {
  if (pod.metadata.annotations?.["sidecar.istio.io/status"]) return false;
  const podMode = pod.metadata.labels?.["istio.io/dataplane-mode"];
  if (podMode === "none") return false;
  return podMode === "ambient" || namespaceLabelsOf["istio.io/dataplane-mode"] === "ambient";
}
var ambientEnrollmentHook = (type2, pod, cluster) => {
  if (type2.kind !== "Pod" || !cniInstalled(cluster)) return;
  if (shouldRedirect(namespaceLabels(cluster, pod.metadata.namespace), pod)) {
    pod.metadata.annotations = { ...pod.metadata.annotations, "ambient.istio.io/redirection": "enabled" };
  }
};
var ambientEnrollmentController = {
  name: "istio-cni",
  keysFor(event) {
    return event.typeKey === NAMESPACES && event.type !== "DELETED" ? [keyFor(NAMESPACES, event.object)] : [];
  },
  reconcile(key, cluster) {
    if (!cniInstalled(cluster)) return;
    const { name } = parseKey(key);
    const labels = namespaceLabels(cluster, name);
    const podType = cluster.typeFor("", "pods");
    for (const pod of cluster.store.list(PODS, name)) {
      const enrolled = pod.metadata.annotations?.["ambient.istio.io/redirection"] === "enabled";
      const want = shouldRedirect(labels, pod);
      if (enrolled === want) continue;
      const patch = { metadata: { annotations: { "ambient.istio.io/redirection": want ? "enabled" : null } } };
      cluster.patch(podType, name, pod.metadata.name, "application/merge-patch+json", JSON.stringify(patch), { fieldManager: "istio-cni" });
    }
  }
};
var WAYPOINT_CLASS = "istio-waypoint";
var waypointController = {
  name: "istio-waypoints",
  keysFor(event, cluster) {
    if (event.typeKey === GATEWAYS && event.type !== "DELETED") return [keyFor(GATEWAYS, event.object)];
    if (event.typeKey === GATEWAY_CLASSES && event.type !== "DELETED") {
      return [keyFor(GATEWAY_CLASSES, event.object), ...cluster.store.list(GATEWAYS).map((g) => keyFor(GATEWAYS, g))];
    }
    return [];
  },
  reconcile(key, cluster) {
    const { typeKey: t, namespace, name } = parseKey(key);
    if (t === GATEWAY_CLASSES) return acceptGatewayClass(cluster, name);
    const gateway = cluster.store.get(GATEWAYS, namespace, name);
    if (!gateway || gateway.spec.gatewayClassName !== WAYPOINT_CLASS) return;
    if (!cluster.store.get(GATEWAY_CLASSES, "", WAYPOINT_CLASS)) return;
    programWaypoint(cluster, cluster.present(cluster.typeFor("gateway.networking.k8s.io", "gateways"), gateway, "v1"));
  }
};
function acceptGatewayClass(cluster, name) {
  const classType = cluster.typeFor("gateway.networking.k8s.io", "gatewayclasses");
  const stored = cluster.store.get(GATEWAY_CLASSES, "", name);
  if (!stored || !String(stored.spec.controllerName).startsWith("istio.io/")) return;
  const gc = cluster.present(classType, stored, "v1");
  const accepted = (gc.status?.conditions ?? []).some((c) => c.type === "Accepted" && c.status === "True");
  if (accepted) return;
  const now = cluster.now().toISOString().replace(/\.\d+Z$/, "Z");
  cluster.update(classType, "", name, {
    ...gc,
    status: { conditions: [{ type: "Accepted", status: "True", reason: "Accepted", message: "Handled by Istio controller", lastTransitionTime: now, observedGeneration: gc.metadata.generation }] }
  }, { subresource: "status", fieldManager: "pilot-discovery" });
}
function programWaypoint(cluster, gateway) {
  const namespace = gateway.metadata.namespace;
  const name = gateway.metadata.name;
  const owner = [{ apiVersion: "gateway.networking.k8s.io/v1", kind: "Gateway", name, uid: gateway.metadata.uid, controller: true }];
  const labels = {
    "gateway.istio.io/managed": "istio.io-mesh-controller",
    "gateway.networking.k8s.io/gateway-name": name,
    "gateway.networking.k8s.io/gateway-class-name": WAYPOINT_CLASS
  };
  const version = istioVersion(cluster);
  const ensure = (group, plural, object) => {
    const t = cluster.typeFor(group, plural);
    if (!cluster.tryGet(t, namespace, name)) cluster.create(t, namespace, object, { fieldManager: "pilot-discovery" });
  };
  ensure("", "serviceaccounts", { apiVersion: "v1", kind: "ServiceAccount", metadata: { name, namespace, labels, ownerReferences: owner } });
  ensure("apps", "deployments", {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, namespace, labels, ownerReferences: owner },
    spec: {
      replicas: 1,
      selector: { matchLabels: { "gateway.networking.k8s.io/gateway-name": name } },
      template: {
        metadata: {
          labels: { ...labels, "sidecar.istio.io/inject": "false", "istio.io/dataplane-mode": "none" },
          annotations: { "istio.io/rev": "default" }
        },
        spec: {
          serviceAccountName: name,
          containers: [
            {
              name: "istio-proxy",
              image: `docker.io/istio/proxyv2:${version}`,
              args: ["proxy", "waypoint", "--domain", `${namespace}.svc.cluster.local`],
              ports: [
                { containerPort: 15020, name: "metrics", protocol: "TCP" },
                { containerPort: 15021, name: "status-port", protocol: "TCP" },
                { containerPort: 15090, name: "http-envoy-prom", protocol: "TCP" }
              ]
            }
          ]
        }
      }
    }
  });
  ensure("", "services", {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name, namespace, labels, ownerReferences: owner },
    spec: {
      type: "ClusterIP",
      selector: { "gateway.networking.k8s.io/gateway-name": name },
      ports: [
        { name: "status-port", port: 15021, protocol: "TCP", targetPort: 15021 },
        { name: "mesh", port: 15008, protocol: "TCP", targetPort: 15008, appProtocol: "all" }
      ]
    }
  });
  const service = cluster.tryGet(cluster.typeFor("", "services"), namespace, name);
  const now = cluster.now().toISOString().replace(/\.\d+Z$/, "Z");
  const generation = gateway.metadata.generation;
  const condition = (type2, reason, message) => ({ type: type2, status: "True", reason, message, observedGeneration: generation, lastTransitionTime: now });
  const status2 = {
    addresses: [
      { type: "Hostname", value: `${name}.${namespace}.svc.cluster.local` },
      ...service?.spec?.clusterIP ? [{ type: "IPAddress", value: service.spec.clusterIP }] : []
    ],
    conditions: [
      condition("Accepted", "Accepted", "Resource accepted"),
      condition("Programmed", "Programmed", `Resource programmed, assigned to service(s) ${name}.${namespace}.svc.cluster.local:15008`)
    ],
    listeners: (gateway.spec.listeners ?? []).map((l) => ({
      name: l.name,
      attachedRoutes: 0,
      supportedKinds: [],
      conditions: [condition("Accepted", "Accepted", "No errors found"), condition("Programmed", "Programmed", "No errors found"), condition("ResolvedRefs", "ResolvedRefs", "No errors found")]
    }))
  };
  const current = gateway.status;
  const programmed = (current?.conditions ?? []).some((c) => c.type === "Programmed" && c.status === "True" && c.observedGeneration === generation);
  if (programmed) return;
  cluster.update(cluster.typeFor("gateway.networking.k8s.io", "gateways"), namespace, name, { ...gateway, status: status2 }, {
    subresource: "status",
    fieldManager: "pilot-discovery"
  });
}

// source/sim/controllers/kubelet.ts
var kubeletHook = (type2, pod, cluster) => {
  if (type2.kind !== "Pod" || pod.status?.phase) return;
  const spec2 = pod.spec;
  const now = cluster.now().toISOString().replace(/\.\d+Z$/, "Z");
  const nodes = cluster.store.list(typeKey("", "nodes"));
  const node = nodes.find((n2) => n2.metadata.name === spec2.nodeName) ?? nodes[0];
  if (node && !spec2.nodeName) spec2.nodeName = node.metadata.name;
  const hostIP = (node?.status?.addresses ?? []).find((a) => a.type === "InternalIP")?.address ?? "172.18.0.2";
  const n = cluster.store.resourceVersion;
  const podIP = `10.244.${n >> 8 & 255}.${n & 255 || 1}`;
  const containerStatus = (c, i) => ({
    name: c.name,
    image: c.image ?? "",
    imageID: "",
    containerID: `containerd://${pod.metadata.uid ?? ""}${i}`.slice(0, 77),
    ready: true,
    started: true,
    restartCount: 0,
    state: { running: { startedAt: now } }
  });
  pod.status = {
    phase: "Running",
    conditions: ["PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled"].map((t) => ({
      type: t,
      status: "True",
      lastProbeTime: null,
      lastTransitionTime: now
    })),
    hostIP,
    hostIPs: [{ ip: hostIP }],
    podIP,
    podIPs: [{ ip: podIP }],
    startTime: now,
    qosClass: "BestEffort",
    containerStatuses: (spec2.containers ?? []).map(containerStatus),
    ...spec2.initContainers?.length ? {
      initContainerStatuses: spec2.initContainers.map((c, i) => ({
        ...containerStatus(c, i + 100),
        ...c.restartPolicy === "Always" ? {} : { ready: true, started: false, state: { terminated: { exitCode: 0, reason: "Completed", startedAt: now, finishedAt: now } } }
      }))
    } : {}
  };
};
var PODS2 = typeKey("", "pods");
function podTerminationController(terminationMs) {
  const due = /* @__PURE__ */ new Map();
  return {
    name: "kubelet",
    keysFor(event) {
      return event.typeKey === PODS2 && event.type !== "DELETED" && event.object.metadata.deletionTimestamp ? [keyFor(PODS2, event.object)] : [];
    },
    reconcile(key, cluster) {
      const { namespace, name } = parseKey(key);
      const pod = cluster.store.get(PODS2, namespace, name);
      if (!pod?.metadata.deletionTimestamp || (pod.metadata.finalizers ?? []).length > 0) {
        due.delete(key);
        return;
      }
      const uid = pod.metadata.uid ?? "";
      const known = due.get(key);
      const at = known?.uid === uid ? known.at : Date.now() + terminationMs;
      due.set(key, { uid, at });
      if (Date.now() < at) return at - Date.now();
      due.delete(key);
      cluster.delete(cluster.typeFor("", "pods"), namespace, name, { gracePeriodSeconds: 0 });
    }
  };
}

// source/sim/controllers/workloads.ts
import { createHash } from "node:crypto";
import { isDeepStrictEqual as isDeepStrictEqual3 } from "node:util";
var DEPLOYMENTS = typeKey("apps", "deployments");
var REPLICASETS = typeKey("apps", "replicasets");
var STATEFULSETS = typeKey("apps", "statefulsets");
var DAEMONSETS = typeKey("apps", "daemonsets");
var PODS3 = typeKey("", "pods");
var NODES = typeKey("", "nodes");
var MANAGER = "kube-controller-manager";
var REVISION = "deployment.kubernetes.io/revision";
function type(cluster, group, plural) {
  return cluster.typeFor(group, plural);
}
function ownerRef(owner) {
  return {
    apiVersion: owner.apiVersion,
    kind: owner.kind,
    name: owner.metadata.name,
    uid: owner.metadata.uid,
    controller: true,
    blockOwnerDeletion: true
  };
}
function controlledBy(object, owner) {
  return (object.metadata.ownerReferences ?? []).some((r) => r.uid === owner.metadata.uid && r.controller);
}
function controllerOf(object) {
  return (object.metadata.ownerReferences ?? []).find((r) => r.controller);
}
function templateHash(template) {
  return createHash("sha256").update(JSON.stringify(canonical2(template ?? {}))).digest("hex").slice(0, 10);
}
function canonical2(value) {
  if (Array.isArray(value)) return value.map(canonical2);
  if (!value || typeof value !== "object") return value;
  const out = {};
  for (const key of Object.keys(value).sort()) {
    const item = canonical2(value[key]);
    if (item === null || item === void 0) continue;
    if (typeof item === "object" && !Array.isArray(item) && Object.keys(item).length === 0) continue;
    out[key] = item;
  }
  return out;
}
function podsOwnedBy(cluster, owner) {
  return cluster.store.list(PODS3, owner.metadata.namespace).filter((p) => controlledBy(p, owner));
}
function isReady(pod) {
  const conditions = pod.status?.conditions ?? [];
  return !pod.metadata.deletionTimestamp && conditions.some((c) => c.type === "Ready" && c.status === "True");
}
function createPod(cluster, owner, template, name, extra = {}) {
  const metadata = structuredClone(template.metadata ?? {});
  const pod = {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      ...metadata,
      ...name ? { name } : { generateName: `${owner.metadata.name}-` },
      namespace: owner.metadata.namespace,
      labels: { ...metadata.labels, ...extra.labels },
      ownerReferences: [ownerRef(owner)]
    },
    spec: { ...structuredClone(template.spec ?? {}), ...extra.nodeName ? { nodeName: extra.nodeName } : {} }
  };
  cluster.create(type(cluster, "", "pods"), owner.metadata.namespace, pod, { fieldManager: MANAGER });
}
function deletePod(cluster, pod) {
  if (cluster.tryGet(type(cluster, "", "pods"), pod.metadata.namespace, pod.metadata.name)) {
    cluster.delete(type(cluster, "", "pods"), pod.metadata.namespace, pod.metadata.name);
  }
}
function writeStatus(cluster, t, object, status2) {
  if (isDeepStrictEqual3(object.status, status2)) return;
  cluster.update(t, object.metadata.namespace ?? "", object.metadata.name, { ...object, status: status2 }, {
    subresource: "status",
    fieldManager: MANAGER
  });
}
function reconcileDeployment(cluster, deployment) {
  const spec2 = deployment.spec;
  const rsType = type(cluster, "apps", "replicasets");
  const template = spec2.template ?? {};
  const hash = templateHash(template);
  const owned = cluster.store.list(REPLICASETS, deployment.metadata.namespace).filter((rs) => controlledBy(rs, deployment));
  let current = owned.find((rs) => rs.metadata.labels?.["pod-template-hash"] === hash);
  const revisionOf = (rs) => Number(rs.metadata.annotations?.[REVISION] ?? 0);
  const revision = 1 + Math.max(0, ...owned.filter((rs) => rs !== current).map(revisionOf));
  if (current && revisionOf(current) < revision) {
    current = cluster.patch(rsType, current.metadata.namespace, current.metadata.name, "application/merge-patch+json", JSON.stringify({ metadata: { annotations: { [REVISION]: String(revision) } } }), { fieldManager: MANAGER }).object;
  }
  if (!current) {
    const labels = { ...template.metadata?.labels ?? {}, "pod-template-hash": hash };
    current = cluster.create(
      rsType,
      deployment.metadata.namespace,
      {
        apiVersion: "apps/v1",
        kind: "ReplicaSet",
        metadata: {
          name: `${deployment.metadata.name}-${hash}`,
          namespace: deployment.metadata.namespace,
          labels,
          annotations: { [REVISION]: String(revision) },
          ownerReferences: [ownerRef(deployment)]
        },
        spec: {
          replicas: spec2.replicas ?? 1,
          selector: {
            ...spec2.selector ?? {},
            matchLabels: { ...spec2.selector?.matchLabels ?? {}, "pod-template-hash": hash }
          },
          template: { ...template, metadata: { ...template.metadata ?? {}, labels } }
        }
      },
      { fieldManager: MANAGER }
    ).object;
  } else if (current.spec.replicas !== (spec2.replicas ?? 1)) {
    cluster.patch(rsType, current.metadata.namespace, current.metadata.name, "application/merge-patch+json", JSON.stringify({ spec: { replicas: spec2.replicas ?? 1 } }), { fieldManager: MANAGER });
  }
  for (const old of owned) {
    if (old.metadata.name === current.metadata.name || old.spec.replicas === 0) continue;
    cluster.patch(rsType, old.metadata.namespace, old.metadata.name, "application/merge-patch+json", '{"spec":{"replicas":0}}', { fieldManager: MANAGER });
  }
  const allRs = cluster.store.list(REPLICASETS, deployment.metadata.namespace).filter((rs) => controlledBy(rs, deployment));
  const pods = allRs.flatMap((rs) => podsOwnedBy(cluster, rs)).filter((p) => !p.metadata.deletionTimestamp);
  const updated = podsOwnedBy(cluster, cluster.store.get(REPLICASETS, current.metadata.namespace, current.metadata.name) ?? current);
  const ready = pods.filter(isReady).length;
  const desired = spec2.replicas ?? 1;
  const complete = updated.length === desired && pods.length === desired && ready === desired;
  const now = cluster.now().toISOString().replace(/\.\d+Z$/, "Z");
  const previous = deployment.status?.conditions;
  const since = (t, s) => previous?.find((c) => c.type === t && c.status === s)?.lastTransitionTime ?? now;
  writeStatus(cluster, type(cluster, "apps", "deployments"), deployment, {
    observedGeneration: deployment.metadata.generation,
    replicas: pods.length,
    updatedReplicas: updated.length,
    readyReplicas: ready || void 0,
    availableReplicas: ready || void 0,
    ...pods.length - ready > 0 ? { unavailableReplicas: pods.length - ready } : {},
    conditions: [
      { type: "Available", status: ready >= desired ? "True" : "False", reason: ready >= desired ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable", message: ready >= desired ? "Deployment has minimum availability." : "Deployment does not have minimum availability.", lastUpdateTime: since("Available", ready >= desired ? "True" : "False"), lastTransitionTime: since("Available", ready >= desired ? "True" : "False") },
      { type: "Progressing", status: "True", reason: complete ? "NewReplicaSetAvailable" : "ReplicaSetUpdated", message: complete ? `ReplicaSet "${current.metadata.name}" has successfully progressed.` : `ReplicaSet "${current.metadata.name}" is progressing.`, lastUpdateTime: since("Progressing", "True"), lastTransitionTime: since("Progressing", "True") }
    ]
  });
  const currentRevision = String(revisionOf(current));
  if (deployment.metadata.annotations?.[REVISION] !== currentRevision) {
    cluster.patch(type(cluster, "apps", "deployments"), deployment.metadata.namespace, deployment.metadata.name, "application/merge-patch+json", JSON.stringify({ metadata: { annotations: { [REVISION]: currentRevision } } }), { fieldManager: MANAGER });
  }
}
function reconcileReplicaSet(cluster, rs) {
  const spec2 = rs.spec;
  const pods = podsOwnedBy(cluster, rs).filter((p) => !p.metadata.deletionTimestamp);
  const desired = spec2.replicas ?? 1;
  for (let i = pods.length; i < desired; i++) createPod(cluster, rs, spec2.template ?? {}, void 0, { nodeName: pickNode(cluster, i) });
  for (const extra of pods.slice(desired)) deletePod(cluster, extra);
  const now = podsOwnedBy(cluster, rs);
  const ready = now.filter(isReady).length;
  writeStatus(cluster, type(cluster, "apps", "replicasets"), rs, {
    replicas: now.length,
    fullyLabeledReplicas: now.length,
    readyReplicas: ready || void 0,
    availableReplicas: ready || void 0,
    observedGeneration: rs.metadata.generation
  });
}
function reconcileStatefulSet(cluster, sts) {
  const spec2 = sts.spec;
  const desired = spec2.replicas ?? 1;
  const revision = `${sts.metadata.name}-${templateHash(spec2.template)}`;
  const pods = podsOwnedBy(cluster, sts);
  for (const pod of pods) {
    const ordinal = Number(pod.metadata.name.slice(sts.metadata.name.length + 1));
    if (ordinal >= desired || pod.metadata.labels?.["controller-revision-hash"] !== revision) deletePod(cluster, pod);
  }
  for (let i = 0; i < desired; i++) {
    const name = `${sts.metadata.name}-${i}`;
    if (!cluster.tryGet(type(cluster, "", "pods"), sts.metadata.namespace, name)) {
      createPod(cluster, sts, spec2.template ?? {}, name, {
        labels: { "controller-revision-hash": revision, "statefulset.kubernetes.io/pod-name": name, "apps.kubernetes.io/pod-index": String(i) },
        nodeName: pickNode(cluster, i)
      });
    }
  }
  const now = podsOwnedBy(cluster, sts);
  const ready = now.filter(isReady).length;
  writeStatus(cluster, type(cluster, "apps", "statefulsets"), sts, {
    observedGeneration: sts.metadata.generation,
    replicas: now.length,
    readyReplicas: ready || void 0,
    availableReplicas: ready || void 0,
    currentReplicas: now.length,
    updatedReplicas: now.length,
    currentRevision: revision,
    updateRevision: revision,
    collisionCount: 0
  });
}
function reconcileDaemonSet(cluster, ds) {
  const spec2 = ds.spec;
  const nodes = cluster.store.list(NODES).map((n) => n.metadata.name);
  const hash = templateHash(spec2.template);
  const pods = podsOwnedBy(cluster, ds);
  for (const pod of pods) {
    const node = pod.spec.nodeName;
    if (!nodes.includes(node) || pod.metadata.labels?.["controller-revision-hash"] !== hash) deletePod(cluster, pod);
  }
  const remaining = podsOwnedBy(cluster, ds);
  for (const node of nodes) {
    if (!remaining.some((p) => p.spec.nodeName === node)) {
      createPod(cluster, ds, spec2.template ?? {}, void 0, { labels: { "controller-revision-hash": hash }, nodeName: node });
    }
  }
  const now = podsOwnedBy(cluster, ds);
  const ready = now.filter(isReady).length;
  writeStatus(cluster, type(cluster, "apps", "daemonsets"), ds, {
    observedGeneration: ds.metadata.generation,
    desiredNumberScheduled: nodes.length,
    currentNumberScheduled: now.length,
    numberMisscheduled: 0,
    numberReady: ready,
    numberAvailable: ready || void 0,
    updatedNumberScheduled: now.length
  });
}
function pickNode(cluster, index) {
  const nodes = cluster.store.list(NODES);
  if (nodes.length === 0) return void 0;
  return nodes[(index + cluster.store.resourceVersion) % nodes.length].metadata.name;
}
var reconcilers = {
  [DEPLOYMENTS]: reconcileDeployment,
  [REPLICASETS]: reconcileReplicaSet,
  [STATEFULSETS]: reconcileStatefulSet,
  [DAEMONSETS]: reconcileDaemonSet
};
var kindToKey = {
  Deployment: DEPLOYMENTS,
  ReplicaSet: REPLICASETS,
  StatefulSet: STATEFULSETS,
  DaemonSet: DAEMONSETS
};
var workloadController = {
  name: "workloads",
  keysFor(event, cluster) {
    if (reconcilers[event.typeKey]) {
      const keys = event.type === "DELETED" ? [] : [keyFor(event.typeKey, event.object)];
      const owner = controllerOf(event.object);
      if (owner && kindToKey[owner.kind]) keys.push(`${kindToKey[owner.kind]}|${event.object.metadata.namespace}|${owner.name}`);
      return keys;
    }
    if (event.typeKey === PODS3) {
      const owner = controllerOf(event.object);
      return owner && kindToKey[owner.kind] ? [`${kindToKey[owner.kind]}|${event.object.metadata.namespace}|${owner.name}`] : [];
    }
    if (event.typeKey === NODES) {
      return cluster.store.list(DAEMONSETS).map((ds) => keyFor(DAEMONSETS, ds));
    }
    return [];
  },
  reconcile(key, cluster) {
    const { typeKey: t, namespace, name } = parseKey(key);
    const object = cluster.store.get(t, namespace, name);
    if (object && !object.metadata.deletionTimestamp) reconcilers[t](cluster, cluster.present(cluster.typeFor(t === PODS3 ? "" : "apps", t.split(".")[0]), object, "v1"));
  }
};

// source/sim/http-server.ts
import http from "node:http";

// source/sim/discovery.ts
import { createHash as createHash2 } from "node:crypto";
var AGGREGATED_V2 = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";
var AGGREGATED_V2BETA1 = "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList";
function aggregatedFormat(accept) {
  for (const part of (accept ?? "").split(",")) {
    if (!part.includes("as=APIGroupDiscoveryList")) {
      if (part.trim().startsWith("application/json")) return void 0;
      continue;
    }
    if (/\bv=v2beta1\b/.test(part)) return "v2beta1";
    if (/\bv=v2\b/.test(part)) return "v2";
  }
  return void 0;
}
function typesServing(registry, group, version) {
  return registry.all().filter((t) => t.group === group && t.versions.includes(version)).sort((a, b) => a.plural.localeCompare(b.plural));
}
function aggregatedDiscovery(registry, core, format) {
  const groups = registry.groups().filter((g) => g.group === "" === core);
  return {
    kind: "APIGroupDiscoveryList",
    apiVersion: `apidiscovery.k8s.io/${format}`,
    metadata: {},
    items: groups.map(({ group, versions }) => ({
      metadata: { name: group, creationTimestamp: null },
      versions: versions.map((version) => ({
        version,
        freshness: "Current",
        resources: typesServing(registry, group, version).map((type2) => ({
          resource: type2.plural,
          responseKind: { group, version, kind: type2.kind },
          scope: type2.namespaced ? "Namespaced" : "Cluster",
          singularResource: type2.singular,
          verbs: type2.verbs,
          ...type2.shortNames.length ? { shortNames: type2.shortNames } : {},
          ...type2.categories.length ? { categories: type2.categories } : {},
          ...type2.subresources.length ? {
            subresources: type2.subresources.map((subresource) => ({
              subresource,
              // scale answers autoscaling/v1 Scale; client-go's scale client converts its updates to this GVK.
              responseKind: subresource === "scale" ? { group: "autoscaling", version: "v1", kind: "Scale" } : { group, version, kind: type2.kind },
              verbs: ["get", "patch", "update"]
            }))
          } : {}
        }))
      }))
    }))
  };
}
function legacyApiVersions(serverAddress) {
  return {
    kind: "APIVersions",
    versions: ["v1"],
    serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress }]
  };
}
function groupEntry(group, versions) {
  return {
    name: group,
    versions: versions.map((version) => ({ groupVersion: apiVersionOf(group, version), version })),
    preferredVersion: { groupVersion: apiVersionOf(group, versions[0]), version: versions[0] }
  };
}
function legacyGroupList(registry) {
  return {
    kind: "APIGroupList",
    apiVersion: "v1",
    groups: registry.groups().filter((g) => g.group !== "").map((g) => groupEntry(g.group, g.versions))
  };
}
function legacyGroup(registry, group) {
  const found = registry.groups().find((g) => g.group === group);
  return found ? { kind: "APIGroup", apiVersion: "v1", ...groupEntry(group, found.versions) } : void 0;
}
function resourceList(registry, group, version) {
  const types = typesServing(registry, group, version);
  if (types.length === 0) return void 0;
  return {
    kind: "APIResourceList",
    apiVersion: "v1",
    groupVersion: apiVersionOf(group, version),
    resources: types.flatMap((type2) => [
      {
        name: type2.plural,
        singularName: type2.singular,
        namespaced: type2.namespaced,
        kind: type2.kind,
        verbs: type2.verbs,
        ...type2.shortNames.length ? { shortNames: type2.shortNames } : {},
        ...type2.categories.length ? { categories: type2.categories } : {},
        storageVersionHash: createHash2("sha256").update(`${group}/${version}/${type2.kind}`).digest("base64").slice(0, 11)
      },
      ...type2.subresources.map((subresource) => ({
        name: `${type2.plural}/${subresource}`,
        singularName: "",
        namespaced: type2.namespaced,
        kind: subresource === "scale" ? "Scale" : type2.kind,
        ...subresource === "scale" ? { group: "autoscaling", version: "v1" } : {},
        verbs: ["get", "patch", "update"]
      }))
    ])
  };
}

// source/sim/faults.ts
function newGate() {
  let arrived;
  let open;
  const reached = new Promise((r) => arrived = r);
  const released = new Promise((r) => open = r);
  return {
    reached,
    release: () => open(),
    pass: (attributes) => {
      arrived(attributes);
      return released;
    }
  };
}
var FaultInjector = class {
  rules = [];
  denies = [];
  add(rule) {
    this.rules.push({ rule: { ...rule, times: rule.times === -1 ? Infinity : rule.times }, seen: 0, fired: 0 });
  }
  /** Holds the matching request (by default the first) until the returned gate is released. */
  hold(rule) {
    const gate = newGate();
    this.add({ ...rule, gate });
    return gate;
  }
  deny(rule) {
    this.denies.push(rule);
  }
  clear() {
    for (const active of this.rules) active.rule.gate?.release();
    this.rules = [];
    this.denies = [];
  }
  /** The fault to apply to this request, if any; counts the request against each matching rule. */
  match(attributes) {
    let chosen;
    for (const active of this.rules) {
      const { rule } = active;
      if (!matchesRule(rule, attributes)) continue;
      active.seen++;
      if (rule.nth !== void 0 && active.seen < rule.nth) continue;
      if (active.fired >= (rule.times ?? 1)) continue;
      if (!chosen) {
        active.fired++;
        chosen = rule;
      }
    }
    return chosen;
  }
  /** The RBAC message a real server writes, or undefined when the request is allowed. */
  forbidden(attributes, user = "system:admin") {
    const denied = this.denies.some(
      (d) => d.resource === attributes.resource && (d.group === void 0 || d.group === attributes.group) && (d.verb === void 0 || d.verb === attributes.verb) && (d.namespace === void 0 || d.namespace === attributes.namespace)
    );
    if (!denied) return void 0;
    const qualified = qualifiedResource(attributes.resource, attributes.group);
    const subject = attributes.name ? `${qualified} "${attributes.name}"` : qualified;
    const scope = attributes.namespace ? `in the namespace "${attributes.namespace}"` : "at the cluster scope";
    const resource = attributes.subresource ? `${attributes.resource}/${attributes.subresource}` : attributes.resource;
    return `${subject} is forbidden: User "${user}" cannot ${attributes.verb} resource "${resource}" in API group "${attributes.group}" ${scope}`;
  }
};
function matchesRule(rule, a) {
  return (rule.verb === void 0 || rule.verb === a.verb) && (rule.group === void 0 || rule.group === a.group) && (rule.resource === void 0 || rule.resource === a.resource) && (rule.namespace === void 0 || rule.namespace === a.namespace) && (rule.name === void 0 || rule.name === a.name);
}
var RequestJournal = class {
  constructor(capacity = 1e5) {
    this.capacity = capacity;
  }
  capacity;
  entries = [];
  total = 0;
  record(entry) {
    this.total++;
    this.entries.push(entry);
    if (this.entries.length > this.capacity) this.entries.splice(0, this.entries.length - this.capacity);
    return entry;
  }
  all() {
    return [...this.entries];
  }
  get count() {
    return this.total;
  }
  clear() {
    this.entries = [];
    this.total = 0;
  }
};

// source/sim/openapi.ts
import { createHash as createHash3 } from "node:crypto";
var writeParams = ["dryRun", "fieldManager", "fieldValidation", "force", "pretty"].map((name) => ({
  name,
  in: "query",
  schema: { type: name === "force" ? "boolean" : "string", uniqueItems: true }
}));
function gvPath(group, version) {
  return group ? `apis/${group}/${version}` : `api/${version}`;
}
function schemaName(type2, version) {
  const reversed = type2.group ? type2.group.split(".").reverse().join(".") : "io.k8s.api.core";
  return `${reversed}.${version}.${type2.kind}`;
}
function gvk(type2, version) {
  return [{ group: type2.group, version, kind: type2.kind }];
}
var OpenApiDocuments = class {
  constructor(registry) {
    this.registry = registry;
  }
  registry;
  cache = /* @__PURE__ */ new Map();
  index() {
    const paths = {};
    for (const { group, versions } of this.registry.groups()) {
      for (const version of versions) {
        const doc = this.document(group, version);
        if (doc) paths[gvPath(group, version)] = { serverRelativeURL: `/openapi/v3/${gvPath(group, version)}?hash=${doc.hash}` };
      }
    }
    return { paths };
  }
  /** The serialized document for one group-version, cached until a CRD changes. */
  document(group, version) {
    const key = `${group}/${version}`;
    const cached = this.cache.get(key);
    if (cached && cached.generation === this.registry.generation) return cached;
    const types = this.registry.all().filter((t) => t.group === group && t.versions.includes(version));
    if (types.length === 0) return void 0;
    const body = JSON.stringify(this.build(group, version, types));
    const entry = { generation: this.registry.generation, body, hash: createHash3("sha512").update(body).digest("hex").slice(0, 128) };
    this.cache.set(key, entry);
    return entry;
  }
  build(group, version, types) {
    const base = `/${gvPath(group, version)}`;
    const paths = {};
    const schemas = {};
    for (const type2 of types) {
      const ref = { $ref: `#/components/schemas/${schemaName(type2, version)}` };
      const body = { content: { "application/json": { schema: ref } } };
      const operation = (action, verb) => ({
        operationId: `${verb}${type2.kind}`,
        "x-kubernetes-action": action,
        "x-kubernetes-group-version-kind": { group: type2.group, version, kind: type2.kind },
        parameters: action === "get" || action === "list" || action === "delete" ? [] : writeParams,
        ...action === "get" || action === "list" || action === "delete" ? {} : { requestBody: body },
        responses: { "200": { description: "OK", content: { "application/json": { schema: ref } } } }
      });
      const collection = type2.namespaced ? `${base}/namespaces/{namespace}/${type2.plural}` : `${base}/${type2.plural}`;
      paths[collection] = { get: operation("list", "list"), post: operation("post", "create") };
      paths[`${collection}/{name}`] = {
        get: operation("get", "read"),
        put: operation("put", "replace"),
        patch: operation("patch", "patch"),
        delete: operation("delete", "delete"),
        parameters: [
          { name: "name", in: "path", required: true, schema: { type: "string" } },
          ...type2.namespaced ? [{ name: "namespace", in: "path", required: true, schema: { type: "string" } }] : []
        ]
      };
      const crdSchema = type2.schemas?.[version];
      schemas[schemaName(type2, version)] = {
        ...crdSchema ?? { type: "object", description: `${type2.kind} (schema not published by the simulator)` },
        "x-kubernetes-group-version-kind": gvk(type2, version)
      };
    }
    return {
      openapi: "3.0.0",
      info: { title: "Kubernetes", version: "v1.32.4" },
      paths,
      components: { schemas }
    };
  }
};

// source/sim/protobuf.ts
var MAGIC = [107, 56, 115, 0];
function readVarint(buf, pos) {
  let result = 0n;
  let shift = 0n;
  for (; ; ) {
    const byte = buf[pos++];
    if (byte === void 0) throw new Error("truncated varint");
    result |= BigInt(byte & 127) << shift;
    if ((byte & 128) === 0) return [result, pos];
    shift += 7n;
  }
}
function fields(buf) {
  const out = [];
  let pos = 0;
  while (pos < buf.length) {
    const [tag, next] = readVarint(buf, pos);
    pos = next;
    const number = Number(tag >> 3n);
    const wire = Number(tag & 7n);
    if (wire === 0) {
      const [value, after] = readVarint(buf, pos);
      out.push({ number, wire, value });
      pos = after;
    } else if (wire === 2) {
      const [length, after] = readVarint(buf, pos);
      const end = after + Number(length);
      out.push({ number, wire, value: buf.subarray(after, end) });
      pos = end;
    } else if (wire === 1) pos += 8;
    else if (wire === 5) pos += 4;
    else throw new Error(`unsupported wire type ${wire}`);
  }
  return out;
}
var text = (value) => Buffer.from(value).toString("utf8");
var bytesOf = (all, n) => all.filter((f) => f.number === n && f.wire === 2).map((f) => f.value);
function decodeMap(entries) {
  if (entries.length === 0) return void 0;
  const out = {};
  for (const entry of entries) {
    const parts = fields(entry);
    out[text(bytesOf(parts, 1)[0] ?? new Uint8Array())] = text(bytesOf(parts, 2)[0] ?? new Uint8Array());
  }
  return out;
}
function decodeObjectMeta(buf) {
  const all = fields(buf);
  const str2 = (n) => {
    const b = bytesOf(all, n)[0];
    return b ? text(b) : void 0;
  };
  const metadata = {};
  if (str2(1)) metadata.name = str2(1);
  if (str2(2)) metadata.generateName = str2(2);
  if (str2(3)) metadata.namespace = str2(3);
  const labels = decodeMap(bytesOf(all, 11));
  const annotations = decodeMap(bytesOf(all, 12));
  if (labels) metadata.labels = labels;
  if (annotations) metadata.annotations = annotations;
  return metadata;
}
var METADATA_ONLY_KINDS = /* @__PURE__ */ new Set(["Namespace", "ServiceAccount"]);
function isProtobuf(body) {
  return MAGIC.every((b, i) => body[i] === b);
}
function decodeProtobufObject(body) {
  const envelope = fields(body.subarray(MAGIC.length));
  const typeMeta = fields(bytesOf(envelope, 1)[0] ?? new Uint8Array());
  const apiVersion = text(bytesOf(typeMeta, 1)[0] ?? new Uint8Array());
  const kind = text(bytesOf(typeMeta, 2)[0] ?? new Uint8Array());
  const raw = fields(bytesOf(envelope, 2)[0] ?? new Uint8Array());
  if (kind === "SelfSubjectAccessReview") return { apiVersion, kind, metadata: {}, spec: decodeAccessReviewSpec(bytesOf(raw, 2)[0]) };
  if (!METADATA_ONLY_KINDS.has(kind)) return void 0;
  const metadata = decodeObjectMeta(bytesOf(raw, 1)[0] ?? new Uint8Array());
  return { apiVersion, kind, metadata };
}
function decodeAccessReviewSpec(buf) {
  const spec2 = fields(buf ?? new Uint8Array());
  const strings = (b, names) => {
    const all = fields(b ?? new Uint8Array());
    const out = {};
    names.forEach((name, i) => {
      const value = bytesOf(all, i + 1)[0];
      if (value && name) out[name] = text(value);
    });
    return out;
  };
  const resource = bytesOf(spec2, 1)[0];
  const nonResource = bytesOf(spec2, 2)[0];
  return {
    ...resource ? { resourceAttributes: strings(resource, ["namespace", "verb", "group", "version", "resource", "subresource", "name"]) } : {},
    ...nonResource ? { nonResourceAttributes: strings(nonResource, ["path", "verb"]) } : {}
  };
}

// source/sim/table.ts
import { JSONPath } from "jsonpath-plus";
function wantsTable(accept) {
  if (!accept) return false;
  for (const entry of accept.split(",")) {
    const [mediaType, ...rawParams] = entry.split(";").map((s) => s.trim());
    if (mediaType?.toLowerCase() !== "application/json") continue;
    const params = /* @__PURE__ */ new Map();
    for (const p of rawParams) {
      const eq = p.indexOf("=");
      if (eq < 0) continue;
      params.set(p.slice(0, eq).trim().toLowerCase(), p.slice(eq + 1).trim().replace(/^"(.*)"$/, "$1"));
    }
    if (params.get("as") !== "Table") continue;
    if (params.get("g") !== "meta.k8s.io") continue;
    const v = params.get("v");
    if (v === "v1" || v === "v1beta1") return true;
  }
  return false;
}
function humanDuration(ms) {
  const seconds = Math.trunc(ms / 1e3);
  if (seconds < -1) return "<invalid>";
  if (seconds < 0) return "0s";
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.trunc(seconds / 60);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.trunc(minutes / 60);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  const days = Math.trunc(hours / 24);
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${days}d` : `${days}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${days}d`;
  const years = Math.trunc(days / 365);
  if (hours < 24 * 365 * 8) {
    const d = days % 365;
    return d === 0 ? `${years}y` : `${years}y${d}d`;
  }
  return `${years}y`;
}
var RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
function parseTimestamp(value) {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? void 0 : value.getTime();
  if (typeof value !== "string" || !RFC3339.test(value)) return void 0;
  const t = Date.parse(value);
  return Number.isNaN(t) ? void 0 : t;
}
function ageOf(timestamp, now) {
  if (timestamp === void 0 || timestamp === null || timestamp === "") return "<unknown>";
  const t = parseTimestamp(timestamp);
  if (t === void 0) return "<unknown>";
  return humanDuration(now.getTime() - t);
}
function age(obj, now) {
  return ageOf(obj.metadata?.creationTimestamp, now);
}
function rec(value) {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? value : {};
}
function arr(value) {
  return Array.isArray(value) ? value : [];
}
function str(value) {
  return typeof value === "string" ? value : "";
}
function int(value, fallback = 0) {
  return typeof value === "number" && Number.isFinite(value) ? Math.trunc(value) : fallback;
}
function spec(obj) {
  return rec(obj.spec);
}
function status(obj) {
  return rec(obj.status);
}
function countKeys(value) {
  return Object.keys(rec(value)).length;
}
function formatLabels(labels) {
  const entries = Object.entries(rec(labels)).sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0);
  if (entries.length === 0) return "<none>";
  return entries.map(([k, v]) => `${k}=${String(v)}`).join(",");
}
function formatLabelSelector(selector) {
  const sel = rec(selector);
  const reqs = [];
  for (const [k, v] of Object.entries(rec(sel.matchLabels))) reqs.push({ key: k, text: `${k}=${String(v)}` });
  for (const expr of arr(sel.matchExpressions)) {
    const e = rec(expr);
    const key = str(e.key);
    const values = arr(e.values).map(String).sort();
    switch (e.operator) {
      case "In":
        reqs.push({ key, text: `${key} in (${values.join(",")})` });
        break;
      case "NotIn":
        reqs.push({ key, text: `${key} notin (${values.join(",")})` });
        break;
      case "Exists":
        reqs.push({ key, text: key });
        break;
      case "DoesNotExist":
        reqs.push({ key, text: `!${key}` });
        break;
      default:
        return "<error>";
    }
  }
  if (reqs.length === 0) return "<none>";
  reqs.sort((a, b) => a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
  return reqs.map((r) => r.text).join(",");
}
function podTemplateContainers(obj) {
  return arr(rec(rec(spec(obj).template).spec).containers).map(rec);
}
function containerNames(obj) {
  return podTemplateContainers(obj).map((c) => str(c.name)).join(",");
}
function containerImages(obj) {
  return podTemplateContainers(obj).map((c) => str(c.image)).join(",");
}
function col(name, type2, description, priority = 0, format = "") {
  return { name, type: type2, format, description, priority };
}
var NAME_COLUMN = col(
  "Name",
  "string",
  "Name must be unique within a namespace. It identifies the object and cannot be changed after creation.",
  0,
  "name"
);
var AGE_DESCRIPTION = "CreationTimestamp is the server time at which the object was created, shown as an age.";
var AGE_COLUMN = col("Age", "string", AGE_DESCRIPTION);
function podCells(obj, now) {
  const sp = spec(obj);
  const st = status(obj);
  const containers = arr(sp.containers).map(rec);
  const initContainers = arr(sp.initContainers).map(rec);
  const restartableInit = new Set(
    initContainers.filter((c) => c.restartPolicy === "Always").map((c) => str(c.name))
  );
  const total = containers.length + restartableInit.size;
  let ready = 0;
  let restarts = 0;
  let lastRestart = 0;
  let sidecarRestarts = 0;
  let sidecarLastRestart = 0;
  let reason = str(st.phase);
  if (str(st.reason)) reason = str(st.reason);
  for (const c of arr(st.conditions).map(rec)) {
    if (c.type === "PodScheduled" && c.reason === "SchedulingGated") reason = "SchedulingGated";
  }
  const finishedAt = (cs) => {
    const t = parseTimestamp(rec(rec(cs.lastState).terminated).finishedAt);
    return t ?? 0;
  };
  let initializing = false;
  const initStatuses = arr(st.initContainerStatuses).map(rec);
  for (let i = 0; i < initStatuses.length; i++) {
    const cs = initStatuses[i];
    const state = rec(cs.state);
    const terminated = state.terminated === void 0 ? void 0 : rec(state.terminated);
    const waiting = state.waiting === void 0 ? void 0 : rec(state.waiting);
    const count = int(cs.restartCount);
    restarts += count;
    lastRestart = Math.max(lastRestart, finishedAt(cs));
    const isSidecar = restartableInit.has(str(cs.name));
    if (isSidecar) {
      sidecarRestarts += count;
      sidecarLastRestart = Math.max(sidecarLastRestart, finishedAt(cs));
    }
    if (terminated && int(terminated.exitCode) === 0) continue;
    if (isSidecar && cs.started === true) {
      if (cs.ready === true) ready++;
      continue;
    }
    if (terminated) {
      if (str(terminated.reason)) reason = `Init:${str(terminated.reason)}`;
      else if (int(terminated.signal) !== 0) reason = `Init:Signal:${int(terminated.signal)}`;
      else reason = `Init:ExitCode:${int(terminated.exitCode)}`;
    } else if (waiting && str(waiting.reason) && waiting.reason !== "PodInitializing") {
      reason = `Init:${str(waiting.reason)}`;
    } else {
      reason = `Init:${i}/${initContainers.length}`;
    }
    initializing = true;
    break;
  }
  const initializedTrue = arr(st.conditions).map(rec).some((c) => c.type === "Initialized" && c.status === "True");
  if (!initializing || initializedTrue) {
    restarts = sidecarRestarts;
    lastRestart = sidecarLastRestart;
    let hasRunning = false;
    const statuses = arr(st.containerStatuses).map(rec);
    for (let i = statuses.length - 1; i >= 0; i--) {
      const cs = statuses[i];
      const state = rec(cs.state);
      const terminated = state.terminated === void 0 ? void 0 : rec(state.terminated);
      const waiting = state.waiting === void 0 ? void 0 : rec(state.waiting);
      restarts += int(cs.restartCount);
      lastRestart = Math.max(lastRestart, finishedAt(cs));
      if (waiting && str(waiting.reason)) {
        reason = str(waiting.reason);
      } else if (terminated && str(terminated.reason)) {
        reason = str(terminated.reason);
      } else if (terminated) {
        reason = int(terminated.signal) !== 0 ? `Signal:${int(terminated.signal)}` : `ExitCode:${int(terminated.exitCode)}`;
      } else if (cs.ready === true && state.running !== void 0) {
        hasRunning = true;
        ready++;
      }
    }
    if (reason === "Completed" && hasRunning) {
      const podReady = arr(st.conditions).map(rec).some((c) => c.type === "Ready" && c.status === "True");
      reason = podReady ? "Running" : "NotReady";
    }
  }
  const phase = str(st.phase);
  if (obj.metadata.deletionTimestamp && st.reason === "NodeLost") {
    reason = "Unknown";
  } else if (obj.metadata.deletionTimestamp && phase !== "Succeeded" && phase !== "Failed") {
    reason = "Terminating";
  }
  const restartText = lastRestart > 0 ? `${restarts} (${humanDuration(now.getTime() - lastRestart)} ago)` : `${restarts}`;
  const podIPs = arr(st.podIPs).map(rec);
  const ip = str(podIPs[0]?.ip) || str(st.podIP) || "<none>";
  const node = str(sp.nodeName) || "<none>";
  const nominated = str(st.nominatedNodeName) || "<none>";
  let gates = "<none>";
  const readinessGates = arr(sp.readinessGates).map(rec);
  if (readinessGates.length > 0) {
    const conditions = arr(st.conditions).map(rec);
    const trueCount = readinessGates.filter(
      (g) => conditions.some((c) => c.type === g.conditionType && c.status === "True")
    ).length;
    gates = `${trueCount}/${readinessGates.length}`;
  }
  return [obj.metadata.name ?? "", `${ready}/${total}`, reason, restartText, age(obj, now), ip, node, nominated, gates];
}
function podConditions(obj) {
  const phase = status(obj).phase;
  if (phase === "Succeeded") {
    return [{ type: "Completed", status: "True", reason: "Succeeded", message: "The pod has completed successfully." }];
  }
  if (phase === "Failed") {
    return [{ type: "Completed", status: "True", reason: "Failed", message: "The pod failed." }];
  }
  return void 0;
}
function serviceExternalIP(obj) {
  const sp = spec(obj);
  const externalIPs = arr(sp.externalIPs).map(String);
  switch (sp.type ?? "ClusterIP") {
    case "ClusterIP":
    case "NodePort":
      return externalIPs.length > 0 ? externalIPs.join(",") : "<none>";
    case "LoadBalancer": {
      const lb = /* @__PURE__ */ new Set();
      for (const ing of arr(rec(status(obj).loadBalancer).ingress).map(rec)) {
        const v = str(ing.ip) || str(ing.hostname);
        if (v) lb.add(v);
      }
      const lbIPs = [...lb].sort();
      if (externalIPs.length > 0) return [...lbIPs, ...externalIPs].join(",");
      return lbIPs.length > 0 ? lbIPs.join(",") : "<pending>";
    }
    case "ExternalName":
      return str(sp.externalName);
    default:
      return "<unknown>";
  }
}
function servicePorts(obj) {
  const ports = arr(spec(obj).ports).map(rec);
  if (ports.length === 0) return "<none>";
  return ports.map((p) => {
    const protocol = str(p.protocol) || "TCP";
    const nodePort = int(p.nodePort);
    return nodePort > 0 ? `${int(p.port)}:${nodePort}/${protocol}` : `${int(p.port)}/${protocol}`;
  }).join(",");
}
function nodeStatus(obj) {
  const parts = [];
  const ready = arr(status(obj).conditions).map(rec).find((c) => c.type === "Ready");
  if (ready) parts.push(ready.status === "True" ? "Ready" : "NotReady");
  if (parts.length === 0) parts.push("Unknown");
  if (spec(obj).unschedulable === true) parts.push("SchedulingDisabled");
  return parts.join(",");
}
function nodeRoles(obj) {
  const roles = /* @__PURE__ */ new Set();
  for (const [k, v] of Object.entries(obj.metadata.labels ?? {})) {
    if (k.startsWith("node-role.kubernetes.io/")) {
      const role = k.slice("node-role.kubernetes.io/".length);
      if (role) roles.add(role);
    } else if (k === "kubernetes.io/role" && v) {
      roles.add(v);
    }
  }
  return roles.size > 0 ? [...roles].sort().join(",") : "<none>";
}
function nodeAddress(obj, type2) {
  const found = arr(status(obj).addresses).map(rec).find((a) => a.type === type2);
  return str(found?.address) || "<none>";
}
var replicas = (obj) => int(spec(obj).replicas, 1);
var BUILTIN_PRINTERS = {
  "/Namespace": {
    columns: [NAME_COLUMN, col("Status", "string", "The status of the namespace"), AGE_COLUMN],
    cells: (o, now) => [o.metadata.name ?? "", str(status(o).phase) || "Active", age(o, now)]
  },
  "/Pod": {
    columns: [
      NAME_COLUMN,
      col("Ready", "string", "The aggregate readiness state of this pod for accepting traffic."),
      col("Status", "string", "The aggregate status of the containers in this pod."),
      col("Restarts", "string", "How many times the containers of this pod restarted, and when the latest restart was."),
      AGE_COLUMN,
      col("IP", "string", "The IP address allocated to the pod.", 1),
      col("Node", "string", "The node the pod is scheduled onto.", 1),
      col("Nominated Node", "string", "The node the scheduler nominated while preempting other pods.", 1),
      col("Readiness Gates", "string", "How many of the pod readiness gates are satisfied.", 1)
    ],
    cells: podCells,
    conditions: podConditions
  },
  "apps/Deployment": {
    columns: [
      NAME_COLUMN,
      col("Ready", "string", "Number of the pod with ready state"),
      col("Up-to-date", "integer", "Total number of pods targeted by this deployment that have the desired template."),
      col("Available", "integer", "Total number of available pods targeted by this deployment."),
      AGE_COLUMN,
      col("Containers", "string", "Names of each container in the template.", 1),
      col("Images", "string", "Images referenced by each container in the template.", 1),
      col("Selector", "string", "Label selector for pods.", 1)
    ],
    cells: (o, now) => {
      const st = status(o);
      return [
        o.metadata.name ?? "",
        `${int(st.readyReplicas)}/${replicas(o)}`,
        int(st.updatedReplicas),
        int(st.availableReplicas),
        age(o, now),
        containerNames(o),
        containerImages(o),
        formatLabelSelector(spec(o).selector)
      ];
    }
  },
  "apps/ReplicaSet": {
    columns: [
      NAME_COLUMN,
      col("Desired", "integer", "Number of desired pods."),
      col("Current", "integer", "Number of pods currently running."),
      col("Ready", "integer", "Number of pods with a Ready condition."),
      AGE_COLUMN,
      col("Containers", "string", "Names of each container in the template.", 1),
      col("Images", "string", "Images referenced by each container in the template.", 1),
      col("Selector", "string", "Label selector for pods.", 1)
    ],
    cells: (o, now) => {
      const st = status(o);
      return [
        o.metadata.name ?? "",
        replicas(o),
        int(st.replicas),
        int(st.readyReplicas),
        age(o, now),
        containerNames(o),
        containerImages(o),
        formatLabelSelector(spec(o).selector)
      ];
    }
  },
  "apps/StatefulSet": {
    columns: [
      NAME_COLUMN,
      col("Ready", "string", "Number of the pod with ready state"),
      AGE_COLUMN,
      col("Containers", "string", "Names of each container in the template.", 1),
      col("Images", "string", "Images referenced by each container in the template.", 1)
    ],
    cells: (o, now) => [
      o.metadata.name ?? "",
      `${int(status(o).readyReplicas)}/${replicas(o)}`,
      age(o, now),
      containerNames(o),
      containerImages(o)
    ]
  },
  "apps/DaemonSet": {
    columns: [
      NAME_COLUMN,
      col("Desired", "integer", "The total number of nodes that should be running the daemon pod."),
      col("Current", "integer", "The number of nodes running at least one daemon pod that should be."),
      col("Ready", "integer", "The number of nodes whose daemon pod is ready."),
      col("Up-to-date", "integer", "The number of nodes running the updated daemon pod."),
      col("Available", "integer", "The number of nodes whose daemon pod is available."),
      col("Node Selector", "string", "Selector that must match a node for the pod to run there."),
      AGE_COLUMN,
      col("Containers", "string", "Names of each container in the template.", 1),
      col("Images", "string", "Images referenced by each container in the template.", 1),
      col("Selector", "string", "Label selector for pods.", 1)
    ],
    cells: (o, now) => {
      const st = status(o);
      return [
        o.metadata.name ?? "",
        int(st.desiredNumberScheduled),
        int(st.currentNumberScheduled),
        int(st.numberReady),
        int(st.updatedNumberScheduled),
        int(st.numberAvailable),
        formatLabels(rec(rec(spec(o).template).spec).nodeSelector),
        age(o, now),
        containerNames(o),
        containerImages(o),
        formatLabelSelector(spec(o).selector)
      ];
    }
  },
  "/Service": {
    columns: [
      NAME_COLUMN,
      col("Type", "string", "How the service is exposed."),
      col("Cluster-IP", "string", "The IP address of the service inside the cluster."),
      col("External-IP", "string", "The addresses the service is reachable on from outside the cluster."),
      col("Port(s)", "string", "The ports the service exposes."),
      AGE_COLUMN,
      col("Selector", "string", "Pods whose labels match this selector receive the traffic.", 1)
    ],
    cells: (o, now) => {
      const sp = spec(o);
      return [
        o.metadata.name ?? "",
        str(sp.type) || "ClusterIP",
        str(sp.clusterIP) || "<none>",
        serviceExternalIP(o),
        servicePorts(o),
        age(o, now),
        formatLabels(sp.selector)
      ];
    }
  },
  "/ConfigMap": {
    columns: [NAME_COLUMN, col("Data", "integer", "Number of keys in the config map."), AGE_COLUMN],
    cells: (o, now) => [o.metadata.name ?? "", countKeys(o.data) + countKeys(o.binaryData), age(o, now)]
  },
  "/Secret": {
    columns: [
      NAME_COLUMN,
      col("Type", "string", "The type of the secret."),
      col("Data", "integer", "Number of keys in the secret."),
      AGE_COLUMN
    ],
    cells: (o, now) => [o.metadata.name ?? "", str(o.type) || "Opaque", countKeys(o.data), age(o, now)]
  },
  "/ServiceAccount": {
    columns: [NAME_COLUMN, col("Secrets", "integer", "Number of secrets the service account references."), AGE_COLUMN],
    cells: (o, now) => [o.metadata.name ?? "", arr(o.secrets).length, age(o, now)]
  },
  "/Node": {
    columns: [
      NAME_COLUMN,
      col("Status", "string", "The status of the node."),
      col("Roles", "string", "The roles of the node."),
      AGE_COLUMN,
      col("Version", "string", "Kubelet version reported by the node."),
      col("Internal-IP", "string", "The internal address of the node.", 1),
      col("External-IP", "string", "The external address of the node.", 1),
      col("OS-Image", "string", "The operating system image of the node.", 1),
      col("Kernel-Version", "string", "The kernel version of the node.", 1),
      col("Container-Runtime", "string", "The container runtime version of the node.", 1)
    ],
    cells: (o, now) => {
      const info = rec(status(o).nodeInfo);
      return [
        o.metadata.name ?? "",
        nodeStatus(o),
        nodeRoles(o),
        age(o, now),
        str(info.kubeletVersion),
        nodeAddress(o, "InternalIP"),
        nodeAddress(o, "ExternalIP"),
        str(info.osImage) || "<unknown>",
        str(info.kernelVersion) || "<unknown>",
        str(info.containerRuntimeVersion) || "<unknown>"
      ];
    }
  },
  "networking.k8s.io/NetworkPolicy": {
    columns: [NAME_COLUMN, col("Pod-Selector", "string", "The pods the policy applies to."), AGE_COLUMN],
    cells: (o, now) => [o.metadata.name ?? "", formatLabelSelector(spec(o).podSelector), age(o, now)]
  },
  "apiextensions.k8s.io/CustomResourceDefinition": {
    columns: [NAME_COLUMN, col("Created At", "date", "When the object was created.")],
    cells: (o) => [o.metadata.name ?? "", rfc3339(o.metadata.creationTimestamp)]
  },
  "admissionregistration.k8s.io/MutatingWebhookConfiguration": {
    columns: [NAME_COLUMN, col("Webhooks", "integer", "Number of webhooks in the configuration."), AGE_COLUMN],
    cells: (o, now) => [o.metadata.name ?? "", arr(o.webhooks).length, age(o, now)]
  },
  "admissionregistration.k8s.io/ValidatingWebhookConfiguration": {
    columns: [NAME_COLUMN, col("Webhooks", "integer", "Number of webhooks in the configuration."), AGE_COLUMN],
    cells: (o, now) => [o.metadata.name ?? "", arr(o.webhooks).length, age(o, now)]
  }
};
var DEFAULT_PRINTER = {
  columns: [NAME_COLUMN, AGE_COLUMN],
  cells: (o, now) => [o.metadata.name ?? "", age(o, now)]
};
function rfc3339(value) {
  const t = parseTimestamp(value);
  if (t === void 0) return "0001-01-01T00:00:00Z";
  return new Date(Math.floor(t / 1e3) * 1e3).toISOString().replace(".000Z", "Z");
}
var pathCache = /* @__PURE__ */ new Map();
function toJsonPathPlus(k8sPath) {
  const cached = pathCache.get(k8sPath);
  if (cached !== void 0) return cached;
  let p = k8sPath.trim();
  if (p.startsWith("{") && p.endsWith("}")) p = p.slice(1, -1).trim();
  if (p.startsWith("$")) p = p.slice(1);
  let out = "$";
  let i = 0;
  const field = (name) => /^[A-Za-z0-9_\-/]+$/.test(name) ? `.${name}` : `['${name.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}']`;
  while (i < p.length) {
    const ch = p[i];
    if (ch === "[") {
      let depth = 0;
      let quote;
      let j = i;
      for (; j < p.length; j++) {
        const c = p[j];
        if (quote) {
          if (c === "\\") j++;
          else if (c === quote) quote = void 0;
          continue;
        }
        if (c === '"' || c === "'") quote = c;
        else if (c === "[") depth++;
        else if (c === "]" && --depth === 0) break;
      }
      out += p.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    if (ch === ".") {
      if (p[i + 1] === ".") {
        out += "..";
        i += 2;
      } else {
        i += 1;
      }
      if (p[i] === "*") {
        out += out.endsWith("..") ? "*" : ".*";
        i++;
        continue;
      }
    }
    let name = "";
    while (i < p.length && p[i] !== "." && p[i] !== "[") {
      if (p[i] === "\\" && i + 1 < p.length) {
        name += p[i + 1];
        i += 2;
      } else {
        name += p[i];
        i++;
      }
    }
    if (name) out += out.endsWith("..") ? field(name).replace(/^\./, "") : field(name);
  }
  pathCache.set(k8sPath, out);
  return out;
}
function firstMatch(obj, k8sPath) {
  try {
    const results = JSONPath({ path: toJsonPathPlus(k8sPath), json: obj, wrap: true, eval: "safe" });
    return Array.isArray(results) && results.length > 0 ? results[0] : void 0;
  } catch {
    return void 0;
  }
}
function goJson(value) {
  const sortKeys = (v) => {
    if (Array.isArray(v)) return v.map(sortKeys);
    if (v !== null && typeof v === "object") {
      const o = v;
      return Object.fromEntries(
        Object.keys(o).sort().map((k) => [k, sortKeys(o[k])])
      );
    }
    return v;
  };
  return JSON.stringify(sortKeys(value)).replace(/</g, "\\u003c").replace(/>/g, "\\u003e").replace(/&/g, "\\u0026").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}
function goNumber(n) {
  if (Number.isSafeInteger(n)) return String(n);
  if (!Number.isFinite(n)) return n > 0 ? "+Inf" : n < 0 ? "-Inf" : "NaN";
  const [mantissa, expText] = n.toExponential().split("e");
  const exp = Number(expText);
  if (exp < -4 || exp >= 6) {
    const sign = exp < 0 ? "-" : "+";
    const digits = String(Math.abs(exp)).padStart(2, "0");
    return `${mantissa}e${sign}${digits}`;
  }
  return String(n);
}
function printerCell(column, value, now) {
  if (value === void 0 || value === null) return null;
  switch (column.type) {
    case "string":
      if (typeof value === "string") return value;
      if (typeof value === "number") return goNumber(value);
      if (typeof value === "boolean") return String(value);
      return goJson(value);
    case "integer":
      return typeof value === "number" && Number.isFinite(value) ? Math.trunc(value) : null;
    case "number":
      return typeof value === "number" ? value : null;
    case "boolean":
      return typeof value === "boolean" ? value : null;
    case "date": {
      if (value instanceof Date) return ageOf(value, now);
      if (typeof value !== "string") return null;
      if (value === "" || value === "null") return "<unknown>";
      const t = parseTimestamp(value);
      return t === void 0 ? "<invalid>" : humanDuration(now.getTime() - t);
    }
    default:
      return null;
  }
}
var DEFAULT_CR_COLUMNS = [
  { name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp", description: AGE_DESCRIPTION }
];
function customPrinter(type2, version) {
  const defined = type2.printerColumns?.[version];
  const printerColumns = defined && defined.length > 0 ? defined : DEFAULT_CR_COLUMNS;
  return {
    columns: [
      NAME_COLUMN,
      ...printerColumns.map((c) => col(c.name, c.type, c.description ?? "", c.priority ?? 0, c.format ?? ""))
    ],
    cells: (o, now) => [
      o.metadata.name ?? "",
      ...printerColumns.map((c) => printerCell(c, firstMatch(o, c.jsonPath), now))
    ]
  };
}
function printerFor(type2, version) {
  if (!type2.builtin) return customPrinter(type2, version);
  return BUILTIN_PRINTERS[`${type2.group}/${type2.kind}`] ?? DEFAULT_PRINTER;
}
function rowObject(obj, include) {
  if (include === "None") return void 0;
  if (include === "Object") return structuredClone(obj);
  const { managedFields: _managedFields, ...metadata } = obj.metadata;
  return {
    kind: "PartialObjectMetadata",
    apiVersion: "meta.k8s.io/v1",
    metadata: structuredClone(metadata)
  };
}
function toTable(type2, version, objects, opts) {
  const now = opts.now ?? /* @__PURE__ */ new Date();
  const include = opts.includeObject ?? "Metadata";
  const printer = printerFor(type2, version);
  const metadata = { resourceVersion: opts.resourceVersion };
  if (opts.continueToken) metadata.continue = opts.continueToken;
  const rows = objects.map((obj) => {
    const row = { cells: printer.cells(obj, now) };
    const conditions = printer.conditions?.(obj);
    if (conditions) row.conditions = conditions;
    const object = rowObject(obj, include);
    if (object) row.object = object;
    return row;
  });
  return {
    kind: "Table",
    apiVersion: "meta.k8s.io/v1",
    metadata,
    columnDefinitions: printer.columns.map((c) => ({ ...c })),
    rows
  };
}

// source/sim/watch.ts
function serveWatch(cluster, type2, version, query, req, res, options) {
  const key = typeKey(type2.group, type2.plural);
  const labels = parseLabelSelector(query.get("labelSelector"));
  const fields2 = parseFieldSelector(query.get("fieldSelector"));
  const bookmarks = query.get("allowWatchBookmarks") === "true";
  const matches2 = (object) => (!type2.namespaced || options.namespace === void 0 || object.metadata.namespace === options.namespace) && labels(object) && fields2(object);
  res.writeHead(200, {
    "Content-Type": options.table ? "application/json;as=Table;v=v1;g=meta.k8s.io" : "application/json",
    "Cache-Control": "no-cache, private",
    "Transfer-Encoding": "chunked"
  });
  res.flushHeaders();
  const write = (eventType, object) => {
    res.write(`${JSON.stringify({ type: eventType, object })}
`);
  };
  const render = (object) => {
    const presented = cluster.present(type2, object, version);
    if (!options.table) return presented;
    return toTable(type2, version, [presented], {
      resourceVersion: presented.metadata.resourceVersion ?? "",
      includeObject: "Object",
      now: cluster.now()
    });
  };
  const deliver = (event) => {
    if (event.typeKey !== key || !matches2(event.object)) return;
    write(event.type, render(event.object));
  };
  const requested = query.get("resourceVersion");
  if (requested && requested !== "0") {
    const missed = cluster.store.eventsSince(Number(requested));
    if (!missed) {
      write("ERROR", statusBody(410, "Expired", `too old resource version: ${requested} (${cluster.store.oldestWatchableVersion})`));
      res.end();
      return;
    }
    for (const event of missed) deliver(event);
  } else {
    for (const object of cluster.store.list(key, type2.namespaced ? options.namespace : void 0)) {
      if (matches2(object)) write("ADDED", render(object));
    }
  }
  const unsubscribe = cluster.store.subscribe(deliver);
  const timeoutSeconds = Number(query.get("timeoutSeconds") ?? 1800);
  const bookmarkTimer = bookmarks ? setInterval(() => {
    write("BOOKMARK", {
      kind: type2.kind,
      apiVersion: type2.group ? `${type2.group}/${version}` : version,
      metadata: { resourceVersion: String(cluster.store.resourceVersion) }
    });
  }, 1e3) : void 0;
  const timeout = setTimeout(() => res.end(), timeoutSeconds * 1e3);
  const stop = () => {
    unsubscribe();
    clearTimeout(timeout);
    if (bookmarkTimer) clearInterval(bookmarkTimer);
  };
  res.on("close", stop);
  req.on("close", stop);
}

// source/sim/http-server.ts
var SIMULATED_VERSION = {
  major: "1",
  minor: "32",
  gitVersion: "v1.32.4",
  gitCommit: "59526cd4867447956156ae3a602fcbac10a2c335",
  gitTreeState: "clean",
  buildDate: "2025-04-22T16:02:27Z",
  goVersion: "go1.23.6",
  compiler: "gc",
  platform: "linux/amd64"
};
async function startSimServer(cluster, options = {}) {
  const faults = new FaultInjector();
  const journal = new RequestJournal();
  const openapi = new OpenApiDocuments(cluster.registry);
  const sockets = /* @__PURE__ */ new Set();
  const server = http.createServer((req, res) => {
    handle(req, res).catch((error) => {
      if (!res.headersSent) send(res, toReply(error));
      else res.destroy();
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  const host = options.host ?? "127.0.0.1";
  async function handle(req, res) {
    const url = new URL(req.url ?? "/", "http://sim");
    const entry = journal.record({
      time: (/* @__PURE__ */ new Date()).toISOString(),
      method: req.method ?? "GET",
      path: url.pathname,
      query: url.search.slice(1),
      contentType: req.headers["content-type"],
      accept: req.headers.accept,
      userAgent: req.headers["user-agent"]
    });
    const body = requestBodyText(req.headers["content-type"], await readBody(req));
    if (url.pathname.startsWith("/__sim/")) {
      const reply2 = control(req.method ?? "GET", url.pathname, body, url.searchParams.get("summary") === "true");
      entry.status = reply2.status;
      return send(res, reply2);
    }
    const route = url.pathname.startsWith("/api/") || url.pathname.startsWith("/apis/") ? resolve(url.pathname) : void 0;
    const attributes = route ? attributesOf(req.method ?? "GET", url, route) : void 0;
    entry.attributes = attributes;
    const fault = attributes ? faults.match(attributes) : void 0;
    if (fault) entry.fault = JSON.stringify({ ...fault, gate: fault.gate ? "held" : void 0 });
    if (fault?.gate) await fault.gate.pass(attributes);
    if (fault?.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
    if (fault?.drop === "before") {
      entry.status = 0;
      req.socket.destroy();
      return;
    }
    if (fault?.status) {
      const reply2 = faultReply(fault);
      entry.status = reply2.status;
      return send(res, reply2);
    }
    if (attributes) {
      const forbidden = faults.forbidden(attributes);
      if (forbidden) {
        const reply2 = toReply(
          new StatusError(403, "Forbidden", forbidden, {
            name: attributes.name,
            group: attributes.group || void 0,
            kind: attributes.resource
          })
        );
        entry.status = 403;
        return send(res, reply2);
      }
    }
    if (route && attributes?.verb === "watch") {
      entry.status = 200;
      return serveWatch(cluster, route.type, route.version, url.searchParams, req, res, {
        namespace: route.namespace,
        table: wantsTable(req.headers.accept)
      });
    }
    let reply;
    try {
      reply = route ? resourceRequest(req, url, route, body) : otherRequest(req, url);
    } catch (error) {
      reply = toReply(error);
    }
    entry.status = reply.status;
    if (fault?.drop === "after") {
      req.socket.destroy();
      return;
    }
    send(res, reply);
  }
  function otherRequest(req, url) {
    const path2 = url.pathname.replace(/\/+$/, "") || "/";
    const accept = req.headers.accept;
    if (req.method !== "GET") throw new StatusError(405, "MethodNotAllowed", "the server does not allow this method on the requested resource");
    if (path2 === "/version") return { status: 200, body: SIMULATED_VERSION };
    if (path2 === "/healthz" || path2 === "/readyz" || path2 === "/livez") return { status: 200, body: "ok", contentType: "text/plain" };
    if (path2 === "/api" || path2 === "/apis") {
      const format = aggregatedFormat(accept);
      if (format) {
        return {
          status: 200,
          body: aggregatedDiscovery(cluster.registry, path2 === "/api", format),
          contentType: format === "v2" ? AGGREGATED_V2 : AGGREGATED_V2BETA1
        };
      }
      return { status: 200, body: path2 === "/api" ? legacyApiVersions(`${host}:${port}`) : legacyGroupList(cluster.registry) };
    }
    if (path2 === "/openapi/v3") return { status: 200, body: openapi.index() };
    let m = /^\/openapi\/v3\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))$/.exec(path2);
    if (m) {
      const doc = openapi.document(m[2] ?? "", m[1] ?? m[3]);
      if (doc) return { status: 200, body: doc.body, contentType: "application/json", headers: { Etag: `"${doc.hash}"` } };
    }
    if (path2 === "/api/v1") return { status: 200, body: resourceList(cluster.registry, "", "v1") };
    m = /^\/apis\/([^/]+)$/.exec(path2);
    if (m) {
      const group = legacyGroup(cluster.registry, m[1]);
      if (group) return { status: 200, body: group };
    }
    m = /^\/apis\/([^/]+)\/([^/]+)$/.exec(path2);
    if (m) {
      const list = resourceList(cluster.registry, m[1], m[2]);
      if (list) return { status: 200, body: list };
    }
    throw new StatusError(404, "NotFound", "the server could not find the requested resource");
  }
  function resolve(pathname) {
    const parts = pathname.split("/").filter(Boolean);
    let group;
    let version;
    let rest;
    if (parts[0] === "api") {
      if (parts.length < 3) return void 0;
      group = "";
      version = parts[1];
      rest = parts.slice(2);
    } else {
      if (parts.length < 4) return void 0;
      group = parts[1];
      version = parts[2];
      rest = parts.slice(3);
    }
    let namespace;
    if (rest[0] === "namespaces" && rest.length >= 3) {
      const candidate = cluster.registry.byResource(group, rest[2]);
      if (candidate?.namespaced) {
        namespace = rest[1];
        rest = rest.slice(2);
      }
    }
    const [plural, name, subresource] = rest;
    const type2 = cluster.registry.byResource(group, plural);
    if (!type2 || !type2.versions.includes(version)) {
      throw new StatusError(404, "NotFound", "the server could not find the requested resource");
    }
    if (subresource && !type2.subresources.includes(subresource)) {
      throw new StatusError(404, "NotFound", "the server could not find the requested resource");
    }
    return { type: type2, version, namespace, name, subresource };
  }
  function attributesOf(method, url, route) {
    const watch = url.searchParams.get("watch");
    const verbs = { POST: "create", PUT: "update", PATCH: "patch" };
    let verb;
    if (method === "GET") verb = watch === "true" || watch === "1" ? "watch" : route.name ? "get" : "list";
    else if (method === "DELETE") verb = route.name ? "delete" : "deletecollection";
    else verb = verbs[method] ?? "get";
    return {
      verb,
      group: route.type.group,
      resource: route.type.plural,
      subresource: route.subresource,
      namespace: route.type.kind === "Namespace" ? route.name : route.namespace,
      name: route.name
    };
  }
  function resourceRequest(req, url, route, rawBody) {
    const q = url.searchParams;
    const { type: type2, version } = route;
    const namespace = route.namespace ?? "";
    const writeOptions = {
      dryRun: q.getAll("dryRun").includes("All"),
      fieldManager: q.get("fieldManager") ?? managerFromUserAgent(req.headers["user-agent"]),
      fieldValidation: parseFieldValidation(q.get("fieldValidation")),
      force: q.get("force") === "true",
      subresource: route.subresource
    };
    const accept = req.headers.accept;
    const asTable = wantsTable(accept);
    const includeObject = q.get("includeObject") ?? "Metadata";
    if (type2.namespaced && !route.namespace && req.method !== "GET") {
      throw new StatusError(404, "NotFound", "the server could not find the requested resource");
    }
    if (route.subresource === "scale" && route.name) {
      if (req.method === "GET") return { status: 200, body: cluster.getScale(type2, namespace, route.name) };
      if (req.method === "PUT" || req.method === "PATCH") {
        const contentType = req.method === "PUT" ? void 0 : req.headers["content-type"] ?? "";
        const result = cluster.writeScale(type2, namespace, route.name, contentType, rawBody, writeOptions);
        return objectReply(200, result.object, result.warnings);
      }
    }
    switch (req.method) {
      case "GET": {
        if (route.name) {
          const object = cluster.get(type2, namespace, route.name, version);
          if (asTable) return tableReply(type2, version, [object], String(cluster.store.resourceVersion), void 0, includeObject);
          return { status: 200, body: object };
        }
        const limit = q.get("limit") ? Number(q.get("limit")) : void 0;
        const result = cluster.list(
          type2,
          {
            namespace: route.namespace,
            labelSelector: q.get("labelSelector") ?? void 0,
            fieldSelector: q.get("fieldSelector") ?? void 0,
            limit,
            continueToken: q.get("continue") ?? void 0
          },
          version
        );
        if (asTable) return tableReply(type2, version, result.items, result.resourceVersion, result.continueToken, includeObject);
        return {
          status: 200,
          body: {
            kind: type2.listKind,
            apiVersion: apiVersionOf(type2.group, version),
            metadata: {
              resourceVersion: result.resourceVersion,
              ...result.continueToken ? { continue: result.continueToken } : {},
              ...result.remainingItemCount !== void 0 ? { remainingItemCount: result.remainingItemCount } : {}
            },
            items: result.items
          }
        };
      }
      case "POST": {
        if (route.name) throw new StatusError(405, "MethodNotAllowed", "the server does not allow this method on the requested resource");
        const body = parseObject(rawBody);
        if (type2.kind === "SelfSubjectAccessReview") return { status: 201, body: accessReview(body) };
        const result = cluster.create(type2, namespace, body, writeOptions);
        return objectReply(201, result.object, result.warnings);
      }
      case "PUT": {
        if (!route.name) throw new StatusError(405, "MethodNotAllowed", "the server does not allow this method on the requested resource");
        const result = cluster.update(type2, namespace, route.name, parseObject(rawBody), writeOptions);
        return objectReply(200, result.object, result.warnings);
      }
      case "PATCH": {
        if (!route.name) throw new StatusError(405, "MethodNotAllowed", "the server does not allow this method on the requested resource");
        const result = cluster.patch(type2, namespace, route.name, req.headers["content-type"] ?? "", rawBody, writeOptions);
        return objectReply(result.created ? 201 : 200, result.object, result.warnings);
      }
      case "DELETE": {
        const options2 = rawBody.trim() ? parseObject(rawBody) : {};
        const dryRun = writeOptions.dryRun || (options2.dryRun ?? []).includes("All");
        const propagationPolicy = q.get("propagationPolicy") ?? options2.propagationPolicy;
        const graceQuery = q.get("gracePeriodSeconds");
        const gracePeriodSeconds = graceQuery !== null ? Number(graceQuery) : options2.gracePeriodSeconds;
        if (!route.name) {
          const doomed = cluster.list(type2, {
            namespace: route.namespace,
            labelSelector: q.get("labelSelector") ?? void 0,
            fieldSelector: q.get("fieldSelector") ?? void 0
          }).items;
          for (const object of doomed) cluster.delete(type2, namespace, object.metadata.name, { dryRun, propagationPolicy, gracePeriodSeconds });
          return { status: 200, body: { kind: type2.listKind, apiVersion: apiVersionOf(type2.group, version), metadata: {}, items: doomed } };
        }
        const deleted = cluster.delete(type2, namespace, route.name, { dryRun, propagationPolicy, preconditions: options2.preconditions, gracePeriodSeconds });
        if (type2.builtin) return { status: 200, body: deleted };
        return {
          status: 200,
          body: statusBody(200, "", "", { name: route.name, group: type2.group, kind: type2.plural, uid: deleted.metadata.uid })
        };
      }
      default:
        throw new StatusError(405, "MethodNotAllowed", "the server does not allow this method on the requested resource");
    }
  }
  function tableReply(type2, version, items, resourceVersion, continueToken, includeObject) {
    return {
      status: 200,
      body: toTable(type2, version, items, { includeObject, resourceVersion, continueToken, now: cluster.now() }),
      contentType: "application/json;as=Table;v=v1;g=meta.k8s.io"
    };
  }
  function accessReview(body) {
    const attrs = body.spec?.resourceAttributes;
    const denied = attrs ? faults.forbidden({
      verb: attrs.verb ?? "get",
      group: attrs.group ?? "",
      resource: attrs.resource ?? "",
      namespace: attrs.namespace || void 0,
      name: attrs.name
    }) : void 0;
    return {
      ...body,
      apiVersion: "authorization.k8s.io/v1",
      kind: "SelfSubjectAccessReview",
      metadata: { creationTimestamp: void 0 },
      status: denied ? { allowed: false, reason: "denied by the simulator" } : { allowed: true }
    };
  }
  function control(method, path2, rawBody, summary = false) {
    if (path2 === "/__sim/faults" && method === "POST") {
      faults.add(JSON.parse(rawBody));
      return { status: 201, body: { ok: true } };
    }
    if (path2 === "/__sim/deny" && method === "POST") {
      faults.deny(JSON.parse(rawBody));
      return { status: 201, body: { ok: true } };
    }
    if (path2 === "/__sim/faults" && method === "DELETE") {
      faults.clear();
      return { status: 200, body: { ok: true } };
    }
    if (path2 === "/__sim/journal" && method === "GET") {
      return { status: 200, body: summary ? { count: journal.count } : { count: journal.count, entries: journal.all() } };
    }
    if (path2 === "/__sim/journal" && method === "DELETE") {
      journal.clear();
      return { status: 200, body: { ok: true } };
    }
    return { status: 404, body: statusBody(404, "NotFound", `no simulator control endpoint ${method} ${path2}`) };
  }
  await new Promise((resolveListen, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => resolveListen());
  });
  const port = server.address().port;
  return {
    url: `http://${host}:${port}`,
    port,
    cluster,
    faults,
    journal,
    close: () => new Promise((resolveClose) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolveClose());
    })
  };
}
function objectReply(status2, object, warnings) {
  const headers = {};
  if (warnings.length > 0) headers.Warning = warnings.map((w) => `299 - ${JSON.stringify(w)}`).join(", ");
  return { status: status2, body: object, headers };
}
function faultReply(fault) {
  const status2 = fault.status;
  const reasons = {
    400: "BadRequest",
    401: "Unauthorized",
    403: "Forbidden",
    404: "NotFound",
    409: "Conflict",
    410: "Expired",
    422: "Invalid",
    429: "TooManyRequests",
    500: "InternalError",
    503: "ServiceUnavailable",
    504: "Timeout"
  };
  const reason = fault.reason ?? reasons[status2] ?? "Unknown";
  const headers = {};
  if (fault.retryAfterSeconds !== void 0) headers["Retry-After"] = String(fault.retryAfterSeconds);
  return {
    status: status2,
    body: statusBody(status2, reason, fault.message ?? `injected fault: ${reason}`, fault.retryAfterSeconds !== void 0 ? { retryAfterSeconds: fault.retryAfterSeconds } : void 0),
    headers
  };
}
function toReply(error) {
  if (error instanceof StatusError) return { status: error.code, body: error.toStatus() };
  const message = error instanceof Error ? error.message : String(error);
  return { status: 500, body: statusBody(500, "InternalError", `Internal error occurred: ${message}`) };
}
function send(res, reply) {
  const body = typeof reply.body === "string" ? reply.body : JSON.stringify(reply.body);
  res.writeHead(reply.status, {
    "Content-Type": reply.contentType ?? "application/json",
    "Cache-Control": "no-cache, private",
    ...reply.headers
  });
  res.end(body);
}
function readBody(req) {
  return new Promise((resolveBody, reject) => {
    const chunks = [];
    req.on("data", (chunk) => chunks.push(chunk));
    req.on("end", () => resolveBody(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}
function requestBodyText(contentType, body) {
  if (!contentType?.startsWith("application/vnd.kubernetes.protobuf") || !isProtobuf(body)) return body.toString("utf8");
  const object = decodeProtobufObject(body);
  if (!object) {
    throw new StatusError(
      415,
      "UnsupportedMediaType",
      "the body of the request was in an unknown format - accepted media types include: application/json, application/yaml (the simulator decodes protobuf only for Namespace, ServiceAccount and SelfSubjectAccessReview; use kubectl apply -f)"
    );
  }
  return JSON.stringify(object);
}
function parseObject(raw) {
  let parsed;
  try {
    parsed = JSON.parse(raw);
  } catch (error) {
    throw badRequest(`the body of the request could not be decoded: ${error.message}`);
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) throw badRequest("the body of the request must be an object");
  const object = parsed;
  object.metadata ??= {};
  return object;
}
function parseFieldValidation(value) {
  if (value === null || value === "") return void 0;
  if (value === "Strict" || value === "Warn" || value === "Ignore") return value;
  throw badRequest(`fieldValidation must be one of "Ignore", "Warn" or "Strict", got "${value}"`);
}
function managerFromUserAgent(userAgent) {
  const name = (userAgent ?? "unknown").split("/")[0].trim();
  return name || "unknown";
}

// source/sim/simulator.ts
var DEFAULT_POD_TERMINATION_MS = 150;
var crdDocuments;
function createCluster(options = {}) {
  const cluster = new SimCluster();
  cluster.admissionHooks.push(sidecarInjectorHook, ambientEnrollmentHook, kubeletHook);
  const saved = options.persistTo ? readSnapshot(options.persistTo) : void 0;
  if (saved) cluster.restore(saved);
  else {
    crdDocuments ??= readCrdManifests();
    const documents = [...crdDocuments, ...(options.fixtures ?? []).flatMap((f) => readManifests(f)), ...options.objects ?? []];
    seedCluster(cluster, documents);
  }
  const terminationMs = options.podTerminationMs ?? DEFAULT_POD_TERMINATION_MS;
  cluster.gracefulPodDeletion = terminationMs > 0;
  const runner = new ControllerRunner(
    cluster,
    [workloadController, ambientEnrollmentController, waypointController, ...terminationMs > 0 ? [podTerminationController(terminationMs)] : []],
    options.controllerDelayMs ?? 0
  );
  runner.start();
  return { cluster, runner };
}
async function startSimulator(options = {}) {
  const { cluster, runner } = createCluster(options);
  await runner.settled();
  const server = await startSimServer(cluster, { port: options.port });
  const persistence = options.persistTo ? persistOnChange(cluster, options.persistTo) : void 0;
  return {
    server,
    cluster,
    url: server.url,
    settled: () => runner.settled(),
    writeKubeconfig: (file, contextName = "ambient-migrate-sim") => writeKubeconfig(file, server.url, contextName),
    close: async () => {
      persistence?.flush();
      persistence?.stop();
      runner.stop();
      await server.close();
    }
  };
}
function readSnapshot(file) {
  if (!existsSync(file)) return void 0;
  try {
    const parsed = JSON.parse(readFileSync(file, "utf8"));
    if (typeof parsed.revision !== "number" || !Array.isArray(parsed.objects)) throw new Error("not a cluster snapshot");
    return parsed;
  } catch (error) {
    throw new SeedError(`the saved cluster ${file} cannot be read (${error.message}); move it away to start from a fresh demo cluster`);
  }
}
function persistOnChange(cluster, file) {
  let timer;
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = void 0;
    mkdirSync(path.dirname(file), { recursive: true, mode: 448 });
    const temp = `${file}.${process.pid}.tmp`;
    writeFileSync(temp, JSON.stringify(cluster.store.snapshot()), { mode: 384 });
    renameSync(temp, file);
  };
  const unsubscribe = cluster.store.subscribe(() => {
    timer ??= setTimeout(flush, 50);
  });
  flush();
  return { flush, stop: unsubscribe };
}
function kubeconfigFor(url, contextName) {
  return yaml3.dump({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: contextName, cluster: { server: url, "insecure-skip-tls-verify": true } }],
    users: [{ name: "admin", user: { token: "simulator" } }],
    contexts: [{ name: contextName, context: { cluster: contextName, user: "admin", namespace: "default" } }],
    "current-context": contextName,
    preferences: {}
  });
}
function writeKubeconfig(file, url, contextName) {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, kubeconfigFor(url, contextName), { mode: 384 });
  return file;
}

export {
  createCluster,
  startSimulator,
  kubeconfigFor,
  writeKubeconfig
};
