import type {KubeObject} from '../../kube/client.ts';
import type {WaypointIdentity} from '../waypoint-identity.ts';
import {MANAGED_BY, WAYPOINT_NAME} from './types.ts';

/** The waypoint Gateway exactly as `istioctl waypoint apply -n NS` makes it (§4). */
export function waypointGateway(namespace: string, revision?: string): KubeObject {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'Gateway',
    metadata: {
      name: WAYPOINT_NAME,
      namespace,
      labels: {...MANAGED_BY, ...(revision && revision !== 'default' ? {'istio.io/rev': revision} : {})},
    },
    spec: {
      gatewayClassName: 'istio-waypoint',
      listeners: [{name: 'mesh', port: 15008, protocol: 'HBONE'}],
    },
  };
}

/**
 * The control-plane revision (or revision tag) that serves a namespace, as its injection labels choose it,
 * for the waypoint's own `istio.io/rev` label (`istioctl waypoint apply --revision` sets it: istio/istio
 * istioctl/pkg/waypoint/waypoint.go). `istio-injection=enabled` picks the default revision even when
 * `istio.io/rev` is set too, since the revision webhooks select only namespaces without `istio-injection`
 * (istio/istio manifests/charts/istio-control/istio-discovery/templates/mutatingwebhook.yaml). A tag is kept
 * as it is: istiod handles objects labelled with a tag that points at its revision
 * (istio/istio pilot/pkg/config/kube/gateway/ via pkg/revisions/tag_watcher.go). Undefined: the default.
 */
export function namespaceRevision(namespace: KubeObject): string | undefined {
  const labels = namespace.metadata.labels ?? {};
  if (labels['istio-injection'] === 'enabled') return undefined;
  const revision = labels['istio.io/rev'];
  return revision && revision !== 'default' ? revision : undefined;
}

/** The SPIFFE principal ztunnel sees for traffic the waypoint forwards. */
export function waypointPrincipal(namespace: string, trustDomain = 'cluster.local'): string {
  return `${trustDomain}/ns/${namespace}/sa/${WAYPOINT_NAME}`;
}

/** The waypoint's identity, as policies name callers. */
export function waypointIdentity(namespace: string, trustDomain = 'cluster.local'): WaypointIdentity {
  return {principal: waypointPrincipal(namespace, trustDomain), namespace, serviceAccount: WAYPOINT_NAME};
}

export const waypointRef = {group: 'gateway.networking.k8s.io', kind: 'Gateway', name: WAYPOINT_NAME};
