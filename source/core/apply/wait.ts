import type {KubeClient, KubeObject} from '../../kube/client.ts';
import {KINDS, type KindRef} from '../../kube/kinds.ts';

interface WaitDeps {
  now(): Date;
  sleep(ms: number): Promise<void>;
  rolloutTimeoutMs?: number;
  waypointTimeoutMs?: number;
  pollMs?: number;
}

/** What `kubectl rollout status` waits for, per workload kind. */
export function rolloutComplete(workload: KubeObject): boolean {
  const spec = workload.spec ?? {};
  const status = workload.status ?? {};
  if ((status.observedGeneration ?? 0) < (workload.metadata.generation ?? 0)) return false;
  switch (workload.kind) {
    case 'Deployment': {
      const replicas = spec.replicas ?? 1;
      return (status.updatedReplicas ?? 0) >= replicas && (status.replicas ?? 0) <= replicas && (status.availableReplicas ?? 0) >= replicas;
    }
    case 'StatefulSet': {
      const replicas = spec.replicas ?? 1;
      return (status.updatedReplicas ?? 0) >= replicas && (status.readyReplicas ?? 0) >= replicas && status.currentRevision === status.updateRevision;
    }
    case 'DaemonSet':
      return (status.updatedNumberScheduled ?? 0) >= (status.desiredNumberScheduled ?? 0) && (status.numberAvailable ?? 0) >= (status.desiredNumberScheduled ?? 0);
    default:
      return true;
  }
}

/**
 * Polls until `check` holds. A timeout says what to look at and how to go on (the bare "did not finish"
 * left a person with a stopped migration and no next step).
 */
async function poll(what: string, timeoutMs: number, deps: WaitDeps, check: () => Promise<boolean>, lookAt: string): Promise<void> {
  const deadline = deps.now().getTime() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (deps.now().getTime() >= deadline) {
      throw new Error(`${what} did not finish within ${Math.max(1, Math.round(timeoutMs / 1000))}s: see why with '${lookAt}', and once it has, run the same command again to continue from here`);
    }
    await deps.sleep(deps.pollMs ?? 500);
  }
}

export async function waitForRollout(client: KubeClient, kind: KindRef, namespace: string, name: string, deps: WaitDeps): Promise<void> {
  await poll(`the rollout of ${kind.kind} ${namespace}/${name}`, deps.rolloutTimeoutMs ?? 300_000, deps, async () => {
    const live = await client.get(kind, namespace, name);
    return !live || rolloutComplete(live);
  }, `kubectl -n ${namespace} rollout status ${kind.kind.toLowerCase()}/${name}`);
}

/** A waypoint is usable once istiod reports it Programmed (`istioctl waypoint apply --wait` does the same). */
export async function waitForWaypoint(client: KubeClient, namespace: string, name: string, deps: WaitDeps): Promise<void> {
  await poll(`waypoint ${namespace}/${name} becoming Programmed`, deps.waypointTimeoutMs ?? 90_000, deps, async () => {
    const gateway = await client.get(KINDS.gateway, namespace, name);
    return ((gateway?.status?.conditions ?? []) as Array<{type: string; status: string}>).some(c => c.type === 'Programmed' && c.status === 'True');
  }, `kubectl -n ${namespace} get gateways.gateway.networking.k8s.io ${name} -o yaml`);
}
