import {createHash} from 'node:crypto';
import {apiVersionOf, type TypeRegistry} from './registry.ts';
import type {ResourceType} from './types.ts';

export const AGGREGATED_V2 = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';
export const AGGREGATED_V2BETA1 = 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList';

/** Which aggregated discovery form the client asked for first, if any (kubectl asks v2, then v2beta1). */
export function aggregatedFormat(accept: string | undefined): 'v2' | 'v2beta1' | undefined {
  for (const part of (accept ?? '').split(',')) {
    if (!part.includes('as=APIGroupDiscoveryList')) {
      if (part.trim().startsWith('application/json')) return undefined;
      continue;
    }
    if (/\bv=v2beta1\b/.test(part)) return 'v2beta1';
    if (/\bv=v2\b/.test(part)) return 'v2';
  }
  return undefined;
}

function typesServing(registry: TypeRegistry, group: string, version: string): ResourceType[] {
  return registry
    .all()
    .filter(t => t.group === group && t.versions.includes(version))
    .sort((a, b) => a.plural.localeCompare(b.plural));
}

export function aggregatedDiscovery(registry: TypeRegistry, core: boolean, format: 'v2' | 'v2beta1') {
  const groups = registry.groups().filter(g => (g.group === '') === core);
  return {
    kind: 'APIGroupDiscoveryList',
    apiVersion: `apidiscovery.k8s.io/${format}`,
    metadata: {},
    items: groups.map(({group, versions}) => ({
      metadata: {name: group, creationTimestamp: null},
      versions: versions.map(version => ({
        version,
        freshness: 'Current',
        resources: typesServing(registry, group, version).map(type => ({
          resource: type.plural,
          responseKind: {group, version, kind: type.kind},
          scope: type.namespaced ? 'Namespaced' : 'Cluster',
          singularResource: type.singular,
          verbs: type.verbs,
          ...(type.shortNames.length ? {shortNames: type.shortNames} : {}),
          ...(type.categories.length ? {categories: type.categories} : {}),
          ...(type.subresources.length
            ? {
                subresources: type.subresources.map(subresource => ({
                  subresource,
                  // scale answers autoscaling/v1 Scale; client-go's scale client converts its updates to this GVK.
                  responseKind: subresource === 'scale' ? {group: 'autoscaling', version: 'v1', kind: 'Scale'} : {group, version, kind: type.kind},
                  verbs: ['get', 'patch', 'update'],
                })),
              }
            : {}),
        })),
      })),
    })),
  };
}

export function legacyApiVersions(serverAddress: string) {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{clientCIDR: '0.0.0.0/0', serverAddress}],
  };
}

function groupEntry(group: string, versions: string[]) {
  return {
    name: group,
    versions: versions.map(version => ({groupVersion: apiVersionOf(group, version), version})),
    preferredVersion: {groupVersion: apiVersionOf(group, versions[0]!), version: versions[0]!},
  };
}

export function legacyGroupList(registry: TypeRegistry) {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: registry
      .groups()
      .filter(g => g.group !== '')
      .map(g => groupEntry(g.group, g.versions)),
  };
}

export function legacyGroup(registry: TypeRegistry, group: string) {
  const found = registry.groups().find(g => g.group === group);
  return found ? {kind: 'APIGroup', apiVersion: 'v1', ...groupEntry(group, found.versions)} : undefined;
}

export function resourceList(registry: TypeRegistry, group: string, version: string) {
  const types = typesServing(registry, group, version);
  if (types.length === 0) return undefined;
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: apiVersionOf(group, version),
    resources: types.flatMap(type => [
      {
        name: type.plural,
        singularName: type.singular,
        namespaced: type.namespaced,
        kind: type.kind,
        verbs: type.verbs,
        ...(type.shortNames.length ? {shortNames: type.shortNames} : {}),
        ...(type.categories.length ? {categories: type.categories} : {}),
        storageVersionHash: createHash('sha256').update(`${group}/${version}/${type.kind}`).digest('base64').slice(0, 11),
      },
      ...type.subresources.map(subresource => ({
        name: `${type.plural}/${subresource}`,
        singularName: '',
        namespaced: type.namespaced,
        kind: subresource === 'scale' ? 'Scale' : type.kind,
        ...(subresource === 'scale' ? {group: 'autoscaling', version: 'v1'} : {}),
        verbs: ['get', 'patch', 'update'],
      })),
    ]),
  };
}
