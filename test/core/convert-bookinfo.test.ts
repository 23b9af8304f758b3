import {test} from 'node:test';
import assert from 'node:assert/strict';
import {readFileSync, readdirSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import yaml from 'js-yaml';
import {convertVirtualService} from '../../source/core/convert/virtual-service.ts';
import {versionServices} from '../../source/core/convert/subsets.ts';
import {checkHttpRoute} from '../../source/core/convert/httproute-rules.ts';
import {compileSchema} from '../../source/sim/schema-validation.ts';
import type {KubeObject} from '../../source/kube/client.ts';

// Ground truth: Istio ships each Bookinfo routing sample as a VirtualService (networking/) and as an HTTPRoute
// (gateway-api/); reference README "Pairs table A". The converted route must mean the same as Istio's own.

const BOOKINFO = fileURLToPath(new URL('../../../shared/reference/istio/samples/bookinfo/', import.meta.url));
const HTTPROUTE_CRD = fileURLToPath(new URL('../../fixtures/crds/gateway-api/gateway.networking.k8s.io_httproutes.yaml', import.meta.url));

function load(path: string): KubeObject[] {
  return (yaml.loadAll(readFileSync(BOOKINFO + path, 'utf8')) as KubeObject[])
    .filter(d => d && typeof d === 'object')
    .map(d => ({...d, metadata: {namespace: 'default', ...d.metadata}}));
}
const ofKind = (path: string, kind: string) => load(path).filter(d => d.kind === kind);

const SERVICES = ofKind('platform/kube/bookinfo.yaml', 'Service');
const lookup = (namespace: string, name: string) => SERVICES.find(s => s.metadata.namespace === namespace && s.metadata.name === name);
const VERSIONS = ofKind('platform/kube/bookinfo-versions.yaml', 'Service');

const crd = yaml.load(readFileSync(HTTPROUTE_CRD, 'utf8')) as any;
const validator = compileSchema(crd.spec.versions.find((v: any) => v.name === 'v1').schema.openAPIV3Schema);

/** Checked against the CRD schema and CEL rules; what the API server would store, minus what the converter adds on purpose (labels, annotations, namespace). */
function stored(route: KubeObject): unknown {
  const outcome = validator.validate(structuredClone(route));
  assert.deepEqual(outcome.causes, [], `${route.metadata.name}: ${JSON.stringify(outcome.causes)}`);
  assert.deepEqual(outcome.unknownFields, []);
  assert.deepEqual(checkHttpRoute(route), [], route.metadata.name);
  return {apiVersion: outcome.object.apiVersion, kind: outcome.object.kind, name: outcome.object.metadata.name, spec: outcome.object.spec};
}

/** The istio.io request-routing task's HTTPRoute (snips.sh, not copied; described in the reference README). */
const TEST_V2: KubeObject = {
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'HTTPRoute',
  metadata: {name: 'reviews'},
  spec: {
    parentRefs: [{group: '', kind: 'Service', name: 'reviews', port: 9080}],
    rules: [
      {matches: [{headers: [{name: 'end-user', value: 'jason'}]}], backendRefs: [{name: 'reviews-v2', port: 9080}]},
      {backendRefs: [{name: 'reviews-v1', port: 9080}]},
    ],
  },
};

const PAIRS: Array<{name: string; vs: KubeObject[]; rules: string; expected: KubeObject[]}> = [
  {name: 'all-v1', vs: ofKind('networking/virtual-service-all-v1.yaml', 'VirtualService'), rules: 'networking/destination-rule-all.yaml', expected: ofKind('gateway-api/route-all-v1.yaml', 'HTTPRoute')},
  {
    name: 'reviews-v1',
    vs: ofKind('networking/virtual-service-all-v1.yaml', 'VirtualService').filter(v => v.metadata.name === 'reviews'),
    rules: 'networking/destination-rule-all.yaml',
    expected: ofKind('gateway-api/route-reviews-v1.yaml', 'HTTPRoute'),
  },
  {name: '90-10', vs: ofKind('networking/virtual-service-reviews-90-10.yaml', 'VirtualService'), rules: 'networking/destination-rule-reviews.yaml', expected: ofKind('gateway-api/route-reviews-90-10.yaml', 'HTTPRoute')},
  {name: '50-v3', vs: ofKind('networking/virtual-service-reviews-50-v3.yaml', 'VirtualService'), rules: 'networking/destination-rule-all.yaml', expected: ofKind('gateway-api/route-reviews-50-v3.yaml', 'HTTPRoute')},
  {name: 'v3', vs: ofKind('networking/virtual-service-reviews-v3.yaml', 'VirtualService'), rules: 'networking/destination-rule-all.yaml', expected: ofKind('gateway-api/route-reviews-v3.yaml', 'HTTPRoute')},
  {name: 'test-v2', vs: ofKind('networking/virtual-service-reviews-test-v2.yaml', 'VirtualService'), rules: 'networking/destination-rule-all.yaml', expected: [TEST_V2]},
];

test('the pairs table is complete: every Istio gateway-api route file is a pair here', () => {
  const files = readdirSync(`${BOOKINFO}gateway-api`).filter(f => f.startsWith('route-'));
  assert.deepEqual(files.sort(), ['route-all-v1.yaml', 'route-reviews-50-v3.yaml', 'route-reviews-90-10.yaml', 'route-reviews-v1.yaml', 'route-reviews-v3.yaml']);
  assert.equal(PAIRS.reduce((n, p) => n + p.expected.length, 0), 9);
});

for (const pair of PAIRS) {
  test(`bookinfo ${pair.name}: the HTTPRoutes equal Istio's own after CRD defaulting`, () => {
    const conversions = pair.vs.map(v => convertVirtualService(v, lookup));
    for (const c of conversions) {
      assert.deepEqual(c.untranslatable, [], c.source.name);
      assert.deepEqual(c.warnings, [], c.source.name);
    }
    const routes = conversions.flatMap(c => c.routes);
    assert.equal(routes.length, pair.expected.length);
    for (const expected of pair.expected) {
      const route = routes.find(r => r.metadata.name === expected.metadata.name);
      assert.ok(route, `no route ${expected.metadata.name}`);
      assert.deepEqual(stored(route), stored(expected));
    }
  });

  test(`bookinfo ${pair.name}: the version Services equal bookinfo-versions.yaml (name, selector, ports)`, () => {
    const requests = pair.vs.flatMap(v => convertVirtualService(v, lookup).subsets);
    const result = versionServices(requests, ofKind(pair.rules, 'DestinationRule'), lookup);
    assert.deepEqual(result.problems, []);
    assert.equal(result.services.length, new Set(requests.map(r => r.backendName)).size);
    for (const {service} of result.services) {
      const upstream = VERSIONS.find(v => v.metadata.name === service.metadata.name);
      assert.ok(upstream, `bookinfo-versions.yaml has no ${service.metadata.name}`);
      assert.deepEqual(service.spec, upstream.spec);
      assert.equal(service.metadata.labels?.['app.kubernetes.io/managed-by'], 'ambient-migrate');
    }
  });
}

test('bookinfo 90-10: the rule-level RANDOM load balancer moves to DestinationRules for reviews-v1 and reviews-v2', () => {
  const [vs] = ofKind('networking/virtual-service-reviews-90-10.yaml', 'VirtualService');
  const result = versionServices(convertVirtualService(vs!, lookup).subsets, ofKind('networking/destination-rule-reviews.yaml', 'DestinationRule'), lookup);
  assert.deepEqual(
    result.destinationRules.map(d => [d.destinationRule.metadata.name, d.destinationRule.spec]),
    [
      ['reviews-v1', {host: 'reviews-v1', trafficPolicy: {loadBalancer: {simple: 'RANDOM'}}}],
      ['reviews-v2', {host: 'reviews-v2', trafficPolicy: {loadBalancer: {simple: 'RANDOM'}}}],
    ],
  );
  // destination-rule-all has no traffic policy and destination-rule-all-mtls only ISTIO_MUTUAL, which ambient gives anyway.
  for (const file of ['networking/destination-rule-all.yaml', 'networking/destination-rule-all-mtls.yaml']) {
    assert.deepEqual(versionServices(convertVirtualService(vs!, lookup).subsets, ofKind(file, 'DestinationRule'), lookup).destinationRules, [], file);
  }
});

test('bookinfo-gateway: the ingress-only VirtualService yields nothing and reports nothing', () => {
  for (const vs of ofKind('networking/bookinfo-gateway.yaml', 'VirtualService')) {
    assert.deepEqual(convertVirtualService(vs, lookup), {source: {namespace: 'default', name: vs.metadata.name}, routes: [], subsets: [], untranslatable: [], warnings: []});
  }
});

for (const file of ['fault-injection-details-v1.yaml', 'virtual-service-ratings-test-abort.yaml', 'virtual-service-ratings-test-delay.yaml']) {
  test(`bookinfo ${file}: fault injection yields no route and reports spec.http[0].fault`, () => {
    const [vs] = ofKind(`networking/${file}`, 'VirtualService');
    const c = convertVirtualService(vs!, lookup);
    assert.deepEqual(c.routes, []);
    assert.deepEqual(c.subsets, []);
    assert.deepEqual(c.untranslatable.map(u => u.path), ['spec.http[0].fault']);
  });
}

test('every other Bookinfo mesh VirtualService converts to schema-valid routes whose subsets all become Services', () => {
  const rules = ofKind('networking/destination-rule-all.yaml', 'DestinationRule');
  let converted = 0;
  for (const file of readdirSync(`${BOOKINFO}networking`).filter(f => f.startsWith('virtual-service-') && !f.includes('test-abort') && !f.includes('test-delay'))) {
    for (const vs of ofKind(`networking/${file}`, 'VirtualService')) {
      const c = convertVirtualService(vs, lookup);
      assert.deepEqual(c.untranslatable, [], `${file} ${vs.metadata.name}`);
      assert.ok(c.routes.length === 1, file);
      c.routes.forEach(stored);
      assert.deepEqual(versionServices(c.subsets, rules, lookup).problems, [], file);
      converted++;
    }
  }
  assert.ok(converted >= 14, String(converted));
});
