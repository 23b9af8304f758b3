import type {KubeObject} from '../kube/client.ts';
import {REVISION_LABEL} from './dataplane.ts';
import {byCodeUnits} from './order.ts';

export interface ControlPlane {
  namespace: string;
  deployment: string;
  revision: string;
  /** From the pilot image tag, e.g. `1.28.2`; undefined when the tag is not a version. */
  version?: string;
  image: string;
}

/** istiod Deployments, one per revision, found by their labels anywhere in the cluster. */
export function findControlPlanes(deployments: KubeObject[]): ControlPlane[] {
  return deployments
    .filter(d => d.metadata.labels?.app === 'istiod' || d.metadata.labels?.istio === 'pilot')
    .map(d => {
      const containers = (d.spec?.template?.spec?.containers ?? []) as Array<{name?: string; image?: string}>;
      const image = (containers.find(c => c.name === 'discovery') ?? containers[0])?.image ?? '';
      return {
        namespace: d.metadata.namespace ?? '',
        deployment: d.metadata.name,
        revision: d.metadata.labels?.[REVISION_LABEL] ?? 'default',
        version: versionFromImage(image),
        image,
      };
    })
    .sort((a, b) => byCodeUnits(a.revision, b.revision));
}

/** `docker.io/istio/pilot:1.28.2-distroless` → `1.28.2`. */
export function versionFromImage(image: string): string | undefined {
  const tag = image.includes('@') ? undefined : image.split(':').pop();
  const match = tag ? /^(\d+\.\d+\.\d+)/.exec(tag) : null;
  return match?.[1];
}
