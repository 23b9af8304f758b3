import type {DataplaneMode} from '../dataplane.ts';

export type CheckStatus = 'pass' | 'warn' | 'fail' | 'unverified';

/** An environment check (`env/...`): is the cluster ready for ambient at all? */
export interface CheckResult {
  id: string;
  status: CheckStatus;
  message: string;
  /** What to do, written for this cluster's install method; empty when nothing is to be done. */
  remedy: string;
  /** For `unverified`: the permission that would let the tool check. */
  missingPermission?: {verb: string; resource: string; group: string};
}

export type Severity = 'blocker' | 'warning' | 'info';

export interface ResourceRef {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
}

/** Something in the cluster that stands in the way, changes meaning, or needs converting. */
export interface Finding {
  id: string;
  severity: Severity;
  message: string;
  remedy: string;
  /** The namespaces this finding affects (every mesh namespace for a mesh-wide one). */
  namespaces: string[];
  resource: ResourceRef;
  scope: 'mesh' | 'namespace' | 'workload';
  /** For field-level findings, e.g. `spec.http[0].fault`. */
  field?: string;
}

export type Readiness = 'ready' | 'needs-waypoint' | 'blocked' | 'done';

export interface NamespaceReadiness {
  name: string;
  mode: DataplaneMode;
  readiness: Readiness;
  /** Finding ids that make it blocked or need a waypoint. */
  reasons: string[];
}

/**
 * A kind the audit could not read (403, or another error): the checks and findings that read it could
 * not be verified, and an empty result for them means nothing. A kind whose CRD is not installed is not
 * listed: there is nothing of it to read.
 */
export interface UnreadableKind {
  /** e.g. `PeerAuthentication` */
  kind: string;
  apiVersion: string;
  /** e.g. `peerauthentications.security.istio.io` */
  resource: string;
  reason: 'forbidden' | 'error';
  message: string;
  /** For `forbidden`: the permission that would let the tool read it. */
  permission?: {verb: string; resource: string; group: string};
  /** Ids of the checks and findings that could not be verified because of it. */
  affects: string[];
}

export interface AuditReport {
  cluster: {
    context: string;
    server: string;
    kubernetesVersion: string;
    istio: Array<{revision: string; version?: string; namespace: string; deployment: string}>;
    installMethod: string;
    /** Kubernetes' and Istio's own namespaces, which the migration never enrolls. */
    systemNamespaces: string[];
  };
  checks: CheckResult[];
  findings: Finding[];
  namespaces: NamespaceReadiness[];
  /** Kinds that could not be read, and what that leaves unverified; empty when everything was read. */
  unreadable: UnreadableKind[];
}
