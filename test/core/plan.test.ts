/**
 * The plan (`planMigration`): what ambient mode needs for the chosen namespaces, as objects and ordered
 * operations (reference §1.3, §1.4, §3.4, §3.6, §4). Two clusters are served by the simulator once each and
 * read into inventories; everything after that is pure planning:
 * - the demo cluster (fixtures/demo): Bookinfo with L7 policies and subset routing, payments (L4 only), edge
 *   (revision label), legacy (blocked), httpbin (already ambient);
 * - the audit base plus fixtures/plan/*.yaml: one namespace per rule the demo does not reach (a policy on
 *   one version of a Service, RequestAuthentication/WasmPlugin, traffic policies, a DestinationRule still
 *   used elsewhere, an untranslatable VirtualService, pod-template injection overrides).
 * Every object the plan creates or changes is validated against the real CRD schemas.
 */
import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {readFileSync, readdirSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {before, describe, test} from 'node:test';
import {pathToFileURL} from 'node:url';
import yaml from 'js-yaml';
import {AUDIT_KINDS} from '../../source/core/audit/context.ts';
import {FINDINGS, type FindingDefinition} from '../../source/core/audit/catalogue.ts';
import {checkHttpRoute} from '../../source/core/convert/httproute-rules.ts';
import {DECISIVE_INPUTS} from '../../source/core/audit/unreadable.ts';
import {loadInventory, type Inventory} from '../../source/core/inventory.ts';
import {planMigration, type PlanOutcome} from '../../source/core/plan/planner.ts';
import {STEPS, type Operation, type Plan} from '../../source/core/plan/types.ts';
import {hasSidecar} from '../../source/core/dataplane.ts';
import type {KubeObject} from '../../source/kube/client.ts';
import {connect} from '../../source/kube/http-client.ts';
import {compileSchema, type SchemaValidator} from '../../source/sim/schema-validation.ts';
import {startSimulator, type SimulatorOptions} from '../../source/sim/simulator.ts';
import {layered} from '../helpers/audit.ts';
import {demoPath, repoRoot, tempDir} from '../helpers/cluster.ts';

const CLUSTER = {context: 'test', server: 'https://127.0.0.1', kubernetesVersion: 'v1.32.4'};
const PLAN_FIXTURES = path.join(repoRoot, 'fixtures/plan');
const SCENARIOS = ['auth', 'faults', 'guarded', 'override', 'partial', 'store', 'traffic'];

async function inventoryOf(options: SimulatorOptions): Promise<Inventory> {
  const sim = await startSimulator(options);
  const tmp = tempDir('ambient-migrate-plan-');
  try {
    return await loadInventory(connect({kubeconfig: sim.writeKubeconfig(tmp.file('kubeconfig'))}), AUDIT_KINDS);
  } finally {
    await sim.close();
    tmp.cleanup();
  }
}

let demo: Inventory;
let scenarios: Inventory;
let demoPlan: PlanOutcome;
let scenarioPlan: PlanOutcome;

before(async () => {
  const planFiles = readdirSync(PLAN_FIXTURES).filter(f => f.endsWith('.yaml')).sort().map(f => path.join(PLAN_FIXTURES, f));
  [demo, scenarios] = await Promise.all([inventoryOf({fixtures: [demoPath]}), inventoryOf({objects: layered(...planFiles)})]);
  demoPlan = planMigration(demo, CLUSTER, ['bookinfo', 'payments', 'edge']);
  scenarioPlan = planMigration(scenarios, CLUSTER, SCENARIOS);
});

// ------------------------------------------------------------------------------------------------ helpers

const inNamespace = (plan: Plan, namespace: string) => plan.operations.filter(o => o.namespace === namespace);
const ids = (ops: Operation[]) => ops.map(o => o.id);

function opFor(plan: Plan, namespace: string, step: Operation['step'], action: Operation['action'], kind: string, name: string): Operation {
  const found = plan.operations.filter(o => o.namespace === namespace && o.step === step && o.action === action && o.target.kind === kind && o.target.name === name);
  assert.equal(found.length, 1, `one ${step} ${action} ${kind} ${namespace}/${name} in:\n  ${ids(inNamespace(plan, namespace)).join('\n  ')}`);
  return found[0]!;
}

const touching = (plan: Plan, kind: string, namespace: string, name: string) =>
  plan.operations.filter(o => o.target.kind === kind && (o.target.namespace ?? o.namespace) === namespace && o.target.name === name);

function objectOf(inventory: Inventory, kind: keyof Inventory['objects'], namespace: string | undefined, name: string): KubeObject {
  const found = (inventory.objects[kind] ?? []).find(o => o.metadata.namespace === namespace && o.metadata.name === name);
  assert.ok(found, `${kind} ${namespace}/${name} is in the inventory`);
  return found;
}

function findingsOf(plan: Plan, definition: FindingDefinition, name?: string) {
  return plan.findings.filter(f => f.id === definition.id && (name === undefined || f.resource.name === name));
}

/** The guide's steps, in the order they occur (consecutive repeats collapsed). */
/** A clean-up delete of a policy original, which the plan places right after the restarts of its pods. */
function earlyPolicyDelete(op: Operation): boolean {
  return op.step === 'cleanup' && op.action === 'delete' && ['AuthorizationPolicy', 'RequestAuthentication', 'WasmPlugin'].includes(op.target.kind);
}

function stepSequence(ops: Operation[]): string[] {
  return ops.map(o => o.step).filter((s, i, all) => i === 0 || all[i - 1] !== s);
}

/** Byte-identical JSON; on failure, the first operation or finding that differs rather than 40 kB of JSON. */
function assertSamePlan(actual: Plan, expected: Plan): void {
  if (JSON.stringify(actual) === JSON.stringify(expected)) return;
  assert.deepEqual(actual.namespaces, expected.namespaces);
  assert.deepEqual(ids(actual.operations), ids(expected.operations), 'operations in the same order');
  actual.operations.forEach((op, i) => assert.equal(JSON.stringify(op), JSON.stringify(expected.operations[i]), op.id));
  assert.equal(actual.findings.length, expected.findings.length);
  actual.findings.forEach((f, i) => assert.equal(JSON.stringify(f), JSON.stringify(expected.findings[i]), `finding ${i}`));
  assert.fail('the JSON differs in key order');
}

// ------------------------------------------------------------------------------------------------ demo

describe('demo: bookinfo (waypoint, policies, routes)', () => {
  test('operations follow the guide: waypoint → policies → use-waypoint → enroll → remove-injection → restart → cleanup', () => {
    const ops = inNamespace(demoPlan.plan, 'bookinfo');
    assert.deepEqual(stepSequence(ops.filter(o => !earlyPolicyDelete(o))), [...STEPS]);
  });

  test('each L7 original is deleted right after the last restart of the pods it selects, not after every restart', () => {
    const order = inNamespace(demoPlan.plan, 'bookinfo').map(o => `${o.action} ${o.target.name}`);
    const at = (what: string) => order.indexOf(what);
    assert.equal(at('delete productpage-viewer'), at('restart productpage-v1') + 1, order.join('\n'));
    assert.equal(at('delete reviews-viewer'), at('restart reviews-v3') + 1, order.join('\n'));
    assert.ok(at('restart ratings-v1') > at('delete productpage-viewer'), 'ratings restarts after productpage-viewer is gone');
  });

  test('until then an L7 ALLOW original lets the waypoint through, so the traffic the waypoint checked is not denied by ztunnel', () => {
    for (const policy of ['productpage-viewer', 'reviews-viewer']) {
      const update = opFor(demoPlan.plan, 'bookinfo', 'policies', 'update', 'AuthorizationPolicy', policy);
      const original = objectOf(demo, 'authorizationPolicy', 'bookinfo', policy);
      assert.deepEqual(update.after!.spec.rules, [...original.spec.rules, {from: [{source: {principals: ['cluster.local/ns/bookinfo/sa/waypoint']}}]}]);
      const copy = opFor(demoPlan.plan, 'bookinfo', 'policies', 'create', 'AuthorizationPolicy', `${policy}-waypoint`).after!;
      assert.deepEqual(copy.spec.rules, original.spec.rules, 'the copy has the original rules only');
      const removal = opFor(demoPlan.plan, 'bookinfo', 'cleanup', 'delete', 'AuthorizationPolicy', policy);
      assert.deepEqual(removal.before, update.after, 'the delete expects the policy as the plan left it');
    }
    assert.deepEqual(demoPlan.plan.namespaces, ['bookinfo', 'edge', 'payments']);
    assert.deepEqual(demoPlan.refused, []);
  });

  test('the waypoint is the Gateway `istioctl waypoint apply -n bookinfo` makes', () => {
    const gateway = opFor(demoPlan.plan, 'bookinfo', 'waypoint', 'create', 'Gateway', 'waypoint');
    assert.equal(gateway.before, null);
    const after = gateway.after!;
    assert.equal(after.apiVersion, 'gateway.networking.k8s.io/v1');
    assert.equal(after.kind, 'Gateway');
    assert.equal(after.metadata.name, 'waypoint');
    assert.equal(after.metadata.namespace, 'bookinfo');
    assert.deepEqual(after.spec, {gatewayClassName: 'istio-waypoint', listeners: [{name: 'mesh', port: 15008, protocol: 'HBONE'}]});
    // istioctl adds labels only for --for and --revision; the revision here is `default`, so none of them.
    assert.equal(after.metadata.labels?.['istio.io/rev'], undefined);
    assert.equal(after.metadata.labels?.['istio.io/waypoint-for'], undefined);
  });

  test('version Services reviews-v1/v2/v3: the reviews selector plus the subset label, the same ports', () => {
    const reviews = objectOf(demo, 'service', 'bookinfo', 'reviews');
    for (const version of ['v1', 'v2', 'v3']) {
      const service = opFor(demoPlan.plan, 'bookinfo', 'policies', 'create', 'Service', `reviews-${version}`).after!;
      assert.deepEqual(service.spec.selector, {...reviews.spec.selector, version});
      assert.deepEqual(
        service.spec.ports,
        reviews.spec.ports.map((p: any) => ({name: p.name, port: p.port, protocol: p.protocol, targetPort: p.targetPort})),
      );
      assert.equal(service.spec.type ?? 'ClusterIP', 'ClusterIP');
      assert.equal(service.spec.clusterIP, undefined, 'no server-assigned field is copied');
    }
    // No version Service for DestinationRule subsets that no VirtualService routes to.
    assert.deepEqual(
      inNamespace(demoPlan.plan, 'bookinfo').filter(o => o.action === 'create' && o.target.kind === 'Service').map(o => o.target.name),
      ['reviews-v1', 'reviews-v2', 'reviews-v3'],
    );
  });

  test('the reviews VirtualService becomes a GAMMA HTTPRoute on Service reviews, after the Services it routes to', () => {
    const op = opFor(demoPlan.plan, 'bookinfo', 'policies', 'create', 'HTTPRoute', 'reviews');
    assert.deepEqual(op.after!.spec, {
      parentRefs: [{group: '', kind: 'Service', name: 'reviews', port: 9080}],
      rules: [
        {matches: [{headers: [{name: 'end-user', type: 'Exact', value: 'jason'}]}], backendRefs: [{name: 'reviews-v2', port: 9080}]},
        {backendRefs: [{name: 'reviews-v1', port: 9080, weight: 90}, {name: 'reviews-v3', port: 9080, weight: 10}]},
      ],
    });
    const order = ids(demoPlan.plan.operations);
    for (const version of ['v1', 'v2', 'v3']) assert.ok(order.indexOf(`bookinfo/policies/create/service/reviews-${version}`) < order.indexOf(op.id));
  });

  test('L7 policies get a targetRefs copy on every Service whose pods they select, the version Services the plan creates included, with the same rules', () => {
    for (const [policy, services] of [
      ['productpage-viewer', ['productpage']],
      // A call to reviews-v1 goes through the waypoint like one to reviews: a copy on reviews alone left it unchecked.
      ['reviews-viewer', ['reviews', 'reviews-v1', 'reviews-v2', 'reviews-v3']],
    ] as const) {
      const original = objectOf(demo, 'authorizationPolicy', 'bookinfo', policy);
      const copy = opFor(demoPlan.plan, 'bookinfo', 'policies', 'create', 'AuthorizationPolicy', `${policy}-waypoint`).after!;
      assert.deepEqual(copy.spec.targetRefs, services.map(name => ({group: '', kind: 'Service', name})));
      assert.equal(copy.spec.selector, undefined, 'a waypoint ignores selectors; the CRD forbids both');
      assert.deepEqual(copy.spec.rules, original.spec.rules);
      assert.equal(copy.spec.action, original.spec.action);
    }
  });

  test('the L4 ALLOW on ratings also lets the waypoint in, on the same port', () => {
    const op = opFor(demoPlan.plan, 'bookinfo', 'policies', 'update', 'AuthorizationPolicy', 'ratings-from-reviews');
    const original = objectOf(demo, 'authorizationPolicy', 'bookinfo', 'ratings-from-reviews');
    assert.deepEqual(op.before!.spec, original.spec);
    assert.deepEqual(op.after!.spec.selector, original.spec.selector, 'it stays a ztunnel (selector) policy');
    assert.deepEqual(op.after!.spec.rules, [
      ...original.spec.rules,
      {from: [{source: {principals: ['cluster.local/ns/bookinfo/sa/waypoint']}}], to: [{operation: {ports: ['9080']}}]},
    ]);
  });

  test('namespace labels: use-waypoint, then ambient, then injection removed, each from the state the last left', () => {
    const activate = opFor(demoPlan.plan, 'bookinfo', 'use-waypoint', 'label', 'Namespace', 'bookinfo');
    const enroll = opFor(demoPlan.plan, 'bookinfo', 'enroll', 'label', 'Namespace', 'bookinfo');
    const remove = opFor(demoPlan.plan, 'bookinfo', 'remove-injection', 'label', 'Namespace', 'bookinfo');
    const original = objectOf(demo, 'namespace', undefined, 'bookinfo');
    assert.deepEqual(activate.before!.metadata.labels, original.metadata.labels);
    assert.deepEqual(activate.after!.metadata.labels, {...original.metadata.labels, 'istio.io/use-waypoint': 'waypoint'});
    assert.deepEqual(enroll.before, activate.after);
    assert.deepEqual(enroll.after!.metadata.labels, {...activate.after!.metadata.labels, 'istio.io/dataplane-mode': 'ambient'});
    assert.deepEqual(remove.before, enroll.after);
    const enrolled: Record<string, string> = {...enroll.after!.metadata.labels};
    const {'istio-injection': injection, ...rest} = enrolled;
    assert.equal(injection, 'enabled');
    assert.deepEqual(remove.after!.metadata.labels, rest);
  });

  test('every Deployment whose pods run a sidecar is restarted, and nothing else', () => {
    const withSidecars = (demo.objects.deployment ?? [])
      .filter(d => d.metadata.namespace === 'bookinfo')
      .filter(d => (demo.objects.pod ?? []).some(p => p.metadata.namespace === 'bookinfo' && hasSidecar(p) && Object.entries(d.spec.selector.matchLabels).every(([k, v]) => p.metadata.labels?.[k] === v)))
      .map(d => d.metadata.name)
      .sort();
    assert.deepEqual(withSidecars, ['details-v1', 'productpage-v1', 'ratings-v1', 'reviews-v1', 'reviews-v2', 'reviews-v3']);
    const restarts = inNamespace(demoPlan.plan, 'bookinfo').filter(o => o.step === 'restart');
    assert.ok(restarts.every(o => o.action === 'restart' && o.target.kind === 'Deployment' && o.before === null && o.after === null));
    assert.deepEqual(restarts.map(o => o.target.name), withSidecars);
  });

  test('clean-up deletes the L7 originals, the converted VirtualService, then its DestinationRule; the ingress VirtualService stays', () => {
    const cleanup = inNamespace(demoPlan.plan, 'bookinfo').filter(o => o.step === 'cleanup');
    assert.deepEqual(
      cleanup.map(o => `${o.action} ${o.target.kind} ${o.target.name}`),
      ['delete AuthorizationPolicy productpage-viewer', 'delete AuthorizationPolicy reviews-viewer', 'delete VirtualService reviews', 'delete DestinationRule reviews'],
    );
    for (const op of cleanup) {
      assert.equal(op.after, null);
      assert.equal(op.before!.metadata.name, op.target.name, 'before is the object as it is now, for backup and revert');
    }
    assert.deepEqual(touching(demoPlan.plan, 'VirtualService', 'bookinfo', 'bookinfo'), [], 'the ingress VirtualService is not touched');
    assert.deepEqual(touching(demoPlan.plan, 'Gateway', 'bookinfo', 'bookinfo-gateway'), []);
    // The L4 policy stays (updated, never deleted); DestinationRules nobody routes to through subsets stay.
    for (const name of ['productpage', 'ratings', 'details']) assert.deepEqual(touching(demoPlan.plan, 'DestinationRule', 'bookinfo', name), []);
    assert.ok(!touching(demoPlan.plan, 'AuthorizationPolicy', 'bookinfo', 'ratings-from-reviews').some(o => o.action === 'delete'));
  });
});

describe('demo: payments and edge (no waypoint)', () => {
  test('payments is L4 only: no waypoint, no policy step; enroll, remove injection, restart', () => {
    const ops = inNamespace(demoPlan.plan, 'payments');
    assert.deepEqual(stepSequence(ops), ['enroll', 'remove-injection', 'restart']);
    assert.ok(!ops.some(o => o.target.kind === 'Gateway' || o.target.kind === 'AuthorizationPolicy'));
    assert.ok(!ops.some(o => o.after?.metadata.labels?.['istio.io/use-waypoint']), 'no use-waypoint label without a waypoint');
    assert.deepEqual(ops.filter(o => o.step === 'restart').map(o => o.target.name), ['api', 'ledger']);
  });

  test('edge (revision-based injection) gets istio.io/rev removed', () => {
    const remove = opFor(demoPlan.plan, 'edge', 'remove-injection', 'label', 'Namespace', 'edge');
    assert.equal(remove.before!.metadata.labels!['istio.io/rev'], 'default');
    assert.equal(remove.after!.metadata.labels!['istio.io/rev'], undefined);
    assert.equal(remove.after!.metadata.labels!['istio.io/dataplane-mode'], 'ambient');
    assert.equal(remove.after!.metadata.labels!.team, 'web', 'unrelated labels stay');
    assert.deepEqual(stepSequence(inNamespace(demoPlan.plan, 'edge')), ['enroll', 'remove-injection', 'restart']);
  });
});

// ------------------------------------------------------------------------------------------------ scenarios

describe('policies', () => {
  test('a policy that selects one version of a Service is reported as a blocker, and neither copied nor deleted', () => {
    const [finding, ...more] = findingsOf(scenarioPlan.plan, FINDINGS.policySelectsPartOfService);
    assert.equal(more.length, 0);
    assert.equal(finding!.resource.name, 'reviews-v2-get');
    assert.equal(finding!.severity, 'blocker', 'apply refuses a plan with blockers');
    assert.deepEqual(finding!.namespaces, ['partial']);
    assert.match(finding!.message, /Deployment\/reviews-v2 but not Deployment\/reviews-v1 behind Service reviews/);
    assert.deepEqual(touching(scenarioPlan.plan, 'AuthorizationPolicy', 'partial', 'reviews-v2-get'), []);
    assert.deepEqual(touching(scenarioPlan.plan, 'AuthorizationPolicy', 'partial', 'reviews-v2-get-waypoint'), []);
  });

  test('a namespace-wide L7 policy targets the waypoint Gateway; the original goes in clean-up', () => {
    const copy = opFor(scenarioPlan.plan, 'partial', 'policies', 'create', 'AuthorizationPolicy', 'read-only-waypoint').after!;
    assert.deepEqual(copy.spec.targetRefs, [{group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'waypoint'}]);
    assert.equal(copy.spec.action, 'DENY');
    assert.deepEqual(copy.spec.rules, objectOf(scenarios, 'authorizationPolicy', 'partial', 'read-only').spec.rules);
    opFor(scenarioPlan.plan, 'partial', 'cleanup', 'delete', 'AuthorizationPolicy', 'read-only');
  });

  test('an L4 DENY by caller identity behind a new waypoint gets a waypoint copy (ztunnel no longer sees the caller); the original stays', () => {
    const original = objectOf(scenarios, 'authorizationPolicy', 'guarded', 'deny-untrusted');
    const copy = opFor(scenarioPlan.plan, 'guarded', 'policies', 'create', 'AuthorizationPolicy', 'deny-untrusted-waypoint').after!;
    assert.deepEqual(copy.spec, {action: 'DENY', rules: original.spec.rules, targetRefs: [{group: '', kind: 'Service', name: 'vault'}]});
    assert.deepEqual(touching(scenarioPlan.plan, 'AuthorizationPolicy', 'guarded', 'deny-untrusted'), [], 'still enforced by ztunnel for direct traffic');
  });

  test('a DENY of everyone but one caller exempts the waypoint (else it denies all traffic through it) and gets a waypoint copy', () => {
    const original = objectOf(scenarios, 'authorizationPolicy', 'guarded', 'only-frontend');
    const update = opFor(scenarioPlan.plan, 'guarded', 'policies', 'update', 'AuthorizationPolicy', 'only-frontend');
    assert.deepEqual(update.after!.spec.rules, [
      {
        from: [{source: {notPrincipals: ['cluster.local/ns/frontend/sa/web', 'cluster.local/ns/guarded/sa/waypoint']}}],
        to: [{operation: {ports: ['9080']}}],
      },
    ]);
    assert.deepEqual(update.after!.spec.selector, original.spec.selector, 'still enforced by ztunnel on the pods');
    assert.match(update.reason, /ztunnel would deny the waypoint itself/);
    const copy = opFor(scenarioPlan.plan, 'guarded', 'policies', 'create', 'AuthorizationPolicy', 'only-frontend-waypoint').after!;
    assert.deepEqual(copy.spec, {action: 'DENY', rules: original.spec.rules, targetRefs: [{group: '', kind: 'Service', name: 'vault'}]}, 'the copy denies the real callers, unexempted');
    const finding = findingsOf(scenarioPlan.plan, FINDINGS.l4DenyWaypointIdentity).find(f => f.resource.name === 'only-frontend');
    assert.match(finding!.message, /would deny all traffic through the waypoint/);
  });

  test('an ALLOW of everyone but one namespace lets the waypoint in, so only a waypoint copy keeps that namespace out', () => {
    const original = objectOf(scenarios, 'authorizationPolicy', 'guarded', 'allow-but-untrusted');
    assert.deepEqual(
      touching(scenarioPlan.plan, 'AuthorizationPolicy', 'guarded', 'allow-but-untrusted').map(o => o.action),
      [],
      'the waypoint is already allowed: nothing to add at ztunnel',
    );
    const copy = opFor(scenarioPlan.plan, 'guarded', 'policies', 'create', 'AuthorizationPolicy', 'allow-but-untrusted-waypoint').after!;
    assert.deepEqual(copy.spec, {action: 'ALLOW', rules: original.spec.rules, targetRefs: [{group: '', kind: 'Service', name: 'vault'}]});
    const finding = findingsOf(scenarioPlan.plan, FINDINGS.l4AllowWaypointIdentity).find(f => f.resource.name === 'allow-but-untrusted');
    assert.match(finding!.message, /callers it does not allow would get through the waypoint/);
  });

  test('an ALLOW on the same pods as a copied ALLOW is copied too: at the waypoint, what no ALLOW allows is denied', () => {
    const original = objectOf(scenarios, 'authorizationPolicy', 'guarded', 'vault-metrics');
    const copy = opFor(scenarioPlan.plan, 'guarded', 'policies', 'create', 'AuthorizationPolicy', 'vault-metrics-waypoint');
    assert.deepEqual(copy.after!.spec, {action: 'ALLOW', rules: original.spec.rules, targetRefs: [{group: '', kind: 'Service', name: 'vault'}]});
    assert.match(copy.reason, /copied next to allow-but-untrusted so that what vault-metrics allows stays allowed/);
    assert.deepEqual(touching(scenarioPlan.plan, 'AuthorizationPolicy', 'guarded', 'vault-metrics'), [], 'the original stays as it is');
  });

  test('a dry-run policy changes nothing at ztunnel, and its copy stays a dry run', () => {
    assert.deepEqual(touching(scenarioPlan.plan, 'AuthorizationPolicy', 'guarded', 'trial-only-frontend'), []);
    const copy = opFor(scenarioPlan.plan, 'guarded', 'policies', 'create', 'AuthorizationPolicy', 'trial-only-frontend-waypoint').after!;
    assert.equal(copy.metadata.annotations!['istio.io/dry-run'], 'true');
  });

  test("the guide's bypass DENY is for the waypoint: neither exempted nor copied (a copy there would deny every caller)", () => {
    assert.deepEqual(touching(scenarioPlan.plan, 'AuthorizationPolicy', 'guarded', 'waypoint-only'), []);
    assert.deepEqual(touching(scenarioPlan.plan, 'AuthorizationPolicy', 'guarded', 'waypoint-only-waypoint'), []);
  });

  test('a mesh-wide policy that would reject the waypoint stops the plan; one that only fails open is reported', () => {
    const rootPolicy = (name: string, action: string, source: Record<string, unknown>): KubeObject => ({
      apiVersion: 'security.istio.io/v1',
      kind: 'AuthorizationPolicy',
      metadata: {name, namespace: 'istio-system'},
      spec: {action, rules: [{from: [{source}]}]},
    });
    const withRoot = (...policies: KubeObject[]): Inventory => ({...scenarios, objects: {...scenarios.objects, authorizationPolicy: [...(scenarios.objects.authorizationPolicy ?? []), ...policies]}});

    const mesh = withRoot(rootPolicy('mesh-callers', 'ALLOW', {principals: ['cluster.local/ns/frontend/sa/web']}), rootPolicy('mesh-deny-bots', 'DENY', {principals: ['cluster.local/ns/bots/sa/crawler']}));
    const {plan, audit} = planMigration(mesh, CLUSTER, ['guarded']);
    const [blocker, ...more] = findingsOf(plan, FINDINGS.meshWidePolicyBlocksWaypoint);
    assert.equal(more.length, 0, 'only the ALLOW: the DENY of named callers fails open, it does not stop traffic');
    assert.equal(blocker!.severity, 'blocker');
    assert.equal(blocker!.resource.name, 'mesh-callers');
    assert.match(blocker!.message, /ztunnel sees cluster\.local\/ns\/guarded\/sa\/waypoint, which it would reject: all traffic through the waypoint would stop/);
    assert.match(blocker!.remedy, /^add cluster\.local\/ns\/guarded\/sa\/waypoint to its sources in istio-system, and attach a copy to GatewayClass istio-waypoint/);
    // The audit says the same, for each mesh-wide policy, with a remedy for the mesh owner.
    const meshFindings = audit.findings.filter(f => f.scope === 'mesh' && f.id.startsWith('policy/l4-') && f.namespaces.includes('guarded'));
    assert.deepEqual(meshFindings.map(f => [f.id, f.resource.name]).sort(), [
      [FINDINGS.l4AllowWaypointIdentity.id, 'mesh-callers'],
      [FINDINGS.l4DenyWaypointIdentity.id, 'mesh-deny-bots'],
    ]);
    assert.ok(meshFindings.every(f => /the plan does not change mesh-wide policies/.test(f.remedy)));

    // An empty selector selects every workload just the same.
    const emptySelector = rootPolicy('mesh-callers', 'ALLOW', {principals: ['cluster.local/ns/frontend/sa/web']});
    emptySelector.spec!.selector = {};
    assert.equal(findingsOf(planMigration(withRoot(emptySelector), CLUSTER, ['guarded']).plan, FINDINGS.meshWidePolicyBlocksWaypoint).length, 1);

    // Once the mesh owner lets the waypoint in, the plan goes ahead; the audit still asks for a copy on every
    // waypoint until there is one, since a waypoint enforces only what is attached to it.
    const letIn = rootPolicy('mesh-callers', 'ALLOW', {principals: ['cluster.local/ns/frontend/sa/web', 'cluster.local/ns/guarded/sa/waypoint']});
    const fixed = planMigration(withRoot(letIn), CLUSTER, ['guarded']);
    assert.deepEqual(findingsOf(fixed.plan, FINDINGS.meshWidePolicyBlocksWaypoint), []);
    const stillOpen = fixed.audit.findings.filter(f => f.resource.name === 'mesh-callers' && f.namespaces.includes('guarded'));
    assert.deepEqual(stillOpen.map(f => f.id), [FINDINGS.l4AllowWaypointIdentity.id]);
    assert.match(stillOpen[0]!.message, /callers it does not allow would get through the waypoint/);
    const classCopy: KubeObject = {
      apiVersion: 'security.istio.io/v1',
      kind: 'AuthorizationPolicy',
      metadata: {name: 'mesh-callers-waypoints', namespace: 'istio-system'},
      spec: {targetRefs: [{group: 'gateway.networking.k8s.io', kind: 'GatewayClass', name: 'istio-waypoint'}], rules: letIn.spec!.rules},
    };
    const done = planMigration(withRoot(letIn, classCopy), CLUSTER, ['guarded']);
    assert.deepEqual(done.audit.findings.filter(f => f.resource.name === 'mesh-callers' && f.namespaces.includes('guarded')), []);
  });

  test('a root-namespace policy whose selector picks pods here counts for this namespace, and the plan does not move it', () => {
    // guarded's vault pods, selected from istio-system with an L7 rule: under sidecars their own Envoy
    // enforces it; after the restart ztunnel would, without the L7 rule.
    const rootL7: KubeObject = {
      apiVersion: 'security.istio.io/v1',
      kind: 'AuthorizationPolicy',
      metadata: {name: 'vault-get-only', namespace: 'istio-system'},
      spec: {selector: {matchLabels: {app: 'vault'}}, action: 'ALLOW', rules: [{to: [{operation: {methods: ['GET']}}]}]},
    };
    const inventory: Inventory = {...scenarios, objects: {...scenarios.objects, authorizationPolicy: [...(scenarios.objects.authorizationPolicy ?? []), rootL7]}};
    const {plan, audit} = planMigration(inventory, CLUSTER, ['guarded']);
    const l7 = audit.findings.find(f => f.id === FINDINGS.l7Authorization.id && f.resource.name === 'vault-get-only');
    assert.ok(l7?.namespaces.includes('guarded'), `the finding names the namespace of the pods it selects: ${l7?.namespaces}`);
    const [blocker] = findingsOf(plan, FINDINGS.rootPolicySelectsNamespace);
    assert.equal(blocker?.resource.name, 'vault-get-only');
    assert.equal(blocker?.severity, 'blocker');
    assert.match(blocker!.remedy, /^copy it into guarded keeping its selector .* narrow its selector in istio-system/);

    // Following the remedy: a local copy, and the root one no longer selecting guarded's pods. The plan
    // then moves the local copy to the waypoint like any of guarded's own policies.
    const local: KubeObject = {...rootL7, metadata: {name: 'vault-get-only', namespace: 'guarded'}};
    const narrowed: KubeObject = {...rootL7, spec: {...rootL7.spec, selector: {matchLabels: {app: 'vault', mesh: 'elsewhere'}}}};
    const after = planMigration({...scenarios, objects: {...scenarios.objects, authorizationPolicy: [...(scenarios.objects.authorizationPolicy ?? []), narrowed, local]}}, CLUSTER, ['guarded']);
    assert.deepEqual(findingsOf(after.plan, FINDINGS.rootPolicySelectsNamespace), []);
    opFor(after.plan, 'guarded', 'policies', 'create', 'AuthorizationPolicy', 'vault-get-only-waypoint');
    opFor(after.plan, 'guarded', 'cleanup', 'delete', 'AuthorizationPolicy', 'vault-get-only');
  });

  test('a root-namespace L4 policy naming callers of pods here stops the plan: only a local copy can follow them to the waypoint', () => {
    const rootDeny: KubeObject = {
      apiVersion: 'security.istio.io/v1',
      kind: 'AuthorizationPolicy',
      metadata: {name: 'vault-no-attackers', namespace: 'istio-system'},
      spec: {selector: {matchLabels: {app: 'vault'}}, action: 'DENY', rules: [{from: [{source: {principals: ['cluster.local/ns/evil/sa/attacker']}}]}]},
    };
    const {plan, audit} = planMigration({...scenarios, objects: {...scenarios.objects, authorizationPolicy: [...(scenarios.objects.authorizationPolicy ?? []), rootDeny]}}, CLUSTER, ['guarded']);
    const [blocker] = findingsOf(plan, FINDINGS.rootPolicySelectsNamespace);
    assert.equal(blocker?.resource.name, 'vault-no-attackers');
    assert.match(blocker!.message, /would no longer keep out the callers it means to/);
    const warning = audit.findings.find(f => f.resource.name === 'vault-no-attackers' && f.namespaces.includes('guarded'));
    assert.equal(warning?.id, FINDINGS.l4DenyWaypointIdentity.id);
    assert.match(warning!.remedy, /copy it into guarded keeping its selector/);
  });

  test("root-namespace ALLOWs count at the waypoint only if attached there: next to the namespace's copied ALLOWs they block", () => {
    const rootAllow = (name: string, selector?: Record<string, string>): KubeObject => ({
      apiVersion: 'security.istio.io/v1',
      kind: 'AuthorizationPolicy',
      metadata: {name, namespace: 'istio-system'},
      spec: {...(selector ? {selector: {matchLabels: selector}} : {}), action: 'ALLOW', rules: [{to: [{operation: {ports: ['8200']}}]}]},
    });
    const planWith = (...policies: KubeObject[]) =>
      planMigration({...scenarios, objects: {...scenarios.objects, authorizationPolicy: [...(scenarios.objects.authorizationPolicy ?? []), ...policies]}}, CLUSTER, ['guarded']).plan;
    // guarded's own ALLOWs on vault are copied to Service vault: the root ones on vault's pods would be left behind.
    const selected = findingsOf(planWith(rootAllow('vault-admin-port', {app: 'vault'})), FINDINGS.rootPolicySelectsNamespace);
    assert.deepEqual(selected.map(f => f.resource.name), ['vault-admin-port']);
    assert.match(selected[0]!.message, /allows traffic that, once allow-but-untrusted is copied to the waypoint, the waypoint would deny/);
    assert.match(selected[0]!.remedy, /^copy it into guarded keeping its selector/);
    const meshWide = findingsOf(planWith(rootAllow('admin-port-everywhere')), FINDINGS.rootPolicySelectsNamespace);
    assert.deepEqual(meshWide.map(f => f.resource.name), ['admin-port-everywhere']);
    assert.match(meshWide[0]!.remedy, /^attach a copy to GatewayClass istio-waypoint/);
    // With that copy on every waypoint, the mesh-wide ALLOW is allowed there too.
    const classCopy: KubeObject = {...rootAllow('admin-port-waypoints'), spec: {...rootAllow('x').spec, targetRefs: [{group: 'gateway.networking.k8s.io', kind: 'GatewayClass', name: 'istio-waypoint'}]}};
    assert.deepEqual(findingsOf(planWith(rootAllow('admin-port-everywhere'), classCopy), FINDINGS.rootPolicySelectsNamespace), []);
  });

  test("policies that select only Istio's gateways stay with the gateways: their own Envoy keeps enforcing them", () => {
    const jwt = (namespace: string, name: string): KubeObject => ({
      apiVersion: 'security.istio.io/v1',
      kind: 'RequestAuthentication',
      metadata: {name, namespace},
      spec: {selector: {matchLabels: {app: 'storegw-gateway'}}, jwtRules: [{issuer: 'https://issuer.example'}]},
    });
    const inventory: Inventory = {...scenarios, objects: {...scenarios.objects, requestAuthentication: [...(scenarios.objects.requestAuthentication ?? []), jwt('istio-system', 'edge-jwt'), jwt('storegw', 'gateway-jwt')]}};
    const {plan, audit} = planMigration(inventory, CLUSTER, ['storegw']);
    assert.equal(audit.namespaces.find(n => n.name === 'storegw')?.readiness, 'ready', 'no waypoint for the gateway: it keeps its Envoy');
    assert.deepEqual(findingsOf(plan, FINDINGS.rootPolicySelectsNamespace), []);
    assert.deepEqual(plan.operations.filter(o => o.target.kind === 'RequestAuthentication'), [], 'neither copied nor deleted');
  });

  test('a mesh-wide policy only a waypoint can enforce stops the plan, with the way to split it per namespace', () => {
    const meshJwt: KubeObject = {
      apiVersion: 'security.istio.io/v1',
      kind: 'RequestAuthentication',
      metadata: {name: 'mesh-jwt', namespace: 'istio-system'},
      spec: {jwtRules: [{issuer: 'https://issuer.example'}]},
    };
    const {plan} = planMigration({...scenarios, objects: {...scenarios.objects, requestAuthentication: [...(scenarios.objects.requestAuthentication ?? []), meshJwt]}}, CLUSTER, ['guarded']);
    const [blocker] = findingsOf(plan, FINDINGS.rootPolicySelectsNamespace);
    assert.equal(blocker?.resource.name, 'mesh-jwt');
    assert.equal(blocker?.scope, 'mesh');
    assert.match(blocker!.remedy, /^replace it with a copy in each namespace, without a selector/);
  });

  test('RequestAuthentication and WasmPlugin get targetRefs copies on their Service; the originals go in clean-up', () => {
    for (const [kind, inventoryKind, name] of [
      ['RequestAuthentication', 'requestAuthentication', 'api-jwt'],
      ['WasmPlugin', 'wasmPlugin', 'api-headers'],
    ] as const) {
      const original = objectOf(scenarios, inventoryKind, 'auth', name);
      const copy = opFor(scenarioPlan.plan, 'auth', 'policies', 'create', kind, `${name}-waypoint`).after!;
      assert.equal(copy.apiVersion, original.apiVersion);
      const {selector, ...rest} = original.spec;
      assert.deepEqual(selector, {matchLabels: {app: 'api'}});
      assert.deepEqual(copy.spec, {...rest, targetRefs: [{group: '', kind: 'Service', name: 'api'}]});
      opFor(scenarioPlan.plan, 'auth', 'cleanup', 'delete', kind, name);
    }
  });
});

describe('routes and DestinationRules', () => {
  test('a subset with a traffic policy keeps it: a DestinationRule per version Service, created before the route', () => {
    const top = {connectionPool: {http: {http1MaxPendingRequests: 10}}};
    const v1 = opFor(scenarioPlan.plan, 'traffic', 'policies', 'create', 'DestinationRule', 'reviews-v1').after!;
    assert.equal(v1.spec.host, 'reviews-v1');
    assert.deepEqual(v1.spec.trafficPolicy, {...top, loadBalancer: {simple: 'LEAST_REQUEST'}});
    // The rule's top-level policy applied to v2 too; traffic to Service reviews-v2 would lose it otherwise.
    const v2 = opFor(scenarioPlan.plan, 'traffic', 'policies', 'create', 'DestinationRule', 'reviews-v2').after!;
    assert.deepEqual(v2.spec, {host: 'reviews-v2', trafficPolicy: top});
    const order = ids(scenarioPlan.plan.operations);
    const route = order.indexOf('traffic/policies/create/httproute/reviews');
    assert.ok(route > order.indexOf('traffic/policies/create/destinationrule/reviews-v1'));
    assert.ok(route > order.indexOf('traffic/policies/create/service/reviews-v2'));
  });

  test('a DestinationRule with a top-level traffic policy is updated (subsets removed), not deleted, after the VirtualService', () => {
    const original = objectOf(scenarios, 'destinationRule', 'traffic', 'reviews');
    const update = opFor(scenarioPlan.plan, 'traffic', 'cleanup', 'update', 'DestinationRule', 'reviews');
    assert.deepEqual(update.after!.spec, {host: 'reviews', trafficPolicy: original.spec.trafficPolicy});
    assert.ok(!touching(scenarioPlan.plan, 'DestinationRule', 'traffic', 'reviews').some(o => o.action === 'delete'));
    const order = ids(scenarioPlan.plan.operations);
    assert.ok(order.indexOf(update.id) > order.indexOf('traffic/cleanup/delete/virtualservice/reviews'));
  });

  test('two mesh VirtualServices for one host (store/catalog and storefront/catalog-canary) block the plan: sidecars apply only the oldest, HTTPRoutes would merge both', () => {
    const [shared, ...more] = findingsOf(scenarioPlan.plan, FINDINGS.routesShareHost);
    assert.equal(more.length, 0);
    assert.equal(shared!.severity, 'blocker');
    assert.deepEqual(shared!.resource, {apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', namespace: 'store', name: 'catalog'});
    assert.match(shared!.message, /VirtualService store\/catalog and VirtualService storefront\/catalog-canary route mesh traffic for the same host; sidecars apply only the oldest/);
    // Nothing of either is converted or deleted, and the DestinationRule they route to stays.
    assert.deepEqual(touching(scenarioPlan.plan, 'HTTPRoute', 'store', 'catalog'), []);
    assert.deepEqual(touching(scenarioPlan.plan, 'VirtualService', 'store', 'catalog'), []);
    assert.deepEqual(touching(scenarioPlan.plan, 'DestinationRule', 'store', 'catalog'), []);
    assert.deepEqual(touching(scenarioPlan.plan, 'VirtualService', 'storefront', 'catalog-canary'), []);
  });

  test('an untranslatable VirtualService (fault injection) is kept and reported; its DestinationRule stays', () => {
    const [kept, ...more] = findingsOf(scenarioPlan.plan, FINDINGS.routeKept);
    assert.equal(more.length, 0);
    assert.deepEqual(kept!.resource, {apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', namespace: 'faults', name: 'ratings'});
    assert.equal(kept!.field, 'spec.http[0].fault');
    assert.deepEqual(touching(scenarioPlan.plan, 'VirtualService', 'faults', 'ratings'), []);
    assert.deepEqual(touching(scenarioPlan.plan, 'DestinationRule', 'faults', 'ratings'), []);
    const ops = inNamespace(scenarioPlan.plan, 'faults');
    assert.ok(!ops.some(o => o.target.kind === 'HTTPRoute' || o.target.kind === 'Service'), 'no half conversion');
    // The VirtualService still needs a waypoint to apply it once the sidecars are gone.
    opFor(scenarioPlan.plan, 'faults', 'waypoint', 'create', 'Gateway', 'waypoint');
  });
});

describe('injection overrides in pod templates', () => {
  test('a pod template asking for a sidecar (label or annotation) has the override removed before the restart', () => {
    for (const [name, field] of [
      ['worker', 'labels'],
      ['batch', 'annotations'],
    ] as const) {
      const update = opFor(scenarioPlan.plan, 'override', 'remove-injection', 'update', 'Deployment', name);
      assert.equal(update.before!.spec.template.metadata[field]['sidecar.istio.io/inject'], 'true');
      assert.equal(update.after!.spec.template.metadata[field]?.['sidecar.istio.io/inject'], undefined);
      assert.deepEqual(update.after!.spec.template.metadata.labels, {app: name});
      const order = ids(scenarioPlan.plan.operations);
      assert.ok(order.indexOf(update.id) > order.indexOf('override/remove-injection/label/namespace/override'));
      assert.ok(order.indexOf(update.id) < order.indexOf(`override/restart/restart/deployment/${name}`));
    }
  });
});

// ------------------------------------------------------------------------------------------------ refusals

describe('refusals', () => {
  test('a blocked namespace is refused, naming the blocker', () => {
    const {plan, refused} = planMigration(demo, CLUSTER, ['legacy']);
    assert.deepEqual(refused.map(r => [r.namespace, r.reason]), [['legacy', 'blocked']]);
    assert.match(refused[0]!.message, new RegExp(FINDINGS.peerAuthDisable.id));
    assert.deepEqual(plan.namespaces, []);
    assert.deepEqual(plan.operations, []);
  });

  test('an unknown namespace is refused; the others in the request are still planned', () => {
    const {plan, refused} = planMigration(demo, CLUSTER, ['nope', 'payments']);
    assert.deepEqual(refused.map(r => [r.namespace, r.reason]), [['nope', 'unknown']]);
    assert.deepEqual(plan.namespaces, ['payments']);
    assert.ok(plan.operations.every(o => o.namespace === 'payments'));
  });

  test('a namespace already in ambient mode is refused', () => {
    const {plan, refused} = planMigration(demo, CLUSTER, ['httpbin']);
    assert.deepEqual(refused.map(r => [r.namespace, r.reason]), [['httpbin', 'done']]);
    assert.match(refused[0]!.message, /already in ambient mode/);
    assert.deepEqual(plan.operations, []);
  });

  test("Kubernetes' and Istio's own namespaces are refused: the migration leaves them out of the mesh", () => {
    const {plan, refused, audit} = planMigration(demo, CLUSTER, ['kube-system', 'istio-system', 'payments']);
    assert.deepEqual(audit.cluster.systemNamespaces, ['istio-system', 'kube-system']);
    assert.deepEqual(refused.map(r => [r.namespace, r.reason]), [['istio-system', 'system'], ['kube-system', 'system']]);
    assert.match(refused[1]!.message, /^namespace kube-system runs Kubernetes or Istio itself: the migration leaves it out of the mesh$/);
    assert.deepEqual(plan.namespaces, ['payments']);
  });

  test('right after a restart, the old pods still Terminating do not ask for another one', () => {
    const edgePods = (demo.objects.pod ?? []).filter(p => p.metadata.namespace === 'edge');
    const restarted = edgePods.map(p => ({...p, metadata: {...p.metadata, name: `${p.metadata.name}-new`, annotations: {'ambient.istio.io/redirection': 'enabled'}}}));
    const old = edgePods.map(p => ({...p, metadata: {...p.metadata, deletionTimestamp: '2026-11-26T10:00:00Z'}}));
    const pods = [...(demo.objects.pod ?? []).filter(p => p.metadata.namespace !== 'edge'), ...old, ...restarted];
    const {plan} = planMigration({...demo, objects: {...demo.objects, pod: pods}}, CLUSTER, ['edge']);
    assert.deepEqual(plan.operations.filter(o => o.action === 'restart'), []);
  });

  test('pods still Terminating (a rollout under way) still get their workload restarted', () => {
    const terminating = (demo.objects.pod ?? []).map(p => (p.metadata.namespace === 'edge' ? {...p, metadata: {...p.metadata, deletionTimestamp: '2026-11-26T10:00:00Z'}} : p));
    const {plan} = planMigration({...demo, objects: {...demo.objects, pod: terminating}}, CLUSTER, ['edge']);
    assert.deepEqual(plan.operations.filter(o => o.action === 'restart').map(o => o.target.name), ['frontend']);
  });

  test("a namespace running only Istio's gateways is a system namespace; next to an application, a gateway is not restarted", () => {
    const {plan, refused, audit} = planMigration(scenarios, CLUSTER, ['istio-ingress', 'storegw']);
    assert.ok(audit.cluster.systemNamespaces.includes('istio-ingress'), audit.cluster.systemNamespaces.join(', '));
    assert.deepEqual(refused.map(r => [r.namespace, r.reason]), [['istio-ingress', 'system']]);
    const restarts = plan.operations.filter(o => o.namespace === 'storegw' && o.action === 'restart').map(o => o.target.name);
    assert.deepEqual(restarts, ['web'], 'the gateway keeps running: its proxy is its workload');
    assert.deepEqual(plan.operations.filter(o => o.target.name === 'storegw-gateway'), [], 'nor is its pod template touched');
    // Read from the workloads: with the application scaled to zero, storegw is still the application's.
    const scaledToZero = {...scenarios, objects: {...scenarios.objects, pod: (scenarios.objects.pod ?? []).filter(p => !(p.metadata.namespace === 'storegw' && p.metadata.labels?.app === 'web'))}};
    assert.ok(!planMigration(scaledToZero, CLUSTER, ['storegw']).audit.cluster.systemNamespaces.includes('storegw'));
    // ...and so do pods no Deployment owns: a Job's pod next to the ingress gateway.
    const gatewayPod = (scenarios.objects.pod ?? []).find(p => p.metadata.namespace === 'istio-ingress')!;
    const jobPod: KubeObject = {...gatewayPod, metadata: {name: 'db-migrate-x1', namespace: 'istio-ingress', labels: {job: 'db-migrate'}, annotations: {'sidecar.istio.io/status': '{}'}}};
    const withJob = {...scenarios, objects: {...scenarios.objects, pod: [...(scenarios.objects.pod ?? []), jobPod]}};
    assert.ok(!planMigration(withJob, CLUSTER, []).audit.cluster.systemNamespaces.includes('istio-ingress'));
  });

  test('a kind the plan depends on that could not be read refuses every namespace, naming it', () => {
    for (const kind of ['authorizationPolicy', 'destinationRule', 'peerAuthentication', 'deployment'] as const) {
      const partial: Inventory = {objects: {...scenarios.objects, [kind]: []}, unreadable: {...scenarios.unreadable, [kind]: {state: 'forbidden', permission: {verb: 'list', resource: kind, group: ''}, message: 'forbidden'}}};
      const {plan, refused} = planMigration(partial, CLUSTER, SCENARIOS);
      assert.deepEqual(plan.operations, [], kind);
      assert.deepEqual(refused.map(r => r.namespace), [...SCENARIOS].sort(), kind);
      for (const r of refused) assert.match(r.message, new RegExp(FINDINGS.unreadableKind.id), kind);
    }
  });

  test('without the namespace list, a namespace is refused as unverifiable, not as one that does not exist', () => {
    const partial: Inventory = {objects: {...scenarios.objects, namespace: []}, unreadable: {...scenarios.unreadable, namespace: {state: 'forbidden', permission: {verb: 'list', resource: 'namespaces', group: ''}, message: 'forbidden'}}};
    const {refused} = planMigration(partial, CLUSTER, ['guarded']);
    assert.deepEqual(refused.map(r => [r.namespace, r.reason]), [['guarded', 'blocked']]);
    assert.match(refused[0]!.message, /^namespace guarded cannot be checked \(blocker\/unreadable-kind\): no permission to list namespaces cluster-wide/);
  });

  test('the kinds outside DECISIVE_INPUTS never change a plan, so not being able to read them blocks nothing', () => {
    const baseline = JSON.stringify(scenarioPlan.plan.operations);
    for (const kind of AUDIT_KINDS.filter(k => !DECISIVE_INPUTS.has(k))) {
      const without: Inventory = {objects: {...scenarios.objects, [kind]: []}, unreadable: scenarios.unreadable};
      const {plan, refused, audit} = planMigration(without, CLUSTER, SCENARIOS);
      // Emptying a kind an environment check reads (no CRDs, no GatewayClass) can fail that check, and a
      // failing check blocks by design: the check's doing, not the planner's.
      const failing = audit.checks.filter(c => c.status === 'fail' && !scenarioPlan.audit.checks.some(b => b.id === c.id && b.status === 'fail')).map(c => c.id);
      if (failing.length > 0) {
        assert.ok(refused.every(r => failing.some(id => r.message.endsWith(`blocked by ${id}`))), `${kind}: ${refused.map(r => r.message).join('; ')}`);
        continue;
      }
      assert.deepEqual(refused, [], kind);
      assert.ok(JSON.stringify(plan.operations) === baseline, `emptying ${kind} changed the plan: add it to PLAN_INPUTS`);
    }
  });
});

// ------------------------------------------------------------------------------------------------ determinism

describe('determinism', () => {
  test('planning twice gives byte-identical JSON', () => {
    const again = planMigration(demo, CLUSTER, ['bookinfo', 'payments', 'edge']);
    assertSamePlan(again.plan, demoPlan.plan);
    assertSamePlan(planMigration(scenarios, CLUSTER, SCENARIOS).plan, scenarioPlan.plan);
  });

  test('the order of the requested namespaces (and repeats) does not change the plan', () => {
    const shuffled = planMigration(demo, CLUSTER, ['edge', 'payments', 'bookinfo', 'payments']);
    assertSamePlan(shuffled.plan, demoPlan.plan);
  });

  test("the machine's locale does not change the plan (under LANG=da_DK, localeCompare puts \"aa\" after \"z\")", async () => {
    // A second Deployment in front of the same pods, named so that Danish collation orders it last.
    const worker = objectOf(scenarios, 'deployment', 'override', 'worker');
    const inventory: Inventory = {...scenarios, objects: {...scenarios.objects, deployment: [...scenarios.objects.deployment!, {...worker, metadata: {...worker.metadata, name: 'aa-worker'}}]}};
    const tmp = tempDir('ambient-migrate-plan-locale-');
    try {
      writeFileSync(tmp.file('inventory.json'), JSON.stringify(inventory));
      const planner = pathToFileURL(path.join(repoRoot, 'source/core/plan/planner.ts')).href;
      const script = `const {planMigration} = await import(${JSON.stringify(planner)});
        const inventory = JSON.parse((await import('node:fs')).readFileSync(${JSON.stringify(tmp.file('inventory.json'))}, 'utf8'));
        process.stdout.write(JSON.stringify(planMigration(inventory, ${JSON.stringify(CLUSTER)}, ['override']).plan));`;
      const planIn = (locale: string) => {
        const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {cwd: repoRoot, encoding: 'utf8', env: {...process.env, LC_ALL: locale, LANG: locale}});
        assert.equal(child.status, 0, child.stderr);
        return JSON.parse(child.stdout) as Plan;
      };
      const danish = planIn('da_DK.UTF-8');
      assertSamePlan(danish, planIn('C.UTF-8'));
      assert.deepEqual(danish.operations.filter(o => o.step === 'restart').map(o => o.target.name), ['aa-worker', 'batch', 'worker']);
    } finally {
      tmp.cleanup();
    }
  });

  test('the order objects are listed in does not change the plan', () => {
    const reversed: Inventory = {
      ...scenarios,
      objects: Object.fromEntries(Object.entries(scenarios.objects).map(([kind, items]) => [kind, [...items!].reverse()])),
    };
    assertSamePlan(planMigration(reversed, CLUSTER, SCENARIOS).plan, scenarioPlan.plan);
  });
});

// ------------------------------------------------------------------------------------------------ validity

/** Every CRD version served in fixtures/crds, by apiVersion and kind. */
const validators = (() => {
  const dir = path.join(repoRoot, 'fixtures/crds');
  const files = [path.join(dir, 'istio/crd-all.gen.yaml'), ...readdirSync(path.join(dir, 'gateway-api')).map(f => path.join(dir, 'gateway-api', f))];
  const out = new Map<string, SchemaValidator>();
  for (const file of files) {
    for (const crd of yaml.loadAll(readFileSync(file, 'utf8')) as any[]) {
      if (crd?.kind !== 'CustomResourceDefinition') continue;
      for (const version of crd.spec.versions) {
        if (version.served) out.set(`${crd.spec.group}/${version.name} ${crd.spec.names.kind}`, compileSchema(version.schema.openAPIV3Schema));
      }
    }
  }
  return out;
})();

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** Problems a real API server would report for a built-in object's name and labels. */
function metadataProblems(object: KubeObject): string[] {
  const problems: string[] = [];
  const name = object.metadata.name;
  const nameRule = object.kind === 'Service' || object.kind === 'Namespace' ? DNS_LABEL : DNS_SUBDOMAIN;
  if (!name || name.length > (nameRule === DNS_LABEL ? 63 : 253) || !nameRule.test(name)) problems.push(`metadata.name ${name}`);
  for (const [key, value] of Object.entries(object.metadata.labels ?? {})) {
    const [prefix, label] = key.includes('/') ? key.split('/', 2) : [undefined, key];
    if (prefix !== undefined && (prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix))) problems.push(`label key ${key}`);
    if (!label || label.length > 63 || !LABEL_NAME.test(label)) problems.push(`label key ${key}`);
    if (typeof value !== 'string' || value.length > 63 || !LABEL_VALUE.test(value)) problems.push(`label ${key}=${value}`);
  }
  for (const [key, value] of Object.entries(object.metadata.annotations ?? {})) if (typeof value !== 'string') problems.push(`annotation ${key}`);
  return problems;
}

/** The CEL rules Istio's CRDs state on the attachment fields the plan writes (the schema validator skips CEL). */
function istioAttachmentProblems(object: KubeObject): string[] {
  const spec = object.spec ?? {};
  const problems: string[] = [];
  if (['selector', 'targetRef', 'targetRefs'].filter(f => spec[f] !== undefined).length > 1) problems.push('only one of targetRefs or selector can be set');
  for (const ref of spec.targetRefs ?? []) {
    if (ref.namespace) problems.push('cross namespace referencing is not currently supported');
    const kinds = ['/Service', 'networking.istio.io/ServiceEntry', 'gateway.networking.k8s.io/Gateway', 'gateway.networking.k8s.io/GatewayClass'];
    if (!kinds.includes(`${ref.group ?? ''}/${ref.kind}`)) problems.push(`targetRef kind ${ref.group}/${ref.kind}`);
  }
  return problems;
}

describe('correct by construction', () => {
  test('every object the plans create or change validates against the real CRD schemas (and HTTPRoutes against their CEL rules)', () => {
    const plans = [
      demoPlan.plan,
      scenarioPlan.plan,
      planMigration(scenarios, CLUSTER, ['store', 'storefront']).plan,
      planMigration(demo, CLUSTER, ['bookinfo']).plan,
    ];
    const kinds = new Set<string>();
    let checked = 0;
    for (const op of plans.flatMap(p => p.operations)) {
      if (!op.after) continue;
      const object = op.after;
      const where = `${op.id}`;
      assert.equal(object.apiVersion, op.target.apiVersion, where);
      assert.equal(object.kind, op.target.kind, where);
      assert.equal(object.metadata.name, op.target.name, where);
      assert.equal(object.metadata.namespace, op.target.namespace, where);
      kinds.add(`${object.apiVersion} ${object.kind}`);
      checked++;
      assert.deepEqual(metadataProblems(object), [], where);
      if (!object.apiVersion.includes('.')) continue; // built-in (v1, apps/v1): names and labels above
      const validator = validators.get(`${object.apiVersion} ${object.kind}`);
      assert.ok(validator, `${where}: a served CRD version for ${object.apiVersion} ${object.kind}`);
      const outcome = validator.validate(structuredClone(object));
      assert.deepEqual(outcome.causes, [], `${where}: ${JSON.stringify(outcome.causes)}`);
      assert.deepEqual(outcome.unknownFields, [], `${where}: fields the CRD does not know would be dropped`);
      if (object.apiVersion.includes('istio.io')) assert.deepEqual(istioAttachmentProblems(object), [], where);
      if (object.kind === 'HTTPRoute') assert.deepEqual(checkHttpRoute(object), [], where);
    }
    // The scenarios reach every kind the planner writes.
    assert.deepEqual([...kinds].sort(), [
      'apps/v1 Deployment',
      'extensions.istio.io/v1alpha1 WasmPlugin',
      'gateway.networking.k8s.io/v1 Gateway',
      'gateway.networking.k8s.io/v1 HTTPRoute',
      'networking.istio.io/v1 DestinationRule',
      'security.istio.io/v1 AuthorizationPolicy',
      'security.istio.io/v1 RequestAuthentication',
      'v1 Namespace',
      'v1 Service',
    ]);
    assert.ok(checked > 50, `${checked} objects checked`);
  });

  test('the JSON has the documented shape', () => {
    for (const plan of [demoPlan.plan, scenarioPlan.plan]) {
      const json = JSON.parse(JSON.stringify(plan));
      assert.deepEqual(Object.keys(json), ['namespaces', 'operations', 'findings']);
      assert.ok(json.namespaces.every((n: unknown) => typeof n === 'string'));
      const seen = new Set<string>();
      for (const op of json.operations) {
        // `reason` is the one line shown to people; the rest is the issue's contract.
        assert.deepEqual(Object.keys(op).sort(), ['action', 'after', 'before', 'id', 'namespace', 'reason', 'step', 'target']);
        assert.ok(!seen.has(op.id), `operation id ${op.id} is unique`);
        seen.add(op.id);
        assert.ok(STEPS.includes(op.step), op.id);
        assert.ok(['create', 'update', 'delete', 'label', 'restart'].includes(op.action), op.id);
        assert.ok(json.namespaces.includes(op.namespace), op.id);
        const targetKeys = op.target.kind === 'Namespace' ? ['apiVersion', 'kind', 'name'] : ['apiVersion', 'kind', 'namespace', 'name'];
        assert.deepEqual(Object.keys(op.target), targetKeys, op.id);
        if (op.target.namespace) assert.equal(op.target.namespace, op.namespace, op.id);
        if (op.action === 'create') assert.equal(op.before, null, op.id);
        if (op.action === 'delete') assert.equal(op.after, null, op.id);
        if (op.action === 'restart') assert.deepEqual([op.before, op.after], [null, null], op.id);
        if (op.action === 'update' || op.action === 'label') assert.ok(op.before && op.after, op.id);
        for (const object of [op.before, op.after].filter(Boolean)) {
          for (const field of ['uid', 'resourceVersion', 'creationTimestamp', 'managedFields', 'generation']) assert.equal(object.metadata[field], undefined, `${op.id}: no ${field}`);
          assert.equal(object.status, undefined, `${op.id}: no status`);
        }
      }
      // Steps in the guide's order within each namespace, namespaces one after the other; a policy's
      // clean-up delete may come early, right after the restarts of the pods it selects.
      for (const namespace of json.namespaces) {
        const steps = json.operations.filter((o: Operation) => o.namespace === namespace && !earlyPolicyDelete(o)).map((o: Operation) => STEPS.indexOf(o.step));
        assert.deepEqual(steps, [...steps].sort((a, b) => a - b), namespace);
      }
      const blocks = json.operations.map((o: Operation) => o.namespace).filter((n: string, i: number, all: string[]) => i === 0 || all[i - 1] !== n);
      assert.deepEqual(blocks, json.namespaces, 'each namespace is one block of operations, in the order of `namespaces`');
      for (const finding of json.findings) assert.ok(typeof finding.id === 'string' && Array.isArray(finding.namespaces));
    }
  });
});
