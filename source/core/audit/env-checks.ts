import type {KubeObject} from '../../kube/client.ts';
import type {KindName} from '../../kube/kinds.ts';
import {hasSidecar, isLive, isMeshInfrastructure} from '../dataplane.ts';
import {CHECKS} from './catalogue.ts';
import type {AuditContext, InstallMethod} from './context.ts';
import type {CheckResult} from './types.ts';
import {compareVersions, parseVersion} from './versions.ts';

type Check = (ctx: AuditContext, env: {kubernetesVersion: string}) => Omit<CheckResult, 'id'>;

const pass = (message: string): Omit<CheckResult, 'id'> => ({status: 'pass', message, remedy: ''});

/** istioctl's MinK8SVersion per Istio minor (istioctl/pkg/install/k8sversion/version.go). */
function minimumKubernetes(istio: string): string {
  const [, minor] = parseVersion(istio);
  if (minor <= 25) return '1.28';
  if (minor <= 28) return '1.29';
  if (minor === 29) return '1.30';
  return '1.32';
}

/** The Gateway API release each Istio minor was built against (its go.mod). */
function gatewayApiFor(istio: string): string {
  const [, minor] = parseVersion(istio);
  if (minor <= 24) return '1.2.0';
  if (minor === 25) return '1.2.1';
  if (minor <= 27) return '1.3.0';
  if (minor <= 29) return '1.4.0';
  if (minor === 30) return '1.5.1';
  return '1.6.0';
}

/** The command that turns on the ambient profile, written for the way Istio was installed. */
export function ambientProfileRemedy(method: InstallMethod, version: string | undefined): string {
  const pin = version ?? '<current version>';
  switch (method) {
    case 'helm':
      return [
        `helm get values istiod -n istio-system > istiod-values.yaml   # keep your custom values`,
        `helm upgrade istiod istio/istiod -n istio-system --version ${pin} -f istiod-values.yaml --set profile=ambient`,
        `helm upgrade istio-cni istio/cni -n istio-system --version ${pin} --reuse-values --set profile=ambient`,
        `helm install ztunnel istio/ztunnel -n istio-system --version ${pin}`,
        `(without -f/--reuse-values Helm resets your values; without --version it upgrades Istio)`,
      ].join('\n');
    case 'istioctl':
      return [
        `istioctl-${pin} install -f <your IstioOperator file> --set profile=ambient \\`,
        `  --set components.ingressGateways[0].name=istio-ingressgateway --set components.ingressGateways[0].enabled=true`,
        `(use an istioctl of the running version ${pin}; --set profile=ambient alone prunes istio-ingressgateway)`,
      ].join('\n');
    case 'operator':
      return `set spec.profile: ambient on the Istio and IstioCNI resources and create a ZTunnel resource (Sail operator)`;
    default:
      return `install the ambient components for Istio ${pin}: https://istio.io/latest/docs/ambient/migrate/install-ambient-components/`;
  }
}

function unverifiable(ctx: AuditContext, kinds: KindName[]): Omit<CheckResult, 'id'> | undefined {
  for (const kind of kinds) {
    const state = ctx.inventory.unreadable[kind];
    if (state?.state === 'forbidden') {
      const p = state.permission;
      return {
        status: 'unverified',
        message: `could not verify: no permission to ${p.verb} ${p.resource}${p.group ? `.${p.group}` : ''}`,
        remedy: `grant ${p.verb} on ${p.resource}${p.group ? `.${p.group}` : ''} cluster-wide (read-only) to the user running the audit`,
        missingPermission: p,
      };
    }
    if (state?.state === 'error') return {status: 'unverified', message: `could not verify: ${state.message}`, remedy: 'run the audit again'};
  }
  return undefined;
}

const istioVersion = (ctx: AuditContext) => ctx.controlPlanes.map(c => c.version).find(Boolean);

const checks: Array<{id: string; needs: KindName[]; run: Check}> = [
  {
    id: CHECKS.kubernetesVersion.id,
    needs: ['deployment'],
    run: (ctx, env) => {
      const version = istioVersion(ctx);
      if (!version) return pass(`Kubernetes ${env.kubernetesVersion}`);
      const minimum = minimumKubernetes(version);
      if (compareVersions(env.kubernetesVersion, minimum) < 0) {
        return {status: 'fail', message: `Kubernetes ${env.kubernetesVersion} is older than ${minimum}, the minimum for Istio ${version}`, remedy: `upgrade the cluster to Kubernetes ${minimum} or later before migrating`};
      }
      return pass(`Kubernetes ${env.kubernetesVersion} (Istio ${version} needs ${minimum} or later)`);
    },
  },
  {
    id: CHECKS.istioVersion.id,
    needs: ['deployment'],
    run: ctx => {
      if (ctx.controlPlanes.length === 0) return {status: 'fail', message: 'no istiod Deployment found in the cluster', remedy: 'this tool migrates an existing Istio sidecar mesh; install Istio first, or check --context'};
      const described = ctx.controlPlanes.map(c => `${c.version ?? 'unknown version'} (revision ${c.revision}, ${c.namespace}/${c.deployment})`).join(', ');
      const old = ctx.controlPlanes.filter(c => c.version && compareVersions(c.version, '1.24') < 0);
      if (old.length > 0) return {status: 'fail', message: `Istio ${described}: ambient mode needs 1.24 or later`, remedy: 'upgrade Istio to a supported release (1.25 or later recommended) before migrating'};
      if (ctx.controlPlanes.some(c => !c.version)) return {status: 'warn', message: `Istio ${described}: the version could not be read from the istiod image`, remedy: 'run istioctl version to confirm it is 1.24 or later'};
      if (ctx.controlPlanes.length > 1) return {status: 'warn', message: `several control planes: ${described}`, remedy: 'finish any canary upgrade first: migrating while two revisions serve the mesh doubles the work'};
      return pass(`Istio ${described}`);
    },
  },
  {
    id: CHECKS.installMethod.id,
    needs: ['deployment', 'crd'],
    run: ctx => {
      const names: Record<InstallMethod, string> = {helm: 'Helm', istioctl: 'istioctl', operator: 'the Sail operator', unknown: 'an unknown method'};
      const pitfalls: Record<InstallMethod, string> = {
        helm: 'helm upgrade without -f/--reuse-values resets your values, and without --version it pulls the newest chart',
        istioctl: 'istioctl install --set profile=ambient prunes istio-ingressgateway unless you pass your IstioOperator or re-enable it',
        operator: 'change the Istio, IstioCNI and ZTunnel resources, not the Deployments',
        unknown: 'remedies below are generic',
      };
      const status = ctx.installMethod === 'unknown' ? 'warn' : 'pass';
      return {status, message: `Istio was installed with ${names[ctx.installMethod]}: ${pitfalls[ctx.installMethod]}`, remedy: status === 'warn' ? 'check how Istio was installed before changing it; remedies are written for Helm and istioctl' : ''};
    },
  },
  {
    id: CHECKS.ambientEnabled.id,
    needs: ['deployment'],
    run: ctx => {
      const istiods = ctx.items('deployment').filter(d => ctx.controlPlanes.some(c => c.namespace === d.metadata.namespace && c.deployment === d.metadata.name));
      if (istiods.length === 0) return {status: 'fail', message: 'no istiod to check', remedy: ambientProfileRemedy(ctx.installMethod, undefined)};
      const disabled = istiods.filter(d => envOf(d, 'discovery').PILOT_ENABLE_AMBIENT !== 'true');
      if (disabled.length > 0) {
        return {status: 'fail', message: `PILOT_ENABLE_AMBIENT is not true on ${disabled.map(d => `${d.metadata.namespace}/${d.metadata.name}`).join(', ')}`, remedy: ambientProfileRemedy(ctx.installMethod, istioVersion(ctx))};
      }
      return pass('istiod runs with PILOT_ENABLE_AMBIENT=true');
    },
  },
  {
    id: CHECKS.ztunnel.id,
    needs: ['daemonSet', 'node'],
    run: ctx => {
      const ds = ctx.items('daemonSet').find(d => d.metadata.name === 'ztunnel' || d.metadata.labels?.app === 'ztunnel');
      if (!ds) return {status: 'fail', message: 'no ztunnel DaemonSet', remedy: ambientProfileRemedy(ctx.installMethod, istioVersion(ctx))};
      const desired = ds.status?.desiredNumberScheduled ?? 0;
      const ready = ds.status?.numberReady ?? 0;
      const nodes = ctx.items('node').length;
      if (ready < desired || (nodes > 0 && desired < nodes)) {
        return {status: 'fail', message: `ztunnel ready on ${ready} of ${Math.max(desired, nodes)} nodes (${ds.metadata.namespace}/${ds.metadata.name})`, remedy: `kubectl -n ${ds.metadata.namespace} get pods -l app=ztunnel -o wide   # find the nodes without a ready ztunnel`};
      }
      return pass(`ztunnel ready on all ${ready} nodes (${ds.metadata.namespace}/${ds.metadata.name})`);
    },
  },
  {
    id: CHECKS.istioCni.id,
    needs: ['daemonSet', 'configMap'],
    run: ctx => {
      const ds = ctx.items('daemonSet').find(d => d.metadata.name === 'istio-cni-node');
      if (!ds) return {status: 'fail', message: 'no istio-cni-node DaemonSet', remedy: ambientProfileRemedy(ctx.installMethod, istioVersion(ctx))};
      const config = ctx.configMap(ds.metadata.namespace!, 'istio-cni-config');
      const ambient = (config?.data as Record<string, string> | undefined)?.AMBIENT_ENABLED;
      if (ambient !== 'true') return {status: 'fail', message: `istio-cni runs, but not in ambient mode (istio-cni-config AMBIENT_ENABLED=${ambient ?? 'unset'})`, remedy: ambientProfileRemedy(ctx.installMethod, istioVersion(ctx))};
      const desired = ds.status?.desiredNumberScheduled ?? 0;
      const ready = ds.status?.numberReady ?? 0;
      if (ready < desired) return {status: 'fail', message: `istio-cni ready on ${ready} of ${desired} nodes`, remedy: `kubectl -n ${ds.metadata.namespace} get pods -l k8s-app=istio-cni-node -o wide`};
      return pass(`istio-cni in ambient mode on all ${ready} nodes`);
    },
  },
  {
    id: CHECKS.gatewayApiCrds.id,
    needs: ['crd'],
    run: ctx => {
      const wanted = ['gateways', 'httproutes', 'gatewayclasses'].map(p => `${p}.gateway.networking.k8s.io`);
      const crds = ctx.items('crd');
      const missing = wanted.filter(name => !crds.some(c => c.metadata.name === name && servesV1(c)));
      const version = istioVersion(ctx);
      const recommended = version ? gatewayApiFor(version) : '1.4.0';
      const install = `kubectl apply --server-side -f https://github.com/kubernetes-sigs/gateway-api/releases/download/v${recommended}/standard-install.yaml`;
      if (missing.length > 0) return {status: 'fail', message: `Gateway API CRDs missing or not serving v1: ${missing.join(', ')}`, remedy: install};
      const gatewayCrd = crds.find(c => c.metadata.name === 'gateways.gateway.networking.k8s.io')!;
      const bundle = gatewayCrd.metadata.annotations?.['gateway.networking.k8s.io/bundle-version'];
      const channel = gatewayCrd.metadata.annotations?.['gateway.networking.k8s.io/channel'] ?? 'unknown';
      if (!bundle || compareVersions(bundle, '1.2.0') < 0) {
        return {status: 'warn', message: `Gateway API CRDs ${bundle ?? 'of unknown version'} (${channel} channel) are older than ${version ? `Istio ${version}` : 'Istio'} expects (v${recommended})`, remedy: install};
      }
      return pass(`Gateway API ${bundle} (${channel} channel) serving v1${version ? `; Istio ${version} was built against v${recommended}` : ''}`);
    },
  },
  {
    id: CHECKS.waypointClass.id,
    needs: ['gatewayClass'],
    run: ctx => {
      if (ctx.inventory.unreadable.gatewayClass?.state === 'not-installed') return {status: 'fail', message: 'the GatewayClass kind is not installed (no Gateway API CRDs)', remedy: 'install the Gateway API CRDs, then restart istiod so it creates istio-waypoint'};
      const cls = ctx.items('gatewayClass').find(c => c.metadata.name === 'istio-waypoint');
      if (!cls) return {status: 'fail', message: 'GatewayClass istio-waypoint does not exist', remedy: `istiod creates it when ambient is enabled and the Gateway API CRDs exist: kubectl -n ${ctx.istioNamespace} rollout restart deployment/istiod`};
      return pass('GatewayClass istio-waypoint exists');
    },
  },
  {
    id: CHECKS.hboneSidecars.id,
    needs: ['pod'],
    run: ctx => {
      const stale = ctx.items('pod').filter(p => isLive(p) && hasSidecar(p) && !isMeshInfrastructure(p) && !sidecarHasHbone(p));
      const total = ctx.items('pod').filter(p => isLive(p) && hasSidecar(p) && !isMeshInfrastructure(p)).length;
      // "all 0 sidecars carry ..." read as if something had been checked.
      if (total === 0) return pass('no sidecar to restart: no workload runs an Istio sidecar');
      if (stale.length === 0) return pass(`all ${total} sidecars carry ISTIO_META_ENABLE_HBONE=true`);
      const namespaces = [...new Set(stale.map(p => p.metadata.namespace!))].sort();
      const shown = stale.slice(0, 5).map(p => `${p.metadata.namespace}/${p.metadata.name}`).join(', ');
      return {
        status: 'warn',
        message: `${stale.length} of ${total} sidecars started before the ambient profile and lack ISTIO_META_ENABLE_HBONE: ${shown}${stale.length > 5 ? `, and ${stale.length - 5} more` : ''}`,
        remedy: namespaces.map(ns => `kubectl rollout restart deployment -n ${ns}`).join('\n'),
      };
    },
  },
  {
    id: CHECKS.networkPolicies.id,
    needs: ['networkPolicy'],
    run: ctx => {
      const problems: string[] = [];
      for (const policy of ctx.items('networkPolicy')) {
        if (ctx.modes.get(policy.metadata.namespace!) === 'none') continue;
        const issue = networkPolicyIssue(policy);
        if (issue) problems.push(`${policy.metadata.namespace}/${policy.metadata.name}: ${issue}`);
      }
      if (problems.length === 0) return pass('no NetworkPolicy in the mesh namespaces blocks HBONE or kubelet probes');
      return {
        status: 'warn',
        message: `NetworkPolicies that would block ambient traffic: ${problems.join('; ')}`,
        remedy: 'allow ingress on TCP 15008 (HBONE) and from 169.254.7.127/32 (kubelet probes, SNATed by istio-cni) in these policies',
      };
    },
  },
];

/** The checks that read a kind: what a kind that cannot be read leaves unverified. */
export function checksNeeding(kind: KindName): string[] {
  return checks.filter(check => check.needs.includes(kind)).map(check => check.id);
}

export function runEnvironmentChecks(ctx: AuditContext, env: {kubernetesVersion: string}): CheckResult[] {
  return checks.map(check => ({id: check.id, ...(unverifiable(ctx, check.needs) ?? check.run(ctx, env))}));
}

function servesV1(crd: KubeObject): boolean {
  return ((crd.spec?.versions ?? []) as Array<{name: string; served?: boolean}>).some(v => v.name === 'v1' && v.served !== false);
}

/** The env of a pod template's container (named, or the first). */
function envOf(deployment: KubeObject, container: string): Record<string, string> {
  const containers = (deployment.spec?.template?.spec?.containers ?? []) as Array<{name: string; env?: Array<{name: string; value?: string}>}>;
  const c = containers.find(x => x.name === container) ?? containers[0];
  return Object.fromEntries((c?.env ?? []).map(e => [e.name, e.value ?? '']));
}

/** The proxy is a container, or an init container when injected as a native sidecar. */
export function sidecarHasHbone(pod: KubeObject): boolean {
  const all = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])] as Array<{name: string; env?: Array<{name: string; value?: string}>}>;
  const proxy = all.find(c => c.name === 'istio-proxy');
  if (!proxy) return false;
  for (const e of proxy.env ?? []) {
    if (e.name === 'ISTIO_META_ENABLE_HBONE' && e.value === 'true') return true;
    if (e.name === 'PROXY_CONFIG' && e.value) {
      try {
        if (JSON.parse(e.value)?.proxyMetadata?.ISTIO_META_ENABLE_HBONE === 'true') return true;
      } catch {
        // Not JSON: not the setting we look for.
      }
    }
  }
  return false;
}

/**
 * An ingress-restricting NetworkPolicy that names ports must include 15008, and one that restricts
 * sources must let kubelet probes (SNATed to 169.254.7.127) in.
 */
function networkPolicyIssue(policy: KubeObject): string | undefined {
  const types = (policy.spec?.policyTypes as string[] | undefined) ?? ['Ingress'];
  if (!types.includes('Ingress')) return undefined;
  const rules = (policy.spec?.ingress ?? []) as Array<{ports?: Array<{port?: number | string}>; from?: Array<{ipBlock?: {cidr: string}}>}>;
  if (rules.length === 0) return 'denies all ingress, including HBONE on 15008';
  const openOnAllPorts = rules.some(r => !r.ports || r.ports.length === 0);
  const allows15008 = openOnAllPorts || rules.some(r => r.ports?.some(p => Number(p.port) === 15008));
  const openToAll = rules.some(r => !r.from || r.from.length === 0);
  const allowsProbes = openToAll || rules.some(r => r.from?.some(f => f.ipBlock && cidrContains(f.ipBlock.cidr, '169.254.7.127')));
  const issues = [];
  if (!allows15008) issues.push('no ingress on TCP 15008');
  if (!allowsProbes) issues.push('kubelet probes from 169.254.7.127 not allowed');
  return issues.length ? issues.join(', ') : undefined;
}

function cidrContains(cidr: string, ip: string): boolean {
  const [base, bits] = cidr.split('/');
  const toInt = (a: string) => a.split('.').reduce((n, o) => (n << 8) + Number(o), 0) >>> 0;
  if (!base || !/^\d+\.\d+\.\d+\.\d+$/.test(base)) return false;
  const prefix = Number(bits ?? 32);
  const mask = prefix === 0 ? 0 : (~0 << (32 - prefix)) >>> 0;
  return (toInt(base) & mask) === (toInt(ip) & mask);
}
