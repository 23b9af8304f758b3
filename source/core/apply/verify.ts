import type {KubeClient, KubeObject} from '../../kube/client.ts';
import {KINDS} from '../../kube/kinds.ts';
import {isAmbientPod, isLive, isMeshInfrastructure} from '../dataplane.ts';

export interface Verification {
  ok: boolean;
  withSidecar: string[];
  notRedirected: string[];
  /** One line: what is wrong, and for each kind of pod what to do. */
  message: string;
}

/** What replaces a pod, and so what a person does to get it back without a sidecar. */
export function remedyFor(pod: KubeObject): string {
  const owner = (pod.metadata.ownerReferences ?? []).find(r => r.controller);
  const name = pod.metadata.name;
  if (!owner) return `${name} (no controller): delete it and create it again`;
  if (owner.kind === 'Job') return `${name} (Job ${owner.name}): wait for it to finish, or delete the pod`;
  if (owner.kind === 'ReplicaSet') return `${name} (ReplicaSet ${owner.name.replace(/-[a-z0-9]{5,10}$/, '')}): kubectl rollout restart the workload, or delete the pod`;
  return `${name} (${owner.kind} ${owner.name}): restart it (kubectl -n ${pod.metadata.namespace} rollout restart ${owner.kind.toLowerCase()}/${owner.name}), or delete the pod`;
}

function hasProxyContainer(pod: KubeObject): boolean {
  return [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])].some((c: {name: string}) => c.name === 'istio-proxy');
}

/** The guide's last check: pods run without istio-proxy and are redirected by ztunnel. */
export async function verifyNamespace(client: KubeClient, namespace: string): Promise<Verification> {
  const pods = (await client.list(KINDS.pod, {namespace})).filter(p => !isMeshInfrastructure(p) && isLive(p));
  // Pods that opted out of the mesh (istio.io/dataplane-mode=none) are meant to stay out of it.
  const inMesh = pods.filter(p => p.metadata.labels?.['istio.io/dataplane-mode'] !== 'none');
  const sidecarPods = inMesh.filter(hasProxyContainer);
  const withSidecar = sidecarPods.map(p => p.metadata.name);
  const notRedirected = inMesh.filter(p => !hasProxyContainer(p) && !isAmbientPod(p)).map(p => p.metadata.name);
  const ok = withSidecar.length === 0 && notRedirected.length === 0;
  const parts: string[] = [];
  if (sidecarPods.length) parts.push(`${sidecarPods.length} pod${sidecarPods.length === 1 ? '' : 's'} still run${sidecarPods.length === 1 ? 's' : ''} a sidecar: ${sidecarPods.slice(0, 5).map(remedyFor).join('; ')}${sidecarPods.length > 5 ? '; …' : ''}`);
  if (notRedirected.length) parts.push(`${notRedirected.length} pod${notRedirected.length === 1 ? ' is' : 's are'} not redirected by ztunnel (no ambient.istio.io/redirection=enabled): ${notRedirected.slice(0, 3).join(', ')}${notRedirected.length > 3 ? ', …' : ''}; check istio-cni on their nodes`);
  const message = ok
    ? `verified: all ${inMesh.length} pods run without a sidecar and are redirected by ztunnel`
    : `not yet ambient: ${parts.join('. ')}. Then run apply again to check`;
  return {ok, withSidecar, notRedirected, message};
}
