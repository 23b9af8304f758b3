/**
 * The audit's environment checks: each failure or warning a user would meet before migrating, with the
 * remedy written for the way Istio was installed; and what the audit says when it may not read a kind.
 *
 * Most scenarios run the simulator (fixtures/audit/base, plus fixtures/audit/env/*.yaml or a change made
 * over HTTP with the tool's client, as a user or an operator would make it). Version matrices and CRD
 * shapes the simulator cannot serve use auditInventory, the pure core, on an inventory read from it.
 */
import assert from 'node:assert/strict';
import {after, before, describe, test} from 'node:test';
import {auditInventory} from '../../source/core/audit/audit.ts';
import {CHECKS, FINDINGS} from '../../source/core/audit/catalogue.ts';
import {AUDIT_KINDS} from '../../source/core/audit/context.ts';
import type {AuditReport, CheckResult} from '../../source/core/audit/types.ts';
import {loadInventory, type Inventory} from '../../source/core/inventory.ts';
import {formatAudit} from '../../source/app/audit-format.ts';
import {makeStyle} from '../../source/app/style.ts';
import type {KubeObject} from '../../source/kube/client.ts';
import {KINDS} from '../../source/kube/kinds.ts';
import {AUDIT_FIXTURES, auditOf, casePath, envPath, findingsOf, startAuditCluster, summary, type AuditedCluster} from '../helpers/audit.ts';

const CLUSTER = {context: 'test', server: 'https://sim', kubernetesVersion: 'v1.32.4'};

function check(report: AuditReport, definition: {id: string}): CheckResult {
  const found = report.checks.find(c => c.id === definition.id);
  assert.ok(found, `check ${definition.id} is reported`);
  return found;
}

/** Every check but these passes: a scenario breaks one thing at a time. */
function othersPass(report: AuditReport, ...failing: Array<{id: string}>): void {
  const ids = new Set(failing.map(f => f.id));
  assert.deepEqual(
    report.checks.filter(c => !ids.has(c.id) && c.status !== 'pass').map(c => `${c.id}: ${c.status} ${c.message}`),
    [],
  );
}

describe('env: ztunnel', () => {
  let cluster: AuditedCluster;
  before(async () => {
    cluster = await startAuditCluster();
  });
  after(async () => {
    await cluster.close();
  });

  test('ready on every node passes', async () => {
    const report = await cluster.audit();
    assert.equal(check(report, CHECKS.ztunnel).status, 'pass');
    assert.match(check(report, CHECKS.ztunnel).message, /all 3 nodes/);
  });

  test('a ztunnel pod that is not ready fails, naming how many nodes are covered', async () => {
    const {sim} = cluster;
    const pods = sim.cluster.typeFor('', 'pods');
    const [ztunnel] = await cluster.client.list(KINDS.pod, {namespace: 'istio-system', labelSelector: 'app=ztunnel'});
    assert.ok(ztunnel, 'the DaemonSet controller ran a ztunnel pod');
    // A crash-looping ztunnel: the kubelet reports the pod not ready.
    sim.cluster.patch(pods, 'istio-system', ztunnel.metadata.name!, 'application/merge-patch+json', JSON.stringify({
      status: {conditions: [{type: 'Ready', status: 'False', reason: 'ContainersNotReady'}, {type: 'ContainersReady', status: 'False'}]},
    }), {subresource: 'status', fieldManager: 'kubelet'});
    const report = await cluster.audit();
    const ztunnelCheck = check(report, CHECKS.ztunnel);
    assert.equal(ztunnelCheck.status, 'fail');
    assert.match(ztunnelCheck.message, /ready on 2 of 3 nodes/);
    assert.match(ztunnelCheck.remedy, /kubectl -n istio-system get pods -l app=ztunnel -o wide/);
    othersPass(report, CHECKS.ztunnel);
  });

  test('no ztunnel DaemonSet fails, with the install command pinned to the running version', async () => {
    await cluster.client.delete(KINDS.daemonSet, 'istio-system', 'ztunnel');
    const report = await cluster.audit();
    const ztunnelCheck = check(report, CHECKS.ztunnel);
    assert.equal(ztunnelCheck.status, 'fail');
    assert.match(ztunnelCheck.message, /no ztunnel DaemonSet/);
    assert.match(ztunnelCheck.remedy, /helm install ztunnel istio\/ztunnel -n istio-system --version 1\.28\.2/);
    othersPass(report, CHECKS.ztunnel);
  });
});

describe('env: ambient enabled in istiod', () => {
  test('Helm install without PILOT_ENABLE_AMBIENT: helm upgrade that keeps the version and the values', async () => {
    const report = await auditOf(envPath('ambient-disabled-helm'));
    assert.equal(report.cluster.installMethod, 'helm');
    const ambient = check(report, CHECKS.ambientEnabled);
    assert.equal(ambient.status, 'fail');
    assert.match(ambient.message, /PILOT_ENABLE_AMBIENT is not true on istio-system\/istiod/);
    assert.match(ambient.remedy, /helm upgrade istiod istio\/istiod -n istio-system --version 1\.28\.2 -f istiod-values\.yaml --set profile=ambient/);
    assert.match(ambient.remedy, /helm upgrade istio-cni istio\/cni -n istio-system --version 1\.28\.2 --reuse-values/);
    assert.match(ambient.remedy, /helm get values istiod/, 'saves the custom values first');
    assert.doesNotMatch(ambient.remedy, /istioctl/);
    othersPass(report, CHECKS.ambientEnabled);
  });

  test('istioctl install without PILOT_ENABLE_AMBIENT: istioctl of the running version, keeping the ingress gateway', async () => {
    const report = await auditOf(envPath('ambient-disabled-istioctl'));
    assert.equal(report.cluster.installMethod, 'istioctl');
    const method = check(report, CHECKS.installMethod);
    assert.equal(method.status, 'pass');
    assert.match(method.message, /istioctl install --set profile=ambient prunes istio-ingressgateway/);
    const ambient = check(report, CHECKS.ambientEnabled);
    assert.equal(ambient.status, 'fail');
    assert.match(ambient.remedy, /istioctl-1\.28\.2 install -f <your IstioOperator file> --set profile=ambient/);
    assert.match(ambient.remedy, /components\.ingressGateways\[0\]\.enabled=true/);
    assert.match(ambient.remedy, /prunes istio-ingressgateway/);
    assert.doesNotMatch(ambient.remedy, /helm/);
    othersPass(report, CHECKS.ambientEnabled);
  });
});

describe('env: istio-cni', () => {
  test('CNI without AMBIENT_ENABLED fails, with the Helm upgrade', async () => {
    const report = await auditOf(envPath('cni-not-ambient'));
    const cni = check(report, CHECKS.istioCni);
    assert.equal(cni.status, 'fail');
    assert.match(cni.message, /not in ambient mode \(istio-cni-config AMBIENT_ENABLED=false\)/);
    assert.match(cni.remedy, /helm upgrade istio-cni istio\/cni -n istio-system --version 1\.28\.2 --reuse-values --set profile=ambient/);
    othersPass(report, CHECKS.istioCni);
  });
});

describe('env: Gateway API and the waypoint GatewayClass', () => {
  let cluster: AuditedCluster;
  let inventory: Inventory;
  before(async () => {
    cluster = await startAuditCluster();
    inventory = await loadInventory(cluster.client, AUDIT_KINDS);
  });
  after(async () => {
    await cluster.close();
  });

  test('no istio-waypoint GatewayClass fails, and says how istiod recreates it', async () => {
    await cluster.client.delete(KINDS.gatewayClass, undefined, 'istio-waypoint');
    const report = await cluster.audit();
    const waypoint = check(report, CHECKS.waypointClass);
    assert.equal(waypoint.status, 'fail');
    assert.match(waypoint.message, /GatewayClass istio-waypoint does not exist/);
    assert.match(waypoint.remedy, /kubectl -n istio-system rollout restart deployment\/istiod/);
    othersPass(report, CHECKS.waypointClass);
  });

  test('CRDs not installed: both checks fail, and the kinds are "not installed", not errors', async () => {
    for (const crd of ['gateways', 'httproutes', 'gatewayclasses', 'grpcroutes']) {
      await cluster.client.delete(KINDS.crd, undefined, `${crd}.gateway.networking.k8s.io`);
    }
    const report = await cluster.audit();
    const crds = check(report, CHECKS.gatewayApiCrds);
    assert.equal(crds.status, 'fail');
    assert.match(crds.message, /gateways\.gateway\.networking\.k8s\.io, httproutes\.gateway\.networking\.k8s\.io, gatewayclasses\.gateway\.networking\.k8s\.io/);
    assert.match(crds.remedy, /kubectl apply --server-side -f https:\/\/github\.com\/kubernetes-sigs\/gateway-api\/releases\/download\/v1\.4\.0\/standard-install\.yaml/);
    const waypoint = check(report, CHECKS.waypointClass);
    assert.equal(waypoint.status, 'fail');
    assert.match(waypoint.message, /not installed/);
    assert.deepEqual(report.unreadable, [], 'a kind whose CRD is missing is not an error');
    assert.deepEqual(report.findings, []);
    othersPass(report, CHECKS.gatewayApiCrds, CHECKS.waypointClass);
  });

  // The pure core, for CRD shapes the simulator's fixed CRD set does not have.
  const withGatewayCrd = (edit: (crd: KubeObject) => void): Inventory => {
    const copy = structuredClone(inventory);
    const crd = copy.objects.crd!.find(c => c.metadata.name === 'gateways.gateway.networking.k8s.io')!;
    edit(crd);
    return copy;
  };

  test('CRDs that no longer serve v1 fail', () => {
    const report = auditInventory(
      withGatewayCrd(crd => {
        for (const version of crd.spec.versions) if (version.name === 'v1') version.served = false;
      }),
      CLUSTER,
    );
    assert.equal(check(report, CHECKS.gatewayApiCrds).status, 'fail');
    assert.match(check(report, CHECKS.gatewayApiCrds).message, /missing or not serving v1: gateways\.gateway\.networking\.k8s\.io/);
  });

  test('a bundle older than Istio expects warns with the version to install', () => {
    const report = auditInventory(
      withGatewayCrd(crd => {
        crd.metadata.annotations = {...crd.metadata.annotations, 'gateway.networking.k8s.io/bundle-version': 'v1.1.0'};
      }),
      CLUSTER,
    );
    const crds = check(report, CHECKS.gatewayApiCrds);
    assert.equal(crds.status, 'warn');
    assert.match(crds.message, /v1\.1\.0 \(standard channel\) are older than Istio 1\.28\.2 expects \(v1\.4\.0\)/);
    assert.match(crds.remedy, /download\/v1\.4\.0\/standard-install\.yaml/);
  });

  test('the GatewayClass kind missing from an inventory is reported as not installed', () => {
    const copy = structuredClone(inventory);
    delete copy.objects.gatewayClass;
    copy.unreadable.gatewayClass = {state: 'not-installed'};
    const report = auditInventory(copy, CLUSTER);
    assert.equal(check(report, CHECKS.waypointClass).status, 'fail');
    assert.match(check(report, CHECKS.waypointClass).message, /GatewayClass kind is not installed/);
    assert.deepEqual(report.unreadable, []);
  });
});

describe('env: versions', () => {
  let cluster: AuditedCluster;
  let inventory: Inventory;
  before(async () => {
    cluster = await startAuditCluster();
    inventory = await loadInventory(cluster.client, AUDIT_KINDS);
  });
  after(async () => {
    await cluster.close();
  });

  test('Kubernetes older than the Istio release supports fails', () => {
    const report = auditInventory(inventory, {...CLUSTER, kubernetesVersion: 'v1.28.15-eks-1234'});
    const kubernetes = check(report, CHECKS.kubernetesVersion);
    assert.equal(kubernetes.status, 'fail');
    assert.match(kubernetes.message, /Kubernetes v1\.28\.15-eks-1234 is older than 1\.29, the minimum for Istio 1\.28\.2/);
    assert.match(kubernetes.remedy, /upgrade the cluster to Kubernetes 1\.29 or later/);
    assert.equal(check(auditInventory(inventory, {...CLUSTER, kubernetesVersion: 'v1.29.0'}), CHECKS.kubernetesVersion).status, 'pass');
  });

  test('Istio older than 1.24 fails', async () => {
    await cluster.client.patch(KINDS.deployment, 'istio-system', 'istiod', {spec: {template: {spec: {containers: [{name: 'discovery', image: 'docker.io/istio/pilot:1.23.4'}]}}}}, 'strategic');
    const report = await cluster.audit();
    const istio = check(report, CHECKS.istioVersion);
    assert.equal(istio.status, 'fail');
    assert.match(istio.message, /Istio 1\.23\.4 \(revision default, istio-system\/istiod\): ambient mode needs 1\.24 or later/);
    assert.match(istio.remedy, /upgrade Istio/);
    assert.deepEqual(report.cluster.istio.map(i => i.version), ['1.23.4']);
  });
});

describe('env: sidecars restarted with ISTIO_META_ENABLE_HBONE', () => {
  let cluster: AuditedCluster;
  before(async () => {
    cluster = await startAuditCluster(envPath('sidecars-without-hbone'));
  });
  after(async () => {
    await cluster.close();
  });

  test('sidecars injected before the ambient profile warn, listed, with a restart per namespace', async () => {
    const report = await cluster.audit();
    const hbone = check(report, CHECKS.hboneSidecars);
    assert.equal(hbone.status, 'warn');
    assert.match(hbone.message, /^3 of 3 sidecars started before the ambient profile and lack ISTIO_META_ENABLE_HBONE: /);
    const pods = [...(await cluster.client.list(KINDS.pod, {namespace: 'shop'})), ...(await cluster.client.list(KINDS.pod, {namespace: 'orders'}))];
    assert.equal(pods.length, 3);
    for (const pod of pods) assert.ok(hbone.message.includes(`${pod.metadata.namespace}/${pod.metadata.name}`), `lists ${pod.metadata.name}`);
    assert.equal(hbone.remedy, 'kubectl rollout restart deployment -n orders\nkubectl rollout restart deployment -n shop');
    othersPass(report, CHECKS.hboneSidecars);
  });

  test('the profile alone changes nothing until the pods restart; after the restart it passes', async () => {
    const {client} = cluster;
    const mesh = await client.get(KINDS.configMap, 'istio-system', 'istio');
    const withHbone = (mesh!.data as Record<string, string>).mesh.replace(
      'discoveryAddress: istiod.istio-system.svc:15012',
      'discoveryAddress: istiod.istio-system.svc:15012\n  proxyMetadata:\n    ISTIO_META_ENABLE_HBONE: "true"',
    );
    await client.patch(KINDS.configMap, 'istio-system', 'istio', {data: {mesh: withHbone}}, 'merge');
    assert.equal(check(await cluster.audit(), CHECKS.hboneSidecars).status, 'warn', 'running sidecars keep their old environment');

    // What `kubectl rollout restart` does.
    for (const [namespace, name] of [['shop', 'storefront'], ['orders', 'checkout']] as const) {
      await client.patch(KINDS.deployment, namespace, name, {spec: {template: {metadata: {annotations: {'kubectl.kubernetes.io/restartedAt': '2026-11-26T10:00:00Z'}}}}}, 'strategic');
    }
    const report = await cluster.audit();
    const hbone = check(report, CHECKS.hboneSidecars);
    assert.equal(hbone.status, 'pass', hbone.message);
    assert.match(hbone.message, /all 3 sidecars carry ISTIO_META_ENABLE_HBONE=true/);
  });
});

describe('env: NetworkPolicies', () => {
  test('a policy that admits only the app port warns: no HBONE on 15008, no kubelet probes', async () => {
    const report = await auditOf(envPath('network-policy-blocks-hbone'));
    const policies = check(report, CHECKS.networkPolicies);
    assert.equal(policies.status, 'warn');
    assert.match(policies.message, /shop\/storefront-ingress: no ingress on TCP 15008, kubelet probes from 169\.254\.7\.127 not allowed/);
    assert.match(policies.remedy, /15008/);
    assert.match(policies.remedy, /169\.254\.7\.127\/32/);
    othersPass(report, CHECKS.networkPolicies);
  });

  test('the same policy allowing 15008 and the probe address passes', async () => {
    const report = await auditOf(envPath('network-policy-allows-hbone'));
    assert.equal(check(report, CHECKS.networkPolicies).status, 'pass');
    othersPass(report);
  });
});

describe('could not verify: a kind the user may not list', () => {
  let cluster: AuditedCluster;
  let report: AuditReport;
  before(async () => {
    // legacy has a PeerAuthentication DISABLE (a blocker), catalog an L7 policy.
    cluster = await startAuditCluster(`${AUDIT_FIXTURES}/modes.yaml`);
    cluster.sim.server.faults.deny({verb: 'list', resource: 'peerauthentications', group: 'security.istio.io'});
    report = await cluster.audit();
  });
  after(async () => {
    await cluster.close();
  });

  test('the audit still runs: checks pass and the other findings are found', () => {
    othersPass(report);
    assert.equal(findingsOf(report, FINDINGS.l7Authorization).length, 1, summary(report));
  });

  test('it fails closed: every namespace not yet in ambient is blocked, with the permission that would unblock it', () => {
    const [finding, ...more] = findingsOf(report, FINDINGS.unreadableKind);
    assert.ok(finding, summary(report));
    assert.equal(more.length, 0, 'one finding per unreadable kind');
    assert.equal(finding.severity, 'blocker');
    assert.deepEqual(finding.resource, {apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', name: '*'});
    assert.match(finding.message, /^no permission to list peerauthentications\.security\.istio\.io cluster-wide: blocker\/peer-authentication-disable could not be verified/);
    assert.match(finding.remedy, /grant list on peerauthentications\.security\.istio\.io cluster-wide/);
    for (const ns of report.namespaces) {
      if (ns.mode === 'ambient') assert.equal(ns.readiness, 'done', ns.name);
      else {
        assert.equal(ns.readiness, 'blocked', ns.name);
        assert.ok(ns.reasons.includes(FINDINGS.unreadableKind.id), `${ns.name}: ${ns.reasons.join(', ')}`);
      }
    }
  });

  test('a kind only advisories read (NetworkPolicies) is reported but blocks nothing', async () => {
    const cluster = await startAuditCluster(`${AUDIT_FIXTURES}/modes.yaml`);
    try {
      cluster.sim.server.faults.deny({verb: 'list', resource: 'networkpolicies', group: 'networking.k8s.io'});
      const report = await cluster.audit();
      assert.deepEqual(findingsOf(report, FINDINGS.unreadableKind), []);
      assert.deepEqual(report.unreadable.map(u => u.kind), ['NetworkPolicy']);
      assert.equal(check(report, CHECKS.networkPolicies).status, 'unverified');
      assert.equal(report.namespaces.find(n => n.name === 'catalog')?.readiness, 'needs-waypoint');
    } finally {
      await cluster.close();
    }
  });

  test('the report says which kind could not be read, why, and what it leaves unverified', () => {
    assert.deepEqual(findingsOf(report, FINDINGS.peerAuthDisable), [], 'nothing can be said about PeerAuthentications');
    assert.equal(report.unreadable.length, 1);
    const [unreadable] = report.unreadable;
    assert.equal(unreadable!.kind, 'PeerAuthentication');
    assert.equal(unreadable!.resource, 'peerauthentications.security.istio.io');
    assert.equal(unreadable!.reason, 'forbidden');
    assert.deepEqual(unreadable!.permission, {verb: 'list', resource: 'peerauthentications', group: 'security.istio.io'});
    assert.deepEqual(unreadable!.affects, [FINDINGS.peerAuthDisable.id]);
  });

  test('the text output has a "Could not verify" section with the missing permission', () => {
    const text = formatAudit(report, makeStyle(false));
    const section = text.slice(text.indexOf('Could not verify'), text.indexOf('\nNamespaces'));
    assert.match(section, /^Could not verify \(1\)\n/);
    assert.match(section, /PeerAuthentication \(peerauthentications\.security\.istio\.io\): no permission to list peerauthentications\.security\.istio\.io/);
    assert.match(section, /unverified: blocker\/peer-authentication-disable/);
    assert.match(section, /grant list on peerauthentications\.security\.istio\.io cluster-wide \(read-only\)/);
    assert.match(text.trimEnd().split('\n').at(-1)!, /1 kind could not be read/);
  });

  test('a check whose kind is forbidden is "unverified" with the permission, not failed', async () => {
    cluster.sim.server.faults.deny({verb: 'list', resource: 'daemonsets', group: 'apps'});
    const report = await cluster.audit();
    for (const definition of [CHECKS.ztunnel, CHECKS.istioCni]) {
      const result = check(report, definition);
      assert.equal(result.status, 'unverified', definition.id);
      assert.deepEqual(result.missingPermission, {verb: 'list', resource: 'daemonsets', group: 'apps'});
      assert.match(result.message, /could not verify: no permission to list daemonsets\.apps/);
      assert.match(result.remedy, /grant list on daemonsets\.apps/);
    }
    const daemonSets = report.unreadable.find(u => u.kind === 'DaemonSet');
    assert.ok(daemonSets);
    assert.ok(daemonSets.affects.includes(CHECKS.ztunnel.id) && daemonSets.affects.includes(FINDINGS.spire.id), daemonSets.affects.join(', '));
    assert.match(formatAudit(report, makeStyle(false)), /\? env\/ztunnel +could not verify/);
  });
});

describe('could not verify: the blocker case without permission', () => {
  test('a blocked namespace is not silently reported clean: the report names the unread kind', async () => {
    const cluster = await startAuditCluster(casePath('peer-auth-disable-namespace', 'positive'));
    try {
      cluster.sim.server.faults.deny({verb: 'list', resource: 'peerauthentications', group: 'security.istio.io'});
      const report = await cluster.audit();
      assert.deepEqual(findingsOf(report, FINDINGS.peerAuthDisable), [], 'the signal itself cannot be seen');
      assert.deepEqual(report.unreadable.map(u => u.affects), [[FINDINGS.peerAuthDisable.id]]);
      // ...so the namespace is blocked by what could not be read, not called ready.
      const blocked = report.namespaces.filter(n => n.readiness === 'blocked');
      assert.ok(blocked.length > 0 && blocked.every(n => n.reasons.includes(FINDINGS.unreadableKind.id)), summary(report));
      assert.equal(report.namespaces.filter(n => n.readiness === 'ready' || n.readiness === 'needs-waypoint').length, 0, summary(report));
    } finally {
      await cluster.close();
    }
  });
});
