/**
 * The real @kubernetes/client-node 1.4 against the simulator: what a third-party client sends must be
 * understood the way a kube-apiserver would (pagination, patch content types, SSA, conflicts, watch).
 */
import {after, before, describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {
  ApiException,
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  KubernetesObjectApi,
  PatchStrategy,
  Watch,
  setHeaderOptions,
  type KubernetesObject,
} from '@kubernetes/client-node';
import {startDemoSimulator, waitFor} from '../helpers/cluster.ts';

/** The 9 namespaces of fixtures/demo/01-namespaces.yaml. */
const DEMO_NAMESPACES = ['bookinfo', 'default', 'edge', 'httpbin', 'istio-system', 'kube-system', 'legacy', 'monitoring', 'payments'];

let env: Awaited<ReturnType<typeof startDemoSimulator>>;
let kc: KubeConfig;

before(async () => {
  env = await startDemoSimulator();
  kc = new KubeConfig();
  kc.loadFromFile(env.kubeconfig);
});

after(async () => {
  await env.close();
});

/** The parsed Status body of an ApiException (client-node keeps it as a raw JSON string). */
function statusOf(error: unknown): {code: number; body: {kind?: string; reason?: string; message?: string}} {
  assert.ok(error instanceof ApiException, `expected an ApiException, got ${String(error)}`);
  const body = typeof error.body === 'string' ? JSON.parse(error.body) : error.body;
  return {code: error.code, body};
}

describe('client-node typed APIs', () => {
  test('the kubeconfig written by the simulator loads and points at it', () => {
    assert.equal(kc.getCurrentCluster()?.server, env.sim.url);
    assert.equal(kc.getCurrentContext(), 'ambient-migrate-sim');
  });

  test('listNamespace with limit 2 paginates through every namespace exactly once', async () => {
    const core = kc.makeApiClient(CoreV1Api);
    const seen: string[] = [];
    let pages = 0;
    let _continue: string | undefined;
    do {
      const page = await core.listNamespace({limit: 2, _continue});
      assert.ok(page.items.length <= 2, `page ${pages} has ${page.items.length} items`);
      seen.push(...page.items.map(ns => ns.metadata!.name!));
      _continue = page.metadata?._continue;
      pages++;
      assert.ok(pages < 50, 'pagination does not terminate');
    } while (_continue);
    assert.equal(new Set(seen).size, seen.length, `a namespace was returned twice: ${seen.join(', ')}`);
    // Nothing else has created namespaces yet: the pages hold exactly the demo's.
    assert.deepEqual([...seen].sort(), DEMO_NAMESPACES);
    assert.equal(pages, Math.ceil(DEMO_NAMESPACES.length / 2));
  });

  test('patchNamespace with a merge patch adds a label and removes it with null', async () => {
    const core = kc.makeApiClient(CoreV1Api);
    const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
    const added = await core.patchNamespace({name: 'monitoring', body: {metadata: {labels: {'team': 'observability'}}}}, merge);
    assert.equal(added.metadata?.labels?.team, 'observability');
    assert.equal((await core.readNamespace({name: 'monitoring'})).metadata?.labels?.team, 'observability');
    const removed = await core.patchNamespace({name: 'monitoring', body: {metadata: {labels: {team: null}}}}, merge);
    assert.equal(removed.metadata?.labels?.team, undefined);
    assert.equal((await core.readNamespace({name: 'monitoring'})).metadata?.labels?.team, undefined);
    // The label that was there before survives both patches.
    assert.equal(removed.metadata?.labels?.['kubernetes.io/metadata.name'], 'monitoring');
  });

  test('a strategic-merge restart annotation on a Deployment re-creates its pods', async () => {
    const apps = kc.makeApiClient(AppsV1Api);
    const core = kc.makeApiClient(CoreV1Api);
    const podNames = async () =>
      (await core.listNamespacedPod({namespace: 'payments', labelSelector: 'app=api'})).items
        .filter(p => !p.metadata?.deletionTimestamp)
        .map(p => p.metadata!.name!)
        .sort();
    const before = await podNames();
    assert.equal(before.length, 2, 'payments/api has 2 replicas');
    const restartedAt = new Date().toISOString();
    const patched = await apps.patchNamespacedDeployment(
      {name: 'api', namespace: 'payments', body: {spec: {template: {metadata: {annotations: {'kubectl.kubernetes.io/restartedAt': restartedAt}}}}}},
      setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
    );
    assert.equal(patched.spec?.template.metadata?.annotations?.['kubectl.kubernetes.io/restartedAt'], restartedAt);
    // The strategic merge kept the containers list rather than replacing it.
    assert.ok((patched.spec?.template.spec?.containers.length ?? 0) >= 1);
    const after = await waitFor('new api pods', async () => {
      const names = await podNames();
      return names.length === 2 && names.every(n => !before.includes(n)) ? names : undefined;
    });
    assert.equal(after.length, 2);
    // The old pods may still be listed for a moment, Terminating, as on a real cluster.
    const pods = (await core.listNamespacedPod({namespace: 'payments', labelSelector: 'app=api'})).items.filter(p => !p.metadata?.deletionTimestamp);
    for (const pod of pods) assert.equal(pod.metadata?.annotations?.['kubectl.kubernetes.io/restartedAt'], restartedAt);
  });

  test('a replace with a stale resourceVersion is a 409 Conflict ApiException', async () => {
    const core = kc.makeApiClient(CoreV1Api);
    const created = await core.createNamespacedConfigMap({namespace: 'default', body: {metadata: {name: 'conflict-test'}, data: {a: '1'}}});
    const stale = created.metadata!.resourceVersion!;
    await core.replaceNamespacedConfigMap({name: 'conflict-test', namespace: 'default', body: {...created, data: {a: '2'}}});
    const error = await core
      .replaceNamespacedConfigMap({name: 'conflict-test', namespace: 'default', body: {...created, metadata: {...created.metadata, resourceVersion: stale}, data: {a: '3'}}})
      .then(() => undefined, (e: unknown) => e);
    const {code, body} = statusOf(error);
    assert.equal(code, 409);
    assert.equal(body.reason, 'Conflict');
    assert.match(body.message ?? '', /the object has been modified/);
    // The losing write did not land.
    assert.equal((await core.readNamespacedConfigMap({name: 'conflict-test', namespace: 'default'})).data?.a, '2');
  });

  test('CustomObjectsApi lists AuthorizationPolicies cluster-wide', async () => {
    const custom = kc.makeApiClient(CustomObjectsApi);
    const list = (await custom.listClusterCustomObject({group: 'security.istio.io', version: 'v1', plural: 'authorizationpolicies'})) as {
      items: Array<{metadata: {name: string; namespace: string}}>;
    };
    const names = list.items.map(p => `${p.metadata.namespace}/${p.metadata.name}`).sort();
    assert.equal(names.length, 6);
    for (const expected of ['bookinfo/productpage-viewer', 'bookinfo/reviews-viewer', 'bookinfo/ratings-from-reviews', 'payments/ledger-from-api', 'payments/api-callers', 'payments/deny-legacy']) {
      assert.ok(names.includes(expected), `${expected} missing from ${names.join(', ')}`);
    }
  });
});

describe('client-node KubernetesObjectApi on a custom resource', () => {
  type VirtualService = KubernetesObject & {spec?: {hosts?: string[]; http?: Array<{timeout?: string; route?: unknown}>}};
  const spec = (): VirtualService => ({
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: {name: 'conformance-vs', namespace: 'bookinfo'},
    spec: {hosts: ['details'], http: [{route: [{destination: {host: 'details'}}]}]},
  });

  test('create, read, merge patch, server-side apply and delete a VirtualService', async () => {
    const client = KubernetesObjectApi.makeApiClient(kc);
    const created = await client.create(spec(), undefined, undefined, 'conformance');
    assert.ok(created.metadata?.uid);
    assert.equal(created.kind, 'VirtualService');

    const read = (await client.read({apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: {name: 'conformance-vs', namespace: 'bookinfo'}})) as VirtualService;
    assert.deepEqual(read.spec?.hosts, ['details']);

    const merged = await client.patch<VirtualService>(
      {apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: {name: 'conformance-vs', namespace: 'bookinfo', labels: {patched: 'merge'}}},
      undefined,
      undefined,
      'conformance',
      undefined,
      PatchStrategy.MergePatch,
    );
    assert.equal(merged.metadata?.labels?.patched, 'merge');
    assert.deepEqual(merged.spec?.hosts, ['details'], 'a merge patch of metadata keeps the spec');

    const applied = await client.patch<VirtualService>(
      {...spec(), spec: {hosts: ['details'], http: [{timeout: '5s', route: [{destination: {host: 'details'}}]}]}},
      undefined,
      undefined,
      'ambient-migrate',
      true,
      PatchStrategy.ServerSideApply,
    );
    assert.equal(applied.spec?.http?.[0]?.timeout, '5s');
    // The merge patch's label survives an apply that does not mention it.
    assert.equal(applied.metadata?.labels?.patched, 'merge');
    const managers = (applied.metadata?.managedFields ?? []).map(f => `${f.manager}:${f.operation}`);
    assert.ok(managers.includes('ambient-migrate:Apply'), `managedFields: ${managers.join(', ')}`);
    const applyRequest = env.sim.server.journal
      .all()
      .reverse()
      .find(e => e.method === 'PATCH' && e.path.endsWith('/virtualservices/conformance-vs'));
    assert.equal(applyRequest?.contentType?.split(';')[0], 'application/apply-patch+yaml');
    assert.match(applyRequest?.query ?? '', /fieldManager=ambient-migrate/);
    assert.match(applyRequest?.query ?? '', /force=true/);

    await client.delete({apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: {name: 'conformance-vs', namespace: 'bookinfo'}});
    const gone = await client
      .read({apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: {name: 'conformance-vs', namespace: 'bookinfo'}})
      .then(() => undefined, (e: unknown) => e);
    assert.equal(statusOf(gone).code, 404);
  });

  test('the default strategic-merge patch on a custom resource is a 415', async () => {
    const client = KubernetesObjectApi.makeApiClient(kc);
    const error = await client
      .patch({apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: {name: 'reviews', namespace: 'bookinfo', labels: {smp: 'yes'}}})
      .then(() => undefined, (e: unknown) => e);
    const {code, body} = statusOf(error);
    assert.equal(code, 415);
    assert.equal(body.reason, 'UnsupportedMediaType');
    assert.equal(env.sim.cluster.tryGet(env.sim.cluster.typeFor('networking.istio.io', 'virtualservices'), 'bookinfo', 'reviews')?.metadata.labels?.smp, undefined);
  });
});

describe('client-node Watch', () => {
  test('a watch on namespaces sees an ADDED event for a namespace created after it starts', async () => {
    const events: Array<{type: string; name: string}> = [];
    let doneError: unknown = 'not done';
    const watch = new Watch(kc);
    const list = await kc.makeApiClient(CoreV1Api).listNamespace();
    const controller = await watch.watch(
      '/api/v1/namespaces',
      {resourceVersion: list.metadata?.resourceVersion},
      (type, object) => events.push({type, name: object?.metadata?.name}),
      error => {
        doneError = error;
      },
    );
    try {
      await kc.makeApiClient(CoreV1Api).createNamespace({body: {metadata: {name: 'watched-ns'}}});
      await waitFor('ADDED watched-ns', () => events.some(e => e.type === 'ADDED' && e.name === 'watched-ns'));
      // Resumed from the list's resourceVersion: no synthetic ADDED for namespaces that already existed.
      assert.ok(!events.some(e => e.name === 'bookinfo'), `unexpected events ${JSON.stringify(events)}`);
    } finally {
      controller.abort();
    }
    await waitFor('watch done callback', () => doneError !== 'not done');
  });
});
