import {isDeepStrictEqual} from 'node:util';
import type {KubeObject} from '../../kube/client.ts';

/**
 * A JSON merge patch (RFC 7386) that turns `from` into `to`, limited to metadata labels/annotations and
 * everything outside metadata and status: the parts of an object the migration changes.
 */
export function mergePatchBetween(from: unknown, to: unknown): unknown {
  if (!isObject(from) || !isObject(to)) return structuredClone(to);
  const patch: Record<string, unknown> = {};
  for (const key of new Set([...Object.keys(from), ...Object.keys(to)])) {
    if (!(key in to)) patch[key] = null;
    else if (!(key in from)) patch[key] = structuredClone(to[key]);
    else if (!isDeepStrictEqual(from[key], to[key])) patch[key] = mergePatchBetween(from[key], to[key]);
  }
  return patch;
}

/** The parts of an object a migration write owns: labels, annotations, and the body (spec, data...). */
export function ownedParts(object: KubeObject | null | undefined): Record<string, unknown> | null {
  if (!object) return null;
  const {metadata, status: _status, apiVersion: _a, kind: _k, ...body} = object;
  return {metadata: {labels: metadata.labels ?? {}, annotations: withoutVolatile(metadata.annotations)}, ...body};
}

/** Annotations the cluster or kubectl keep changing, which say nothing about who changed an object. */
function withoutVolatile(annotations: Record<string, string> | undefined): Record<string, string> {
  const out = {...(annotations ?? {})};
  delete out['kubectl.kubernetes.io/last-applied-configuration'];
  delete out['deployment.kubernetes.io/revision'];
  return out;
}

/** Applies a merge patch locally, to predict or check what the server will hold. */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return structuredClone(patch);
  const out: Record<string, unknown> = isObject(target) ? {...target} : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = applyMergePatch(out[key], value);
  }
  return out;
}

/**
 * Whether `live` has, at every path the patch touches, the value `expected` has there: used both to
 * see that a write already landed and that nobody else changed what we are about to change.
 */
export function agreesAt(patch: unknown, live: unknown, expected: unknown): boolean {
  if (!isObject(patch)) return isDeepStrictEqual(normalise(live), normalise(expected));
  for (const key of Object.keys(patch)) {
    const l = isObject(live) ? live[key] : undefined;
    const e = isObject(expected) ? expected[key] : undefined;
    if (!agreesAt(patch[key], l, e)) return false;
  }
  return true;
}

/**
 * Where `live` differs from `expected` at the paths the patch touches, in words: what someone else changed,
 * so that a stopped apply can say which field and what to do about it rather than just "changed".
 */
export function differencesAt(patch: unknown, live: unknown, expected: unknown, at: string[] = []): string[] {
  if (!isObject(patch)) {
    if (isDeepStrictEqual(normalise(live), normalise(expected))) return [];
    return [`${describePath(at)} is ${show(live)} (the plan expected ${show(expected)})`];
  }
  return Object.keys(patch).flatMap(key =>
    differencesAt(patch[key], isObject(live) ? live[key] : undefined, isObject(expected) ? expected[key] : undefined, [...at, key]),
  );
}

function describePath(at: string[]): string {
  if (at[0] === 'metadata' && at[1] === 'labels' && at.length === 3) return `label ${at[2]}`;
  if (at[0] === 'metadata' && at[1] === 'annotations' && at.length === 3) return `annotation ${at[2]}`;
  return at.join('.');
}

function show(value: unknown): string {
  const v = normalise(value);
  if (v === undefined) return 'unset';
  const text = JSON.stringify(v);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** Absent and empty are the same to a reader of labels and annotations. */
function normalise(value: unknown): unknown {
  if (value === null) return undefined;
  if (isObject(value) && Object.keys(value).length === 0) return undefined;
  return value;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
