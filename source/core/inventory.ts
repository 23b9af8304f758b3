import {KubeError, type KubeClient, type KubeObject} from '../kube/client.ts';
import {KINDS, qualifiedName, type KindName, type KindRef} from '../kube/kinds.ts';

/** Why a kind could not be read; checks that need it report "could not verify" with this. */
export type Unreadable =
  | {state: 'not-installed'}
  | {state: 'forbidden'; permission: {verb: string; resource: string; group: string}; message: string}
  | {state: 'error'; message: string};

/**
 * A snapshot of the cluster: every object of every kind asked for, read with one paginated LIST per kind
 * for the whole cluster. Kinds that could not be read are recorded, not thrown, so the rest still works.
 */
export interface Inventory {
  objects: Partial<Record<KindName, KubeObject[]>>;
  unreadable: Partial<Record<KindName, Unreadable>>;
}

export function itemsOf(inventory: Inventory, kind: KindName): KubeObject[] {
  return inventory.objects[kind] ?? [];
}

/** How a kind is listed; Secrets are listed by label only, and never kept beyond their metadata. */
const LIST_OPTIONS: Partial<Record<KindName, {labelSelector: string; metadataOnly?: boolean}>> = {
  // Metadata only: the server never sends a Secret's data to the tool.
  secret: {labelSelector: 'istio/multiCluster=true', metadataOnly: true},
};

export async function loadInventory(
  client: KubeClient,
  kinds: KindName[],
  options: {concurrency?: number} = {},
): Promise<Inventory> {
  const inventory: Inventory = {objects: {}, unreadable: {}};
  const queue = [...kinds];
  const worker = async () => {
    for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
      const kind: KindRef = KINDS[name];
      try {
        const items = await client.list(kind, LIST_OPTIONS[name]);
        inventory.objects[name] = name === 'secret' ? items.map(metadataOnly) : items;
      } catch (error) {
        inventory.unreadable[name] = unreadableFrom(error, kind);
      }
    }
  };
  await Promise.all(Array.from({length: Math.min(options.concurrency ?? 6, kinds.length)}, worker));
  return inventory;
}

function metadataOnly(secret: KubeObject): KubeObject {
  const {name, namespace, uid, labels, annotations} = secret.metadata;
  return {apiVersion: secret.apiVersion, kind: secret.kind, metadata: {name, namespace, uid, labels, annotations}};
}

function unreadableFrom(error: unknown, kind: KindRef): Unreadable {
  if (error instanceof KubeError) {
    if (error.kind === 'NotInstalled') return {state: 'not-installed'};
    if (error.kind === 'Forbidden') {
      return {state: 'forbidden', permission: {verb: 'list', resource: kind.plural, group: kind.group}, message: error.message};
    }
    // Connection-level failures mean the cluster is gone, not that one kind is unreadable.
    if (error.kind === 'Unreachable' || error.kind === 'Unauthorized') throw error;
    return {state: 'error', message: error.message};
  }
  return {state: 'error', message: `${qualifiedName(kind)}: ${error instanceof Error ? error.message : String(error)}`};
}
