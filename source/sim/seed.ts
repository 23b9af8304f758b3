import {readdirSync, readFileSync, statSync} from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import {PACKAGE_ROOT} from '../package-root.ts';
import type {SimCluster} from './cluster.ts';
import {splitApiVersion} from './registry.ts';
import {StatusError} from './status.ts';
import type {KubeObject} from './types.ts';

const FIXTURES = path.join(PACKAGE_ROOT, 'fixtures');
/** The Istio and Gateway API CRDs every simulated cluster has installed. */
export const CRD_FIXTURES = path.join(FIXTURES, 'crds');
export const DEMO_FIXTURES = path.join(FIXTURES, 'demo');
/** The CRDs as JSON, written by the build (scripts/build.mjs): JSON.parse reads it about ten times faster than YAML. */
const CRD_JSON = path.join(PACKAGE_ROOT, 'dist', 'crds.json');

/**
 * The Istio and Gateway API CRDs: from the build's JSON copy when it is at least as new as every YAML file
 * (a fixture edited since the last build is read from the YAML), otherwise from the YAML.
 */
export function readCrdManifests(): SeedDocument[] {
  try {
    const built = statSync(CRD_JSON).mtimeMs;
    if (listManifestFiles(CRD_FIXTURES).every(file => statSync(file).mtimeMs <= built)) {
      return JSON.parse(readFileSync(CRD_JSON, 'utf8')) as SeedDocument[];
    }
  } catch {
    // No build output: read the YAML.
  }
  return readManifests(CRD_FIXTURES);
}

export interface SeedDocument {
  object: KubeObject;
  source: string;
}

/** Thrown when a seed cannot be read or an object in it is refused; says which file and object. */
export class SeedError extends Error {}

/** Reads a file or a directory (recursively): multi-document YAML or JSON, `kind: List` flattened. */
export function readManifests(target: string): SeedDocument[] {
  let stat;
  try {
    stat = statSync(target);
  } catch {
    throw new SeedError(`cannot read manifests: ${target} does not exist`);
  }
  const files = stat.isDirectory() ? listManifestFiles(target) : [target];
  const documents: SeedDocument[] = [];
  for (const file of files) {
    let parsed: unknown[];
    const text = readFileSync(file, 'utf8');
    try {
      parsed = yaml.loadAll(text);
    } catch (error) {
      throw templateError(file, text) ?? new SeedError(`cannot parse ${file}: ${(error as Error).message.split('\n')[0]}`);
    }
    try {
      for (const doc of parsed) collect(doc, file, documents);
    } catch (error) {
      throw templateError(file, text) ?? error;
    }
  }
  return documents;
}

function listManifestFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, {withFileTypes: true}).sort((a, b) => a.name.localeCompare(b.name))) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listManifestFiles(full));
    else if (/\.(ya?ml|json)$/i.test(entry.name)) out.push(full);
  }
  return out;
}

function collect(doc: unknown, source: string, out: SeedDocument[]): void {
  if (doc === null || doc === undefined) return;
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new SeedError(`${source}: a document is not a Kubernetes object`);
  const object = doc as KubeObject;
  if (object.kind === 'List' || (object.kind?.endsWith('List') && Array.isArray(object.items))) {
    for (const item of object.items as unknown[]) collect(item, source, out);
    return;
  }
  if (!object.apiVersion || !object.kind || !object.metadata?.name) {
    throw new SeedError(`${source}: every object needs apiVersion, kind and metadata.name (found ${JSON.stringify(object).slice(0, 80)})`);
  }
  out.push({object, source});
}

/**
 * A file with Go template actions (`{{ .Values.x }}`, `{{- if ... }}`) that did not load is a Helm chart's
 * template, not a manifest: said so, with the line and what to run, rather than "Namespace [object
 * Object] was refused". Only asked once a file has failed, so a manifest that merely holds `{{` in a
 * string (an alert annotation) is never suspected.
 */
export function templateError(file: string, text?: string): SeedError | undefined {
  let content = text;
  if (content === undefined) {
    try {
      content = readFileSync(file, 'utf8');
    } catch {
      return undefined;
    }
  }
  const lines = content.split('\n');
  const at = lines.findIndex(line => /\{\{-?\s*(\.|include|if|end|range|with|template|toYaml|\$)/.test(line));
  if (at < 0) return undefined;
  return new SeedError(
    `${file} looks like an unrendered Helm template (line ${at + 1}: ${lines[at]!.trim().slice(0, 60)}): render the chart first, e.g. helm template RELEASE CHART -f values.yaml > rendered.yaml, and pass that file to --cluster-from`,
  );
}

/** Namespaces and CRDs first, so that everything else has a place and a schema to go into. */
function seedOrder(object: KubeObject): number {
  if (object.kind === 'Namespace') return 0;
  if (object.kind === 'CustomResourceDefinition') return 1;
  if (object.kind === 'Node') return 2;
  const {group} = splitApiVersion(object.apiVersion);
  const builtin = group === '' || group.endsWith('.k8s.io') && !group.startsWith('gateway.') || group === 'apps';
  return builtin ? 3 : 4;
}

/** Creates every document in the cluster, as `kubectl apply` would; stale server fields are dropped. */
export function seedCluster(cluster: SimCluster, documents: SeedDocument[]): void {
  const ordered = documents
    .map((d, i) => ({...d, i}))
    .sort((a, b) => seedOrder(a.object) - seedOrder(b.object) || a.i - b.i);
  const namespaces = cluster.typeFor('', 'namespaces');
  for (const {object, source} of ordered) {
    const clean = structuredClone(object);
    for (const field of ['uid', 'resourceVersion', 'managedFields', 'creationTimestamp', 'generation', 'selfLink']) {
      delete clean.metadata[field];
    }
    try {
      const type = cluster.typeForKind(clean.apiVersion, clean.kind);
      const namespace = type.namespaced ? clean.metadata.namespace ?? 'default' : '';
      if (type.namespaced && !cluster.tryGet(namespaces, '', namespace)) {
        cluster.create(namespaces, '', {apiVersion: 'v1', kind: 'Namespace', metadata: {name: namespace}}, {fieldManager: 'kubectl-create'});
      }
      if (cluster.tryGet(type, namespace, clean.metadata.name!)) {
        throw new SeedError(`${clean.kind} ${namespace ? `${namespace}/` : ''}${clean.metadata.name} is defined twice`);
      }
      const created = cluster.create(type, namespace, clean, {fieldManager: 'kubectl-client-side-apply', fieldValidation: 'Strict'});
      // Custom resources drop status on create; a seed taken from a live cluster keeps it.
      if (clean.status !== undefined && !type.builtin && type.subresources.includes('status')) {
        cluster.update(type, namespace, clean.metadata.name!, {...created.object, status: clean.status}, {subresource: 'status', fieldManager: 'seed'});
      }
    } catch (error) {
      const template = templateError(source);
      if (template) throw template;
      if (error instanceof SeedError) throw new SeedError(`${source}: ${error.message}`);
      const message = error instanceof StatusError ? error.message : String(error);
      const where = `${clean.kind} ${clean.metadata.namespace ? `${clean.metadata.namespace}/` : ''}${clean.metadata.name}`;
      throw new SeedError(`${source}: ${where} was refused: ${message}`);
    }
  }
}
