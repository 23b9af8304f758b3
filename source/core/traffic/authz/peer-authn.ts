import type {KubeObject} from '../../../kube/client.ts';
import {labelsSubset} from './istio-match.ts';
import {sortByCreation} from './select.ts';

/**
 * PeerAuthentication as a sidecar applies it: the mTLS mode of one port of one workload.
 * istio/istio pilot/pkg/model/authentication.go (getConfigsForWorkload: the workload's namespace and the root
 * namespace, selector labels a subset of the pod's) and pilot/pkg/security/authn/policy_applier.go
 * (ComposePeerAuthentication): mesh (root namespace, no selector) < namespace (no selector) < workload
 * (selector, not in the root namespace); the oldest wins within a level; UNSET inherits from the level above;
 * portLevelMtls (workload level only) is keyed by the pod's target port, UNSET there inheriting the workload mode;
 * nothing at all is PERMISSIVE.
 */

export type MtlsMode = 'UNSET' | 'STRICT' | 'PERMISSIVE' | 'DISABLE';

export function modeOf(mtls: unknown): MtlsMode {
  const mode = (mtls as {mode?: string} | undefined)?.mode;
  return mode === 'STRICT' || mode === 'PERMISSIVE' || mode === 'DISABLE' ? mode : 'UNSET';
}

export interface EffectiveMtls {
  mode: Exclude<MtlsMode, 'UNSET'>;
  /** The PeerAuthentication that set the mode; absent for the PERMISSIVE default. */
  from?: KubeObject;
}

export interface PeerAuthLevels {
  mesh?: KubeObject;
  namespace?: KubeObject;
  workload?: KubeObject;
}

/** The PeerAuthentications a workload's sidecar considers, and the one kept at each level (oldest first). */
export function peerAuthLevels(peerAuthentications: KubeObject[], pod: KubeObject, rootNamespace: string): PeerAuthLevels {
  const namespace = pod.metadata.namespace ?? '';
  const labels = pod.metadata.labels ?? {};
  const levels: PeerAuthLevels = {};
  const candidates = sortByCreation(
    peerAuthentications.filter(p => [namespace, rootNamespace].includes(p.metadata.namespace ?? '') && labelsSubset(p.spec?.selector?.matchLabels, labels)),
  );
  for (const pa of candidates) {
    const selector = Object.keys(pa.spec?.selector?.matchLabels ?? {}).length > 0;
    if (!selector) {
      if (pa.metadata.namespace === rootNamespace) levels.mesh ??= pa;
      else levels.namespace ??= pa;
    } else if (pa.metadata.namespace !== rootNamespace) levels.workload ??= pa;
  }
  return levels;
}

/** The mode of one target port (ComposePeerAuthentication, then the per-port override). */
export function sidecarMtls(peerAuthentications: KubeObject[], pod: KubeObject, port: number, rootNamespace: string): EffectiveMtls {
  const levels = peerAuthLevels(peerAuthentications, pod, rootNamespace);
  let effective: EffectiveMtls = {mode: 'PERMISSIVE'};
  for (const pa of [levels.mesh, levels.namespace, levels.workload]) {
    const mode = pa ? modeOf(pa.spec?.mtls) : 'UNSET';
    if (pa && mode !== 'UNSET') effective = {mode, from: pa};
  }
  const perPort = levels.workload?.spec?.portLevelMtls;
  if (perPort && typeof perPort === 'object' && String(port) in perPort) {
    const mode = modeOf(perPort[String(port)]);
    if (mode !== 'UNSET') effective = {mode, from: levels.workload};
  }
  return effective;
}
