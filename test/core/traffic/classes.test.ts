/**
 * Request classes (`classes.ts`): built from what the configuration mentions, never from the pods.
 */
import assert from 'node:assert/strict';
import {describe, test} from 'node:test';
import yaml from 'js-yaml';
import {OTHER_NAMESPACE, OUTSIDE_HEADER_VALUE, OUTSIDE_PATH, requestClasses, sampleRegex} from '../../../source/core/traffic/classes.ts';
import {World} from '../../../source/core/traffic/world.ts';
import {app, cluster, join, ns} from './helpers.ts';

const vs = yaml.dump({apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: {name: 'reviews', namespace: 'shop'}, spec: {hosts: ['reviews'], http: [{match: [{headers: {'end-user': {exact: 'jason'}}, uri: {prefix: '/api'}}], route: [{destination: {host: 'reviews'}}]}, {match: [{sourceLabels: {app: 'web'}}], route: [{destination: {host: 'reviews'}}]}]}});
const policy = yaml.dump({apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: {name: 'p', namespace: 'shop'}, spec: {selector: {matchLabels: {app: 'reviews'}}, rules: [{from: [{source: {principals: ['cluster.local/ns/front/sa/web']}}], to: [{operation: {methods: ['GET'], paths: ['/admin*']}}]}]}});
const base = join(ns('shop', {'istio-injection': 'enabled'}), ns('front', {'istio-injection': 'enabled'}), app('shop', 'reviews'), app('front', 'web', {service: false}), vs, policy);
const classes = requestClasses(World.fromInventory(cluster(base)), {namespaces: ['shop']});
const http = classes.filter(c => c.http);

describe('requestClasses', () => {
  test('every path a route or policy mentions, plus one outside all of them', () => {
    const paths = new Set(http.map(c => c.http!.path));
    for (const p of ['/', '/api', '/apix', '/api/x', '/admin', '/adminx', OUTSIDE_PATH]) assert.ok(paths.has(p), p);
  });
  test('each method mentioned, and one outside', () => {
    assert.deepEqual([...new Set(http.map(c => c.http!.method))].sort(), ['GET', 'POST']);
  });
  test('each header value mentioned, an outside value, and none', () => {
    const headers = new Set(http.map(c => JSON.stringify(c.http!.headers)));
    assert.deepEqual([...headers].sort(), [JSON.stringify({}), JSON.stringify({'end-user': OUTSIDE_HEADER_VALUE}), JSON.stringify({'end-user': 'jason'})].sort());
  });
  test('callers: the ServiceAccount a policy names (with its pod labels), a sourceLabels caller, one unnamed identity, plaintext, ingress — in both modes', () => {
    const callers = new Set(classes.map(c => `${c.caller.kind}:${c.caller.namespace}/${c.caller.serviceAccount ?? '-'}@${c.caller.mode}`));
    assert.deepEqual([...callers].sort(), [
      `ingress:istio-system/istio-ingressgateway-service-account@gateway`,
      `other:${OTHER_NAMESPACE}/default@ambient`,
      `other:${OTHER_NAMESPACE}/default@sidecar`,
      `plaintext:${OTHER_NAMESPACE}/-@none`,
      'workload:front/web@ambient',
      'workload:front/web@sidecar',
    ]);
    assert.ok(classes.some(c => c.caller.serviceAccount === 'web' && c.caller.labels?.app === 'web'), 'the caller carries its pods labels for sourceLabels');
  });
  test('no duplicates', () => assert.equal(new Set(classes.map(c => c.id)).size, classes.length));
  test('the same configuration twice gives the same set', () => {
    const w = World.fromInventory(cluster(base));
    assert.equal(requestClasses([w, w], {namespaces: ['shop']}).length, classes.length);
  });
  test('more pods, same classes', () => {
    const scaled = base.replace(/replicas: 1/g, 'replicas: 7');
    assert.equal(requestClasses(World.fromInventory(cluster(scaled)), {namespaces: ['shop']}).length, classes.length);
  });
  test('an opaque TCP port gets classes without HTTP attributes', () => {
    const tcp = join(ns('db'), yaml.dump({apiVersion: 'v1', kind: 'Service', metadata: {name: 'db', namespace: 'db'}, spec: {selector: {app: 'db'}, ports: [{name: 'tcp-db', port: 5432}]}}));
    const cs = requestClasses(World.fromInventory(cluster(tcp)), {namespaces: ['db']});
    assert.ok(cs.length > 0 && cs.every(c => c.http === undefined));
  });
  test('regex samples: a string the regex fully matches, or nothing', () => {
    assert.equal(sampleRegex('/items/.*'), '/items/');
    assert.equal(sampleRegex('^/v1/users$'), '/v1/users');
    assert.equal(sampleRegex('/a(b|c)'), undefined);
  });
});
