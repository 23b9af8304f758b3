import {
  itemsOf
} from "./chunk-ODE5LSI6.js";
import {
  KINDS,
  apiVersionOf
} from "./chunk-MSTYNHIA.js";

// source/core/audit/context.ts
import yaml from "js-yaml";

// source/core/dataplane.ts
var DATAPLANE_LABEL = "istio.io/dataplane-mode";
var INJECTION_LABEL = "istio-injection";
var REVISION_LABEL = "istio.io/rev";
var SIDECAR_STATUS_ANNOTATION = "sidecar.istio.io/status";
var REDIRECTION_ANNOTATION = "ambient.istio.io/redirection";
var WAYPOINT_MANAGED_LABEL = "gateway.istio.io/managed";
function hasSidecar(pod) {
  return Boolean(pod.metadata.annotations?.[SIDECAR_STATUS_ANNOTATION]);
}
function isAmbientPod(pod) {
  return pod.metadata.annotations?.[REDIRECTION_ANNOTATION] === "enabled";
}
function isMeshInfrastructure(pod) {
  return isInfrastructureMetadata(pod.metadata.labels, pod.metadata.annotations);
}
function isInfrastructureWorkload(workload) {
  const template = workload.spec?.template?.metadata ?? {};
  return isInfrastructureMetadata({ ...workload.metadata.labels ?? {}, ...template.labels ?? {} }, template.annotations);
}
function isInfrastructureMetadata(labels, annotations) {
  if (labels?.[WAYPOINT_MANAGED_LABEL]) return true;
  const templates = annotations?.["inject.istio.io/templates"] ?? "";
  return templates.split(",").map((t) => t.trim()).includes("gateway");
}
function requestsInjection(namespace) {
  const labels = namespace.metadata.labels ?? {};
  if (labels[INJECTION_LABEL] === "disabled") return false;
  return labels[INJECTION_LABEL] === "enabled" || Boolean(labels[REVISION_LABEL]);
}
function requestsAmbient(namespace) {
  return namespace.metadata.labels?.[DATAPLANE_LABEL] === "ambient";
}
function dataplaneMode(namespace, podsInNamespace) {
  const workloads = podsInNamespace.filter((p) => !isMeshInfrastructure(p));
  const sidecars = workloads.filter(hasSidecar).length;
  const ambient = workloads.filter(isAmbientPod).length;
  if (sidecars > 0 && ambient > 0) return "mixed";
  if (sidecars > 0) return requestsAmbient(namespace) && sidecars < workloads.length ? "mixed" : "sidecar";
  if (ambient > 0) return "ambient";
  if (requestsAmbient(namespace)) return "ambient";
  if (requestsInjection(namespace)) return "sidecar";
  return "none";
}
function isLive(pod) {
  return !pod.metadata.deletionTimestamp && !isFinished(pod);
}
function isFinished(pod) {
  const phase = pod.status?.phase;
  return phase === "Succeeded" || phase === "Failed";
}
function podsByNamespace(pods) {
  const out = /* @__PURE__ */ new Map();
  for (const pod of pods) {
    if (!isLive(pod)) continue;
    const ns = pod.metadata.namespace ?? "";
    const list = out.get(ns);
    if (list) list.push(pod);
    else out.set(ns, [pod]);
  }
  return out;
}

// source/core/order.ts
function byCodeUnits(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}

// source/core/control-plane.ts
function findControlPlanes(deployments) {
  return deployments.filter((d) => d.metadata.labels?.app === "istiod" || d.metadata.labels?.istio === "pilot").map((d) => {
    const containers = d.spec?.template?.spec?.containers ?? [];
    const image = (containers.find((c) => c.name === "discovery") ?? containers[0])?.image ?? "";
    return {
      namespace: d.metadata.namespace ?? "",
      deployment: d.metadata.name,
      revision: d.metadata.labels?.[REVISION_LABEL] ?? "default",
      version: versionFromImage(image),
      image
    };
  }).sort((a, b) => byCodeUnits(a.revision, b.revision));
}
function versionFromImage(image) {
  const tag = image.includes("@") ? void 0 : image.split(":").pop();
  const match = tag ? /^(\d+\.\d+\.\d+)/.exec(tag) : null;
  return match?.[1];
}

// source/core/audit/context.ts
var AUDIT_KINDS = [
  "namespace",
  "node",
  "pod",
  "deployment",
  "statefulSet",
  "daemonSet",
  "service",
  "configMap",
  "secret",
  "mutatingWebhook",
  "validatingWebhook",
  "crd",
  "networkPolicy",
  "csiDriver",
  "virtualService",
  "destinationRule",
  "istioGateway",
  "serviceEntry",
  "sidecar",
  "workloadEntry",
  "workloadGroup",
  "envoyFilter",
  "authorizationPolicy",
  "peerAuthentication",
  "requestAuthentication",
  "wasmPlugin",
  "telemetry",
  "gateway",
  "gatewayClass",
  "httpRoute",
  "grpcRoute"
];
function buildContext(inventory) {
  const byNamespace = /* @__PURE__ */ new Map();
  const inNamespace = (kind, namespace) => {
    let index = byNamespace.get(kind);
    if (!index) {
      index = /* @__PURE__ */ new Map();
      for (const object of itemsOf(inventory, kind)) {
        const ns = object.metadata.namespace ?? "";
        const list = index.get(ns);
        if (list) list.push(object);
        else index.set(ns, [object]);
      }
      byNamespace.set(kind, index);
    }
    return index.get(namespace) ?? [];
  };
  const pods = podsByNamespace(itemsOf(inventory, "pod"));
  const namespaces = itemsOf(inventory, "namespace");
  const modes = /* @__PURE__ */ new Map();
  for (const namespace of namespaces) modes.set(namespace.metadata.name, dataplaneMode(namespace, pods.get(namespace.metadata.name) ?? []));
  const controlPlanes = findControlPlanes(itemsOf(inventory, "deployment"));
  const istioNamespace = controlPlanes[0]?.namespace ?? "istio-system";
  const configMap = (namespace, name) => inNamespace("configMap", namespace).find((c) => c.metadata.name === name);
  const meshConfig = parseMeshConfig(configMap(istioNamespace, "istio") ?? configMap(istioNamespace, `istio-${controlPlanes[0]?.revision}`));
  return {
    inventory,
    items: (kind) => itemsOf(inventory, kind),
    inNamespace,
    namespaces,
    modes,
    meshNamespaces: [...modes].filter(([, mode]) => mode !== "none").map(([name]) => name).sort(),
    podsIn: (namespace) => pods.get(namespace) ?? [],
    controlPlanes,
    istioNamespace,
    rootNamespace: meshConfig.rootNamespace ?? istioNamespace,
    meshConfig,
    installMethod: detectInstallMethod(inventory, istioNamespace),
    configMap
  };
}
function parseMeshConfig(configMap) {
  const text = configMap?.data?.mesh;
  if (!text) return {};
  try {
    const parsed = yaml.load(text);
    return parsed && typeof parsed === "object" ? parsed : {};
  } catch {
    return {};
  }
}
function detectInstallMethod(inventory, istioNamespace) {
  const istiod = itemsOf(inventory, "deployment").find((d) => d.metadata.namespace === istioNamespace && d.metadata.labels?.app === "istiod");
  const labels = istiod?.metadata.labels ?? {};
  const annotations = istiod?.metadata.annotations ?? {};
  if (itemsOf(inventory, "crd").some((c) => c.metadata.name === "istios.sailoperator.io")) return "operator";
  if (labels["app.kubernetes.io/managed-by"] === "Helm" || annotations["meta.helm.sh/release-name"]) return "helm";
  const owner = labels["install.operator.istio.io/owning-resource"];
  if (owner && owner !== "unknown") return "istioctl";
  if (labels["operator.istio.io/component"]) return "istioctl";
  return "unknown";
}
function refOf(object) {
  return {
    apiVersion: object.apiVersion,
    kind: object.kind,
    ...object.metadata.namespace ? { namespace: object.metadata.namespace } : {},
    name: object.metadata.name
  };
}
function refOfKind(kind, name, namespace) {
  const ref = KINDS[kind];
  return { apiVersion: apiVersionOf(ref), kind: ref.kind, ...namespace ? { namespace } : {}, name };
}
function selectsApplicationPods(ctx, policy, namespace) {
  const matchLabels = policy.spec?.selector?.matchLabels;
  return ctx.podsIn(namespace).some((pod) => !isMeshInfrastructure(pod) && selects(matchLabels, pod.metadata.labels));
}
function describe(object) {
  const ref = "metadata" in object ? refOf(object) : object;
  return `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ""}${ref.name}`;
}
function selects(selector, labels) {
  if (!selector) return true;
  return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}

// source/core/plan/types.ts
var STEPS = ["waypoint", "policies", "use-waypoint", "enroll", "remove-injection", "restart", "cleanup"];
var MANAGED_BY = { "app.kubernetes.io/managed-by": "ambient-migrate" };
var SOURCE_ANNOTATION = "ambient-migrate.io/converted-from";
var WAYPOINT_NAME = "waypoint";

export {
  DATAPLANE_LABEL,
  INJECTION_LABEL,
  REVISION_LABEL,
  WAYPOINT_MANAGED_LABEL,
  hasSidecar,
  isAmbientPod,
  isMeshInfrastructure,
  isInfrastructureWorkload,
  dataplaneMode,
  isLive,
  isFinished,
  podsByNamespace,
  byCodeUnits,
  STEPS,
  MANAGED_BY,
  SOURCE_ANNOTATION,
  WAYPOINT_NAME,
  findControlPlanes,
  AUDIT_KINDS,
  buildContext,
  refOf,
  refOfKind,
  selectsApplicationPods,
  describe,
  selects
};
