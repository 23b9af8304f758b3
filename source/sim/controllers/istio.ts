import yaml from 'js-yaml';
import type {AdmissionHook, SimCluster} from '../cluster.ts';
import {typeKey} from '../registry.ts';
import type {KubeObject} from '../types.ts';
import {keyFor, parseKey, type Controller} from './runner.ts';

/**
 * Just enough of istiod and istio-cni to make a migration observable: the sidecar injector webhook, the
 * CNI's ambient enrollment annotation, and the waypoint deployment controller.
 */

const NAMESPACES = typeKey('', 'namespaces');
const PODS = typeKey('', 'pods');
const GATEWAYS = typeKey('gateway.networking.k8s.io', 'gateways');
const GATEWAY_CLASSES = typeKey('gateway.networking.k8s.io', 'gatewayclasses');
const ISTIO_NAMESPACE = 'istio-system';

type Spec = Record<string, any>;

function namespaceLabels(cluster: SimCluster, namespace: string | undefined): Record<string, string> {
  return cluster.store.get(NAMESPACES, '', namespace ?? '')?.metadata.labels ?? {};
}

/** The injector webhook exists only where Istio is installed with sidecar injection. */
function injectorInstalled(cluster: SimCluster): boolean {
  return cluster.store
    .list(typeKey('admissionregistration.k8s.io', 'mutatingwebhookconfigurations'))
    .some(w => w.metadata.name!.startsWith('istio-sidecar-injector') || w.metadata.name!.startsWith('istio-revision-tag'));
}

function istioVersion(cluster: SimCluster): string {
  const istiod = cluster.store.list(typeKey('apps', 'deployments'), ISTIO_NAMESPACE).find(d => d.metadata.labels?.app === 'istiod');
  const image = (istiod?.spec as Spec | undefined)?.template?.spec?.containers?.[0]?.image as string | undefined;
  return image?.split(':')[1] ?? '1.28.2';
}

/** `meshConfig.defaultConfig.proxyMetadata` from the `istio` ConfigMap, which the ambient profile sets. */
function proxyMetadata(cluster: SimCluster): Record<string, string> {
  const mesh = cluster.store.get(typeKey('', 'configmaps'), ISTIO_NAMESPACE, 'istio');
  const text = (mesh?.data as Record<string, string> | undefined)?.mesh;
  if (!text) return {};
  try {
    const parsed = yaml.load(text) as Spec | undefined;
    return parsed?.defaultConfig?.proxyMetadata ?? {};
  } catch {
    return {};
  }
}

/** Follows the injector's namespace and object selectors (istio-injection, istio.io/rev, sidecar.istio.io/inject). */
export function wantsSidecar(namespaceLabelsOf: Record<string, string>, podLabels: Record<string, string>, podAnnotations: Record<string, string> = {}): boolean {
  // The label wins; the older annotation is still read when there is no label (istio/istio
  // pkg/kube/inject/inject.go, injectRequired).
  const podInject = podLabels['sidecar.istio.io/inject'] ?? podAnnotations['sidecar.istio.io/inject'];
  if (podInject === 'false') return false;
  const nsInjection = namespaceLabelsOf['istio-injection'];
  if (nsInjection === 'disabled') return false;
  if (nsInjection === 'enabled') return true;
  if (namespaceLabelsOf['istio.io/rev'] || podLabels['istio.io/rev']) return true;
  return podInject === 'true';
}

export const sidecarInjectorHook: AdmissionHook = (type, pod, cluster) => {
  if (type.kind !== 'Pod' || !injectorInstalled(cluster)) return;
  const labels = pod.metadata.labels ?? {};
  const annotations = pod.metadata.annotations ?? {};
  if (annotations['sidecar.istio.io/status']) return;
  if (!wantsSidecar(namespaceLabels(cluster, pod.metadata.namespace), labels, annotations)) return;
  const spec = pod.spec as Spec;
  const version = istioVersion(cluster);
  const metadataEnv = Object.entries(proxyMetadata(cluster)).map(([name, value]) => ({name, value: String(value)}));
  const revision = namespaceLabels(cluster, pod.metadata.namespace)['istio.io/rev'] ?? labels['istio.io/rev'] ?? 'default';
  const appName = labels.app ?? pod.metadata.generateName?.replace(/-$/, '') ?? pod.metadata.name ?? '';
  // `inject.istio.io/templates: gateway` (the gateway Helm chart) injects into the pod's own istio-proxy
  // container, with no init container. Appending a second istio-proxy gave gateway pods two containers of
  // the same name, which a real API server rejects.
  const templates = String(annotations['inject.istio.io/templates'] ?? 'sidecar').split(',').map(t => t.trim());
  const gatewayTemplate = templates.includes('gateway') && !templates.includes('sidecar');
  if (!gatewayTemplate) {
    spec.initContainers = [
      ...(spec.initContainers ?? []),
      {
        name: 'istio-validation',
        image: `docker.io/istio/proxyv2:${version}`,
        args: ['istio-iptables', '--run-validation', '--skip-rule-apply'],
        imagePullPolicy: 'IfNotPresent',
      },
    ];
  }
  const proxy: Spec = {
    name: 'istio-proxy',
    image: `docker.io/istio/proxyv2:${version}`,
    args: ['proxy', 'sidecar', '--domain', '$(POD_NAMESPACE).svc.cluster.local'],
    ports: [{containerPort: 15090, name: 'http-envoy-prom', protocol: 'TCP'}],
    env: [
      {name: 'PILOT_CERT_PROVIDER', value: 'istiod'},
      {name: 'CA_ADDR', value: 'istiod.istio-system.svc:15012'},
      {name: 'ISTIO_META_WORKLOAD_NAME', value: appName},
      ...metadataEnv,
    ],
    imagePullPolicy: 'IfNotPresent',
  };
  const existing = (spec.containers ?? []).findIndex((c: Spec) => c.name === 'istio-proxy');
  if (existing >= 0) {
    // As Istio merges its template with the pod's container: the pod's fields win, except `image: auto`.
    const own = spec.containers[existing] as Spec;
    spec.containers[existing] = {...proxy, ...own, image: own.image && own.image !== 'auto' ? own.image : proxy.image};
  } else {
    spec.containers = [...(spec.containers ?? []), proxy];
  }
  pod.metadata.labels = {
    ...labels,
    'security.istio.io/tlsMode': 'istio',
    'service.istio.io/canonical-name': labels['app.kubernetes.io/name'] ?? appName,
    'service.istio.io/canonical-revision': labels['app.kubernetes.io/version'] ?? labels.version ?? 'latest',
  };
  pod.metadata.annotations = {
    ...annotations,
    'kubectl.kubernetes.io/default-container': spec.containers[0]?.name ?? 'istio-proxy',
    'prometheus.io/path': '/stats/prometheus',
    'prometheus.io/port': '15020',
    'prometheus.io/scrape': 'true',
    'sidecar.istio.io/status': JSON.stringify({
      initContainers: gatewayTemplate ? null : ['istio-validation'],
      containers: ['istio-proxy'],
      volumes: ['workload-socket', 'credential-socket', 'workload-certs', 'istio-envoy', 'istio-data', 'istio-podinfo', 'istio-token', 'istiod-ca-cert'],
      imagePullSecrets: null,
      revision,
    }),
  };
};

/** istio-cni: pods without a sidecar in an ambient namespace are enrolled (and un-enrolled when it leaves). */
function cniInstalled(cluster: SimCluster): boolean {
  return cluster.store.list(typeKey('apps', 'daemonsets')).some(d => d.metadata.name === 'istio-cni-node');
}

export function shouldRedirect(namespaceLabelsOf: Record<string, string>, pod: KubeObject): boolean {
  if (pod.metadata.annotations?.['sidecar.istio.io/status']) return false;
  const podMode = pod.metadata.labels?.['istio.io/dataplane-mode'];
  if (podMode === 'none') return false;
  return podMode === 'ambient' || namespaceLabelsOf['istio.io/dataplane-mode'] === 'ambient';
}

const DAEMONSET_PODS: Record<string, (pod: KubeObject) => boolean> = {
  ztunnel: pod => pod.metadata.labels?.app === 'ztunnel' || Boolean(pod.metadata.ownerReferences?.some(r => r.kind === 'DaemonSet' && r.name === 'ztunnel')),
  cni: pod => pod.metadata.labels?.['k8s-app'] === 'istio-cni-node' || Boolean(pod.metadata.ownerReferences?.some(r => r.kind === 'DaemonSet' && r.name === 'istio-cni-node')),
};

const isDataplanePod = (pod: KubeObject) => DAEMONSET_PODS.ztunnel!(pod) || DAEMONSET_PODS.cni!(pod);

/** The node a pod runs on; one not scheduled yet goes where the kubelet hook puts it, the first node. */
function nodeOf(cluster: SimCluster, pod: KubeObject): string | undefined {
  return (pod.spec as Spec | undefined)?.nodeName ?? cluster.store.list(typeKey('', 'nodes'))[0]?.metadata.name;
}

/**
 * Redirection is the work of ztunnel and istio-cni on the pod's own node: where either does not run, a
 * pod is never marked redirected, whatever its namespace says (as on a real cluster, its traffic is not
 * captured).
 */
function redirectingNodes(cluster: SimCluster): Set<string> {
  // Only the namespaces the two DaemonSets run in are read: listing every pod per pod would not scale.
  const namespaces = new Set(cluster.store.list(typeKey('apps', 'daemonsets')).filter(d => d.metadata.name === 'ztunnel' || d.metadata.name === 'istio-cni-node').map(d => d.metadata.namespace!));
  const pods = [...namespaces].flatMap(ns => cluster.store.list(PODS, ns)).filter(p => !p.metadata.deletionTimestamp);
  const nodes = (match: (pod: KubeObject) => boolean) => new Set(pods.filter(match).map(p => nodeOf(cluster, p)).filter((n): n is string => Boolean(n)));
  const ztunnel = nodes(DAEMONSET_PODS.ztunnel!);
  return new Set([...nodes(DAEMONSET_PODS.cni!)].filter(n => ztunnel.has(n)));
}

function nodeRedirects(cluster: SimCluster, pod: KubeObject, nodes = redirectingNodes(cluster)): boolean {
  const node = nodeOf(cluster, pod);
  return node !== undefined && nodes.has(node);
}

export const ambientEnrollmentHook: AdmissionHook = (type, pod, cluster) => {
  if (type.kind !== 'Pod' || !cniInstalled(cluster)) return;
  if (shouldRedirect(namespaceLabels(cluster, pod.metadata.namespace), pod) && nodeRedirects(cluster, pod)) {
    pod.metadata.annotations = {...pod.metadata.annotations, 'ambient.istio.io/redirection': 'enabled'};
  }
};

export const ambientEnrollmentController: Controller = {
  name: 'istio-cni',
  keysFor(event, cluster) {
    if (event.typeKey === NAMESPACES && event.type !== 'DELETED') return [keyFor(NAMESPACES, event.object)];
    // ztunnel or istio-cni coming or going on a node changes what is redirected there.
    if (event.typeKey === PODS && isDataplanePod(event.object)) return cluster.store.list(NAMESPACES).map(ns => keyFor(NAMESPACES, ns));
    return [];
  },
  reconcile(key, cluster) {
    if (!cniInstalled(cluster)) return;
    const {name} = parseKey(key);
    const labels = namespaceLabels(cluster, name);
    const podType = cluster.typeFor('', 'pods');
    const nodes = redirectingNodes(cluster);
    for (const pod of cluster.store.list(PODS, name)) {
      if (pod.metadata.deletionTimestamp) continue;
      const enrolled = pod.metadata.annotations?.['ambient.istio.io/redirection'] === 'enabled';
      const want = shouldRedirect(labels, pod) && nodeRedirects(cluster, pod, nodes);
      if (enrolled === want) continue;
      const patch = {metadata: {annotations: {'ambient.istio.io/redirection': want ? 'enabled' : null}}};
      cluster.patch(podType, name, pod.metadata.name!, 'application/merge-patch+json', JSON.stringify(patch), {fieldManager: 'istio-cni'});
    }
  },
};

// ---- waypoints -----------------------------------------------------------------------------------

const WAYPOINT_CLASS = 'istio-waypoint';

export const waypointController: Controller = {
  name: 'istio-waypoints',
  keysFor(event, cluster) {
    if (event.typeKey === GATEWAYS && event.type !== 'DELETED') return [keyFor(GATEWAYS, event.object)];
    if (event.typeKey === GATEWAY_CLASSES && event.type !== 'DELETED') {
      return [keyFor(GATEWAY_CLASSES, event.object), ...cluster.store.list(GATEWAYS).map(g => keyFor(GATEWAYS, g))];
    }
    return [];
  },
  reconcile(key, cluster) {
    const {typeKey: t, namespace, name} = parseKey(key);
    if (t === GATEWAY_CLASSES) return acceptGatewayClass(cluster, name);
    const gateway = cluster.store.get(GATEWAYS, namespace, name);
    if (!gateway || (gateway.spec as Spec).gatewayClassName !== WAYPOINT_CLASS) return;
    if (!cluster.store.get(GATEWAY_CLASSES, '', WAYPOINT_CLASS)) return; // no istiod class: stays pending
    programWaypoint(cluster, cluster.present(cluster.typeFor('gateway.networking.k8s.io', 'gateways'), gateway, 'v1'));
  },
};

function acceptGatewayClass(cluster: SimCluster, name: string): void {
  const classType = cluster.typeFor('gateway.networking.k8s.io', 'gatewayclasses');
  const stored = cluster.store.get(GATEWAY_CLASSES, '', name);
  if (!stored || !String((stored.spec as Spec).controllerName).startsWith('istio.io/')) return;
  const gc = cluster.present(classType, stored, 'v1');
  const accepted = ((gc.status as Spec | undefined)?.conditions ?? []).some((c: Spec) => c.type === 'Accepted' && c.status === 'True');
  if (accepted) return;
  const now = cluster.now().toISOString().replace(/\.\d+Z$/, 'Z');
  cluster.update(classType, '', name, {
    ...gc,
    status: {conditions: [{type: 'Accepted', status: 'True', reason: 'Accepted', message: 'Handled by Istio controller', lastTransitionTime: now, observedGeneration: gc.metadata.generation}]},
  }, {subresource: 'status', fieldManager: 'pilot-discovery'});
}

function programWaypoint(cluster: SimCluster, gateway: KubeObject): void {
  const namespace = gateway.metadata.namespace!;
  const name = gateway.metadata.name!;
  const owner = [{apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', name, uid: gateway.metadata.uid!, controller: true}];
  const labels = {
    'gateway.istio.io/managed': 'istio.io-mesh-controller',
    'gateway.networking.k8s.io/gateway-name': name,
    'gateway.networking.k8s.io/gateway-class-name': WAYPOINT_CLASS,
  };
  const version = istioVersion(cluster);
  const ensure = (group: string, plural: string, object: KubeObject) => {
    const t = cluster.typeFor(group, plural);
    if (!cluster.tryGet(t, namespace, name)) cluster.create(t, namespace, object, {fieldManager: 'pilot-discovery'});
  };
  ensure('', 'serviceaccounts', {apiVersion: 'v1', kind: 'ServiceAccount', metadata: {name, namespace, labels, ownerReferences: owner}});
  ensure('apps', 'deployments', {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {name, namespace, labels, ownerReferences: owner},
    spec: {
      replicas: 1,
      selector: {matchLabels: {'gateway.networking.k8s.io/gateway-name': name}},
      template: {
        metadata: {
          labels: {...labels, 'sidecar.istio.io/inject': 'false', 'istio.io/dataplane-mode': 'none'},
          annotations: {'istio.io/rev': 'default'},
        },
        spec: {
          serviceAccountName: name,
          containers: [
            {
              name: 'istio-proxy',
              image: `docker.io/istio/proxyv2:${version}`,
              args: ['proxy', 'waypoint', '--domain', `${namespace}.svc.cluster.local`],
              ports: [
                {containerPort: 15020, name: 'metrics', protocol: 'TCP'},
                {containerPort: 15021, name: 'status-port', protocol: 'TCP'},
                {containerPort: 15090, name: 'http-envoy-prom', protocol: 'TCP'},
              ],
            },
          ],
        },
      },
    },
  });
  ensure('', 'services', {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {name, namespace, labels, ownerReferences: owner},
    spec: {
      type: 'ClusterIP',
      selector: {'gateway.networking.k8s.io/gateway-name': name},
      ports: [
        {name: 'status-port', port: 15021, protocol: 'TCP', targetPort: 15021},
        {name: 'mesh', port: 15008, protocol: 'TCP', targetPort: 15008, appProtocol: 'all'},
      ],
    },
  });
  const service = cluster.tryGet(cluster.typeFor('', 'services'), namespace, name);
  const now = cluster.now().toISOString().replace(/\.\d+Z$/, 'Z');
  const generation = gateway.metadata.generation;
  const condition = (type: string, reason: string, message: string) => ({type, status: 'True', reason, message, observedGeneration: generation, lastTransitionTime: now});
  const status = {
    addresses: [
      {type: 'Hostname', value: `${name}.${namespace}.svc.cluster.local`},
      ...((service?.spec as Spec | undefined)?.clusterIP ? [{type: 'IPAddress', value: (service!.spec as Spec).clusterIP}] : []),
    ],
    conditions: [
      condition('Accepted', 'Accepted', 'Resource accepted'),
      condition('Programmed', 'Programmed', `Resource programmed, assigned to service(s) ${name}.${namespace}.svc.cluster.local:15008`),
    ],
    listeners: ((gateway.spec as Spec).listeners ?? []).map((l: Spec) => ({
      name: l.name,
      attachedRoutes: 0,
      supportedKinds: [],
      conditions: [condition('Accepted', 'Accepted', 'No errors found'), condition('Programmed', 'Programmed', 'No errors found'), condition('ResolvedRefs', 'ResolvedRefs', 'No errors found')],
    })),
  };
  const current = gateway.status as Spec | undefined;
  const programmed = (current?.conditions ?? []).some((c: Spec) => c.type === 'Programmed' && c.status === 'True' && c.observedGeneration === generation);
  if (programmed) return;
  cluster.update(cluster.typeFor('gateway.networking.k8s.io', 'gateways'), namespace, name, {...gateway, status}, {
    subresource: 'status',
    fieldManager: 'pilot-discovery',
  });
}
