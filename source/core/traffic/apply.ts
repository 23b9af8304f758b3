import type {KubeObject} from '../../kube/client.ts';
import {apiVersionOf, KINDS} from '../../kube/kinds.ts';
import {REDIRECTION_ANNOTATION, SIDECAR_STATUS_ANNOTATION} from '../dataplane.ts';
import type {Inventory} from '../inventory.ts';
import type {Operation, Target} from '../plan/types.ts';
import {decideMode} from './mode.ts';
import {matchesLabels} from './selectors.ts';
import {fqdn, podKey, World, WORLD_KINDS, workloadOf, type WorldKind} from './world.ts';

/**
 * A plan's operations applied to a model of the cluster, deterministically: create/update/delete/label
 * write `after` (or remove the object); `restart` replaces the workload's pods by new pods built from its
 * pod template, each getting the mode Istio would give it at that moment (`mode.ts` `decideMode`, reading
 * the namespace labels as the earlier operations left them). Nothing else changes in between: no
 * controller, no clock.
 */

const groupOf = (apiVersion: string) => (apiVersion.includes('/') ? apiVersion.split('/')[0]! : '');

export function kindOf(target: {apiVersion: string; kind: string}): WorldKind | undefined {
  const group = groupOf(target.apiVersion);
  return WORLD_KINDS.find(k => KINDS[k].kind === target.kind && KINDS[k].group === group);
}

/** Creation times for objects a plan creates: after everything that exists, in plan order. */
function createdAt(index: number): string {
  const base = Date.UTC(2100, 0, 1);
  return new Date(base + index * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
}

interface BucketChange {
  kind: WorldKind;
  namespace: string;
  objects: KubeObject[];
}

/** The state after one more operation, as a new World (this one unchanged). */
export function applyOperation(world: World, op: Operation, index: number): World {
  const c = bucketChange(world, op, index);
  return c ? world.withBucket(c.kind, c.namespace, c.objects) : world;
}

/** The same, in place: for walking a plan over a World nobody else holds (see `World.fork`). */
export function applyOperationInPlace(world: World, op: Operation, index: number): void {
  const c = bucketChange(world, op, index);
  if (c) world.replaceBucket(c.kind, c.namespace, c.objects);
}

function bucketChange(world: World, op: Operation, index: number): BucketChange | undefined {
  if (op.action === 'restart') return restart(world, op.target, index);
  const kind = kindOf(op.target);
  if (!kind) return undefined;
  const namespace = KINDS[kind].namespaced ? (op.target.namespace ?? op.namespace) : '';
  const current = world.list(kind, namespace);
  const at = current.findIndex(o => o.metadata.name === op.target.name);
  const next = [...current];
  if (op.action === 'delete' || !op.after) {
    if (at >= 0) next.splice(at, 1);
    return {kind, namespace, objects: next};
  }
  // Plans carry objects without server metadata: keep the existing creation time and identity.
  const previous = at >= 0 ? current[at] : undefined;
  const object: KubeObject = {
    ...op.after,
    metadata: {
      ...op.after.metadata,
      ...(namespace ? {namespace} : {}),
      creationTimestamp: previous?.metadata.creationTimestamp ?? op.after.metadata.creationTimestamp ?? createdAt(index),
      ...(previous?.metadata.uid ? {uid: previous.metadata.uid} : {}),
    },
    ...(previous?.status && kind !== 'namespace' ? {status: previous.status} : {}),
  };
  if (at >= 0) next[at] = object;
  else next.push(object);
  return {kind, namespace, objects: next};
}

function restart(world: World, target: Target, index: number): BucketChange | undefined {
  const kind = kindOf(target);
  const ns = target.namespace ?? '';
  if (!kind) return undefined;
  const workload = world.get(kind, ns, target.name);
  if (!workload) return undefined;
  const pods = world.list('pod', ns);
  const selector = workload.spec?.selector?.matchLabels as Record<string, string> | undefined;
  const own = pods.filter(p => {
    const wl = workloadOf(world, p);
    return wl.name === target.name && (wl.kind === target.kind || (selector !== undefined && matchesLabels(selector, p.metadata.labels)));
  });
  const count = own.filter(p => !p.metadata.deletionTimestamp).length || Number(workload.spec?.replicas ?? 1);
  const template = workload.spec?.template ?? {};
  const meta = template.metadata ?? {};
  const decision = decideMode(world, ns, {labels: meta.labels, annotations: meta.annotations}, template.spec);
  const annotations: Record<string, string> = {...(meta.annotations ?? {})};
  if (decision.mode === 'sidecar') annotations[SIDECAR_STATUS_ANNOTATION] = JSON.stringify({containers: ['istio-proxy'], revision: decision.revision});
  if (decision.mode === 'ambient') annotations[REDIRECTION_ANNOTATION] = 'enabled';
  const fresh: KubeObject[] = Array.from({length: count}, (_, i) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `${target.name}-restart${index}-${i}`,
      namespace: ns,
      labels: {...(meta.labels ?? {})},
      annotations,
      creationTimestamp: createdAt(index),
      ownerReferences: [{apiVersion: apiVersionOf(KINDS[kind]), kind: target.kind, name: target.name, uid: workload.metadata.uid ?? '', controller: true}],
    },
    spec: structuredClone(template.spec ?? {}),
    status: {phase: 'Running'},
  }));
  return {kind: 'pod', namespace: ns, objects: [...pods.filter(p => !own.includes(p)), ...fresh]};
}

export function applyOperations(inventory: Inventory, operations: Operation[]): Inventory {
  const world = World.fromInventory(inventory);
  operations.forEach((op, i) => applyOperationInPlace(world, op, i));
  const out = world.toInventory();
  // Kinds the model does not read pass through untouched.
  for (const [kind, items] of Object.entries(inventory.objects)) if (!(WORLD_KINDS as readonly string[]).includes(kind)) (out.objects as Record<string, unknown>)[kind] = items;
  out.unreadable = inventory.unreadable;
  return out;
}

/**
 * Which enforcement points a policy can reach: sidecars and ztunnel read selector (and namespace-wide)
 * policies and ignore those with `targetRefs`; waypoints read only `targetRefs` ones (reference §3.6.2,
 * istio `pilot/pkg/model/policyattachment.go`). PeerAuthentication is read by sidecars and ztunnel only.
 * Evaluation records `authz-pods:<ns>` / `authz-waypoint:<ns>` accordingly (`evaluate.ts`).
 */
export function authzKeys(kind: string, ns: string, objects: Array<KubeObject | null>, world?: World): string[] {
  const keys = new Set<string>();
  for (const o of objects) {
    if (!o) continue;
    const targeted = Boolean(o.spec?.targetRefs?.length || o.spec?.targetRef);
    if (kind !== 'peerAuthentication' && targeted) {
      keys.add(`authz-waypoint:${ns}`);
      continue;
    }
    const selector = o.spec?.selector?.matchLabels as Record<string, string> | undefined;
    // A selector policy outside the root namespace reaches only the pods it selects (by their shape);
    // a namespace-wide or root policy, every pod of the namespace (or of the mesh).
    if (world && selector && Object.keys(selector).length > 0 && ns !== world.rootNamespace) {
      for (const pod of world.pods(ns)) if (matchesLabels(selector, pod.metadata.labels)) keys.add(`authz-pod:${ns}|${podKey(pod)}`);
    } else keys.add(`authz-pods:${ns}`);
  }
  return [...keys];
}

/**
 * What an operation can change, as dependency keys (`World.tracker`): `<kind>:<namespace>` for the
 * bucket it writes (`namespace:<name>` for a Namespace, `pod:<namespace>` for a restart), `host:<fqdn>`
 * for route objects binding a host (`host:*` for wildcard hosts), `dr:<fqdn>` for DestinationRules (their
 * subsets), `gw:<ns/name>` for VirtualServices bound
 * to an ingress Gateway, `global` for cluster-scoped kinds.
 */
export function operationKeys(op: Operation, world?: World): string[] {
  const keys = new Set<string>();
  const kind = op.action === 'restart' ? undefined : kindOf(op.target);
  const ns = op.target.namespace ?? op.namespace;
  if (op.action === 'restart') {
    keys.add(`pod:${ns}`);
    // The Services whose endpoints change: those selecting the workload's pods (before or after).
    const wk = kindOf(op.target);
    const workload = wk && world ? world.get(wk, ns, op.target.name) : undefined;
    const labels = workload?.spec?.template?.metadata?.labels as Record<string, string> | undefined;
    const old = world ? world.list('pod', ns).filter(p => workloadOf(world, p).name === op.target.name) : [];
    for (const svc of world ? world.list('service', ns) : []) {
      const sel = svc.spec?.selector as Record<string, string> | undefined;
      if (!sel || Object.keys(sel).length === 0) continue;
      if ((labels && matchesLabels(sel, labels)) || old.some(p => matchesLabels(sel, p.metadata.labels))) keys.add(`endpoints:${ns}/${svc.metadata.name}`);
    }
    if (!world) keys.add(`endpoints:${ns}/*`);
  } else if (kind === 'namespace') {
    keys.add(`namespace:${op.target.name}`);
    const before = op.before?.metadata.labels ?? {}, after = op.after?.metadata.labels ?? {};
    for (const k of new Set([...Object.keys(before), ...Object.keys(after)])) if (before[k] !== after[k] || !op.before || !op.after) keys.add(`nslabel:${op.target.name}:${k}`);
  } else if (kind === 'authorizationPolicy' || kind === 'requestAuthentication' || kind === 'peerAuthentication') {
    keys.add(`${kind}:${ns}/${op.target.name}`);
    for (const k of authzKeys(kind, ns, [op.before, op.after], world)) keys.add(k);
  }
  else if (kind && !KINDS[kind].namespaced) keys.add('global');
  else if (kind) {
    keys.add(`${kind}:${ns}`);
    keys.add(`${kind}:${ns}/${op.target.name}`);
    // A Service's selector decides its endpoints.
    if (kind === 'service') keys.add(`endpoints:${ns}/${op.target.name}`);
  }
  for (const object of [op.before, op.after]) {
    if (!object) continue;
    const ns = object.metadata.namespace ?? op.target.namespace ?? op.namespace;
    if (kind === 'virtualService') {
      for (const h of (object.spec?.hosts ?? []) as string[]) keys.add(`host:${h.includes('*') ? '*' : fqdn(h, ns)}`);
      for (const g of (object.spec?.gateways ?? []) as string[]) if (g !== 'mesh') keys.add(`gw:${g.includes('/') ? g : `${ns}/${g}`}`);
      // A delegate has no hosts; whoever delegates to it read its namespace.
    }
    if (kind === 'destinationRule' && object.spec?.host) keys.add(`dr:${fqdn(object.spec.host, ns)}`);
    if (kind === 'httpRoute') {
      for (const p of (object.spec?.parentRefs ?? []) as Array<{kind?: string; name: string; namespace?: string}>) {
        if (p.kind === 'Service') keys.add(`host:${p.name}.${p.namespace ?? ns}.svc.cluster.local`);
      }
    }
  }
  return [...keys];
}
