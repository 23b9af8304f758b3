import {hasSidecar} from '../dataplane.ts';
import {FINDINGS} from './catalogue.ts';
import {describe, refOf, refOfKind, selects, type AuditContext} from './context.ts';
import {makeFinding} from './finding.ts';
import type {Finding} from './types.ts';

/** Risks the reference documents beyond the guide's lists (§2.3): things that silently stop working. */
export function riskFindings(ctx: AuditContext): Finding[] {
  const out: Finding[] = [];
  const inMesh = (ns: string) => ctx.modes.get(ns) !== undefined && ctx.modes.get(ns) !== 'none';

  for (const sidecar of ctx.items('sidecar')) {
    const namespace = sidecar.metadata.namespace!;
    const meshWide = namespace === ctx.rootNamespace && !sidecar.spec?.workloadSelector;
    out.push(
      makeFinding(FINDINGS.sidecarResource, {
        message: `${describe(sidecar)} tunes sidecars (egress hosts, ingress ports, outbound policy); it has no effect on ambient workloads`,
        remedy: 'review what it restricts; egress lockdown in ambient needs an egress waypoint with ServiceEntries',
        namespaces: meshWide ? ctx.meshNamespaces : [namespace],
        resource: refOf(sidecar),
        scope: meshWide ? 'mesh' : sidecar.spec?.workloadSelector ? 'workload' : 'namespace',
      }),
    );
    if (sidecar.spec?.outboundTrafficPolicy?.mode === 'REGISTRY_ONLY') {
      out.push(
        makeFinding(FINDINGS.registryOnly, {
          message: `${describe(sidecar)} sets outboundTrafficPolicy REGISTRY_ONLY; ztunnel ignores it, so egress to unknown hosts opens up`,
          remedy: 'use an egress waypoint and ServiceEntries labelled istio.io/use-waypoint to keep egress locked down',
          namespaces: meshWide ? ctx.meshNamespaces : [namespace],
          resource: refOf(sidecar),
          scope: meshWide ? 'mesh' : 'namespace',
          field: 'spec.outboundTrafficPolicy.mode',
        }),
      );
    }
  }
  if (ctx.meshConfig.outboundTrafficPolicy?.mode === 'REGISTRY_ONLY') {
    out.push(
      makeFinding(FINDINGS.registryOnly, {
        message: 'meshConfig.outboundTrafficPolicy is REGISTRY_ONLY; ztunnel ignores it, so egress to unknown hosts opens up for ambient workloads',
        remedy: 'use an egress waypoint and ServiceEntries labelled istio.io/use-waypoint to keep egress locked down',
        namespaces: ctx.meshNamespaces,
        resource: refOfKind('configMap', 'istio', ctx.istioNamespace),
        scope: 'mesh',
        field: 'data.mesh.outboundTrafficPolicy.mode',
      }),
    );
  }

  for (const service of ctx.items('service')) {
    const namespace = service.metadata.namespace!;
    if (service.spec?.clusterIP !== 'None' || !service.spec?.selector || ctx.modes.get(namespace) !== 'sidecar') continue;
    out.push(
      makeFinding(FINDINGS.headlessService, {
        message: `${describe(service)} is headless: sidecar clients cannot send HBONE to it once its pods are ambient, and service waypoints only see Service-IP traffic`,
        remedy: 'migrate its sidecar callers in the same window, or keep this namespace on sidecars until they move',
        namespaces: [namespace],
        resource: refOf(service),
        scope: 'workload',
      }),
    );
  }

  // One finding per namespace, not per pod: thousands of pods must not mean thousands of lines.
  // With enablePrometheusMerge (the default) the injector points prometheus.io/* at :15020 on every
  // injected pod, so that annotation on a pod says nothing about the application: flagging it flagged
  // every sidecar namespace. What does: the application asked to be scraped, in its pod template, or in
  // ISTIO_PROMETHEUS_ANNOTATIONS, where the injector moves the pod's own annotations.
  const mergeOn = ctx.meshConfig.enablePrometheusMerge !== false;
  for (const namespace of mergeOn ? ctx.meshNamespaces : []) {
    const scraped = [...ctx.inNamespace('deployment', namespace), ...ctx.inNamespace('statefulSet', namespace), ...ctx.inNamespace('daemonSet', namespace)]
      .filter(w => w.spec?.template?.metadata?.annotations?.['prometheus.io/scrape'] === 'true')
      .map(w => (w.spec?.selector?.matchLabels ?? {}) as Record<string, string>)
      .filter(selector => Object.keys(selector).length > 0);
    const merged = ctx.podsIn(namespace).filter(p => {
      if (!hasSidecar(p) || p.metadata.annotations?.['prometheus.istio.io/merge-metrics'] === 'false') return false;
      if (p.metadata.annotations?.['prometheus.io/port'] !== '15020') return false;
      const proxy = ((p.spec?.containers ?? []) as Array<{name: string; env?: Array<{name: string}>}>).find(c => c.name === 'istio-proxy');
      if (proxy?.env?.some(e => e.name === 'ISTIO_PROMETHEUS_ANNOTATIONS')) return true;
      return scraped.some(selector => selects(selector, p.metadata.labels));
    });
    if (merged.length === 0) continue;
    out.push(
      makeFinding(FINDINGS.metricsMerging, {
        message: `${merged.length} pod${merged.length > 1 ? 's' : ''} in ${namespace} ${merged.length > 1 ? 'expose' : 'exposes'} application metrics through the sidecar's merged endpoint (:15020); it disappears with the sidecar`,
        remedy: 'point scraping (annotations, PodMonitor/ServiceMonitor) at the application port; waypoint and ztunnel metrics are scraped separately',
        namespaces: [namespace],
        resource: refOfKind('namespace', namespace),
        scope: 'namespace',
      }),
    );
  }

  for (const workload of [...ctx.items('deployment'), ...ctx.items('statefulSet'), ...ctx.items('daemonSet')]) {
    const namespace = workload.metadata.namespace!;
    if (!inMesh(namespace)) continue;
    const template = workload.spec?.template?.metadata ?? {};
    const inject = template.labels?.['sidecar.istio.io/inject'] ?? template.annotations?.['sidecar.istio.io/inject'];
    const revision = template.labels?.['istio.io/rev'];
    if (inject !== 'true' && !revision) continue;
    if (template.annotations?.['inject.istio.io/templates']?.includes('gateway')) continue;
    out.push(
      makeFinding(FINDINGS.injectionOverride, {
        message: `${describe(workload)} asks for a sidecar in its pod template (${inject === 'true' ? 'sidecar.istio.io/inject=true' : `istio.io/rev=${revision}`}); removing the namespace label alone would not drop it`,
        remedy: 'the plan removes the override from the pod template together with the namespace label',
        namespaces: [namespace],
        resource: refOf(workload),
        scope: 'workload',
        // The label wins over the (deprecated) annotation, as in the injector; name the one that is set.
        field:
          inject !== 'true'
            ? 'spec.template.metadata.labels[istio.io/rev]'
            : template.labels?.['sidecar.istio.io/inject'] !== undefined
              ? 'spec.template.metadata.labels[sidecar.istio.io/inject]'
              : 'spec.template.metadata.annotations[sidecar.istio.io/inject]',
      }),
    );
  }
  return out;
}

/** DestinationRule traffic policies do nothing without a waypoint: ztunnel does not read them. */
export function trafficPolicyFindings(ctx: AuditContext, waypointNamespaces: Set<string>): Finding[] {
  const out: Finding[] = [];
  for (const rule of ctx.items('destinationRule')) {
    const namespace = rule.metadata.namespace!;
    const policy = rule.spec?.trafficPolicy;
    if (!policy || waypointNamespaces.has(namespace) || ctx.modes.get(namespace) === 'none') continue;
    const effective = Object.keys(policy).filter(k => k !== 'tls');
    if (effective.length === 0) continue;
    out.push(
      makeFinding(FINDINGS.trafficPolicyWithoutWaypoint, {
        message: `${describe(rule)} sets ${effective.join(', ')}; ztunnel ignores DestinationRules, so this stops applying unless the namespace gets a waypoint`,
        remedy: 'accept the change, or give the namespace a waypoint so the policy keeps applying',
        namespaces: [namespace],
        resource: refOf(rule),
        scope: 'workload',
        field: 'spec.trafficPolicy',
      }),
    );
  }
  return out;
}
