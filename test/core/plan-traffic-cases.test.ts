/**
 * The plans a review against Istio's code found to open, cut or move traffic (issue "Traffic safety"), one
 * cluster each under fixtures/traffic/<case>/, layered on the audit base: what the plan does now, and for the
 * ones that change pods, what the pods are after apply and after revert on the simulator.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import {describe, test} from 'node:test';
import {applyNamespace, ApplyStopped} from '../../source/core/apply/execute.ts';
import {migrateNamespace} from '../../source/core/apply/runner.ts';
import {revertNamespace} from '../../source/core/apply/revert.ts';
import {AUDIT_KINDS} from '../../source/core/audit/context.ts';
import {hasSidecar, isAmbientPod} from '../../source/core/dataplane.ts';
import {loadInventory, type Inventory} from '../../source/core/inventory.ts';
import {planMigration, type PlanOutcome} from '../../source/core/plan/planner.ts';
import type {Operation} from '../../source/core/plan/types.ts';
import {newState, recordPlan} from '../../source/core/state/state.ts';
import type {KubeClient, KubeObject} from '../../source/kube/client.ts';
import {connect} from '../../source/kube/http-client.ts';
import {KINDS} from '../../source/kube/kinds.ts';
import {startSimulator, type Simulator} from '../../source/sim/simulator.ts';
import {layered} from '../helpers/audit.ts';
import {repoRoot, tempDir} from '../helpers/cluster.ts';
import {testDeps} from '../helpers/migration.ts';

const CLUSTER = {context: 'test', server: 'https://127.0.0.1', kubernetesVersion: 'v1.32.4'};
const casePath = (name: string) => path.join(repoRoot, 'fixtures/traffic', name, 'cluster.yaml');

interface Case {
  sim: Simulator;
  client: KubeClient;
  inventory: Inventory;
  plan(namespaces: string[]): PlanOutcome;
  close(): Promise<void>;
}

async function open(name: string): Promise<Case> {
  const sim = await startSimulator({objects: layered(casePath(name))});
  const tmp = tempDir('ambient-migrate-traffic-');
  const client = connect({kubeconfig: sim.writeKubeconfig(tmp.file('kubeconfig'))});
  await sim.settled();
  const inventory = await loadInventory(client, AUDIT_KINDS);
  return {
    sim,
    client,
    inventory,
    plan: namespaces => planMigration(inventory, CLUSTER, namespaces),
    close: async () => {
      await sim.close();
      tmp.cleanup();
    },
  };
}

/** Applies the namespace's plan in-process, then (optionally) reverts it; returns the live pods after each. */
async function applyThenRevert(c: Case, namespace: string, plan: PlanOutcome): Promise<{applied: KubeObject[]; reverted: KubeObject[]}> {
  const tmp = tempDir('ambient-migrate-traffic-work-');
  try {
    const state = newState({context: 'test', server: c.client.endpoint.server, kubeSystemUid: 'x'} as never, new Date());
    recordPlan(state, namespace, plan.plan.operations.filter(o => o.namespace === namespace), new Date());
    const deps = testDeps({client: c.client, workdir: tmp.dir}, {persist: async () => {}});
    await applyNamespace(state, namespace, deps);
    await c.sim.settled();
    const applied = await livePods(c.client, namespace);
    await revertNamespace(state, namespace, deps);
    await c.sim.settled();
    return {applied, reverted: await livePods(c.client, namespace)};
  } finally {
    tmp.cleanup();
  }
}

async function livePods(client: KubeClient, namespace: string): Promise<KubeObject[]> {
  return (await client.list(KINDS.pod, {namespace})).filter(p => !p.metadata.deletionTimestamp);
}

const appOf = (pod: KubeObject) => pod.metadata.labels?.app ?? pod.metadata.name;
const modeOf = (pod: KubeObject) => (hasSidecar(pod) ? 'sidecar' : isAmbientPod(pod) ? 'ambient' : 'none');
const modes = (pods: KubeObject[]) => Object.fromEntries(pods.map(p => [appOf(p), modeOf(p)]).sort(([a], [b]) => (a! < b! ? -1 : 1)));
const describeOps = (ops: Operation[]) => ops.map(o => `${o.step} ${o.action} ${o.target.kind}/${o.target.name}`);

describe('traffic cases', {concurrency: 2}, () => {
  test('opted-out pods stay out of the mesh: labelled istio.io/dataplane-mode=none before the namespace is enrolled, and back after revert', async () => {
    const c = await open('opted-out');
    try {
      assert.deepEqual(modes(await livePods(c.client, 'optout')), {batch: 'none', debug: 'none', web: 'sidecar'});
      const outcome = c.plan(['optout']);
      const enroll = outcome.plan.operations.filter(o => o.step === 'enroll');
      assert.deepEqual(
        describeOps(enroll).map(d => d.replace(/batch-[a-z0-9]+-[a-z0-9]+/, 'batch-pod')),
        ['enroll label Pod/batch-pod', 'enroll label Pod/debug', 'enroll update Deployment/batch', 'enroll label Namespace/optout'],
      );
      const template = enroll.find(o => o.target.kind === 'Deployment')!.after!.spec.template.metadata.labels;
      assert.equal(template['istio.io/dataplane-mode'], 'none');
      const {applied, reverted} = await applyThenRevert(c, 'optout', outcome);
      assert.deepEqual(modes(applied), {batch: 'none', debug: 'none', web: 'ambient'}, 'the opted-out pods are not redirected by ztunnel');
      assert.deepEqual(modes(reverted), {batch: 'none', debug: 'none', web: 'sidecar'});
      for (const pod of reverted) assert.equal(pod.metadata.labels?.['istio.io/dataplane-mode'], undefined, `${pod.metadata.name} has its labels back`);
    } finally {
      await c.close();
    }
  });

  test('the waypoint takes the revision (or tag) of its namespace, not the first control plane found', async () => {
    const c = await open('waypoint-revision');
    try {
      const outcome = c.plan(['canary-shop', 'stable-shop']);
      assert.deepEqual(outcome.refused, []);
      const gateway = (ns: string) => outcome.plan.operations.find(o => o.namespace === ns && o.target.kind === 'Gateway')!.after!;
      assert.equal(gateway('canary-shop').metadata.labels?.['istio.io/rev'], 'canary');
      assert.equal(gateway('stable-shop').metadata.labels?.['istio.io/rev'], undefined, 'istio-injection=enabled: the default revision');
    } finally {
      await c.close();
    }
  });

  test('a VirtualService bound to the mesh and to an ingress Gateway loses only `mesh`, and keeps its DestinationRule', async () => {
    const c = await open('vs-mesh-and-gateway');
    try {
      const outcome = c.plan(['storefront']);
      assert.deepEqual(outcome.refused, []);
      const ops = outcome.plan.operations;
      assert.ok(ops.some(o => o.action === 'create' && o.target.kind === 'HTTPRoute'), describeOps(ops).join('\n'));
      const touchingVs = ops.filter(o => o.target.kind === 'VirtualService');
      assert.deepEqual(describeOps(touchingVs), ['cleanup update VirtualService/web']);
      assert.deepEqual(touchingVs[0]!.after!.spec.gateways, ['public']);
      assert.deepEqual(touchingVs[0]!.after!.spec.http, touchingVs[0]!.before!.spec.http, 'its routes stay as they were for the gateway');
      assert.deepEqual(describeOps(ops.filter(o => o.target.kind === 'DestinationRule' && o.action === 'delete')), [], 'the gateway still routes to its subsets');
    } finally {
      await c.close();
    }
  });

  test('a policy whose Service will not use the namespace waypoint (use-waypoint: none) blocks the plan; its original is not deleted', async () => {
    const c = await open('service-off-waypoint');
    try {
      const outcome = c.plan(['split']);
      const blocker = outcome.plan.findings.find(f => f.id === 'plan/policy-service-off-waypoint');
      assert.ok(blocker, outcome.plan.findings.map(f => f.id).join(', '));
      assert.equal(blocker.severity, 'blocker');
      assert.match(blocker.message, /Service api \(istio\.io\/use-waypoint: none\)/);
      assert.deepEqual(describeOps(outcome.plan.operations.filter(o => o.target.kind === 'AuthorizationPolicy')), [], 'no copy, and the original stays');
    } finally {
      await c.close();
    }
  });

  test('an L7 ALLOW on pods no Service fronts blocks the plan: no waypoint can enforce it, and ztunnel would deny everything', async () => {
    const c = await open('policy-pods-without-service');
    try {
      const outcome = c.plan(['jobs']);
      const blocker = outcome.plan.findings.find(f => f.id === 'plan/policy-pods-without-service');
      assert.ok(blocker, outcome.plan.findings.map(f => f.id).join(', '));
      assert.equal(blocker.severity, 'blocker');
      assert.match(blocker.message, /selects Deployment\/worker, which no Service fronts.*deny everything this ALLOW allows/);
      assert.equal(outcome.plan.findings.some(f => f.id === 'plan/policy-selects-nothing'), false, 'it does select something');
    } finally {
      await c.close();
    }
  });

  test('an L7 original is not deleted while a pod it selects still runs a sidecar; the namespace is done only when no pod runs one', async () => {
    const c = await open('sidecar-pods-left');
    const tmp = tempDir('ambient-migrate-traffic-work-');
    try {
      const outcome = c.plan(['leftovers']);
      assert.deepEqual(outcome.refused, []);
      const state = newState({context: 'test', server: c.client.endpoint.server, kubeSystemUid: 'x'}, new Date());
      recordPlan(state, 'leftovers', outcome.plan.operations, new Date());
      const deps = testDeps({client: c.client, workdir: tmp.dir}, {persist: async () => {}});
      await assert.rejects(migrateNamespace(state, 'leftovers', deps), (e: unknown) => {
        assert.ok(e instanceof ApplyStopped);
        assert.match(e.message, /^AuthorizationPolicy leftovers\/api-readers is not deleted yet: 1 pod it selects still runs a sidecar, which enforces it .*api-debug \(no controller\): delete it and create it again\. Then run apply again$/);
        return true;
      });
      assert.ok(await c.client.get(KINDS.authorizationPolicy, 'leftovers', 'api-readers'), 'the original is still there');
      assert.equal(state.namespaces.leftovers!.status, 'failed');

      await c.client.delete(KINDS.pod, 'leftovers', 'api-debug', {gracePeriodSeconds: 0} as never);
      await c.sim.settled();
      const second = await migrateNamespace(state, 'leftovers', deps);
      assert.equal(await c.client.get(KINDS.authorizationPolicy, 'leftovers', 'api-readers'), undefined, 'deleted once no sidecar enforces it');
      assert.equal(second.verified, false, 'tools still runs a sidecar');
      assert.equal(state.namespaces.leftovers!.status, 'unverified');
      assert.match(second.verification!.message, /1 pod still runs a sidecar: tools \(no controller\): delete it and create it again/);

      await c.client.delete(KINDS.pod, 'leftovers', 'tools', {gracePeriodSeconds: 0} as never);
      await c.sim.settled();
      const third = await migrateNamespace(state, 'leftovers', deps);
      assert.equal(third.verified, true, third.verification?.message);
      assert.equal(state.namespaces.leftovers!.status, 'done');
    } finally {
      tmp.cleanup();
      await c.close();
    }
  });
});
