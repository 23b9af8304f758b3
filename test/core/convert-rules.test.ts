import {test} from 'node:test';
import assert from 'node:assert/strict';
import {convertVirtualService, type RouteConversion} from '../../source/core/convert/virtual-service.ts';
import {checkHttpRoute} from '../../source/core/convert/httproute-rules.ts';
import {fullRegexMatch} from '../../source/core/routes/regex.ts';
import type {KubeObject} from '../../source/kube/client.ts';
import {REFERENCE, loadYaml, service, serviceLookup, validateHttpRoute, yamlFiles} from './convert-fixtures.ts';

// One small case per conversion rule; every route any test here produces is collected and, in the last
// test, validated against the real HTTPRoute CRD schema and the CEL rules.

const SERVICES = [
  service('shop', 'reviews', [9080]),
  service('shop', 'ratings', [9080]),
  service('shop', 'shadow', [8080]),
  service('shop', 'multi', [80, 9090]),
  service('other', 'billing', [80]),
];
const lookup = serviceLookup(SERVICES);
const produced: KubeObject[] = [];

function convert(vs: KubeObject, services = lookup): RouteConversion {
  const c = convertVirtualService(vs, services);
  produced.push(...c.routes);
  return c;
}

function vs(spec: Record<string, unknown>, name = 'r'): KubeObject {
  return {apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: {name, namespace: 'shop'}, spec: {hosts: ['reviews'], ...spec}};
}
const to = (subset?: string, extra: object = {}) => ({destination: {host: 'reviews', ...(subset ? {subset} : {})}, ...extra});
/** One rule with the given fields, routed to reviews. */
const rule = (fields: object) => vs({http: [{route: [to()], ...fields}]});
const rules = (c: RouteConversion) => c.routes.flatMap(r => r.spec.rules);
const paths = (list: Array<{path: string}>) => list.map(f => f.path);

// --- Matches --------------------------------------------------------------------------------------------

test('uri exact / prefix / regex become Exact / PathPrefix / RegularExpression; method exact is kept', () => {
  const c = convert(vs({http: [{match: [{uri: {exact: '/a'}, method: {exact: 'GET'}}, {uri: {prefix: '/b'}}, {uri: {regex: '/c/[0-9]+'}}], route: [to()]}]}));
  assert.deepEqual(rules(c)[0].matches, [
    {path: {type: 'Exact', value: '/a'}, method: 'GET'},
    {path: {type: 'PathPrefix', value: '/b'}},
    {path: {type: 'RegularExpression', value: '/c/[0-9]+'}},
  ]);
  assert.deepEqual(paths(c.warnings), ['spec.http[0].match[1].uri.prefix']);
});

test('header prefix becomes an anchored escaped regex, presence becomes .*, exact stays Exact; sorted by name; no warning', () => {
  const c = convert(vs({http: [{match: [{headers: {'x-b': {}, cookie: {prefix: 'v1.0+'}, 'end-user': {exact: 'jason'}, 'x-r': {regex: 'a|b'}}}], route: [to()]}]}));
  assert.deepEqual(rules(c)[0].matches[0].headers, [
    {name: 'cookie', type: 'RegularExpression', value: '^v1\\.0\\+.*'},
    {name: 'end-user', type: 'Exact', value: 'jason'},
    {name: 'x-b', type: 'RegularExpression', value: '.*'},
    {name: 'x-r', type: 'RegularExpression', value: 'a|b'},
  ]);
  assert.deepEqual(c.warnings, []);
  const prefix = new RegExp(`^(?:${rules(c)[0].matches[0].headers[0].value})$`);
  assert.ok(prefix.test('v1.0+abc') && prefix.test('v1.0+') && !prefix.test('v1x0+abc') && !prefix.test('xv1.0+'));
});

test('query params: exact, regex and prefix like headers', () => {
  const c = convert(vs({http: [{match: [{queryParams: {v: {prefix: '2'}, debug: {exact: '1'}}}], route: [to()]}]}));
  assert.deepEqual(rules(c)[0].matches[0].queryParams, [
    {name: 'debug', type: 'Exact', value: '1'},
    {name: 'v', type: 'RegularExpression', value: '^2.*'},
  ]);
});

test('match values the CRD refuses are untranslatable: path with //, empty exact header, pseudo-header', () => {
  assert.deepEqual(paths(convert(vs({http: [{match: [{uri: {exact: '/a//b'}}], route: [to()]}]})).untranslatable), ['spec.http[0].match[0].uri.exact']);
  assert.deepEqual(paths(convert(vs({http: [{match: [{headers: {a: {exact: ''}}}], route: [to()]}]})).untranslatable), ['spec.http[0].match[0].headers.a.exact']);
  assert.deepEqual(paths(convert(vs({http: [{match: [{headers: {':authority': {exact: 'x'}}}], route: [to()]}]})).untranslatable), ['spec.http[0].match[0].headers.:authority']);
});

test('untranslatable match fields (from analyzeVirtualService) mean no route at all', () => {
  const c = convert(vs({http: [{match: [{sourceLabels: {app: 'x'}}], route: [to('v2')]}, {route: [to('v1')]}]}));
  assert.deepEqual(c.routes, []);
  assert.deepEqual(c.subsets, []);
  assert.deepEqual(paths(c.untranslatable), ['spec.http[0].match[0].sourceLabels']);
});

// --- Weights --------------------------------------------------------------------------------------------

const weighted = (...weights: Array<number | undefined>) =>
  vs({http: [{route: weights.map((weight, i) => to(`v${i + 1}`, weight === undefined ? {} : {weight}))}]});
const weightsOf = (c: RouteConversion) => rules(c)[0].backendRefs.map((b: any) => b.weight);

test('weights: kept as given; a single destination gets none, whatever its weight (no weight: 0)', () => {
  assert.deepEqual(weightsOf(convert(weighted(90, 10))), [90, 10]);
  assert.deepEqual(weightsOf(convert(weighted(2, 3))), [2, 3]);
  assert.deepEqual(weightsOf(convert(weighted(undefined))), [undefined]);
  const lone = convert(weighted(0));
  assert.deepEqual(weightsOf(lone), [undefined]);
  assert.deepEqual(lone.warnings, []);
});

test('weights: an unset weight next to set ones is 0 in Istio and is written as 0 (HTTPRoute would default it to 1)', () => {
  const c = convert(weighted(100, undefined));
  assert.deepEqual(weightsOf(c), [100, 0]);
  assert.deepEqual(c.warnings, []);
  assert.deepEqual(weightsOf(convert(weighted(50, 0, 50))), [50, 0, 50]);
});

test('weights: no positive weight at all is written as all 0 (a 500) and keeps its warning; weights over 1000000 are untranslatable', () => {
  const c = convert(weighted(undefined, undefined));
  assert.deepEqual(weightsOf(c), [0, 0]);
  assert.deepEqual(paths(c.warnings), ['spec.http[0].route']);
  assert.deepEqual(paths(convert(weighted(2_000_000, 1)).untranslatable), ['spec.http[0].route[0].weight']);
});

test('weights: a negative weight (the CRD takes any int32) is untranslatable, not written into an HTTPRoute the CRD refuses (found by npm run fuzz)', () => {
  const c = convert(weighted(-5, 10));
  assert.deepEqual(c.routes, []);
  assert.deepEqual(paths(c.untranslatable), ['spec.http[0].route[0].weight']);
  assert.deepEqual(paths(convert(weighted(-2_147_483_648, -1)).untranslatable), ['spec.http[0].route[0].weight', 'spec.http[0].route[1].weight']);
});

test('destination headers become backendRef header filters', () => {
  const c = convert(vs({http: [{route: [to('v1', {weight: 1, headers: {request: {set: {'x-v': '1'}}, response: {remove: ['x-debug']}}}), to('v2', {weight: 1})]}]}));
  assert.deepEqual(rules(c)[0].backendRefs[0].filters, [
    {type: 'RequestHeaderModifier', requestHeaderModifier: {set: [{name: 'x-v', value: '1'}]}},
    {type: 'ResponseHeaderModifier', responseHeaderModifier: {remove: ['x-debug']}},
  ]);
});

test('a bare directResponse 500 becomes a weight-0 backendRef (Istio answers 500 for it); one with a body is untranslatable', () => {
  const c = convert(vs({http: [{match: [{uri: {exact: '/gone'}}], directResponse: {status: 500}}, {route: [to()]}]}));
  assert.deepEqual(rules(c)[0].backendRefs, [{name: 'reviews', port: 9080, weight: 0}]);
  assert.deepEqual(c.warnings, []);
  assert.deepEqual(paths(convert(vs({http: [{directResponse: {status: 404, body: {string: 'no'}}}]})).untranslatable), ['spec.http[0].directResponse']);
});

// --- Filters --------------------------------------------------------------------------------------------

test('rule headers become Request/ResponseHeaderModifier (sorted, removals deduplicated); an empty value is untranslatable', () => {
  const c = convert(rule({headers: {request: {set: {b: '2', a: '1'}, add: {c: '3'}, remove: ['d', 'd']}, response: {add: {e: '5'}}}}));
  assert.deepEqual(rules(c)[0].filters, [
    {type: 'RequestHeaderModifier', requestHeaderModifier: {set: [{name: 'a', value: '1'}, {name: 'b', value: '2'}], add: [{name: 'c', value: '3'}], remove: ['d']}},
    {type: 'ResponseHeaderModifier', responseHeaderModifier: {add: [{name: 'e', value: '5'}]}},
  ]);
  assert.deepEqual(paths(convert(rule({headers: {request: {set: {a: ''}}}})).untranslatable), ['spec.http[0].headers.request.set.a']);
});

test('rewrite split: each prefix match gets its own ReplacePrefixMatch rule, exact and regex matches share one ReplaceFullPath rule', () => {
  const c = convert(
    vs({http: [{match: [{uri: {prefix: '/v1'}}, {uri: {exact: '/old'}}, {uri: {prefix: '/v2'}}, {uri: {regex: '/r/.*'}}], rewrite: {uri: '/new', authority: 'api.internal'}, route: [to()]}]}),
  );
  assert.deepEqual(c.untranslatable, []);
  assert.deepEqual(
    rules(c).map((r: any) => [r.matches, r.filters[0].urlRewrite]),
    [
      [[{path: {type: 'PathPrefix', value: '/v1'}}], {hostname: 'api.internal', path: {type: 'ReplacePrefixMatch', replacePrefixMatch: '/new'}}],
      [[{path: {type: 'Exact', value: '/old'}}, {path: {type: 'RegularExpression', value: '/r/.*'}}], {hostname: 'api.internal', path: {type: 'ReplaceFullPath', replaceFullPath: '/new'}}],
      [[{path: {type: 'PathPrefix', value: '/v2'}}], {hostname: 'api.internal', path: {type: 'ReplacePrefixMatch', replacePrefixMatch: '/new'}}],
    ],
  );
  assert.ok(paths(c.warnings).includes('spec.http[0].rewrite.uri'));
});

test('rewrite without uri match: header-only matches and no match get an explicit PathPrefix "/" for ReplacePrefixMatch', () => {
  const c = convert(vs({http: [{match: [{headers: {a: {exact: '1'}}}], rewrite: {uri: '/v2'}, route: [to()]}, {rewrite: {uri: '/v1'}, route: [to()]}]}));
  assert.deepEqual(
    rules(c).map((r: any) => r.matches),
    [[{path: {type: 'PathPrefix', value: '/'}, headers: [{name: 'a', type: 'Exact', value: '1'}]}], [{path: {type: 'PathPrefix', value: '/'}}]],
  );
});

test('rewrite: uriRegexRewrite of /.* is ReplaceFullPath; other regex rewrites and authorities with a port are untranslatable', () => {
  const c = convert(rule({rewrite: {uriRegexRewrite: {match: '/.*', rewrite: '/replacement'}}}));
  assert.deepEqual(rules(c)[0].filters, [{type: 'URLRewrite', urlRewrite: {path: {type: 'ReplaceFullPath', replaceFullPath: '/replacement'}}}]);
  assert.deepEqual(paths(convert(rule({rewrite: {uriRegexRewrite: {match: '^/a/(.*)', rewrite: '/\\1'}}})).untranslatable), ['spec.http[0].rewrite.uriRegexRewrite']);
  assert.deepEqual(paths(convert(rule({rewrite: {authority: 'api:8080'}})).untranslatable), ['spec.http[0].rewrite.authority']);
});

test('rewrite with overlapping prefix matches: the later, unreachable one is left out with a warning', () => {
  const c = convert(vs({http: [{match: [{uri: {prefix: '/a'}}, {uri: {prefix: '/a/b'}}], rewrite: {uri: '/x'}, route: [to()]}]}));
  assert.deepEqual(rules(c).map((r: any) => r.matches), [[{path: {type: 'PathPrefix', value: '/a'}}]]);
  assert.ok(paths(c.warnings).includes('spec.http[0].match[1]'));
});

test('rewrite where precedence would change the winner (regex first, then a prefix it overlaps) is untranslatable', () => {
  const c = convert(vs({http: [{match: [{uri: {regex: '/a/.*'}}, {uri: {prefix: '/a/b'}}], rewrite: {uri: '/x'}, route: [to()]}]}));
  assert.deepEqual(c.routes, []);
  assert.deepEqual(paths(c.untranslatable), ['spec.http[0].match[1]']);
  assert.match(c.untranslatable[0]!.reason, /spec\.http\[0\]\.match\[0\]/);
});

test('redirect: RequestRedirect without backendRefs; 301 written when the VirtualService leaves the code out; prefixRewrite is ReplacePrefixMatch', () => {
  const c = convert(vs({http: [{match: [{uri: {prefix: '/old'}}], redirect: {prefixRewrite: '/new', authority: 'www.example.com', scheme: 'https', port: 8443}}, {route: [to()]}]}));
  assert.deepEqual(rules(c)[0], {
    matches: [{path: {type: 'PathPrefix', value: '/old'}}],
    filters: [{type: 'RequestRedirect', requestRedirect: {scheme: 'https', hostname: 'www.example.com', path: {type: 'ReplacePrefixMatch', replacePrefixMatch: '/new'}, port: 8443, statusCode: 301}}],
  });
  assert.deepEqual(paths(c.warnings), ['spec.http[0].match[0].uri.prefix', 'spec.http[0].redirect.prefixRewrite']);
  const full = convert(vs({http: [{match: [{uri: {exact: '/a'}}], redirect: {uri: '/b', redirectCode: 308}}, {route: [to()]}]}));
  assert.deepEqual(rules(full)[0].filters[0].requestRedirect, {path: {type: 'ReplaceFullPath', replaceFullPath: '/b'}, port: 80, statusCode: 308});
});

test('redirect without a port: the VirtualService goes to the protocol default port, so the HTTPRoute says port 80 (istiod reads a portless one as the request port)', () => {
  const noPort = rules(convert(vs({http: [{match: [{uri: {exact: '/a'}}], redirect: {uri: '/b', authority: 'new.example.com', redirectCode: 301}}, {route: [to()]}]})))[0].filters[0].requestRedirect;
  assert.deepEqual(noPort, {hostname: 'new.example.com', path: {type: 'ReplaceFullPath', replaceFullPath: '/b'}, port: 80, statusCode: 301});
  const withScheme = rules(convert(vs({http: [{match: [{uri: {exact: '/a'}}], redirect: {uri: '/b', scheme: 'https', redirectCode: 301}}, {route: [to()]}]})))[0].filters[0].requestRedirect;
  assert.equal(withScheme.port, undefined, 'with a scheme both take the scheme default');
  const requestPort = rules(convert(vs({http: [{match: [{uri: {exact: '/a'}}], redirect: {uri: '/b', derivePort: 'FROM_REQUEST_PORT', redirectCode: 301}}, {route: [to()]}]})))[0].filters[0].requestRedirect;
  assert.equal(requestPort.port, undefined, 'FROM_REQUEST_PORT is what a portless HTTPRoute redirect does');
});

test('redirect: with a route or a rewrite too, or with an unsupported code, is untranslatable; so is a directResponse with a route', () => {
  assert.deepEqual(paths(convert(vs({http: [{redirect: {uri: '/b'}, route: [to()]}]})).untranslatable), ['spec.http[0]']);
  assert.deepEqual(paths(convert(vs({http: [{redirect: {uri: '/b', redirectCode: 300}}]})).untranslatable), ['spec.http[0].redirect.redirectCode']);
  assert.deepEqual(paths(convert(vs({http: [{redirect: {uri: '/b', redirectCode: 301}, rewrite: {authority: 'a'}}]})).untranslatable), ['spec.http[0].rewrite']);
  assert.deepEqual(paths(convert(vs({http: [{directResponse: {status: 500}, route: [to()]}]})).untranslatable), ['spec.http[0]']);
});

test('mirror percent: whole percentages are percent, others an exact fraction; mirrors[] each get a filter; no percentage mirrors all', () => {
  const c = convert(rule({mirror: {host: 'shadow'}, mirrorPercentage: {value: 12.5}, mirrors: [{destination: {host: 'reviews', subset: 'v2'}, percentage: {value: 40}}, {destination: {host: 'ratings'}}]}));
  assert.deepEqual(
    rules(c)[0].filters.map((f: any) => f.requestMirror),
    [
      {backendRef: {name: 'shadow', port: 8080}, fraction: {numerator: 1, denominator: 8}},
      {backendRef: {name: 'reviews-v2', port: 9080}, percent: 40},
      {backendRef: {name: 'ratings', port: 9080}},
    ],
  );
  assert.deepEqual(c.subsets, [{service: {namespace: 'shop', name: 'reviews'}, subset: 'v2', backendName: 'reviews-v2'}]);
  assert.deepEqual(rules(convert(rule({mirror: {host: 'shadow'}, mirrorPercent: 5})))[0].filters[0].requestMirror.percent, 5);
  assert.deepEqual(rules(convert(rule({mirror: {host: 'shadow'}, mirrorPercentage: {value: 0.01}})))[0].filters[0].requestMirror.fraction, {numerator: 1, denominator: 10000});
});

test('timeout becomes timeouts.request in Gateway API duration syntax', () => {
  const timeout = (t: string) => convert(rule({timeout: t}));
  assert.deepEqual(rules(timeout('5s'))[0].timeouts, {request: '5s'});
  assert.deepEqual(rules(timeout('1.5s'))[0].timeouts, {request: '1s500ms'});
  assert.deepEqual(rules(timeout('90m'))[0].timeouts, {request: '1h30m'});
  assert.deepEqual(rules(timeout('0.001s'))[0].timeouts, {request: '1ms'});
  const rounded = timeout('0.0005s');
  assert.deepEqual(rules(rounded)[0].timeouts, {request: '1ms'});
  assert.deepEqual(paths(rounded.warnings), ['spec.http[0].timeout']);
});

test('corsPolicy becomes the CORS filter; Istio’s wildcard origin regexes become * and https://*.domain; maxAge in seconds', () => {
  const c = convert(
    rule({
      corsPolicy: {
        allowOrigins: [{exact: 'https://example.com'}, {regex: '^https://.*\\.xpto\\.com$'}],
        allowMethods: ['GET', 'POST', 'GET'],
        allowHeaders: ['Content-Type'],
        exposeHeaders: ['x-header-3'],
        allowCredentials: true,
        maxAge: '24h',
        unmatchedPreflights: 'IGNORE',
      },
    }),
  );
  assert.deepEqual(rules(c)[0].filters, [
    {
      type: 'CORS',
      cors: {allowOrigins: ['https://example.com', 'https://*.xpto.com'], allowCredentials: true, allowMethods: ['GET', 'POST'], allowHeaders: ['Content-Type'], exposeHeaders: ['x-header-3'], maxAge: 86400},
    },
  ]);
  assert.deepEqual(c.warnings, []);
  const any = convert(rule({corsPolicy: {allowOrigins: [{regex: '^[a-zA-Z][a-zA-Z0-9+.-]*://[^/\\s?#]+$'}, {exact: 'https://a.com'}]}}));
  assert.deepEqual(rules(any)[0].filters[0].cors.allowOrigins, ['*']);
  assert.deepEqual(paths(any.warnings), ['spec.http[0].corsPolicy']);
});

// --- Hosts and Services ---------------------------------------------------------------------------------

test('multiple hosts give one parentRef each; a host named twice (short and FQDN) gives one', () => {
  const c = convert(vs({hosts: ['reviews', 'ratings', 'reviews.shop.svc.cluster.local'], http: [{route: [to()]}]}));
  assert.deepEqual(c.routes[0]!.spec.parentRefs, [
    {group: '', kind: 'Service', name: 'reviews', port: 9080},
    {group: '', kind: 'Service', name: 'ratings', port: 9080},
  ]);
});

test('FQDN hosts and destinations resolve to Services of the namespace; other namespaces are untranslatable', () => {
  const c = convert(vs({hosts: ['reviews.shop.svc.cluster.local'], http: [{route: [{destination: {host: 'ratings.shop.svc.cluster.local', subset: 'v1'}}]}]}));
  assert.deepEqual(c.routes[0]!.spec, {parentRefs: [{group: '', kind: 'Service', name: 'reviews', port: 9080}], rules: [{backendRefs: [{name: 'ratings-v1', port: 9080}]}]});
  const consumer = convert(vs({hosts: ['billing.other.svc.cluster.local'], http: [{route: [{destination: {host: 'billing.other.svc.cluster.local'}}]}]}));
  assert.deepEqual(paths(consumer.untranslatable), ['spec.hosts[0]', 'spec.http[0].route[0].destination.host']);
  assert.match(consumer.untranslatable[0]!.reason, /waypoints ignore/);
  assert.match(consumer.untranslatable[1]!.reason, /ReferenceGrant/);
});

test('multi-port Service: the parentRef names no port (all ports, as the VirtualService); a destination without port is untranslatable', () => {
  const ok = convert(vs({hosts: ['multi'], http: [{route: [{destination: {host: 'multi', port: {number: 80}}}]}]}));
  assert.deepEqual(ok.routes[0]!.spec, {parentRefs: [{group: '', kind: 'Service', name: 'multi'}], rules: [{backendRefs: [{name: 'multi', port: 80}]}]});
  const bad = convert(vs({hosts: ['multi'], http: [{route: [{destination: {host: 'multi'}}]}]}));
  assert.deepEqual(paths(bad.untranslatable), ['spec.http[0].route[0].destination']);
  assert.match(bad.untranslatable[0]!.reason, /2 ports/);
  assert.deepEqual(paths(convert(vs({http: [{route: [{destination: {host: 'reviews', port: {number: 1234}}}]}]})).untranslatable), ['spec.http[0].route[0].destination.port']);
});

test('a missing host or destination Service is untranslatable', () => {
  assert.deepEqual(paths(convert(vs({hosts: ['nope'], http: [{route: [to()]}]})).untranslatable), ['spec.hosts[0]']);
  assert.deepEqual(paths(convert(vs({http: [{route: [{destination: {host: 'nope'}}]}]})).untranslatable), ['spec.http[0].route[0].destination.host']);
});

test('subset names that cannot make a Service name are untranslatable', () => {
  assert.deepEqual(paths(convert(vs({http: [{route: [to('V_1')]}]})).untranslatable), ['spec.http[0].route[0].destination.subset']);
  assert.deepEqual(paths(convert(vs({http: [{route: [to('x'.repeat(60))]}]})).untranslatable), ['spec.http[0].route[0].destination.subset']);
});

test('metadata: same name and namespace, managed-by label, converted-from annotation', () => {
  const [route] = convert(vs({http: [{route: [to()]}]}, 'my-route')).routes;
  assert.deepEqual(route!.metadata, {
    name: 'my-route',
    namespace: 'shop',
    labels: {'app.kubernetes.io/managed-by': 'ambient-migrate'},
    annotations: {'ambient-migrate.io/converted-from': 'VirtualService/shop/my-route'},
  });
  assert.equal(route!.apiVersion, 'gateway.networking.k8s.io/v1');
});

test('a VirtualService for mesh and Istio Gateways converts its mesh routes, with no warning (the plan keeps it for the Gateways)', () => {
  const c = convert(vs({gateways: ['mesh', 'istio-system/public'], http: [{route: [to()]}]}));
  assert.equal(c.routes.length, 1);
  assert.deepEqual(paths(c.warnings), []);
});

test('unknown fields (a newer Istio API) are untranslatable, never dropped', () => {
  assert.deepEqual(paths(convert(rule({newThing: true})).untranslatable), ['spec.http[0].newThing']);
  assert.deepEqual(paths(convert(vs({http: [{match: [{uri: {exact: '/a'}, newMatch: 1}], route: [to()]}]})).untranslatable), ['spec.http[0].match[0].newMatch']);
});

test('rule names: a valid unique name is kept; invalid names and names of split rules are left out', () => {
  assert.equal(rules(convert(vs({http: [{name: 'reviews-v2-routes', route: [to()]}]})))[0].name, 'reviews-v2-routes');
  assert.equal(rules(convert(vs({http: [{name: 'Route_1', route: [to()]}]})))[0].name, undefined);
  const split = convert(vs({http: [{name: 'api', match: [{uri: {prefix: '/a'}}, {uri: {prefix: '/b'}}], rewrite: {uri: '/'}, route: [to()]}]}));
  assert.deepEqual(rules(split).map((r: any) => r.name), [undefined, undefined]);
});

// --- Rule order -----------------------------------------------------------------------------------------

test('order: a match an earlier one fully covers never wins in the VirtualService and is left out, with a warning', () => {
  const c = convert(vs({http: [{match: [{uri: {prefix: '/'}}], route: [to('v1')]}, {match: [{uri: {exact: '/login'}}], route: [to('v2')]}]}));
  assert.deepEqual(rules(c), [{matches: [{path: {type: 'PathPrefix', value: '/'}}], backendRefs: [{name: 'reviews-v1', port: 9080}]}]);
  assert.deepEqual(paths(c.warnings), ['spec.http[1].match[0]']);
  assert.deepEqual(c.subsets.map(s => s.backendName), ['reviews-v1']);
});

test('order: a catch-all rule first swallows every later rule', () => {
  const c = convert(vs({http: [{route: [to('v1')]}, {match: [{headers: {'end-user': {exact: 'jason'}}}], route: [to('v2')]}]}));
  assert.deepEqual(rules(c), [{backendRefs: [{name: 'reviews-v1', port: 9080}]}]);
});

test('order: a partial overlap that precedence would reorder is untranslatable (regex with a header first, then an exact path it matches)', () => {
  const c = convert(vs({http: [{match: [{uri: {regex: '/api/.*'}, headers: {a: {exact: '1'}}}], route: [to('v1')]}, {match: [{uri: {exact: '/api/x'}}], route: [to('v2')]}]}));
  assert.deepEqual(c.routes, []);
  assert.deepEqual(paths(c.untranslatable), ['spec.http[1].match[0]']);
  assert.match(c.untranslatable[0]!.reason, /spec\.http\[0\]\.match\[0\]/);
  // Without the header the regex takes every request the exact match would: that one is simply unreachable.
  const dead = convert(vs({http: [{match: [{uri: {regex: '/api/.*'}}], route: [to('v1')]}, {match: [{uri: {exact: '/api/x'}, headers: {a: {exact: '1'}}}], route: [to('v2')]}]}));
  assert.equal(dead.routes.length, 1);
  assert.deepEqual(paths(dead.warnings), ['spec.http[1].match[0]']);
});

test('order: rules already in precedence order, or disjoint, convert unchanged and in order', () => {
  const c = convert(
    vs({
      http: [
        {match: [{uri: {exact: '/login'}}], route: [to('v2')]},
        {match: [{headers: {'end-user': {exact: 'jason'}}}], route: [to('v3')]},
        {route: [to('v1')]},
      ],
    }),
  );
  assert.deepEqual(c.untranslatable, []);
  assert.deepEqual(rules(c).map((r: any) => r.backendRefs[0].name), ['reviews-v2', 'reviews-v3', 'reviews-v1']);
});

// --- Limits and splits ----------------------------------------------------------------------------------

test('more than 16 rules are split into several HTTPRoutes named <vs>, <vs>-2..., in order', () => {
  const http = Array.from({length: 20}, (_, i) => ({match: [{uri: {exact: `/p${i}`}}], route: [to(i % 2 ? 'v1' : 'v2')]}));
  const c = convert(vs({http}, 'big'));
  assert.deepEqual(c.untranslatable, []);
  assert.deepEqual(c.routes.map(r => [r.metadata.name, r.spec.rules.length]), [['big', 16], ['big-2', 4]]);
  assert.deepEqual(c.routes[1]!.spec.parentRefs, c.routes[0]!.spec.parentRefs);
  assert.equal(c.routes[1]!.spec.rules[0].matches[0].path.value, '/p16');
});

test('more than 64 matches in a rule split the rule; more than 128 in total split the route', () => {
  const match = Array.from({length: 130}, (_, i) => ({uri: {exact: `/p${i}`}}));
  const c = convert(vs({http: [{match, route: [to()]}]}, 'wide'));
  assert.deepEqual(c.untranslatable, []);
  assert.deepEqual(
    c.routes.map(r => [r.metadata.name, r.spec.rules.map((x: any) => x.matches.length)]),
    [['wide', [64, 64]], ['wide-2', [2]]],
  );
});

test('limits a split cannot fix are reported through checkHttpRoute: 17 destinations in one weighted rule', () => {
  const c = convert(vs({http: [{route: Array.from({length: 17}, (_, i) => to(`v${i}`, {weight: 1}))}]}));
  assert.deepEqual(c.routes, []);
  assert.deepEqual(paths(c.untranslatable), ['spec.http[0]']);
  assert.match(c.untranslatable[0]!.reason, /at most 16/);
});

test('determinism: converting twice gives byte-identical JSON, whatever the order of map keys in the input', () => {
  const a = vs({http: [{match: [{headers: {b: {exact: '2'}, a: {exact: '1'}}}], headers: {request: {set: {y: '1', x: '2'}}}, route: [to('v2')]}, {route: [to('v1')]}]});
  const b = vs({http: [{match: [{headers: {a: {exact: '1'}, b: {exact: '2'}}}], headers: {request: {set: {x: '2', y: '1'}}}, route: [to('v2')]}, {route: [to('v1')]}]});
  const once = JSON.stringify(convert(a));
  assert.equal(JSON.stringify(convert(a)), once);
  assert.equal(JSON.stringify(convert(b)), once);
});

// --- checkHttpRoute: each CEL rule with a failing and a passing route ------------------------------------

function route(rules: unknown[], parentRefs: unknown[] = [{group: '', kind: 'Service', name: 'reviews', port: 9080}]): KubeObject {
  return {apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: {name: 'r', namespace: 'shop'}, spec: {parentRefs, rules}};
}
const backend = {name: 'reviews', port: 9080};
const messages = (r: KubeObject) => checkHttpRoute(r).map(p => p.message);
const prefixRewrite = {type: 'URLRewrite', urlRewrite: {path: {type: 'ReplacePrefixMatch', replacePrefixMatch: '/x'}}};
const prefixRedirect = {type: 'RequestRedirect', requestRedirect: {path: {type: 'ReplacePrefixMatch', replacePrefixMatch: '/x'}}};
const pathMatch = (type: string, value: string) => ({path: {type, value}});

const CEL_CASES: Array<[string, KubeObject, KubeObject]> = [
  [
    'sectionName must be specified when parentRefs includes 2 or more references to the same parent',
    route([{backendRefs: [backend]}], [{name: 'gw', sectionName: 'a'}, {name: 'gw'}]),
    route([{backendRefs: [backend]}], [{name: 'gw', sectionName: 'a'}, {name: 'gw', sectionName: 'b'}]),
  ],
  [
    'sectionName must be unique when parentRefs includes 2 or more references to the same parent',
    route([{backendRefs: [backend]}], [{group: '', kind: 'Service', name: 'reviews', port: 80}, {group: '', kind: 'Service', name: 'reviews', port: 8080}]),
    route([{backendRefs: [backend]}], [{group: '', kind: 'Service', name: 'reviews', port: 80}, {group: '', kind: 'Service', name: 'ratings', port: 8080}]),
  ],
  [
    'While 16 rules and 64 matches per rule are allowed, the total number of matches across all rules in a route must be less than 128',
    route([0, 1, 2].map(r => ({matches: Array.from({length: 43}, (_, i) => pathMatch('Exact', `/${r}/${i}`)), backendRefs: [backend]}))),
    route([0, 1].map(r => ({matches: Array.from({length: 64}, (_, i) => pathMatch('Exact', `/${r}/${i}`)), backendRefs: [backend]}))),
  ],
  [
    'RequestRedirect filter must not be used together with backendRefs',
    route([{filters: [{type: 'RequestRedirect', requestRedirect: {scheme: 'https'}}], backendRefs: [backend]}]),
    route([{filters: [{type: 'RequestRedirect', requestRedirect: {scheme: 'https'}}]}]),
  ],
  [
    'When using RequestRedirect filter with path.replacePrefixMatch, exactly one PathPrefix match must be specified',
    route([{matches: [pathMatch('PathPrefix', '/a'), pathMatch('PathPrefix', '/b')], filters: [prefixRedirect]}]),
    route([{matches: [pathMatch('PathPrefix', '/a')], filters: [prefixRedirect]}]),
  ],
  [
    'When using URLRewrite filter with path.replacePrefixMatch, exactly one PathPrefix match must be specified',
    route([{matches: [pathMatch('Exact', '/a')], filters: [prefixRewrite], backendRefs: [backend]}]),
    // After defaulting, a match without path is PathPrefix "/" (reference README finding 4).
    route([{matches: [{headers: [{name: 'a', value: 'b'}]}], filters: [prefixRewrite], backendRefs: [backend]}]),
  ],
  [
    'Within backendRefs, when using RequestRedirect filter with path.replacePrefixMatch, exactly one PathPrefix match must be specified',
    route([{matches: [pathMatch('RegularExpression', '/a.*')], backendRefs: [{...backend, filters: [prefixRedirect]}]}]),
    route([{backendRefs: [{...backend, filters: [prefixRedirect]}]}]),
  ],
  [
    'Within backendRefs, When using URLRewrite filter with path.replacePrefixMatch, exactly one PathPrefix match must be specified',
    route([{matches: [pathMatch('PathPrefix', '/a'), pathMatch('PathPrefix', '/b')], backendRefs: [{...backend, filters: [prefixRewrite]}]}]),
    route([{matches: [pathMatch('PathPrefix', '/a')], backendRefs: [{...backend, filters: [prefixRewrite]}]}]),
  ],
  ['Must have port for Service reference', route([{backendRefs: [{name: 'reviews'}]}]), route([{backendRefs: [{name: 'reviews', group: 'example.com', kind: 'Backend'}]}])],
  [
    'May specify either httpRouteFilterRequestRedirect or httpRouteFilterRequestRewrite, but not both',
    route([{filters: [{type: 'RequestRedirect', requestRedirect: {scheme: 'https'}}, {type: 'URLRewrite', urlRewrite: {hostname: 'a'}}]}]),
    route([{filters: [{type: 'URLRewrite', urlRewrite: {hostname: 'a'}}], backendRefs: [backend]}]),
  ],
  ...(['CORS', 'RequestHeaderModifier', 'ResponseHeaderModifier', 'RequestRedirect', 'URLRewrite'] as const).map((type): [string, KubeObject, KubeObject] => {
    const field = {CORS: 'cors', RequestHeaderModifier: 'requestHeaderModifier', ResponseHeaderModifier: 'responseHeaderModifier', RequestRedirect: 'requestRedirect', URLRewrite: 'urlRewrite'}[type];
    const filter = {type, [field]: type === 'CORS' ? {allowOrigins: ['*']} : type.endsWith('Modifier') ? {remove: ['a']} : {hostname: 'a'}};
    const backendRefs = type === 'RequestRedirect' ? {} : {backendRefs: [backend]};
    return [`${type} filter cannot be repeated`, route([{filters: [filter, filter], ...backendRefs}]), route([{filters: [filter], ...backendRefs}])];
  }),
  [
    'filter.requestHeaderModifier must be nil if the filter.type is not RequestHeaderModifier',
    route([{filters: [{type: 'ResponseHeaderModifier', responseHeaderModifier: {remove: ['a']}, requestHeaderModifier: {remove: ['a']}}], backendRefs: [backend]}]),
    route([{filters: [{type: 'ResponseHeaderModifier', responseHeaderModifier: {remove: ['a']}}], backendRefs: [backend]}]),
  ],
  [
    'filter.requestMirror must be specified for RequestMirror filter.type',
    route([{filters: [{type: 'RequestMirror'}], backendRefs: [backend]}]),
    route([{filters: [{type: 'RequestMirror', requestMirror: {backendRef: backend}}], backendRefs: [backend]}]),
  ],
  [
    "AllowOrigins cannot contain '*' alongside other origins",
    route([{filters: [{type: 'CORS', cors: {allowOrigins: ['*', 'https://a.com']}}], backendRefs: [backend]}]),
    route([{filters: [{type: 'CORS', cors: {allowOrigins: ['https://b.com', 'https://a.com']}}], backendRefs: [backend]}]),
  ],
  [
    "AllowMethods cannot contain '*' alongside other methods",
    route([{filters: [{type: 'CORS', cors: {allowMethods: ['*', 'GET']}}], backendRefs: [backend]}]),
    route([{filters: [{type: 'CORS', cors: {allowMethods: ['*']}}], backendRefs: [backend]}]),
  ],
  [
    "AllowHeaders cannot contain '*' alongside other methods",
    route([{filters: [{type: 'CORS', cors: {allowHeaders: ['x-a', '*']}}], backendRefs: [backend]}]),
    route([{filters: [{type: 'CORS', cors: {allowHeaders: ['x-a']}}], backendRefs: [backend]}]),
  ],
  [
    'Only one of percent or fraction may be specified in HTTPRequestMirrorFilter',
    route([{filters: [{type: 'RequestMirror', requestMirror: {backendRef: backend, percent: 5, fraction: {numerator: 1}}}], backendRefs: [backend]}]),
    route([{filters: [{type: 'RequestMirror', requestMirror: {backendRef: backend, fraction: {numerator: 1}}}], backendRefs: [backend]}]),
  ],
  [
    'numerator must be less than or equal to denominator',
    route([{filters: [{type: 'RequestMirror', requestMirror: {backendRef: backend, fraction: {numerator: 101}}}], backendRefs: [backend]}]),
    route([{filters: [{type: 'RequestMirror', requestMirror: {backendRef: backend, fraction: {numerator: 100}}}], backendRefs: [backend]}]),
  ],
  [
    'Must have port for Service reference',
    route([{filters: [{type: 'RequestMirror', requestMirror: {backendRef: {name: 'shadow'}}}], backendRefs: [backend]}]),
    route([{filters: [{type: 'RequestMirror', requestMirror: {backendRef: {name: 'shadow', port: 80}}}], backendRefs: [backend]}]),
  ],
  [
    "replaceFullPath must be specified when type is set to 'ReplaceFullPath'",
    route([{filters: [{type: 'URLRewrite', urlRewrite: {path: {type: 'ReplaceFullPath', replacePrefixMatch: '/a'}}}], backendRefs: [backend]}]),
    route([{filters: [{type: 'URLRewrite', urlRewrite: {path: {type: 'ReplaceFullPath', replaceFullPath: '/a'}}}], backendRefs: [backend]}]),
  ],
  [
    "type must be 'ReplacePrefixMatch' when replacePrefixMatch is set",
    route([{filters: [{type: 'RequestRedirect', requestRedirect: {path: {type: 'ReplaceFullPath', replaceFullPath: '/a', replacePrefixMatch: '/b'}}}]}]),
    route([{filters: [{type: 'RequestRedirect', requestRedirect: {path: {type: 'ReplaceFullPath', replaceFullPath: '/a'}}}]}]),
  ],
  ...['//', '/./', '/../', '%2f', '%2F', '#'].map((bad): [string, KubeObject, KubeObject] => [
    `must not contain '${bad}' when type one of ['Exact', 'PathPrefix']`,
    route([{matches: [pathMatch('PathPrefix', `/a${bad}b`)], backendRefs: [backend]}]),
    route([{matches: [pathMatch('RegularExpression', `/a${bad}b`)], backendRefs: [backend]}]),
  ]),
  [
    "value must be an absolute path and start with '/' when type one of ['Exact', 'PathPrefix']",
    route([{matches: [pathMatch('Exact', 'a/b')], backendRefs: [backend]}]),
    route([{matches: [pathMatch('Exact', '/a/b')], backendRefs: [backend]}]),
  ],
  ["must not end with '/..' when type one of ['Exact', 'PathPrefix']", route([{matches: [pathMatch('Exact', '/a/..')], backendRefs: [backend]}]), route([{matches: [pathMatch('Exact', '/a/..b')], backendRefs: [backend]}])],
  ["must not end with '/.' when type one of ['Exact', 'PathPrefix']", route([{matches: [pathMatch('Exact', '/a/.')], backendRefs: [backend]}]), route([{matches: [pathMatch('Exact', '/a/.b')], backendRefs: [backend]}])],
  ["type must be one of ['Exact', 'PathPrefix', 'RegularExpression']", route([{matches: [pathMatch('Glob', '/a*')], backendRefs: [backend]}]), route([{matches: [pathMatch('PathPrefix', '/a')], backendRefs: [backend]}])],
  [
    'backendRequest timeout cannot be longer than request timeout',
    route([{backendRefs: [backend], timeouts: {request: '1s', backendRequest: '1s1ms'}}]),
    route([{backendRefs: [backend], timeouts: {request: '0s', backendRequest: '1h'}}]),
  ],
  ['Too many: 17: must have at most 16 items', route(Array.from({length: 17}, () => ({backendRefs: [backend]}))), route(Array.from({length: 16}, () => ({backendRefs: [backend]})))],
];

for (const [message, failing, passing] of CEL_CASES) {
  test(`checkHttpRoute: ${message}`, () => {
    assert.ok(messages(failing).includes(message), JSON.stringify(messages(failing)));
    assert.deepEqual(messages(passing), []);
  });
}

test('checkHttpRoute: the path character rule, after the other path rules', () => {
  assert.deepEqual(messages(route([{matches: [pathMatch('Exact', '/a b')], backendRefs: [backend]}])), [
    "must only contain valid characters (matching ^(?:[-A-Za-z0-9/._~!$&'()*+,;=:@]|[%][0-9a-fA-F]{2})+$) for types ['Exact', 'PathPrefix']",
  ]);
});

// --- checkHttpRoute against real routes ------------------------------------------------------------------

const GAMMA = `${REFERENCE}gateway-api/conformance/tests/mesh/`;
const httpRoutes = (files: string[]) => files.flatMap(f => loadYaml(f).filter(d => d.kind === 'HTTPRoute').map(r => ({file: f, route: r})));

test('every GAMMA conformance route, Gateway API example and Istio Bookinfo gateway-api route passes checkHttpRoute', () => {
  const all = httpRoutes([
    ...yamlFiles(GAMMA),
    ...yamlFiles(`${REFERENCE}gateway-api/examples/standard/`),
    ...yamlFiles(`${REFERENCE}gateway-api/examples/standard/http-redirect-rewrite/`),
    ...yamlFiles(`${REFERENCE}gateway-api/examples/standard/http-request-mirroring/`),
    ...yamlFiles(`${REFERENCE}gateway-api/examples/standard/traffic-splitting/`),
    ...yamlFiles(`${REFERENCE}istio/samples/bookinfo/gateway-api/`),
  ]);
  assert.ok(all.filter(r => r.file.startsWith(GAMMA)).length >= 19);
  for (const {file, route: r} of all) {
    assert.deepEqual(checkHttpRoute(r), [], `${file} ${r.metadata.name}`);
    assert.deepEqual(validateHttpRoute(r).causes, [], `${file} ${r.metadata.name}`);
  }
});

test('checkHttpRoute catches what the reference says is invalid: ingress2gateway’s redirect with backendRefs, Istio mesh.yaml’s two ports of one Service', () => {
  const i2g = httpRoutes([`${REFERENCE}ingress2gateway/pkg/i2gw/providers/istio/fixtures/output/2-virtualservice-http.yaml`]).find(r => r.route.metadata.name === 'reviews-route-v2')!;
  assert.ok(messages(i2g.route).includes('RequestRedirect filter must not be used together with backendRefs'));
  assert.ok(messages(i2g.route).includes('Must have port for Service reference'));
  // The parentRef rules compare group, kind, name and namespace, not port: two ports of one Service need sectionNames.
  const multi = httpRoutes([`${REFERENCE}istio/pilot/pkg/config/kube/gateway/testdata/mesh.yaml`]).find(r => r.route.metadata.name === 'multi-service')!;
  assert.deepEqual(messages(multi.route), ['sectionName must be unique when parentRefs includes 2 or more references to the same parent']);
});

// --- Reverse oracles: Istio's HTTPRoute → VirtualService goldens, converted back ------------------------

const GOLDENS = `${REFERENCE}istio/pilot/pkg/config/kube/gateway/testdata/`;
const GOLDEN_SERVICES = ['echo', 'echo-1', 'echo-2', 'echo-port', 'httpbin-apple', 'example', 'httpbin', 'httpbin-other', 'httpbin-mirror', 'httpbin-second', 'httpbin-wildcard', 'foo-svc', 'svc1', 'svc2', 'svc3', 'svc4', 'a-example', 'b-example'].flatMap(name =>
  ['default', 'allowed-1', 'allowed-2'].map(ns => service(ns, name, name.startsWith('httpbin') || name.startsWith('svc') ? [80, 8080] : name === 'foo-svc' ? [8000] : [80, 8080])),
);

/** Defaulted like the API server, then brought to one spelling where the two directions differ only in form. */
function normalRule(rule: any): unknown {
  const {name: _name, ...rest} = (validateHttpRoute({apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: {name: 'x'}, spec: {rules: [rule]}}).object.spec as any).rules[0];
  const filters = (rest.filters ?? []).map((f: any) => {
    if (f.urlRewrite?.path?.replacePrefixMatch === '') return {...f, urlRewrite: {...f.urlRewrite, path: {...f.urlRewrite.path, replacePrefixMatch: '/'}}}; // Istio writes "" as "/"
    if (f.requestMirror?.fraction) {
      const {fraction, ...m} = f.requestMirror;
      return {...f, requestMirror: {...m, percent: (100 * fraction.numerator) / fraction.denominator}};
    }
    return f;
  });
  // Istio drops weight-0 backends next to others, and a lone backend takes everything whatever its weight.
  let backendRefs = rest.backendRefs?.filter((b: any) => b.weight !== 0 || rest.backendRefs.every((o: any) => o.weight === 0));
  if (backendRefs?.length === 1 && backendRefs[0].weight !== 0) backendRefs = [{...backendRefs[0], weight: 1}];
  if (backendRefs?.every((b: any) => b.weight === 0)) backendRefs = ['500'];
  // Istio writes the backendRequest timeout as the VirtualService timeout (golden http-timeout-backend-request).
  const timeouts = rest.timeouts?.backendRequest ? {request: rest.timeouts.backendRequest} : rest.timeouts;
  return {...rest, filters: filters.map(canonical).sort(), backendRefs, timeouts};
}

/** JSON with sorted keys: filter order and key order carry no meaning here. */
function canonical(x: unknown): string {
  const sort = (v: any): any => (Array.isArray(v) ? v.map(sort) : v && typeof v === 'object' ? Object.fromEntries(Object.keys(v).sort().map(k => [k, sort(v[k])])) : v);
  return JSON.stringify(sort(x));
}

test('Istio goldens (mesh, http, weighted, zero, route-precedence) converted back give the HTTPRoute rules they came from', () => {
  const lookupGolden = serviceLookup(GOLDEN_SERVICES);
  // Experimental retry, parentRef ports (a match.port per VirtualService), TCP/TLS routes, InferencePool
  // backends, and the cross-namespace consumer route (refused on purpose: waypoints ignore consumer routes).
  const allowed = [/\.retries$/, /\.match\[\d+\]\.port$/, /^spec\.(tcp|tls)\[\d+\]$/, /infpool/, /waypoints ignore|ReferenceGrant/];
  let compared = 0;
  for (const file of ['mesh', 'http', 'weighted', 'zero', 'route-precedence']) {
    const inputs = loadYaml(`${GOLDENS}${file}.yaml`).filter(d => d.kind === 'HTTPRoute');
    loadYaml(`${GOLDENS}${file}.yaml.golden`)
      .filter(d => d.kind === 'VirtualService')
      .forEach((golden, n) => {
        const namespace = golden.metadata.namespace!;
        const mesh = (golden.spec.gateways ?? []).includes('mesh');
        const host = mesh ? golden.spec.hosts[0].split('.')[0] : 'httpbin';
        const hosts = mesh ? golden.spec.hosts : [`${host}.${namespace}.svc.domain.suffix`];
        const input: KubeObject = {...golden, metadata: {name: `golden-${n}`, namespace}, spec: {...golden.spec, hosts, gateways: undefined}};
        delete input.spec.gateways;
        const c = convert(input, lookupGolden);
        const label = `${file} ${golden.metadata.name}`;
        if (c.untranslatable.length > 0) {
          for (const u of c.untranslatable) assert.ok(allowed.some(re => re.test(u.path) || re.test(u.reason)), `${label}: ${u.path} ${u.reason}`);
          return;
        }
        // Each reachable golden rule gives one HTTPRoute rule, in order. Istio's merged VirtualService for host *
        // has a catch-all before a redirect: that one is unreachable and left out.
        const generated = [...rules(c)];
        golden.spec.http.forEach((vsRule: any, i: number) => {
          if (c.warnings.some(w => w.path === `spec.http[${i}]` && /never reaches/.test(w.reason))) return;
          const mine = generated.shift();
          // Istio names rules <namespace>.<route>.<index> unless the HTTPRoute rule has a name.
          const [, routeNs, routeName, index] = /^([^.]+)\.(.+)\.(\d+)$/.exec(vsRule.name) ?? [];
          const source = routeName
            ? inputs.find(r => r.metadata.name === routeName && (r.metadata.namespace ?? 'default') === routeNs)?.spec.rules[Number(index)]
            : inputs.flatMap(r => r.spec.rules).find((r: any) => r.name === vsRule.name);
          assert.ok(source, `${label}: no source rule for ${vsRule.name}`);
          // Istio writes each match of a multi-match rule as its own VirtualService rule with the rule's name.
          const {matches, ...rest} = normalRule(mine) as any;
          const {matches: sourceMatches, ...sourceRest} = normalRule(source) as any;
          assert.deepEqual(rest, sourceRest, `${label} ${vsRule.name}`);
          for (const m of matches) assert.ok(sourceMatches.map(canonical).includes(canonical(m)), `${label} ${vsRule.name} ${canonical(m)}`);
          if (golden.spec.http.filter((r: any) => r.name === vsRule.name).length === 1) assert.equal(mine.name, vsRule.name);
          compared++;
        });
        assert.deepEqual(generated, [], label);
        if (mesh) {
          const parents = inputs.flatMap(r => r.spec.parentRefs).filter((p: any) => p.kind === 'Service' && p.name === host && p.port === undefined);
          assert.deepEqual(c.routes[0]!.spec.parentRefs, [parents[0]], label);
        }
      });
  }
  assert.ok(compared >= 30, String(compared));
});

// --- Everything produced above is a valid HTTPRoute ----------------------------------------------------

test('every route produced by the tests above validates against the HTTPRoute CRD schema and its CEL rules', () => {
  assert.ok(produced.length >= 60, String(produced.length));
  for (const r of produced) {
    const outcome = validateHttpRoute(r);
    assert.deepEqual(outcome.causes, [], `${r.metadata.name}: ${JSON.stringify(outcome.causes)}`);
    assert.deepEqual(outcome.unknownFields, [], r.metadata.name);
    assert.deepEqual(checkHttpRoute(r), [], r.metadata.name);
  }
});

test('a regex RE2 runs in linear time but a backtracking engine does not, such as (a+)+b against a long path: judged within a time budget, as unknown (found by npm run fuzz)', () => {
  const path = 'a'.repeat(40);
  const started = performance.now();
  const c = convert(vs({http: [{match: [{uri: {regex: '(a+)+b'}}], route: [to('v1')]}, {match: [{uri: {exact: path}}], route: [to('v2')]}]}));
  assert.ok(performance.now() - started < 5_000, `took ${Math.round(performance.now() - started)} ms`);
  // Whether the regex takes the exact path is unknown, so the two may overlap: the order cannot be kept.
  assert.deepEqual(c.routes, []);
  assert.ok(paths(c.untranslatable).includes('spec.http[1].match[0]'), JSON.stringify(c.untranslatable));
  assert.equal(fullRegexMatch('(a+)+b', path), undefined);
  assert.equal(fullRegexMatch('(a+)+b', 'aab'), undefined, 'a regex that ran out of time once stays unknown');
  assert.equal(fullRegexMatch('(ab)+', 'abab'), true);
  assert.equal(fullRegexMatch('/v[0-9]+', '/v12'), true);
  assert.equal(fullRegexMatch('/v[0-9]+', '/v12/x'), false);
  assert.equal(fullRegexMatch('(', 'x'), undefined);
});

test('a mirror percentage set without a value is 0: Istio then mirrors nothing, so the RequestMirror gets percent 0, not everything (found by npm run fuzz)', () => {
  const c = convert(rule({mirror: {host: 'shadow'}, mirror_percent: 1, mirrorPercentage: {}, mirrors: [{destination: {host: 'ratings'}, percentage: {}}, {destination: {host: 'reviews'}}]}));
  assert.deepEqual(
    rules(c)[0].filters.map((f: any) => f.requestMirror),
    [
      {backendRef: {name: 'shadow', port: 8080}, percent: 0},
      {backendRef: {name: 'ratings', port: 9080}, percent: 0},
      {backendRef: {name: 'reviews', port: 9080}},
    ],
  );
});
