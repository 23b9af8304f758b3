import type {ClusterEndpoint, KubeObject} from '../kube/client.ts';

/**
 * Which cluster a backup or state file belongs to. Context and server are what the user recognises; the
 * `kube-system` Namespace uid is what survives a renamed context or a moved API endpoint, and differs
 * between two clusters that happen to sit behind the same URL (a recreated kind cluster, a proxy).
 */
export interface ClusterIdentity {
  context: string;
  server: string;
  /** Empty when the Namespace could not be read. */
  kubeSystemUid: string;
}

export function clusterIdentity(endpoint: Pick<ClusterEndpoint, 'context' | 'server'>, namespaces: KubeObject[]): ClusterIdentity {
  const kubeSystem = namespaces.find(ns => ns.metadata.name === 'kube-system');
  return {context: endpoint.context, server: endpoint.server, kubeSystemUid: kubeSystem?.metadata.uid ?? ''};
}

/** The uid decides when both sides know it (it is unique per cluster); otherwise the API server URL. */
export function sameCluster(a: ClusterIdentity, b: ClusterIdentity): boolean {
  if (a.kubeSystemUid && b.kubeSystemUid) return a.kubeSystemUid === b.kubeSystemUid;
  return a.server === b.server;
}
