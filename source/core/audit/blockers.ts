import yaml from 'js-yaml';
import type {KubeObject} from '../../kube/client.ts';
import {FINDINGS} from './catalogue.ts';
import {describe, refOf, type AuditContext} from './context.ts';
import {makeFinding} from './finding.ts';
import type {Finding} from './types.ts';

/**
 * The guide's hard blockers, from the signals of the reference (§2.1). Strong signals block; weak ones
 * (a WorkloadEntry for an external database, SPIRE installed but unused, remote secrets alone) warn.
 * Scope: a mesh-wide signal blocks every mesh namespace, a namespace or workload one only its own.
 */
export function blockerFindings(ctx: AuditContext): Finding[] {
  return [...vmWorkloads(ctx), ...spire(ctx), ...peerAuthenticationDisable(ctx), ...primaryRemote(ctx)];
}

function vmWorkloads(ctx: AuditContext): Finding[] {
  const out: Finding[] = [];
  const remedy = 'VM workloads cannot join an ambient mesh yet: keep this namespace on sidecars, or move the VM workloads out of the mesh first';
  for (const group of ctx.items('workloadGroup')) {
    out.push(
      makeFinding(FINDINGS.vmWorkloads, {
        message: `${describe(group)} onboards VMs into the mesh`,
        remedy,
        namespaces: [group.metadata.namespace!],
        resource: refOf(group),
        scope: 'namespace',
      }),
    );
  }
  for (const entry of ctx.items('workloadEntry')) {
    const annotations = entry.metadata.annotations ?? {};
    const autoRegistered = ['istio.io/autoRegistrationGroup', 'istio.io/workloadController', 'istio.io/connectedAt'].some(a => a in annotations);
    // The endpoint's labels are spec.labels (metadata.labels only label the object), and Istio reads the
    // tlsMode there, defaulting it to istio when a service account is set (serviceentry/conversion.go
    // getTLSModeFromWorkloadEntry). Reading metadata.labels alone missed every hand-written VM entry.
    const tlsMode = entry.spec?.labels?.['security.istio.io/tlsMode'] ?? entry.metadata.labels?.['security.istio.io/tlsMode'] ?? 'istio';
    const runsProxy = Boolean(entry.spec?.serviceAccount) && tlsMode === 'istio';
    if (autoRegistered || runsProxy) {
      out.push(
        makeFinding(FINDINGS.vmWorkloads, {
          message: `${describe(entry)} is a VM running the Istio proxy (${autoRegistered ? 'registered with istiod' : 'service account with tlsMode istio'})`,
          remedy,
          namespaces: [entry.metadata.namespace!],
          resource: refOf(entry),
          scope: 'workload',
        }),
      );
    } else {
      out.push(
        makeFinding(FINDINGS.workloadEntry, {
          message: `${describe(entry)} (${entry.spec?.address ?? 'no address'}) has no Istio proxy: ambient models it as a plain endpoint, which is fine`,
          remedy: 'nothing to do unless this address runs an Istio sidecar; if it does, treat it as a VM workload',
          namespaces: [entry.metadata.namespace!],
          resource: refOf(entry),
          scope: 'workload',
        }),
      );
    }
  }
  return out;
}

function injectorHasSpireTemplate(configMap: KubeObject): boolean {
  const data = (configMap.data ?? {}) as Record<string, string>;
  try {
    const config = data.config ? (yaml.load(data.config) as {templates?: Record<string, unknown>} | undefined) : undefined;
    if (config?.templates && 'spire' in config.templates) return true;
  } catch {
    // A config we cannot parse says nothing about SPIRE.
  }
  try {
    const values = data.values ? (JSON.parse(data.values) as {sidecarInjectorWebhook?: {templates?: Record<string, unknown>}}) : undefined;
    if (values?.sidecarInjectorWebhook?.templates && 'spire' in values.sidecarInjectorWebhook.templates) return true;
  } catch {
    // Idem.
  }
  return false;
}

function podTemplateUsesSpire(metadata: {labels?: Record<string, string>; annotations?: Record<string, string>} | undefined, spec: any): string | undefined {
  const templates = metadata?.annotations?.['inject.istio.io/templates'] ?? '';
  if (templates.split(',').map(t => t.trim()).includes('spire')) return 'injection template spire';
  if (metadata?.labels?.['spiffe.io/spire-managed-identity'] === 'true') return 'label spiffe.io/spire-managed-identity';
  if ((spec?.volumes ?? []).some((v: any) => v?.csi?.driver === 'csi.spiffe.io')) return 'a csi.spiffe.io volume';
  return undefined;
}

function spire(ctx: AuditContext): Finding[] {
  const out: Finding[] = [];
  const remedy = 'ztunnel does not support SPIRE upstream: keep these workloads on sidecars until it does, or move identity back to istiod';
  for (const cm of ctx.inNamespace('configMap', ctx.istioNamespace)) {
    if (!cm.metadata.name.startsWith('istio-sidecar-injector') || !injectorHasSpireTemplate(cm)) continue;
    out.push(
      makeFinding(FINDINGS.spire, {
        message: `${describe(cm)} defines the spire injection template: workload identity comes from SPIRE`,
        remedy,
        namespaces: ctx.meshNamespaces,
        resource: refOf(cm),
        scope: 'mesh',
      }),
    );
  }
  const workloads = [...ctx.items('deployment'), ...ctx.items('statefulSet'), ...ctx.items('daemonSet')];
  for (const workload of workloads) {
    const signal = podTemplateUsesSpire(workload.spec?.template?.metadata, workload.spec?.template?.spec);
    if (!signal) continue;
    out.push(
      makeFinding(FINDINGS.spire, {
        message: `${describe(workload)} gets its identity from SPIRE (${signal})`,
        remedy,
        namespaces: [workload.metadata.namespace!],
        resource: refOf(workload),
        scope: 'workload',
      }),
    );
  }
  if (out.length === 0) {
    const driver = ctx.items('csiDriver').find(d => d.metadata.name === 'csi.spiffe.io');
    const crd = ctx.items('crd').find(c => c.metadata.name.endsWith('.spire.spiffe.io'));
    const present = driver ?? crd;
    if (present) {
      out.push(
        makeFinding(FINDINGS.spirePresent, {
          message: `SPIRE is installed (${describe(present)}) but no Istio workload or injection template uses it`,
          remedy: 'nothing blocks the migration; make sure no workload is about to start using SPIRE identities',
          namespaces: [],
          resource: refOf(present),
          scope: 'mesh',
        }),
      );
    }
  }
  return out;
}

function peerAuthenticationDisable(ctx: AuditContext): Finding[] {
  const out: Finding[] = [];
  for (const policy of ctx.items('peerAuthentication')) {
    const disabledPorts = Object.entries((policy.spec?.portLevelMtls ?? {}) as Record<string, {mode?: string}>)
      .filter(([, v]) => v?.mode === 'DISABLE')
      .map(([port]) => port);
    const disabled = policy.spec?.mtls?.mode === 'DISABLE';
    if (!disabled && disabledPorts.length === 0) continue;
    const namespace = policy.metadata.namespace!;
    const hasSelector = Boolean(policy.spec?.selector?.matchLabels && Object.keys(policy.spec.selector.matchLabels).length);
    // Selector policies in the root namespace are ignored by Istio.
    if (hasSelector && namespace === ctx.rootNamespace) continue;
    const scope: Finding['scope'] = namespace === ctx.rootNamespace ? 'mesh' : hasSelector ? 'workload' : 'namespace';
    const what = disabled ? 'mtls.mode DISABLE' : `portLevelMtls DISABLE on port${disabledPorts.length > 1 ? 's' : ''} ${disabledPorts.join(', ')}`;
    out.push(
      makeFinding(FINDINGS.peerAuthDisable, {
        message: `${describe(policy)} sets ${what}${scope === 'mesh' ? ' mesh-wide' : ''}: ambient treats DISABLE as PERMISSIVE, so traffic meant to be plaintext would be mTLS`,
        remedy: `remove DISABLE (PERMISSIVE or STRICT are fine): kubectl -n ${namespace} edit peerauthentication ${policy.metadata.name}; to keep plaintext, leave the namespace out of ambient`,
        namespaces: scope === 'mesh' ? ctx.meshNamespaces : [namespace],
        resource: refOf(policy),
        scope,
        field: disabled ? 'spec.mtls.mode' : `spec.portLevelMtls[${disabledPorts[0]}].mode`,
      }),
    );
  }
  return out;
}

function mergedValues(ctx: AuditContext): Record<string, any> {
  for (const cm of ctx.inNamespace('configMap', ctx.istioNamespace)) {
    if (!/^values(-.+)?$/.test(cm.metadata.name)) continue;
    try {
      return JSON.parse((cm.data as Record<string, string>)?.['merged-values'] ?? '{}');
    } catch {
      return {};
    }
  }
  return {};
}

function primaryRemote(ctx: AuditContext): Finding[] {
  const signals: Array<{what: string; resource: KubeObject}> = [];
  for (const webhook of ctx.items('mutatingWebhook')) {
    if (!webhook.metadata.name.startsWith('istio-sidecar-injector')) continue;
    const url = ((webhook.webhooks ?? []) as Array<{clientConfig?: {url?: string}}>).find(w => w.clientConfig?.url)?.clientConfig?.url;
    if (url) signals.push({what: `the sidecar injector calls an external istiod at ${url}: this cluster is a remote`, resource: webhook});
  }
  const values = mergedValues(ctx);
  const valuesMap = ctx.inNamespace('configMap', ctx.istioNamespace).find(c => /^values(-.+)?$/.test(c.metadata.name));
  if (valuesMap) {
    if (values.istiodRemote?.enabled === true) signals.push({what: 'istiodRemote.enabled is true: this cluster is a remote', resource: valuesMap});
    if (values.global?.remotePilotAddress) signals.push({what: `global.remotePilotAddress is ${values.global.remotePilotAddress}: this cluster is a remote`, resource: valuesMap});
    if (values.global?.configCluster === true) signals.push({what: 'global.configCluster is true: this cluster is the config cluster of an external control plane', resource: valuesMap});
  }
  for (const plane of ctx.controlPlanes) {
    const istiod = ctx.inNamespace('deployment', plane.namespace).find(d => d.metadata.name === plane.deployment)!;
    const env = (istiod.spec?.template?.spec?.containers?.[0]?.env ?? []) as Array<{name: string; value?: string}>;
    if (env.some(e => e.name === 'EXTERNAL_ISTIOD' && e.value === 'true')) signals.push({what: `${describe(istiod)} runs with EXTERNAL_ISTIOD=true: it serves remote clusters`, resource: istiod});
  }
  // No istiod Deployment means a remote only when the Deployments could be read: an unreadable kind is
  // "could not verify" (blocker/unreadable-kind), never "this cluster is a remote".
  const deploymentsRead = !ctx.inventory.unreadable.deployment || ctx.inventory.unreadable.deployment.state === 'not-installed';
  if (ctx.controlPlanes.length === 0 && deploymentsRead) {
    const service = ctx.inNamespace('service', ctx.istioNamespace).find(s => /^istiod(-.+)?$/.test(s.metadata.name));
    if (service) signals.push({what: `${describe(service)} exists without an istiod Deployment: this cluster is a remote`, resource: service});
  }
  const istioNs = ctx.namespaces.find(n => n.metadata.name === ctx.istioNamespace);
  if (istioNs?.metadata.annotations?.['topology.istio.io/controlPlaneClusters']) {
    signals.push({what: `namespace ${ctx.istioNamespace} names its control plane clusters: this cluster is a remote`, resource: istioNs});
  }
  const findings = signals.map(s =>
    makeFinding(FINDINGS.primaryRemote, {
      message: s.what,
      remedy: 'ambient supports multi-primary only: convert the mesh to multi-primary (each cluster with its own istiod) before migrating',
      namespaces: ctx.meshNamespaces,
      resource: refOf(s.resource),
      scope: 'mesh',
    }),
  );
  if (findings.length === 0) {
    const secrets = ctx.items('secret').filter(s => s.metadata.labels?.['istio/multiCluster'] === 'true');
    if (secrets.length > 0) {
      findings.push(
        makeFinding(FINDINGS.multiclusterSecrets, {
          message: `${secrets.length} remote cluster secret${secrets.length > 1 ? 's' : ''} (${secrets.map(s => s.metadata.name).join(', ')}): this looks like a multi-primary mesh`,
          remedy: 'multi-primary ambient is Alpha and needs multi-network; check https://istio.io/latest/docs/ambient/install/multicluster/ before migrating',
          namespaces: [],
          resource: refOf(secrets[0]!),
          scope: 'mesh',
        }),
      );
    }
  }
  return findings;
}
