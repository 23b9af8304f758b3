/**
 * `ambient-migrate plan`, the real binary in a child process: the text a person reviews, the JSON a script
 * reads, the exit codes of refusals, and `--out` for GitOps, whose files the real kubectl must accept.
 */
import assert from 'node:assert/strict';
import {copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {after, before, describe, test} from 'node:test';
import yaml from 'js-yaml';
import {FINDINGS} from '../source/core/audit/catalogue.ts';
import type {Operation} from '../source/core/plan/types.ts';
import {repoRoot} from './helpers/cluster.ts';
import {runCli} from './helpers/migration.ts';
import {DEMO_FIXTURES, kubectlSkip, startTestSimulator, type TestSimulator} from './helpers/sim.ts';


interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

const tmp = mkdtempSync(path.join(os.tmpdir(), 'ambient-migrate-cli-plan-'));

/** The binary with stdout and stderr piped (no terminal) and no colour settings inherited. */
function run(args: string[]): Promise<Run> {
  return runCli(args, {cwd: tmp, env: {HOME: tmp, FORCE_COLOR: undefined, NO_COLOR: undefined}});
}

let sim: TestSimulator;
const out = path.join(tmp, 'gitops');
let text: Run;
let json: Run;
let legacy: Run;
let unknown: Run;
let ambient: Run;
let missing: Run;
let written: Run;

before(async () => {
  sim = await startTestSimulator({fixtures: [DEMO_FIXTURES]});
  [text, json, legacy, unknown, ambient, missing, written] = await Promise.all([
    run(['plan', '--demo', '-n', 'bookinfo,payments']),
    run(['plan', '--demo', '-n', 'bookinfo,payments', '--json']),
    run(['plan', '--demo', '-n', 'legacy']),
    run(['plan', '--demo', '-n', 'nope']),
    run(['plan', '--demo', '-n', 'httpbin']),
    run(['plan', '--demo']),
    // The same demo cluster, served by the test's simulator so that kubectl can apply the files to it.
    run(['plan', '--kubeconfig', sim.kubeconfig, '-n', 'bookinfo,edge', '--out', out]),
  ]);
});

after(async () => {
  await sim?.close();
  rmSync(tmp, {recursive: true, force: true});
});

const operationsOf = (r: Run): Operation[] => JSON.parse(r.stdout).operations;

describe('plan command: output', () => {
  test('text: exit 0; per namespace what is created, changed, labelled, restarted and deleted, then warnings', () => {
    assert.equal(text.code, 0, text.stderr);
    assert.equal(text.stderr, '');
    const lines = text.stdout.split('\n');
    const bookinfo = lines.findIndex(l => l.startsWith('Namespace bookinfo'));
    const payments = lines.findIndex(l => l.startsWith('Namespace payments'));
    assert.ok(bookinfo >= 0 && payments > bookinfo, text.stdout);
    assert.match(lines[bookinfo]!, /8 to create, 3 to change, 3 to label, 6 to restart, 4 to delete/);
    assert.match(lines[payments]!, /0 to create, 0 to change, 2 to label, 2 to restart, 0 to delete/);
    const section = lines.slice(bookinfo, payments).join('\n');
    for (const line of [
      '+ create Gateway bookinfo/waypoint',
      '+ create Service bookinfo/reviews-v2',
      '+ create HTTPRoute bookinfo/reviews',
      '+ create AuthorizationPolicy bookinfo/reviews-viewer-waypoint',
      '~ update AuthorizationPolicy bookinfo/ratings-from-reviews',
      '~ label Namespace bookinfo istio.io/use-waypoint=waypoint',
      '~ label Namespace bookinfo istio.io/dataplane-mode=ambient',
      '~ label Namespace bookinfo istio-injection-',
      '↻ restart Deployment bookinfo/productpage-v1',
      '- delete AuthorizationPolicy bookinfo/productpage-viewer',
      '- delete VirtualService bookinfo/reviews',
      '- delete DestinationRule bookinfo/reviews',
    ]) {
      assert.ok(section.includes(line), `bookinfo lists "${line}":\n${section}`);
    }
    // Steps are headed in the guide's order; warnings come last, with their ids.
    const headings = lines.slice(bookinfo, payments).filter(l => /^ {2}\S/.test(l)).map(l => l.trim());
    assert.deepEqual(headings, ['waypoint', 'policies', 'use-waypoint', 'enroll', 'remove-injection', 'restart', 'cleanup', 'warnings']);
    assert.match(section, new RegExp(`\\[${FINDINGS.l7Authorization.id}\\].*productpage-viewer`));
    assert.match(section, new RegExp(`\\[${FINDINGS.ingressBypass.id}\\]`));
    // Every operation of the JSON plan appears in the text.
    for (const op of operationsOf(json)) {
      assert.ok(text.stdout.includes(`${op.action} ${op.target.kind} ${op.target.namespace ? `${op.target.namespace}/` : ''}${op.target.name}`), op.id);
    }
    assert.match(text.stdout, /\d+ operations in 2 namespaces; nothing has been written to the cluster\n$/);
  });

  test('--json parses, with the namespaces, operations and findings, and no text around it', () => {
    assert.equal(json.code, 0, json.stderr);
    const plan = JSON.parse(json.stdout);
    assert.deepEqual(plan.namespaces, ['bookinfo', 'payments']);
    assert.deepEqual(plan.refused, []);
    assert.ok(plan.operations.length > 20);
    assert.ok(plan.findings.some((f: {id: string}) => f.id === FINDINGS.l7Authorization.id));
    assert.equal(plan.operations[0].id, 'bookinfo/waypoint/create/gateway/waypoint');
  });
});

describe('plan command: refusals and usage', () => {
  test('a blocked namespace: exit 3, naming the blocker', () => {
    assert.equal(legacy.code, 3, legacy.stdout + legacy.stderr);
    assert.match(legacy.stdout, new RegExp(`refused: namespace legacy is blocked by ${FINDINGS.peerAuthDisable.id}`));
    assert.match(legacy.stdout, /0 operations in 0 namespaces/);
  });

  test('an unknown namespace: exit 2', () => {
    assert.equal(unknown.code, 2, unknown.stdout + unknown.stderr);
    assert.match(unknown.stdout, /refused: namespace nope does not exist in this cluster/);
  });

  test('a namespace already in ambient mode is refused with a non-zero exit', () => {
    assert.notEqual(ambient.code, 0);
    assert.match(ambient.stdout, /refused: namespace httpbin is already in ambient mode/);
    assert.doesNotMatch(ambient.stdout, /Namespace httpbin/);
  });

  test('without -n: a usage error (exit 2) that names the option', () => {
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /required option '-n, --namespace <list>' not specified/);
    assert.equal(missing.stdout, '');
  });
});

describe('plan command: --out for GitOps', () => {
  test('one YAML file per created or changed object, in its final state, plus plan.json', () => {
    assert.equal(written.code, 0, written.stderr);
    const plan = JSON.parse(readFileSync(path.join(out, 'plan.json'), 'utf8'));
    assert.deepEqual(plan.namespaces, ['bookinfo', 'edge']);
    const expected = new Map<string, unknown>();
    for (const op of plan.operations as Operation[]) {
      if (op.after) expected.set(`${op.namespace}/${op.target.kind.toLowerCase()}-${op.target.name}.yaml`, op.after);
    }
    const files = readdirSync(out, {recursive: true, withFileTypes: true})
      .filter(d => d.isFile())
      .map(d => path.relative(out, path.join(d.parentPath, d.name)))
      .sort();
    assert.deepEqual(files, [...[...expected.keys()].sort(), 'plan.json'].sort());
    assert.ok(files.includes('bookinfo/gateway-waypoint.yaml') && files.includes('bookinfo/httproute-reviews.yaml') && files.includes('edge/namespace-edge.yaml'));
    for (const [file, object] of expected) {
      const docs = yaml.loadAll(readFileSync(path.join(out, file), 'utf8'));
      assert.deepEqual(docs, [object], file);
    }
    // The namespace after every label step: waypoint, ambient, and no injection label.
    const namespace = yaml.load(readFileSync(path.join(out, 'bookinfo/namespace-bookinfo.yaml'), 'utf8')) as any;
    assert.deepEqual(namespace.metadata.labels, {'istio.io/dataplane-mode': 'ambient', 'istio.io/use-waypoint': 'waypoint', 'kubernetes.io/metadata.name': 'bookinfo'});
    assert.match(written.stderr, new RegExp(`wrote ${expected.size} object files and plan.json to ${out}`));
  });

  test('the files are objects a real client applies: kubectl apply --dry-run=server -f DIR/bookinfo', {skip: kubectlSkip()}, async () => {
    const result = await sim.kubectl(['apply', '--dry-run=server', '-f', path.join(out, 'bookinfo')]);
    assert.equal(result.code, 0, result.stderr);
    const applied = result.stdout.trim().split('\n').sort();
    assert.deepEqual(applied, [
      'authorizationpolicy.security.istio.io/productpage-viewer configured (server dry run)',
      'authorizationpolicy.security.istio.io/productpage-viewer-waypoint created (server dry run)',
      'authorizationpolicy.security.istio.io/ratings-from-reviews configured (server dry run)',
      'authorizationpolicy.security.istio.io/ratings-from-reviews-waypoint created (server dry run)',
      'authorizationpolicy.security.istio.io/reviews-viewer configured (server dry run)',
      'authorizationpolicy.security.istio.io/reviews-viewer-waypoint created (server dry run)',
      'gateway.gateway.networking.k8s.io/waypoint created (server dry run)',
      'httproute.gateway.networking.k8s.io/reviews created (server dry run)',
      'namespace/bookinfo configured (server dry run)',
      'service/reviews-v1 created (server dry run)',
      'service/reviews-v2 created (server dry run)',
      'service/reviews-v3 created (server dry run)',
    ]);
    assert.doesNotMatch(result.stderr, /error|unknown field/i);
    // Neither the plan nor the dry run wrote anything.
    const gateways = await sim.kubectl(['get', 'gateways.gateway.networking.k8s.io,httproutes', '-n', 'bookinfo']);
    assert.match(gateways.stderr, /No resources found/);
    const labels = await sim.kubectl(['get', 'namespace', 'bookinfo', '-o', 'jsonpath={.metadata.labels}']);
    assert.equal(JSON.parse(labels.stdout)['istio-injection'], 'enabled');
  });

  test('a plan with a blocker of its own (a policy on one version of a Service): listed under blockers, exit 3', async () => {
    // --cluster-from takes one path: the audit base and the scenario copied into one directory.
    const cluster = path.join(tmp, 'partial-cluster');
    mkdirSync(cluster);
    const base = path.join(repoRoot, 'fixtures/audit/base');
    for (const file of readdirSync(base).filter(f => f.endsWith('.yaml'))) copyFileSync(path.join(base, file), path.join(cluster, file));
    copyFileSync(path.join(repoRoot, 'fixtures/plan/partial.yaml'), path.join(cluster, '50-partial.yaml'));
    const result = await run(['plan', '--cluster-from', cluster, '-n', 'partial']);
    assert.equal(result.code, 3, result.stdout + result.stderr);
    const section = result.stdout.slice(result.stdout.indexOf('  blockers'));
    assert.match(section, new RegExp(`^  blockers\\n    Blocker \\[${FINDINGS.policySelectsPartOfService.id}\\]`));
    assert.match(result.stdout.trimEnd().split('\n').at(-1)!, /^apply refuses this plan until the 1 blocker above is resolved$/);
  });
});

