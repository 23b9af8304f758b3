import type {KubeObject} from '../kube/client.ts';

/** Where a namespace's workloads are now: the first thing a migration plan needs to know. */
export type DataplaneMode = 'sidecar' | 'ambient' | 'mixed' | 'none';

export const DATAPLANE_LABEL = 'istio.io/dataplane-mode';
export const INJECTION_LABEL = 'istio-injection';
export const REVISION_LABEL = 'istio.io/rev';
export const SIDECAR_STATUS_ANNOTATION = 'sidecar.istio.io/status';
export const REDIRECTION_ANNOTATION = 'ambient.istio.io/redirection';
export const WAYPOINT_MANAGED_LABEL = 'gateway.istio.io/managed';

export function hasSidecar(pod: KubeObject): boolean {
  return Boolean(pod.metadata.annotations?.[SIDECAR_STATUS_ANNOTATION]);
}

export function isAmbientPod(pod: KubeObject): boolean {
  return pod.metadata.annotations?.[REDIRECTION_ANNOTATION] === 'enabled';
}

/** Waypoints and gateways are mesh infrastructure, not workloads being migrated. */
export function isMeshInfrastructure(pod: KubeObject): boolean {
  return isInfrastructureMetadata(pod.metadata.labels, pod.metadata.annotations);
}

/** A gateway or waypoint workload, judged by the pods its template makes (and its own waypoint label). */
export function isInfrastructureWorkload(workload: KubeObject): boolean {
  const template = workload.spec?.template?.metadata ?? {};
  return isInfrastructureMetadata({...(workload.metadata.labels ?? {}), ...(template.labels ?? {})}, template.annotations);
}

function isInfrastructureMetadata(labels: Record<string, string> | undefined, annotations: Record<string, string> | undefined): boolean {
  if (labels?.[WAYPOINT_MANAGED_LABEL]) return true;
  // Gateways are injected with the `gateway` template rather than the sidecar one.
  const templates = annotations?.['inject.istio.io/templates'] ?? '';
  return templates.split(',').map(t => t.trim()).includes('gateway');
}

/** The namespace asks for sidecars (istio-injection=enabled or a revision label). */
export function requestsInjection(namespace: KubeObject): boolean {
  const labels = namespace.metadata.labels ?? {};
  if (labels[INJECTION_LABEL] === 'disabled') return false;
  return labels[INJECTION_LABEL] === 'enabled' || Boolean(labels[REVISION_LABEL]);
}

export function requestsAmbient(namespace: KubeObject): boolean {
  return namespace.metadata.labels?.[DATAPLANE_LABEL] === 'ambient';
}

/**
 * The mode is read from the pods when there are any (what is running is what matters), and from the
 * namespace labels when there are none. Sidecar and ambient pods side by side make it `mixed`.
 */
export function dataplaneMode(namespace: KubeObject, podsInNamespace: KubeObject[]): DataplaneMode {
  const workloads = podsInNamespace.filter(p => !isMeshInfrastructure(p));
  const sidecars = workloads.filter(hasSidecar).length;
  const ambient = workloads.filter(isAmbientPod).length;
  if (sidecars > 0 && ambient > 0) return 'mixed';
  if (sidecars > 0) return requestsAmbient(namespace) && sidecars < workloads.length ? 'mixed' : 'sidecar';
  if (ambient > 0) return 'ambient';
  if (requestsAmbient(namespace)) return 'ambient';
  if (requestsInjection(namespace)) return 'sidecar';
  return 'none';
}

/**
 * A pod that runs, or is about to: not one being deleted (old pods stay Terminating for their grace
 * period after a restart, sidecar and all) nor one that has finished (a completed Job's pod keeps its
 * sidecar in the list forever). Counting those called a freshly migrated namespace "mixed".
 */
export function isLive(pod: KubeObject): boolean {
  return !pod.metadata.deletionTimestamp && !isFinished(pod);
}

/** A pod whose containers have all ended for good (a completed Job's, an evicted one). */
export function isFinished(pod: KubeObject): boolean {
  const phase = (pod.status as {phase?: string} | undefined)?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

/** Live pods grouped by namespace, computed once for the whole cluster. */
export function podsByNamespace(pods: KubeObject[]): Map<string, KubeObject[]> {
  const out = new Map<string, KubeObject[]>();
  for (const pod of pods) {
    if (!isLive(pod)) continue;
    const ns = pod.metadata.namespace ?? '';
    const list = out.get(ns);
    if (list) list.push(pod);
    else out.set(ns, [pod]);
  }
  return out;
}
