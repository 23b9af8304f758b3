import type {KubeObject} from '../../kube/client.ts';
import type {Action, Operation, Step, Target} from './types.ts';

const SERVER_METADATA = ['uid', 'resourceVersion', 'generation', 'creationTimestamp', 'managedFields', 'selfLink', 'deletionTimestamp'];

/**
 * An object as a person wrote it: without what the server fills in, so plans are stable and diffs show
 * only what the migration changes. `kubectl.kubernetes.io/last-applied-configuration` goes too.
 */
export function userView(object: KubeObject): KubeObject {
  // sortKeys copies deeply, so only the levels that lose fields are copied here: a structuredClone first
  // doubled the allocations of a 1,000-namespace plan.
  const {status: _status, ...rest} = object;
  const metadata: Record<string, unknown> = {...object.metadata};
  for (const field of SERVER_METADATA) delete metadata[field];
  if (object.metadata.annotations) {
    const {'kubectl.kubernetes.io/last-applied-configuration': _applied, ...annotations} = object.metadata.annotations;
    if (Object.keys(annotations).length === 0) delete metadata.annotations;
    else metadata.annotations = annotations;
  }
  return sortKeys({...rest, metadata}) as KubeObject;
}

/** Stable key order: the same input gives byte-identical JSON and YAML. */
export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value as object).sort()) out[key] = sortKeys((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}

export {byCodeUnits} from '../order.ts';

export function targetOf(object: KubeObject): Target {
  return {
    apiVersion: object.apiVersion,
    kind: object.kind,
    ...(object.metadata.namespace ? {namespace: object.metadata.namespace} : {}),
    name: object.metadata.name,
  };
}

export function operation(
  namespace: string,
  step: Step,
  action: Action,
  target: Target,
  before: KubeObject | null,
  after: KubeObject | null,
  reason: string,
): Operation {
  return {
    id: `${namespace}/${step}/${action}/${target.kind.toLowerCase()}/${target.name}`,
    namespace,
    step,
    action,
    target,
    before: before ? userView(before) : null,
    after: after ? userView(after) : null,
    reason,
  };
}

/** Kubernetes names are at most 253 characters; labels-based names 63. Keep names valid and stable. */
export function derivedName(base: string, suffix: string, max = 253): string {
  const name = `${base}-${suffix}`;
  return name.length <= max ? name : `${base.slice(0, max - suffix.length - 1)}-${suffix}`;
}
