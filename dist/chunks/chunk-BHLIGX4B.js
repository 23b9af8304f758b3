import {
  itemsOf
} from "./chunk-ODE5LSI6.js";
import {
  KINDS,
  apiVersionOf,
  qualifiedName
} from "./chunk-MSTYNHIA.js";

// source/core/backup/backup.ts
import { createHash } from "node:crypto";

// source/core/backup/clean.ts
var SERVER_METADATA = ["uid", "resourceVersion", "generation", "creationTimestamp", "managedFields", "selfLink", "deletionTimestamp", "deletionGracePeriodSeconds"];
var SERVER_ANNOTATIONS = [
  // kubectl rewrites it on every apply; the old value would only mislead its three-way merge.
  "kubectl.kubernetes.io/last-applied-configuration",
  // The Deployment controller's rollout counter.
  "deployment.kubernetes.io/revision"
];
function controllerOwned(object) {
  return (object.metadata.ownerReferences ?? []).some((ref) => ref.controller === true);
}
function cleanForRestore(object, ref) {
  const { status: _status, apiVersion: _apiVersion, kind: _kind, metadata, ...rest } = object;
  const meta = { ...metadata };
  for (const key of SERVER_METADATA) delete meta[key];
  delete meta.ownerReferences;
  const annotations = { ...metadata.annotations ?? {} };
  for (const key of SERVER_ANNOTATIONS) delete annotations[key];
  if (Object.keys(annotations).length > 0) meta.annotations = annotations;
  else delete meta.annotations;
  if (ref.kind === "Service" && rest.spec) rest.spec = withoutAllocatedClusterIp(rest.spec);
  const { name, namespace, labels, annotations: notes, ...otherMeta } = meta;
  const orderedMeta = { name, ...namespace ? { namespace } : {}, ...labels ? { labels } : {}, ...notes ? { annotations: notes } : {}, ...sortKeys(otherMeta) };
  return { apiVersion: apiVersionOf(ref), kind: ref.kind, metadata: sortKeys(orderedMeta, false), ...sortKeys(rest) };
}
function withoutAllocatedClusterIp(spec) {
  if (spec.clusterIP === "None") return spec;
  const { clusterIP: _ip, clusterIPs: _ips, ...rest } = spec;
  return rest;
}
function sortKeys(value, top = true) {
  if (Array.isArray(value)) return value.map((v) => sortKeys(v));
  if (value === null || typeof value !== "object") return value;
  const entries = Object.entries(value).filter(([, v]) => v !== void 0);
  if (top) entries.sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0);
  return Object.fromEntries(entries.map(([k, v]) => [k, sortKeys(v)]));
}

// source/core/backup/yaml.ts
import yaml from "js-yaml";
var yaml11Number = new yaml.Type("tag:ambient-migrate,2026:yaml11-number", {
  kind: "scalar",
  resolve: (data) => typeof data === "string" && /^[-+]?(0b[01]+|0o?[0-7]+|0x[0-9a-f]+|[0-9]*\.?[0-9]+(e[-+]?[0-9]+)?)$/i.test(data.replace(/_/g, "")),
  construct: (data) => data,
  predicate: () => false
});
var SCHEMA = yaml.DEFAULT_SCHEMA.extend({ implicit: [yaml11Number] });
function toKubectlYaml(value) {
  return yaml.dump(value, { noRefs: true, lineWidth: -1, sortKeys: false, schema: SCHEMA });
}

// source/core/backup/backup.ts
var BACKUP_KINDS = [
  "namespace",
  "configMap",
  "service",
  "deployment",
  "statefulSet",
  "daemonSet",
  "virtualService",
  "destinationRule",
  "istioGateway",
  "serviceEntry",
  "sidecar",
  "workloadEntry",
  "workloadGroup",
  "envoyFilter",
  "proxyConfig",
  "authorizationPolicy",
  "peerAuthentication",
  "requestAuthentication",
  "wasmPlugin",
  "trafficExtension",
  "telemetry",
  "gateway",
  "httpRoute",
  "grpcRoute",
  "tcpRoute",
  "tlsRoute",
  "referenceGrant",
  "mutatingWebhook",
  "validatingWebhook"
];
var BACKUP_SCHEMA_VERSION = 1;
function buildBackup(inventory, identity, now) {
  const istioNamespaces = istioInstallNamespaces(inventory);
  const files = [];
  const entries = [];
  const unreadable = [];
  BACKUP_KINDS.forEach((name, index) => {
    const ref = KINDS[name];
    const problem = inventory.unreadable[name];
    if (problem) {
      const reason = problem.state === "not-installed" ? "not installed in this cluster" : problem.message;
      unreadable.push({ kind: qualifiedName(ref), state: problem.state, reason });
      return;
    }
    if (!inventory.objects[name]) return;
    const objects = itemsOf(inventory, name).filter((o) => o.kind !== "Secret" && !controllerOwned(o) && belongs(name, o, istioNamespaces)).sort(byNamespaceAndName).map((o) => cleanForRestore(o, ref));
    const fileName = `${String(index + 1).padStart(2, "0")}-${qualifiedName(ref)}.yaml`;
    const content = objects.length > 0 ? objects.map(toKubectlYaml).join("---\n") : `# No ${qualifiedName(ref)} in the cluster when the backup was taken.
`;
    files.push({ name: fileName, content, count: objects.length });
    entries.push({ name: fileName, kind: ref.kind, apiVersion: apiVersionOf(ref), count: objects.length, sha256: sha256(content) });
  });
  return {
    directoryName: now.toISOString().replace(/\.\d+Z$/, "Z").replace(/[-:]/g, ""),
    files,
    manifest: { schemaVersion: BACKUP_SCHEMA_VERSION, tool: "ambient-migrate", createdAt: now.toISOString(), cluster: identity, files: entries, unreadable }
  };
}
function sha256(content) {
  return createHash("sha256").update(content, "utf8").digest("hex");
}
function belongs(kind, object, istioNamespaces) {
  const name = object.metadata.name;
  if (kind === "mutatingWebhook" || kind === "validatingWebhook") return /^istiod?-/.test(name);
  if (kind !== "configMap") return true;
  if (!istioNamespaces.has(object.metadata.namespace ?? "")) return false;
  if (name === "istio-ca-root-cert") return false;
  if (name === "istio" || name === "istio-cni-config" || /^istio-sidecar-injector/.test(name) || /^values/.test(name)) return true;
  return name.startsWith("istio-") && typeof object.data?.mesh === "string";
}
function istioInstallNamespaces(inventory) {
  const namespaces = /* @__PURE__ */ new Set(["istio-system"]);
  const add = (o) => namespaces.add(o.metadata.namespace ?? "");
  itemsOf(inventory, "deployment").filter((d) => d.metadata.labels?.app === "istiod" || d.metadata.labels?.istio === "pilot").forEach(add);
  itemsOf(inventory, "daemonSet").filter((d) => d.metadata.name === "istio-cni-node" || d.metadata.labels?.["k8s-app"] === "istio-cni-node").forEach(add);
  itemsOf(inventory, "configMap").filter((c) => /^istio-sidecar-injector/.test(c.metadata.name)).forEach(add);
  return namespaces;
}
function byNamespaceAndName(a, b) {
  const key = (o) => `${o.metadata.namespace ?? ""}/${o.metadata.name}`;
  return key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;
}

// source/core/cluster-identity.ts
function clusterIdentity(endpoint, namespaces) {
  const kubeSystem = namespaces.find((ns) => ns.metadata.name === "kube-system");
  return { context: endpoint.context, server: endpoint.server, kubeSystemUid: kubeSystem?.metadata.uid ?? "" };
}
function sameCluster(a, b) {
  if (a.kubeSystemUid && b.kubeSystemUid) return a.kubeSystemUid === b.kubeSystemUid;
  return a.server === b.server;
}

// source/app/workdir.ts
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, chmodSync, statSync, unlinkSync, writeSync } from "node:fs";
import { randomBytes } from "node:crypto";
import path from "node:path";
var MANIFEST_FILE = "MANIFEST";
var BACKUPS_DIR = "backups";
function ensureWorkdir(dir, warn = (line) => process.stderr.write(`${line}
`)) {
  if (!existsSync(dir)) {
    mkdirSync(dir, { recursive: true, mode: 448 });
    chmodSync(dir, 448);
    return;
  }
  const mode = statSync(dir).mode & 511;
  if (mode !== 448) {
    chmodSync(dir, 448);
    if (mode & 63) warn(`ambient-migrate: ${dir} was open to other users (mode ${mode.toString(8)}); changed it to 700`);
  }
}
function makePrivateDir(dir, options = {}) {
  mkdirSync(dir, { recursive: !options.exclusive, mode: 448 });
  chmodSync(dir, 448);
}
function writePrivateFile(file, content) {
  const dir = path.dirname(file);
  const temp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  const fd = openSync(temp, "wx", 384);
  try {
    const buffer = Buffer.from(content, "utf8");
    for (let offset = 0; offset < buffer.length; ) offset += writeSync(fd, buffer, offset);
    fsyncSync(fd);
    closeSync(fd);
    chmodSync(temp, 384);
    renameSync(temp, file);
  } catch (error) {
    try {
      closeSync(fd);
    } catch {
    }
    try {
      unlinkSync(temp);
    } catch {
    }
    throw error;
  }
  const dirFd = openSync(dir, "r");
  try {
    fsyncSync(dirFd);
  } finally {
    closeSync(dirFd);
  }
}
function writeBackup(workdir, backup, warn) {
  ensureWorkdir(workdir, warn);
  const parent = path.join(workdir, BACKUPS_DIR);
  makePrivateDir(parent);
  const dir = createUniqueDir(parent, backup.directoryName);
  for (const file of backup.files) writePrivateFile(path.join(dir, file.name), file.content);
  writePrivateFile(path.join(dir, MANIFEST_FILE), `${JSON.stringify(backup.manifest, null, 2)}
`);
  return dir;
}
function createUniqueDir(parent, name) {
  for (let n = 1; ; n++) {
    const dir = path.join(parent, n === 1 ? name : `${name}-${n}`);
    try {
      makePrivateDir(dir, { exclusive: true });
      return dir;
    } catch (error) {
      if (error.code !== "EEXIST") throw error;
    }
  }
}
function listBackups(workdir) {
  const root = path.join(workdir, BACKUPS_DIR);
  if (!existsSync(root)) return [];
  const listings = readdirSync(root, { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => inspectBackup(path.join(root, entry.name)));
  const key = (l) => `${l.manifest?.createdAt ?? ""} ${path.basename(l.path)}`;
  return listings.sort((a, b) => key(a) < key(b) ? 1 : key(a) > key(b) ? -1 : 0);
}
function latestBackupFor(workdir, identity) {
  return listBackups(workdir).find((b) => b.intact && b.manifest && sameCluster(b.manifest.cluster, identity));
}
function inspectBackup(dir) {
  const problems = [];
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(path.join(dir, MANIFEST_FILE), "utf8"));
  } catch (error) {
    const reason = error.code === "ENOENT" ? "is missing (the backup did not finish)" : `cannot be read: ${error.message}`;
    return { path: dir, manifest: void 0, intact: false, problems: [`${MANIFEST_FILE} ${reason}`] };
  }
  if (manifest?.schemaVersion !== BACKUP_SCHEMA_VERSION || manifest.tool !== "ambient-migrate" || !Array.isArray(manifest.files)) {
    return { path: dir, manifest: void 0, intact: false, problems: [`${MANIFEST_FILE} is not an ambient-migrate backup manifest of schema version ${BACKUP_SCHEMA_VERSION}`] };
  }
  for (const file of manifest.files) {
    const target = path.join(dir, path.basename(file.name));
    if (!existsSync(target)) problems.push(`${file.name} is missing`);
    else if (sha256(readFileSync(target, "utf8")) !== file.sha256) problems.push(`${file.name} has changed since the backup (sha256 differs)`);
  }
  const listed = new Set(manifest.files.map((f) => f.name));
  for (const name of readdirSync(dir)) {
    if (/\.(ya?ml|json)$/.test(name) && !listed.has(name)) problems.push(`${name} is not part of the backup`);
  }
  return { path: dir, manifest, intact: problems.length === 0, problems };
}

export {
  BACKUP_KINDS,
  buildBackup,
  clusterIdentity,
  sameCluster,
  ensureWorkdir,
  writePrivateFile,
  writeBackup,
  latestBackupFor
};
