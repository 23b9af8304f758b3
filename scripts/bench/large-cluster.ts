import type {SeedDocument} from '../../source/sim/seed.ts';
import type {KubeObject} from '../../source/sim/types.ts';

export interface ClusterSize {
  namespaces: number;
  podsPerNamespace: number;
  virtualServicesPerNamespace: number;
  authorizationPoliciesPerNamespace: number;
}

export const BENCH_SIZE: ClusterSize = {namespaces: 1000, podsPerNamespace: 20, virtualServicesPerNamespace: 2, authorizationPoliciesPerNamespace: 2};

const doc = (object: KubeObject): SeedDocument => ({object, source: 'generated'});

/**
 * A mesh the size of a big production cluster: every namespace on sidecars with its pods already
 * injected and running (seeded as pods, so seeding does not wait on controllers), Services, subset
 * routing, and an L7 and an L4 AuthorizationPolicy.
 */
export function generateLargeCluster(size: ClusterSize = BENCH_SIZE): SeedDocument[] {
  const out: SeedDocument[] = [];
  for (let n = 0; n < size.namespaces; n++) {
    const ns = `team-${String(n).padStart(4, '0')}`;
    out.push(doc({apiVersion: 'v1', kind: 'Namespace', metadata: {name: ns, labels: {'istio-injection': 'enabled', team: `t${n % 50}`}}}));
    for (let s = 0; s < size.virtualServicesPerNamespace; s++) {
      const app = `svc-${s}`;
      out.push(doc({apiVersion: 'v1', kind: 'ServiceAccount', metadata: {name: app, namespace: ns}}));
      out.push(
        doc({
          apiVersion: 'v1',
          kind: 'Service',
          metadata: {name: app, namespace: ns, labels: {app}},
          spec: {selector: {app}, ports: [{name: 'http', port: 8080, targetPort: 8080}]},
        }),
      );
      out.push(
        doc({
          apiVersion: 'networking.istio.io/v1',
          kind: 'DestinationRule',
          metadata: {name: app, namespace: ns},
          spec: {host: app, subsets: [{name: 'v1', labels: {version: 'v1'}}, {name: 'v2', labels: {version: 'v2'}}]},
        }),
      );
      out.push(
        doc({
          apiVersion: 'networking.istio.io/v1',
          kind: 'VirtualService',
          metadata: {name: app, namespace: ns},
          spec: {
            hosts: [app],
            http: [
              {match: [{headers: {'x-canary': {exact: 'true'}}}], route: [{destination: {host: app, subset: 'v2'}}]},
              {route: [{destination: {host: app, subset: 'v1'}, weight: 90}, {destination: {host: app, subset: 'v2'}, weight: 10}]},
            ],
          },
        }),
      );
    }
    for (let a = 0; a < size.authorizationPoliciesPerNamespace; a++) {
      const l7 = a % 2 === 0;
      out.push(
        doc({
          apiVersion: 'security.istio.io/v1',
          kind: 'AuthorizationPolicy',
          metadata: {name: `policy-${a}`, namespace: ns},
          spec: {
            selector: {matchLabels: {app: `svc-${a % size.virtualServicesPerNamespace}`}},
            action: 'ALLOW',
            rules: [{from: [{source: {principals: [`cluster.local/ns/${ns}/sa/svc-0`]}}], ...(l7 ? {to: [{operation: {methods: ['GET']}}]} : {})}],
          },
        }),
      );
    }
    for (let p = 0; p < size.podsPerNamespace; p++) out.push(doc(injectedPod(ns, `svc-${p % size.virtualServicesPerNamespace}`, p)));
  }
  return out;
}

function injectedPod(namespace: string, app: string, index: number): KubeObject {
  const version = index % 2 === 0 ? 'v1' : 'v2';
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `${app}-${version}-${index.toString(36).padStart(5, '0')}`,
      namespace,
      labels: {app, version, 'security.istio.io/tlsMode': 'istio', 'service.istio.io/canonical-name': app},
      annotations: {
        'sidecar.istio.io/status': '{"initContainers":["istio-validation"],"containers":["istio-proxy"],"revision":"default"}',
        'prometheus.io/scrape': 'true',
        'prometheus.io/port': '15020',
        'prometheus.io/path': '/stats/prometheus',
      },
    },
    spec: {
      serviceAccountName: app,
      nodeName: `node-${index % 3}`,
      containers: [
        {name: 'app', image: `registry.example.com/${app}:1.4.2`, ports: [{containerPort: 8080}], resources: {requests: {cpu: '100m', memory: '128Mi'}}},
        {name: 'istio-proxy', image: 'docker.io/istio/proxyv2:1.28.2', env: [{name: 'ISTIO_META_ENABLE_HBONE', value: 'true'}], ports: [{containerPort: 15090, name: 'http-envoy-prom'}]},
      ],
      initContainers: [{name: 'istio-validation', image: 'docker.io/istio/proxyv2:1.28.2'}],
    },
    status: {
      phase: 'Running',
      podIP: `10.${(index >> 8) & 255}.${index & 255}.7`,
      conditions: [{type: 'Ready', status: 'True'}],
      containerStatuses: [
        {name: 'app', ready: true, restartCount: 0, image: '', imageID: '', state: {running: {}}},
        {name: 'istio-proxy', ready: true, restartCount: 0, image: '', imageID: '', state: {running: {}}},
      ],
    },
  };
}
