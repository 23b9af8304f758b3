/**
 * The simulator's controllers, as a user of the migration would see them: sidecar injection, ambient
 * enrollment by istio-cni, waypoints, Deployment/ReplicaSet/DaemonSet rollouts, garbage collection.
 */
import {after, before, describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {writeFileSync} from 'node:fs';
import {startSimulator, type Simulator} from '../../source/sim/simulator.ts';
import type {KubeObject} from '../../source/sim/types.ts';
import {startDemoSimulator, tempDir} from '../helpers/cluster.ts';

let env: Awaited<ReturnType<typeof startDemoSimulator>>;
let sim: Simulator;

before(async () => {
  env = await startDemoSimulator();
  sim = env.sim;
});

after(async () => {
  await env.close();
});

const MERGE = 'application/merge-patch+json';
const SMP = 'application/strategic-merge-patch+json';
const REDIRECTION = 'ambient.istio.io/redirection';
const SIDECAR_STATUS = 'sidecar.istio.io/status';

function typeOf(s: Simulator, plural: string) {
  const group = {deployments: 'apps', replicasets: 'apps', daemonsets: 'apps', gateways: 'gateway.networking.k8s.io'}[plural] ?? '';
  return s.cluster.typeFor(group, plural);
}

function list(s: Simulator, plural: string, namespace?: string, labelSelector?: string): KubeObject[] {
  return s.cluster.list(typeOf(s, plural), {namespace, labelSelector}).items;
}

function get(s: Simulator, plural: string, namespace: string, name: string): KubeObject | undefined {
  const object = s.cluster.tryGet(typeOf(s, plural), namespace, name);
  return object && structuredClone(object);
}

function patch(s: Simulator, plural: string, namespace: string, name: string, body: unknown, contentType = MERGE): KubeObject {
  return s.cluster.patch(typeOf(s, plural), namespace, name, contentType, JSON.stringify(body), {fieldManager: 'test'}).object;
}

const containerNames = (pod: KubeObject) => ((pod.spec as {containers: Array<{name: string}>}).containers ?? []).map(c => c.name);
const hasSidecar = (pod: KubeObject) => containerNames(pod).includes('istio-proxy') && Boolean(pod.metadata.annotations?.[SIDECAR_STATUS]);
const redirected = (pod: KubeObject) => pod.metadata.annotations?.[REDIRECTION] === 'enabled';
const names = (objects: KubeObject[]) => objects.map(o => o.metadata.name!).sort();

async function restart(s: Simulator, namespace: string, name: string): Promise<void> {
  patch(s, 'deployments', namespace, name, {spec: {template: {metadata: {annotations: {'kubectl.kubernetes.io/restartedAt': new Date().toISOString()}}}}}, SMP);
  await s.settled();
}

describe('sidecar injection and ambient enrollment in the demo cluster', () => {
  test('bookinfo pods have an istio-proxy sidecar and are not redirected', () => {
    const pods = list(sim, 'pods', 'bookinfo');
    assert.equal(pods.length, 6, names(pods).join(', '));
    for (const pod of pods) {
      assert.ok(hasSidecar(pod), `${pod.metadata.name}: ${containerNames(pod).join(',')}`);
      assert.equal(JSON.parse(pod.metadata.annotations![SIDECAR_STATUS]!).revision, 'default');
      assert.ok(!redirected(pod), pod.metadata.name);
    }
  });

  test('edge pods get a sidecar through the istio.io/rev label', () => {
    const pods = list(sim, 'pods', 'edge');
    assert.equal(pods.length, 2);
    for (const pod of pods) assert.ok(hasSidecar(pod), pod.metadata.name);
  });

  test('httpbin pods (ambient namespace) are redirected and have no sidecar', () => {
    const pods = list(sim, 'pods', 'httpbin');
    assert.equal(pods.length, 1);
    for (const pod of pods) {
      assert.ok(redirected(pod), JSON.stringify(pod.metadata.annotations));
      assert.ok(!containerNames(pod).includes('istio-proxy'));
      assert.equal(pod.metadata.annotations?.[SIDECAR_STATUS], undefined);
    }
  });

  test('pods in namespaces with no injection label have no sidecar and are not redirected', () => {
    for (const ns of ['monitoring', 'kube-system']) {
      const pods = list(sim, 'pods', ns);
      assert.ok(pods.length > 0, ns);
      for (const pod of pods) {
        assert.ok(!hasSidecar(pod) && !containerNames(pod).includes('istio-proxy'), `${ns}/${pod.metadata.name}`);
        assert.ok(!redirected(pod), `${ns}/${pod.metadata.name}`);
      }
    }
  });

  test('migrating a namespace: ambient label, no injection label, restart → redirected pods without sidecar', async () => {
    const before = list(sim, 'pods', 'legacy');
    assert.equal(before.length, 1);
    assert.ok(hasSidecar(before[0]!));
    patch(sim, 'namespaces', '', 'legacy', {metadata: {labels: {'istio.io/dataplane-mode': 'ambient', 'istio-injection': null}}});
    await sim.settled();
    // Before the restart the pod keeps its sidecar, and istio-cni leaves sidecar pods alone.
    const notRestarted = list(sim, 'pods', 'legacy');
    assert.deepEqual(names(notRestarted), names(before));
    assert.ok(hasSidecar(notRestarted[0]!) && !redirected(notRestarted[0]!));

    await restart(sim, 'legacy', 'inventory');
    const after = list(sim, 'pods', 'legacy');
    assert.equal(after.length, 1);
    assert.notDeepEqual(names(after), names(before), 'the pod was re-created');
    const pod = after[0]!;
    assert.ok(!containerNames(pod).includes('istio-proxy'), containerNames(pod).join(','));
    assert.equal(pod.metadata.annotations?.[SIDECAR_STATUS], undefined);
    assert.ok(redirected(pod));
  });

  test('removing the ambient label un-enrolls pods that have no sidecar', async () => {
    const before = names(list(sim, 'pods', 'legacy'));
    assert.ok(list(sim, 'pods', 'legacy').every(redirected), 'follows the previous test');
    patch(sim, 'namespaces', '', 'legacy', {metadata: {labels: {'istio.io/dataplane-mode': null}}});
    await sim.settled();
    const pods = list(sim, 'pods', 'legacy');
    assert.deepEqual(names(pods), before, 'un-enrolling needs no restart');
    for (const pod of pods) assert.equal(pod.metadata.annotations?.[REDIRECTION], undefined);
    // And enrolling again needs none either.
    patch(sim, 'namespaces', '', 'legacy', {metadata: {labels: {'istio.io/dataplane-mode': 'ambient'}}});
    await sim.settled();
    assert.ok(list(sim, 'pods', 'legacy').every(redirected));
  });

  test('a pod labelled istio.io/dataplane-mode=none in an ambient namespace is not redirected', async () => {
    patch(sim, 'deployments', 'httpbin', 'httpbin', {spec: {template: {metadata: {labels: {'istio.io/dataplane-mode': 'none'}}}}}, SMP);
    await sim.settled();
    const pods = list(sim, 'pods', 'httpbin');
    assert.equal(pods.length, 1);
    assert.ok(!redirected(pods[0]!));
  });
});

describe('waypoints', () => {
  const waypoint = (namespace: string, name: string): KubeObject => ({
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'Gateway',
    metadata: {name, namespace, labels: {'istio.io/waypoint-for': 'service'}},
    spec: {gatewayClassName: 'istio-waypoint', listeners: [{name: 'mesh', port: 15008, protocol: 'HBONE'}]},
  });

  for (const namespace of ['bookinfo', 'httpbin']) {
    test(`a waypoint Gateway in ${namespace} is programmed and gets its Deployment, Service and ServiceAccount; deleting it removes them`, async () => {
      const name = `waypoint-${namespace}`;
      sim.cluster.create(typeOf(sim, 'gateways'), namespace, waypoint(namespace, name), {fieldManager: 'test'});
      await sim.settled();

      const gateway = get(sim, 'gateways', namespace, name)!;
      const conditions = (gateway.status as {conditions: Array<{type: string; status: string; observedGeneration?: number}>}).conditions;
      const programmed = conditions.find(c => c.type === 'Programmed');
      assert.equal(programmed?.status, 'True');
      assert.equal(programmed?.observedGeneration, gateway.metadata.generation);
      assert.equal(conditions.find(c => c.type === 'Accepted')?.status, 'True');

      const selector = `gateway.istio.io/managed=istio.io-mesh-controller,gateway.networking.k8s.io/gateway-name=${name}`;
      for (const plural of ['deployments', 'services', 'serviceaccounts']) {
        const owned = list(sim, plural, namespace, selector);
        assert.deepEqual(names(owned), [name], plural);
        assert.equal(owned[0]!.metadata.ownerReferences?.[0]?.uid, gateway.metadata.uid, `${plural} is owned by the Gateway`);
      }
      const pods = list(sim, 'pods', namespace, `gateway.networking.k8s.io/gateway-name=${name}`);
      assert.equal(pods.length, 1);
      for (const pod of pods) {
        assert.deepEqual(containerNames(pod), ['istio-proxy'], 'only the waypoint proxy itself');
        assert.equal(pod.metadata.annotations?.[SIDECAR_STATUS], undefined, 'not injected');
        assert.equal((pod.spec as {initContainers?: unknown[]}).initContainers, undefined);
        assert.ok(!redirected(pod), 'not captured by ztunnel');
      }

      sim.cluster.delete(typeOf(sim, 'gateways'), namespace, name);
      await sim.settled();
      for (const plural of ['deployments', 'replicasets', 'services', 'serviceaccounts', 'pods']) {
        assert.deepEqual(list(sim, plural, namespace, `gateway.networking.k8s.io/gateway-name=${name}`), [], `${plural} left behind`);
      }
    });
  }

  test('a Gateway of another class gets no waypoint deployment', async () => {
    sim.cluster.create(typeOf(sim, 'gateways'), 'bookinfo', {...waypoint('bookinfo', 'not-a-waypoint'), spec: {gatewayClassName: 'other', listeners: [{name: 'http', port: 80, protocol: 'HTTP'}]}}, {fieldManager: 'test'});
    await sim.settled();
    assert.equal(get(sim, 'deployments', 'bookinfo', 'not-a-waypoint'), undefined);
    sim.cluster.delete(typeOf(sim, 'gateways'), 'bookinfo', 'not-a-waypoint');
  });
});

describe('workload controllers', () => {
  test('after a restart, Deployment status is what kubectl rollout status waits for', async () => {
    const before = get(sim, 'deployments', 'bookinfo', 'reviews-v2')!;
    const oldPods = names(list(sim, 'pods', 'bookinfo', 'app=reviews,version=v2'));
    await restart(sim, 'bookinfo', 'reviews-v2');
    const deployment = get(sim, 'deployments', 'bookinfo', 'reviews-v2')!;
    const spec = deployment.spec as {replicas: number};
    const status = deployment.status as {observedGeneration: number; replicas: number; updatedReplicas: number; readyReplicas: number; availableReplicas: number; unavailableReplicas?: number};
    assert.equal(deployment.metadata.generation, before.metadata.generation! + 1);
    assert.equal(status.observedGeneration, deployment.metadata.generation);
    assert.equal(status.updatedReplicas, spec.replicas);
    assert.equal(status.replicas, spec.replicas);
    assert.equal(status.readyReplicas, spec.replicas);
    assert.equal(status.availableReplicas, spec.replicas);
    assert.equal(status.unavailableReplicas, undefined);
    const pods = list(sim, 'pods', 'bookinfo', 'app=reviews,version=v2');
    assert.equal(pods.length, spec.replicas);
    assert.ok(names(pods).every(n => !oldPods.includes(n)));
    // The old ReplicaSet is scaled to zero and kept as history.
    const replicaSets = list(sim, 'replicasets', 'bookinfo', 'app=reviews,version=v2');
    assert.equal(replicaSets.length, 2);
    assert.deepEqual(replicaSets.map(rs => (rs.spec as {replicas: number}).replicas).sort(), [0, spec.replicas]);
  });

  test('scaling a Deployment changes its pod count', async () => {
    patch(sim, 'deployments', 'payments', 'ledger', {spec: {replicas: 3}});
    await sim.settled();
    assert.equal(list(sim, 'pods', 'payments', 'app=ledger').length, 3);
    assert.equal((get(sim, 'deployments', 'payments', 'ledger')!.status as {readyReplicas: number}).readyReplicas, 3);
    patch(sim, 'deployments', 'payments', 'ledger', {spec: {replicas: 1}});
    await sim.settled();
    assert.equal(list(sim, 'pods', 'payments', 'app=ledger').length, 1);
    const status = get(sim, 'deployments', 'payments', 'ledger')!.status as {replicas: number; updatedReplicas: number};
    assert.deepEqual([status.replicas, status.updatedReplicas], [1, 1]);
  });

  test('DaemonSets run one pod per Node, and follow new Nodes', async () => {
    const nodes = names(list(sim, 'nodes'));
    assert.equal(nodes.length, 3);
    const daemonSets = list(sim, 'daemonsets');
    assert.deepEqual(names(daemonSets), ['istio-cni-node', 'kube-proxy', 'ztunnel']);
    for (const ds of daemonSets) {
      const pods = list(sim, 'pods', ds.metadata.namespace).filter(p => p.metadata.ownerReferences?.some(r => r.uid === ds.metadata.uid));
      assert.deepEqual(pods.map(p => (p.spec as {nodeName: string}).nodeName).sort(), nodes, ds.metadata.name);
      const status = ds.status as {desiredNumberScheduled: number; numberReady: number; currentNumberScheduled: number};
      assert.equal(status.desiredNumberScheduled, 3);
      assert.equal(status.numberReady, status.desiredNumberScheduled);
      assert.equal(status.currentNumberScheduled, 3);
    }

    const node = structuredClone(get(sim, 'nodes', '', nodes[0]!)!);
    sim.cluster.create(typeOf(sim, 'nodes'), '', {apiVersion: 'v1', kind: 'Node', metadata: {name: 'extra-node', labels: {'kubernetes.io/hostname': 'extra-node'}}, spec: node.spec, status: node.status}, {fieldManager: 'test'});
    await sim.settled();
    const ztunnel = get(sim, 'daemonsets', 'istio-system', 'ztunnel')!;
    assert.equal((ztunnel.status as {desiredNumberScheduled: number}).desiredNumberScheduled, 4);
    assert.equal((ztunnel.status as {numberReady: number}).numberReady, 4);
    assert.ok(list(sim, 'pods', 'istio-system').some(p => p.metadata.ownerReferences?.[0]?.uid === ztunnel.metadata.uid && (p.spec as {nodeName: string}).nodeName === 'extra-node'));
  });

  test('the ingress gateway is injected with the gateway template into its own proxy; istiod, ztunnel and istio-cni are not injected', () => {
    const pods = list(sim, 'pods', 'istio-system');
    const gateways = pods.filter(p => p.metadata.labels?.istio === 'ingressgateway');
    assert.equal(gateways.length, 2);
    for (const pod of gateways) {
      assert.deepEqual(containerNames(pod), ['istio-proxy'], 'one proxy container, not a second one appended');
      assert.equal((pod.spec as {initContainers?: unknown[]}).initContainers, undefined);
      assert.equal(JSON.parse(pod.metadata.annotations![SIDECAR_STATUS]!).initContainers, null);
    }
    for (const pod of pods.filter(p => !gateways.includes(p))) assert.equal(pod.metadata.annotations?.[SIDECAR_STATUS], undefined, pod.metadata.name);
  });

  test('no pod has two containers of the same name (a real API server rejects that)', () => {
    for (const pod of list(sim, 'pods')) {
      const all = [...containerNames(pod), ...((pod.spec as {initContainers?: Array<{name: string}>}).initContainers ?? []).map(c => c.name)];
      assert.equal(new Set(all).size, all.length, `${pod.metadata.namespace}/${pod.metadata.name}: ${all.join(', ')}`);
    }
  });
});

describe('a cluster without Istio', () => {
  let bare: Simulator;
  const tmp = tempDir();

  before(async () => {
    const fixture = tmp.file('no-istio.yaml');
    writeFileSync(
      fixture,
      `apiVersion: v1
kind: Node
metadata:
  name: node-1
---
apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels:
    istio-injection: enabled
    istio.io/dataplane-mode: ambient
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: cart
  namespace: shop
spec:
  replicas: 2
  selector:
    matchLabels: {app: cart}
  template:
    metadata:
      labels: {app: cart}
    spec:
      containers:
      - name: cart
        image: nginx:1.27
`,
    );
    bare = await startSimulator({fixtures: [fixture]});
  });

  after(async () => {
    await bare.close();
    tmp.cleanup();
  });

  test('an injection label does nothing without the injector webhook, and ambient nothing without istio-cni', async () => {
    await bare.settled();
    const pods = list(bare, 'pods', 'shop');
    assert.equal(pods.length, 2);
    for (const pod of pods) {
      assert.deepEqual(containerNames(pod), ['cart']);
      assert.equal(pod.metadata.annotations?.[SIDECAR_STATUS], undefined);
      assert.ok(!redirected(pod));
    }
  });
});
