/**
 * loadInventory over the real client and the simulator: one paginated LIST per kind for the whole
 * cluster, kinds that cannot be read recorded rather than thrown, and Secrets read narrowly.
 */
import {after, before, describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {KubeError} from '../../source/kube/client.ts';
import {connect} from '../../source/kube/http-client.ts';
import {itemsOf, loadInventory, type Inventory} from '../../source/core/inventory.ts';
import {KINDS, type KindName} from '../../source/kube/kinds.ts';
import {writeKubeconfig} from '../../source/sim/simulator.ts';
import {startDemoSimulator} from '../helpers/cluster.ts';

let env: Awaited<ReturnType<typeof startDemoSimulator>>;
let inventory: Inventory;
const KIND_NAMES: KindName[] = ['namespace', 'pod', 'deployment', 'virtualService', 'destinationRule', 'authorizationPolicy', 'wasmPlugin', 'secret'];

before(async () => {
  env = await startDemoSimulator();
  const {cluster} = env.sim;
  // A cluster without the WasmPlugin CRD (e.g. Istio installed without it).
  cluster.delete(cluster.typeFor('apiextensions.k8s.io', 'customresourcedefinitions'), '', 'wasmplugins.extensions.istio.io');
  // A multi-cluster remote secret: the only kind of Secret the tool looks at.
  cluster.create(cluster.typeFor('', 'secrets'), 'istio-system', {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {name: 'istio-remote-secret-west', namespace: 'istio-system', labels: {'istio/multiCluster': 'true'}, annotations: {'networking.istio.io/cluster': 'west'}},
    data: {west: Buffer.from('apiVersion: v1\nkind: Config\n').toString('base64')},
  });
  env.sim.server.faults.deny({verb: 'list', resource: 'destinationrules', group: 'networking.istio.io'});
  env.sim.server.journal.clear();
  inventory = await loadInventory(connect({kubeconfig: env.kubeconfig}), KIND_NAMES);
});

after(async () => {
  await env.close();
});

describe('loadInventory', () => {
  test('lists each kind once for the whole cluster, never namespace by namespace', () => {
    const lists = env.sim.server.journal.all().filter(e => e.userAgent === 'ambient-migrate');
    assert.ok(lists.every(e => e.method === 'GET'));
    const namespaced = lists.filter(e => /\/namespaces\/[^/]+\//.test(e.path));
    assert.deepEqual(namespaced.map(e => e.path), []);
    const paths = lists.map(e => e.path).sort();
    assert.deepEqual(paths, [
      '/api/v1/namespaces',
      '/api/v1/pods',
      '/api/v1/secrets',
      '/apis/apps/v1/deployments',
      '/apis/extensions.istio.io/v1alpha1/wasmplugins',
      '/apis/networking.istio.io/v1/destinationrules',
      '/apis/networking.istio.io/v1/virtualservices',
      '/apis/security.istio.io/v1/authorizationpolicies',
    ]);
  });

  test('reads every object of the kinds it can read', () => {
    assert.equal(itemsOf(inventory, 'namespace').length, 9);
    assert.equal(itemsOf(inventory, 'deployment').length, 15);
    assert.equal(itemsOf(inventory, 'authorizationPolicy').length, 6);
    assert.deepEqual(itemsOf(inventory, 'virtualService').map(v => `${v.metadata.namespace}/${v.metadata.name}`).sort(), ['bookinfo/bookinfo', 'bookinfo/reviews']);
    const podNamespaces = new Set(itemsOf(inventory, 'pod').map(p => p.metadata.namespace));
    for (const ns of ['bookinfo', 'payments', 'legacy', 'edge', 'httpbin', 'monitoring', 'istio-system', 'kube-system']) assert.ok(podNamespaces.has(ns), ns);
    for (const kind of ['namespace', 'pod', 'deployment', 'virtualService', 'authorizationPolicy'] as KindName[]) {
      assert.equal(inventory.unreadable[kind], undefined, kind);
      assert.ok(itemsOf(inventory, kind).every(o => o.kind === KINDS[kind].kind), kind);
    }
  });

  test('a kind whose CRD is missing is not-installed', () => {
    assert.deepEqual(inventory.unreadable.wasmPlugin, {state: 'not-installed'});
    assert.equal(inventory.objects.wasmPlugin, undefined);
  });

  test('a denied kind is forbidden, with the permission that is missing', () => {
    const unreadable = inventory.unreadable.destinationRule;
    assert.equal(unreadable?.state, 'forbidden');
    assert.ok(unreadable?.state === 'forbidden');
    assert.deepEqual(unreadable.permission, {verb: 'list', resource: 'destinationrules', group: 'networking.istio.io'});
    assert.match(unreadable.message, /cannot list resource "destinationrules"/);
    assert.equal(inventory.objects.destinationRule, undefined);
  });

  test('Secrets are listed by the multi-cluster label only and kept as metadata', () => {
    const request = env.sim.server.journal.all().find(e => e.userAgent === 'ambient-migrate' && e.path === '/api/v1/secrets');
    assert.equal(new URLSearchParams(request?.query).get('labelSelector'), 'istio/multiCluster=true');
    const secrets = itemsOf(inventory, 'secret');
    assert.deepEqual(secrets.map(s => `${s.metadata.namespace}/${s.metadata.name}`), ['istio-system/istio-remote-secret-west']);
    const [secret] = secrets;
    assert.equal(secret?.data, undefined, 'no secret data kept');
    assert.equal(secret?.metadata.annotations?.['networking.istio.io/cluster'], 'west');
    assert.equal(secret?.kind, 'Secret');
  });

  test('an unreachable cluster throws instead of marking every kind unreadable', async () => {
    const dead = connect({kubeconfig: writeKubeconfig(env.tmp.file('dead.kubeconfig'), 'http://127.0.0.1:1', 'dead')});
    await assert.rejects(loadInventory(dead, ['namespace', 'pod']), (e: unknown) => e instanceof KubeError && e.kind === 'Unreachable');
  });
});
