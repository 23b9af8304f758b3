import {
  KINDS,
  qualifiedName
} from "./chunk-MSTYNHIA.js";
import {
  KubeError
} from "./chunk-KOEXQVHC.js";

// source/core/inventory.ts
function itemsOf(inventory, kind) {
  return inventory.objects[kind] ?? [];
}
var LIST_OPTIONS = {
  secret: { labelSelector: "istio/multiCluster=true" }
};
async function loadInventory(client, kinds, options = {}) {
  const inventory = { objects: {}, unreadable: {} };
  const queue = [...kinds];
  const worker = async () => {
    for (let name = queue.shift(); name !== void 0; name = queue.shift()) {
      const kind = KINDS[name];
      try {
        const items = await client.list(kind, LIST_OPTIONS[name]);
        inventory.objects[name] = name === "secret" ? items.map(metadataOnly) : items;
      } catch (error) {
        inventory.unreadable[name] = unreadableFrom(error, kind);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency ?? 6, kinds.length) }, worker));
  return inventory;
}
function metadataOnly(secret) {
  const { name, namespace, uid, labels, annotations } = secret.metadata;
  return { apiVersion: secret.apiVersion, kind: secret.kind, metadata: { name, namespace, uid, labels, annotations } };
}
function unreadableFrom(error, kind) {
  if (error instanceof KubeError) {
    if (error.kind === "NotInstalled") return { state: "not-installed" };
    if (error.kind === "Forbidden") {
      return { state: "forbidden", permission: { verb: "list", resource: kind.plural, group: kind.group }, message: error.message };
    }
    if (error.kind === "Unreachable" || error.kind === "Unauthorized") throw error;
    return { state: "error", message: error.message };
  }
  return { state: "error", message: `${qualifiedName(kind)}: ${error instanceof Error ? error.message : String(error)}` };
}

export {
  itemsOf,
  loadInventory
};
