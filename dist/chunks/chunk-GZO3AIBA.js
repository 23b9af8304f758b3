import {
  AUDIT_KINDS,
  MANAGED_BY,
  WAYPOINT_NAME,
  buildContext,
  byCodeUnits,
  describe,
  hasSidecar,
  isInfrastructureWorkload,
  isLive,
  isMeshInfrastructure,
  refOf,
  refOfKind,
  selects,
  selectsApplicationPods
} from "./chunk-VOHJU6GF.js";
import {
  loadInventory
} from "./chunk-ODE5LSI6.js";
import {
  KINDS,
  apiVersionOf,
  qualifiedName
} from "./chunk-MSTYNHIA.js";

// source/core/audit/blockers.ts
import yaml from "js-yaml";

// source/core/audit/catalogue.ts
var GUIDE = "https://istio.io/latest/docs/ambient/migrate/";
var CHECKS = {
  kubernetesVersion: { id: "env/kubernetes-version", title: "Kubernetes version supported by this Istio release" },
  istioVersion: { id: "env/istio-version", title: "Istio control plane 1.24 or later" },
  installMethod: { id: "env/install-method", title: "How Istio was installed" },
  ambientEnabled: { id: "env/ambient-enabled", title: "Ambient enabled in istiod (PILOT_ENABLE_AMBIENT)" },
  ztunnel: { id: "env/ztunnel", title: "ztunnel DaemonSet ready on every node" },
  istioCni: { id: "env/istio-cni", title: "istio-cni running in ambient mode" },
  gatewayApiCrds: { id: "env/gateway-api-crds", title: "Gateway API CRDs installed and serving v1" },
  waypointClass: { id: "env/waypoint-gatewayclass", title: "GatewayClass istio-waypoint present" },
  hboneSidecars: { id: "env/hbone-sidecars", title: "Sidecars restarted with ISTIO_META_ENABLE_HBONE" },
  networkPolicies: { id: "env/network-policies", title: "NetworkPolicies allow HBONE (15008) and kubelet probes" }
};
function finding(id, severity, title, needsWaypoint, reference = GUIDE) {
  return { id, severity, title, needsWaypoint, reference };
}
var FINDINGS = {
  // Hard blockers: the guide says migration is impossible until they are resolved.
  vmWorkloads: finding("blocker/vm-workloads", "blocker", "VM workloads in the mesh", false),
  spire: finding("blocker/spire", "blocker", "SPIRE is the certificate provider", false),
  peerAuthDisable: finding("blocker/peer-authentication-disable", "blocker", "PeerAuthentication with mTLS DISABLE", false),
  primaryRemote: finding("blocker/primary-remote", "blocker", "Primary-remote multicluster", false),
  // Not the guide's: the tool could not read what it needs to tell whether the guide's blockers apply.
  unreadableKind: finding("blocker/unreadable-kind", "blocker", "A kind the migration depends on could not be read", false),
  // Weak signals of the same things: worth a look, not a stop.
  workloadEntry: finding("risk/workload-entry", "warning", "WorkloadEntry without a VM proxy", false),
  spirePresent: finding("risk/spire-present", "warning", "SPIRE installed but not used by Istio", false),
  multiclusterSecrets: finding("risk/multicluster-secrets", "warning", "Remote cluster secrets (multi-primary?)", false),
  // Limitations the guide lists.
  envoyFilter: finding("limit/envoyfilter", "warning", "EnvoyFilter is ignored after migration", false),
  sidecarCallers: finding("limit/sidecar-callers-bypass-waypoint", "warning", "Sidecar callers skip the waypoint", false),
  ingressBypass: finding("limit/ingress-bypasses-waypoint", "warning", "Ingress gateway skips the waypoint", false),
  routeMix: finding("limit/virtualservice-httproute-mix", "warning", "VirtualService and HTTPRoute for the same Service", false),
  // Policies and routes that must move to a waypoint.
  l7Authorization: finding("policy/l7-authorization", "warning", "L7 AuthorizationPolicy needs a waypoint", true),
  l7DenyFailsOpen: finding("policy/l7-deny-fails-open", "warning", "L7-only DENY stops enforcing without a waypoint", true),
  customOrAudit: finding("policy/custom-or-audit-action", "warning", "CUSTOM or AUDIT AuthorizationPolicy", true),
  requestAuthentication: finding("policy/request-authentication", "warning", "RequestAuthentication needs a waypoint", true),
  wasmPlugin: finding("policy/wasmplugin", "warning", "WasmPlugin needs a waypoint", true),
  l4AllowWaypointIdentity: finding("policy/l4-allow-sees-waypoint-identity", "warning", "L4 ALLOW will see the waypoint identity", false),
  l4DenyWaypointIdentity: finding("policy/l4-deny-sees-waypoint-identity", "warning", "L4 DENY will see the waypoint identity", false),
  virtualService: finding("route/virtualservice", "info", "Mesh VirtualService to convert to HTTPRoute", true),
  subsets: finding("route/subsets", "info", "Subset routing needs per-version Services", true),
  untranslatable: finding("route/untranslatable", "warning", "VirtualService field with no HTTPRoute equivalent", true),
  // Further risks the reference documents.
  sidecarResource: finding("risk/sidecar-resource", "warning", "Sidecar resource has no effect in ambient", false),
  registryOnly: finding("risk/registry-only-egress", "warning", "REGISTRY_ONLY egress is not enforced by ztunnel", false),
  headlessService: finding("risk/headless-service", "info", "Headless Service called by sidecars", false),
  metricsMerging: finding("risk/metrics-merging", "info", "Prometheus metrics merging ends with the sidecar", false),
  injectionOverride: finding("risk/pod-injection-override", "info", "Pod template asks for a sidecar itself", false),
  trafficPolicyWithoutWaypoint: finding("risk/destinationrule-without-waypoint", "info", "DestinationRule traffic policy needs a waypoint", false),
  dryRunPolicy: finding("risk/dry-run-policy", "info", "Dry-run AuthorizationPolicy is skipped by ztunnel", false),
  reviewPolicy: finding("risk/policy-needs-review", "warning", "AuthorizationPolicy field ztunnel does not convert", false),
  // What planning finds when it maps policies and routes onto a waypoint.
  policySelectsPartOfService: finding("plan/policy-selects-part-of-service", "blocker", "Policy selects only some pods of a Service", false),
  policySelectsNothing: finding("plan/policy-selects-nothing", "info", "Policy selects no workload", false),
  policyPodsWithoutService: finding("plan/policy-pods-without-service", "blocker", "Only a waypoint can enforce a policy whose pods no Service fronts", false),
  policyServiceOffWaypoint: finding("plan/policy-service-off-waypoint", "blocker", "Policy protects a Service that will not use the namespace waypoint", false),
  meshWidePolicy: finding("plan/mesh-wide-policy", "warning", "Mesh-wide policy needs a GatewayClass attachment", false),
  rootPolicySelectsNamespace: finding("plan/root-policy-selects-namespace", "blocker", "Root-namespace policy only a waypoint can enforce selects pods here", false),
  meshWidePolicyBlocksWaypoint: finding("plan/mesh-wide-policy-blocks-waypoint", "blocker", "Mesh-wide policy would stop traffic through the waypoint", false),
  subsetNotMapped: finding("plan/subset-not-mapped", "blocker", "Subset cannot become a version Service", false),
  routeKept: finding("plan/virtualservice-kept", "warning", "VirtualService kept because it cannot be converted faithfully", false),
  routeMeaningChanges: finding("plan/route-meaning-changes", "warning", "Converted route behaves slightly differently", false)
};
var byId = new Map(Object.values(FINDINGS).map((f) => [f.id, f]));
function findingDefinition(id) {
  return byId.get(id);
}
var ALL_CHECK_IDS = Object.values(CHECKS).map((c) => c.id);
var ALL_FINDING_IDS = Object.values(FINDINGS).map((f) => f.id);

// source/core/audit/finding.ts
function makeFinding(definition, details) {
  return {
    id: definition.id,
    severity: definition.severity,
    message: details.message,
    remedy: details.remedy,
    namespaces: [...new Set(details.namespaces)].sort(),
    resource: details.resource,
    scope: details.scope,
    ...details.field ? { field: details.field } : {}
  };
}

// source/core/audit/blockers.ts
function blockerFindings(ctx) {
  return [...vmWorkloads(ctx), ...spire(ctx), ...peerAuthenticationDisable(ctx), ...primaryRemote(ctx)];
}
function vmWorkloads(ctx) {
  const out = [];
  const remedy = "VM workloads cannot join an ambient mesh yet: keep this namespace on sidecars, or move the VM workloads out of the mesh first";
  for (const group of ctx.items("workloadGroup")) {
    out.push(
      makeFinding(FINDINGS.vmWorkloads, {
        message: `${describe(group)} onboards VMs into the mesh`,
        remedy,
        namespaces: [group.metadata.namespace],
        resource: refOf(group),
        scope: "namespace"
      })
    );
  }
  for (const entry of ctx.items("workloadEntry")) {
    const annotations = entry.metadata.annotations ?? {};
    const autoRegistered = ["istio.io/autoRegistrationGroup", "istio.io/workloadController", "istio.io/connectedAt"].some((a) => a in annotations);
    const tlsMode = entry.spec?.labels?.["security.istio.io/tlsMode"] ?? entry.metadata.labels?.["security.istio.io/tlsMode"] ?? "istio";
    const runsProxy = Boolean(entry.spec?.serviceAccount) && tlsMode === "istio";
    if (autoRegistered || runsProxy) {
      out.push(
        makeFinding(FINDINGS.vmWorkloads, {
          message: `${describe(entry)} is a VM running the Istio proxy (${autoRegistered ? "registered with istiod" : "service account with tlsMode istio"})`,
          remedy,
          namespaces: [entry.metadata.namespace],
          resource: refOf(entry),
          scope: "workload"
        })
      );
    } else {
      out.push(
        makeFinding(FINDINGS.workloadEntry, {
          message: `${describe(entry)} (${entry.spec?.address ?? "no address"}) has no Istio proxy: ambient models it as a plain endpoint, which is fine`,
          remedy: "nothing to do unless this address runs an Istio sidecar; if it does, treat it as a VM workload",
          namespaces: [entry.metadata.namespace],
          resource: refOf(entry),
          scope: "workload"
        })
      );
    }
  }
  return out;
}
function injectorHasSpireTemplate(configMap) {
  const data = configMap.data ?? {};
  try {
    const config = data.config ? yaml.load(data.config) : void 0;
    if (config?.templates && "spire" in config.templates) return true;
  } catch {
  }
  try {
    const values = data.values ? JSON.parse(data.values) : void 0;
    if (values?.sidecarInjectorWebhook?.templates && "spire" in values.sidecarInjectorWebhook.templates) return true;
  } catch {
  }
  return false;
}
function podTemplateUsesSpire(metadata, spec) {
  const templates = metadata?.annotations?.["inject.istio.io/templates"] ?? "";
  if (templates.split(",").map((t) => t.trim()).includes("spire")) return "injection template spire";
  if (metadata?.labels?.["spiffe.io/spire-managed-identity"] === "true") return "label spiffe.io/spire-managed-identity";
  if ((spec?.volumes ?? []).some((v) => v?.csi?.driver === "csi.spiffe.io")) return "a csi.spiffe.io volume";
  return void 0;
}
function spire(ctx) {
  const out = [];
  const remedy = "ztunnel does not support SPIRE upstream: keep these workloads on sidecars until it does, or move identity back to istiod";
  for (const cm of ctx.inNamespace("configMap", ctx.istioNamespace)) {
    if (!cm.metadata.name.startsWith("istio-sidecar-injector") || !injectorHasSpireTemplate(cm)) continue;
    out.push(
      makeFinding(FINDINGS.spire, {
        message: `${describe(cm)} defines the spire injection template: workload identity comes from SPIRE`,
        remedy,
        namespaces: ctx.meshNamespaces,
        resource: refOf(cm),
        scope: "mesh"
      })
    );
  }
  const workloads = [...ctx.items("deployment"), ...ctx.items("statefulSet"), ...ctx.items("daemonSet")];
  for (const workload of workloads) {
    const signal = podTemplateUsesSpire(workload.spec?.template?.metadata, workload.spec?.template?.spec);
    if (!signal) continue;
    out.push(
      makeFinding(FINDINGS.spire, {
        message: `${describe(workload)} gets its identity from SPIRE (${signal})`,
        remedy,
        namespaces: [workload.metadata.namespace],
        resource: refOf(workload),
        scope: "workload"
      })
    );
  }
  if (out.length === 0) {
    const driver = ctx.items("csiDriver").find((d) => d.metadata.name === "csi.spiffe.io");
    const crd = ctx.items("crd").find((c) => c.metadata.name.endsWith(".spire.spiffe.io"));
    const present = driver ?? crd;
    if (present) {
      out.push(
        makeFinding(FINDINGS.spirePresent, {
          message: `SPIRE is installed (${describe(present)}) but no Istio workload or injection template uses it`,
          remedy: "nothing blocks the migration; make sure no workload is about to start using SPIRE identities",
          namespaces: [],
          resource: refOf(present),
          scope: "mesh"
        })
      );
    }
  }
  return out;
}
function peerAuthenticationDisable(ctx) {
  const out = [];
  for (const policy of ctx.items("peerAuthentication")) {
    const disabledPorts = Object.entries(policy.spec?.portLevelMtls ?? {}).filter(([, v]) => v?.mode === "DISABLE").map(([port]) => port);
    const disabled = policy.spec?.mtls?.mode === "DISABLE";
    if (!disabled && disabledPorts.length === 0) continue;
    const namespace = policy.metadata.namespace;
    const hasSelector = Boolean(policy.spec?.selector?.matchLabels && Object.keys(policy.spec.selector.matchLabels).length);
    if (hasSelector && namespace === ctx.rootNamespace) continue;
    const scope = namespace === ctx.rootNamespace ? "mesh" : hasSelector ? "workload" : "namespace";
    const what = disabled ? "mtls.mode DISABLE" : `portLevelMtls DISABLE on port${disabledPorts.length > 1 ? "s" : ""} ${disabledPorts.join(", ")}`;
    out.push(
      makeFinding(FINDINGS.peerAuthDisable, {
        message: `${describe(policy)} sets ${what}${scope === "mesh" ? " mesh-wide" : ""}: ambient treats DISABLE as PERMISSIVE, so traffic meant to be plaintext would be mTLS`,
        remedy: `remove DISABLE (PERMISSIVE or STRICT are fine): kubectl -n ${namespace} edit peerauthentication ${policy.metadata.name}; to keep plaintext, leave the namespace out of ambient`,
        namespaces: scope === "mesh" ? ctx.meshNamespaces : [namespace],
        resource: refOf(policy),
        scope,
        field: disabled ? "spec.mtls.mode" : `spec.portLevelMtls[${disabledPorts[0]}].mode`
      })
    );
  }
  return out;
}
function mergedValues(ctx) {
  for (const cm of ctx.inNamespace("configMap", ctx.istioNamespace)) {
    if (!/^values(-.+)?$/.test(cm.metadata.name)) continue;
    try {
      return JSON.parse(cm.data?.["merged-values"] ?? "{}");
    } catch {
      return {};
    }
  }
  return {};
}
function primaryRemote(ctx) {
  const signals = [];
  for (const webhook of ctx.items("mutatingWebhook")) {
    if (!webhook.metadata.name.startsWith("istio-sidecar-injector")) continue;
    const url = (webhook.webhooks ?? []).find((w) => w.clientConfig?.url)?.clientConfig?.url;
    if (url) signals.push({ what: `the sidecar injector calls an external istiod at ${url}: this cluster is a remote`, resource: webhook });
  }
  const values = mergedValues(ctx);
  const valuesMap = ctx.inNamespace("configMap", ctx.istioNamespace).find((c) => /^values(-.+)?$/.test(c.metadata.name));
  if (valuesMap) {
    if (values.istiodRemote?.enabled === true) signals.push({ what: "istiodRemote.enabled is true: this cluster is a remote", resource: valuesMap });
    if (values.global?.remotePilotAddress) signals.push({ what: `global.remotePilotAddress is ${values.global.remotePilotAddress}: this cluster is a remote`, resource: valuesMap });
    if (values.global?.configCluster === true) signals.push({ what: "global.configCluster is true: this cluster is the config cluster of an external control plane", resource: valuesMap });
  }
  for (const plane of ctx.controlPlanes) {
    const istiod = ctx.inNamespace("deployment", plane.namespace).find((d) => d.metadata.name === plane.deployment);
    const env = istiod.spec?.template?.spec?.containers?.[0]?.env ?? [];
    if (env.some((e) => e.name === "EXTERNAL_ISTIOD" && e.value === "true")) signals.push({ what: `${describe(istiod)} runs with EXTERNAL_ISTIOD=true: it serves remote clusters`, resource: istiod });
  }
  if (ctx.controlPlanes.length === 0) {
    const service = ctx.inNamespace("service", ctx.istioNamespace).find((s) => /^istiod(-.+)?$/.test(s.metadata.name));
    if (service) signals.push({ what: `${describe(service)} exists without an istiod Deployment: this cluster is a remote`, resource: service });
  }
  const istioNs = ctx.namespaces.find((n) => n.metadata.name === ctx.istioNamespace);
  if (istioNs?.metadata.annotations?.["topology.istio.io/controlPlaneClusters"]) {
    signals.push({ what: `namespace ${ctx.istioNamespace} names its control plane clusters: this cluster is a remote`, resource: istioNs });
  }
  const findings = signals.map(
    (s) => makeFinding(FINDINGS.primaryRemote, {
      message: s.what,
      remedy: "ambient supports multi-primary only: convert the mesh to multi-primary (each cluster with its own istiod) before migrating",
      namespaces: ctx.meshNamespaces,
      resource: refOf(s.resource),
      scope: "mesh"
    })
  );
  if (findings.length === 0) {
    const secrets = ctx.items("secret").filter((s) => s.metadata.labels?.["istio/multiCluster"] === "true");
    if (secrets.length > 0) {
      findings.push(
        makeFinding(FINDINGS.multiclusterSecrets, {
          message: `${secrets.length} remote cluster secret${secrets.length > 1 ? "s" : ""} (${secrets.map((s) => s.metadata.name).join(", ")}): this looks like a multi-primary mesh`,
          remedy: "multi-primary ambient is Alpha and needs multi-network; check https://istio.io/latest/docs/ambient/install/multicluster/ before migrating",
          namespaces: [],
          resource: refOf(secrets[0]),
          scope: "mesh"
        })
      );
    }
  }
  return findings;
}

// source/core/audit/versions.ts
function parseVersion(version) {
  const m = /(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(version);
  return m ? [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)] : [0, 0, 0];
}
function compareVersions(a, b) {
  const pa = parseVersion(a);
  const pb = parseVersion(b);
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return pa[i] - pb[i];
  return 0;
}

// source/core/audit/env-checks.ts
var pass = (message) => ({ status: "pass", message, remedy: "" });
function minimumKubernetes(istio) {
  const [, minor] = parseVersion(istio);
  if (minor <= 25) return "1.28";
  if (minor <= 28) return "1.29";
  if (minor === 29) return "1.30";
  return "1.32";
}
function gatewayApiFor(istio) {
  const [, minor] = parseVersion(istio);
  if (minor <= 24) return "1.2.0";
  if (minor === 25) return "1.2.1";
  if (minor <= 27) return "1.3.0";
  if (minor <= 29) return "1.4.0";
  if (minor === 30) return "1.5.1";
  return "1.6.0";
}
function ambientProfileRemedy(method, version) {
  const pin = version ?? "<current version>";
  switch (method) {
    case "helm":
      return [
        `helm get values istiod -n istio-system > istiod-values.yaml   # keep your custom values`,
        `helm upgrade istiod istio/istiod -n istio-system --version ${pin} -f istiod-values.yaml --set profile=ambient`,
        `helm upgrade istio-cni istio/cni -n istio-system --version ${pin} --reuse-values --set profile=ambient`,
        `helm install ztunnel istio/ztunnel -n istio-system --version ${pin}`,
        `(without -f/--reuse-values Helm resets your values; without --version it upgrades Istio)`
      ].join("\n");
    case "istioctl":
      return [
        `istioctl-${pin} install -f <your IstioOperator file> --set profile=ambient \\`,
        `  --set components.ingressGateways[0].name=istio-ingressgateway --set components.ingressGateways[0].enabled=true`,
        `(use an istioctl of the running version ${pin}; --set profile=ambient alone prunes istio-ingressgateway)`
      ].join("\n");
    case "operator":
      return `set spec.profile: ambient on the Istio and IstioCNI resources and create a ZTunnel resource (Sail operator)`;
    default:
      return `install the ambient components for Istio ${pin}: https://istio.io/latest/docs/ambient/migrate/install-ambient-components/`;
  }
}
function unverifiable(ctx, kinds) {
  for (const kind of kinds) {
    const state = ctx.inventory.unreadable[kind];
    if (state?.state === "forbidden") {
      const p = state.permission;
      return {
        status: "unverified",
        message: `could not verify: no permission to ${p.verb} ${p.resource}${p.group ? `.${p.group}` : ""}`,
        remedy: `grant ${p.verb} on ${p.resource}${p.group ? `.${p.group}` : ""} cluster-wide (read-only) to the user running the audit`,
        missingPermission: p
      };
    }
    if (state?.state === "error") return { status: "unverified", message: `could not verify: ${state.message}`, remedy: "run the audit again" };
  }
  return void 0;
}
var istioVersion = (ctx) => ctx.controlPlanes.map((c) => c.version).find(Boolean);
var checks = [
  {
    id: CHECKS.kubernetesVersion.id,
    needs: ["deployment"],
    run: (ctx, env) => {
      const version = istioVersion(ctx);
      if (!version) return pass(`Kubernetes ${env.kubernetesVersion}`);
      const minimum = minimumKubernetes(version);
      if (compareVersions(env.kubernetesVersion, minimum) < 0) {
        return { status: "fail", message: `Kubernetes ${env.kubernetesVersion} is older than ${minimum}, the minimum for Istio ${version}`, remedy: `upgrade the cluster to Kubernetes ${minimum} or later before migrating` };
      }
      return pass(`Kubernetes ${env.kubernetesVersion} (Istio ${version} needs ${minimum} or later)`);
    }
  },
  {
    id: CHECKS.istioVersion.id,
    needs: ["deployment"],
    run: (ctx) => {
      if (ctx.controlPlanes.length === 0) return { status: "fail", message: "no istiod Deployment found in the cluster", remedy: "this tool migrates an existing Istio sidecar mesh; install Istio first, or check --context" };
      const described = ctx.controlPlanes.map((c) => `${c.version ?? "unknown version"} (revision ${c.revision}, ${c.namespace}/${c.deployment})`).join(", ");
      const old = ctx.controlPlanes.filter((c) => c.version && compareVersions(c.version, "1.24") < 0);
      if (old.length > 0) return { status: "fail", message: `Istio ${described}: ambient mode needs 1.24 or later`, remedy: "upgrade Istio to a supported release (1.25 or later recommended) before migrating" };
      if (ctx.controlPlanes.some((c) => !c.version)) return { status: "warn", message: `Istio ${described}: the version could not be read from the istiod image`, remedy: "run istioctl version to confirm it is 1.24 or later" };
      if (ctx.controlPlanes.length > 1) return { status: "warn", message: `several control planes: ${described}`, remedy: "finish any canary upgrade first: migrating while two revisions serve the mesh doubles the work" };
      return pass(`Istio ${described}`);
    }
  },
  {
    id: CHECKS.installMethod.id,
    needs: ["deployment", "crd"],
    run: (ctx) => {
      const names = { helm: "Helm", istioctl: "istioctl", operator: "the Sail operator", unknown: "an unknown method" };
      const pitfalls = {
        helm: "helm upgrade without -f/--reuse-values resets your values, and without --version it pulls the newest chart",
        istioctl: "istioctl install --set profile=ambient prunes istio-ingressgateway unless you pass your IstioOperator or re-enable it",
        operator: "change the Istio, IstioCNI and ZTunnel resources, not the Deployments",
        unknown: "remedies below are generic"
      };
      const status = ctx.installMethod === "unknown" ? "warn" : "pass";
      return { status, message: `Istio was installed with ${names[ctx.installMethod]}: ${pitfalls[ctx.installMethod]}`, remedy: status === "warn" ? "check how Istio was installed before changing it; remedies are written for Helm and istioctl" : "" };
    }
  },
  {
    id: CHECKS.ambientEnabled.id,
    needs: ["deployment"],
    run: (ctx) => {
      const istiods = ctx.items("deployment").filter((d) => ctx.controlPlanes.some((c) => c.namespace === d.metadata.namespace && c.deployment === d.metadata.name));
      if (istiods.length === 0) return { status: "fail", message: "no istiod to check", remedy: ambientProfileRemedy(ctx.installMethod, void 0) };
      const disabled = istiods.filter((d) => envOf(d, "discovery").PILOT_ENABLE_AMBIENT !== "true");
      if (disabled.length > 0) {
        return { status: "fail", message: `PILOT_ENABLE_AMBIENT is not true on ${disabled.map((d) => `${d.metadata.namespace}/${d.metadata.name}`).join(", ")}`, remedy: ambientProfileRemedy(ctx.installMethod, istioVersion(ctx)) };
      }
      return pass("istiod runs with PILOT_ENABLE_AMBIENT=true");
    }
  },
  {
    id: CHECKS.ztunnel.id,
    needs: ["daemonSet", "node"],
    run: (ctx) => {
      const ds = ctx.items("daemonSet").find((d) => d.metadata.name === "ztunnel" || d.metadata.labels?.app === "ztunnel");
      if (!ds) return { status: "fail", message: "no ztunnel DaemonSet", remedy: ambientProfileRemedy(ctx.installMethod, istioVersion(ctx)) };
      const desired = ds.status?.desiredNumberScheduled ?? 0;
      const ready = ds.status?.numberReady ?? 0;
      const nodes = ctx.items("node").length;
      if (ready < desired || nodes > 0 && desired < nodes) {
        return { status: "fail", message: `ztunnel ready on ${ready} of ${Math.max(desired, nodes)} nodes (${ds.metadata.namespace}/${ds.metadata.name})`, remedy: `kubectl -n ${ds.metadata.namespace} get pods -l app=ztunnel -o wide   # find the nodes without a ready ztunnel` };
      }
      return pass(`ztunnel ready on all ${ready} nodes (${ds.metadata.namespace}/${ds.metadata.name})`);
    }
  },
  {
    id: CHECKS.istioCni.id,
    needs: ["daemonSet", "configMap"],
    run: (ctx) => {
      const ds = ctx.items("daemonSet").find((d) => d.metadata.name === "istio-cni-node");
      if (!ds) return { status: "fail", message: "no istio-cni-node DaemonSet", remedy: ambientProfileRemedy(ctx.installMethod, istioVersion(ctx)) };
      const config = ctx.configMap(ds.metadata.namespace, "istio-cni-config");
      const ambient = config?.data?.AMBIENT_ENABLED;
      if (ambient !== "true") return { status: "fail", message: `istio-cni runs, but not in ambient mode (istio-cni-config AMBIENT_ENABLED=${ambient ?? "unset"})`, remedy: ambientProfileRemedy(ctx.installMethod, istioVersion(ctx)) };
      const desired = ds.status?.desiredNumberScheduled ?? 0;
      const ready = ds.status?.numberReady ?? 0;
      if (ready < desired) return { status: "fail", message: `istio-cni ready on ${ready} of ${desired} nodes`, remedy: `kubectl -n ${ds.metadata.namespace} get pods -l k8s-app=istio-cni-node -o wide` };
      return pass(`istio-cni in ambient mode on all ${ready} nodes`);
    }
  },
  {
    id: CHECKS.gatewayApiCrds.id,
    needs: ["crd"],
    run: (ctx) => {
      const wanted = ["gateways", "httproutes", "gatewayclasses"].map((p) => `${p}.gateway.networking.k8s.io`);
      const crds = ctx.items("crd");
      const missing = wanted.filter((name) => !crds.some((c) => c.metadata.name === name && servesV1(c)));
      const version = istioVersion(ctx);
      const recommended = version ? gatewayApiFor(version) : "1.4.0";
      const install = `kubectl apply --server-side -f https://github.com/kubernetes-sigs/gateway-api/releases/download/v${recommended}/standard-install.yaml`;
      if (missing.length > 0) return { status: "fail", message: `Gateway API CRDs missing or not serving v1: ${missing.join(", ")}`, remedy: install };
      const gatewayCrd = crds.find((c) => c.metadata.name === "gateways.gateway.networking.k8s.io");
      const bundle = gatewayCrd.metadata.annotations?.["gateway.networking.k8s.io/bundle-version"];
      const channel = gatewayCrd.metadata.annotations?.["gateway.networking.k8s.io/channel"] ?? "unknown";
      if (!bundle || compareVersions(bundle, "1.2.0") < 0) {
        return { status: "warn", message: `Gateway API CRDs ${bundle ?? "of unknown version"} (${channel} channel) are older than Istio ${version ?? ""} expects (v${recommended})`, remedy: install };
      }
      return pass(`Gateway API ${bundle} (${channel} channel) serving v1; Istio ${version ?? ""} was built against v${recommended}`);
    }
  },
  {
    id: CHECKS.waypointClass.id,
    needs: ["gatewayClass"],
    run: (ctx) => {
      if (ctx.inventory.unreadable.gatewayClass?.state === "not-installed") return { status: "fail", message: "the GatewayClass kind is not installed (no Gateway API CRDs)", remedy: "install the Gateway API CRDs, then restart istiod so it creates istio-waypoint" };
      const cls = ctx.items("gatewayClass").find((c) => c.metadata.name === "istio-waypoint");
      if (!cls) return { status: "fail", message: "GatewayClass istio-waypoint does not exist", remedy: `istiod creates it when ambient is enabled and the Gateway API CRDs exist: kubectl -n ${ctx.istioNamespace} rollout restart deployment/istiod` };
      return pass("GatewayClass istio-waypoint exists");
    }
  },
  {
    id: CHECKS.hboneSidecars.id,
    needs: ["pod"],
    run: (ctx) => {
      const stale = ctx.items("pod").filter((p) => isLive(p) && hasSidecar(p) && !isMeshInfrastructure(p) && !sidecarHasHbone(p));
      const total = ctx.items("pod").filter((p) => isLive(p) && hasSidecar(p) && !isMeshInfrastructure(p)).length;
      if (total === 0) return pass("no sidecar to restart: no workload runs an Istio sidecar");
      if (stale.length === 0) return pass(`all ${total} sidecars carry ISTIO_META_ENABLE_HBONE=true`);
      const namespaces = [...new Set(stale.map((p) => p.metadata.namespace))].sort();
      const shown = stale.slice(0, 5).map((p) => `${p.metadata.namespace}/${p.metadata.name}`).join(", ");
      return {
        status: "warn",
        message: `${stale.length} of ${total} sidecars started before the ambient profile and lack ISTIO_META_ENABLE_HBONE: ${shown}${stale.length > 5 ? `, and ${stale.length - 5} more` : ""}`,
        remedy: namespaces.map((ns) => `kubectl rollout restart deployment -n ${ns}`).join("\n")
      };
    }
  },
  {
    id: CHECKS.networkPolicies.id,
    needs: ["networkPolicy"],
    run: (ctx) => {
      const problems = [];
      for (const policy of ctx.items("networkPolicy")) {
        if (ctx.modes.get(policy.metadata.namespace) === "none") continue;
        const issue = networkPolicyIssue(policy);
        if (issue) problems.push(`${policy.metadata.namespace}/${policy.metadata.name}: ${issue}`);
      }
      if (problems.length === 0) return pass("no NetworkPolicy in the mesh namespaces blocks HBONE or kubelet probes");
      return {
        status: "warn",
        message: `NetworkPolicies that would block ambient traffic: ${problems.join("; ")}`,
        remedy: "allow ingress on TCP 15008 (HBONE) and from 169.254.7.127/32 (kubelet probes, SNATed by istio-cni) in these policies"
      };
    }
  }
];
function checksNeeding(kind) {
  return checks.filter((check) => check.needs.includes(kind)).map((check) => check.id);
}
function runEnvironmentChecks(ctx, env) {
  return checks.map((check) => ({ id: check.id, ...unverifiable(ctx, check.needs) ?? check.run(ctx, env) }));
}
function servesV1(crd) {
  return (crd.spec?.versions ?? []).some((v) => v.name === "v1" && v.served !== false);
}
function envOf(deployment, container) {
  const containers = deployment.spec?.template?.spec?.containers ?? [];
  const c = containers.find((x) => x.name === container) ?? containers[0];
  return Object.fromEntries((c?.env ?? []).map((e) => [e.name, e.value ?? ""]));
}
function sidecarHasHbone(pod) {
  const all = [...pod.spec?.containers ?? [], ...pod.spec?.initContainers ?? []];
  const proxy = all.find((c) => c.name === "istio-proxy");
  if (!proxy) return false;
  for (const e of proxy.env ?? []) {
    if (e.name === "ISTIO_META_ENABLE_HBONE" && e.value === "true") return true;
    if (e.name === "PROXY_CONFIG" && e.value) {
      try {
        if (JSON.parse(e.value)?.proxyMetadata?.ISTIO_META_ENABLE_HBONE === "true") return true;
      } catch {
      }
    }
  }
  return false;
}
function networkPolicyIssue(policy) {
  const types = policy.spec?.policyTypes ?? ["Ingress"];
  if (!types.includes("Ingress")) return void 0;
  const rules = policy.spec?.ingress ?? [];
  if (rules.length === 0) return "denies all ingress, including HBONE on 15008";
  const openOnAllPorts = rules.some((r) => !r.ports || r.ports.length === 0);
  const allows15008 = openOnAllPorts || rules.some((r) => r.ports?.some((p) => Number(p.port) === 15008));
  const openToAll = rules.some((r) => !r.from || r.from.length === 0);
  const allowsProbes = openToAll || rules.some((r) => r.from?.some((f) => f.ipBlock && cidrContains(f.ipBlock.cidr, "169.254.7.127")));
  const issues = [];
  if (!allows15008) issues.push("no ingress on TCP 15008");
  if (!allowsProbes) issues.push("kubelet probes from 169.254.7.127 not allowed");
  return issues.length ? issues.join(", ") : void 0;
}
function cidrContains(cidr, ip) {
  const [base, bits] = cidr.split("/");
  const toInt = (a) => a.split(".").reduce((n, o) => (n << 8) + Number(o), 0) >>> 0;
  if (!base || !/^\d+\.\d+\.\d+\.\d+$/.test(base)) return false;
  const prefix = Number(bits ?? 32);
  const mask = prefix === 0 ? 0 : ~0 << 32 - prefix >>> 0;
  return (toInt(base) & mask) === (toInt(ip) & mask);
}

// source/core/routes/translatability.ts
var HTTPROUTE_METHODS = ["GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"];
var REDIRECT_STATUS_CODES = [301, 302, 303, 307, 308];
var REDIRECT_SCHEMES = ["http", "https"];
var CORS_ORIGIN = /^\*$|^https?:\/\/((\*\.)?([a-zA-Z0-9-]+\.)*[a-zA-Z0-9-]+|\*)(:[0-9]{1,5})?$/;
var PATH_CHARS = /^(?:[-A-Za-z0-9/._~!$&'()*+,;=:@]|%[0-9a-fA-F]{2})+$/;
var ISTIO_RETRY_DEFAULTS = ["connect-failure", "refused-stream", "unavailable", "cancelled"];
var REASONS = {
  fault: "Fault injection (delay/abort) has no HTTPRoute filter, and Istio rejects ExtensionRef filters, so the fault would silently disappear.",
  directResponse: "A fixed response has no HTTPRoute equivalent; Istio only answers a bare 500, for a rule whose backends all have weight 0.",
  bare500: "A bare 500 has no HTTPRoute field; write it as a rule whose only backendRef has weight 0, which Istio answers with 500.",
  delegate: "Delegation to another VirtualService has no HTTPRoute equivalent; the delegate's rules must be merged in by hand.",
  delegateChild: "A VirtualService without hosts is a delegate, reachable only through a parent VirtualService, which HTTPRoute cannot express.",
  uriRegexRewrite: "Regex path rewriting has no HTTPRoute equivalent: URLRewrite only replaces a full path (Istio writes that as match /.*) or a path prefix.",
  withoutHeaders: "Negative header matches have no HTTPRoute equivalent: header matches are Exact or RE2 RegularExpression, which cannot negate.",
  sourceLabels: "Matching on the calling workload's labels has no HTTPRoute equivalent (waypoints drop such matches too).",
  sourceNamespace: "Matching on the caller's namespace has no HTTPRoute equivalent; waypoints do not honour consumer routes either.",
  matchGateways: "HTTPRoute parentRefs apply to every rule, so one match cannot be limited to some gateways without splitting the route.",
  matchPort: "HTTPRoute has no port match; only a separate HTTPRoute whose Service parentRef names that port can carry it.",
  ignoreUriCase: "HTTPRoute path matches are case-sensitive; only a hand-written (?i) RegularExpression can approximate this.",
  scheme: "HTTPRoute cannot match on the request scheme.",
  authority: "HTTPRoute cannot match the authority of mesh traffic; hostnames only filter Gateway parents.",
  method: "HTTPRoute method matches are exact and limited to GET, HEAD, POST, PUT, DELETE, CONNECT, OPTIONS, TRACE and PATCH.",
  mirrorHost: "A RequestMirror backendRef must name a Kubernetes Service.",
  exportTo: "HTTPRoute has no visibility control: a route in the Service namespace applies to every client in the mesh.",
  tcp: "TCP routing needs a TCPRoute (standard v1 in Gateway API v1.6.1, Alpha on waypoints), not an HTTPRoute.",
  tls: "SNI-based TLS routing needs a TLSRoute (standard v1 in Gateway API v1.6.1, Alpha on waypoints), not an HTTPRoute.",
  wildcardHost: "A wildcard host cannot be a Service parentRef; mesh HTTPRoutes attach to one Service each.",
  externalHost: "Not a Kubernetes Service name (short name or name.namespace.svc.<domain>): it needs a ServiceEntry parentRef or backendRef written by hand.",
  redirectScheme: "HTTPRoute RequestRedirect only accepts the schemes http and https.",
  redirectCode: "HTTPRoute RequestRedirect only accepts the status codes 301, 302, 303, 307 and 308.",
  deriveProtocolDefault: "FROM_PROTOCOL_DEFAULT picks 80/443 from the request's protocol, but without a scheme an HTTPRoute redirect keeps the listener port.",
  deriveRequestPort: "FROM_REQUEST_PORT keeps the request port, but with a scheme set an HTTPRoute redirect switches to the scheme's well-known port.",
  prefixMatch: "PathPrefix is segment-aware (/api no longer matches /apiv2, a trailing / is ignored) while a VirtualService prefix is a raw string prefix; use RegularExpression ^<prefix>.* if that matters.",
  prefixToRegex: "HTTPRoute has no prefix match here: it becomes a RegularExpression ^<escaped prefix>.* match.",
  presence: 'An empty match means "present"; HTTPRoute needs a RegularExpression .* match for it.',
  invalidPath: "HTTPRoute rejects this value for Exact/PathPrefix (must start with /, no //, /./, /../, %2f, # or unusual characters); it needs a RegularExpression match.",
  replacePrefix: "This becomes ReplacePrefixMatch, which needs exactly one PathPrefix match in its HTTPRoute rule (split the rule per match) and replaces whole segments, so trailing slashes can differ from the raw prefix rewrite.",
  redirectDefaultCode: "A VirtualService redirect defaults to 301 but HTTPRoute RequestRedirect defaults to 302: write statusCode 301 explicitly.",
  unmatchedPreflights: "Istio's HTTPRoute CORS filter sets unmatchedPreflights IGNORE: preflights the policy does not match are no longer forwarded to the application.",
  weightZero: "Istio drops a weight-0 backendRef: it gets no traffic, as in the VirtualService.",
  allWeightsZero: "No destination has a positive weight: an HTTPRoute rule whose backends all weigh 0 answers 500, and unset weights default to 1 (an even split).",
  unsetWeight: "This destination has no weight (0 in the VirtualService) while others have one; an HTTPRoute backendRef without weight gets 1: write weight 0 or a real share.",
  singleWeightZero: "A single destination takes all traffic whatever its weight, but a lone weight-0 backendRef answers 500: omit the weight."
};
function analyzeVirtualService(vs) {
  const spec = vs.spec ?? {};
  const gateways = Array.isArray(spec.gateways) ? spec.gateways : [];
  const mesh = gateways.length === 0 || gateways.includes("mesh");
  const out = { mesh, ingressOnly: !mesh, untranslatable: [], semanticWarnings: [], subsetsUsed: [] };
  const a = new Collector(out, vs.metadata.namespace ?? "default");
  const hosts = Array.isArray(spec.hosts) ? spec.hosts : [];
  if (mesh) {
    if (hosts.length === 0) a.untranslatable("spec.hosts", REASONS.delegateChild);
    hosts.forEach((host, i) => a.serviceHost(host, `spec.hosts[${i}]`));
  }
  if (Array.isArray(spec.exportTo) && !(spec.exportTo.length === 1 && spec.exportTo[0] === "*")) a.untranslatable("spec.exportTo", REASONS.exportTo);
  const http = Array.isArray(spec.http) ? spec.http : [];
  http.forEach((rule, i) => analyzeHttpRule(a, rule ?? {}, `spec.http[${i}]`));
  precedenceWarnings(a, http);
  for (const kind of ["tcp", "tls"]) {
    (Array.isArray(spec[kind]) ? spec[kind] : []).forEach((rule, i) => {
      a.untranslatable(`spec.${kind}[${i}]`, REASONS[kind]);
      (rule?.route ?? []).forEach((r, j) => a.subset(r?.destination, `spec.${kind}[${i}].route[${j}].destination`));
    });
  }
  return out;
}
function parseServiceHost(host, routeNamespace) {
  const label = "[a-z0-9](?:[-a-z0-9]*[a-z0-9])?";
  if (new RegExp(`^${label}$`).test(host)) return { name: host, namespace: routeNamespace };
  const fqdn = new RegExp(`^(${label})\\.(${label})\\.svc(\\.${label})+$`).exec(host);
  return fqdn ? { name: fqdn[1], namespace: fqdn[2] } : void 0;
}
var Collector = class {
  constructor(out, namespace) {
    this.out = out;
    this.namespace = namespace;
  }
  out;
  namespace;
  untranslatable(path, reason) {
    this.out.untranslatable.push({ path, reason });
  }
  warn(path, reason) {
    this.out.semanticWarnings.push({ path, reason });
  }
  serviceHost(host, path, reason) {
    if (typeof host !== "string") return;
    if (host.includes("*")) this.untranslatable(path, reason ?? REASONS.wildcardHost);
    else if (!parseServiceHost(host, this.namespace)) this.untranslatable(path, reason ?? REASONS.externalHost);
  }
  subset(destination, path) {
    if (destination?.host && destination?.subset) this.out.subsetsUsed.push({ host: destination.host, subset: destination.subset, path: `${path}.subset` });
  }
};
function analyzeHttpRule(a, rule, p) {
  for (const field of ["fault", "delegate"]) if (rule[field]) a.untranslatable(`${p}.${field}`, REASONS[field]);
  if (rule.directResponse) {
    if (rule.directResponse.status === 500 && !rule.directResponse.body) a.warn(`${p}.directResponse`, REASONS.bare500);
    else a.untranslatable(`${p}.directResponse`, REASONS.directResponse);
  }
  if (rule.retries) a.untranslatable(`${p}.retries`, retryReason(rule.retries));
  const matches = Array.isArray(rule.match) && rule.match.length > 0 ? rule.match : [];
  matches.forEach((m, k) => analyzeMatch(a, m ?? {}, `${p}.match[${k}]`));
  const prefixed = matches.length === 0 || matches.some((m) => m?.uri?.prefix !== void 0 || !m?.uri);
  if (rule.rewrite?.uriRegexRewrite && !isFullPathRewrite(rule.rewrite.uriRegexRewrite)) a.untranslatable(`${p}.rewrite.uriRegexRewrite`, REASONS.uriRegexRewrite);
  if (rule.rewrite?.uri !== void 0 && prefixed) a.warn(`${p}.rewrite.uri`, REASONS.replacePrefix);
  if (rule.redirect) analyzeRedirect(a, rule.redirect, `${p}.redirect`);
  if (rule.corsPolicy) analyzeCors(a, rule.corsPolicy, `${p}.corsPolicy`);
  const route = Array.isArray(rule.route) ? rule.route : [];
  route.forEach((r, j) => {
    a.serviceHost(r?.destination?.host, `${p}.route[${j}].destination.host`);
    a.subset(r?.destination, `${p}.route[${j}].destination`);
  });
  weightWarnings(a, route, p);
  if (rule.mirror) {
    a.serviceHost(rule.mirror.host, `${p}.mirror.host`, REASONS.mirrorHost);
    a.subset(rule.mirror, `${p}.mirror`);
  }
  (Array.isArray(rule.mirrors) ? rule.mirrors : []).forEach((m, k) => {
    a.serviceHost(m?.destination?.host, `${p}.mirrors[${k}].destination.host`, REASONS.mirrorHost);
    a.subset(m?.destination, `${p}.mirrors[${k}].destination`);
  });
}
function analyzeMatch(a, m, p) {
  for (const field of ["withoutHeaders", "sourceLabels"]) if (m[field] && Object.keys(m[field]).length > 0) a.untranslatable(`${p}.${field}`, REASONS[field]);
  if (m.sourceNamespace) a.untranslatable(`${p}.sourceNamespace`, REASONS.sourceNamespace);
  if (Array.isArray(m.gateways) && m.gateways.length > 0) a.untranslatable(`${p}.gateways`, REASONS.matchGateways);
  if (m.port) a.untranslatable(`${p}.port`, REASONS.matchPort);
  if (m.ignoreUriCase) a.untranslatable(`${p}.ignoreUriCase`, REASONS.ignoreUriCase);
  if (m.scheme) a.untranslatable(`${p}.scheme`, REASONS.scheme);
  if (m.authority) a.untranslatable(`${p}.authority`, REASONS.authority);
  if (m.method && !(typeof m.method.exact === "string" && HTTPROUTE_METHODS.includes(m.method.exact))) a.untranslatable(`${p}.method`, REASONS.method);
  const uri = m.uri ?? {};
  if (typeof uri.prefix === "string" && uri.prefix !== "/") a.warn(`${p}.uri.prefix`, REASONS.prefixMatch);
  for (const kind of ["exact", "prefix"]) {
    const value = uri[kind];
    if (typeof value === "string" && !validGatewayPath(value)) a.warn(`${p}.uri.${kind}`, REASONS.invalidPath);
  }
  for (const field of ["headers", "queryParams"]) {
    for (const [name, match] of Object.entries(m[field] ?? {})) {
      if (match?.prefix !== void 0) a.warn(`${p}.${field}.${name}.prefix`, REASONS.prefixToRegex);
      else if (match?.exact === void 0 && match?.regex === void 0) a.warn(`${p}.${field}.${name}`, REASONS.presence);
    }
  }
}
function analyzeRedirect(a, redirect, p) {
  if (redirect.redirectCode === void 0) a.warn(p, REASONS.redirectDefaultCode);
  else if (!REDIRECT_STATUS_CODES.includes(redirect.redirectCode)) a.untranslatable(`${p}.redirectCode`, REASONS.redirectCode);
  if (redirect.scheme !== void 0 && !REDIRECT_SCHEMES.includes(redirect.scheme)) a.untranslatable(`${p}.scheme`, REASONS.redirectScheme);
  const derive = redirect.derivePort;
  const hasScheme = redirect.scheme !== void 0;
  if (derive === "FROM_PROTOCOL_DEFAULT" && !hasScheme) {
    a.untranslatable(`${p}.derivePort`, REASONS.deriveProtocolDefault);
  } else if (derive === "FROM_REQUEST_PORT" && hasScheme) {
    a.untranslatable(`${p}.derivePort`, REASONS.deriveRequestPort);
  }
  if (redirect.prefixRewrite !== void 0) a.warn(`${p}.prefixRewrite`, REASONS.replacePrefix);
}
function isFullPathRewrite(r) {
  return (r.match === "/.*" || r.match === "^/.*$") && typeof r.rewrite === "string" && !r.rewrite.includes("\\");
}
var ANY_ORIGIN_REGEX = "^[a-zA-Z][a-zA-Z0-9+.-]*://[^/\\s?#]+$";
var WILDCARD_ORIGIN_REGEX = /^\^https?:\/\/\.\*\\\.[a-zA-Z0-9-]+(\\\.[a-zA-Z0-9-]+)*(:[0-9]{1,5})?\$$/;
function analyzeCors(a, cors, p) {
  (Array.isArray(cors.allowOrigins) ? cors.allowOrigins : []).forEach((origin, k) => {
    if (typeof origin?.exact === "string" && CORS_ORIGIN.test(origin.exact)) return;
    if (typeof origin?.regex === "string" && (origin.regex === ANY_ORIGIN_REGEX || WILDCARD_ORIGIN_REGEX.test(origin.regex))) return;
    const what = origin?.exact !== void 0 ? "this origin is not of the form scheme://host[:port]" : "prefix origins and other regexes cannot be written";
    a.untranslatable(`${p}.allowOrigins[${k}]`, `HTTPRoute CORS origins are http(s)://host[:port] with an optional *. subdomain wildcard, and ${what}.`);
  });
  (Array.isArray(cors.allowOrigin) ? cors.allowOrigin : []).forEach((origin, k) => {
    if (typeof origin !== "string" || !CORS_ORIGIN.test(origin)) {
      a.untranslatable(`${p}.allowOrigin[${k}]`, "HTTPRoute CORS origins are http(s)://host[:port] with an optional *. subdomain wildcard, and this origin is not.");
    }
  });
  (Array.isArray(cors.allowMethods) ? cors.allowMethods : []).forEach((method, k) => {
    if (method !== "*" && !HTTPROUTE_METHODS.includes(method)) a.untranslatable(`${p}.allowMethods[${k}]`, `HTTPRoute CORS allowMethods only lists ${HTTPROUTE_METHODS.join(", ")} or *.`);
  });
  if (cors.unmatchedPreflights !== "IGNORE") a.warn(p, REASONS.unmatchedPreflights);
}
function retryReason(retries) {
  const classes = String(retries.retryOn ?? "").split(",").map((s) => s.trim()).filter((s) => s && !/^\d{3}$/.test(s) && !ISTIO_RETRY_DEFAULTS.includes(s));
  const extra = [
    ...classes.length > 0 ? [`retryOn ${classes.join(",")} has no status-code form even there`] : [],
    ...retries.retryRemoteLocalities !== void 0 || retries.retryIgnorePreviousHosts !== void 0 ? ["retryRemoteLocalities/retryIgnorePreviousHosts have no equivalent at all"] : []
  ];
  return `HTTPRoute retry is experimental-channel only in Gateway API v1.6.1, so on the standard channel the mesh default retry policy would apply instead${extra.length ? ` (${extra.join("; ")})` : ""}.`;
}
function weightWarnings(a, route, p) {
  if (route.length <= 1) {
    if (route[0]?.weight === 0) a.warn(`${p}.route[0].weight`, REASONS.singleWeightZero);
    return;
  }
  const weights = route.map((r) => r?.weight);
  if (weights.every((w) => !w)) return a.warn(`${p}.route`, REASONS.allWeightsZero);
  weights.forEach((w, j) => {
    if (w === 0) a.warn(`${p}.route[${j}].weight`, REASONS.weightZero);
    else if (w === void 0) a.warn(`${p}.route[${j}]`, REASONS.unsetWeight);
  });
}
function validGatewayPath(value) {
  if (!value.startsWith("/") || !PATH_CHARS.test(value)) return false;
  if (["//", "/./", "/../", "%2f", "%2F", "#"].some((s) => value.includes(s))) return false;
  return !value.endsWith("/..") && !value.endsWith("/.");
}
function shapeOf(m) {
  const uri = m?.uri ?? {};
  const [kind, value] = uri.exact !== void 0 ? ["exact", uri.exact] : uri.regex !== void 0 ? ["regex", uri.regex] : ["prefix", uri.prefix ?? "/"];
  const lower = (o) => Object.fromEntries(Object.entries(o ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  const fold = (s) => m?.ignoreUriCase ? s.toLowerCase() : s;
  return { kind, value: fold(String(value)), method: m?.method?.exact, headers: lower(m?.headers), query: m?.queryParams ?? {} };
}
function precedenceKey(s) {
  return [{ exact: 0, prefix: 1, regex: 2 }[s.kind], -s.value.length, s.method ? 0 : 1, -Object.keys(s.headers).length, -Object.keys(s.query).length];
}
function ranksBefore(a, b) {
  const [ka, kb] = [precedenceKey(a), precedenceKey(b)];
  for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return ka[i] < kb[i];
  return false;
}
function overlaps(a, b) {
  if (a.method && b.method && a.method !== b.method) return false;
  for (const [own, other] of [[a.headers, b.headers], [a.query, b.query]]) {
    for (const [name, m] of Object.entries(own)) {
      const o = other[name];
      if (m?.exact !== void 0 && o?.exact !== void 0 && m.exact !== o.exact) return false;
    }
  }
  if (a.kind === "regex" || b.kind === "regex") {
    const [re, other] = a.kind === "regex" ? [a, b] : [b, a];
    if (other.kind !== "exact") return true;
    try {
      return new RegExp(`^(?:${re.value})$`).test(other.value);
    } catch {
      return true;
    }
  }
  if (a.kind === "exact" && b.kind === "exact") return a.value === b.value;
  if (a.kind === "exact") return a.value.startsWith(b.value);
  if (b.kind === "exact") return b.value.startsWith(a.value);
  return a.value.startsWith(b.value) || b.value.startsWith(a.value);
}
function actionOf(rule) {
  const { match: _match, name: _name, ...rest } = rule ?? {};
  return JSON.stringify(rest);
}
function precedenceWarnings(a, http) {
  const entries = http.flatMap((rule, i) => {
    const matches = Array.isArray(rule?.match) && rule.match.length > 0 ? rule.match : [void 0];
    return matches.map((m, k) => ({ rule: i, path: m === void 0 ? `spec.http[${i}]` : `spec.http[${i}].match[${k}]`, shape: shapeOf(m), action: actionOf(rule) }));
  });
  for (const later of entries) {
    const earlier = entries.find((e) => e.rule < later.rule && e.action !== later.action && ranksBefore(later.shape, e.shape) && overlaps(e.shape, later.shape));
    if (earlier) {
      a.warn(
        later.path,
        `The VirtualService tries the overlapping ${earlier.path} first, but HTTPRoute precedence (Exact, longest PathPrefix, method, headers, query params; regex last in Istio) ranks this match ahead of it, so some requests would change route.`
      );
    }
  }
}

// source/core/audit/routes.ts
function routeFindings(ctx) {
  const out = [];
  for (const vs of ctx.items("virtualService")) {
    const analysis = analyzeVirtualService(vs);
    if (!analysis.mesh) continue;
    const namespace = vs.metadata.namespace;
    const targets = (vs.spec?.hosts ?? []).map((h) => parseServiceHost(h, namespace)).filter(Boolean);
    const namespaces = [namespace, ...targets.map((t) => t.namespace)];
    const where = { namespaces, resource: refOf(vs), scope: "namespace" };
    out.push(
      makeFinding(FINDINGS.virtualService, {
        ...where,
        message: `${describe(vs)} routes mesh traffic for ${(vs.spec?.hosts ?? []).join(", ")}: VirtualService on waypoints is Alpha; it becomes an HTTPRoute`,
        remedy: "the plan converts it to an HTTPRoute and deletes it after the restart"
      })
    );
    if (analysis.subsetsUsed.length > 0) {
      const subsets = [...new Set(analysis.subsetsUsed.map((s) => `${s.host}/${s.subset}`))];
      out.push(
        makeFinding(FINDINGS.subsets, {
          ...where,
          message: `${describe(vs)} routes to DestinationRule subsets ${subsets.join(", ")}: HTTPRoute cannot name subsets`,
          remedy: "the plan creates one Service per version (<service>-<subset>) and routes to those",
          field: analysis.subsetsUsed[0].path
        })
      );
    }
    for (const field of analysis.untranslatable) {
      out.push(
        makeFinding(FINDINGS.untranslatable, {
          ...where,
          message: `${describe(vs)} ${field.path}: ${field.reason}`,
          remedy: "rework this route by hand (or keep the behaviour in the application) before migrating; the plan will not emit a route that behaves differently",
          field: field.path
        })
      );
    }
  }
  return out;
}
function meshRoutedServices(ctx) {
  const out = /* @__PURE__ */ new Map();
  for (const vs of ctx.items("virtualService")) {
    if (!analyzeVirtualService(vs).mesh) continue;
    for (const host of vs.spec?.hosts ?? []) {
      const svc = parseServiceHost(host, vs.metadata.namespace);
      if (svc) out.set(`${svc.namespace}/${svc.name}`, vs);
    }
  }
  return out;
}

// source/core/audit/limitations.ts
function listSome(names, max = 5) {
  return names.length <= max ? names.join(", ") : `${names.slice(0, max).join(", ")} and ${names.length - max} more`;
}
function envoyFilterFindings(ctx) {
  const out = [];
  for (const filter of ctx.items("envoyFilter")) {
    const contexts = (filter.spec?.configPatches ?? []).map((p) => p?.match?.context ?? "ANY");
    if (contexts.length > 0 && contexts.every((c) => c === "GATEWAY")) continue;
    const namespace = filter.metadata.namespace;
    const meshWide = namespace === ctx.rootNamespace && !filter.spec?.workloadSelector;
    out.push(
      makeFinding(FINDINGS.envoyFilter, {
        message: `${describe(filter)} patches ${meshWide ? "every sidecar in the mesh" : filter.spec?.workloadSelector ? "selected sidecars" : `every sidecar in ${namespace}`} (${[...new Set(contexts)].join(", ")}); after migration it is silently ignored, and waypoints do not support EnvoyFilter`,
        remedy: "replace it with a WasmPlugin (or TrafficExtension) attached to a waypoint, move the logic into the application, or keep this namespace on sidecars",
        namespaces: meshWide ? ctx.meshNamespaces : [namespace],
        resource: refOf(filter),
        scope: meshWide ? "mesh" : filter.spec?.workloadSelector ? "workload" : "namespace"
      })
    );
  }
  return out;
}
function routeMixFindings(ctx) {
  const routed = meshRoutedServices(ctx);
  const out = [];
  for (const route of ctx.items("httpRoute")) {
    for (const parent of route.spec?.parentRefs ?? []) {
      if (parent?.kind !== "Service" || (parent.group ?? "") !== "") continue;
      const key = `${parent.namespace ?? route.metadata.namespace}/${parent.name}`;
      const vs = routed.get(key);
      if (!vs) continue;
      out.push(
        makeFinding(FINDINGS.routeMix, {
          message: `${describe(route)} and ${describe(vs)} both route Service ${key}: mixing them is undefined (in practice the HTTPRoute wins)`,
          remedy: "keep one of them: the plan replaces the VirtualService with an HTTPRoute; merge the existing HTTPRoute rules into it by hand",
          namespaces: [route.metadata.namespace, key.split("/")[0]],
          resource: refOf(route),
          scope: "namespace"
        })
      );
    }
  }
  return out;
}
function bypassFindings(ctx, waypointNamespaces) {
  const out = [];
  const sidecarNamespaces = [...ctx.modes].filter(([, m]) => m === "sidecar" || m === "mixed").map(([n]) => n);
  for (const namespace of [...waypointNamespaces].sort()) {
    const callers = sidecarNamespaces.filter((n) => n !== namespace);
    if (callers.length > 0) {
      out.push(
        makeFinding(FINDINGS.sidecarCallers, {
          message: `once ${namespace} has a waypoint, calls from sidecar workloads (${callers.length} namespace${callers.length > 1 ? "s" : ""}: ${listSome(callers)}) tunnel straight to its pods and skip the waypoint's L7 policy and routes until those callers migrate too`,
          remedy: "migrate the callers as well, or plan a maintenance window; add the waypoint-bypass DENY only once every caller is ambient",
          namespaces: [namespace],
          resource: refOfKind("namespace", namespace),
          scope: "namespace"
        })
      );
    }
  }
  const ingressTargets = /* @__PURE__ */ new Map();
  for (const vs of ctx.items("virtualService")) {
    if (!analyzeVirtualService(vs).ingressOnly) continue;
    const destinations = (vs.spec?.http ?? []).flatMap((r) => (r?.route ?? []).map((d) => d?.destination?.host));
    for (const host of destinations) {
      const svc = host ? parseServiceHost(host, vs.metadata.namespace) : void 0;
      if (svc) ingressTargets.set(`${svc.namespace}/${svc.name}`, describe(vs));
    }
  }
  for (const route of ctx.items("httpRoute")) {
    const viaGateway = (route.spec?.parentRefs ?? []).some((p) => (p?.kind ?? "Gateway") === "Gateway");
    if (!viaGateway) continue;
    for (const rule of route.spec?.rules ?? []) {
      for (const backend of rule?.backendRefs ?? []) {
        if ((backend?.kind ?? "Service") !== "Service") continue;
        ingressTargets.set(`${backend.namespace ?? route.metadata.namespace}/${backend.name}`, describe(route));
      }
    }
  }
  for (const [key, via] of [...ingressTargets].sort()) {
    const [namespace, name] = key.split("/");
    if (!waypointNamespaces.has(namespace)) continue;
    const service = ctx.inNamespace("service", namespace).find((s) => s.metadata.name === name);
    if (service?.metadata.labels?.["istio.io/ingress-use-waypoint"] === "true") continue;
    out.push(
      makeFinding(FINDINGS.ingressBypass, {
        message: `Service ${key} is reached from the ingress gateway (${via}); ingress skips the waypoint, so the waypoint's policies do not apply to that traffic`,
        remedy: `kubectl -n ${namespace} label service ${name} istio.io/ingress-use-waypoint=true   # once the waypoint is active`,
        namespaces: [namespace],
        resource: service ? refOf(service) : refOfKind("service", name, namespace),
        scope: "workload"
      })
    );
  }
  return out;
}

// source/core/traffic/authz/istio-match.ts
function istioStringMatch(pattern, value) {
  if (pattern === "*") return true;
  if (pattern.startsWith("*")) return value.endsWith(pattern.slice(1));
  if (pattern.endsWith("*")) return value.startsWith(pattern.slice(0, -1));
  return pattern === value;
}
function parseBool(value) {
  return ["1", "t", "T", "true", "TRUE", "True"].includes(value ?? "");
}
var L4_WHEN_KEYS = /* @__PURE__ */ new Set(["source.ip", "source.namespace", "source.principal", "destination.ip", "destination.port"]);
var HTTP_SOURCE_FIELDS = ["requestPrincipals", "notRequestPrincipals", "remoteIpBlocks", "notRemoteIpBlocks"];
var HTTP_OPERATION_FIELDS = ["hosts", "notHosts", "methods", "notMethods", "paths", "notPaths"];

// source/core/traffic/authz/select.ts
function targetRefsOf(spec) {
  const refs = Array.isArray(spec?.targetRefs) ? spec.targetRefs : [];
  if (refs.length === 0 && spec?.targetRef) return [spec.targetRef];
  return refs;
}

// source/core/authorization.ts
var L4_SOURCE = ["principals", "notPrincipals", "namespaces", "notNamespaces", "serviceAccounts", "notServiceAccounts", "ipBlocks", "notIpBlocks"];
var L7_SOURCE = HTTP_SOURCE_FIELDS;
var L4_OPERATION = ["ports", "notPorts"];
var L7_OPERATION = HTTP_OPERATION_FIELDS;
function analyzeAuthorizationPolicy(policy, rootNamespace = "istio-system") {
  const spec = policy.spec ?? {};
  const action = spec.action ?? "ALLOW";
  const attachment = attachmentOf(policy, rootNamespace);
  const rules = Array.isArray(spec.rules) ? spec.rules : [];
  const scans = rules.map((rule, i) => scanRule(rule ?? {}, `spec.rules[${i}]`));
  const l7Fields = [];
  if (attachment === "targetRefs") l7Fields.push(spec.targetRefs ? "spec.targetRefs" : "spec.targetRef");
  if (action === "CUSTOM" || action === "AUDIT") l7Fields.push(`spec.action=${action}`);
  l7Fields.push(...scans.flatMap((s) => s.l7));
  const ruleEffects = attachment === "targetRefs" ? [] : effectsOf(action, scans);
  return {
    l7Fields,
    reviewFields: scans.flatMap((s) => s.review),
    layer: l7Fields.length > 0 ? "L7" : "L4",
    attachment,
    action,
    dryRun: parseBool(policy.metadata.annotations?.["istio.io/dry-run"]),
    ambientEffect: attachment === "targetRefs" ? "unchanged" : policyEffect(action, rules.length, ruleEffects),
    droppedRules: ruleEffects.map((e) => e.rule),
    ruleEffects
  };
}
function hasTargetRefs(spec) {
  return targetRefsOf(spec).length > 0;
}
function attachmentOf(policy, rootNamespace) {
  const spec = policy.spec ?? {};
  if (hasTargetRefs(spec)) return "targetRefs";
  if (Object.keys(spec.selector?.matchLabels ?? {}).length > 0) return "selector";
  return policy.metadata.namespace === rootNamespace ? "root-namespace" : "namespace";
}
function scanRule(rule, path) {
  const scan = { l7: [], review: [], clauses: [] };
  const lists = [
    ["from", "source", L4_SOURCE, L7_SOURCE],
    ["to", "operation", L4_OPERATION, L7_OPERATION]
  ];
  for (const [list2, inner, l4Names, l7Names] of lists) {
    const entries = Array.isArray(rule[list2]) ? rule[list2] : [];
    if (entries.length === 0) continue;
    scan.clauses.push(
      entries.map((entry, n) => {
        const fields = entry?.[inner] ?? {};
        const at = `${path}.${list2}[${n}].${inner}`;
        const set = Object.keys(fields).filter((k) => isSet(fields[k]));
        const l7 = set.filter((k) => l7Names.includes(k));
        scan.l7.push(...l7.map((k) => `${at}.${k}`));
        scan.review.push(...set.filter((k) => !l4Names.includes(k) && !l7Names.includes(k)).map((k) => `${at}.${k}`));
        return { l4: set.some((k) => l4Names.includes(k)), l7: l7.length > 0 };
      })
    );
  }
  const conditions = Array.isArray(rule.when) ? rule.when : [];
  conditions.forEach((condition, n) => {
    const key = String(condition?.key ?? "");
    const l4 = L4_WHEN_KEYS.has(key);
    if (!l4) scan.l7.push(`${path}.when[${n}].key=${key}`);
    scan.clauses.push([{ l4, l7: !l4 }]);
  });
  return scan;
}
function effectsOf(action, scans) {
  const out = [];
  for (const [rule, scan] of scans.entries()) {
    const effect = ruleEffect(action, scan);
    if (effect) out.push({ rule, effect });
  }
  return out;
}
function ruleEffect(action, scan) {
  if (action === "CUSTOM" || action === "AUDIT") return "dropped";
  if (scan.l7.length === 0) return void 0;
  if (action === "ALLOW") return "dropped";
  if (scan.clauses.some((clause) => clause.every((e) => !e.l4))) return "dropped";
  const entries = scan.clauses.flat();
  const broadened = entries.some((e) => e.l4 && e.l7);
  const narrowed = entries.some((e) => !e.l4 && e.l7);
  if (broadened && narrowed) return "broadened-and-narrowed";
  return broadened ? "broadened" : "narrowed";
}
function policyEffect(action, ruleCount, effects) {
  if (action === "CUSTOM" || action === "AUDIT") return "not-enforced";
  if (effects.length === 0) return "unchanged";
  const dropped = effects.filter((e) => e.effect === "dropped").length;
  if (action === "ALLOW") return dropped === ruleCount ? "deny-all" : "allow-rules-dropped";
  if (dropped === ruleCount) return "deny-fails-open";
  return effects.some((e) => e.effect.startsWith("broadened")) ? "deny-broadened" : "deny-rules-dropped";
}
function isSet(value) {
  if (Array.isArray(value)) return value.length > 0;
  return value !== void 0 && value !== null && value !== "";
}
function hasWaypointClassPolicy(rootPolicies) {
  return rootPolicies.some((p) => (p.spec?.targetRefs ?? []).some((r) => r?.kind === "GatewayClass" && r?.name === "istio-waypoint"));
}

// source/core/plan/waypoint.ts
function waypointGateway(namespace, revision) {
  return {
    apiVersion: "gateway.networking.k8s.io/v1",
    kind: "Gateway",
    metadata: {
      name: WAYPOINT_NAME,
      namespace,
      labels: { ...MANAGED_BY, ...revision && revision !== "default" ? { "istio.io/rev": revision } : {} }
    },
    spec: {
      gatewayClassName: "istio-waypoint",
      listeners: [{ name: "mesh", port: 15008, protocol: "HBONE" }]
    }
  };
}
function namespaceRevision(namespace) {
  const labels = namespace.metadata.labels ?? {};
  if (labels["istio-injection"] === "enabled") return void 0;
  const revision = labels["istio.io/rev"];
  return revision && revision !== "default" ? revision : void 0;
}
function waypointPrincipal(namespace, trustDomain = "cluster.local") {
  return `${trustDomain}/ns/${namespace}/sa/${WAYPOINT_NAME}`;
}
function waypointIdentity(namespace, trustDomain = "cluster.local") {
  return { principal: waypointPrincipal(namespace, trustDomain), namespace, serviceAccount: WAYPOINT_NAME };
}
var waypointRef = { group: "gateway.networking.k8s.io", kind: "Gateway", name: WAYPOINT_NAME };

// source/core/waypoint-identity.ts
var CALLER_SOURCE_FIELDS = ["principals", "notPrincipals", "namespaces", "notNamespaces", "serviceAccounts", "notServiceAccounts", "ipBlocks", "notIpBlocks"];
var CALLER_WHEN_KEYS = /* @__PURE__ */ new Set(["source.principal", "source.namespace", "source.ip"]);
var strings = (value) => Array.isArray(value) ? value.filter((v) => typeof v === "string") : [];
var objectOr = (value) => value && typeof value === "object" && !Array.isArray(value) ? value : {};
var list = (value) => Array.isArray(value) ? value : [];
function and(...matches) {
  if (matches.includes("no")) return "no";
  return matches.includes("maybe") ? "maybe" : "yes";
}
function or(matches) {
  if (matches.includes("yes")) return "yes";
  return matches.includes("maybe") ? "maybe" : "no";
}
var any = (patterns, value) => patterns.some((p) => istioStringMatch(p, value)) ? "yes" : "no";
var none = (patterns, value) => patterns.some((p) => istioStringMatch(p, value)) ? "no" : "yes";
function serviceAccountKey(value, policyNamespace) {
  return value.includes("/") ? value : `${policyNamespace}/${value}`;
}
function sourceMatchesWaypoint(source, waypoint, policyNamespace) {
  const parts = [];
  const sa = `${waypoint.namespace}/${waypoint.serviceAccount}`;
  if ("principals" in source) parts.push(any(strings(source.principals), waypoint.principal));
  if ("notPrincipals" in source) parts.push(none(strings(source.notPrincipals), waypoint.principal));
  if ("namespaces" in source) parts.push(any(strings(source.namespaces), waypoint.namespace));
  if ("notNamespaces" in source) parts.push(none(strings(source.notNamespaces), waypoint.namespace));
  if ("serviceAccounts" in source) parts.push(strings(source.serviceAccounts).some((v) => serviceAccountKey(v, policyNamespace) === sa) ? "yes" : "no");
  if ("notServiceAccounts" in source) parts.push(strings(source.notServiceAccounts).some((v) => serviceAccountKey(v, policyNamespace) === sa) ? "no" : "yes");
  if (["ipBlocks", "notIpBlocks", "trustDomains", "notTrustDomains"].some((f) => f in source)) parts.push("maybe");
  return and(...parts);
}
function ruleMatchesWaypoint(rule, waypoint, policyNamespace) {
  const parts = [];
  if (Array.isArray(rule.from) && rule.from.length > 0) parts.push(or(rule.from.map((f) => sourceMatchesWaypoint(objectOr(f?.source), waypoint, policyNamespace))));
  for (const condition of list(rule.when)) {
    if (condition?.key === "source.principal" || condition?.key === "source.namespace") {
      const value = condition.key === "source.principal" ? waypoint.principal : waypoint.namespace;
      if (condition.values !== void 0) parts.push(any(strings(condition.values), value));
      if (condition.notValues !== void 0) parts.push(none(strings(condition.notValues), value));
    } else if (condition?.key === "source.ip") parts.push("maybe");
  }
  return and(...parts);
}
function namesCallers(rule) {
  const inFrom = list(rule.from).some((f) => CALLER_SOURCE_FIELDS.some((field) => field in objectOr(f?.source)));
  return inFrom || list(rule.when).some((c) => CALLER_WHEN_KEYS.has(c?.key ?? ""));
}
function namesWaypointPrincipal(pattern, waypoint) {
  const account = pattern.indexOf("/sa/");
  return istioStringMatch(pattern, waypoint.principal) && account >= 0 && pattern.slice(account + 4).replace("*", "").length > 0;
}
function callerValues(rule) {
  const identities = [];
  const accounts = [];
  let other = false;
  for (const f of list(rule.from)) {
    const source = objectOr(f?.source);
    identities.push(...strings(source.principals), ...strings(source.notPrincipals));
    accounts.push(...strings(source.serviceAccounts), ...strings(source.notServiceAccounts));
    if (["namespaces", "notNamespaces", "ipBlocks", "notIpBlocks"].some((field) => field in source)) other = true;
  }
  for (const c of list(rule.when)) {
    if (c?.key === "source.principal") identities.push(...strings(c.values), ...strings(c.notValues));
    else if (CALLER_WHEN_KEYS.has(c?.key ?? "")) other = true;
  }
  return { identities, accounts, other };
}
function namesWaypoint(rule, waypoint, policyNamespace) {
  const sa = `${waypoint.namespace}/${waypoint.serviceAccount}`;
  const { identities, accounts } = callerValues(rule);
  return identities.some((p) => namesWaypointPrincipal(p, waypoint)) || accounts.some((a) => serviceAccountKey(a, policyNamespace) === sa);
}
function namesOnlyWaypoint(rule, waypoint, policyNamespace) {
  const sa = `${waypoint.namespace}/${waypoint.serviceAccount}`;
  const { identities, accounts, other } = callerValues(rule);
  return !other && identities.length + accounts.length > 0 && identities.every((p) => namesWaypointPrincipal(p, waypoint)) && accounts.every((a) => serviceAccountKey(a, policyNamespace) === sa);
}
function waypointIdentityEffect(policy, waypoint) {
  const action = policy.spec?.action ?? "ALLOW";
  if (action !== "ALLOW" && action !== "DENY") return void 0;
  const namespace = policy.metadata.namespace ?? "";
  const rules = list(policy.spec?.rules).map((rule, index) => ({ rule: objectOr(rule), index }));
  if (action === "ALLOW") {
    const forWaypoint2 = rules.filter((r) => namesOnlyWaypoint(r.rule, waypoint, namespace)).map((r) => r.index);
    const naming2 = rules.filter((r) => namesCallers(r.rule) && !forWaypoint2.includes(r.index));
    if (naming2.length === 0) return void 0;
    const lettingIn = rules.filter((r) => ruleMatchesWaypoint(r.rule, waypoint, namespace) === "yes");
    const terms = (rule) => JSON.stringify(withoutCallerConditions(rule));
    const covered = (rule) => lettingIn.some((w) => terms(w.rule) === "{}" || terms(w.rule) === terms(rule));
    const notLettingIn = naming2.filter((r) => ruleMatchesWaypoint(r.rule, waypoint, namespace) !== "yes" && !covered(r.rule)).map((r) => r.index);
    return { effect: notLettingIn.length > 0 ? "allow-rejects-waypoint" : "allow-admits-through-waypoint", rules: notLettingIn, forWaypoint: forWaypoint2 };
  }
  const forWaypoint = rules.filter((r) => namesWaypoint(r.rule, waypoint, namespace)).map((r) => r.index);
  const naming = rules.filter((r) => namesCallers(r.rule) && !forWaypoint.includes(r.index));
  if (naming.length === 0) return void 0;
  const denying = naming.filter((r) => ruleMatchesWaypoint(r.rule, waypoint, namespace) !== "no").map((r) => r.index);
  return { effect: denying.length > 0 ? "deny-blocks-waypoint" : "deny-fails-open", rules: denying, forWaypoint };
}
function withoutCallerConditions(rule) {
  const when = list(rule.when).filter((c) => !CALLER_WHEN_KEYS.has(c?.key ?? ""));
  return { ...rule.to ? { to: rule.to } : {}, ...when.length ? { when } : {} };
}
function exemptWaypoint(rule, waypoint, policyNamespace) {
  const copy = structuredClone(rule);
  const entries = list(copy.from);
  const usesServiceAccounts = entries.some((e) => "serviceAccounts" in objectOr(e?.source) || "notServiceAccounts" in objectOr(e?.source));
  if (entries.length === 0 || usesServiceAccounts) {
    return { ...copy, when: [...list(copy.when), { key: "source.principal", notValues: [waypoint.principal] }] };
  }
  copy.from = entries.map((entry) => {
    const source = { ...objectOr(entry?.source) };
    if (sourceMatchesWaypoint(source, waypoint, policyNamespace) === "no") return entry;
    source.notPrincipals = [...strings(source.notPrincipals), waypoint.principal];
    return { ...entry, source };
  });
  return copy;
}

// source/core/audit/policies.ts
var WITHOUT_WAYPOINT = {
  unchanged: "a waypoint must enforce them",
  "allow-rules-dropped": "without a waypoint the rules using them never match, and callers they allowed are denied",
  "deny-all": "without a waypoint no rule can match and the workloads deny all traffic",
  "deny-broadened": "without a waypoint ztunnel drops those conditions and the DENY matches more than intended",
  "deny-rules-dropped": "without a waypoint some DENY rules never match, so less is denied",
  "deny-fails-open": "without a waypoint the DENY enforces nothing",
  "not-enforced": "without a waypoint nothing enforces it"
};
function appliesTo(ctx, policy) {
  const matchLabels = policy.spec?.selector?.matchLabels;
  const hasSelector = Object.keys(matchLabels ?? {}).length > 0;
  if (policy.metadata.namespace !== ctx.rootNamespace) return { namespaces: [policy.metadata.namespace], scope: hasSelector ? "workload" : "namespace" };
  if (!hasSelector) return { namespaces: ctx.meshNamespaces, scope: "mesh" };
  const selected = ctx.meshNamespaces.filter((ns) => ns === ctx.rootNamespace || selectsApplicationPods(ctx, policy, ns));
  return { namespaces: selected.length ? selected : [ctx.rootNamespace], scope: "workload" };
}
function selectsOnlyGateways(ctx, policy) {
  const matchLabels = policy.spec?.selector?.matchLabels;
  if (!matchLabels || Object.keys(matchLabels).length === 0 || policy.metadata.namespace === ctx.rootNamespace) return false;
  const selected = ctx.podsIn(policy.metadata.namespace).filter((pod) => selects(matchLabels, pod.metadata.labels));
  return selected.length > 0 && selected.every(isMeshInfrastructure);
}
function policyFindings(ctx) {
  const out = [];
  for (const policy of ctx.items("authorizationPolicy")) {
    const analysis = analyzeAuthorizationPolicy(policy, ctx.rootNamespace);
    if (analysis.attachment === "targetRefs" || selectsOnlyGateways(ctx, policy)) continue;
    const where = { ...appliesTo(ctx, policy), resource: refOf(policy) };
    if (analysis.action === "CUSTOM" || analysis.action === "AUDIT") {
      out.push(
        makeFinding(FINDINGS.customOrAudit, {
          ...where,
          message: `${describe(policy)} uses action ${analysis.action}: ztunnel rejects it, so it would stop being enforced (fail-open${analysis.action === "CUSTOM" ? " for external authorization" : ""})`,
          remedy: "move it to the waypoint with targetRefs (the plan makes the copy)",
          field: "spec.action"
        })
      );
    } else if (analysis.layer === "L7") {
      out.push(
        makeFinding(FINDINGS.l7Authorization, {
          ...where,
          message: `${describe(policy)} uses L7 fields ztunnel cannot enforce (${analysis.l7Fields.join(", ")}); ${WITHOUT_WAYPOINT[analysis.ambientEffect]}`,
          remedy: "attach a copy to the waypoint with targetRefs and delete the original right after the pods restart without sidecars (the plan does both)",
          field: analysis.l7Fields[0]?.split("=")[0]
        })
      );
      if (analysis.ambientEffect === "deny-fails-open") {
        out.push(
          makeFinding(FINDINGS.l7DenyFailsOpen, {
            ...where,
            message: `${describe(policy)} is a DENY none of whose rules can match once ztunnel drops the L7 conditions: without a waypoint it stops enforcing (fail-open)`,
            remedy: "keep the waypoint copy in place before the sidecars go; never leave this namespace in ambient without its waypoint"
          })
        );
      }
    }
    if (analysis.reviewFields.length > 0) {
      out.push(
        makeFinding(FINDINGS.reviewPolicy, {
          ...where,
          message: `${describe(policy)} uses ${analysis.reviewFields.join(", ")}, which ztunnel neither converts nor reports`,
          remedy: "check by hand what this policy should do in ambient mode; consider moving it to the waypoint",
          field: analysis.reviewFields[0]
        })
      );
    }
    if (analysis.dryRun) {
      out.push(
        makeFinding(FINDINGS.dryRunPolicy, {
          ...where,
          message: `${describe(policy)} is a dry-run policy: ztunnel skips dry-run policies unless AMBIENT_ENABLE_DRY_RUN_AUTHORIZATION_POLICY is set`,
          remedy: "nothing changes for traffic; its dry-run logs stop unless you enable the flag on ztunnel"
        })
      );
    }
  }
  for (const auth of ctx.items("requestAuthentication")) {
    if (hasTargetRefs(auth.spec) || selectsOnlyGateways(ctx, auth)) continue;
    const { namespaces, scope } = appliesTo(ctx, auth);
    const root = scope === "mesh";
    out.push(
      makeFinding(FINDINGS.requestAuthentication, {
        message: `${describe(auth)} validates JWTs in the sidecar: nothing validates them on ambient pods without a waypoint`,
        remedy: "attach a copy to the waypoint with targetRefs (the plan makes it), and move requestPrincipals-based policies with it",
        namespaces,
        resource: refOf(auth),
        scope
      })
    );
  }
  for (const plugin of ctx.items("wasmPlugin")) {
    if (hasTargetRefs(plugin.spec) || selectsOnlyGateways(ctx, plugin)) continue;
    const { namespaces, scope } = appliesTo(ctx, plugin);
    const root = scope === "mesh";
    out.push(
      makeFinding(FINDINGS.wasmPlugin, {
        message: `${describe(plugin)} runs in the sidecar: ambient pods have no Envoy to run it without a waypoint`,
        remedy: "attach a copy to the waypoint with targetRefs (Alpha on waypoints; the plan makes it)",
        namespaces,
        resource: refOf(plugin),
        scope
      })
    );
  }
  return out;
}
function waypointIdentityFindings(ctx, waypointNamespaces) {
  const out = [];
  const trustDomain = ctx.meshConfig.trustDomain ?? "cluster.local";
  const check = (policy, namespace, where, classCopy2 = false) => {
    const analysis = analyzeAuthorizationPolicy(policy, ctx.rootNamespace);
    if (analysis.attachment === "targetRefs" || analysis.layer !== "L4" || analysis.dryRun) return;
    const result = identityFinding(policy, waypointIdentity(namespace, trustDomain), where);
    if (!result) return;
    const stopsWaypoint = result.effect === "allow-rejects-waypoint" || result.effect === "deny-blocks-waypoint";
    if (where === "mesh" && classCopy2 && !stopsWaypoint) return;
    out.push(result.finding);
  };
  for (const policy of ctx.items("authorizationPolicy")) {
    if (waypointNamespaces.has(policy.metadata.namespace) && policy.metadata.namespace !== ctx.rootNamespace && !selectsOnlyGateways(ctx, policy)) check(policy, policy.metadata.namespace, "local");
  }
  const rootPolicies = ctx.inNamespace("authorizationPolicy", ctx.rootNamespace);
  const meshWide = rootPolicies.filter((p) => attachmentOf(p, ctx.rootNamespace) === "root-namespace");
  const rootSelecting = rootPolicies.filter((p) => attachmentOf(p, ctx.rootNamespace) === "selector");
  const classCopy = hasWaypointClassPolicy(rootPolicies);
  for (const namespace of [...waypointNamespaces].sort()) {
    if (namespace === ctx.rootNamespace) continue;
    for (const policy of meshWide) check(policy, namespace, "mesh", classCopy);
    for (const policy of rootSelecting) if (selectsApplicationPods(ctx, policy, namespace)) check(policy, namespace, "selected");
  }
  return out;
}
function identityFinding(policy, waypoint, reach) {
  const identity = waypointIdentityEffect(policy, waypoint);
  if (!identity) return void 0;
  const namespace = waypoint.namespace;
  const mesh = reach === "mesh";
  const behind = `once ${namespace} has a waypoint, ztunnel sees the waypoint's identity (${waypoint.principal}) instead of the caller's`;
  const who = mesh ? "in the root namespace (the plan does not change mesh-wide policies)" : "(the plan does this)";
  const text = {
    "allow-rejects-waypoint": {
      message: `${describe(policy)} allows callers by identity; ${behind}, and this ALLOW would reject it`,
      remedy: mesh ? `add the waypoint principal ${waypoint.principal} to its sources ${who}, and attach a copy to GatewayClass istio-waypoint` : `add the waypoint principal ${waypoint.principal} to its sources and copy it to the waypoint, which sees the real callers (the plan does both)`
    },
    "allow-admits-through-waypoint": {
      message: `${describe(policy)} lets the waypoint in; ${behind}, so callers it does not allow would get through the waypoint`,
      remedy: mesh ? `attach a copy to GatewayClass istio-waypoint ${who}` : "copy it to the waypoint, which sees the real callers (the plan does this)"
    },
    "deny-fails-open": {
      message: `${describe(policy)} denies callers by identity; ${behind}, so it stops matching them (fail-open)`,
      remedy: mesh ? `attach a copy to GatewayClass istio-waypoint ${who}` : "copy it to the waypoint, which sees the real callers; the original stays for traffic that reaches the pods directly (the plan does this)"
    },
    "deny-blocks-waypoint": {
      message: `${describe(policy)} denies every caller it does not except; ${behind}, and it would deny all traffic through the waypoint`,
      remedy: mesh ? `exempt ${waypoint.principal} in the rules that match it ${who}, and attach a copy to GatewayClass istio-waypoint` : `exempt ${waypoint.principal} in the rules that match it and copy the policy to the waypoint, which sees the real callers (the plan does both)`
    }
  };
  const localize = `copy it into ${namespace} keeping its selector (the plan then handles that copy), and narrow its selector in the root namespace so that it no longer selects pods in ${namespace}`;
  const finding2 = makeFinding(identity.effect.startsWith("allow") ? FINDINGS.l4AllowWaypointIdentity : FINDINGS.l4DenyWaypointIdentity, {
    message: text[identity.effect].message,
    remedy: reach === "selected" ? localize : text[identity.effect].remedy,
    namespaces: [namespace],
    resource: refOf(policy),
    scope: mesh ? "mesh" : Object.keys(policy.spec?.selector?.matchLabels ?? {}).length ? "workload" : "namespace"
  });
  return { finding: finding2, effect: identity.effect };
}

// source/core/audit/risks.ts
function riskFindings(ctx) {
  const out = [];
  const inMesh = (ns) => ctx.modes.get(ns) !== void 0 && ctx.modes.get(ns) !== "none";
  for (const sidecar of ctx.items("sidecar")) {
    const namespace = sidecar.metadata.namespace;
    const meshWide = namespace === ctx.rootNamespace && !sidecar.spec?.workloadSelector;
    out.push(
      makeFinding(FINDINGS.sidecarResource, {
        message: `${describe(sidecar)} tunes sidecars (egress hosts, ingress ports, outbound policy); it has no effect on ambient workloads`,
        remedy: "review what it restricts; egress lockdown in ambient needs an egress waypoint with ServiceEntries",
        namespaces: meshWide ? ctx.meshNamespaces : [namespace],
        resource: refOf(sidecar),
        scope: meshWide ? "mesh" : sidecar.spec?.workloadSelector ? "workload" : "namespace"
      })
    );
    if (sidecar.spec?.outboundTrafficPolicy?.mode === "REGISTRY_ONLY") {
      out.push(
        makeFinding(FINDINGS.registryOnly, {
          message: `${describe(sidecar)} sets outboundTrafficPolicy REGISTRY_ONLY; ztunnel ignores it, so egress to unknown hosts opens up`,
          remedy: "use an egress waypoint and ServiceEntries labelled istio.io/use-waypoint to keep egress locked down",
          namespaces: meshWide ? ctx.meshNamespaces : [namespace],
          resource: refOf(sidecar),
          scope: meshWide ? "mesh" : "namespace",
          field: "spec.outboundTrafficPolicy.mode"
        })
      );
    }
  }
  if (ctx.meshConfig.outboundTrafficPolicy?.mode === "REGISTRY_ONLY") {
    out.push(
      makeFinding(FINDINGS.registryOnly, {
        message: "meshConfig.outboundTrafficPolicy is REGISTRY_ONLY; ztunnel ignores it, so egress to unknown hosts opens up for ambient workloads",
        remedy: "use an egress waypoint and ServiceEntries labelled istio.io/use-waypoint to keep egress locked down",
        namespaces: ctx.meshNamespaces,
        resource: refOfKind("configMap", "istio", ctx.istioNamespace),
        scope: "mesh",
        field: "data.mesh.outboundTrafficPolicy.mode"
      })
    );
  }
  for (const service of ctx.items("service")) {
    const namespace = service.metadata.namespace;
    if (service.spec?.clusterIP !== "None" || !service.spec?.selector || ctx.modes.get(namespace) !== "sidecar") continue;
    out.push(
      makeFinding(FINDINGS.headlessService, {
        message: `${describe(service)} is headless: sidecar clients cannot send HBONE to it once its pods are ambient, and service waypoints only see Service-IP traffic`,
        remedy: "migrate its sidecar callers in the same window, or keep this namespace on sidecars until they move",
        namespaces: [namespace],
        resource: refOf(service),
        scope: "workload"
      })
    );
  }
  const mergeOn = ctx.meshConfig.enablePrometheusMerge !== false;
  for (const namespace of mergeOn ? ctx.meshNamespaces : []) {
    const scraped = [...ctx.inNamespace("deployment", namespace), ...ctx.inNamespace("statefulSet", namespace), ...ctx.inNamespace("daemonSet", namespace)].filter((w) => w.spec?.template?.metadata?.annotations?.["prometheus.io/scrape"] === "true").map((w) => w.spec?.selector?.matchLabels ?? {}).filter((selector) => Object.keys(selector).length > 0);
    const merged = ctx.podsIn(namespace).filter((p) => {
      if (!hasSidecar(p) || p.metadata.annotations?.["prometheus.istio.io/merge-metrics"] === "false") return false;
      if (p.metadata.annotations?.["prometheus.io/port"] !== "15020") return false;
      const proxy = (p.spec?.containers ?? []).find((c) => c.name === "istio-proxy");
      if (proxy?.env?.some((e) => e.name === "ISTIO_PROMETHEUS_ANNOTATIONS")) return true;
      return scraped.some((selector) => selects(selector, p.metadata.labels));
    });
    if (merged.length === 0) continue;
    out.push(
      makeFinding(FINDINGS.metricsMerging, {
        message: `${merged.length} pod${merged.length > 1 ? "s" : ""} in ${namespace} ${merged.length > 1 ? "expose" : "exposes"} application metrics through the sidecar's merged endpoint (:15020); it disappears with the sidecar`,
        remedy: "point scraping (annotations, PodMonitor/ServiceMonitor) at the application port; waypoint and ztunnel metrics are scraped separately",
        namespaces: [namespace],
        resource: refOfKind("namespace", namespace),
        scope: "namespace"
      })
    );
  }
  for (const workload of [...ctx.items("deployment"), ...ctx.items("statefulSet"), ...ctx.items("daemonSet")]) {
    const namespace = workload.metadata.namespace;
    if (!inMesh(namespace)) continue;
    const template = workload.spec?.template?.metadata ?? {};
    const inject = template.labels?.["sidecar.istio.io/inject"] ?? template.annotations?.["sidecar.istio.io/inject"];
    const revision = template.labels?.["istio.io/rev"];
    if (inject !== "true" && !revision) continue;
    if (template.annotations?.["inject.istio.io/templates"]?.includes("gateway")) continue;
    out.push(
      makeFinding(FINDINGS.injectionOverride, {
        message: `${describe(workload)} asks for a sidecar in its pod template (${inject === "true" ? "sidecar.istio.io/inject=true" : `istio.io/rev=${revision}`}); removing the namespace label alone would not drop it`,
        remedy: "the plan removes the override from the pod template together with the namespace label",
        namespaces: [namespace],
        resource: refOf(workload),
        scope: "workload",
        // The label wins over the (deprecated) annotation, as in the injector; name the one that is set.
        field: inject !== "true" ? "spec.template.metadata.labels[istio.io/rev]" : template.labels?.["sidecar.istio.io/inject"] !== void 0 ? "spec.template.metadata.labels[sidecar.istio.io/inject]" : "spec.template.metadata.annotations[sidecar.istio.io/inject]"
      })
    );
  }
  return out;
}
function trafficPolicyFindings(ctx, waypointNamespaces) {
  const out = [];
  for (const rule of ctx.items("destinationRule")) {
    const namespace = rule.metadata.namespace;
    const policy = rule.spec?.trafficPolicy;
    if (!policy || waypointNamespaces.has(namespace) || ctx.modes.get(namespace) === "none") continue;
    const effective = Object.keys(policy).filter((k) => k !== "tls");
    if (effective.length === 0) continue;
    out.push(
      makeFinding(FINDINGS.trafficPolicyWithoutWaypoint, {
        message: `${describe(rule)} sets ${effective.join(", ")}; ztunnel ignores DestinationRules, so this stops applying unless the namespace gets a waypoint`,
        remedy: "accept the change, or give the namespace a waypoint so the policy keeps applying",
        namespaces: [namespace],
        resource: refOf(rule),
        scope: "workload",
        field: "spec.trafficPolicy"
      })
    );
  }
  return out;
}

// source/core/audit/unreadable.ts
var FINDING_INPUTS = {
  vmWorkloads: ["workloadGroup", "workloadEntry"],
  workloadEntry: ["workloadEntry"],
  spire: ["configMap", "deployment", "statefulSet", "daemonSet"],
  spirePresent: ["csiDriver", "crd", "configMap", "deployment", "statefulSet", "daemonSet"],
  peerAuthDisable: ["peerAuthentication", "configMap"],
  primaryRemote: ["mutatingWebhook", "configMap", "deployment", "service"],
  multiclusterSecrets: ["secret", "mutatingWebhook", "configMap", "deployment"],
  envoyFilter: ["envoyFilter", "configMap"],
  sidecarCallers: ["authorizationPolicy", "virtualService", "requestAuthentication", "wasmPlugin"],
  ingressBypass: ["virtualService", "httpRoute", "service", "authorizationPolicy", "requestAuthentication", "wasmPlugin"],
  routeMix: ["virtualService", "httpRoute"],
  l7Authorization: ["authorizationPolicy", "configMap"],
  l7DenyFailsOpen: ["authorizationPolicy", "configMap"],
  customOrAudit: ["authorizationPolicy", "configMap"],
  requestAuthentication: ["requestAuthentication", "configMap"],
  wasmPlugin: ["wasmPlugin", "configMap"],
  l4AllowWaypointIdentity: ["authorizationPolicy", "virtualService", "requestAuthentication", "wasmPlugin"],
  l4DenyWaypointIdentity: ["authorizationPolicy", "virtualService", "requestAuthentication", "wasmPlugin"],
  virtualService: ["virtualService"],
  subsets: ["virtualService"],
  untranslatable: ["virtualService"],
  sidecarResource: ["sidecar", "configMap"],
  registryOnly: ["sidecar", "configMap"],
  headlessService: ["service"],
  metricsMerging: ["configMap", "deployment", "statefulSet", "daemonSet"],
  injectionOverride: ["deployment", "statefulSet", "daemonSet"],
  trafficPolicyWithoutWaypoint: ["destinationRule", "authorizationPolicy", "virtualService", "requestAuthentication", "wasmPlugin"],
  dryRunPolicy: ["authorizationPolicy", "configMap"],
  reviewPolicy: ["authorizationPolicy", "configMap"]
};
function findingsNeeding(kind) {
  return Object.entries(FINDING_INPUTS).filter(([, kinds]) => kind === "namespace" || kind === "pod" || kinds.includes(kind)).map(([key]) => FINDINGS[key].id);
}
function unreadableKinds(inventory) {
  const out = [];
  for (const [name, state] of Object.entries(inventory.unreadable)) {
    if (state.state === "not-installed") continue;
    const ref = KINDS[name];
    out.push({
      kind: ref.kind,
      apiVersion: apiVersionOf(ref),
      resource: qualifiedName(ref),
      reason: state.state,
      message: state.message,
      ...state.state === "forbidden" ? { permission: state.permission } : {},
      affects: [...checksNeeding(name), ...findingsNeeding(name)]
    });
  }
  return out.sort((a, b) => byCodeUnits(a.resource, b.resource));
}
var PLAN_INPUTS = [
  "namespace",
  "pod",
  "service",
  "deployment",
  "statefulSet",
  "daemonSet",
  "destinationRule",
  "virtualService",
  "authorizationPolicy",
  "requestAuthentication",
  "wasmPlugin",
  "gateway"
];
var DECISIVE = Object.keys(FINDING_INPUTS).filter(
  (key) => FINDINGS[key].severity === "blocker" || FINDINGS[key].needsWaypoint || key === "l4AllowWaypointIdentity" || key === "l4DenyWaypointIdentity"
);
var DECISIVE_INPUTS = /* @__PURE__ */ new Set([...PLAN_INPUTS, ...DECISIVE.flatMap((key) => FINDING_INPUTS[key] ?? [])]);
function unreadableKindFindings(ctx) {
  const namespaces = [...ctx.modes].filter(([, mode]) => mode !== "ambient").map(([name]) => name);
  const out = [];
  for (const [name, state] of Object.entries(ctx.inventory.unreadable)) {
    if (state.state === "not-installed" || !DECISIVE_INPUTS.has(name)) continue;
    const ref = KINDS[name];
    const resource = qualifiedName(ref);
    const unverified = findingsNeeding(name).filter((id) => DECISIVE.some((key) => FINDINGS[key].id === id));
    const what = unverified.length > 3 ? `${unverified.slice(0, 3).join(", ")} and ${unverified.length - 3} more` : unverified.join(", ");
    const why = state.state === "forbidden" ? `no permission to list ${resource} cluster-wide` : `listing ${resource} failed (${state.message})`;
    out.push(
      makeFinding(FINDINGS.unreadableKind, {
        message: `${why}: ${what || "the plan"} could not be verified, so no namespace can be called safe to migrate`,
        remedy: state.state === "forbidden" ? `grant list on ${resource} cluster-wide (the README's ClusterRole has every permission the tool needs), then audit again` : `check that \`kubectl get ${resource} -A\` works, then audit again`,
        namespaces,
        resource: { apiVersion: apiVersionOf(ref), kind: ref.kind, name: "*" },
        scope: "mesh"
      })
    );
  }
  return out;
}

// source/core/system-namespaces.ts
var KUBERNETES_NAMESPACES = ["kube-system", "kube-public", "kube-node-lease"];
function systemNamespaces(ctx) {
  const out = /* @__PURE__ */ new Set([ctx.istioNamespace]);
  for (const plane of ctx.controlPlanes) out.add(plane.namespace);
  for (const ds of ctx.items("daemonSet")) {
    const name = ds.metadata.name;
    if (name === "ztunnel" || name === "istio-cni-node" || ds.metadata.labels?.app === "ztunnel") out.add(ds.metadata.namespace);
  }
  for (const namespace of ctx.namespaces) {
    const name = namespace.metadata.name;
    const workloads = ["deployment", "statefulSet", "daemonSet"].flatMap((kind) => ctx.inNamespace(kind, name));
    const pods = ctx.podsIn(name);
    if (workloads.length + pods.length > 0 && workloads.every(isInfrastructureWorkload) && pods.every(isMeshInfrastructure)) out.add(name);
  }
  const existing = new Set(ctx.namespaces.map((n) => n.metadata.name));
  for (const name of KUBERNETES_NAMESPACES) if (existing.has(name)) out.add(name);
  return [...out].filter((name) => existing.has(name)).sort(byCodeUnits);
}
function readinessLabel(namespace, system) {
  const candidate = namespace.readiness === "ready" || namespace.readiness === "needs-waypoint";
  return candidate && system.has(namespace.name) ? "system" : namespace.readiness;
}

// source/core/audit/audit.ts
var SEVERITY_ORDER = { blocker: 0, warning: 1, info: 2 };
async function auditCluster(client) {
  const version = await client.version();
  const inventory = await loadInventory(client, AUDIT_KINDS);
  return auditInventory(inventory, { context: client.endpoint.context, server: client.endpoint.server, kubernetesVersion: version.gitVersion });
}
function auditInventory(inventory, cluster) {
  return auditContext(buildContext(inventory), cluster);
}
function auditContext(ctx, cluster) {
  const primary = [...blockerFindings(ctx), ...unreadableKindFindings(ctx), ...policyFindings(ctx), ...routeFindings(ctx), ...envoyFilterFindings(ctx), ...routeMixFindings(ctx), ...riskFindings(ctx)];
  const waypointNamespaces = namespacesNeedingWaypoint(ctx, primary);
  const findings = sortFindings([
    ...primary,
    ...waypointIdentityFindings(ctx, waypointNamespaces),
    ...bypassFindings(ctx, waypointNamespaces),
    ...trafficPolicyFindings(ctx, waypointNamespaces)
  ]);
  return {
    cluster: {
      ...cluster,
      istio: ctx.controlPlanes.map((c) => ({ revision: c.revision, version: c.version, namespace: c.namespace, deployment: c.deployment })),
      installMethod: ctx.installMethod,
      systemNamespaces: systemNamespaces(ctx)
    },
    checks: runEnvironmentChecks(ctx, cluster),
    findings,
    namespaces: readiness(ctx, findings),
    unreadable: unreadableKinds(ctx.inventory)
  };
}
function namespacesNeedingWaypoint(ctx, findings) {
  const out = /* @__PURE__ */ new Set();
  for (const finding2 of findings) {
    if (!findingDefinition(finding2.id)?.needsWaypoint) continue;
    for (const ns of finding2.namespaces) if (ctx.modes.has(ns)) out.add(ns);
  }
  return out;
}
function readiness(ctx, findings) {
  const blockers = /* @__PURE__ */ new Map();
  const waypoint = /* @__PURE__ */ new Map();
  for (const finding2 of findings) {
    const definition = findingDefinition(finding2.id);
    const target = finding2.severity === "blocker" ? blockers : definition?.needsWaypoint ? waypoint : void 0;
    if (!target) continue;
    for (const ns of finding2.namespaces) {
      const set = target.get(ns) ?? /* @__PURE__ */ new Set();
      set.add(finding2.id);
      target.set(ns, set);
    }
  }
  return ctx.namespaces.map((ns) => ns.metadata.name).sort().map((name) => {
    const mode = ctx.modes.get(name);
    if (mode === "ambient") return { name, mode, readiness: "done", reasons: [] };
    const blocking = blockers.get(name);
    if (blocking) return { name, mode, readiness: "blocked", reasons: [...blocking].sort() };
    const needs = waypoint.get(name);
    if (needs) return { name, mode, readiness: "needs-waypoint", reasons: [...needs].sort() };
    return { name, mode, readiness: "ready", reasons: [] };
  });
}
function sortFindings(findings) {
  const key = (f) => `${f.resource.namespace ?? ""}/${f.resource.kind}/${f.resource.name}/${f.field ?? ""}`;
  return findings.sort(
    (a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || byCodeUnits(a.id, b.id) || byCodeUnits(key(a), key(b))
  );
}

export {
  readinessLabel,
  FINDINGS,
  makeFinding,
  analyzeVirtualService,
  parseServiceHost,
  analyzeAuthorizationPolicy,
  hasTargetRefs,
  attachmentOf,
  hasWaypointClassPolicy,
  waypointGateway,
  namespaceRevision,
  waypointIdentity,
  waypointRef,
  waypointIdentityEffect,
  withoutCallerConditions,
  exemptWaypoint,
  auditCluster,
  auditInventory,
  auditContext
};
