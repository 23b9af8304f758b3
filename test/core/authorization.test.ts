import {test} from 'node:test';
import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import yaml from 'js-yaml';
import {analyzeAuthorizationPolicy} from '../../source/core/authorization.ts';
import type {KubeObject} from '../../source/kube/client.ts';

const ISTIO = fileURLToPath(new URL('../../../shared/reference/istio/', import.meta.url));
const ZTUNNEL_TESTDATA = `${ISTIO}pilot/pkg/serviceregistry/ambient/testdata/`;

function loadAll(path: string, transform = (s: string) => s): any[] {
  return (yaml.loadAll(transform(readFileSync(path, 'utf8'))) as any[]).filter(d => d && typeof d === 'object');
}

const testdata = (name: string): KubeObject => loadAll(`${ZTUNNEL_TESTDATA}${name}-in.yaml`)[0];
const golden = (name: string): {groups?: Array<{rules: Array<{matches: object[]}>}>} => loadAll(`${ZTUNNEL_TESTDATA}${name}.yaml`)[0];

function policy(spec: object, metadata: Partial<KubeObject['metadata']> = {}): KubeObject {
  return {apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: {name: 'p', namespace: 'shop', ...metadata}, spec};
}

const selector = {matchLabels: {app: 'reviews'}};

// --- L4 vs L7 fields (reference §3.6.1) ---------------------------------------------------------------

test('L4: principals, namespaces, serviceAccounts, ipBlocks, ports and L4 when keys stay at ztunnel', () => {
  const a = analyzeAuthorizationPolicy(
    policy({
      selector,
      rules: [
        {
          from: [{source: {principals: ['cluster.local/ns/a/sa/b'], notNamespaces: ['x'], ipBlocks: ['10.0.0.0/8']}}, {source: {serviceAccounts: ['a/b']}}],
          to: [{operation: {ports: ['9080'], notPorts: ['15000']}}],
          when: [
            {key: 'source.namespace', values: ['a']},
            {key: 'source.ip', values: ['10.0.0.1']},
            {key: 'source.principal', values: ['x']},
            {key: 'destination.ip', values: ['10.0.0.2']},
            {key: 'destination.port', values: ['9080']},
          ],
        },
      ],
    }),
  );
  assert.deepEqual(a.l7Fields, []);
  assert.equal(a.layer, 'L4');
  assert.equal(a.ambientEffect, 'unchanged');
  assert.deepEqual(a.droppedRules, []);
  assert.equal(a.attachment, 'selector');
  assert.equal(a.action, 'ALLOW');
});

const l7Cases: Array<[string, object, string]> = [
  ['requestPrincipals', {from: [{source: {requestPrincipals: ['*']}}]}, 'spec.rules[0].from[0].source.requestPrincipals'],
  ['notRequestPrincipals', {from: [{source: {notRequestPrincipals: ['*']}}]}, 'spec.rules[0].from[0].source.notRequestPrincipals'],
  ['remoteIpBlocks', {from: [{source: {remoteIpBlocks: ['1.2.3.4']}}]}, 'spec.rules[0].from[0].source.remoteIpBlocks'],
  ['methods', {to: [{operation: {methods: ['GET']}}]}, 'spec.rules[0].to[0].operation.methods'],
  ['paths', {to: [{operation: {paths: ['/api/*']}}]}, 'spec.rules[0].to[0].operation.paths'],
  ['notPaths', {to: [{operation: {notPaths: ['/admin']}}]}, 'spec.rules[0].to[0].operation.notPaths'],
  ['hosts', {to: [{operation: {hosts: ['a.example.com']}}]}, 'spec.rules[0].to[0].operation.hosts'],
  ['when request.headers[...]', {when: [{key: 'request.headers[x-user]', values: ['a']}]}, 'spec.rules[0].when[0].key=request.headers[x-user]'],
  ['when request.auth.claims[...]', {when: [{key: 'request.auth.claims[iss]', values: ['a']}]}, 'spec.rules[0].when[0].key=request.auth.claims[iss]'],
  ['when source.serviceAccount', {when: [{key: 'source.serviceAccount', values: ['a/b']}]}, 'spec.rules[0].when[0].key=source.serviceAccount'],
  ['when remote.ip', {when: [{key: 'remote.ip', values: ['1.2.3.4']}]}, 'spec.rules[0].when[0].key=remote.ip'],
  ['when connection.sni', {when: [{key: 'connection.sni', values: ['a']}]}, 'spec.rules[0].when[0].key=connection.sni'],
];

for (const [name, rule, path] of l7Cases) {
  test(`L7: ${name} needs a waypoint (${path})`, () => {
    const a = analyzeAuthorizationPolicy(policy({selector, rules: [rule]}));
    assert.deepEqual(a.l7Fields, [path]);
    assert.equal(a.layer, 'L7');
  });
}

test('L4 twin of the when cases: source.namespace is enforced by ztunnel', () => {
  const a = analyzeAuthorizationPolicy(policy({selector, rules: [{when: [{key: 'source.namespace', values: ['a']}]}]}));
  assert.deepEqual(a.l7Fields, []);
  assert.equal(a.layer, 'L4');
});

test('golden allow-full: every rule with an HTTP attribute is dropped, the 10 L4 rules become the 10 ztunnel groups', () => {
  const a = analyzeAuthorizationPolicy(testdata('allow-full'));
  // requestPrincipals, remoteIpBlocks, methods, hosts, paths, request.headers, remote.ip, request.auth.* x5, connection.sni, experimental.*
  assert.deepEqual(a.droppedRules, [2, 5, 6, 7, 9, 10, 12, 15, 16, 17, 18, 19, 22, 23]);
  const rules = (testdata('allow-full').spec as any).rules.length;
  assert.equal(rules - a.droppedRules.length, golden('allow-full').groups!.length);
  assert.ok(a.l7Fields.includes('spec.rules[5].from[0].source.remoteIpBlocks'));
  assert.ok(a.l7Fields.includes('spec.rules[12].when[0].key=remote.ip'));
  assert.ok(a.l7Fields.includes('spec.rules[23].when[0].key=experimental.envoy.filters.a.b[c]'));
  assert.equal(a.ambientEffect, 'allow-rules-dropped');
  assert.equal(a.attachment, 'namespace');
});

// --- ALLOW --------------------------------------------------------------------------------------------

test('golden allow-groups: an ALLOW rule with any HTTP attribute is dropped whole, even when it also has L4 parts', () => {
  const a = analyzeAuthorizationPolicy(testdata('allow-groups'));
  assert.deepEqual(a.droppedRules, [0, 1, 3, 4, 6]);
  assert.ok(a.ruleEffects.every(e => e.effect === 'dropped'));
  assert.equal(7 - a.droppedRules.length, golden('allow-groups').groups!.length);
  assert.equal(a.ambientEffect, 'allow-rules-dropped');
  assert.equal(a.layer, 'L7');
});

test('ALLOW where every rule has an L7 field: the workload denies everything (deny-all)', () => {
  const a = analyzeAuthorizationPolicy(
    policy({selector, rules: [{to: [{operation: {methods: ['GET']}}]}, {from: [{source: {principals: ['a']}}], to: [{operation: {paths: ['/x']}}]}]}),
  );
  assert.equal(a.ambientEffect, 'deny-all');
  assert.deepEqual(a.droppedRules, [0, 1]);
});

test('ALLOW twin: one L4 rule survives, so only the L7 rules are dropped (allow-rules-dropped)', () => {
  const a = analyzeAuthorizationPolicy(policy({selector, rules: [{to: [{operation: {methods: ['GET']}}]}, {from: [{source: {principals: ['a']}}]}]}));
  assert.equal(a.ambientEffect, 'allow-rules-dropped');
  assert.deepEqual(a.droppedRules, [0]);
});

test('ALLOW with no rules (spec: {}) already denies all in sidecar mode: unchanged', () => {
  const a = analyzeAuthorizationPolicy(policy({}));
  assert.equal(a.ambientEffect, 'unchanged');
  assert.equal(a.layer, 'L4');
  assert.equal(a.action, 'ALLOW');
});

test('ALLOW with rules: [{}] allows all in both modes: unchanged', () => {
  const a = analyzeAuthorizationPolicy(policy({rules: [{}]}));
  assert.equal(a.ambientEffect, 'unchanged');
  assert.deepEqual(a.droppedRules, []);
});

test('analyzer fixture httpbin (selector, methods/paths/request.auth.claims in its only rule) becomes deny-all', () => {
  const docs = loadAll(`${ISTIO}pkg/config/analysis/analyzers/testdata/authorizationpolicies.yaml`);
  const httpbin = docs.find(d => d.kind === 'AuthorizationPolicy' && d.metadata.name === 'httpbin');
  const a = analyzeAuthorizationPolicy(httpbin);
  assert.equal(a.attachment, 'selector');
  assert.equal(a.ambientEffect, 'deny-all');
  assert.deepEqual(a.l7Fields, [
    'spec.rules[0].to[0].operation.methods',
    'spec.rules[0].to[0].operation.paths',
    'spec.rules[0].to[1].operation.methods',
    'spec.rules[0].to[1].operation.paths',
    'spec.rules[0].when[0].key=request.auth.claims[iss]',
  ]);
});

// --- DENY ---------------------------------------------------------------------------------------------

test('golden deny-groups: rules whose clause is left with only {} never match; same-entry mixes are broadened', () => {
  const a = analyzeAuthorizationPolicy(testdata('deny-groups'));
  // In the golden a clause of only empty matches is what ztunnel skips (rbac.rs: empty match never matches).
  const dead = golden('deny-groups').groups!.flatMap((g, i) => (g.rules.some(c => c.matches.every(m => Object.keys(m).length === 0)) ? [i] : []));
  assert.deepEqual(dead, [3, 4, 6]);
  assert.deepEqual(
    a.ruleEffects,
    [
      {rule: 0, effect: 'broadened'}, // principals + requestPrincipals in one source -> principals
      {rule: 1, effect: 'broadened'}, // ports + methods in one operation -> ports
      {rule: 3, effect: 'dropped'},
      {rule: 4, effect: 'dropped'}, // when source.namespace AND connection.sni: the sni clause is {}
      {rule: 6, effect: 'dropped'},
    ],
  );
  assert.deepEqual(a.ruleEffects.filter(e => e.effect === 'dropped').map(e => e.rule), dead);
  assert.equal(a.ambientEffect, 'deny-broadened');
});

test('DENY with only notRequestPrincipals: ["*"] fails open (issue #61126)', () => {
  const a = analyzeAuthorizationPolicy(policy({selector, action: 'DENY', rules: [{from: [{source: {notRequestPrincipals: ['*']}}]}]}));
  assert.equal(a.ambientEffect, 'deny-fails-open');
  assert.deepEqual(a.ruleEffects, [{rule: 0, effect: 'dropped'}]);
  assert.equal(a.layer, 'L7');
});

test('DENY twin: notPrincipals: ["*"] is L4 and keeps denying plaintext', () => {
  const a = analyzeAuthorizationPolicy(policy({selector, action: 'DENY', rules: [{from: [{source: {notPrincipals: ['*']}}]}]}));
  assert.equal(a.ambientEffect, 'unchanged');
  assert.equal(a.layer, 'L4');
});

test('DENY with principals + methods in one operation entry (ports+methods, golden deny-groups rule 1) is broadened', () => {
  const a = analyzeAuthorizationPolicy(
    policy({selector, action: 'DENY', rules: [{from: [{source: {principals: ['cluster.local/ns/a/sa/b']}}], to: [{operation: {ports: ['8080'], methods: ['DELETE']}}]}]}),
  );
  assert.equal(a.ambientEffect, 'deny-broadened');
  assert.deepEqual(a.ruleEffects, [{rule: 0, effect: 'broadened'}]);
});

test('DENY with principals in from and methods alone in to: the to clause is only {} (golden deny-groups rule 3), so the rule fails open', () => {
  const a = analyzeAuthorizationPolicy(
    policy({selector, action: 'DENY', rules: [{from: [{source: {principals: ['cluster.local/ns/a/sa/b']}}], to: [{operation: {methods: ['DELETE']}}]}]}),
  );
  assert.equal(a.ambientEffect, 'deny-fails-open');
  assert.deepEqual(a.ruleEffects, [{rule: 0, effect: 'dropped'}]);
});

test('DENY where an L7-only alternative of an OR list is lost: narrowed, the policy denies less (deny-rules-dropped)', () => {
  const a = analyzeAuthorizationPolicy(
    policy({selector, action: 'DENY', rules: [{from: [{source: {principals: ['a']}}, {source: {requestPrincipals: ['b']}}]}]}),
  );
  assert.deepEqual(a.ruleEffects, [{rule: 0, effect: 'narrowed'}]);
  assert.equal(a.ambientEffect, 'deny-rules-dropped');
});

test('DENY with an L4 rule left intact and an L7-only rule: only that rule stops (deny-rules-dropped, not fails-open)', () => {
  const a = analyzeAuthorizationPolicy(
    policy({selector, action: 'DENY', rules: [{from: [{source: {namespaces: ['x']}}]}, {to: [{operation: {paths: ['/admin']}}]}]}),
  );
  assert.deepEqual(a.droppedRules, [1]);
  assert.equal(a.ambientEffect, 'deny-rules-dropped');
});

// --- CUSTOM / AUDIT -----------------------------------------------------------------------------------

for (const action of ['CUSTOM', 'AUDIT'] as const) {
  test(`${action} is L7 and not enforced by ztunnel, even with L4-only rules`, () => {
    const a = analyzeAuthorizationPolicy(policy({selector, action, provider: {name: 'ext-authz'}, rules: [{to: [{operation: {ports: ['80']}}]}]}));
    assert.deepEqual(a.l7Fields, [`spec.action=${action}`]);
    assert.equal(a.layer, 'L7');
    assert.equal(a.ambientEffect, 'not-enforced');
    assert.deepEqual(a.droppedRules, [0]);
  });
}

test('CUSTOM/AUDIT twin: DENY with the same L4 rule is enforced unchanged', () => {
  const a = analyzeAuthorizationPolicy(policy({selector, action: 'DENY', rules: [{to: [{operation: {ports: ['80']}}]}]}));
  assert.equal(a.ambientEffect, 'unchanged');
  assert.equal(a.layer, 'L4');
});

// --- Attachment ---------------------------------------------------------------------------------------

test('targetRefs policy (ambient testdata waypoint-jwt) is a waypoint policy: attachment targetRefs, ztunnel unchanged', () => {
  const docs = loadAll(`${ISTIO}tests/integration/ambient/testdata/requestauthn/waypoint-jwt.yaml.tmpl`, s => s.replace(/\{\{[^}]*\}\}/g, 'waypoint'));
  const a = analyzeAuthorizationPolicy(docs.find(d => d.kind === 'AuthorizationPolicy'));
  assert.equal(a.attachment, 'targetRefs');
  assert.equal(a.ambientEffect, 'unchanged');
  assert.deepEqual(a.droppedRules, []);
  assert.equal(a.layer, 'L7');
  assert.deepEqual(a.l7Fields, [
    'spec.targetRefs',
    'spec.rules[0].from[0].source.requestPrincipals',
    'spec.rules[0].from[1].source.requestPrincipals',
    'spec.rules[1].to[0].operation.paths',
  ]);
});

test('legacy single targetRef counts as targetRefs', () => {
  const a = analyzeAuthorizationPolicy(policy({targetRef: {kind: 'Service', group: '', name: 'reviews'}}));
  assert.equal(a.attachment, 'targetRefs');
  assert.deepEqual(a.l7Fields, ['spec.targetRef']);
});

test('selector-less policy in the root namespace (analyzer fixture meshwide-httpbin) is root-namespace', () => {
  const docs = loadAll(`${ISTIO}pkg/config/analysis/analyzers/testdata/authorizationpolicies.yaml`);
  const a = analyzeAuthorizationPolicy(docs.find(d => d.metadata?.name === 'meshwide-httpbin'));
  assert.equal(a.attachment, 'root-namespace');
  assert.equal(a.ambientEffect, 'unchanged');
});

test('root namespace twins: a selector wins, another namespace is namespace-wide, the root namespace is configurable', () => {
  assert.equal(analyzeAuthorizationPolicy(policy({selector}, {namespace: 'istio-system'})).attachment, 'selector');
  assert.equal(analyzeAuthorizationPolicy(policy({}, {namespace: 'shop'})).attachment, 'namespace');
  assert.equal(analyzeAuthorizationPolicy(policy({}, {namespace: 'istio-system'}), 'mesh-root').attachment, 'namespace');
  assert.equal(analyzeAuthorizationPolicy(policy({}, {namespace: 'mesh-root'}), 'mesh-root').attachment, 'root-namespace');
  assert.equal(analyzeAuthorizationPolicy(policy({selector: {matchLabels: {}}})).attachment, 'namespace');
});

// --- Review fields and dry-run ------------------------------------------------------------------------

test('trustDomains / notTrustDomains are neither L4 nor L7: review fields', () => {
  const a = analyzeAuthorizationPolicy(policy({selector, rules: [{from: [{source: {principals: ['a'], trustDomains: ['td'], notTrustDomains: ['x']}}]}]}));
  assert.deepEqual(a.reviewFields, ['spec.rules[0].from[0].source.trustDomains', 'spec.rules[0].from[0].source.notTrustDomains']);
  assert.equal(a.layer, 'L4');
});

test('review twin: no trustDomains, nothing to review; empty lists count as absent', () => {
  const a = analyzeAuthorizationPolicy(policy({selector, rules: [{from: [{source: {principals: ['a'], trustDomains: [], requestPrincipals: []}}]}]}));
  assert.deepEqual(a.reviewFields, []);
  assert.deepEqual(a.l7Fields, []);
});

test('istio.io/dry-run is read as Go ParseBool does', () => {
  assert.equal(analyzeAuthorizationPolicy(policy({}, {annotations: {'istio.io/dry-run': 'true'}})).dryRun, true);
  assert.equal(analyzeAuthorizationPolicy(policy({}, {annotations: {'istio.io/dry-run': 'false'}})).dryRun, false);
  assert.equal(analyzeAuthorizationPolicy(policy({})).dryRun, false);
});
