import type {KindRef} from './kinds.ts';

/** A Kubernetes object as JSON: the tool never depends on typed models. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    generation?: number;
    creationTimestamp?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences?: Array<{apiVersion: string; kind: string; name: string; uid: string; controller?: boolean}>;
    [key: string]: unknown;
  };
  spec?: any;
  status?: any;
  [key: string]: unknown;
}

/** Which cluster a client talks to, as the user knows it from their kubeconfig. */
export interface ClusterEndpoint {
  context: string;
  server: string;
  user: string;
}

export interface ListOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Items per page (default 500, as kubectl). */
  pageSize?: number;
  /** Ask for `PartialObjectMetadataList`: names, labels and annotations only; the server never sends spec or data. */
  metadataOnly?: boolean;
}

export interface WriteOptions {
  dryRun?: boolean;
  fieldManager?: string;
  force?: boolean;
}

export type PatchType = 'merge' | 'json' | 'strategic' | 'apply';

/**
 * The one door to the cluster. Domain code depends on this interface only, so it runs the same against
 * a real cluster, the simulator, or an in-memory fake in unit tests.
 */
export interface KubeClient {
  readonly endpoint: ClusterEndpoint;
  version(): Promise<{major: string; minor: string; gitVersion: string}>;
  /** Every object of a kind (cluster-wide unless a namespace is given), fetched page by page. */
  list(kind: KindRef, options?: ListOptions): Promise<KubeObject[]>;
  /** undefined when the object does not exist. */
  get(kind: KindRef, namespace: string | undefined, name: string): Promise<KubeObject | undefined>;
  create(kind: KindRef, object: KubeObject, options?: WriteOptions): Promise<KubeObject>;
  patch(kind: KindRef, namespace: string | undefined, name: string, patch: unknown, type: PatchType, options?: WriteOptions): Promise<KubeObject>;
  delete(kind: KindRef, namespace: string | undefined, name: string, options?: WriteOptions & {uid?: string; resourceVersion?: string}): Promise<void>;
}

export type KubeErrorKind =
  | 'NotFound'
  | 'Forbidden'
  | 'Unauthorized'
  | 'Conflict'
  | 'AlreadyExists'
  | 'Invalid'
  | 'NotInstalled'
  | 'Throttled'
  | 'ServerError'
  | 'Timeout'
  | 'Unreachable'
  | 'ConnectionDropped'
  | 'BadResponse'
  | 'Cancelled'
  | 'Other';

/** Every failure talking to the cluster, with what a user needs to act on it. */
export class KubeError extends Error {
  constructor(
    readonly kind: KubeErrorKind,
    message: string,
    readonly details: {
      status?: number;
      reason?: string;
      verb?: string;
      resource?: string;
      group?: string;
      namespace?: string;
      name?: string;
      retryAfterSeconds?: number;
      causes?: Array<{field?: string; message?: string; reason?: string}>;
    } = {},
  ) {
    super(message);
    this.name = 'KubeError';
  }

  /** Whether trying again later could succeed without anyone changing anything. */
  get transient(): boolean {
    return ['Throttled', 'ServerError', 'Timeout', 'ConnectionDropped'].includes(this.kind);
  }
}
