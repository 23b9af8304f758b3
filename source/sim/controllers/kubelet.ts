import type {AdmissionHook} from '../cluster.ts';
import {typeKey} from '../registry.ts';
import {keyFor, parseKey, type Controller} from './runner.ts';

/**
 * There are no nodes to run containers, so a pod is "running" from the moment it is admitted: its
 * status says every container started and is ready, as a kubelet would report a healthy pod.
 */
export const kubeletHook: AdmissionHook = (type, pod, cluster) => {
  if (type.kind !== 'Pod' || (pod.status as {phase?: string} | undefined)?.phase) return;
  const spec = pod.spec as {containers?: Array<{name: string; image?: string}>; initContainers?: Array<{name: string; image?: string; restartPolicy?: string}>; nodeName?: string};
  const now = cluster.now().toISOString().replace(/\.\d+Z$/, 'Z');
  const nodes = cluster.store.list(typeKey('', 'nodes'));
  const node = nodes.find(n => n.metadata.name === spec.nodeName) ?? nodes[0];
  if (node && !spec.nodeName) spec.nodeName = node.metadata.name;
  const hostIP = ((node?.status as {addresses?: Array<{type: string; address: string}>} | undefined)?.addresses ?? []).find(a => a.type === 'InternalIP')?.address ?? '172.18.0.2';
  const n = cluster.store.resourceVersion;
  const podIP = `10.244.${(n >> 8) & 255}.${(n & 255) || 1}`;
  const containerStatus = (c: {name: string; image?: string}, i: number) => ({
    name: c.name,
    image: c.image ?? '',
    imageID: '',
    containerID: `containerd://${pod.metadata.uid ?? ''}${i}`.slice(0, 77),
    ready: true,
    started: true,
    restartCount: 0,
    state: {running: {startedAt: now}},
  });
  pod.status = {
    phase: 'Running',
    conditions: ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map(t => ({
      type: t,
      status: 'True',
      lastProbeTime: null,
      lastTransitionTime: now,
    })),
    hostIP,
    hostIPs: [{ip: hostIP}],
    podIP,
    podIPs: [{ip: podIP}],
    startTime: now,
    qosClass: 'BestEffort',
    containerStatuses: (spec.containers ?? []).map(containerStatus),
    ...(spec.initContainers?.length
      ? {
          initContainerStatuses: spec.initContainers.map((c, i) => ({
            ...containerStatus(c, i + 100),
            ...(c.restartPolicy === 'Always'
              ? {}
              : {ready: true, started: false, state: {terminated: {exitCode: 0, reason: 'Completed', startedAt: now, finishedAt: now}}}),
          })),
        }
      : {}),
  };
};

const PODS = typeKey('', 'pods');

/**
 * The kubelet's half of a graceful delete: the API server marks the pod (deletionTimestamp), the pod stays
 * listed as Terminating while its containers stop, then the kubelet removes it for good. Here they stop
 * after `terminationMs`, so clients see what they see on a real cluster: old pods Terminating, sidecar and
 * all, while a rollout's new pods start.
 */
export function podTerminationController(terminationMs: number): Controller {
  // When each terminating pod is due to go, by key; the uid tells a pod re-created under the same name.
  const due = new Map<string, {uid: string; at: number}>();
  return {
    name: 'kubelet',
    keysFor(event) {
      return event.typeKey === PODS && event.type !== 'DELETED' && event.object.metadata.deletionTimestamp ? [keyFor(PODS, event.object)] : [];
    },
    reconcile(key, cluster) {
      const {namespace, name} = parseKey(key);
      const pod = cluster.store.get(PODS, namespace, name);
      if (!pod?.metadata.deletionTimestamp || (pod.metadata.finalizers ?? []).length > 0) {
        due.delete(key);
        return;
      }
      const uid = pod.metadata.uid ?? '';
      const known = due.get(key);
      const at = known?.uid === uid ? known.at : Date.now() + terminationMs;
      due.set(key, {uid, at});
      if (Date.now() < at) return at - Date.now();
      due.delete(key);
      cluster.delete(cluster.typeFor('', 'pods'), namespace, name, {gracePeriodSeconds: 0});
    },
  };
}
