import {createHash} from 'node:crypto';
import type {TypeRegistry} from './registry.ts';
import type {ResourceType} from './types.ts';

/**
 * OpenAPI v3 as far as kubectl needs it: kubectl sends `fieldValidation=Strict` (server-side validation)
 * only when the group-version document has a PATCH operation for the kind that takes `fieldValidation`.
 * CRD schemas go into `components.schemas`, which is what `kubectl explain` reads.
 */

const writeParams = ['dryRun', 'fieldManager', 'fieldValidation', 'force', 'pretty'].map(name => ({
  name,
  in: 'query',
  schema: {type: name === 'force' ? 'boolean' : 'string', uniqueItems: true},
}));

function gvPath(group: string, version: string): string {
  return group ? `apis/${group}/${version}` : `api/${version}`;
}

function schemaName(type: ResourceType, version: string): string {
  const reversed = type.group ? type.group.split('.').reverse().join('.') : 'io.k8s.api.core';
  return `${reversed}.${version}.${type.kind}`;
}

function gvk(type: ResourceType, version: string) {
  return [{group: type.group, version, kind: type.kind}];
}

export class OpenApiDocuments {
  private cache = new Map<string, {generation: number; body: string; hash: string}>();

  constructor(private readonly registry: TypeRegistry) {}

  index(): Record<string, unknown> {
    const paths: Record<string, {serverRelativeURL: string}> = {};
    for (const {group, versions} of this.registry.groups()) {
      for (const version of versions) {
        const doc = this.document(group, version);
        if (doc) paths[gvPath(group, version)] = {serverRelativeURL: `/openapi/v3/${gvPath(group, version)}?hash=${doc.hash}`};
      }
    }
    return {paths};
  }

  /** The serialized document for one group-version, cached until a CRD changes. */
  document(group: string, version: string): {body: string; hash: string} | undefined {
    const key = `${group}/${version}`;
    const cached = this.cache.get(key);
    if (cached && cached.generation === this.registry.generation) return cached;
    const types = this.registry.all().filter(t => t.group === group && t.versions.includes(version));
    if (types.length === 0) return undefined;
    const body = JSON.stringify(this.build(group, version, types));
    const entry = {generation: this.registry.generation, body, hash: createHash('sha512').update(body).digest('hex').slice(0, 128)};
    this.cache.set(key, entry);
    return entry;
  }

  private build(group: string, version: string, types: ResourceType[]) {
    const base = `/${gvPath(group, version)}`;
    const paths: Record<string, unknown> = {};
    const schemas: Record<string, unknown> = {};
    for (const type of types) {
      const ref = {$ref: `#/components/schemas/${schemaName(type, version)}`};
      const body = {content: {'application/json': {schema: ref}}};
      const operation = (action: string, verb: string) => ({
        operationId: `${verb}${type.kind}`,
        'x-kubernetes-action': action,
        'x-kubernetes-group-version-kind': {group: type.group, version, kind: type.kind},
        parameters: action === 'get' || action === 'list' || action === 'delete' ? [] : writeParams,
        ...(action === 'get' || action === 'list' || action === 'delete' ? {} : {requestBody: body}),
        responses: {'200': {description: 'OK', content: {'application/json': {schema: ref}}}},
      });
      const collection = type.namespaced ? `${base}/namespaces/{namespace}/${type.plural}` : `${base}/${type.plural}`;
      paths[collection] = {get: operation('list', 'list'), post: operation('post', 'create')};
      paths[`${collection}/{name}`] = {
        get: operation('get', 'read'),
        put: operation('put', 'replace'),
        patch: operation('patch', 'patch'),
        delete: operation('delete', 'delete'),
        parameters: [
          {name: 'name', in: 'path', required: true, schema: {type: 'string'}},
          ...(type.namespaced ? [{name: 'namespace', in: 'path', required: true, schema: {type: 'string'}}] : []),
        ],
      };
      const crdSchema = type.schemas?.[version];
      schemas[schemaName(type, version)] = {
        ...(crdSchema ?? {type: 'object', description: `${type.kind} (schema not published by the simulator)`}),
        'x-kubernetes-group-version-kind': gvk(type, version),
      };
    }
    return {
      openapi: '3.0.0',
      info: {title: 'Kubernetes', version: 'v1.32.4'},
      paths,
      components: {schemas},
    };
  }
}
