/**
 * Plans against the model (`applyOperations`, `equivalence`): small hand-made plans on small clusters,
 * and the planner's real plan for the demo's `bookinfo` (served by the simulator once, read through the
 * tool's own client, as `plan` reads it). Nothing is hard-coded about the known limitations: the sidecar
 * callers and the ingress bypassing the waypoint must come out of the model as computed changes.
 */
import assert from 'node:assert/strict';
import {before, describe, test} from 'node:test';
import yaml from 'js-yaml';
import type {KubeObject} from '../../../source/kube/client.ts';
import {AUDIT_KINDS} from '../../../source/core/audit/context.ts';
import {loadInventory, type Inventory} from '../../../source/core/inventory.ts';
import {planMigration} from '../../../source/core/plan/planner.ts';
import type {Operation, Plan} from '../../../source/core/plan/types.ts';
import {applyOperations} from '../../../source/core/traffic/apply.ts';
import {compare, direction, equivalence, type Change, type EquivalenceReport} from '../../../source/core/traffic/equivalence.ts';
import {currentMode} from '../../../source/core/traffic/mode.ts';
import {connect} from '../../../source/kube/http-client.ts';
import {startSimulator} from '../../../source/sim/simulator.ts';
import {demoPath, tempDir} from '../../helpers/cluster.ts';
import {app, cluster, fakeAuthorize, join, ns} from './helpers.ts';

const op = (id: string, action: Operation['action'], target: KubeObject | {apiVersion: string; kind: string; name: string; namespace?: string}, before: KubeObject | null, after: KubeObject | null): Operation => ({
  id,
  namespace: ('metadata' in target ? target.metadata.namespace : target.namespace) ?? 'shop',
  step: 'cleanup',
  action,
  target: 'metadata' in target ? {apiVersion: target.apiVersion, kind: target.kind, name: target.metadata.name, ...(target.metadata.namespace ? {namespace: target.metadata.namespace} : {})} : target,
  before,
  after,
  reason: 'test',
});
const relabel = (namespace: KubeObject, labels: Record<string, string>): KubeObject => ({...namespace, metadata: {...namespace.metadata, labels}});
const find = (inv: Inventory, kind: keyof Inventory['objects'], name: string, namespace?: string) => (inv.objects[kind] ?? []).find(o => o.metadata.name === name && o.metadata.namespace === namespace)!;
const planOf = (operations: Operation[], namespaces = ['shop']): Plan => ({namespaces, operations, findings: []});

describe('applyOperations', () => {
  const inv = cluster(join(ns('shop', {'istio-injection': 'enabled'}), app('shop', 'reviews'), app('shop', 'ratings', {podLabels: {'sidecar.istio.io/inject': 'false'}})));
  const shop = find(inv, 'namespace', 'shop');
  const restart = (name: string) => op(`restart/${name}`, 'restart', {apiVersion: 'apps/v1', kind: 'Deployment', name, namespace: 'shop'}, null, null);
  const modes = (i: Inventory) => Object.fromEntries((i.objects.pod ?? []).map(p => [p.metadata.name.replace(/-(abc12|restart\d+)-\d+$/, ''), currentMode(p)]));

  test('before: injected pods have sidecars, the opted-out one none', () => assert.deepEqual(modes(inv), {'reviews-v1': 'sidecar', 'ratings-v1': 'none'}));
  test('labels alone change no pod', () => {
    const after = applyOperations(inv, [op('enroll', 'label', shop, shop, relabel(shop, {'istio.io/dataplane-mode': 'ambient'}))]);
    assert.deepEqual(modes(after), {'reviews-v1': 'sidecar', 'ratings-v1': 'none'});
  });
  test('a restart after enroll keeps the sidecar while injection is still on', () => {
    const after = applyOperations(inv, [op('enroll', 'label', shop, shop, relabel(shop, {'istio-injection': 'enabled', 'istio.io/dataplane-mode': 'ambient'})), restart('reviews-v1')]);
    assert.deepEqual(modes(after), {'reviews-v1': 'sidecar', 'ratings-v1': 'none'});
  });
  test('enroll, remove injection, restart: ambient — and the opted-out pod is enrolled too', () => {
    const after = applyOperations(inv, [op('enroll', 'label', shop, shop, relabel(shop, {'istio.io/dataplane-mode': 'ambient'})), restart('reviews-v1'), restart('ratings-v1')]);
    assert.deepEqual(modes(after), {'reviews-v1': 'ambient', 'ratings-v1': 'ambient'});
  });
  test('delete removes, create adds, the input is not modified', () => {
    const policy = yaml.load('{apiVersion: security.istio.io/v1, kind: AuthorizationPolicy, metadata: {name: p, namespace: shop}, spec: {}}') as KubeObject;
    const created = applyOperations(inv, [op('create', 'create', policy, null, policy)]);
    assert.equal(created.objects.authorizationPolicy?.length, 1);
    assert.equal(inv.objects.authorizationPolicy, undefined);
    const deleted = applyOperations(created, [op('delete', 'delete', policy, policy, null)]);
    assert.equal(deleted.objects.authorizationPolicy?.length ?? 0, 0);
  });
});

describe('equivalence on small plans', () => {
  test('deleting a VirtualService bound to mesh and an ingress Gateway: the ingress route disappears', () => {
    const vs = yaml.load(`{apiVersion: networking.istio.io/v1, kind: VirtualService, metadata: {name: reviews, namespace: shop}, spec: {hosts: ['*'], gateways: [mesh, shop-gateway], http: [{match: [{uri: {prefix: /reviews}}], route: [{destination: {host: reviews}}]}]}}`) as KubeObject;
    const gateway = yaml.load(`{apiVersion: networking.istio.io/v1, kind: Gateway, metadata: {name: shop-gateway, namespace: shop}, spec: {selector: {istio: ingressgateway}, servers: [{port: {number: 8080, name: http, protocol: HTTP}, hosts: ['*']}]}}`) as KubeObject;
    const inv = cluster(join(ns('shop', {'istio-injection': 'enabled'}), app('shop', 'reviews'), yaml.dump(vs), yaml.dump(gateway)));
    const report = equivalence(inv, planOf([op('delete-vs', 'delete', vs, vs, null)]), fakeAuthorize);
    const ingress = report.final.filter(c => c.request.destination.kind === 'gateway' && c.request.path?.startsWith('/reviews'));
    assert.ok(ingress.length > 0, 'an ingress class changes');
    for (const c of ingress) {
      assert.equal(c.direction, 'closes');
      assert.deepEqual(c.before.backends.map(b => b.workload), ['reviews-v1']);
      assert.deepEqual(c.after.backends, []);
      assert.deepEqual(c.objects.map(o => `${o.kind}/${o.name}`), ['VirtualService/reviews']);
    }
    // Mesh traffic to reviews had a route for /reviews only; other paths 404ed and now reach the Service.
    assert.ok(report.final.some(c => c.request.destination.kind === 'service' && c.request.source.mode === 'sidecar' && c.direction === 'opens'));
    assert.deepEqual(report.windows, []);
  });

  test('an L7 ALLOW kept until after every restart: a closing window from the first restart to its deletion', () => {
    const policy = yaml.load(`{apiVersion: security.istio.io/v1, kind: AuthorizationPolicy, metadata: {name: get-only, namespace: shop}, spec: {selector: {matchLabels: {app: reviews}}, action: ALLOW, rules: [{to: [{operation: {methods: [GET]}}]}]}}`) as KubeObject;
    const inv = cluster(join(ns('shop', {'istio-injection': 'enabled'}), app('shop', 'reviews'), app('shop', 'other'), yaml.dump(policy)));
    const shop = find(inv, 'namespace', 'shop');
    const restart = (name: string) => op(`restart/${name}`, 'restart', {apiVersion: 'apps/v1', kind: 'Deployment', name, namespace: 'shop'}, null, null);
    const plan = planOf([op('enroll', 'label', shop, shop, relabel(shop, {'istio.io/dataplane-mode': 'ambient'})), restart('reviews-v1'), restart('other-v1'), op('delete-policy', 'delete', policy, policy, null)]);
    const report = equivalence(inv, plan, fakeAuthorize);
    const get = (list: Change[]) => list.filter(c => c.request.destination.kind === 'service' && c.request.destination.name === 'reviews' && c.request.method === 'GET' && c.request.source.kind === 'other');
    const windows = get(report.windows);
    assert.ok(windows.length > 0, 'GET to reviews is denied for a while');
    for (const w of windows) {
      assert.equal(w.direction, 'closes');
      assert.deepEqual(w.operations, ['restart/reviews-v1', 'delete-policy']);
      assert.deepEqual(w.rollouts, ['restart/reviews-v1', 'restart/other-v1']);
    }
    // After the whole plan nothing enforces GET-only any more: POST opens for good.
    const post = report.final.filter(c => c.request.destination.kind === 'service' && c.request.destination.name === 'reviews' && c.request.method === 'POST' && c.request.source.kind === 'other');
    assert.ok(post.length > 0 && post.every(c => c.direction === 'opens'));
    // `after` is the state after the last operation, not the first state with the same verdicts.
    assert.ok(post.every(c => c.after.backends.every(b => b.path.at(-1) === 'ztunnel' && !b.decidedBy)));
    // GET was allowed before and after: no final change for it.
    assert.deepEqual(get(report.final).filter(c => c.direction !== 'opens'), []);
  });

  test('`after` shows the last state, even when an earlier one had the same verdicts', () => {
    const deny = yaml.load(`{apiVersion: security.istio.io/v1, kind: AuthorizationPolicy, metadata: {name: read-only, namespace: shop}, spec: {action: DENY, rules: [{to: [{operation: {methods: [DELETE]}}]}]}}`) as KubeObject;
    const v2get = yaml.load(`{apiVersion: security.istio.io/v1, kind: AuthorizationPolicy, metadata: {name: v2-get, namespace: shop}, spec: {selector: {matchLabels: {app: reviews, version: v2}}, action: ALLOW, rules: [{to: [{operation: {methods: [GET]}}]}]}}`) as KubeObject;
    const inv = cluster(join(ns('shop', {'istio-injection': 'enabled'}), app('shop', 'reviews'), app('shop', 'reviews', {version: 'v2', service: false}), yaml.dump(deny), yaml.dump(v2get)));
    const shop = find(inv, 'namespace', 'shop');
    const restart = (name: string) => op(`restart/${name}`, 'restart', {apiVersion: 'apps/v1', kind: 'Deployment', name, namespace: 'shop'}, null, null);
    const report = equivalence(inv, planOf([op('enroll', 'label', shop, shop, relabel(shop, {'istio.io/dataplane-mode': 'ambient'})), restart('reviews-v1'), restart('reviews-v2'), op('delete', 'delete', deny, deny, null)]), fakeAuthorize);
    const del = report.final.filter(c => c.request.destination.kind === 'service' && c.request.method === 'DELETE' && c.request.source.kind === 'other' && c.request.source.mode === 'sidecar');
    assert.ok(del.length > 0);
    for (const c of del) {
      const v2 = c.after.backends.find(b => b.workload === 'reviews-v2')!;
      assert.deepEqual([v2.decision, v2.decidedBy, v2.path.at(-1)], ['deny', 'shop/v2-get', 'ztunnel']);
    }
  });

  test('pods no Service fronts: an L7 ALLOW kept after their restart denies them everything, for good', () => {
    const policy = yaml.load(`{apiVersion: security.istio.io/v1, kind: AuthorizationPolicy, metadata: {name: worker-get, namespace: shop}, spec: {selector: {matchLabels: {app: worker}}, action: ALLOW, rules: [{to: [{operation: {methods: [GET]}}]}]}}`) as KubeObject;
    const inv = cluster(join(ns('shop', {'istio-injection': 'enabled'}), app('shop', 'worker', {service: false}), yaml.dump(policy)));
    const shop = find(inv, 'namespace', 'shop');
    const plan = planOf([op('enroll', 'label', shop, shop, relabel(shop, {'istio.io/dataplane-mode': 'ambient'})), op('restart/worker-v1', 'restart', {apiVersion: 'apps/v1', kind: 'Deployment', name: 'worker-v1', namespace: 'shop'}, null, null)]);
    const report = equivalence(inv, plan, fakeAuthorize);
    const get = report.final.filter(c => c.request.destination.kind === 'workload' && c.request.destination.name === 'worker-v1' && c.request.method === 'GET');
    assert.ok(get.length > 0);
    assert.ok(get.every(c => c.direction === 'closes' && c.after.backends.every(b => b.decision === 'deny' && b.path.at(-1) === 'ztunnel')));
    assert.deepEqual(get[0]!.operations, ['restart/worker-v1', 'restart/worker-v1']);
  });

  test('a bare pod no rollout restarts keeps its sidecar: deleting the policy leaves it open', () => {
    const policy = yaml.load(`{apiVersion: security.istio.io/v1, kind: AuthorizationPolicy, metadata: {name: get-only, namespace: shop}, spec: {selector: {matchLabels: {app: reviews}}, action: ALLOW, rules: [{to: [{operation: {methods: [GET]}}]}]}}`) as KubeObject;
    const pod = {apiVersion: 'v1', kind: 'Pod', metadata: {name: 'reviews-bare', namespace: 'shop', labels: {app: 'reviews'}, annotations: {'sidecar.istio.io/status': '{}'}}, spec: {containers: [{name: 'r', ports: [{containerPort: 9080}]}]}, status: {phase: 'Running'}};
    const svc = {apiVersion: 'v1', kind: 'Service', metadata: {name: 'reviews', namespace: 'shop'}, spec: {selector: {app: 'reviews'}, ports: [{name: 'http', port: 9080}]}};
    const inv = cluster(join(ns('shop', {'istio-injection': 'enabled'}), yaml.dump(pod), yaml.dump(svc), yaml.dump(policy)));
    const shop = find(inv, 'namespace', 'shop');
    const plan = planOf([op('enroll', 'label', shop, shop, relabel(shop, {'istio.io/dataplane-mode': 'ambient'})), op('delete-policy', 'delete', policy, policy, null)]);
    const report = equivalence(inv, plan, fakeAuthorize);
    const post = report.final.filter(c => c.request.destination.kind === 'service' && c.request.method === 'POST' && c.request.source.kind === 'other');
    assert.ok(post.length > 0 && post.every(c => c.direction === 'opens' && c.after.backends.every(b => b.path.at(-1) === 'destination-sidecar')));
  });

  test('a plan that changes nothing reports nothing', () => {
    const inv = cluster(join(ns('shop', {'istio-injection': 'enabled'}), app('shop', 'reviews')));
    const shop = find(inv, 'namespace', 'shop');
    const report = equivalence(inv, planOf([op('label', 'label', shop, shop, relabel(shop, {'istio-injection': 'enabled', team: 'x'}))]), fakeAuthorize);
    assert.ok(report.classes > 0);
    assert.deepEqual([report.final, report.windows], [[], []]);
  });
});

describe('equivalence: the demo bookinfo plan', () => {
  let demo: Inventory;
  let plan: Plan;
  let report: EquivalenceReport;
  before(async () => {
    const sim = await startSimulator({fixtures: [demoPath]});
    const tmp = tempDir('ambient-migrate-traffic-');
    try {
      demo = await loadInventory(connect({kubeconfig: sim.writeKubeconfig(tmp.file('kubeconfig'))}), AUDIT_KINDS);
    } finally {
      await sim.close();
      tmp.cleanup();
    }
    plan = planMigration(demo, {context: 'test', server: 'https://127.0.0.1', kubernetesVersion: 'v1.32.4'}, ['bookinfo']).plan;
    report = equivalence(demo, plan, fakeAuthorize);
  });

  const toReviews = (c: Change) => c.request.destination.kind === 'service' && c.request.destination.name === 'reviews';
  const sameRequest = (a: Change, b: Change) =>
    JSON.stringify([a.request.source.namespace, a.request.source.serviceAccount, a.request.destination, a.request.method, a.request.path, a.request.headers]) ===
    JSON.stringify([b.request.source.namespace, b.request.source.serviceAccount, b.request.destination, b.request.method, b.request.path, b.request.headers]);

  test('sidecar callers bypass the waypoint: reviews-viewer no longer applies to them', () => {
    const bypass = report.final.filter(c => toReviews(c) && c.request.source.mode === 'sidecar' && c.request.method !== 'GET' && c.direction === 'opens');
    assert.ok(bypass.length > 0);
    for (const c of bypass) {
      assert.ok(c.before.backends.every(b => b.decision === 'deny' && b.path.includes('destination-sidecar')));
      assert.ok(c.after.backends.every(b => b.decision === 'allow' && b.path.join('>') === 'client-sidecar>ztunnel'), JSON.stringify(c.after));
      assert.ok(c.objects.some(o => o.kind === 'AuthorizationPolicy' && o.name === 'reviews-viewer'));
    }
    // The same requests from ambient callers go through the waypoint, whose copy still denies them.
    const ambient = report.final.filter(c => toReviews(c) && c.request.source.mode === 'ambient' && c.direction === 'opens');
    assert.deepEqual(ambient.filter(a => bypass.some(b => sameRequest(a, b))), []);
  });

  test('the ingress gateway bypasses the waypoint too (productpage-viewer)', () => {
    const ingress = report.final.filter(c => c.request.source.mode === 'gateway' && c.request.destination.kind === 'service' && c.request.destination.name === 'productpage' && c.request.method !== 'GET');
    assert.ok(ingress.length > 0 && ingress.every(c => c.direction === 'opens' && c.after.backends.every(b => !b.path.includes('waypoint'))));
  });

  test('workloads restarted before the L7 originals are deleted deny their callers meanwhile', () => {
    const closes = report.windows.filter(c => toReviews(c) && c.direction === 'closes' && c.request.method === 'GET' && c.request.source.mode === 'sidecar');
    assert.ok(closes.length > 0);
    for (const w of closes) {
      assert.match(w.operations[0], /restart\/deployment\/reviews-v/);
      assert.equal(w.operations[1], 'bookinfo/cleanup/delete/authorizationpolicy/reviews-viewer');
      assert.ok(w.after.backends.some(b => b.decision === 'deny' && b.path.join('>') === 'client-sidecar>ztunnel'));
    }
  });

  test('ambient callers through the waypoint to pods still on sidecars are let through: until the clean-up the original allows the waypoint it sees as the caller', () => {
    const closes = report.windows.filter(c => toReviews(c) && c.direction === 'closes' && c.request.method === 'GET' && c.request.source.mode === 'ambient');
    assert.deepEqual(closes.map(c => c.classId), []);
    const update = plan.operations.find(o => o.action === 'update' && o.target.name === 'reviews-viewer');
    assert.ok(update, 'the plan lets the waypoint through reviews-viewer');
  });

  test('reusing work across prefixes gives the same answer as evaluating everything every time', () => {
    const full = equivalence(demo, plan, fakeAuthorize, {reuse: false});
    assert.equal(full.classes, report.classes);
    assert.ok(report.evaluations < full.evaluations / 2, `${report.evaluations} evaluations with reuse, ${full.evaluations} without`);
    assert.deepEqual(report.final, full.final);
    assert.deepEqual(report.windows, full.windows);
  });

  test('a version Service the plan creates is judged against reviews for the same pods, and the waypoint copy covers it: nothing opens for ambient callers', () => {
    const versions = [...report.final, ...report.windows].filter(c => c.request.destination.kind === 'service' && /^reviews-v\d$/.test(c.request.destination.name));
    assert.ok(versions.every(c => c.newTarget === true && c.baseline === 'Service bookinfo/reviews'));
    const opens = report.final.filter(c => c.newTarget && c.direction === 'opens' && c.request.source.mode === 'ambient');
    assert.deepEqual(opens.map(c => c.classId), [], 'POST to reviews-v1 from an ambient caller is denied at the waypoint, as reviews-viewer denied it');
  });

  test('the class set grows with configuration, not pods', () => {
    const scaled: Inventory = {...demo, objects: {...demo.objects, pod: [...(demo.objects.pod ?? []), ...(demo.objects.pod ?? []).filter(p => p.metadata.namespace === 'bookinfo').map(p => ({...p, metadata: {...p.metadata, name: `${p.metadata.name}-copy`}}))]}};
    assert.equal(equivalence(scaled, plan, fakeAuthorize).classes, report.classes);
  });
});

describe('compare (verify: recorded original against the live cluster)', () => {
  test('a policy deleted by hand opens what it denied; nothing else changes', () => {
    const policy = yaml.load(`{apiVersion: security.istio.io/v1, kind: AuthorizationPolicy, metadata: {name: get-only, namespace: shop}, spec: {selector: {matchLabels: {app: reviews}}, action: ALLOW, rules: [{to: [{operation: {methods: [GET]}}]}]}}`) as KubeObject;
    const before = cluster(join(ns('shop', {'istio-injection': 'enabled'}), app('shop', 'reviews'), yaml.dump(policy)));
    const after = applyOperations(before, [op('delete', 'delete', policy, policy, null)]);
    const {classes, changes} = compare(before, after, fakeAuthorize, {namespaces: ['shop']});
    assert.ok(classes > 0 && changes.length > 0);
    // POST was denied and is allowed; GET stays allowed but nothing decides it any more: both open.
    assert.ok(changes.every(c => c.direction === 'opens'));
    assert.ok(changes.some(c => c.request.method !== 'GET' && c.before.backends.every(b => b.decision === 'deny')));
    assert.ok(changes.filter(c => c.request.method === 'GET').every(c => c.before.backends.every(b => b.decidedBy === 'shop/get-only#0')));
    assert.deepEqual(compare(before, before, fakeAuthorize, {namespaces: ['shop']}).changes, []);
  });
});

describe('direction', () => {
  const s = (...backends: Array<[string, number, string, string?]>) => ({routedBy: [], backends: backends.map(([workload, weight, decision, decidedBy]) => ({workload, namespace: 'shop', weight, decision, ...(decidedBy ? {decidedBy} : {}), path: []}))});
  const CASES: Array<[string, ReturnType<typeof s>, ReturnType<typeof s>, string | undefined]> = [
    ['denied → allowed opens', s(['a', 1, 'deny', 'p']), s(['a', 1, 'allow']), 'opens'],
    ['allowed → denied closes', s(['a', 1, 'allow']), s(['a', 1, 'deny', 'p']), 'closes'],
    ['half denied → all allowed opens', s(['a', 0.5, 'allow'], ['b', 0.5, 'deny', 'p']), s(['a', 0.5, 'allow'], ['b', 0.5, 'allow']), 'opens'],
    ['allowed by a policy → allowed by none opens (rule no longer enforced)', s(['a', 1, 'allow', 'p#0']), s(['a', 1, 'allow']), 'opens'],
    ['allowed by none → allowed by a new policy: nothing', s(['a', 1, 'allow']), s(['a', 1, 'allow', 'q#0']), undefined],
    ['allowed by one policy → by its copy: nothing', s(['a', 1, 'allow', 'p#0']), s(['a', 1, 'allow', 'p-waypoint#0']), undefined],
    ['other weights reroute', s(['a', 0.5, 'allow'], ['b', 0.5, 'allow']), s(['a', 0.9, 'allow'], ['b', 0.1, 'allow']), 'reroutes'],
    ['reaching nothing any more closes', s(['a', 1, 'allow']), s(), 'closes'],
  ];
  for (const [name, before, after, expected] of CASES) test(name, () => assert.equal(direction(before, after), expected));
});

describe('equivalence on the bench generator (3 namespaces)', () => {
  test('reuse gives the same report as evaluating every class after every operation', async () => {
    const {generateLargeCluster} = await import('../../../scripts/bench/large-cluster.ts');
    const {KINDS} = await import('../../../source/kube/kinds.ts');
    const {layered} = await import('../../helpers/audit.ts');
    // An installed mesh (the audit base, served by the simulator so that ztunnel and istio-cni run) under the
    // generated namespaces: the environment checks pass and the namespaces can be planned.
    const sim = await startSimulator({objects: [...layered(), ...generateLargeCluster({namespaces: 3, podsPerNamespace: 6, virtualServicesPerNamespace: 2, authorizationPoliciesPerNamespace: 2})]});
    const tmp = tempDir('ambient-migrate-equivalence-');
    let inventory: Inventory;
    try {
      await sim.settled();
      inventory = await loadInventory(connect({kubeconfig: sim.writeKubeconfig(tmp.file('kubeconfig'))}), AUDIT_KINDS);
    } finally {
      await sim.close();
      tmp.cleanup();
    }
    const namespaces = inventory.objects.namespace!.map(n => n.metadata.name).filter(n => n.startsWith('team-'));
    const plan = planMigration(inventory, {context: 'b', server: 'https://x', kubernetesVersion: 'v1.32.4'}, namespaces).plan;
    const reused = equivalence(inventory, plan, fakeAuthorize);
    const full = equivalence(inventory, plan, fakeAuthorize, {reuse: false});
    assert.ok(reused.final.length > 0);
    assert.deepEqual(reused.final, full.final);
    assert.deepEqual(reused.windows, full.windows);
    assert.ok(reused.evaluations * 5 < full.evaluations, `${reused.evaluations} vs ${full.evaluations}`);
  });
});
