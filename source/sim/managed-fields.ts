import {isDeepStrictEqual} from 'node:util';
import type {ListSemanticsLookup} from './list-semantics.ts';
import {StatusError} from './status.ts';
import type {KubeObject, ManagedFieldsEntry, StatusCause} from './types.ts';

/**
 * A simplified structured-merge-diff: field ownership per manager as sets of FieldsV1 paths, conflicts
 * when an applier sets a field another manager owns to a different value, removal of fields an applier
 * stops sending and owns alone, and Update entries for every other write.
 *
 * A path is a list of FieldsV1 keys (`f:spec`, `k:{"name":"app"}`, `v:"x"`, `.`) joined by NUL.
 */
type FieldPath = string;
const SEP = '\u0000';

/** Fields that belong to the object's identity or to the server, never to a manager. */
const UNTRACKED_METADATA = new Set([
  'name',
  'namespace',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'managedFields',
  'selfLink',
]);

interface Walk {
  semantics: ListSemanticsLookup;
}

/** The leaf paths an object sets, with each leaf's value (for conflict checks). */
function leafValues(object: Record<string, unknown>, walk: Walk, includeStatus: boolean): Map<FieldPath, unknown> {
  const out = new Map<FieldPath, unknown>();
  for (const [key, value] of Object.entries(object)) {
    if (key === 'apiVersion' || key === 'kind') continue;
    if (key === 'status' && !includeStatus) continue;
    if (key === 'metadata' && isMap(value)) {
      for (const [mk, mv] of Object.entries(value)) {
        if (UNTRACKED_METADATA.has(mk)) continue;
        visit(mv, [`f:metadata`, `f:${mk}`], ['metadata', mk], walk, out);
      }
      continue;
    }
    visit(value, [`f:${key}`], [key], walk, out);
  }
  return out;
}

function visit(value: unknown, keys: string[], names: string[], walk: Walk, out: Map<FieldPath, unknown>): void {
  if (isMap(value) && Object.keys(value).length > 0) {
    for (const [k, v] of Object.entries(value)) visit(v, [...keys, `f:${k}`], [...names, k], walk, out);
    return;
  }
  if (Array.isArray(value)) {
    const semantics = walk.semantics(names);
    if (semantics.type === 'set') {
      for (const item of value) out.set([...keys, `v:${JSON.stringify(item)}`].join(SEP), item);
      return;
    }
    if (semantics.type === 'map' && value.every(isMap)) {
      for (const item of value as Record<string, unknown>[]) {
        const itemKey = `k:${itemKeyOf(item, semantics.keys)}`;
        out.set([...keys, itemKey, '.'].join(SEP), true);
        for (const [k, v] of Object.entries(item)) visit(v, [...keys, itemKey, `f:${k}`], [...names, k], walk, out);
      }
      return;
    }
  }
  out.set(keys.join(SEP), value);
}

function itemKeyOf(item: Record<string, unknown>, keys: string[]): string {
  const key: Record<string, unknown> = {};
  for (const k of [...keys].sort()) if (item[k] !== undefined) key[k] = item[k];
  return JSON.stringify(key);
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// ---- FieldsV1 encoding -------------------------------------------------------------------------

export function encodeFieldsV1(paths: Iterable<FieldPath>): Record<string, unknown> {
  const root: Record<string, Record<string, unknown>> = {};
  for (const path of paths) {
    let node: Record<string, unknown> = root;
    for (const key of path.split(SEP)) {
      node[key] ??= {};
      node = node[key] as Record<string, unknown>;
    }
  }
  return root;
}

export function decodeFieldsV1(fields: Record<string, unknown> | undefined): Set<FieldPath> {
  const out = new Set<FieldPath>();
  const walk = (node: Record<string, unknown>, prefix: string[]) => {
    const entries = Object.entries(node);
    if (entries.length === 0 && prefix.length > 0) out.add(prefix.join(SEP));
    for (const [key, child] of entries) walk(isMap(child) ? child : {}, [...prefix, key]);
  };
  if (fields) walk(fields, []);
  return out;
}

/** `.spec.containers[name="app"].image`: how a real server names a conflicting field. */
function describePath(path: FieldPath): string {
  return path
    .split(SEP)
    .filter(k => k !== '.')
    .map(k => {
      if (k.startsWith('f:')) return `.${k.slice(2)}`;
      if (k.startsWith('k:')) {
        const key = JSON.parse(k.slice(2)) as Record<string, unknown>;
        return `[${Object.entries(key).map(([n, v]) => `${n}=${JSON.stringify(v)}`).join(',')}]`;
      }
      if (k.startsWith('v:')) return `[${k.slice(2)}]`;
      return k;
    })
    .join('');
}

// ---- apply ---------------------------------------------------------------------------------------

export interface ApplyInput {
  live: KubeObject | undefined;
  applied: KubeObject;
  manager: string;
  force: boolean;
  apiVersion: string;
  semantics: ListSemanticsLookup;
  subresource?: string;
  now: string;
}

/** Merges an applied configuration into the live object and updates managedFields. */
export function serverSideApply(input: ApplyInput): KubeObject {
  const {live, applied, manager, semantics} = input;
  const walk: Walk = {semantics};
  const includeStatus = input.subresource === 'status';
  const appliedLeaves = leafValues(applied, walk, includeStatus);
  const appliedPaths = new Set(appliedLeaves.keys());
  const entries = structuredClone(live?.metadata.managedFields ?? []);
  const isMine = (e: ManagedFieldsEntry) =>
    e.manager === manager && e.operation === 'Apply' && (e.subresource ?? '') === (input.subresource ?? '');

  if (live) {
    const liveLeaves = leafValues(live, walk, true);
    const conflicts: StatusCause[] = [];
    const conflicting = new Map<ManagedFieldsEntry, Set<FieldPath>>();
    for (const entry of entries) {
      if (isMine(entry)) continue;
      const owned = decodeFieldsV1(entry.fieldsV1);
      for (const path of appliedPaths) {
        if (!owned.has(path) || path.endsWith(`${SEP}.`)) continue;
        if (isDeepStrictEqual(liveLeaves.get(path), appliedLeaves.get(path))) continue;
        conflicts.push({
          reason: 'FieldManagerConflict',
          message: `conflict with "${entry.manager}"${entry.operation === 'Update' ? ` using ${entry.apiVersion}` : ''}`,
          field: describePath(path),
        });
        const set = conflicting.get(entry) ?? new Set<FieldPath>();
        set.add(path);
        conflicting.set(entry, set);
      }
    }
    if (conflicts.length > 0 && !input.force) {
      const detail = conflicts.map(c => `- ${c.message}: ${c.field}`).join('\n');
      throw new StatusError(
        409,
        'Conflict',
        `Apply failed with ${conflicts.length} conflict${conflicts.length > 1 ? 's' : ''}: ${conflicts.length === 1 ? `${conflicts[0]!.message}: ${conflicts[0]!.field}` : `\n${detail}`}`,
        {causes: conflicts},
      );
    }
    // Forcing takes the fields away from their previous owners.
    for (const [entry, paths] of conflicting) {
      const owned = decodeFieldsV1(entry.fieldsV1);
      for (const path of paths) owned.delete(path);
      entry.fieldsV1 = encodeFieldsV1(owned);
    }
  }

  const previous = entries.find(isMine);
  const previouslyOwned = decodeFieldsV1(previous?.fieldsV1);
  const ownedByOthers = new Set<FieldPath>();
  for (const entry of entries) if (!isMine(entry)) for (const p of decodeFieldsV1(entry.fieldsV1)) ownedByOthers.add(p);

  let result = mergeApplied(live ? structuredClone(live) : {}, applied, [], semantics) as KubeObject;
  const dropped = [...previouslyOwned].filter(p => !appliedPaths.has(p) && !ownedByOthers.has(p));
  for (const path of dropped) result = removePath(result, path.split(SEP), semantics) as KubeObject;

  const others = entries.filter(e => !isMine(e) && Object.keys(e.fieldsV1 ?? {}).length > 0);
  const mine: ManagedFieldsEntry = {
    manager,
    operation: 'Apply',
    apiVersion: input.apiVersion,
    time: input.now,
    fieldsType: 'FieldsV1',
    fieldsV1: encodeFieldsV1(appliedPaths),
    ...(input.subresource ? {subresource: input.subresource} : {}),
  };
  result.metadata = {...result.metadata, managedFields: [...others, mine]};
  return result;
}

function mergeApplied(live: unknown, applied: unknown, names: string[], semantics: ListSemanticsLookup): unknown {
  if (isMap(live) && isMap(applied)) {
    const out: Record<string, unknown> = {...live};
    for (const [k, v] of Object.entries(applied)) out[k] = mergeApplied(live[k], v, [...names, k], semantics);
    return out;
  }
  if (Array.isArray(live) && Array.isArray(applied)) {
    const list = semantics(names);
    if (list.type === 'set') return [...live, ...applied.filter(v => !live.some(l => isDeepStrictEqual(l, v)))];
    if (list.type === 'map') {
      const keyOf = (item: unknown) => (isMap(item) ? itemKeyOf(item, list.keys) : JSON.stringify(item));
      const out = [...live];
      for (const item of applied) {
        const index = out.findIndex(l => keyOf(l) === keyOf(item));
        if (index >= 0) out[index] = mergeApplied(out[index], item, names, semantics);
        else out.push(item);
      }
      return out;
    }
  }
  return structuredClone(applied);
}

function removePath(node: unknown, keys: string[], semantics: ListSemanticsLookup, names: string[] = []): unknown {
  const [head, ...rest] = keys;
  if (head === undefined) return node;
  if (head.startsWith('f:') && isMap(node)) {
    const field = head.slice(2);
    if (!(field in node)) return node;
    const out = {...node};
    if (rest.length === 0) delete out[field];
    else out[field] = removePath(node[field], rest, semantics, [...names, field]);
    return out;
  }
  if (Array.isArray(node)) {
    const list = semantics(names);
    if (head.startsWith('v:')) return node.filter(v => JSON.stringify(v) !== head.slice(2));
    if (head.startsWith('k:') && list.type === 'map') {
      const matchesKey = (item: unknown) => isMap(item) && `k:${itemKeyOf(item, list.keys)}` === head;
      if (rest.length === 1 && rest[0] === '.') return node.filter(item => !matchesKey(item));
      return node.map(item => (matchesKey(item) ? removePath(item, rest, semantics, names) : item));
    }
  }
  return node;
}

// ---- updates -------------------------------------------------------------------------------------

export interface UpdateInput {
  before: KubeObject | undefined;
  after: KubeObject;
  manager: string;
  apiVersion: string;
  semantics: ListSemanticsLookup;
  subresource?: string;
  now: string;
}

/**
 * Records a create, update or patch: the writer takes ownership of the fields it changed, earlier owners
 * lose them, and fields that disappeared are owned by nobody. Client-written managedFields (kubectl's
 * migration from client-side to server-side apply) are taken as they come.
 */
export function recordUpdate(input: UpdateInput): KubeObject {
  const {before, after, manager} = input;
  const walk: Walk = {semantics: input.semantics};
  const includeStatus = input.subresource === 'status';
  const beforeLeaves = before ? leafValues(before, walk, includeStatus) : new Map<FieldPath, unknown>();
  const afterLeaves = leafValues(after, walk, includeStatus);
  const changed = new Set<FieldPath>();
  for (const [path, value] of afterLeaves)
    if (!beforeLeaves.has(path) || !isDeepStrictEqual(beforeLeaves.get(path), value)) changed.add(path);
  const removed = [...beforeLeaves.keys()].filter(p => !afterLeaves.has(p));

  const clientWrote =
    after.metadata.managedFields !== undefined &&
    !isDeepStrictEqual(after.metadata.managedFields, before?.metadata.managedFields);
  const entries = structuredClone(clientWrote ? after.metadata.managedFields! : before?.metadata.managedFields ?? []);
  if (changed.size === 0 && removed.length === 0) {
    return {...after, metadata: {...after.metadata, managedFields: entries}};
  }
  const isMine = (e: ManagedFieldsEntry) =>
    e.manager === manager && e.operation === 'Update' && (e.subresource ?? '') === (input.subresource ?? '');
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
  const kept = entries.filter(e => !isMine(e) && Object.keys(e.fieldsV1 ?? {}).length > 0);
  const mine: ManagedFieldsEntry = {
    manager,
    operation: 'Update',
    apiVersion: input.apiVersion,
    time: input.now,
    fieldsType: 'FieldsV1',
    fieldsV1: encodeFieldsV1(mineSet),
    ...(input.subresource ? {subresource: input.subresource} : {}),
  };
  return {...after, metadata: {...after.metadata, managedFields: [...kept, mine]}};
}
