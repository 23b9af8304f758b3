import type {KubeObject} from '../../kube/client.ts';
import {DATAPLANE_LABEL, REDIRECTION_ANNOTATION, SIDECAR_STATUS_ANNOTATION} from '../dataplane.ts';
import {matchesSelector, type LabelSelector} from './selectors.ts';
import type {World} from './world.ts';

/** How a pod's traffic is handled. */
export type PodMode = 'sidecar' | 'ambient' | 'none';

export const INJECT_LABEL = 'sidecar.istio.io/inject';
export const TAG_LABEL = 'istio.io/tag';

/**
 * A running pod's mode, from what the mesh left on it: the injector writes `sidecar.istio.io/status`
 * (istio `pkg/kube/inject/inject.go`), istio-cni writes `ambient.istio.io/redirection: enabled` once the
 * pod is redirected (istio `cni/pkg/util/podutil.go` `PodFullyEnrolled`). A sidecar wins: istio-cni never
 * captures a pod that has one (`cni/pkg/util/enablement_selector.go` `Matches` → `podHasSidecar`).
 */
export function currentMode(pod: KubeObject): PodMode {
  if (pod.metadata.annotations?.[SIDECAR_STATUS_ANNOTATION]) return 'sidecar';
  if (pod.metadata.annotations?.[REDIRECTION_ANNOTATION] === 'enabled') return 'ambient';
  return 'none';
}

interface InjectorWebhook {
  configuration: string;
  name: string;
  revision: string;
  namespaceSelector?: LabelSelector;
  objectSelector?: LabelSelector;
}

/**
 * The selectors of Istio's default-revision injector webhooks as the chart renders them
 * (istio `manifests/charts/istio-control/istio-discovery/templates/mutatingwebhook.yaml`), used only when
 * the inventory holds no injector MutatingWebhookConfiguration at all (unit fixtures).
 */
const CHART_DEFAULT: InjectorWebhook[] = [
  {configuration: '(chart default)', name: 'rev.namespace.sidecar-injector.istio.io', revision: 'default',
    namespaceSelector: {matchExpressions: [{key: 'istio.io/rev', operator: 'In', values: ['default']}, {key: 'istio-injection', operator: 'DoesNotExist'}]},
    objectSelector: {matchExpressions: [{key: INJECT_LABEL, operator: 'NotIn', values: ['false']}]}},
  {configuration: '(chart default)', name: 'rev.object.sidecar-injector.istio.io', revision: 'default',
    namespaceSelector: {matchExpressions: [{key: 'istio.io/rev', operator: 'DoesNotExist'}, {key: 'istio-injection', operator: 'DoesNotExist'}]},
    objectSelector: {matchExpressions: [{key: INJECT_LABEL, operator: 'NotIn', values: ['false']}, {key: 'istio.io/rev', operator: 'In', values: ['default']}]}},
  {configuration: '(chart default)', name: 'namespace.sidecar-injector.istio.io', revision: 'default',
    namespaceSelector: {matchExpressions: [{key: 'istio-injection', operator: 'In', values: ['enabled']}]},
    objectSelector: {matchExpressions: [{key: INJECT_LABEL, operator: 'NotIn', values: ['false']}]}},
  {configuration: '(chart default)', name: 'object.sidecar-injector.istio.io', revision: 'default',
    namespaceSelector: {matchExpressions: [{key: 'istio-injection', operator: 'DoesNotExist'}, {key: 'istio.io/rev', operator: 'DoesNotExist'}]},
    objectSelector: {matchExpressions: [{key: INJECT_LABEL, operator: 'In', values: ['true']}, {key: 'istio.io/rev', operator: 'DoesNotExist'}]}},
];

/** Istio's injector configurations: `istio-sidecar-injector[-rev]` and revision tags `istio-revision-tag-<tag>`. */
function isInjector(config: KubeObject): boolean {
  const name = config.metadata.name;
  return name.startsWith('istio-sidecar-injector') || name.startsWith('istio-revision-tag-') || config.metadata.labels?.app === 'sidecar-injector';
}

/**
 * Every injector webhook in the order the API server calls them: configurations sorted by name, webhooks
 * in their listed order (Kubernetes admission: mutating webhooks are called in lexical order of their
 * configuration names). A tag's configuration carries `istio.io/tag: <tag>` and `istio.io/rev: <revision>`
 * (istio `manifests/charts/istio-control/istio-discovery/templates/revision-tags-mwc.yaml`), so its
 * webhooks inject with the revision the tag points to.
 */
export function injectorWebhooks(world: World): InjectorWebhook[] {
  return world.memo('injectorWebhooks', ['mutatingWebhook'], () => {
    const configs = world.all('mutatingWebhook').filter(isInjector).sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0));
    if (configs.length === 0) return CHART_DEFAULT;
    return configs.flatMap(c =>
      ((c as {webhooks?: Array<{name: string; namespaceSelector?: LabelSelector; objectSelector?: LabelSelector}>}).webhooks ?? []).map(w => ({
        configuration: c.metadata.name,
        name: w.name,
        revision: c.metadata.labels?.['istio.io/rev'] ?? 'default',
        namespaceSelector: w.namespaceSelector,
        objectSelector: w.objectSelector,
      })),
    );
  });
}

/**
 * Revision tags: `istio.io/tag` on a tag's MutatingWebhookConfiguration → the revision in its
 * `istio.io/rev` label (revision-tags-mwc.yaml); `istioctl tag list` reads the same labels.
 */
export function revisionTags(world: World): Map<string, string> {
  return world.memo('revisionTags', ['mutatingWebhook'], () => {
    const out = new Map<string, string>();
    for (const c of world.all('mutatingWebhook')) {
      const tag = c.metadata.labels?.[TAG_LABEL];
      if (tag) out.set(tag, c.metadata.labels?.['istio.io/rev'] ?? 'default');
    }
    return out;
  });
}

/** The control-plane revision a namespace's `istio.io/rev` label names, through a tag when it is one. */
export function namespaceRevision(world: World, namespace: string): string | undefined {
  const rev = world.namespaceLabels(namespace)['istio.io/rev'];
  if (!rev) return world.namespaceLabels(namespace)['istio-injection'] === 'enabled' ? 'default' : undefined;
  return revisionTags(world).get(rev) ?? rev;
}

/**
 * istiod's own namespaces it never injects into (istio `pkg/kube/inject/initializer.go` `IgnoredNamespaces`,
 * checked in `pkg/kube/inject/inject.go` `injectRequired`).
 */
const IGNORED_NAMESPACES = new Set(['kube-system', 'kube-public', 'kube-node-lease', 'local-path-storage']);

export interface Decision {
  mode: PodMode;
  /** The control-plane revision that injects, for sidecars. */
  revision?: string;
  why: string;
}

/**
 * The mode a pod created now would get, as Istio decides it:
 * 1. the API server sends the pod to an injector webhook whose namespaceSelector matches the namespace's
 *    labels and whose objectSelector matches the pod's labels (selectors as in the chart, see above;
 *    `enableNamespacesByDefault` renders an extra `auto.` webhook that matches unlabeled namespaces);
 * 2. istiod then applies `injectRequired` (istio `pkg/kube/inject/inject.go`): never with hostNetwork, never
 *    in the ignored system namespaces; the `sidecar.istio.io/inject` label (or, without it, the annotation)
 *    `"false"` opts out, `"true"` opts in; otherwise the injector policy (enabled) decides;
 * 3. without a sidecar, istio-cni redirects the pod to ztunnel when the pod is labelled
 *    `istio.io/dataplane-mode=ambient`, or its namespace is and the pod is not labelled `none` (istio
 *    `manifests/charts/istio-cni/values.yaml` `ambient.enablementSelectors`, evaluated by
 *    `cni/pkg/util/enablement_selector.go`); a pod with a sidecar is never captured (`podHasSidecar`).
 *    istio-cni skips the namespaces it excludes (chart `excludeNamespaces`, default kube-system).
 */
export function decideMode(world: World, namespace: string, meta: {labels?: Record<string, string>; annotations?: Record<string, string>}, spec?: {hostNetwork?: boolean}): Decision {
  const nsLabels = world.namespaceLabels(namespace);
  const labels = meta.labels ?? {};
  const injection = injectionFor(world, namespace, nsLabels, meta, spec);
  if (injection) return {mode: 'sidecar', revision: injection.revision, why: injection.why};
  if (namespace === 'kube-system') return {mode: 'none', why: 'istio-cni excludes kube-system'};
  const podMode = labels[DATAPLANE_LABEL];
  if (podMode === 'ambient') return {mode: 'ambient', why: 'pod labelled istio.io/dataplane-mode=ambient'};
  if (nsLabels[DATAPLANE_LABEL] === 'ambient' && podMode !== 'none') return {mode: 'ambient', why: 'namespace labelled istio.io/dataplane-mode=ambient'};
  if (podMode === 'none') return {mode: 'none', why: 'pod labelled istio.io/dataplane-mode=none'};
  return {mode: 'none', why: 'no injector webhook selects it and ambient is not enabled'};
}

function injectionFor(
  world: World,
  namespace: string,
  nsLabels: Record<string, string>,
  meta: {labels?: Record<string, string>; annotations?: Record<string, string>},
  spec?: {hostNetwork?: boolean},
): {revision: string; why: string} | undefined {
  const labels = meta.labels ?? {};
  const webhook = injectorWebhooks(world).find(w => matchesSelector(w.namespaceSelector, nsLabels) && matchesSelector(w.objectSelector, labels));
  if (!webhook) return undefined;
  if (spec?.hostNetwork) return undefined;
  if (IGNORED_NAMESPACES.has(namespace)) return undefined;
  // The label is the newer API and wins over the annotation when both are present.
  const explicit = INJECT_LABEL in labels ? labels[INJECT_LABEL] : meta.annotations?.[INJECT_LABEL];
  if (explicit === 'false') return undefined;
  return {revision: webhook.revision, why: `injected by ${webhook.configuration} (${webhook.name})`};
}
