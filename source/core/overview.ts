import type {KubeClient} from '../kube/client.ts';
import {findControlPlanes, type ControlPlane} from './control-plane.ts';
import {dataplaneMode, podsByNamespace, type DataplaneMode} from './dataplane.ts';
import {itemsOf, loadInventory} from './inventory.ts';

/** What the first screen says about the cluster the user is connected to. */
export interface ClusterOverview {
  context: string;
  server: string;
  kubernetesVersion: string;
  controlPlanes: ControlPlane[];
  namespaceModes: Record<DataplaneMode, number>;
  namespaceCount: number;
}

export async function readOverview(client: KubeClient): Promise<ClusterOverview> {
  const version = await client.version();
  const inventory = await loadInventory(client, ['namespace', 'pod', 'deployment']);
  const pods = podsByNamespace(itemsOf(inventory, 'pod'));
  const namespaceModes: Record<DataplaneMode, number> = {sidecar: 0, ambient: 0, mixed: 0, none: 0};
  const namespaces = itemsOf(inventory, 'namespace');
  for (const namespace of namespaces) namespaceModes[dataplaneMode(namespace, pods.get(namespace.metadata.name) ?? [])]++;
  return {
    context: client.endpoint.context,
    server: client.endpoint.server,
    kubernetesVersion: version.gitVersion,
    controlPlanes: findControlPlanes(itemsOf(inventory, 'deployment')),
    namespaceModes,
    namespaceCount: namespaces.length,
  };
}
