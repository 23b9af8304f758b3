/**
 * Routing (`routes.ts`): mesh VirtualServices as sidecars apply them, HTTPRoutes with Service parents as
 * istiod orders and merges them, and ingress-bound VirtualServices. Each case is a small cluster and one
 * request; the expected destination is the Service subset or version Service the route picks.
 */
import assert from 'node:assert/strict';
import {describe, test} from 'node:test';
import yaml from 'js-yaml';
import {route, type RouteInput} from '../../../source/core/traffic/routes.ts';
import {World} from '../../../source/core/traffic/world.ts';
import {app, cluster, join, ns} from './helpers.ts';

const HOST = 'reviews.shop.svc.cluster.local';
const base = join(ns('shop', {'istio-injection': 'enabled'}), app('shop', 'reviews', {version: 'v1'}), app('shop', 'reviews', {version: 'v2', service: false}), app('shop', 'reviews', {version: 'v3', service: false}));
const dr = yaml.dump({apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: {name: 'reviews', namespace: 'shop'}, spec: {host: 'reviews', subsets: ['v1', 'v2', 'v3'].map(v => ({name: v, labels: {version: v}}))}});
const versionServices = ['v1', 'v2', 'v3'].map(v => yaml.dump({apiVersion: 'v1', kind: 'Service', metadata: {name: `reviews-${v}`, namespace: 'shop'}, spec: {selector: {app: 'reviews', version: v}, ports: [{name: 'http', port: 9080}]}})).join('---\n');

const vs = (name: string, spec: Record<string, unknown>, created?: string) =>
  yaml.dump({apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: {name, namespace: 'shop', ...(created ? {creationTimestamp: created} : {})}, spec});
const to = (subset: string, weight?: number) => ({destination: {host: 'reviews', subset}, ...(weight !== undefined ? {weight} : {})});
const hr = (name: string, rules: unknown[], created: string, port?: number) =>
  yaml.dump({apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: {name, namespace: 'shop', creationTimestamp: created}, spec: {parentRefs: [{group: '', kind: 'Service', name: 'reviews', ...(port ? {port} : {})}], rules}});
const backend = (v: string, weight?: number) => ({name: `reviews-${v}`, port: 9080, ...(weight !== undefined ? {weight} : {})});

interface Case {
  name: string;
  objects: string;
  input?: Partial<RouteInput>;
  /** `subset` or `host` of each destination with its share, or a status. */
  expect: Array<[string, number]> | {status: number} | 'default';
  by?: string;
}

const req = (path = '/', headers: Record<string, string> = {}, method = 'GET') => ({http: {method, path, headers}});

const firstMatchVs = vs('reviews', {
  hosts: ['reviews'],
  http: [
    {match: [{headers: {'end-user': {exact: 'jason'}}}], route: [to('v2')]},
    {match: [{uri: {prefix: '/api'}}], route: [to('v3')]},
    {route: [to('v1', 90), to('v3', 10)]},
  ],
});

const CASES: Case[] = [
  {name: 'VS: first match wins (header before uri)', objects: join(base, dr, firstMatchVs), input: req('/api/x', {'end-user': 'jason'}), expect: [['v2', 1]], by: 'VirtualService shop/reviews#0'},
  {name: 'VS: raw uri prefix matches /apiv2', objects: join(base, dr, firstMatchVs), input: req('/apiv2'), expect: [['v3', 1]], by: 'VirtualService shop/reviews#1'},
  {name: 'VS: weighted default route', objects: join(base, dr, firstMatchVs), input: req('/'), expect: [['v1', 0.9], ['v3', 0.1]], by: 'VirtualService shop/reviews#2'},
  {name: 'VS: no route matches → 404', objects: join(base, dr, vs('reviews', {hosts: ['reviews'], http: [{match: [{uri: {exact: '/only'}}], route: [to('v2')]}]})), input: req('/other'), expect: {status: 404}},
  {name: 'VS: method and regex uri', objects: join(base, dr, vs('reviews', {hosts: ['reviews'], http: [{match: [{method: {exact: 'POST'}, uri: {regex: '/items/[0-9]+'}}], route: [to('v2')]}, {route: [to('v1')]}]})), input: req('/items/42', {}, 'POST'), expect: [['v2', 1]]},
  {name: 'VS: regex is a full match', objects: join(base, dr, vs('reviews', {hosts: ['reviews'], http: [{match: [{uri: {regex: '/items/[0-9]+'}}], route: [to('v2')]}, {route: [to('v1')]}]})), input: req('/items/42/x'), expect: [['v1', 1]]},
  {name: 'VS: port match', objects: join(base, dr, vs('reviews', {hosts: ['reviews'], http: [{match: [{port: 9999}], route: [to('v2')]}, {route: [to('v1')]}]})), input: req('/'), expect: [['v1', 1]]},
  {name: 'VS: sourceLabels select the caller', objects: join(base, dr, vs('reviews', {hosts: ['reviews'], http: [{match: [{sourceLabels: {app: 'productpage'}}], route: [to('v2')]}, {route: [to('v1')]}]})), input: {...req('/'), source: {namespace: 'shop', labels: {app: 'productpage'}}}, expect: [['v2', 1]]},
  {name: 'VS: sourceLabels not carried → next route', objects: join(base, dr, vs('reviews', {hosts: ['reviews'], http: [{match: [{sourceLabels: {app: 'productpage'}}], route: [to('v2')]}, {route: [to('v1')]}]})), input: {...req('/'), source: {namespace: 'shop', labels: {app: 'other'}}}, expect: [['v1', 1]]},
  {
    name: 'two VS for one host: only the oldest applies',
    objects: join(base, dr, vs('newer', {hosts: ['reviews'], http: [{route: [to('v2')]}]}, '2025-06-01T00:00:00Z'), vs('older', {hosts: ['reviews.shop.svc.cluster.local'], http: [{route: [to('v3')]}]}, '2025-01-01T00:00:00Z')),
    input: req('/'),
    expect: [['v3', 1]],
    by: 'VirtualService shop/older#0',
  },
  {
    name: 'two VS for one host: the other one when it is older',
    objects: join(base, dr, vs('newer', {hosts: ['reviews'], http: [{route: [to('v2')]}]}, '2024-06-01T00:00:00Z'), vs('older', {hosts: ['reviews.shop.svc.cluster.local'], http: [{route: [to('v3')]}]}, '2025-01-01T00:00:00Z')),
    input: req('/'),
    expect: [['v2', 1]],
  },
  {name: 'exact host beats an older wildcard', objects: join(base, dr, vs('wild', {hosts: ['*.shop.svc.cluster.local'], http: [{route: [to('v2')]}]}, '2020-01-01T00:00:00Z'), vs('exact', {hosts: ['reviews'], http: [{route: [to('v3')]}]})), input: req('/'), expect: [['v3', 1]]},
  {name: 'VS bound only to an ingress gateway: not for mesh traffic', objects: join(base, dr, vs('reviews', {hosts: ['reviews'], gateways: ['shop-gateway'], http: [{route: [to('v2')]}]})), input: req('/'), expect: 'default'},
  {name: 'VS bound to mesh and an ingress gateway: mesh traffic', objects: join(base, dr, vs('reviews', {hosts: ['reviews'], gateways: ['mesh', 'shop-gateway'], http: [{route: [to('v2')]}]})), input: req('/'), expect: [['v2', 1]]},
  {name: 'VS bound to mesh and an ingress gateway: ingress traffic', objects: join(base, dr, vs('reviews', {hosts: ['reviews'], gateways: ['mesh', 'shop-gateway'], http: [{route: [to('v2')]}]})), input: {...req('/'), gateway: 'shop/shop-gateway'}, expect: [['v2', 1]]},
  {
    name: 'a match naming gateways skips the sourceLabels check (istiod sourceMatchHTTP)',
    objects: join(base, dr, vs('reviews', {hosts: ['reviews'], http: [{match: [{gateways: ['mesh'], sourceLabels: {app: 'nobody'}}], route: [to('v2')]}, {route: [to('v1')]}]})),
    input: {...req('/'), source: {namespace: 'shop', labels: {app: 'web'}}},
    expect: [['v2', 1]],
  },
  {
    name: 'waypoint: every list for the host merges, oldest first (a newer VS still serves what the older does not match)',
    objects: join(base, dr, vs('older', {hosts: ['reviews'], http: [{match: [{uri: {prefix: '/a'}}], route: [to('v2')]}]}, '2025-01-01T00:00:00Z'), vs('newer', {hosts: ['reviews'], http: [{route: [to('v3')]}]}, '2025-06-01T00:00:00Z')),
    input: {...req('/b'), waypointNamespace: 'shop'},
    expect: [['v3', 1]],
    by: 'VirtualService shop/newer#0',
  },
  {
    name: '… while a sidecar applies the older one alone: 404',
    objects: join(base, dr, vs('older', {hosts: ['reviews'], http: [{match: [{uri: {prefix: '/a'}}], route: [to('v2')]}]}, '2025-01-01T00:00:00Z'), vs('newer', {hosts: ['reviews'], http: [{route: [to('v3')]}]}, '2025-06-01T00:00:00Z')),
    input: req('/b'),
    expect: {status: 404},
  },
  {
    name: 'waypoint: lists from other namespaces than the Service\'s and its own are ignored',
    objects: join(base, dr, ns('elsewhere'), yaml.dump({apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: {name: 'foreign', namespace: 'elsewhere'}, spec: {hosts: ['reviews.shop.svc.cluster.local'], http: [{route: [{destination: {host: 'reviews.shop.svc.cluster.local', subset: 'v2'}}]}]}})),
    input: {...req('/'), waypointNamespace: 'shop'},
    expect: 'default',
  },
  {name: 'match-level gateways restrict a route', objects: join(base, dr, vs('reviews', {hosts: ['reviews'], gateways: ['mesh', 'shop-gateway'], http: [{match: [{gateways: ['shop-gateway']}], route: [to('v2')]}, {route: [to('v1')]}]})), input: req('/'), expect: [['v1', 1]]},
  {
    name: 'delegate: its routes replace the root route, under the root match',
    objects: join(base, dr, vs('root', {hosts: ['reviews'], http: [{match: [{uri: {prefix: '/r'}}], delegate: {name: 'leaf', namespace: 'shop'}}, {route: [to('v1')]}]}), vs('leaf', {http: [{match: [{uri: {prefix: '/r/a'}}], route: [to('v3')]}]})),
    input: req('/r/a/1'),
    expect: [['v3', 1]],
  },
  {
    name: 'delegate: no delegate route matches → next root route',
    objects: join(base, dr, vs('root', {hosts: ['reviews'], http: [{match: [{uri: {prefix: '/r'}}], delegate: {name: 'leaf', namespace: 'shop'}}, {route: [to('v1')]}]}), vs('leaf', {http: [{match: [{uri: {prefix: '/r/a'}}], route: [to('v3')]}]})),
    input: req('/r/b'),
    expect: [['v1', 1]],
  },
  // ---- HTTPRoute
  {name: 'HTTPRoute: header match, default rule', objects: join(base, versionServices, hr('reviews', [{matches: [{headers: [{name: 'end-user', value: 'jason'}]}], backendRefs: [backend('v2')]}, {backendRefs: [backend('v1')]}], '2025-01-01T00:00:00Z')), input: req('/', {'end-user': 'jason'}), expect: [['reviews-v2.shop.svc.cluster.local', 1]]},
  {name: 'HTTPRoute: weights default to 1, 0 drops the backend', objects: join(base, versionServices, hr('reviews', [{backendRefs: [backend('v1'), backend('v2'), backend('v3', 0)]}], '2025-01-01T00:00:00Z')), input: req('/'), expect: [['reviews-v1.shop.svc.cluster.local', 0.5], ['reviews-v2.shop.svc.cluster.local', 0.5]]},
  {name: 'HTTPRoute: all backends weigh 0 → 500', objects: join(base, versionServices, hr('reviews', [{backendRefs: [backend('v1', 0)]}], '2025-01-01T00:00:00Z')), input: req('/'), expect: {status: 500}},
  {name: 'HTTPRoute: PathPrefix matches whole segments only', objects: join(base, versionServices, hr('reviews', [{matches: [{path: {type: 'PathPrefix', value: '/api'}}], backendRefs: [backend('v2')]}, {backendRefs: [backend('v1')]}], '2025-01-01T00:00:00Z')), input: req('/apiv2'), expect: [['reviews-v1.shop.svc.cluster.local', 1]]},
  {
    name: 'HTTPRoute precedence: Exact beats a longer prefix, whatever the order',
    objects: join(base, versionServices, hr('a', [{matches: [{path: {type: 'PathPrefix', value: '/api/items'}}], backendRefs: [backend('v1')]}], '2025-01-01T00:00:00Z'), hr('b', [{matches: [{path: {type: 'Exact', value: '/api/items'}}], backendRefs: [backend('v2')]}], '2025-02-01T00:00:00Z')),
    input: req('/api/items'),
    expect: [['reviews-v2.shop.svc.cluster.local', 1]],
  },
  {
    name: 'HTTPRoute precedence: a trailing / is trimmed before comparing prefix lengths',
    // Untrimmed, `/api/` (5) would beat `/api` (4) and send to v1; istiod compares `/api` with `/api`,
    // then the header count decides: v2.
    objects: join(base, versionServices, hr('older', [{matches: [{path: {type: 'PathPrefix', value: '/api/'}}], backendRefs: [backend('v1')]}], '2025-01-01T00:00:00Z'), hr('newer', [{matches: [{path: {type: 'PathPrefix', value: '/api'}, headers: [{name: 'x-test', value: '1'}]}], backendRefs: [backend('v2')]}], '2025-02-01T00:00:00Z')),
    input: req('/api/x', {'x-test': '1'}),
    expect: [['reviews-v2.shop.svc.cluster.local', 1]],
  },
  {
    name: 'HTTPRoute precedence: equal matches → the older route',
    objects: join(base, versionServices, hr('newer', [{matches: [{path: {type: 'PathPrefix', value: '/api'}}], backendRefs: [backend('v2')]}], '2025-02-01T00:00:00Z'), hr('older', [{matches: [{path: {type: 'PathPrefix', value: '/api'}}], backendRefs: [backend('v1')]}], '2025-01-01T00:00:00Z')),
    input: req('/api'),
    expect: [['reviews-v1.shop.svc.cluster.local', 1]],
    by: 'HTTPRoute shop/older#0',
  },
  {
    name: 'HTTPRoutes of one parent merge: a rule dead in one route goes live',
    // Route a alone: `/` catches everything first. Merged with b, b's longer prefix sorts ahead of it.
    objects: join(base, versionServices, hr('a', [{matches: [{path: {type: 'PathPrefix', value: '/'}}], backendRefs: [backend('v1')]}], '2025-01-01T00:00:00Z'), hr('b', [{matches: [{path: {type: 'PathPrefix', value: '/beta'}}], backendRefs: [backend('v3')]}], '2025-02-01T00:00:00Z')),
    input: req('/beta/x'),
    expect: [['reviews-v3.shop.svc.cluster.local', 1]],
  },
  {name: 'HTTPRoute parentRef port limits it to that port', objects: join(base, versionServices, hr('reviews', [{backendRefs: [backend('v2')]}], '2025-01-01T00:00:00Z', 9999)), input: req('/'), expect: 'default'},
  {
    name: 'VS and HTTPRoute for one host: the older list applies',
    objects: join(base, dr, versionServices, vs('reviews', {hosts: ['reviews'], http: [{route: [to('v3')]}]}, '2025-03-01T00:00:00Z'), hr('reviews', [{backendRefs: [backend('v2')]}], '2025-01-01T00:00:00Z')),
    input: req('/'),
    expect: [['reviews-v2.shop.svc.cluster.local', 1]],
  },
];

describe('route', () => {
  for (const c of CASES) {
    test(c.name, () => {
      const world = World.fromInventory(cluster(c.objects));
      const decision = route(world, {host: HOST, port: 9080, gateway: 'mesh', ...c.input});
      if (c.expect === 'default') {
        assert.equal(decision.by, null);
        assert.deepEqual(decision.destinations.map(d => d.host), [HOST]);
      } else if ('status' in c.expect) {
        assert.equal(decision.status, c.expect.status);
        assert.deepEqual(decision.destinations, []);
      } else {
        const got = decision.destinations.map(d => [d.subset ?? d.host, Math.round(d.weight * 1000) / 1000]);
        assert.deepEqual(got, c.expect, JSON.stringify(decision));
      }
      if (c.by) assert.equal(decision.by && `${decision.by.kind} ${decision.by.namespace}/${decision.by.name}#${decision.by.rule}`, c.by);
    });
  }
});
