import {createHash} from 'node:crypto';
import {isDeepStrictEqual} from 'node:util';
import type {SimCluster} from '../cluster.ts';
import {typeKey} from '../registry.ts';
import type {KubeObject, OwnerReference, ResourceType} from '../types.ts';
import {keyFor, parseKey, type Controller} from './runner.ts';

const DEPLOYMENTS = typeKey('apps', 'deployments');
const REPLICASETS = typeKey('apps', 'replicasets');
const STATEFULSETS = typeKey('apps', 'statefulsets');
const DAEMONSETS = typeKey('apps', 'daemonsets');
const PODS = typeKey('', 'pods');
const NODES = typeKey('', 'nodes');
const MANAGER = 'kube-controller-manager';
const REVISION = 'deployment.kubernetes.io/revision';

type Spec = Record<string, any>;

function type(cluster: SimCluster, group: string, plural: string): ResourceType {
  return cluster.typeFor(group, plural);
}

function ownerRef(owner: KubeObject): OwnerReference {
  return {
    apiVersion: owner.apiVersion,
    kind: owner.kind,
    name: owner.metadata.name!,
    uid: owner.metadata.uid!,
    controller: true,
    blockOwnerDeletion: true,
  };
}

function controlledBy(object: KubeObject, owner: KubeObject): boolean {
  return (object.metadata.ownerReferences ?? []).some(r => r.uid === owner.metadata.uid && r.controller);
}

function controllerOf(object: KubeObject): OwnerReference | undefined {
  return (object.metadata.ownerReferences ?? []).find(r => r.controller);
}

/** Like the pod-template-hash label: changes exactly when the pod template changes. */
export function templateHash(template: unknown): string {
  return createHash('sha256').update(JSON.stringify(canonical(template ?? {}))).digest('hex').slice(0, 10);
}

/**
 * Key order and Go's empty values (`creationTimestamp: null`, `resources: {}`) do not change a template:
 * `kubectl rollout undo` sends an old ReplicaSet's template back re-serialized by Go, and must land on
 * that ReplicaSet again rather than create a new one.
 */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (!value || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const item = canonical((value as Record<string, unknown>)[key]);
    if (item === null || item === undefined) continue;
    if (typeof item === 'object' && !Array.isArray(item) && Object.keys(item).length === 0) continue;
    out[key] = item;
  }
  return out;
}

function podsOwnedBy(cluster: SimCluster, owner: KubeObject): KubeObject[] {
  return cluster.store.list(PODS, owner.metadata.namespace).filter(p => controlledBy(p, owner));
}

function isReady(pod: KubeObject): boolean {
  const conditions = ((pod.status as Spec | undefined)?.conditions ?? []) as Array<{type: string; status: string}>;
  return !pod.metadata.deletionTimestamp && conditions.some(c => c.type === 'Ready' && c.status === 'True');
}

function createPod(cluster: SimCluster, owner: KubeObject, template: Spec, name: string | undefined, extra: {labels?: Record<string, string>; nodeName?: string} = {}): void {
  const metadata = structuredClone(template.metadata ?? {});
  const pod: KubeObject = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      ...metadata,
      ...(name ? {name} : {generateName: `${owner.metadata.name}-`}),
      namespace: owner.metadata.namespace,
      labels: {...metadata.labels, ...extra.labels},
      ownerReferences: [ownerRef(owner)],
    },
    spec: {...structuredClone(template.spec ?? {}), ...(extra.nodeName ? {nodeName: extra.nodeName} : {})},
  };
  cluster.create(type(cluster, '', 'pods'), owner.metadata.namespace!, pod, {fieldManager: MANAGER});
}

function deletePod(cluster: SimCluster, pod: KubeObject): void {
  if (cluster.tryGet(type(cluster, '', 'pods'), pod.metadata.namespace!, pod.metadata.name!)) {
    cluster.delete(type(cluster, '', 'pods'), pod.metadata.namespace!, pod.metadata.name!);
  }
}

function writeStatus(cluster: SimCluster, t: ResourceType, object: KubeObject, status: Spec): void {
  if (isDeepStrictEqual(object.status, status)) return;
  cluster.update(t, object.metadata.namespace ?? '', object.metadata.name!, {...object, status}, {
    subresource: 'status',
    fieldManager: MANAGER,
  });
}

// ---- Deployment → ReplicaSets ------------------------------------------------------------------

function reconcileDeployment(cluster: SimCluster, deployment: KubeObject): void {
  const spec = deployment.spec as Spec;
  const rsType = type(cluster, 'apps', 'replicasets');
  const template = spec.template ?? {};
  const hash = templateHash(template);
  const owned = cluster.store.list(REPLICASETS, deployment.metadata.namespace).filter(rs => controlledBy(rs, deployment));
  let current = owned.find(rs => rs.metadata.labels?.['pod-template-hash'] === hash);
  const revisionOf = (rs: KubeObject) => Number(rs.metadata.annotations?.[REVISION] ?? 0);
  const revision = 1 + Math.max(0, ...owned.filter(rs => rs !== current).map(revisionOf));
  if (current && revisionOf(current) < revision) {
    // An old ReplicaSet brought back (`rollout undo`) becomes the newest revision, as in kube-controller-manager.
    current = cluster.patch(rsType, current.metadata.namespace!, current.metadata.name!, 'application/merge-patch+json', JSON.stringify({metadata: {annotations: {[REVISION]: String(revision)}}}), {fieldManager: MANAGER}).object;
  }
  if (!current) {
    const labels = {...(template.metadata?.labels ?? {}), 'pod-template-hash': hash};
    current = cluster.create(
      rsType,
      deployment.metadata.namespace!,
      {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        metadata: {
          name: `${deployment.metadata.name}-${hash}`,
          namespace: deployment.metadata.namespace,
          labels,
          annotations: {[REVISION]: String(revision)},
          ownerReferences: [ownerRef(deployment)],
        },
        spec: {
          replicas: spec.replicas ?? 1,
          selector: {
            ...(spec.selector ?? {}),
            matchLabels: {...(spec.selector?.matchLabels ?? {}), 'pod-template-hash': hash},
          },
          template: {...template, metadata: {...(template.metadata ?? {}), labels}},
        },
      },
      {fieldManager: MANAGER},
    ).object;
  } else if ((current.spec as Spec).replicas !== (spec.replicas ?? 1)) {
    cluster.patch(rsType, current.metadata.namespace!, current.metadata.name!, 'application/merge-patch+json', JSON.stringify({spec: {replicas: spec.replicas ?? 1}}), {fieldManager: MANAGER});
  }
  for (const old of owned) {
    if (old.metadata.name === current.metadata.name || (old.spec as Spec).replicas === 0) continue;
    cluster.patch(rsType, old.metadata.namespace!, old.metadata.name!, 'application/merge-patch+json', '{"spec":{"replicas":0}}', {fieldManager: MANAGER});
  }

  const allRs = cluster.store.list(REPLICASETS, deployment.metadata.namespace).filter(rs => controlledBy(rs, deployment));
  const pods = allRs.flatMap(rs => podsOwnedBy(cluster, rs)).filter(p => !p.metadata.deletionTimestamp);
  const updated = podsOwnedBy(cluster, cluster.store.get(REPLICASETS, current.metadata.namespace!, current.metadata.name!) ?? current);
  const ready = pods.filter(isReady).length;
  const desired = spec.replicas ?? 1;
  const complete = updated.length === desired && pods.length === desired && ready === desired;
  const now = cluster.now().toISOString().replace(/\.\d+Z$/, 'Z');
  const previous = (deployment.status as Spec | undefined)?.conditions as Array<Spec> | undefined;
  const since = (t: string, s: string) => previous?.find(c => c.type === t && c.status === s)?.lastTransitionTime ?? now;
  writeStatus(cluster, type(cluster, 'apps', 'deployments'), deployment, {
    observedGeneration: deployment.metadata.generation,
    replicas: pods.length,
    updatedReplicas: updated.length,
    readyReplicas: ready || undefined,
    availableReplicas: ready || undefined,
    ...(pods.length - ready > 0 ? {unavailableReplicas: pods.length - ready} : {}),
    conditions: [
      {type: 'Available', status: ready >= desired ? 'True' : 'False', reason: ready >= desired ? 'MinimumReplicasAvailable' : 'MinimumReplicasUnavailable', message: ready >= desired ? 'Deployment has minimum availability.' : 'Deployment does not have minimum availability.', lastUpdateTime: since('Available', ready >= desired ? 'True' : 'False'), lastTransitionTime: since('Available', ready >= desired ? 'True' : 'False')},
      {type: 'Progressing', status: 'True', reason: complete ? 'NewReplicaSetAvailable' : 'ReplicaSetUpdated', message: complete ? `ReplicaSet "${current.metadata.name}" has successfully progressed.` : `ReplicaSet "${current.metadata.name}" is progressing.`, lastUpdateTime: since('Progressing', 'True'), lastTransitionTime: since('Progressing', 'True')},
    ],
  });
  // The Deployment carries its current revision: `kubectl rollout undo` JSON-patches `replace /metadata/annotations`,
  // which fails on a Deployment without annotations.
  const currentRevision = String(revisionOf(current));
  if (deployment.metadata.annotations?.[REVISION] !== currentRevision) {
    cluster.patch(type(cluster, 'apps', 'deployments'), deployment.metadata.namespace!, deployment.metadata.name!, 'application/merge-patch+json', JSON.stringify({metadata: {annotations: {[REVISION]: currentRevision}}}), {fieldManager: MANAGER});
  }
}

// ---- ReplicaSet → Pods ---------------------------------------------------------------------------

function reconcileReplicaSet(cluster: SimCluster, rs: KubeObject): void {
  const spec = rs.spec as Spec;
  const pods = podsOwnedBy(cluster, rs).filter(p => !p.metadata.deletionTimestamp);
  const desired = spec.replicas ?? 1;
  for (let i = pods.length; i < desired; i++) createPod(cluster, rs, spec.template ?? {}, undefined, {nodeName: pickNode(cluster, i)});
  for (const extra of pods.slice(desired)) deletePod(cluster, extra);
  const now = podsOwnedBy(cluster, rs);
  const ready = now.filter(isReady).length;
  writeStatus(cluster, type(cluster, 'apps', 'replicasets'), rs, {
    replicas: now.length,
    fullyLabeledReplicas: now.length,
    readyReplicas: ready || undefined,
    availableReplicas: ready || undefined,
    observedGeneration: rs.metadata.generation,
  });
}

// ---- StatefulSet → Pods --------------------------------------------------------------------------

function reconcileStatefulSet(cluster: SimCluster, sts: KubeObject): void {
  const spec = sts.spec as Spec;
  const desired = spec.replicas ?? 1;
  const revision = `${sts.metadata.name}-${templateHash(spec.template)}`;
  const pods = podsOwnedBy(cluster, sts);
  for (const pod of pods) {
    const ordinal = Number(pod.metadata.name!.slice(sts.metadata.name!.length + 1));
    if (ordinal >= desired || pod.metadata.labels?.['controller-revision-hash'] !== revision) deletePod(cluster, pod);
  }
  for (let i = 0; i < desired; i++) {
    const name = `${sts.metadata.name}-${i}`;
    if (!cluster.tryGet(type(cluster, '', 'pods'), sts.metadata.namespace!, name)) {
      createPod(cluster, sts, spec.template ?? {}, name, {
        labels: {'controller-revision-hash': revision, 'statefulset.kubernetes.io/pod-name': name, 'apps.kubernetes.io/pod-index': String(i)},
        nodeName: pickNode(cluster, i),
      });
    }
  }
  const now = podsOwnedBy(cluster, sts);
  const ready = now.filter(isReady).length;
  writeStatus(cluster, type(cluster, 'apps', 'statefulsets'), sts, {
    observedGeneration: sts.metadata.generation,
    replicas: now.length,
    readyReplicas: ready || undefined,
    availableReplicas: ready || undefined,
    currentReplicas: now.length,
    updatedReplicas: now.length,
    currentRevision: revision,
    updateRevision: revision,
    collisionCount: 0,
  });
}

// ---- DaemonSet → one Pod per Node ----------------------------------------------------------------

function reconcileDaemonSet(cluster: SimCluster, ds: KubeObject): void {
  const spec = ds.spec as Spec;
  const nodes = cluster.store.list(NODES).map(n => n.metadata.name!);
  const hash = templateHash(spec.template);
  const pods = podsOwnedBy(cluster, ds);
  for (const pod of pods) {
    const node = (pod.spec as Spec).nodeName as string;
    if (!nodes.includes(node) || pod.metadata.labels?.['controller-revision-hash'] !== hash) deletePod(cluster, pod);
  }
  const remaining = podsOwnedBy(cluster, ds);
  for (const node of nodes) {
    if (!remaining.some(p => (p.spec as Spec).nodeName === node)) {
      createPod(cluster, ds, spec.template ?? {}, undefined, {labels: {'controller-revision-hash': hash}, nodeName: node});
    }
  }
  const now = podsOwnedBy(cluster, ds);
  const ready = now.filter(isReady).length;
  writeStatus(cluster, type(cluster, 'apps', 'daemonsets'), ds, {
    observedGeneration: ds.metadata.generation,
    desiredNumberScheduled: nodes.length,
    currentNumberScheduled: now.length,
    numberMisscheduled: 0,
    numberReady: ready,
    numberAvailable: ready || undefined,
    updatedNumberScheduled: now.length,
  });
}

function pickNode(cluster: SimCluster, index: number): string | undefined {
  const nodes = cluster.store.list(NODES);
  if (nodes.length === 0) return undefined;
  return nodes[(index + cluster.store.resourceVersion) % nodes.length]!.metadata.name;
}

const reconcilers: Record<string, (cluster: SimCluster, object: KubeObject) => void> = {
  [DEPLOYMENTS]: reconcileDeployment,
  [REPLICASETS]: reconcileReplicaSet,
  [STATEFULSETS]: reconcileStatefulSet,
  [DAEMONSETS]: reconcileDaemonSet,
};

const kindToKey: Record<string, string> = {
  Deployment: DEPLOYMENTS,
  ReplicaSet: REPLICASETS,
  StatefulSet: STATEFULSETS,
  DaemonSet: DAEMONSETS,
};

/** Deployments, ReplicaSets, StatefulSets and DaemonSets keep their pods, and report it in status. */
export const workloadController: Controller = {
  name: 'workloads',
  keysFor(event, cluster) {
    if (reconcilers[event.typeKey]) {
      const keys = event.type === 'DELETED' ? [] : [keyFor(event.typeKey, event.object)];
      // A ReplicaSet's change also moves its Deployment's status.
      const owner = controllerOf(event.object);
      if (owner && kindToKey[owner.kind]) keys.push(`${kindToKey[owner.kind]}|${event.object.metadata.namespace}|${owner.name}`);
      return keys;
    }
    if (event.typeKey === PODS) {
      const owner = controllerOf(event.object);
      return owner && kindToKey[owner.kind] ? [`${kindToKey[owner.kind]}|${event.object.metadata.namespace}|${owner.name}`] : [];
    }
    if (event.typeKey === NODES) {
      return cluster.store.list(DAEMONSETS).map(ds => keyFor(DAEMONSETS, ds));
    }
    return [];
  },
  reconcile(key, cluster) {
    const {typeKey: t, namespace, name} = parseKey(key);
    const object = cluster.store.get(t, namespace, name);
    if (object && !object.metadata.deletionTimestamp) reconcilers[t]!(cluster, cluster.present(cluster.typeFor(t === PODS ? '' : 'apps', t.split('.')[0]!), object, 'v1'));
  },
};
