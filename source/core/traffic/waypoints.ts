import type {KubeObject} from '../../kube/client.ts';
import {matchesSelector} from './selectors.ts';
import type {World} from './world.ts';

export const USE_WAYPOINT = 'istio.io/use-waypoint';
export const USE_WAYPOINT_NAMESPACE = 'istio.io/use-waypoint-namespace';
export const WAYPOINT_FOR = 'istio.io/waypoint-for';
export const INGRESS_USE_WAYPOINT = 'istio.io/ingress-use-waypoint';
export const WAYPOINT_CLASS = 'istio-waypoint';

export type TrafficType = 'service' | 'workload' | 'all' | 'none';

export interface Waypoint {
  gateway: KubeObject;
  namespace: string;
  name: string;
  trafficType: TrafficType;
  /** The identity it presents to ztunnel: a ServiceAccount named after the Gateway unless annotated. */
  serviceAccount: string;
}

/**
 * Waypoints: Gateways of class `istio-waypoint`. Their traffic type is the Gateway's `istio.io/waypoint-for`
 * label, else the GatewayClass's, else `service` (istio `pilot/pkg/serviceregistry/ambient/waypoints.go`,
 * the waypoint collection). The ServiceAccount is the Gateway's name, or the
 * `gateway.istio.io/service-account` annotation (istio `pilot/pkg/config/kube/gatewaycommon/classinfo.go`
 * and `manifests/charts/istio-control/istio-discovery/files/waypoint.yaml`). Readiness (status addresses)
 * is not modelled: a waypoint is assumed programmed once its Gateway exists.
 */
export function waypointByName(world: World, namespace: string, name: string): Waypoint | undefined {
  const gateway = world.get('gateway', namespace, name);
  if (!gateway) return undefined;
  const className = gateway.spec?.gatewayClassName as string | undefined;
  const gatewayClass = world.all('gatewayClass').find(c => c.metadata.name === className);
  // Gateways of another class that Istio runs as waypoints (a class with the mesh controller) count too.
  const isWaypoint = className === WAYPOINT_CLASS || gatewayClass?.spec?.controllerName === 'istio.io/mesh-controller';
  if (!isWaypoint) return undefined;
  const trafficType = (gateway.metadata.labels?.[WAYPOINT_FOR] ?? gatewayClass?.metadata.labels?.[WAYPOINT_FOR] ?? 'service') as TrafficType;
  return {
    gateway,
    namespace,
    name,
    trafficType,
    serviceAccount: gateway.metadata.annotations?.['gateway.istio.io/service-account'] ?? name,
  };
}

/** `istio.io/use-waypoint` on an object: a name (in `-namespace` or the object's namespace), `none`, or nothing (waypoints.go `GetUseWaypoint`). */
function useWaypoint(labels: Record<string, string> | undefined, fallbackNamespace: string): {none: true} | {name: string; namespace: string} | undefined {
  const value = labels?.[USE_WAYPOINT];
  if (value === undefined) return undefined;
  if (value === 'none') return {none: true};
  return {name: value, namespace: labels?.[USE_WAYPOINT_NAMESPACE] ?? fallbackNamespace};
}

/**
 * A cross-namespace waypoint must let the object's namespace attach: a listener whose `allowedRoutes`
 * admit it (waypoints.go `AllowsAttachmentFromNamespace`); the same namespace always may.
 */
function allowsFrom(world: World, waypoint: Waypoint, namespace: string): boolean {
  if (waypoint.namespace === namespace) return true;
  const listeners = (waypoint.gateway.spec?.listeners ?? []) as Array<{allowedRoutes?: {namespaces?: {from?: string; selector?: any}}}>;
  return listeners.some(l => {
    const from = l.allowedRoutes?.namespaces?.from ?? 'Same';
    if (from === 'All') return true;
    if (from === 'Selector') return matchesSelector(l.allowedRoutes?.namespaces?.selector, world.namespaceLabels(namespace));
    return false;
  });
}

/**
 * The waypoint for an object (Service or pod), as istiod binds it (waypoints.go `fetchWaypointForTarget`):
 * the object's own label first: `none` opts out, a name binds it, and a name that resolves to no waypoint
 * leaves it unbound (no fall back to the namespace); without its own label, the namespace's label.
 */
function waypointForTarget(world: World, object: KubeObject): Waypoint | undefined {
  const ns = object.metadata.namespace ?? '';
  const own = useWaypoint(object.metadata.labels, ns);
  const nsLabels = world.namespaceLabelValues(ns, [USE_WAYPOINT, USE_WAYPOINT_NAMESPACE]);
  const chosen = own ?? useWaypoint(Object.fromEntries(Object.entries(nsLabels).filter(([, v]) => v !== undefined)) as Record<string, string>, ns);
  if (!chosen || 'none' in chosen) return undefined;
  const waypoint = waypointByName(world, chosen.namespace, chosen.name);
  if (!waypoint || !allowsFrom(world, waypoint, ns)) return undefined;
  return waypoint;
}

/**
 * A Service's waypoint: it must accept `service` or `all` traffic (waypoints.go `fetchWaypointForService`);
 * waypoints' own Services never have one.
 */
export function serviceWaypoint(world: World, service: KubeObject): Waypoint | undefined {
  if (service.metadata.labels?.['gateway.istio.io/managed'] === 'istio.io-mesh-controller') return undefined;
  const waypoint = waypointForTarget(world, service);
  return waypoint && (waypoint.trafficType === 'service' || waypoint.trafficType === 'all') ? waypoint : undefined;
}

/**
 * A pod's (workload) waypoint, for traffic addressed to the pod or to a Service without a waypoint: it must
 * accept `workload` or `all` (waypoints.go `fetchWaypointForWorkload`). ztunnel sends to it when the chosen
 * endpoint has one (istio/ztunnel `src/proxy/outbound.rs`, workload waypoint after service waypoint).
 */
export function workloadWaypoint(world: World, pod: KubeObject): Waypoint | undefined {
  const waypoint = waypointForTarget(world, pod);
  return waypoint && (waypoint.trafficType === 'workload' || waypoint.trafficType === 'all') ? waypoint : undefined;
}

/**
 * Ingress gateways send to a Service's waypoint only when the Service (or else its namespace) is labelled
 * `istio.io/ingress-use-waypoint=true` (istio `pilot/pkg/serviceregistry/ambient/services.go`
 * `ingressUseWaypointFromLabels`; used in `pilot/pkg/networking/core/listener_waypoint.go`).
 */
export function ingressUsesWaypoint(world: World, service: KubeObject): boolean {
  const own = service.metadata.labels?.[INGRESS_USE_WAYPOINT];
  const value = own ?? world.namespaceLabelValues(service.metadata.namespace ?? '', [INGRESS_USE_WAYPOINT])[INGRESS_USE_WAYPOINT];
  return value !== undefined && /^(1|t|true)$/i.test(value);
}
