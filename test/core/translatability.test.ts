import {test} from 'node:test';
import assert from 'node:assert/strict';
import {readFileSync, readdirSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import yaml from 'js-yaml';
import {analyzeVirtualService, parseServiceHost, HTTPROUTE_METHODS, REDIRECT_STATUS_CODES} from '../../source/core/routes/translatability.ts';
import type {KubeObject} from '../../source/kube/client.ts';

const ISTIO = fileURLToPath(new URL('../../../shared/reference/istio/', import.meta.url));
const BOOKINFO = `${ISTIO}samples/bookinfo/networking/`;
const GATEWAY_GOLDENS = `${ISTIO}pilot/pkg/config/kube/gateway/testdata/`;
const HTTPROUTE_CRD = fileURLToPath(new URL('../../fixtures/crds/gateway-api/gateway.networking.k8s.io_httproutes.yaml', import.meta.url));

function loadAll(path: string): any[] {
  return (yaml.loadAll(readFileSync(path, 'utf8')) as any[]).filter(d => d && typeof d === 'object');
}

const virtualServices = (path: string): KubeObject[] => loadAll(path).filter(d => d.kind === 'VirtualService');

function vs(spec: object, namespace = 'shop'): KubeObject {
  return {apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: {name: 'r', namespace}, spec: {hosts: ['reviews'], ...spec}};
}

/** One HTTP rule routed to reviews, with the given extra fields. */
const rule = (fields: object = {}) => vs({http: [{route: [{destination: {host: 'reviews'}}], ...fields}]});
const untranslatable = (o: KubeObject) => analyzeVirtualService(o).untranslatable.map(f => f.path);
const warnings = (o: KubeObject) => analyzeVirtualService(o).semanticWarnings.map(f => f.path);

// --- CRD facts the rules rely on (v1.6.1 standard channel, as installed) ---------------------------------

test('HTTPRoute v1.6.1 standard CRD: no retry; timeouts, CORS, mirror percent/fraction and 5 redirect codes exist', () => {
  const crd = loadAll(HTTPROUTE_CRD)[0];
  assert.equal(crd.metadata.annotations['gateway.networking.k8s.io/channel'], 'standard');
  assert.equal(crd.metadata.annotations['gateway.networking.k8s.io/bundle-version'], 'v1.6.1');
  const v1 = crd.spec.versions.find((v: any) => v.name === 'v1');
  const rule = v1.schema.openAPIV3Schema.properties.spec.properties.rules.items.properties;
  assert.deepEqual(Object.keys(rule).sort(), ['backendRefs', 'filters', 'matches', 'name', 'timeouts']);
  const filter = rule.filters.items.properties;
  assert.ok(filter.type.enum.includes('CORS'));
  assert.ok(filter.requestMirror.properties.percent && filter.requestMirror.properties.fraction);
  assert.deepEqual(filter.requestRedirect.properties.statusCode.enum, REDIRECT_STATUS_CODES);
  assert.deepEqual(rule.matches.items.properties.method.enum, HTTPROUTE_METHODS);
  assert.deepEqual(rule.matches.items.properties.headers.items.properties.type.enum, ['Exact', 'RegularExpression']);
});

// --- Bookinfo -------------------------------------------------------------------------------------------

const BOOKINFO_EXPECTED: Record<string, string[]> = {
  'fault-injection-details-v1.yaml': ['spec.http[0].fault'],
  'virtual-service-ratings-test-abort.yaml': ['spec.http[0].fault'],
  'virtual-service-ratings-test-delay.yaml': ['spec.http[0].fault'],
  // Port-rewrite VS for an external ServiceEntry host (reference README: no Gateway API equivalent).
  'egress-rule-google-apis.yaml': ['spec.hosts[0]', 'spec.http[0].match[0].port', 'spec.http[0].route[0].destination.host'],
};

for (const file of readdirSync(BOOKINFO).filter(f => f.endsWith('.yaml'))) {
  for (const route of virtualServices(BOOKINFO + file)) {
    test(`bookinfo ${file} (${route.metadata.name}): untranslatable ${JSON.stringify(BOOKINFO_EXPECTED[file] ?? [])}`, () => {
      assert.deepEqual(untranslatable(route), BOOKINFO_EXPECTED[file] ?? []);
    });
  }
}

test('bookinfo-gateway: the bookinfo VS is ingress-only, and its two prefixes carry the PathPrefix warning', () => {
  const [bookinfo] = virtualServices(`${BOOKINFO}bookinfo-gateway.yaml`);
  const a = analyzeVirtualService(bookinfo!);
  assert.equal(a.ingressOnly, true);
  assert.equal(a.mesh, false);
  assert.deepEqual(warnings(bookinfo!), ['spec.http[0].match[1].uri.prefix', 'spec.http[0].match[4].uri.prefix']);
});

test('bookinfo mesh routes (all-v1, 90-10, jason-v2-v3) are mesh, not ingress, with no semantic warnings', () => {
  for (const file of ['virtual-service-all-v1.yaml', 'virtual-service-reviews-90-10.yaml', 'virtual-service-reviews-jason-v2-v3.yaml']) {
    for (const route of virtualServices(BOOKINFO + file)) {
      const a = analyzeVirtualService(route);
      assert.equal(a.mesh, true, file);
      assert.equal(a.ingressOnly, false, file);
      assert.deepEqual(a.semanticWarnings, [], file);
    }
  }
});

test('bookinfo 90-10: subsets v1 and v2 of reviews are reported with their paths', () => {
  const [route] = virtualServices(`${BOOKINFO}virtual-service-reviews-90-10.yaml`);
  assert.deepEqual(analyzeVirtualService(route!).subsetsUsed, [
    {host: 'reviews', subset: 'v1', path: 'spec.http[0].route[0].destination.subset'},
    {host: 'reviews', subset: 'v2', path: 'spec.http[0].route[1].destination.subset'},
  ]);
});

// --- Istio's own HTTPRoute -> VirtualService goldens: translatable by construction ------------------------

test('VirtualServices istiod generated from HTTPRoutes are translatable, except experimental retry, parentRef ports and TCP/TLS', () => {
  const allowed = [/\.retries$/, /\.match\[\d+\]\.port$/, /^spec\.(tcp|tls)\[\d+\]$/];
  let checked = 0;
  for (const file of ['http.yaml.golden', 'mesh.yaml.golden', 'weighted.yaml.golden', 'zero.yaml.golden', 'route-precedence.yaml.golden']) {
    for (const route of virtualServices(GATEWAY_GOLDENS + file)) {
      checked++;
      for (const path of untranslatable(route)) assert.ok(allowed.some(re => re.test(path)), `${file} ${route.metadata.name}: ${path}`);
    }
  }
  assert.ok(checked >= 25, `${checked} VirtualServices`);
});

test('golden route-precedence: a VS already in HTTPRoute precedence order gets no ordering warning', () => {
  for (const route of virtualServices(`${GATEWAY_GOLDENS}route-precedence.yaml.golden`)) {
    assert.deepEqual(analyzeVirtualService(route).semanticWarnings.filter(w => w.reason.includes('precedence')), [], route.metadata.name);
  }
});

test('golden route-precedence reversed: the more specific later matches are flagged', () => {
  const route = virtualServices(`${GATEWAY_GOLDENS}route-precedence.yaml.golden`).find(v => v.metadata.name.endsWith('a.domain.example'))!;
  const reversed = {...route, spec: {...route.spec, http: [...route.spec.http].reverse()}};
  const flagged = analyzeVirtualService(reversed).semanticWarnings.filter(w => w.reason.includes('precedence'));
  assert.ok(flagged.length >= 5, JSON.stringify(flagged.map(f => f.path)));
});

test('golden zero: a bare directResponse 500 is what Istio makes of an all-zero-weight rule: a warning, not untranslatable', () => {
  const route = virtualServices(`${GATEWAY_GOLDENS}zero.yaml.golden`).find(v => v.spec.http)!;
  assert.ok(warnings(route).includes('spec.http[1].directResponse'));
  assert.ok(!untranslatable(route).includes('spec.http[1].directResponse'));
});

// --- Route-level fields ----------------------------------------------------------------------------------

test('fault, delegate and a directResponse with a body are untranslatable', () => {
  assert.deepEqual(untranslatable(rule({fault: {abort: {httpStatus: 503, percentage: {value: 10}}}})), ['spec.http[0].fault']);
  assert.deepEqual(untranslatable(vs({http: [{delegate: {name: 'child', namespace: 'shop'}}]})), ['spec.http[0].delegate']);
  assert.deepEqual(untranslatable(vs({http: [{directResponse: {status: 404, body: {string: 'gone'}}}]})), ['spec.http[0].directResponse']);
  assert.deepEqual(untranslatable(vs({http: [{directResponse: {status: 503}}]})), ['spec.http[0].directResponse']);
});

test('a delegate child (no hosts) is untranslatable; twin: with hosts it is fine', () => {
  assert.deepEqual(untranslatable(vs({hosts: [], http: [{route: [{destination: {host: 'reviews'}}]}]})), ['spec.hosts']);
  assert.deepEqual(untranslatable(rule()), []);
});

test('rewrite.uriRegexRewrite is untranslatable; twin: match /.* is Istio’s ReplaceFullPath', () => {
  assert.deepEqual(untranslatable(rule({rewrite: {uriRegexRewrite: {match: '^/service/([^/]+)(.*)$', rewrite: '/\\2/instance/\\1'}}})), ['spec.http[0].rewrite.uriRegexRewrite']);
  assert.deepEqual(untranslatable(rule({rewrite: {uriRegexRewrite: {match: '/.*', rewrite: '/replacement'}}})), []);
});

test('retries are untranslatable on the standard channel (retry is experimental in v1.6.1), retryOn classes named', () => {
  const a = analyzeVirtualService(rule({retries: {attempts: 3, perTryTimeout: '2s', retryOn: 'gateway-error,connect-failure,503'}}));
  assert.deepEqual(a.untranslatable.map(f => f.path), ['spec.http[0].retries']);
  assert.match(a.untranslatable[0]!.reason, /experimental/);
  assert.match(a.untranslatable[0]!.reason, /retryOn gateway-error /);
  assert.deepEqual(untranslatable(rule({retries: {attempts: 0}})), ['spec.http[0].retries']);
});

test('retries twin: timeout maps to timeouts.request (standard channel)', () => {
  assert.deepEqual(untranslatable(rule({timeout: '5s'})), []);
});

test('mirrorPercentage and mirrors[].percentage map to RequestMirror percent/fraction (standard)', () => {
  assert.deepEqual(untranslatable(rule({mirror: {host: 'reviews-shadow'}, mirrorPercentage: {value: 0.5}})), []);
  assert.deepEqual(untranslatable(rule({mirrors: [{destination: {host: 'reviews-shadow'}, percentage: {value: 10}}]})), []);
});

test('mirror twin: a mirror to an external host is untranslatable', () => {
  assert.deepEqual(untranslatable(rule({mirror: {host: 'shadow.example.com'}})), ['spec.http[0].mirror.host']);
  assert.deepEqual(untranslatable(rule({mirrors: [{destination: {host: '*.example.com'}}]})), ['spec.http[0].mirrors[0].destination.host']);
});

test('destination headers map to per-backend header filters: fine', () => {
  const r = vs({http: [{route: [{destination: {host: 'reviews'}, headers: {request: {set: {'x-a': 'b'}}, response: {remove: ['x-c']}}}], headers: {request: {add: {'x-d': 'e'}}}}]});
  assert.deepEqual(untranslatable(r), []);
  assert.deepEqual(warnings(r), []);
});

// --- Redirects ------------------------------------------------------------------------------------------

const redirect = (r: object) => vs({http: [{match: [{uri: {exact: '/old'}}], redirect: {uri: '/new', ...r}}]});

test('redirect codes: 303/307/308 are in the v1.6.1 statusCode enum; 300 is not', () => {
  for (const code of [301, 302, 303, 307, 308]) assert.deepEqual(untranslatable(redirect({redirectCode: code})), [], String(code));
  assert.deepEqual(untranslatable(redirect({redirectCode: 300})), ['spec.http[0].redirect.redirectCode']);
});

test('a redirect without redirectCode warns: 301 in a VirtualService, 302 in HTTPRoute', () => {
  assert.deepEqual(warnings(redirect({})), ['spec.http[0].redirect']);
  assert.deepEqual(warnings(redirect({redirectCode: 301})), []);
});

test('redirect.derivePort: FROM_REQUEST_PORT must not have a scheme; FROM_PROTOCOL_DEFAULT converts with or without one', () => {
  assert.deepEqual(untranslatable(redirect({redirectCode: 301, derivePort: 'FROM_PROTOCOL_DEFAULT'})), []);
  assert.deepEqual(untranslatable(redirect({redirectCode: 301, scheme: 'https', derivePort: 'FROM_PROTOCOL_DEFAULT'})), []);
  assert.deepEqual(untranslatable(redirect({redirectCode: 301, scheme: 'https', derivePort: 'FROM_REQUEST_PORT'})), ['spec.http[0].redirect.derivePort']);
  assert.deepEqual(untranslatable(redirect({redirectCode: 301, derivePort: 'FROM_REQUEST_PORT'})), []);
});

test('redirect scheme must be http or https', () => {
  assert.deepEqual(untranslatable(redirect({redirectCode: 301, scheme: 'ftp'})), ['spec.http[0].redirect.scheme']);
  assert.deepEqual(untranslatable(redirect({redirectCode: 301, scheme: 'https', port: 8443})), []);
});

// --- CORS -----------------------------------------------------------------------------------------------

test('corsPolicy maps to the CORS filter (standard in v1.6.1); unmatchedPreflights other than IGNORE warns', () => {
  const cors = {allowOrigins: [{exact: 'https://example.com'}, {exact: 'https://*.example.com:8443'}], allowMethods: ['GET', 'POST'], maxAge: '24h'};
  assert.deepEqual(untranslatable(rule({corsPolicy: cors})), []);
  assert.deepEqual(warnings(rule({corsPolicy: cors})), ['spec.http[0].corsPolicy']);
  assert.deepEqual(warnings(rule({corsPolicy: {...cors, unmatchedPreflights: 'IGNORE'}})), []);
});

test('CORS twin: regex/prefix origins and non-standard methods are untranslatable; Istio’s own wildcard regexes are not', () => {
  const cors = {allowOrigins: [{regex: 'https://.*\\.example\\.(com|org)'}, {prefix: 'https://'}, {regex: '^https://.*\\.xpto\\.com$'}], allowMethods: ['GET', 'PURGE']};
  assert.deepEqual(untranslatable(rule({corsPolicy: cors})), [
    'spec.http[0].corsPolicy.allowOrigins[0]',
    'spec.http[0].corsPolicy.allowOrigins[1]',
    'spec.http[0].corsPolicy.allowMethods[1]',
  ]);
});

// --- Matches --------------------------------------------------------------------------------------------

const match = (m: object) => vs({http: [{match: [m], route: [{destination: {host: 'reviews'}}]}]});

const untranslatableMatches: Array<[string, object]> = [
  ['withoutHeaders', {withoutHeaders: {'x-debug': {exact: '1'}}}],
  ['sourceLabels', {sourceLabels: {app: 'productpage'}}],
  ['sourceNamespace', {sourceNamespace: 'frontend'}],
  ['gateways', {gateways: ['mesh']}],
  ['port', {port: 9080}],
  ['ignoreUriCase', {uri: {exact: '/Login'}, ignoreUriCase: true}],
  ['scheme', {scheme: {exact: 'https'}}],
  ['authority', {authority: {exact: 'reviews:9080'}}],
  ['method', {method: {regex: 'GET|HEAD'}}],
  ['method', {method: {prefix: 'P'}}],
  ['method', {method: {exact: 'PURGE'}}],
];

for (const [field, m] of untranslatableMatches) {
  test(`match ${field} ${JSON.stringify(m)} is untranslatable`, () => {
    assert.deepEqual(untranslatable(match(m)), [`spec.http[0].match[0].${field}`]);
  });
}

test('match twins: exact method, exact/regex headers and query params, exact and regex uri are fine', () => {
  const m = {method: {exact: 'GET'}, headers: {'end-user': {exact: 'jason'}, 'x-v': {regex: 'v[0-9]+'}}, queryParams: {q: {exact: '1'}}, uri: {exact: '/login'}};
  assert.deepEqual(untranslatable(match(m)), []);
  assert.deepEqual(warnings(match(m)), []);
  assert.deepEqual(warnings(match({uri: {regex: '/api/v[0-9]+/.*'}})), []);
});

test('headers/queryParams prefix become regex: a semantic warning, not untranslatable', () => {
  const m = match({headers: {cookie: {prefix: 'session='}}, queryParams: {v: {prefix: '2'}}});
  assert.deepEqual(untranslatable(m), []);
  assert.deepEqual(warnings(m), ['spec.http[0].match[0].headers.cookie.prefix', 'spec.http[0].match[0].queryParams.v.prefix']);
});

test('uri.prefix warns about segment-aware PathPrefix; twins: prefix "/" and exact do not', () => {
  assert.deepEqual(warnings(match({uri: {prefix: '/api'}})), ['spec.http[0].match[0].uri.prefix']);
  assert.deepEqual(warnings(match({uri: {prefix: '/'}})), []);
  assert.deepEqual(warnings(match({uri: {exact: '/api'}})), []);
});

test('a path HTTPRoute rejects for Exact/PathPrefix warns (needs a regex)', () => {
  assert.deepEqual(warnings(match({uri: {exact: '/a//b'}})), ['spec.http[0].match[0].uri.exact']);
  assert.deepEqual(warnings(match({uri: {exact: '/a/b'}})), []);
});

test('rewrite.uri with a prefix match becomes ReplacePrefixMatch (one PathPrefix per rule); twin: exact match is ReplaceFullPath', () => {
  const prefixed = vs({http: [{match: [{uri: {prefix: '/v1'}}, {uri: {exact: '/old'}}], rewrite: {uri: '/v2'}, route: [{destination: {host: 'reviews'}}]}]});
  assert.ok(warnings(prefixed).includes('spec.http[0].rewrite.uri'));
  const exact = vs({http: [{match: [{uri: {exact: '/old'}}], rewrite: {uri: '/new'}, route: [{destination: {host: 'reviews'}}]}]});
  assert.deepEqual(warnings(exact), []);
});

// --- Rule order -----------------------------------------------------------------------------------------

test('prefix / before exact /login: HTTPRoute precedence would let /login win, so it is flagged', () => {
  const r = vs({
    http: [
      {match: [{uri: {prefix: '/'}}], route: [{destination: {host: 'reviews', subset: 'v1'}}]},
      {match: [{uri: {exact: '/login'}}], route: [{destination: {host: 'reviews', subset: 'v2'}}]},
    ],
  });
  assert.deepEqual(warnings(r), ['spec.http[1].match[0]']);
});

test('prefix ranks trim one trailing slash, as istiod does: /api before /api/ keeps its order (equal length); /api/ before /api/v1 is still flagged', () => {
  const v1 = [{destination: {host: 'reviews', subset: 'v1'}}];
  const v2 = [{destination: {host: 'reviews', subset: 'v2'}}];
  const same = warnings(vs({http: [{match: [{uri: {prefix: '/api'}}], route: v1}, {match: [{uri: {prefix: '/api/'}}], route: v2}]})).filter(w => w.endsWith('match[0]'));
  assert.deepEqual(same, [], '/api and /api/ rank the same: the first stays first, as in the VirtualService');
  const longer = warnings(vs({http: [{match: [{uri: {prefix: '/api/'}}], route: v1}, {match: [{uri: {prefix: '/api/v1'}}], route: v2}]}));
  assert.ok(longer.includes('spec.http[1].match[0]'), longer.join(', '));
});

test('rule order twins: exact first, disjoint header values, or the same action give no ordering warning', () => {
  const v1 = [{destination: {host: 'reviews', subset: 'v1'}}];
  const v2 = [{destination: {host: 'reviews', subset: 'v2'}}];
  assert.deepEqual(warnings(vs({http: [{match: [{uri: {exact: '/login'}}], route: v2}, {match: [{uri: {prefix: '/'}}], route: v1}]})), []);
  const disjoint = vs({
    http: [
      {match: [{headers: {'end-user': {exact: 'jason'}}}], route: v1},
      {match: [{headers: {'end-user': {exact: 'kim'}}, queryParams: {a: {exact: '1'}}}], route: v2},
    ],
  });
  assert.deepEqual(warnings(disjoint), []);
  assert.deepEqual(warnings(vs({http: [{route: v1}, {match: [{uri: {exact: '/login'}}], route: v1}]})), []);
});

test('a catch-all rule before a match: the shadowed match would start matching', () => {
  const r = vs({http: [{route: [{destination: {host: 'reviews', subset: 'v1'}}]}, {match: [{headers: {'end-user': {exact: 'jason'}}}], route: [{destination: {host: 'reviews', subset: 'v2'}}]}]});
  assert.deepEqual(warnings(r), ['spec.http[1].match[0]']);
});

test('regex is last in Istio: an earlier regex that matches a later exact path is flagged; one that cannot is not', () => {
  const v1 = [{destination: {host: 'reviews', subset: 'v1'}}];
  const v2 = [{destination: {host: 'reviews', subset: 'v2'}}];
  assert.deepEqual(warnings(vs({http: [{match: [{uri: {regex: '/api/.*'}}], route: v1}, {match: [{uri: {exact: '/api/x'}}], route: v2}]})), ['spec.http[1].match[0]']);
  assert.deepEqual(warnings(vs({http: [{match: [{uri: {regex: '/api/.*'}}], route: v1}, {match: [{uri: {exact: '/web'}}], route: v2}]})), []);
});

// --- Weights --------------------------------------------------------------------------------------------

const split = (...weights: Array<number | undefined>) =>
  vs({http: [{route: weights.map((weight, i) => ({destination: {host: 'reviews', subset: `v${i + 1}`}, ...(weight === undefined ? {} : {weight})}))}]});

test('weight 0 warns (Istio drops the backendRef); all-zero warns about the 500', () => {
  assert.deepEqual(warnings(split(90, 10, 0)), ['spec.http[0].route[2].weight']);
  assert.deepEqual(warnings(split(0, 0)), ['spec.http[0].route']);
  assert.deepEqual(warnings(split(0)), ['spec.http[0].route[0].weight']);
});

test('unset weights next to set ones warn (0 in a VS, 1 in HTTPRoute); twins: 90/10 and one destination do not', () => {
  assert.deepEqual(warnings(split(100, undefined)), ['spec.http[0].route[1]']);
  assert.deepEqual(warnings(split(90, 10)), []);
  assert.deepEqual(warnings(split(undefined)), []);
});

// --- Hosts, exportTo, TCP/TLS ---------------------------------------------------------------------------

test('wildcard and external mesh hosts are untranslatable; short and name.ns.svc.<domain> hosts are fine', () => {
  assert.deepEqual(untranslatable(vs({hosts: ['*.example.com'], http: [{route: [{destination: {host: 'reviews'}}]}]})), ['spec.hosts[0]']);
  assert.deepEqual(untranslatable(vs({hosts: ['api.example.com'], http: [{route: [{destination: {host: 'reviews'}}]}]})), ['spec.hosts[0]']);
  assert.deepEqual(untranslatable(vs({hosts: ['reviews', 'ratings.shop.svc.cluster.local'], http: [{route: [{destination: {host: 'reviews.shop.svc.cluster.local'}}]}]})), []);
  assert.deepEqual(untranslatable(vs({hosts: ['reviews'], http: [{route: [{destination: {host: 'httpbin.org'}}]}]})), ['spec.http[0].route[0].destination.host']);
});

test('ingress-only VS: hostnames are not parentRefs, so wildcard hosts are not reported', () => {
  const r = vs({hosts: ['*.example.com'], gateways: ['istio-system/public'], http: [{route: [{destination: {host: 'reviews'}}]}]});
  assert.deepEqual(untranslatable(r), []);
  assert.equal(analyzeVirtualService(r).ingressOnly, true);
  const both = analyzeVirtualService(vs({gateways: ['public', 'mesh']}));
  assert.deepEqual([both.mesh, both.ingressOnly], [true, false]);
});

test('parseServiceHost follows Istio: only dot-free short names are expanded', () => {
  assert.deepEqual(parseServiceHost('reviews', 'shop'), {name: 'reviews', namespace: 'shop'});
  assert.deepEqual(parseServiceHost('reviews.bookinfo.svc.cluster.local', 'shop'), {name: 'reviews', namespace: 'bookinfo'});
  assert.equal(parseServiceHost('reviews.bookinfo', 'shop'), undefined);
  assert.equal(parseServiceHost('*.bookinfo.svc.cluster.local', 'shop'), undefined);
});

test('exportTo other than ["*"] is untranslatable', () => {
  assert.deepEqual(untranslatable(rule({})), []);
  assert.deepEqual(untranslatable({...rule(), spec: {...rule().spec, exportTo: ['.']}}), ['spec.exportTo']);
  assert.deepEqual(untranslatable({...rule(), spec: {...rule().spec, exportTo: ['*']}}), []);
});

test('tcp[] and tls[] routes need TCPRoute/TLSRoute; their subsets are still collected', () => {
  const r = vs({
    tcp: [{match: [{port: 3306}], route: [{destination: {host: 'mysql', subset: 'v1'}}]}],
    tls: [{match: [{sniHosts: ['reviews']}], route: [{destination: {host: 'reviews'}}]}],
  });
  const a = analyzeVirtualService(r);
  assert.deepEqual(a.untranslatable.map(f => f.path), ['spec.tcp[0]', 'spec.tls[0]']);
  assert.match(a.untranslatable[0]!.reason, /TCPRoute/);
  assert.match(a.untranslatable[1]!.reason, /TLSRoute/);
  assert.deepEqual(a.subsetsUsed, [{host: 'mysql', subset: 'v1', path: 'spec.tcp[0].route[0].destination.subset'}]);
});

test('subsets used by mirrors are collected too', () => {
  const a = analyzeVirtualService(rule({mirror: {host: 'reviews', subset: 'v3'}, mirrors: [{destination: {host: 'reviews', subset: 'v4'}}]}));
  assert.deepEqual(
    a.subsetsUsed.map(s => s.path),
    ['spec.http[0].mirror.subset', 'spec.http[0].mirrors[0].destination.subset'],
  );
});

test('every reason is one sentence', () => {
  const r = vs({
    hosts: ['*.x.com'],
    exportTo: ['.'],
    http: [
      {
        match: [{withoutHeaders: {a: {exact: 'b'}}, sourceLabels: {a: 'b'}, port: 1, method: {regex: '.*'}}],
        fault: {delay: {fixedDelay: '1s'}},
        retries: {attempts: 1, retryOn: '5xx', retryRemoteLocalities: true},
        route: [{destination: {host: 'reviews'}}],
      },
    ],
  });
  const all = [...analyzeVirtualService(r).untranslatable, ...analyzeVirtualService(r).semanticWarnings];
  assert.ok(all.length >= 7);
  for (const f of all) assert.match(f.reason, /^[A-Z"][^]*\.$/, f.path);
});
