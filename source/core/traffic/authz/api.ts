import type {KubeObject} from '../../../kube/client.ts';

/**
 * The seam between the traffic model's routing half and its authorization half: what an enforcement point
 * is told about one request, and what it answers. Pure data; no cluster access.
 */

/** Who sends the request, as the enforcement point can know it. */
export interface Caller {
  namespace: string;
  /** Absent for a caller with no mesh identity (out of the mesh, plaintext). */
  serviceAccount?: string;
  /** Trust domain of the identity; `cluster.local` unless the mesh says otherwise. */
  trustDomain?: string;
  /** True when the connection reaching the enforcement point is mutual TLS (sidecar or HBONE). */
  mtls: boolean;
  /** Source address, when a policy names addresses (`ipBlocks`, `remoteIpBlocks`). */
  ip?: string;
  /** JWT principal (`iss/sub`) when the request carries a token a RequestAuthentication accepts. */
  requestPrincipal?: string;
  /**
   * The original client address (`remote.ip`, `remoteIpBlocks`), as Envoy derives it from X-Forwarded-For or
   * the PROXY protocol; `ip` when absent.
   */
  remoteIp?: string;
  /** Claims of the accepted JWT (`request.auth.claims[...]`; `aud` and `azp` for audiences and presenter). */
  claims?: Record<string, unknown>;
}

/** The HTTP attributes of a request; absent for a plain TCP connection. */
export interface HttpAttributes {
  method: string;
  path: string;
  host: string;
  /** Lower-case header names. */
  headers: Record<string, string>;
}

export interface AuthzRequest {
  caller: Caller;
  /** The port the enforcement point sees: the pod's target port for sidecar and ztunnel, the Service port at a waypoint. */
  port: number;
  http?: HttpAttributes;
  /** The destination address the enforcement point sees (`destination.ip`). */
  destinationIp?: string;
  /** The TLS server name of the connection (`connection.sni`). */
  sni?: string;
}

/** Where a request is checked. */
export type EnforcementPoint =
  /** The destination pod's sidecar (Envoy RBAC, L4 and L7). */
  | {kind: 'sidecar'; pod: KubeObject}
  /**
   * ztunnel in front of an ambient destination pod (L4 only, after istiod's translation). When the request
   * came through a waypoint, ztunnel sees the waypoint's identity, not the original caller's.
   */
  | {kind: 'ztunnel'; pod: KubeObject; viaWaypoint?: {namespace: string; serviceAccount: string}}
  /** A waypoint proxy (Envoy, L4 and L7) for policies bound to it by `targetRefs`. */
  | {kind: 'waypoint'; waypoint: KubeObject; service?: KubeObject};

/** The configuration the authorization half reads. */
export interface AuthzConfig {
  authorizationPolicies: KubeObject[];
  peerAuthentications: KubeObject[];
  /** Istio's root namespace (meshConfig.rootNamespace; usually the control plane's namespace). */
  rootNamespace: string;
  /** Namespace labels, for policies whose rules name namespaces by label (none today) and for waypoint binding. */
  namespaces?: KubeObject[];
  /** meshConfig.trustDomain (default `cluster.local`): callers' default trust domain, and what sidecars rewrite principals to. */
  trustDomain?: string;
  /** meshConfig.trustDomainAliases: further trust domains sidecars and waypoints accept in principals. */
  trustDomainAliases?: string[];
  /** istiod feature flags that change what is enforced; each absent one takes istiod's default. */
  features?: {
    /**
     * ENABLE_LAYERED_WAYPOINT_AUTHORIZATION_POLICIES (default false): a waypoint also enforces, as L4 rules at its
     * HBONE termination, the policies that select its pods the way a workload's are selected.
     */
    layeredWaypointAuthorizationPolicies?: boolean;
  };
}

export type PolicyRef = {namespace: string; name: string};

export interface Verdict {
  /** `custom` when a CUSTOM (external authorizer) policy decides: the model cannot know its answer. */
  decision: 'allow' | 'deny' | 'custom';
  /** The policy and rule that decided; absent when no policy applied (allow by default). */
  decidedBy?: {
    policy: PolicyRef;
    action: 'ALLOW' | 'DENY' | 'CUSTOM';
    rule?: number;
    /** The kind of `policy`; AuthorizationPolicy when absent. A PeerAuthentication decides with action DENY. */
    kind?: 'AuthorizationPolicy' | 'PeerAuthentication';
  };
  /** Why, for people: "no ALLOW rule matches", "DENY rule 0 of ns/p matches", "plaintext refused by STRICT mTLS". */
  reason: string;
  /** Policies that select this point but enforce nothing here (dry-run, AUDIT, L7 rules ztunnel drops, ...). */
  ignored: Array<{policy: PolicyRef; why: string}>;
}

export type Authorize = (config: AuthzConfig, point: EnforcementPoint, request: AuthzRequest) => Verdict;
