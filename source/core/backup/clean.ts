import type {KubeObject} from '../../kube/client.ts';
import {apiVersionOf, type KindRef} from '../../kube/kinds.ts';

/** Written by the API server or by controllers: applying them back is refused, or fights the owner. */
const SERVER_METADATA = ['uid', 'resourceVersion', 'generation', 'creationTimestamp', 'managedFields', 'selfLink', 'deletionTimestamp', 'deletionGracePeriodSeconds'];
const SERVER_ANNOTATIONS = [
  // kubectl rewrites it on every apply; the old value would only mislead its three-way merge.
  'kubectl.kubernetes.io/last-applied-configuration',
  // The Deployment controller's rollout counter.
  'deployment.kubernetes.io/revision',
];

/** Whether a controller recreates this object from its owner (waypoint Deployments, operator output). */
export function controllerOwned(object: KubeObject): boolean {
  return (object.metadata.ownerReferences ?? []).some(ref => ref.controller === true);
}

/**
 * The object as `kubectl apply -f` can put it back, both over a changed live object and after a delete.
 * Keys in a fixed order (apiVersion, kind, metadata first, the rest sorted at every level), so the same
 * cluster state always gives the same bytes, whatever order the server sent the fields in.
 */
export function cleanForRestore(object: KubeObject, ref: KindRef): KubeObject {
  const {status: _status, apiVersion: _apiVersion, kind: _kind, metadata, ...rest} = object;
  const meta: Record<string, unknown> = {...metadata};
  for (const key of SERVER_METADATA) delete meta[key];
  // A uid in an ownerReference names one incarnation of the owner: once that owner is recreated, the
  // garbage collector deletes a restored object that still points at the old uid.
  delete meta.ownerReferences;
  const annotations = {...(metadata.annotations ?? {})};
  for (const key of SERVER_ANNOTATIONS) delete annotations[key];
  if (Object.keys(annotations).length > 0) meta.annotations = annotations;
  else delete meta.annotations;

  if (ref.kind === 'Service' && rest.spec) rest.spec = withoutAllocatedClusterIp(rest.spec);

  const {name, namespace, labels, annotations: notes, ...otherMeta} = meta;
  const orderedMeta = {name, ...(namespace ? {namespace} : {}), ...(labels ? {labels} : {}), ...(notes ? {annotations: notes} : {}), ...(sortKeys(otherMeta) as object)};
  return {apiVersion: apiVersionOf(ref), kind: ref.kind, metadata: sortKeys(orderedMeta, false) as KubeObject['metadata'], ...(sortKeys(rest) as object)};
}

/**
 * Allocated cluster IPs are dropped, `None` (headless) is kept. clusterIP is immutable: applying a backup
 * over a Service that was recreated in the meantime (and got a new IP) fails with "field is immutable",
 * and re-creating a deleted Service with its old IP fails if the IP was handed out again. Without the
 * field, apply leaves an existing Service's IP alone (kubectl's patch does not mention it) and a deleted
 * one gets a fresh IP; clients use the DNS name. Headless must stay headless: StatefulSet pod DNS depends
 * on it. Node ports are kept on purpose: external load balancers point at them, and they are mutable.
 */
function withoutAllocatedClusterIp(spec: Record<string, unknown>): Record<string, unknown> {
  if (spec.clusterIP === 'None') return spec;
  const {clusterIP: _ip, clusterIPs: _ips, ...rest} = spec;
  return rest;
}

/** Recursively sorted keys; `top === false` keeps the caller's order at the first level only. */
function sortKeys(value: unknown, top = true): unknown {
  if (Array.isArray(value)) return value.map(v => sortKeys(v));
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  if (top) entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(entries.map(([k, v]) => [k, sortKeys(v)]));
}
