import {createHash} from 'node:crypto';
import type {KubeObject} from '../../kube/client.ts';
import {apiVersionOf, KINDS, qualifiedName, type KindName} from '../../kube/kinds.ts';
import type {ClusterIdentity} from '../cluster-identity.ts';
import {itemsOf, type Inventory} from '../inventory.ts';
import {cleanForRestore, controllerOwned} from './clean.ts';
import {toKubectlYaml} from './yaml.ts';

/**
 * What the backup exports (reference §1.7), in the order `kubectl apply -f <dir>` must restore it: files
 * are named after their position, because kubectl applies a directory's files in name order and objects
 * of a deleted namespace can only come back after the namespace. Webhooks come last so Istio's validation
 * of its own resources is back only once they are. Never Secrets: a backup must not hold credentials.
 * Not Pods or ReplicaSets: their controllers recreate them. Not GatewayClasses: istiod owns them.
 *
 * Each file is multi-document YAML, one object per document, not a `kind: List`: kubectl cannot ask the
 * server to validate a List's fields, so it falls back to validating it against the whole OpenAPI v2
 * document, which not every API server serves (the simulator does not); plain objects are validated by
 * the server like any other `kubectl apply -f`.
 */
export const BACKUP_KINDS: KindName[] = [
  'namespace',
  'configMap',
  'service',
  'deployment',
  'statefulSet',
  'daemonSet',
  'virtualService',
  'destinationRule',
  'istioGateway',
  'serviceEntry',
  'sidecar',
  'workloadEntry',
  'workloadGroup',
  'envoyFilter',
  'proxyConfig',
  'authorizationPolicy',
  'peerAuthentication',
  'requestAuthentication',
  'wasmPlugin',
  'trafficExtension',
  'telemetry',
  'gateway',
  'httpRoute',
  'grpcRoute',
  'tcpRoute',
  'tlsRoute',
  'referenceGrant',
  'mutatingWebhook',
  'validatingWebhook',
];

/** Identifies the manifest written next to the YAML files. */
export const BACKUP_SCHEMA_VERSION = 1;

export interface BackupFileEntry {
  name: string;
  kind: string;
  apiVersion: string;
  count: number;
  sha256: string;
}

export interface BackupManifest {
  schemaVersion: typeof BACKUP_SCHEMA_VERSION;
  tool: 'ambient-migrate';
  createdAt: string;
  cluster: ClusterIdentity;
  files: BackupFileEntry[];
  /** Kinds missing from the backup, and why (`not-installed`: nothing of that kind exists to lose). */
  unreadable: Array<{kind: string; state: 'not-installed' | 'forbidden' | 'error'; reason: string}>;
}

export interface Backup {
  directoryName: string;
  files: Array<{name: string; content: string; count: number}>;
  manifest: BackupManifest;
}

export function buildBackup(inventory: Inventory, identity: ClusterIdentity, now: Date): Backup {
  const istioNamespaces = istioInstallNamespaces(inventory);
  const files: Backup['files'] = [];
  const entries: BackupFileEntry[] = [];
  const unreadable: BackupManifest['unreadable'] = [];
  BACKUP_KINDS.forEach((name, index) => {
    const ref = KINDS[name];
    const problem = inventory.unreadable[name];
    if (problem) {
      const reason = problem.state === 'not-installed' ? 'not installed in this cluster' : problem.message;
      unreadable.push({kind: qualifiedName(ref), state: problem.state, reason});
      return;
    }
    if (!inventory.objects[name]) return;
    const objects = itemsOf(inventory, name)
      .filter(o => o.kind !== 'Secret' && !controllerOwned(o) && belongs(name, o, istioNamespaces))
      .sort(byNamespaceAndName)
      .map(o => cleanForRestore(o, ref));
    const fileName = `${String(index + 1).padStart(2, '0')}-${qualifiedName(ref)}.yaml`;
    const content = objects.length > 0 ? objects.map(toKubectlYaml).join('---\n') : `# No ${qualifiedName(ref)} in the cluster when the backup was taken.\n`;
    files.push({name: fileName, content, count: objects.length});
    entries.push({name: fileName, kind: ref.kind, apiVersion: apiVersionOf(ref), count: objects.length, sha256: sha256(content)});
  });
  return {
    directoryName: now.toISOString().replace(/\.\d+Z$/, 'Z').replace(/[-:]/g, ''),
    files,
    manifest: {schemaVersion: BACKUP_SCHEMA_VERSION, tool: 'ambient-migrate', createdAt: now.toISOString(), cluster: identity, files: entries, unreadable},
  };
}

export function sha256(content: string): string {
  return createHash('sha256').update(content, 'utf8').digest('hex');
}

/**
 * Only Istio's own ConfigMaps and webhooks: the mesh config (`istio`, `istio-<rev>`), injector templates
 * and install values, and the CNI config. `istio-ca-root-cert` is in every namespace but istiod rewrites it.
 * Webhooks: `istio-*`, plus `istiod-*` because istiod's default validating webhook is `istiod-default-validator`.
 */
function belongs(kind: KindName, object: KubeObject, istioNamespaces: Set<string>): boolean {
  const name = object.metadata.name;
  if (kind === 'mutatingWebhook' || kind === 'validatingWebhook') return /^istiod?-/.test(name);
  if (kind !== 'configMap') return true;
  if (!istioNamespaces.has(object.metadata.namespace ?? '')) return false;
  if (name === 'istio-ca-root-cert') return false;
  if (name === 'istio' || name === 'istio-cni-config' || /^istio-sidecar-injector/.test(name) || /^values/.test(name)) return true;
  // `istio-<rev>` is a revisioned control plane's mesh config; it is told apart from istiod's other
  // `istio-*` ConfigMaps (leader election) by its `mesh` key.
  return name.startsWith('istio-') && typeof (object as {data?: Record<string, unknown>}).data?.mesh === 'string';
}

/** Where Istio is installed: istio-system, plus wherever istiod, the CNI agent or the injector config live. */
function istioInstallNamespaces(inventory: Inventory): Set<string> {
  const namespaces = new Set(['istio-system']);
  const add = (o: KubeObject) => namespaces.add(o.metadata.namespace ?? '');
  itemsOf(inventory, 'deployment').filter(d => d.metadata.labels?.app === 'istiod' || d.metadata.labels?.istio === 'pilot').forEach(add);
  itemsOf(inventory, 'daemonSet').filter(d => d.metadata.name === 'istio-cni-node' || d.metadata.labels?.['k8s-app'] === 'istio-cni-node').forEach(add);
  itemsOf(inventory, 'configMap').filter(c => /^istio-sidecar-injector/.test(c.metadata.name)).forEach(add);
  return namespaces;
}

function byNamespaceAndName(a: KubeObject, b: KubeObject): number {
  const key = (o: KubeObject) => `${o.metadata.namespace ?? ''}/${o.metadata.name}`;
  return key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;
}
