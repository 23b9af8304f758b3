import {
  PACKAGE_ROOT
} from "./chunk-6PFMMRXX.js";

// source/sim/seed.ts
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import yaml from "js-yaml";

// source/sim/builtin-types.ts
var crud = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];
function builtin(group, version, kind, plural, namespaced, extra = {}) {
  return {
    group,
    versions: [version],
    kind,
    listKind: `${kind}List`,
    plural,
    singular: kind.toLowerCase(),
    namespaced,
    shortNames: [],
    categories: [],
    verbs: crud,
    subresources: [],
    builtin: true,
    ...extra
  };
}
var BUILTIN_TYPES = [
  builtin("", "v1", "Namespace", "namespaces", false, { shortNames: ["ns"], subresources: ["status", "finalize"] }),
  builtin("", "v1", "Node", "nodes", false, { shortNames: ["no"], subresources: ["status"] }),
  builtin("", "v1", "Pod", "pods", true, { shortNames: ["po"], categories: ["all"], subresources: ["status"] }),
  builtin("", "v1", "Service", "services", true, { shortNames: ["svc"], categories: ["all"], subresources: ["status"] }),
  builtin("", "v1", "Endpoints", "endpoints", true, { shortNames: ["ep"] }),
  builtin("", "v1", "ConfigMap", "configmaps", true, { shortNames: ["cm"] }),
  builtin("", "v1", "Secret", "secrets", true),
  builtin("", "v1", "ServiceAccount", "serviceaccounts", true, { shortNames: ["sa"] }),
  builtin("", "v1", "Event", "events", true, { shortNames: ["ev"] }),
  builtin("apps", "v1", "Deployment", "deployments", true, {
    shortNames: ["deploy"],
    categories: ["all"],
    subresources: ["status", "scale"]
  }),
  builtin("apps", "v1", "ReplicaSet", "replicasets", true, {
    shortNames: ["rs"],
    categories: ["all"],
    subresources: ["status", "scale"]
  }),
  builtin("apps", "v1", "StatefulSet", "statefulsets", true, {
    shortNames: ["sts"],
    categories: ["all"],
    subresources: ["status", "scale"]
  }),
  builtin("apps", "v1", "DaemonSet", "daemonsets", true, {
    shortNames: ["ds"],
    categories: ["all"],
    subresources: ["status"]
  }),
  builtin("apiextensions.k8s.io", "v1", "CustomResourceDefinition", "customresourcedefinitions", false, {
    shortNames: ["crd", "crds"],
    subresources: ["status"]
  }),
  builtin("admissionregistration.k8s.io", "v1", "MutatingWebhookConfiguration", "mutatingwebhookconfigurations", false),
  builtin(
    "admissionregistration.k8s.io",
    "v1",
    "ValidatingWebhookConfiguration",
    "validatingwebhookconfigurations",
    false
  ),
  builtin("networking.k8s.io", "v1", "NetworkPolicy", "networkpolicies", true, { shortNames: ["netpol"] }),
  builtin("discovery.k8s.io", "v1", "EndpointSlice", "endpointslices", true),
  builtin("storage.k8s.io", "v1", "CSIDriver", "csidrivers", false),
  builtin("authorization.k8s.io", "v1", "SelfSubjectAccessReview", "selfsubjectaccessreviews", false, {
    verbs: ["create"]
  })
];

// source/sim/registry.ts
function compareVersionPriority(a, b) {
  const parse = (v) => {
    const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
    if (!m) return [0, 0, 0];
    const stability = m[2] === void 0 ? 3 : m[2] === "beta" ? 2 : 1;
    return [stability, Number(m[1]), Number(m[3] ?? 0)];
  };
  const [sa, ma, na] = parse(a);
  const [sb, mb, nb] = parse(b);
  if (sa !== sb) return sb - sa;
  if (ma !== mb) return mb - ma;
  if (na !== nb) return nb - na;
  return a.localeCompare(b);
}
function apiVersionOf(group, version) {
  return group ? `${group}/${version}` : version;
}
function splitApiVersion(apiVersion) {
  const slash = apiVersion.indexOf("/");
  return slash < 0 ? { group: "", version: apiVersion } : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}
var TypeRegistry = class {
  types = /* @__PURE__ */ new Map();
  /** Bumped on every CRD change, so cached discovery and OpenAPI documents know to rebuild. */
  generation = 0;
  constructor() {
    for (const type of BUILTIN_TYPES) this.types.set(typeKey(type.group, type.plural), type);
  }
  all() {
    return [...this.types.values()];
  }
  byResource(group, plural) {
    return this.types.get(typeKey(group, plural));
  }
  byKind(group, kind) {
    for (const type of this.types.values()) if (type.group === group && type.kind === kind) return type;
    return void 0;
  }
  /** The groups with their served versions, in discovery order (core first is handled by the caller). */
  groups() {
    const groups = /* @__PURE__ */ new Map();
    for (const type of this.types.values()) {
      const versions = groups.get(type.group) ?? /* @__PURE__ */ new Set();
      for (const v of type.versions) versions.add(v);
      groups.set(type.group, versions);
    }
    return [...groups.entries()].map(([group, versions]) => ({ group, versions: [...versions].sort(compareVersionPriority) })).sort((a, b) => a.group.localeCompare(b.group));
  }
  /** Registers (or re-registers) the kind a CRD defines. Returns the registered type. */
  registerCrd(crd) {
    const spec = crd.spec;
    const versions = (spec.versions ?? []).filter((v) => v.served !== false);
    const type = {
      group: spec.group,
      versions: versions.map((v) => v.name).sort(compareVersionPriority),
      kind: spec.names.kind,
      listKind: spec.names.listKind ?? `${spec.names.kind}List`,
      plural: spec.names.plural,
      singular: spec.names.singular ?? spec.names.kind.toLowerCase(),
      namespaced: spec.scope !== "Cluster",
      shortNames: spec.names.shortNames ?? [],
      categories: spec.names.categories ?? [],
      verbs: ["delete", "deletecollection", "get", "list", "patch", "create", "update", "watch"],
      subresources: versions.some((v) => v.subresources?.status) ? ["status"] : [],
      builtin: false,
      printerColumns: Object.fromEntries(versions.map((v) => [v.name, v.additionalPrinterColumns ?? []])),
      schemas: Object.fromEntries(versions.map((v) => [v.name, v.schema?.openAPIV3Schema ?? {}]))
    };
    this.types.set(typeKey(type.group, type.plural), type);
    this.generation++;
    return type;
  }
  unregisterCrd(crd) {
    const spec = crd.spec;
    this.types.delete(typeKey(spec.group, spec.names.plural));
    this.generation++;
  }
};
function typeKey(group, plural) {
  return `${plural}.${group}`;
}

// source/sim/status.ts
var StatusError = class extends Error {
  constructor(code, reason, message, details) {
    super(message);
    this.code = code;
    this.reason = reason;
    this.details = details;
  }
  code;
  reason;
  details;
  toStatus() {
    return statusBody(this.code, this.reason, this.message, this.details);
  }
};
function statusBody(code, reason, message, details) {
  const body = {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: code < 400 ? "Success" : "Failure",
    message,
    reason,
    code
  };
  if (details && Object.keys(details).length > 0) body.details = details;
  return body;
}
function qualifiedResource(plural, group) {
  return group ? `${plural}.${group}` : plural;
}
var notFound = (plural, group, name) => new StatusError(404, "NotFound", `${qualifiedResource(plural, group)} "${name}" not found`, {
  name,
  group: group || void 0,
  kind: plural
});
var alreadyExists = (plural, group, name) => new StatusError(409, "AlreadyExists", `${qualifiedResource(plural, group)} "${name}" already exists`, {
  name,
  group: group || void 0,
  kind: plural
});
var conflict = (plural, group, name) => new StatusError(
  409,
  "Conflict",
  `Operation cannot be fulfilled on ${qualifiedResource(plural, group)} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
  { name, group: group || void 0, kind: plural }
);
var badRequest = (message) => new StatusError(400, "BadRequest", message);
var invalid = (kind, group, name, causes) => new StatusError(
  422,
  "Invalid",
  `${kind}${group ? `.${group}` : ""} "${name}" is invalid: ${causes.map((c) => `${c.field}: ${c.message}`).join(", ")}`,
  { name, group: group || void 0, kind, causes }
);

// source/sim/seed.ts
var FIXTURES = path.join(PACKAGE_ROOT, "fixtures");
var CRD_FIXTURES = path.join(FIXTURES, "crds");
var DEMO_FIXTURES = path.join(FIXTURES, "demo");
var CRD_JSON = path.join(PACKAGE_ROOT, "dist", "crds.json");
function readCrdManifests() {
  try {
    const built = statSync(CRD_JSON).mtimeMs;
    if (listManifestFiles(CRD_FIXTURES).every((file) => statSync(file).mtimeMs <= built)) {
      return JSON.parse(readFileSync(CRD_JSON, "utf8"));
    }
  } catch {
  }
  return readManifests(CRD_FIXTURES);
}
var SeedError = class extends Error {
};
function readManifests(target) {
  let stat;
  try {
    stat = statSync(target);
  } catch {
    throw new SeedError(`cannot read manifests: ${target} does not exist`);
  }
  const files = stat.isDirectory() ? listManifestFiles(target) : [target];
  const documents = [];
  for (const file of files) {
    let parsed;
    try {
      parsed = yaml.loadAll(readFileSync(file, "utf8"));
    } catch (error) {
      throw new SeedError(`cannot parse ${file}: ${error.message.split("\n")[0]}`);
    }
    for (const doc of parsed) collect(doc, file, documents);
  }
  return documents;
}
function listManifestFiles(dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listManifestFiles(full));
    else if (/\.(ya?ml|json)$/i.test(entry.name)) out.push(full);
  }
  return out;
}
function collect(doc, source, out) {
  if (doc === null || doc === void 0) return;
  if (typeof doc !== "object" || Array.isArray(doc)) throw new SeedError(`${source}: a document is not a Kubernetes object`);
  const object = doc;
  if (object.kind === "List" || object.kind?.endsWith("List") && Array.isArray(object.items)) {
    for (const item of object.items) collect(item, source, out);
    return;
  }
  if (!object.apiVersion || !object.kind || !object.metadata?.name) {
    throw new SeedError(`${source}: every object needs apiVersion, kind and metadata.name (found ${JSON.stringify(object).slice(0, 80)})`);
  }
  out.push({ object, source });
}
function seedOrder(object) {
  if (object.kind === "Namespace") return 0;
  if (object.kind === "CustomResourceDefinition") return 1;
  if (object.kind === "Node") return 2;
  const { group } = splitApiVersion(object.apiVersion);
  const builtin2 = group === "" || group.endsWith(".k8s.io") && !group.startsWith("gateway.") || group === "apps";
  return builtin2 ? 3 : 4;
}
function seedCluster(cluster, documents) {
  const ordered = documents.map((d, i) => ({ ...d, i })).sort((a, b) => seedOrder(a.object) - seedOrder(b.object) || a.i - b.i);
  const namespaces = cluster.typeFor("", "namespaces");
  for (const { object, source } of ordered) {
    const clean = structuredClone(object);
    for (const field of ["uid", "resourceVersion", "managedFields", "creationTimestamp", "generation", "selfLink"]) {
      delete clean.metadata[field];
    }
    try {
      const type = cluster.typeForKind(clean.apiVersion, clean.kind);
      const namespace = type.namespaced ? clean.metadata.namespace ?? "default" : "";
      if (type.namespaced && !cluster.tryGet(namespaces, "", namespace)) {
        cluster.create(namespaces, "", { apiVersion: "v1", kind: "Namespace", metadata: { name: namespace } }, { fieldManager: "kubectl-create" });
      }
      if (cluster.tryGet(type, namespace, clean.metadata.name)) {
        throw new SeedError(`${clean.kind} ${namespace ? `${namespace}/` : ""}${clean.metadata.name} is defined twice`);
      }
      const created = cluster.create(type, namespace, clean, { fieldManager: "kubectl-client-side-apply", fieldValidation: "Strict" });
      if (clean.status !== void 0 && !type.builtin && type.subresources.includes("status")) {
        cluster.update(type, namespace, clean.metadata.name, { ...created.object, status: clean.status }, { subresource: "status", fieldManager: "seed" });
      }
    } catch (error) {
      if (error instanceof SeedError) throw new SeedError(`${source}: ${error.message}`);
      const message = error instanceof StatusError ? error.message : String(error);
      const where = `${clean.kind} ${clean.metadata.namespace ? `${clean.metadata.namespace}/` : ""}${clean.metadata.name}`;
      throw new SeedError(`${source}: ${where} was refused: ${message}`);
    }
  }
}

export {
  StatusError,
  statusBody,
  qualifiedResource,
  notFound,
  alreadyExists,
  conflict,
  badRequest,
  invalid,
  apiVersionOf,
  splitApiVersion,
  TypeRegistry,
  typeKey,
  CRD_FIXTURES,
  DEMO_FIXTURES,
  readCrdManifests,
  SeedError,
  readManifests,
  seedCluster
};
