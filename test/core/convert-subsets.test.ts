import {test} from 'node:test';
import assert from 'node:assert/strict';
import {versionServices} from '../../source/core/convert/subsets.ts';
import {convertVirtualService} from '../../source/core/convert/virtual-service.ts';
import type {KubeObject} from '../../source/kube/client.ts';
import {REFERENCE, loadYaml, service, serviceLookup, validateDestinationRule} from './convert-fixtures.ts';

// DestinationRule subsets as per-version Services (Bookinfo ground truth is in convert-bookinfo.test.ts).

const ANALYZERS = `${REFERENCE}istio/pkg/config/analysis/analyzers/testdata/`;

const reviews: KubeObject = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: {name: 'reviews', namespace: 'shop', labels: {app: 'reviews', 'istio.io/use-waypoint': 'waypoint'}},
  spec: {
    type: 'NodePort',
    selector: {app: 'reviews'},
    ports: [
      {name: 'http', port: 9080, targetPort: 'web', protocol: 'TCP', appProtocol: 'http', nodePort: 30080},
      {name: 'grpc', port: 9090, targetPort: 9090},
    ],
  },
};
const services = [reviews, service('shop', 'bare', [80], {}), service('shop', 'reviews-v9', [9080], {app: 'other'})];
const lookup = serviceLookup(services);

function dr(spec: Record<string, unknown>, name = 'reviews', namespace = 'shop'): KubeObject {
  return {apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: {name, namespace}, spec: {host: 'reviews', ...spec}};
}
const use = (subset: string, name = 'reviews') => ({service: {namespace: 'shop', name}, subset, backendName: `${name}-${subset}`});
const V1 = {name: 'v1', labels: {version: 'v1'}};
const problemsOf = (r: ReturnType<typeof versionServices>) => r.problems.map(p => [p.resource.kind, p.resource.name, p.path]);

test('a version Service: selector = base ∪ subset labels, same ports (no nodePort), base labels + managed-by, version-of annotation', () => {
  const r = versionServices([use('v1')], [dr({subsets: [V1]})], lookup);
  assert.deepEqual(r.problems, []);
  assert.deepEqual(r.services, [
    {
      service: {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: {
          name: 'reviews-v1',
          namespace: 'shop',
          labels: {app: 'reviews', 'istio.io/use-waypoint': 'waypoint', 'app.kubernetes.io/managed-by': 'ambient-migrate'},
          annotations: {'ambient-migrate.io/version-of': 'reviews/v1'},
        },
        spec: {
          selector: {app: 'reviews', version: 'v1'},
          ports: [
            {name: 'http', protocol: 'TCP', appProtocol: 'http', port: 9080, targetPort: 'web'},
            {name: 'grpc', port: 9090, targetPort: 9090},
          ],
        },
      },
      source: {destinationRule: 'shop/reviews', host: 'reviews', subset: 'v1'},
    },
  ]);
  assert.deepEqual(r.destinationRules, []);
});

test('requests for the same version Service give it once; a FQDN DestinationRule host counts', () => {
  const rule = dr({host: 'reviews.shop.svc.cluster.local', subsets: [V1]});
  const r = versionServices([use('v1'), use('v1')], [rule], lookup);
  assert.deepEqual(r.services.map(s => s.service.metadata.name), ['reviews-v1']);
});

test('reported, not guessed: no DestinationRule, no such subset, no labels, base Service without selector, conflicting label', () => {
  assert.deepEqual(problemsOf(versionServices([use('v1')], [], lookup)), [['Service', 'reviews', 'metadata.name']]);
  assert.deepEqual(problemsOf(versionServices([use('v2')], [dr({subsets: [V1]})], lookup)), [['DestinationRule', 'reviews', 'spec.subsets']]);
  assert.deepEqual(problemsOf(versionServices([use('all')], [dr({subsets: [{name: 'all'}]})], lookup)), [['DestinationRule', 'reviews', 'spec.subsets[0].labels']]);
  assert.deepEqual(problemsOf(versionServices([use('v1', 'bare')], [dr({host: 'bare', subsets: [V1]}, 'bare')], lookup)), [['Service', 'bare', 'spec.selector']]);
  assert.deepEqual(problemsOf(versionServices([use('x')], [dr({subsets: [{name: 'x', labels: {app: 'ratings'}}]})], lookup)), [['DestinationRule', 'reviews', 'spec.subsets[0].labels.app']]);
  assert.deepEqual(problemsOf(versionServices([use('v1', 'nope')], [], lookup)), [['Service', 'nope', 'metadata.name']]);
});

test('reported: a version Service name over 63 characters, or an existing Service of that name with another selector', () => {
  const long = 'v'.repeat(60);
  assert.deepEqual(problemsOf(versionServices([use(long)], [dr({subsets: [{name: long, labels: {version: 'x'}}]})], lookup)), [['DestinationRule', 'reviews', 'spec.subsets[0]']]);
  assert.deepEqual(problemsOf(versionServices([use('v9')], [dr({subsets: [{name: 'v9', labels: {version: 'v9'}}]})], lookup)), [['Service', 'reviews-v9', 'spec.selector']]);
});

test('an existing version Service with the same selector and ports is reused, not created again', () => {
  const existing = {...reviews, metadata: {name: 'reviews-v1', namespace: 'shop'}, spec: {selector: {app: 'reviews', version: 'v1'}, ports: reviews.spec.ports}};
  const r = versionServices([use('v1')], [dr({subsets: [V1]})], serviceLookup([...services, existing]));
  assert.deepEqual([r.services, r.problems], [[], []]);
});

test('Istio analyzer fixture: subsets on node topology labels cannot be selectors; plain labels can', () => {
  const docs = loadYaml(`${ANALYZERS}destinationrule-subsets-with-topology-labels.yaml`);
  const rules = docs.filter(d => d.kind === 'DestinationRule');
  const use = (subset: string) => ({service: {namespace: 'default', name: 'httpbin'}, subset, backendName: `httpbin-${subset}`});
  const r = versionServices(['region-us-west', 'zone-us-west-1a', 'app-v1', 'mixed-labels'].map(use), rules, serviceLookup(docs.filter(d => d.kind === 'Service')));
  assert.deepEqual(
    r.problems.map(p => p.path),
    ['spec.subsets[0].labels.topology.kubernetes.io/region', 'spec.subsets[1].labels.topology.kubernetes.io/zone', 'spec.subsets[3].labels.topology.kubernetes.io/region'],
  );
  assert.deepEqual(r.services.map(s => [s.service.metadata.name, s.service.spec]), [['httpbin-app-v1', {selector: {app: 'httpbin', version: 'v1'}, ports: [{name: 'http', port: 8000}]}]]);
});

test('Istio analyzer fixture: the VirtualServices naming a bogus subset (route or mirror) are the ones reported', () => {
  const docs = loadYaml(`${ANALYZERS}virtualservice_destinationrules.yaml`);
  const rules = docs.filter(d => d.kind === 'DestinationRule');
  const lookupDefault = serviceLookup([service('default', 'reviews', [9080])]);
  const reported = docs
    .filter(d => d.kind === 'VirtualService')
    .filter(vs => {
      const c = convertVirtualService({...vs, spec: {hosts: ['reviews'], ...vs.spec}}, lookupDefault);
      assert.deepEqual(c.untranslatable, [], vs.metadata.name);
      return versionServices(c.subsets, rules, lookupDefault).problems.length > 0;
    })
    .map(vs => vs.metadata.name);
  assert.deepEqual(reported, ['reviews-bogussubset', 'reviews-mirror-bogussubset']);
});

test('a subset defined only in another namespace is used when all definitions agree, reported when they differ', () => {
  const elsewhere = (ns: string, version: string) => dr({host: 'reviews.shop.svc.cluster.local', subsets: [{name: 'v1', labels: {version}}]}, 'client-side', ns);
  const agree = versionServices([use('v1')], [elsewhere('a', 'v1'), elsewhere('b', 'v1')], lookup);
  assert.deepEqual(agree.problems, []);
  assert.equal(agree.services[0]!.source.destinationRule, 'a/client-side');
  assert.deepEqual(problemsOf(versionServices([use('v1')], [elsewhere('a', 'v1'), elsewhere('b', 'one')], lookup)), [['DestinationRule', 'client-side', 'spec.subsets[0].labels']]);
  // The Service's own namespace wins over the others.
  const local = versionServices([use('v1')], [elsewhere('a', 'x'), dr({subsets: [V1]})], lookup);
  assert.deepEqual(local.services[0]!.service.spec.selector, {app: 'reviews', version: 'v1'});
});

// --- Traffic policy: carried by a DestinationRule for the version Service ------------------------------

const policyOf = (r: ReturnType<typeof versionServices>) => r.destinationRules.map(d => d.destinationRule.spec.trafficPolicy);

test('trafficPolicy: top-level overlaid field by field by the subset’s; ISTIO_MUTUAL tls left out (ambient mTLS)', () => {
  const rule = dr({
    trafficPolicy: {loadBalancer: {simple: 'RANDOM'}, connectionPool: {tcp: {maxConnections: 10}}, tls: {mode: 'ISTIO_MUTUAL'}},
    subsets: [{...V1, trafficPolicy: {connectionPool: {http: {http2MaxRequests: 5}}}}],
  });
  const r = versionServices([use('v1')], [rule], lookup);
  assert.deepEqual(r.problems, []);
  assert.deepEqual(r.destinationRules[0]!.destinationRule.metadata, {
    name: 'reviews-v1',
    namespace: 'shop',
    labels: {'app.kubernetes.io/managed-by': 'ambient-migrate'},
    annotations: {'ambient-migrate.io/version-of': 'reviews/v1'},
  });
  assert.deepEqual(r.destinationRules[0]!.destinationRule.spec, {host: 'reviews-v1', trafficPolicy: {loadBalancer: {simple: 'RANDOM'}, connectionPool: {http: {http2MaxRequests: 5}}}});
  assert.deepEqual(validateDestinationRule(r.destinationRules[0]!.destinationRule).causes, []);
});

test('trafficPolicy: top-level portLevelSettings stay, minus what the subset overrides; a subset’s own portLevelSettings are reported', () => {
  const ports = [{port: {number: 9080}, loadBalancer: {simple: 'ROUND_ROBIN'}, connectionPool: {tcp: {maxConnections: 1}}}];
  const r = versionServices([use('v1')], [dr({trafficPolicy: {portLevelSettings: ports}, subsets: [{...V1, trafficPolicy: {loadBalancer: {simple: 'RANDOM'}}}]})], lookup);
  assert.deepEqual(policyOf(r), [{loadBalancer: {simple: 'RANDOM'}, portLevelSettings: [{port: {number: 9080}, connectionPool: {tcp: {maxConnections: 1}}}]}]);
  assert.deepEqual(validateDestinationRule(r.destinationRules[0]!.destinationRule).causes, []);
  const own = versionServices([use('v1')], [dr({subsets: [{...V1, trafficPolicy: {portLevelSettings: ports}}]})], lookup);
  assert.deepEqual(problemsOf(own), [['DestinationRule', 'reviews', 'spec.subsets[0].trafficPolicy.portLevelSettings']]);
  assert.equal(own.services.length, 1, 'the Service itself is fine');
});

test('trafficPolicy: an existing DestinationRule for the version host with the same policy is kept; another policy is reported', () => {
  const rule = dr({trafficPolicy: {loadBalancer: {simple: 'RANDOM'}}, subsets: [V1]});
  const same = dr({host: 'reviews-v1', trafficPolicy: {loadBalancer: {simple: 'RANDOM'}}}, 'reviews-v1');
  assert.deepEqual(versionServices([use('v1')], [rule, same], lookup).destinationRules, []);
  const other = dr({host: 'reviews-v1', trafficPolicy: {loadBalancer: {simple: 'LEAST_REQUEST'}}}, 'reviews-v1');
  assert.deepEqual(problemsOf(versionServices([use('v1')], [rule, other], lookup)), [['DestinationRule', 'reviews-v1', 'spec.trafficPolicy']]);
});

test('determinism: the same requests give byte-identical output', () => {
  const run = () => versionServices([use('v1'), use('v2')], [dr({trafficPolicy: {loadBalancer: {simple: 'RANDOM'}}, subsets: [V1, {name: 'v2', labels: {version: 'v2'}}]})], lookup);
  assert.equal(JSON.stringify(run()), JSON.stringify(run()));
});

test('a subset label that is not a valid Kubernetes label is a problem, not a version Service the API server refuses (found by npm run fuzz)', () => {
  for (const labels of [{'/': 'a'}, {'/api': 'v1'}, {version: 'v 1'}, {version: 'x'.repeat(64)}]) {
    const r = versionServices([use('v1')], [dr({subsets: [{name: 'v1', labels}]})], lookup);
    assert.deepEqual(r.services, [], JSON.stringify(labels));
    assert.deepEqual(problemsOf(r), [['DestinationRule', 'reviews', `spec.subsets[0].labels.${Object.keys(labels)[0]}`]]);
  }
});

test("the version DestinationRule's name must be free: a rule of that name for another host is a problem (found by npm run fuzz)", () => {
  const other = dr({host: 'ratings'}, 'reviews-v1');
  const r = versionServices([use('v1')], [dr({subsets: [{...V1, trafficPolicy: {loadBalancer: {simple: 'ROUND_ROBIN'}}}]})], lookup, (ns, name) => (ns === 'shop' && name === 'reviews-v1' ? other : undefined));
  assert.deepEqual(r.destinationRules, []);
  assert.deepEqual(problemsOf(r), [['DestinationRule', 'reviews-v1', 'metadata.name']]);
});
