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

/** The SPIFFE principal ztunnel sees for traffic the waypoint forwards. */
export function waypointPrincipal(namespace: string, trustDomain = 'cluster.local'): string {
  return `${trustDomain}/ns/${namespace}/sa/${WAYPOINT_NAME}`;
}

/** The waypoint's identity, as policies name callers. */
export function waypointIdentity(namespace: string, trustDomain = 'cluster.local'): WaypointIdentity {
  return {principal: waypointPrincipal(namespace, trustDomain), namespace, serviceAccount: WAYPOINT_NAME};
}

export const waypointRef = {group: 'gateway.networking.k8s.io', kind: 'Gateway', name: WAYPOINT_NAME};
