/**
 * `ambient-migrate audit`, the real binary in a child process, as a script or CI runs it: exit codes,
 * the JSON contract, and colour only where a terminal (or FORCE_COLOR) asks for it.
 */
import assert from 'node:assert/strict';
import {copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {after, before, describe, test} from 'node:test';
import {fileURLToPath} from 'node:url';
import {CHECKS, FINDINGS} from '../source/core/audit/catalogue.ts';
import {startSimulator} from '../source/sim/simulator.ts';
import {runCli} from './helpers/migration.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const base = path.join(root, 'fixtures/audit/base');
const ANSI = /\x1b\[[0-9;]*m/;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The binary with stdout and stderr piped (no terminal) and no colour settings inherited. */
function run(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return runCli(args, {cwd: tmp, env: {HOME: tmp, FORCE_COLOR: undefined, NO_COLOR: undefined, ...env}});
}

const tmp = mkdtempSync(path.join(os.tmpdir(), 'ambient-migrate-cli-audit-'));
/** `--cluster-from` takes one path: the base and the case file copied into one directory. */
const blockerCluster = path.join(tmp, 'legacy-disable');

let baseText: Run;
let baseColour: Run;
let blockerJson: Run;
let demoJson: Run;

before(async () => {
  mkdirSync(blockerCluster);
  for (const file of readdirSync(base).filter(f => f.endsWith('.yaml'))) copyFileSync(path.join(base, file), path.join(blockerCluster, file));
  copyFileSync(path.join(root, 'fixtures/audit/cases/peer-auth-disable-namespace/positive.yaml'), path.join(blockerCluster, '50-case.yaml'));
  [baseText, baseColour, blockerJson, demoJson] = await Promise.all([
    run(['audit', '--cluster-from', base]),
    run(['audit', '--cluster-from', base], {FORCE_COLOR: '1'}),
    run(['audit', '--json', '--cluster-from', blockerCluster]),
    run(['--demo', 'audit', '--json']),
  ]);
});

after(() => {
  rmSync(tmp, {recursive: true, force: true});
});

describe('audit command', () => {
  test('the base cluster: exit 0 and the Environment section, every check passing', () => {
    assert.equal(baseText.code, 0, baseText.stderr);
    assert.equal(baseText.stderr, '');
    const lines = baseText.stdout.split('\n');
    const start = lines.indexOf('Environment');
    assert.ok(start > 0, baseText.stdout);
    for (const check of Object.values(CHECKS)) {
      assert.ok(lines.slice(start).some(l => l.includes(`✔ ${check.id}`)), `${check.id} passes:\n${baseText.stdout}`);
    }
    assert.doesNotMatch(baseText.stdout, /Blockers|Warnings|Could not verify/);
    assert.match(baseText.stdout, /0 blockers, 0 warnings, 0 failed checks; namespaces: 1 ready, 0 need a waypoint, 0 blocked, 0 done, 2 system\n$/);
    assert.match(baseText.stdout, /\n  kube-system +none +system +runs Kubernetes or Istio itself: stays out of the mesh\n/);
    assert.match(baseText.stdout, /\n  istio-system +none +system +/);
  });

  test('piped output has no ANSI escapes; FORCE_COLOR=1 colours it', () => {
    assert.doesNotMatch(baseText.stdout, ANSI);
    assert.equal(baseColour.code, 0);
    assert.match(baseColour.stdout, ANSI);
    assert.equal(baseColour.stdout.replace(new RegExp(ANSI.source, 'g'), '').replace(/:\d+ ·/, ''), baseText.stdout.replace(/:\d+ ·/, ''), 'the same text, coloured');
  });

  test('--json with a blocker: exactly one JSON object in the documented shape, exit 3', () => {
    assert.equal(blockerJson.code, 3, blockerJson.stderr);
    assert.equal(blockerJson.stderr, '');
    assert.match(blockerJson.stdout, /^\{[\s\S]*\}\n$/);
    const report = JSON.parse(blockerJson.stdout);
    assert.deepEqual(Object.keys(report).sort(), ['checks', 'cluster', 'findings', 'namespaces', 'unreadable']);
    assert.equal(report.cluster.context, 'ambient-migrate-cluster-from');
    assert.equal(report.cluster.kubernetesVersion, 'v1.32.4');
    assert.deepEqual(report.checks.map((c: {id: string}) => c.id), Object.values(CHECKS).map(c => c.id));
    for (const check of report.checks) assert.deepEqual(Object.keys(check).sort(), ['id', 'message', 'remedy', 'status']);
    assert.ok(report.findings.length > 0);
    for (const finding of report.findings) {
      for (const key of ['id', 'severity', 'message', 'remedy', 'namespaces', 'resource']) assert.ok(key in finding, `finding has ${key}`);
      const {apiVersion, kind, namespace, name, ...rest} = finding.resource;
      assert.deepEqual(rest, {});
      assert.ok(apiVersion && kind && name && (namespace === undefined || typeof namespace === 'string'));
      assert.ok(Array.isArray(finding.namespaces));
    }
    const blocker = report.findings.find((f: {id: string}) => f.id === FINDINGS.peerAuthDisable.id);
    assert.deepEqual(
      {severity: blocker.severity, namespaces: blocker.namespaces, resource: blocker.resource},
      {severity: 'blocker', namespaces: ['legacy'], resource: {apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', namespace: 'legacy', name: 'default'}},
    );
    for (const ns of report.namespaces) assert.deepEqual(Object.keys(ns).sort(), ['mode', 'name', 'readiness', 'reasons']);
    const legacy = report.namespaces.find((n: {name: string}) => n.name === 'legacy');
    assert.deepEqual(legacy, {name: 'legacy', mode: 'sidecar', readiness: 'blocked', reasons: [FINDINGS.peerAuthDisable.id]});
    assert.deepEqual(report.unreadable, []);
  });

  test('--demo audit --json exits 3: the legacy namespace disables mTLS', () => {
    assert.equal(demoJson.code, 3, demoJson.stderr);
    const report = JSON.parse(demoJson.stdout);
    const blockers = report.findings.filter((f: {severity: string}) => f.severity === 'blocker');
    assert.deepEqual(
      blockers.map((f: {id: string; resource: {namespace: string; name: string}}) => [f.id, `${f.resource.namespace}/${f.resource.name}`]),
      [[FINDINGS.peerAuthDisable.id, 'legacy/default']],
    );
    assert.equal(report.namespaces.find((n: {name: string}) => n.name === 'legacy').readiness, 'blocked');
    assert.deepEqual(report.cluster.systemNamespaces, ['istio-system', 'kube-system']);
  });

  test('without permission to list AuthorizationPolicies: exit 3, and the text says what to grant', async () => {
    const sim = await startSimulator({fixtures: [base]});
    try {
      sim.server.faults.deny({verb: 'list', resource: 'authorizationpolicies', group: 'security.istio.io'});
      const kubeconfig = sim.writeKubeconfig(path.join(tmp, 'denied-kubeconfig'));
      const audit = await run(['audit', '--kubeconfig', kubeconfig]);
      assert.equal(audit.code, 3, audit.stdout + audit.stderr);
      assert.match(audit.stdout, /Blocker \[blocker\/unreadable-kind\] \(AuthorizationPolicy \*\) no permission to list authorizationpolicies\.security\.istio\.io cluster-wide/);
      assert.match(audit.stdout, /grant list on authorizationpolicies\.security\.istio\.io cluster-wide/);
      assert.match(audit.stdout, /Could not verify \(1\)/);
    } finally {
      await sim.close();
    }
  });
});
