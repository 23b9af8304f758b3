import {test} from 'node:test';
import assert from 'node:assert/strict';
import {cidrContains, istioPatternMatch, parseCidr, parseIp} from '../../../source/core/traffic/authz/istio-match.ts';
import {compileRule, replaceTrustDomainAliases, stringMatcher} from '../../../source/core/traffic/authz/envoy.ts';
import {convertAuthorizationPolicy, protoShape} from '../../../source/core/traffic/authz/ztunnel.ts';

test('IP addresses parse as netip does (IPv4, IPv6, embedded IPv4), or not at all', () => {
  assert.deepEqual(parseIp('1.2.3.4'), [1, 2, 3, 4]);
  assert.deepEqual(parseIp('::1'), [...Array(15).fill(0), 1]);
  assert.deepEqual(parseIp('2001:db8::ff00:42:8329'), [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0xff, 0x00, 0, 0x42, 0x83, 0x29]);
  assert.deepEqual(parseIp('::ffff:1.2.3.4'), [...Array(10).fill(0), 0xff, 0xff, 1, 2, 3, 4]);
  for (const bad of ['1.2.3', '1.2.3.256', '01.2.3.4', '1::2::3', 'fe80::1%eth0', 'x']) assert.equal(parseIp(bad), undefined, bad);
  assert.deepEqual(parseCidr('5.6.0.0/16'), {bytes: [5, 6, 0, 0], length: 16});
  assert.equal(parseCidr('5.6.0.0/33'), undefined);
  assert.ok(cidrContains(parseCidr('10.1.0.0/16')!, '10.1.200.3'));
  assert.ok(!cidrContains(parseCidr('10.1.0.0/16')!, '10.2.0.1'));
  assert.ok(cidrContains(parseCidr('2001:db8::/32')!, '2001:db8:1::5'));
  assert.ok(!cidrContains(parseCidr('2001:db8::/32')!, '10.1.0.1'));
});

test('ztunnel addresses render base64, IPv6 included', () => {
  const policy = {apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: {name: 'p', namespace: 'ns'}, spec: {rules: [{from: [{source: {ipBlocks: ['2001:db8::/32']}}]}]}};
  const shape = protoShape(convertAuthorizationPolicy('istio-system', policy).authorization!) as any;
  assert.deepEqual(shape.groups[0].rules[0].matches[0].sourceIps, [{address: 'IAENuAAAAAAAAAAAAAAAAA==', length: 32}]);
});

test('string patterns: * needs a value; prefix and suffix; Envoy principals carry spiffe://', () => {
  assert.ok(!istioPatternMatch('*', ''));
  assert.ok(istioPatternMatch('*', 'x'));
  assert.ok(istioPatternMatch('ab*', 'abc') && istioPatternMatch('*bc', 'abc') && !istioPatternMatch('ab', 'abc'));
  assert.ok(stringMatcher('*/sa/x', 'spiffe://')('spiffe://td/ns/a/sa/x'));
  assert.ok(!stringMatcher('*/sa/x', 'spiffe://')('td/ns/a/sa/x'));
  assert.ok(stringMatcher('td/ns/a/*', 'spiffe://')('spiffe://td/ns/a/sa/y'));
  assert.ok(!stringMatcher('*')(undefined));
});

test('trust domain migration: cluster.local and aliases expand, other trust domains and wildcards stay', () => {
  assert.deepEqual(replaceTrustDomainAliases(['cluster.local/ns/a/sa/b'], ['corp', 'old']), ['corp/ns/a/sa/b', 'old/ns/a/sa/b']);
  assert.deepEqual(replaceTrustDomainAliases(['old/ns/a/sa/b'], ['corp', 'old']), ['corp/ns/a/sa/b', 'old/ns/a/sa/b']);
  assert.deepEqual(replaceTrustDomainAliases(['other/ns/a/sa/b', '*/ns/a/sa/b', 'ns/a/*'], ['corp']), ['other/ns/a/sa/b', '*/ns/a/sa/b', 'ns/a/*']);
});

test('rules: invalid values skip an ALLOW rule but only drop the value in a DENY', () => {
  const rule = {to: [{operation: {ports: ['http']}}]};
  assert.equal(compileRule(rule, 'ns', false, 'ALLOW').kind, 'skipped');
  const deny = compileRule(rule, 'ns', false, 'DENY');
  assert.equal(deny.kind, 'rule');
  assert.ok(deny.kind === 'rule' && deny.matches({port: 1}));
});
