import type {ResourceType} from './types.ts';

export type ListSemantics = {type: 'map'; keys: string[]} | {type: 'set'} | {type: 'atomic'};

/** Answers how a list at a path (field names only, no indices) merges and is owned. */
export type ListSemanticsLookup = (path: string[]) => ListSemantics;

const podSpecLists: Record<string, ListSemantics> = {
  containers: {type: 'map', keys: ['name']},
  initContainers: {type: 'map', keys: ['name']},
  ephemeralContainers: {type: 'map', keys: ['name']},
  volumes: {type: 'map', keys: ['name']},
  imagePullSecrets: {type: 'map', keys: ['name']},
  hostAliases: {type: 'map', keys: ['ip']},
};

const containerLists: Record<string, ListSemantics> = {
  env: {type: 'map', keys: ['name']},
  ports: {type: 'map', keys: ['containerPort', 'protocol']},
  volumeMounts: {type: 'map', keys: ['mountPath']},
  volumeDevices: {type: 'map', keys: ['devicePath']},
};

/**
 * Server-side apply needs the list types of built-in kinds; a real server reads them from its OpenAPI
 * (`x-kubernetes-list-type`). These are the ones of the kinds the simulator serves.
 */
function builtinListSemantics(kind: string, path: string[]): ListSemantics {
  const joined = path.join('.');
  if (joined === 'metadata.ownerReferences') return {type: 'map', keys: ['uid']};
  if (joined === 'metadata.finalizers') return {type: 'set'};
  if (joined === 'status.conditions') return {type: 'map', keys: ['type']};
  if (kind === 'Service' && joined === 'spec.ports') return {type: 'map', keys: ['port', 'protocol']};
  if (kind === 'Node' && joined === 'spec.taints') return {type: 'map', keys: ['key', 'effect']};
  const podSpecPrefix = kind === 'Pod' ? ['spec'] : ['spec', 'template', 'spec'];
  const isUnder = podSpecPrefix.every((segment, i) => path[i] === segment);
  if (isUnder) {
    const rest = path.slice(podSpecPrefix.length);
    if (rest.length === 1 && podSpecLists[rest[0]!]) return podSpecLists[rest[0]!]!;
    if (rest.length === 2 && /^(init|ephemeral)?[cC]ontainers$/.test(rest[0]!) && containerLists[rest[1]!])
      return containerLists[rest[1]!]!;
  }
  return {type: 'atomic'};
}

/** List semantics from a CRD structural schema: unmarked lists are atomic, as on a real server. */
function schemaListSemantics(schema: Record<string, unknown> | undefined, path: string[]): ListSemantics {
  let node = schema;
  for (const segment of path) {
    if (!node) return {type: 'atomic'};
    if (node.type === 'array') node = node.items as Record<string, unknown> | undefined;
    const properties = node?.properties as Record<string, Record<string, unknown>> | undefined;
    node = properties?.[segment] ?? (node?.additionalProperties as Record<string, unknown> | undefined);
  }
  const listType = node?.['x-kubernetes-list-type'];
  if (listType === 'map') return {type: 'map', keys: (node!['x-kubernetes-list-map-keys'] as string[]) ?? []};
  if (listType === 'set') return {type: 'set'};
  return {type: 'atomic'};
}

export function listSemanticsFor(type: ResourceType, version: string): ListSemanticsLookup {
  if (type.builtin) return path => builtinListSemantics(type.kind, path);
  const schema = type.schemas?.[version];
  return path => {
    if (path[0] === 'metadata') return builtinListSemantics(type.kind, path);
    return schemaListSemantics(schema, path);
  };
}
