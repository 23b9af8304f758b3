/**
 * What a waypoint does to an L4 policy that names callers (waypoint-identity.ts): behind the waypoint,
 * ztunnel sees the waypoint's identity. Each case is a policy a user could have, and what the tool must
 * conclude about it; the rewrites are what ztunnel would then enforce.
 */
import assert from 'node:assert/strict';
import {describe, test} from 'node:test';
import type {KubeObject} from '../../source/kube/client.ts';
import {exemptWaypoint, istioStringMatch, ruleMatchesWaypoint, waypointIdentityEffect, withoutCallerConditions} from '../../source/core/waypoint-identity.ts';
import {waypointIdentity} from '../../source/core/plan/waypoint.ts';

const waypoint = waypointIdentity('shop');
const policy = (action: 'ALLOW' | 'DENY', rules: unknown[]): KubeObject => ({
  apiVersion: 'security.istio.io/v1',
  kind: 'AuthorizationPolicy',
  metadata: {name: 'p', namespace: 'shop'},
  spec: {selector: {matchLabels: {app: 'ratings'}}, action, rules},
});
const from = (source: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({from: [{source}], ...extra});

describe('Istio string matches', () => {
  test('exact, prefix*, *suffix and * as Istio reads principals and namespaces', () => {
    assert.ok(istioStringMatch('cluster.local/ns/shop/sa/waypoint', waypoint.principal));
    assert.ok(istioStringMatch('cluster.local/ns/shop/*', waypoint.principal));
    assert.ok(istioStringMatch('*/sa/waypoint', waypoint.principal));
    assert.ok(istioStringMatch('*', waypoint.principal));
    assert.ok(!istioStringMatch('cluster.local/ns/shop/sa/reviews', waypoint.principal));
    assert.ok(!istioStringMatch('cluster.local/ns/other/*', waypoint.principal));
  });
});

describe('ALLOW', () => {
  test('allowing one caller rejects the waypoint', () => {
    const effect = waypointIdentityEffect(policy('ALLOW', [from({principals: ['cluster.local/ns/shop/sa/reviews']})]), waypoint);
    assert.deepEqual(effect, {effect: 'allow-rejects-waypoint', rules: [0]});
  });

  test('allowing everyone but one namespace, or the waypoint\'s own namespace, lets the waypoint in and every caller with it', () => {
    for (const source of [{notNamespaces: ['untrusted']}, {namespaces: ['shop']}, {notPrincipals: ['cluster.local/ns/bad/sa/bot']}]) {
      assert.deepEqual(waypointIdentityEffect(policy('ALLOW', [from(source)]), waypoint), {effect: 'allow-admits-through-waypoint', rules: []}, JSON.stringify(source));
    }
  });

  test('only the rules that name callers and do not match the waypoint need a waypoint rule', () => {
    const rules = [{to: [{operation: {ports: ['8080']}}]}, from({namespaces: ['frontend']}, {to: [{operation: {ports: ['9080']}}]})];
    assert.deepEqual(waypointIdentityEffect(policy('ALLOW', rules), waypoint), {effect: 'allow-rejects-waypoint', rules: [1]});
  });

  test('a policy that names no caller (ports, IPs) is not changed by a waypoint', () => {
    assert.equal(waypointIdentityEffect(policy('ALLOW', [{to: [{operation: {ports: ['9080']}}]}]), waypoint), undefined);
    assert.equal(waypointIdentityEffect(policy('DENY', [from({ipBlocks: ['10.0.0.0/8']})]), waypoint), undefined);
  });

  test('the waypoint rule keeps ports and destination conditions, never the caller conditions it would fail', () => {
    const rule = {
      from: [{source: {principals: ['cluster.local/ns/shop/sa/reviews']}}],
      to: [{operation: {ports: ['9080']}}],
      when: [
        {key: 'source.namespace', values: ['shop']},
        {key: 'destination.port', values: ['9080']},
      ],
    };
    assert.deepEqual(withoutCallerConditions(rule), {to: [{operation: {ports: ['9080']}}], when: [{key: 'destination.port', values: ['9080']}]});
  });
});

describe('DENY', () => {
  test('denying named callers fails open behind the waypoint', () => {
    for (const source of [{principals: ['cluster.local/ns/bad/sa/bot']}, {namespaces: ['untrusted']}, {notNamespaces: ['shop']}]) {
      assert.deepEqual(waypointIdentityEffect(policy('DENY', [from(source)]), waypoint), {effect: 'deny-fails-open', rules: []}, JSON.stringify(source));
    }
  });

  test('denying everyone but some callers, or the own namespace, or a wildcard that covers it, denies the waypoint', () => {
    for (const source of [
      {notPrincipals: ['cluster.local/ns/frontend/sa/web']},
      {notNamespaces: ['frontend']},
      {namespaces: ['shop']},
      {principals: ['cluster.local/ns/shop/*']},
      {notServiceAccounts: ['frontend/web']},
    ]) {
      assert.deepEqual(waypointIdentityEffect(policy('DENY', [from(source)]), waypoint), {effect: 'deny-blocks-waypoint', rules: [0]}, JSON.stringify(source));
    }
    const byCondition = policy('DENY', [{when: [{key: 'source.principal', notValues: ['cluster.local/ns/frontend/sa/web']}]}]);
    assert.deepEqual(waypointIdentityEffect(byCondition, waypoint), {effect: 'deny-blocks-waypoint', rules: [0]});
  });

  test('exempting the waypoint makes the rule stop matching it and nothing else', () => {
    const cases: Array<[Record<string, unknown>, Record<string, unknown>]> = [
      [{notPrincipals: ['cluster.local/ns/frontend/sa/web']}, {notPrincipals: ['cluster.local/ns/frontend/sa/web', waypoint.principal]}],
      [{notNamespaces: ['frontend']}, {notNamespaces: ['frontend'], notPrincipals: [waypoint.principal]}],
      // Istio rejects principals next to serviceAccounts: the exemption is a service account too.
      [{notServiceAccounts: ['frontend/web']}, {notServiceAccounts: ['frontend/web', 'shop/waypoint']}],
    ];
    for (const [source, exempted] of cases) {
      const rule = exemptWaypoint(from(source), waypoint, 'shop');
      assert.deepEqual(rule, from(exempted));
      assert.equal(ruleMatchesWaypoint(rule, waypoint, 'shop'), 'no');
    }
    const byCondition = {when: [{key: 'source.namespace', notValues: ['frontend']}]};
    const exempted = exemptWaypoint(byCondition, waypoint, 'shop');
    assert.deepEqual(exempted, {...byCondition, from: [{source: {notPrincipals: [waypoint.principal]}}]});
    assert.equal(ruleMatchesWaypoint(exempted, waypoint, 'shop'), 'no');
  });

  test('only the source entries that match the waypoint are touched', () => {
    const rule = {from: [{source: {principals: ['cluster.local/ns/bad/sa/bot']}}, {source: {notNamespaces: ['frontend']}}]};
    assert.deepEqual(exemptWaypoint(rule, waypoint, 'shop').from, [
      {source: {principals: ['cluster.local/ns/bad/sa/bot']}},
      {source: {notNamespaces: ['frontend'], notPrincipals: [waypoint.principal]}},
    ]);
  });

  test('an IP condition makes the match uncertain, and uncertain is treated as matching', () => {
    const rule = from({notNamespaces: ['frontend'], notIpBlocks: ['10.1.0.0/16']});
    assert.equal(ruleMatchesWaypoint(rule, waypoint, 'shop'), 'maybe');
    assert.equal(waypointIdentityEffect(policy('DENY', [rule]), waypoint)?.effect, 'deny-blocks-waypoint');
  });

  test('the waypoint identity follows the mesh trust domain', () => {
    const other = waypointIdentity('shop', 'corp.example');
    assert.equal(other.principal, 'corp.example/ns/shop/sa/waypoint');
    const rule = from({notPrincipals: ['corp.example/ns/shop/sa/waypoint']});
    assert.equal(ruleMatchesWaypoint(rule, other, 'shop'), 'no');
    assert.equal(ruleMatchesWaypoint(rule, waypoint, 'shop'), 'yes');
  });
});

describe('unexpected shapes', () => {
  test('a policy whose rules or sources are not what the schema says is read as naming nobody, not a crash', () => {
    for (const rules of ['everyone', [{from: 'everyone'}], [{from: [{source: 'everyone'}]}], [{when: {key: 'source.principal'}}], [null]]) {
      assert.equal(waypointIdentityEffect(policy('DENY', rules as unknown[]), waypoint), undefined, JSON.stringify(rules));
    }
  });
});
