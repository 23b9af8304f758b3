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
    assert.deepEqual(effect, {effect: 'allow-rejects-waypoint', rules: [0], forWaypoint: []});
  });

  test('allowing everyone but one namespace, or the waypoint\'s own namespace, lets the waypoint in and every caller with it', () => {
    for (const source of [{notNamespaces: ['untrusted']}, {namespaces: ['shop']}, {notPrincipals: ['cluster.local/ns/bad/sa/bot']}]) {
      assert.deepEqual(waypointIdentityEffect(policy('ALLOW', [from(source)]), waypoint), {effect: 'allow-admits-through-waypoint', rules: [], forWaypoint: []}, JSON.stringify(source));
    }
  });

  test('only the rules that name callers and do not match the waypoint need a waypoint rule', () => {
    const rules = [{to: [{operation: {ports: ['8080']}}]}, from({namespaces: ['frontend']}, {to: [{operation: {ports: ['9080']}}]})];
    assert.deepEqual(waypointIdentityEffect(policy('ALLOW', rules), waypoint), {effect: 'allow-rejects-waypoint', rules: [1], forWaypoint: []});
  });

  test('a policy that names no caller (ports only) is not changed by a waypoint', () => {
    assert.equal(waypointIdentityEffect(policy('ALLOW', [{to: [{operation: {ports: ['9080']}}]}]), waypoint), undefined);
    assert.equal(waypointIdentityEffect(policy('DENY', [{to: [{operation: {ports: ['9090']}}]}]), waypoint), undefined);
  });

  test("callers named by address change too: ztunnel sees the waypoint pod's address", () => {
    assert.deepEqual(waypointIdentityEffect(policy('ALLOW', [from({ipBlocks: ['10.1.0.0/16']})]), waypoint), {effect: 'allow-rejects-waypoint', rules: [0], forWaypoint: []});
    assert.deepEqual(waypointIdentityEffect(policy('DENY', [{when: [{key: 'source.ip', values: ['203.0.113.0/24']}]}]), waypoint), {effect: 'deny-blocks-waypoint', rules: [0], forWaypoint: []});
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
      assert.deepEqual(waypointIdentityEffect(policy('DENY', [from(source)]), waypoint), {effect: 'deny-fails-open', rules: [], forWaypoint: []}, JSON.stringify(source));
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
      assert.deepEqual(waypointIdentityEffect(policy('DENY', [from(source)]), waypoint), {effect: 'deny-blocks-waypoint', rules: [0], forWaypoint: []}, JSON.stringify(source));
    }
    const byCondition = policy('DENY', [{when: [{key: 'source.principal', notValues: ['cluster.local/ns/frontend/sa/web']}]}]);
    assert.deepEqual(waypointIdentityEffect(byCondition, waypoint), {effect: 'deny-blocks-waypoint', rules: [0], forWaypoint: []});
  });

  test('exempting the waypoint makes the rule stop matching it and nothing else', () => {
    const cases: Array<[Record<string, unknown>, Record<string, unknown>]> = [
      [{notPrincipals: ['cluster.local/ns/frontend/sa/web']}, {notPrincipals: ['cluster.local/ns/frontend/sa/web', waypoint.principal]}],
      [{notNamespaces: ['frontend']}, {notNamespaces: ['frontend'], notPrincipals: [waypoint.principal]}],
    ];
    for (const [source, exempted] of cases) {
      const rule = exemptWaypoint(from(source), waypoint, 'shop');
      assert.deepEqual(rule, from(exempted));
      assert.equal(ruleMatchesWaypoint(rule, waypoint, 'shop'), 'no');
    }
    // Istio rejects principals next to service accounts, and takes at most 16 of them: the exemption is a
    // condition of the rule instead, ANDed all the same.
    const accounts = from({notServiceAccounts: Array.from({length: 16}, (_, i) => `frontend/sa-${i}`)});
    const exemptedAccounts = exemptWaypoint(accounts, waypoint, 'shop');
    assert.deepEqual(exemptedAccounts, {...accounts, when: [{key: 'source.principal', notValues: [waypoint.principal]}]});
    assert.equal(ruleMatchesWaypoint(exemptedAccounts, waypoint, 'shop'), 'no');
    const byCondition = {when: [{key: 'source.namespace', notValues: ['frontend']}]};
    const exempted = exemptWaypoint(byCondition, waypoint, 'shop');
    assert.deepEqual(exempted, {when: [...byCondition.when, {key: 'source.principal', notValues: [waypoint.principal]}]});
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

describe('rules written for the waypoint', () => {
  test("the guide's bypass DENY, however it names the waypoint, is left alone: a copy at the waypoint would deny every caller", () => {
    for (const source of [
      {notPrincipals: [waypoint.principal]},
      {notPrincipals: ['cluster.local/ns/shop/sa/waypoint*']},
      {notPrincipals: ['*/sa/waypoint', 'cluster.local/ns/shop/sa/web']},
      {notServiceAccounts: ['shop/waypoint']},
      {notServiceAccounts: ['waypoint']},
    ]) {
      assert.equal(waypointIdentityEffect(policy('DENY', [from(source)]), waypoint), undefined, JSON.stringify(source));
    }
    const byCondition = policy('DENY', [{when: [{key: 'source.principal', notValues: [waypoint.principal]}]}]);
    assert.equal(waypointIdentityEffect(byCondition, waypoint), undefined);
  });

  test('a pattern that only covers the waypoint (the whole namespace) is a caller, not the waypoint', () => {
    const outsiders = policy('DENY', [from({notPrincipals: ['cluster.local/ns/shop/*']})]);
    assert.deepEqual(waypointIdentityEffect(outsiders, waypoint), {effect: 'deny-fails-open', rules: [], forWaypoint: []});
  });

  test('next to a bypass rule, another rule is still handled, and only it', () => {
    const mixed = policy('DENY', [from({notPrincipals: [waypoint.principal]}), from({principals: ['cluster.local/ns/bad/sa/bot']})]);
    assert.deepEqual(waypointIdentityEffect(mixed, waypoint), {effect: 'deny-fails-open', rules: [], forWaypoint: [0]});
  });

  test('an ALLOW that already lets the waypoint in needs no waypoint rule, but its callers still need the copy', () => {
    const prepared = policy('ALLOW', [from({principals: ['cluster.local/ns/shop/sa/reviews']}), from({principals: [waypoint.principal]})]);
    assert.deepEqual(waypointIdentityEffect(prepared, waypoint), {effect: 'allow-admits-through-waypoint', rules: [], forWaypoint: [1]});
  });
});

describe('the waypoint named next to real callers', () => {
  test('an ALLOW of the waypoint and a caller in one rule lets the waypoint in, and the whole rule is copied', () => {
    const prepared = policy('ALLOW', [from({principals: ['cluster.local/ns/shop/sa/reviews', waypoint.principal]})]);
    assert.deepEqual(waypointIdentityEffect(prepared, waypoint), {effect: 'allow-admits-through-waypoint', rules: [], forWaypoint: []});
  });
});

describe('what counts as letting the waypoint in', () => {
  test('a rule for the waypoint on one port does not let it in on another', () => {
    const rules = [from({principals: [waypoint.principal]}, {to: [{operation: {ports: ['8080']}}]}), from({principals: ['cluster.local/ns/frontend/sa/web']}, {to: [{operation: {ports: ['9090']}}]})];
    assert.deepEqual(waypointIdentityEffect(policy('ALLOW', rules), waypoint), {effect: 'allow-rejects-waypoint', rules: [1], forWaypoint: [0]});
  });

  test('a rule that excludes the waypoint by name does not let it in', () => {
    const rules = [from({namespaces: ['shop'], notPrincipals: [waypoint.principal]})];
    assert.deepEqual(waypointIdentityEffect(policy('ALLOW', rules), waypoint), {effect: 'allow-rejects-waypoint', rules: [0], forWaypoint: []});
  });

  test("every account of the waypoint's namespace (`.../sa/*`) is callers, not the waypoint", () => {
    const deny = policy('DENY', [from({principals: ['cluster.local/ns/shop/sa/*']})]);
    assert.deepEqual(waypointIdentityEffect(deny, waypoint), {effect: 'deny-blocks-waypoint', rules: [0], forWaypoint: []});
  });
});

describe('empty lists', () => {
  test('an empty `from` is no condition: the rule matches the waypoint like any caller', () => {
    assert.equal(ruleMatchesWaypoint({from: [], to: [{operation: {ports: ['9080']}}]}, waypoint, 'shop'), 'yes');
  });
});

describe('unexpected shapes', () => {
  test('a policy whose rules or sources are not what the schema says is read as naming nobody, not a crash', () => {
    for (const rules of ['everyone', [{from: 'everyone'}], [{from: [{source: 'everyone'}]}], [{when: {key: 'source.principal'}}], [null]]) {
      assert.equal(waypointIdentityEffect(policy('DENY', rules as unknown[]), waypoint), undefined, JSON.stringify(rules));
    }
  });
});
