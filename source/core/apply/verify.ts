import type {KubeClient, KubeObject} from '../../kube/client.ts';
import {KINDS} from '../../kube/kinds.ts';
import {isAmbientPod, isLive, isMeshInfrastructure} from '../dataplane.ts';

export interface Verification {
  ok: boolean;
  withSidecar: string[];
  notRedirected: string[];
  message: string;
}

function hasProxyContainer(pod: KubeObject): boolean {
  return [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])].some((c: {name: string}) => c.name === 'istio-proxy');
}

/** The guide's last check: pods run without istio-proxy and are redirected by ztunnel. */
export async function verifyNamespace(client: KubeClient, namespace: string): Promise<Verification> {
  const pods = (await client.list(KINDS.pod, {namespace})).filter(p => !isMeshInfrastructure(p) && isLive(p));
  const withSidecar = pods.filter(hasProxyContainer).map(p => p.metadata.name);
  const notRedirected = pods.filter(p => !isAmbientPod(p)).map(p => p.metadata.name);
  const ok = withSidecar.length === 0 && notRedirected.length === 0;
  const message = ok
    ? `verified: all ${pods.length} pods run without a sidecar and are redirected by ztunnel`
    : `not yet ambient: ${withSidecar.length ? `${withSidecar.length} pods still have istio-proxy (${withSidecar.slice(0, 3).join(', ')})` : ''}${withSidecar.length && notRedirected.length ? '; ' : ''}${notRedirected.length ? `${notRedirected.length} pods lack ambient.istio.io/redirection=enabled (${notRedirected.slice(0, 3).join(', ')})` : ''}`;
  return {ok, withSidecar, notRedirected, message};
}
