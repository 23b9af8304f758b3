// Strategic merge patch (application/strategic-merge-patch+json) for the built-in kinds the simulator serves.
// A real apiserver reads list strategies from Go struct tags; we only serve a handful of kinds, so a
// path table replaces the schema. Paths name fields only: list elements add no segment.
import {StatusError, badRequest} from './status.ts';

type Obj = Record<string, unknown>;

/** Field path → merge key. '' merges a list of primitives as a set. Paths not listed are replaced wholesale. */
type KeyTable = Record<string, string>;

const CONTAINER: KeyTable = {
  env: 'name',
  ports: 'containerPort',
  volumeMounts: 'mountPath',
  volumeDevices: 'devicePath',
};

const POD_SPEC: KeyTable = {
  volumes: 'name',
  imagePullSecrets: 'name',
  hostAliases: 'ip',
  topologySpreadConstraints: 'topologyKey',
  schedulingGates: 'name',
  resourceClaims: 'name',
  ...Object.fromEntries(
    ['containers', 'initContainers', 'ephemeralContainers'].flatMap(list => [
      [list, 'name'],
      ...Object.entries(CONTAINER).map(([field, key]) => [`${list}.${field}`, key]),
    ]),
  ),
};

const prefixed = (prefix: string, table: KeyTable): KeyTable =>
  Object.fromEntries(Object.entries(table).map(([path, key]) => [`${prefix}.${path}`, key]));

const COMMON: KeyTable = {
  'metadata.ownerReferences': 'uid',
  'metadata.finalizers': '',
  'status.conditions': 'type',
};

const WORKLOAD: KeyTable = {...COMMON, ...prefixed('spec.template.spec', POD_SPEC)};
const WEBHOOKS: KeyTable = {...COMMON, webhooks: 'name'};

const TABLES: Record<string, KeyTable> = {
  Pod: {...COMMON, ...prefixed('spec', POD_SPEC), 'status.podIPs': 'ip', 'status.hostIPs': 'ip'},
  Deployment: WORKLOAD,
  ReplicaSet: WORKLOAD,
  StatefulSet: WORKLOAD,
  DaemonSet: WORKLOAD,
  Service: {...COMMON, 'spec.ports': 'port'},
  // Upstream NodeSpec.taints carries no patch strategy, so a real server replaces the list.
  Node: {...COMMON, 'status.addresses': 'type'},
  ServiceAccount: {...COMMON, secrets: 'name'},
  MutatingWebhookConfiguration: WEBHOOKS,
  ValidatingWebhookConfiguration: WEBHOOKS,
  Namespace: COMMON,
  ConfigMap: COMMON,
  Secret: COMMON,
  NetworkPolicy: COMMON,
  CustomResourceDefinition: COMMON,
  EndpointSlice: COMMON,
  CSIDriver: COMMON,
};

export function supportsStrategicMerge(kind: string): boolean {
  return Object.hasOwn(TABLES, kind);
}

export function strategicMergePatch(original: Obj, patch: Obj, kind: string): Obj {
  if (!supportsStrategicMerge(kind)) {
    throw new StatusError(
      415,
      'UnsupportedMediaType',
      'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml',
    );
  }
  if (!isObj(patch)) throw badRequest('strategic merge patch body must be a JSON object');
  // Merging works on a private copy of the original; patch values are always rebuilt, never shared.
  return new Merger(TABLES[kind]!).map(structuredClone(original), patch, '') ?? {};
}

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const join = (path: string, field: string) => (path ? `${path}.${field}` : field);

const SET_ORDER = '$setElementOrder/';
const DELETE_PRIMITIVES = '$deleteFromPrimitiveList/';
const isDirective = (k: string) =>
  k === '$patch' || k === '$retainKeys' || k.startsWith(SET_ORDER) || k.startsWith(DELETE_PRIMITIVES);

class Merger {
  constructor(private readonly keys: KeyTable) {}

  /** Merges `patch` into `original` (which it may modify). `undefined` means the map is deleted. */
  map(original: Obj, patch: Obj, path: string): Obj | undefined {
    const directive = patch.$patch;
    if (directive === 'delete') return undefined;
    if (directive === 'replace') {
      const {$patch: _, ...rest} = patch;
      return this.map({}, rest, path);
    }
    if (directive !== undefined && directive !== 'merge') throw badRequest(`Unknown patch type: ${String(directive)}`);

    const result = original;
    if (Array.isArray(patch.$retainKeys)) {
      for (const k of Object.keys(result)) if (!patch.$retainKeys.includes(k)) delete result[k];
    }
    for (const [k, values] of Object.entries(patch)) {
      if (!k.startsWith(DELETE_PRIMITIVES) || !Array.isArray(values)) continue;
      const field = k.slice(DELETE_PRIMITIVES.length);
      const list = result[field];
      if (Array.isArray(list)) result[field] = list.filter(item => !values.some(v => same(v, item)));
    }
    // The live list before this patch: $setElementOrder interleaves server-only items by their old positions.
    const before: Obj = {...result};
    for (const [k, v] of Object.entries(patch)) {
      if (isDirective(k)) continue;
      if (v === null) {
        delete result[k];
        continue;
      }
      const merged = this.value(result[k], v, join(path, k));
      if (merged === undefined) delete result[k];
      else result[k] = merged;
    }
    for (const [k, order] of Object.entries(patch)) {
      if (!k.startsWith(SET_ORDER) || !Array.isArray(order)) continue;
      const field = k.slice(SET_ORDER.length);
      const list = result[field];
      if (!Array.isArray(list)) continue;
      const key = this.keys[join(path, field)] ?? '';
      const old = Array.isArray(before[field]) ? (before[field] as unknown[]) : [];
      result[field] = reorder(list, order, old, key);
    }
    return result;
  }

  private value(original: unknown, patch: unknown, path: string): unknown {
    if (isObj(patch)) return this.map(isObj(original) ? original : {}, patch, path);
    if (!Array.isArray(patch)) return patch;
    const key = this.keys[path];
    const base = Array.isArray(original) ? original : [];
    if (key === undefined) return this.rebuild(patch, path);
    if (key === '') {
      const union = [...base];
      for (const p of patch) if (!union.some(o => same(o, p))) union.push(p);
      return union;
    }
    return this.mergeByKey(base, patch, key, path);
  }

  /** A list taken from the patch as is, minus nulls and directives inside its elements. */
  private rebuild(items: unknown[], path: string): unknown[] {
    return items.map(item => this.value(undefined, item, path)).filter(item => item !== undefined);
  }

  private mergeByKey(original: unknown[], patch: unknown[], key: string, path: string): unknown[] {
    const elements = patch.map(e => {
      if (!isObj(e)) throw badRequest(`list at ${path} must hold objects with merge key "${key}"`);
      return e;
    });
    if (elements.some(e => e.$patch === 'replace')) {
      return this.rebuild(elements.filter(e => e.$patch === undefined), path);
    }
    let result = [...original];
    for (const e of elements) {
      if (!(key in e)) throw badRequest(`map: ${JSON.stringify(e)} does not contain declared merge key: ${key}`);
      if (e.$patch === 'delete') {
        result = result.filter(o => !(isObj(o) && same(o[key], e[key])));
        continue;
      }
      const at = result.findIndex(o => isObj(o) && same(o[key], e[key]));
      const merged = this.map(at >= 0 ? (result[at] as Obj) : {}, e, path);
      if (at >= 0) {
        if (merged === undefined) result.splice(at, 1);
        else result[at] = merged;
      } else if (merged !== undefined) result.push(merged);
    }
    return result;
  }
}

/**
 * Items named in `order` come in that order; the others keep their relative order and are slotted in ahead of
 * the first ordered item that followed them in the live list, as a real apiserver does.
 */
function reorder(list: unknown[], order: unknown[], live: unknown[], key: string): unknown[] {
  const id = (v: unknown) => JSON.stringify(key && isObj(v) ? v[key] : v);
  const wanted = order.map(id);
  const liveAt = (v: unknown) => live.findIndex(l => id(l) === id(v));
  const ordered = list.filter(v => wanted.includes(id(v))).sort((a, b) => wanted.indexOf(id(a)) - wanted.indexOf(id(b)));
  const others = list.filter(v => !wanted.includes(id(v)));
  const out: unknown[] = [];
  let i = 0;
  let j = 0;
  const earlier = (a: unknown, b: unknown) => liveAt(a) >= 0 && liveAt(b) >= 0 && liveAt(a) < liveAt(b);
  while (i < others.length || j < ordered.length) {
    if (j >= ordered.length || (i < others.length && earlier(others[i], ordered[j]))) out.push(others[i++]);
    else out.push(ordered[j++]);
  }
  return out;
}
