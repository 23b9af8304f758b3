/**
 * Defects `npm run fuzz` found in the plan, each as the small fixed case it shrank to: a namespace of
 * sidecar workloads on the demo's control plane (scripts/fuzz/cluster.ts builds the Deployments, pods
 * and Services), plus the Istio objects that tripped the plan.
 */
import assert from 'node:assert/strict';
import {test} from 'node:test';
import type {FuzzCase} from '../../scripts/fuzz/cluster.ts';
import {CLUSTER, createsAreNew, inventoryOf, validObjects} from '../../scripts/fuzz/properties.ts';
import {planMigration} from '../../source/core/plan/planner.ts';
import type {KubeObject} from '../../source/kube/client.ts';

const shop = (config: KubeObject[]): FuzzCase => ({
  namespaces: [{name: 'shop', mode: 'injection', apps: [{name: 'reviews', version: 'v1', replicas: 1, ports: [{name: 'http', port: 9080}]}]}],
  config,
});

const l7Policy = (name: string): KubeObject => ({
  apiVersion: 'security.istio.io/v1',
  kind: 'AuthorizationPolicy',
  metadata: {name, namespace: 'shop'},
  spec: {selector: {matchLabels: {app: 'reviews'}}, rules: [{to: [{operation: {methods: ['GET']}}]}]},
});

test('a waypoint copy does not take the name of a policy that exists already (apply stopped half-way with "already exists")', () => {
  const c = shop([l7Policy('reviews'), {...l7Policy('reviews-waypoint'), spec: {selector: {matchLabels: {app: 'nothing'}}, action: 'DENY', rules: [{}]}}]);
  const inventory = inventoryOf(c);
  const {plan} = planMigration(inventory, CLUSTER, ['shop']);
  const copies = plan.operations.filter(o => o.action === 'create' && o.target.kind === 'AuthorizationPolicy').map(o => o.target.name);
  assert.deepEqual(copies, ['reviews-waypoint-2']);
  assert.deepEqual(createsAreNew(inventory, plan), []);
  assert.deepEqual(validObjects(plan), []);
});

test('a copy made by an earlier run for the same original keeps its name (apply takes it as done)', () => {
  const earlier: KubeObject = {
    ...l7Policy('reviews-waypoint'),
    metadata: {name: 'reviews-waypoint', namespace: 'shop', labels: {'app.kubernetes.io/managed-by': 'ambient-migrate'}, annotations: {'ambient-migrate.io/converted-from': 'AuthorizationPolicy/shop/reviews'}},
    spec: {targetRefs: [{group: '', kind: 'Service', name: 'reviews'}], rules: [{to: [{operation: {methods: ['GET']}}]}]},
  };
  const {plan} = planMigration(inventoryOf(shop([l7Policy('reviews'), earlier])), CLUSTER, ['shop']);
  assert.deepEqual(plan.operations.filter(o => o.action === 'create' && o.target.kind === 'AuthorizationPolicy').map(o => o.target.name), ['reviews-waypoint']);
});

test('an application Service named waypoint blocks the plan: Istio would apply the waypoint Service over it', () => {
  const c: FuzzCase = {
    namespaces: [{name: 'shop', mode: 'injection', apps: [{name: 'waypoint', version: 'v1', replicas: 1, ports: [{name: 'http', port: 9080}]}]}],
    config: [{...l7Policy('reviews'), spec: {selector: {matchLabels: {app: 'waypoint'}}, rules: [{to: [{operation: {methods: ['GET']}}]}]}}],
  };
  const inventory = inventoryOf(c);
  const {plan} = planMigration(inventory, CLUSTER, ['shop']);
  const blockers = plan.findings.filter(f => f.severity === 'blocker');
  assert.deepEqual(blockers.map(f => [f.id, f.resource.kind, f.resource.name]), [['plan/waypoint-name-taken', 'Service', 'waypoint']]);
  assert.deepEqual(createsAreNew(inventory, plan), []);
  // The waypoint's own Service (a Gateway already made it) is no reason to stop.
  const {plan: again} = planMigration(inventoryOf({...c, namespaces: [{...c.namespaces[0]!, apps: [{...c.namespaces[0]!.apps[0]!, name: 'reviews'}]}]}), CLUSTER, ['shop']);
  assert.deepEqual(again.findings.filter(f => f.id === 'plan/waypoint-name-taken'), []);
});
