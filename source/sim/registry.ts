import {BUILTIN_TYPES} from './builtin-types.ts';
import type {KubeObject, PrinterColumn, ResourceType} from './types.ts';

/**
 * Kubernetes orders versions GA > beta > alpha, higher numbers first, and discovery lists the first one
 * as preferred. The storage version of a CRD (v1alpha3 for Istio) is not what clients should prefer.
 */
export function compareVersionPriority(a: string, b: string): number {
  const parse = (v: string) => {
    const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
    if (!m) return [0, 0, 0] as const;
    const stability = m[2] === undefined ? 3 : m[2] === 'beta' ? 2 : 1;
    return [stability, Number(m[1]), Number(m[3] ?? 0)] as const;
  };
  const [sa, ma, na] = parse(a);
  const [sb, mb, nb] = parse(b);
  if (sa !== sb) return sb - sa;
  if (ma !== mb) return mb - ma;
  if (na !== nb) return nb - na;
  return a.localeCompare(b);
}

export function apiVersionOf(group: string, version: string): string {
  return group ? `${group}/${version}` : version;
}

export function splitApiVersion(apiVersion: string): {group: string; version: string} {
  const slash = apiVersion.indexOf('/');
  return slash < 0
    ? {group: '', version: apiVersion}
    : {group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1)};
}

/** Every kind the server serves: the built-ins plus one entry per established CRD. */
export class TypeRegistry {
  private readonly types = new Map<string, ResourceType>();
  /** Bumped on every CRD change, so cached discovery and OpenAPI documents know to rebuild. */
  generation = 0;

  constructor() {
    for (const type of BUILTIN_TYPES) this.types.set(typeKey(type.group, type.plural), type);
  }

  all(): ResourceType[] {
    return [...this.types.values()];
  }

  byResource(group: string, plural: string): ResourceType | undefined {
    return this.types.get(typeKey(group, plural));
  }

  byKind(group: string, kind: string): ResourceType | undefined {
    for (const type of this.types.values()) if (type.group === group && type.kind === kind) return type;
    return undefined;
  }

  /** The groups with their served versions, in discovery order (core first is handled by the caller). */
  groups(): Array<{group: string; versions: string[]}> {
    const groups = new Map<string, Set<string>>();
    for (const type of this.types.values()) {
      const versions = groups.get(type.group) ?? new Set<string>();
      for (const v of type.versions) versions.add(v);
      groups.set(type.group, versions);
    }
    return [...groups.entries()]
      .map(([group, versions]) => ({group, versions: [...versions].sort(compareVersionPriority)}))
      .sort((a, b) => a.group.localeCompare(b.group));
  }

  /** Registers (or re-registers) the kind a CRD defines. Returns the registered type. */
  registerCrd(crd: KubeObject): ResourceType {
    const spec = crd.spec as CrdSpec;
    const versions = (spec.versions ?? []).filter(v => v.served !== false);
    const type: ResourceType = {
      group: spec.group,
      versions: versions.map(v => v.name).sort(compareVersionPriority),
      kind: spec.names.kind,
      listKind: spec.names.listKind ?? `${spec.names.kind}List`,
      plural: spec.names.plural,
      singular: spec.names.singular ?? spec.names.kind.toLowerCase(),
      namespaced: spec.scope !== 'Cluster',
      shortNames: spec.names.shortNames ?? [],
      categories: spec.names.categories ?? [],
      verbs: ['delete', 'deletecollection', 'get', 'list', 'patch', 'create', 'update', 'watch'],
      subresources: versions.some(v => v.subresources?.status) ? ['status'] : [],
      builtin: false,
      printerColumns: Object.fromEntries(versions.map(v => [v.name, v.additionalPrinterColumns ?? []])),
      schemas: Object.fromEntries(versions.map(v => [v.name, v.schema?.openAPIV3Schema ?? {}])),
    };
    this.types.set(typeKey(type.group, type.plural), type);
    this.generation++;
    return type;
  }

  unregisterCrd(crd: KubeObject): void {
    const spec = crd.spec as CrdSpec;
    this.types.delete(typeKey(spec.group, spec.names.plural));
    this.generation++;
  }
}

export function typeKey(group: string, plural: string): string {
  return `${plural}.${group}`;
}

interface CrdSpec {
  group: string;
  scope: 'Namespaced' | 'Cluster';
  names: {kind: string; listKind?: string; plural: string; singular?: string; shortNames?: string[]; categories?: string[]};
  versions?: Array<{
    name: string;
    served?: boolean;
    storage?: boolean;
    subresources?: {status?: object};
    additionalPrinterColumns?: PrinterColumn[];
    schema?: {openAPIV3Schema?: Record<string, unknown>};
  }>;
}
