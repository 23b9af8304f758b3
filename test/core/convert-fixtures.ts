// Shared by the convert-*.test.ts files: reference data on disk and the real CRD schemas.
import {readFileSync, readdirSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import yaml from 'js-yaml';
import {compileSchema, type ValidationOutcome} from '../../source/sim/schema-validation.ts';
import type {KubeObject} from '../../source/kube/client.ts';

export const REFERENCE = fileURLToPath(new URL('../../../shared/reference/', import.meta.url));
const CRDS = fileURLToPath(new URL('../../fixtures/crds/gateway-api/', import.meta.url));

export function loadYaml(path: string): KubeObject[] {
  return (yaml.loadAll(readFileSync(path, 'utf8')) as KubeObject[]).filter(d => d && typeof d === 'object');
}

export function yamlFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter(f => f.endsWith('.yaml'))
    .sort()
    .map(f => dir + f);
}

function crdSchema(docs: any[], kind: string, version: string): Record<string, unknown> {
  const crd = docs.find(d => d?.kind === 'CustomResourceDefinition' && d.spec.names.kind === kind);
  return crd.spec.versions.find((v: any) => v.name === version).schema.openAPIV3Schema;
}

const httpRoute = compileSchema(crdSchema(loadYaml(`${CRDS}gateway.networking.k8s.io_httproutes.yaml`), 'HTTPRoute', 'v1'));
const istio = loadYaml(`${REFERENCE}istio/manifests/charts/base/files/crd-all.gen.yaml`);
const destinationRule = compileSchema(crdSchema(istio, 'DestinationRule', 'v1'));

/** The HTTPRoute as the API server would store it (pruned and defaulted), with the problems it would report. */
export const validateHttpRoute = (route: KubeObject): ValidationOutcome => httpRoute.validate(structuredClone(route));
export const validateDestinationRule = (rule: KubeObject): ValidationOutcome => destinationRule.validate(structuredClone(rule));

/** A lookup over a list of Services, by namespace and name. */
export function serviceLookup(services: KubeObject[]) {
  return (namespace: string, name: string) => services.find(s => (s.metadata.namespace ?? 'default') === namespace && s.metadata.name === name);
}

export function service(namespace: string, name: string, ports: number[] = [80], selector: Record<string, string> = {app: name}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {name, namespace, labels: {app: name}},
    spec: {selector, ports: ports.map((port, i) => ({name: i === 0 ? 'http' : `http-${port}`, port}))},
  };
}
