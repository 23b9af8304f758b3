/**
 * `evaluate`: who routes a request, where it goes, and which enforcement points see it — waypoint binding
 * (`istio.io/use-waypoint` on namespace, Service and pod, `none`, `-namespace`, `waypoint-for`,
 * `ingress-use-waypoint`) and the composition of verdicts. The authorizer is the test stand-in.
 */
import assert from 'node:assert/strict';
import {describe, test} from 'node:test';
import yaml from 'js-yaml';
import {evaluate} from '../../../source/core/traffic/evaluate.ts';
import type {CallerClass, RequestClass} from '../../../source/core/traffic/types.ts';
import {World} from '../../../source/core/traffic/world.ts';
import {app, cluster, fakeAuthorize, join, ns} from './helpers.ts';

const waypoint = (name: string, namespace = 'shop', labels: Record<string, string> = {}, allowAll = false) =>
  yaml.dump({apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: {name, namespace, labels}, spec: {gatewayClassName: 'istio-waypoint', listeners: [{name: 'mesh', port: 15008, protocol: 'HBONE', ...(allowAll ? {allowedRoutes: {namespaces: {from: 'All'}}} : {})}]}});
const reviews = (serviceLabels?: Record<string, string>, podLabels?: Record<string, string>) =>
  join(app('shop', 'reviews', {version: 'v1', labels: serviceLabels, podLabels}), app('shop', 'reviews', {version: 'v2', service: false, podLabels}));
const versionServices = ['v1', 'v2'].map(v => yaml.dump({apiVersion: 'v1', kind: 'Service', metadata: {name: `reviews-${v}`, namespace: 'shop'}, spec: {selector: {app: 'reviews', version: v}, ports: [{name: 'http', port: 9080}]}})).join('---\n');
const jasonRoute = yaml.dump({apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: {name: 'reviews', namespace: 'shop'}, spec: {parentRefs: [{group: '', kind: 'Service', name: 'reviews', port: 9080}], rules: [{matches: [{headers: [{name: 'end-user', value: 'jason'}]}], backendRefs: [{name: 'reviews-v2', port: 9080}]}, {backendRefs: [{name: 'reviews-v1', port: 9080}]}]}});
const getOnly = (target: Record<string, unknown>) =>
  yaml.dump({apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: {name: 'get-only', namespace: 'shop'}, spec: {...target, action: 'ALLOW', rules: [{to: [{operation: {methods: ['GET']}}]}]}});
const onService = {targetRefs: [{kind: 'Service', group: '', name: 'reviews'}]};
const onPods = {selector: {matchLabels: {app: 'reviews'}}};

const ambientShop = (nsLabels: Record<string, string> = {'istio.io/use-waypoint': 'waypoint'}, ...rest: string[]) =>
  join(ns('shop', {'istio.io/dataplane-mode': 'ambient', ...nsLabels}), ns('client', {}), waypoint('waypoint'), ...rest);

const caller = (mode: CallerClass['mode'], extra: Partial<CallerClass> = {}): CallerClass => ({kind: 'workload', namespace: 'client', serviceAccount: 'productpage', mode, ...extra});
const request = (c: CallerClass, method = 'GET', headers: Record<string, string> = {}): RequestClass => ({
  id: 'test',
  caller: c,
  target: {kind: 'service', namespace: 'shop', name: 'reviews', port: 9080},
  http: {method, path: '/', headers},
});

interface Case {
  name: string;
  objects: string;
  request: RequestClass;
  path: string[];
  backends?: Array<[string, number]>;
  decision?: 'allow' | 'deny';
  decidedBy?: string;
}

const CASES: Case[] = [
  {
    name: 'ambient caller, namespace bound to a waypoint: the waypoint routes and enforces',
    objects: ambientShop(undefined, reviews(), versionServices, jasonRoute, getOnly(onService)),
    request: request(caller('ambient'), 'POST', {'end-user': 'jason'}),
    path: ['waypoint', 'ztunnel'],
    backends: [['reviews-v2', 1]],
    decision: 'deny',
    decidedBy: 'shop/get-only',
  },
  {
    name: 'sidecar caller of the same Service: its sidecar routes (GAMMA), the waypoint is bypassed',
    objects: ambientShop(undefined, reviews(), versionServices, jasonRoute, getOnly(onService)),
    request: request(caller('sidecar'), 'POST', {'end-user': 'jason'}),
    path: ['client-sidecar', 'ztunnel'],
    backends: [['reviews-v2', 1]],
    decision: 'allow',
  },
  {
    name: 'Service use-waypoint=none beats the namespace: no waypoint, no route, plain load-balancing',
    objects: ambientShop(undefined, reviews({'istio.io/use-waypoint': 'none'}), versionServices, jasonRoute, getOnly(onService)),
    request: request(caller('ambient'), 'POST', {'end-user': 'jason'}),
    path: ['ztunnel'],
    backends: [['reviews-v1', 0.5], ['reviews-v2', 0.5]],
    decision: 'allow',
  },
  {
    name: 'a Service label names another waypoint than the namespace',
    objects: ambientShop(undefined, waypoint('special'), reviews({'istio.io/use-waypoint': 'special'}), yaml.dump({apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: {name: 'special-deny', namespace: 'shop'}, spec: {targetRefs: [{kind: 'Gateway', group: 'gateway.networking.k8s.io', name: 'special'}], action: 'DENY', rules: [{}]}})),
    request: request(caller('ambient')),
    path: ['waypoint', 'ztunnel'],
    decision: 'deny',
    decidedBy: 'shop/special-deny',
  },
  {
    name: 'a Service label naming a missing waypoint leaves it unbound (no fall back to the namespace)',
    objects: ambientShop(undefined, reviews({'istio.io/use-waypoint': 'nope'})),
    request: request(caller('ambient')),
    path: ['ztunnel'],
  },
  {
    name: 'no label anywhere: ztunnel only',
    objects: ambientShop({}, reviews()),
    request: request(caller('ambient')),
    path: ['ztunnel'],
  },
  {
    name: 'a waypoint for nothing (waypoint-for=none) takes no traffic',
    objects: join(ns('shop', {'istio.io/dataplane-mode': 'ambient', 'istio.io/use-waypoint': 'wl'}), ns('client'), waypoint('wl', 'shop', {'istio.io/waypoint-for': 'none'}), reviews()),
    request: request(caller('ambient')),
    path: ['ztunnel'],
  },
  {
    name: 'a waypoint for workloads bound by the namespace: the Service is not, its pods are',
    objects: join(ns('shop', {'istio.io/dataplane-mode': 'ambient', 'istio.io/use-waypoint': 'wl'}), ns('client'), waypoint('wl', 'shop', {'istio.io/waypoint-for': 'workload'}), reviews(), versionServices, jasonRoute),
    // Service traffic is not routed by the waypoint (it is not the Service's): both versions, then the workload waypoint.
    request: request(caller('ambient'), 'GET', {'end-user': 'jason'}),
    path: ['waypoint', 'ztunnel'],
    backends: [['reviews-v1', 0.5], ['reviews-v2', 0.5]],
  },
  {
    name: '… but a pod bound to it gets it (workload waypoint)',
    objects: join(ns('shop', {'istio.io/dataplane-mode': 'ambient'}), ns('client'), waypoint('wl', 'shop', {'istio.io/waypoint-for': 'workload'}), reviews(undefined, {'istio.io/use-waypoint': 'wl'})),
    request: request(caller('ambient')),
    path: ['waypoint', 'ztunnel'],
  },
  {
    name: 'cross-namespace waypoint: bound when its listener allows the namespace',
    objects: join(ns('shop', {'istio.io/dataplane-mode': 'ambient', 'istio.io/use-waypoint': 'shared', 'istio.io/use-waypoint-namespace': 'infra'}), ns('infra'), ns('client'), waypoint('shared', 'infra', {}, true), reviews()),
    request: request(caller('ambient')),
    path: ['waypoint', 'ztunnel'],
  },
  {
    name: 'cross-namespace waypoint: not bound when its listener admits only its own namespace',
    objects: join(ns('shop', {'istio.io/dataplane-mode': 'ambient', 'istio.io/use-waypoint': 'shared', 'istio.io/use-waypoint-namespace': 'infra'}), ns('infra'), ns('client'), waypoint('shared', 'infra'), reviews()),
    request: request(caller('ambient')),
    path: ['ztunnel'],
  },
  {
    name: 'the ingress gateway bypasses the waypoint by default',
    objects: ambientShop(undefined, reviews(), getOnly(onService)),
    request: request({kind: 'ingress', namespace: 'istio-system', serviceAccount: 'istio-ingressgateway-service-account', mode: 'gateway'}, 'POST'),
    path: ['ingress-gateway', 'ztunnel'],
    decision: 'allow',
  },
  {
    name: '… and uses it with istio.io/ingress-use-waypoint=true',
    objects: ambientShop(undefined, reviews({'istio.io/ingress-use-waypoint': 'true'}), getOnly(onService)),
    request: request({kind: 'ingress', namespace: 'istio-system', serviceAccount: 'istio-ingressgateway-service-account', mode: 'gateway'}, 'POST'),
    path: ['ingress-gateway', 'waypoint', 'ztunnel'],
    decision: 'deny',
  },
  {
    name: 'ztunnel drops an ALLOW with only HTTP rules: the pods deny everything',
    objects: ambientShop({}, reviews(), getOnly(onPods)),
    request: request(caller('ambient'), 'GET'),
    path: ['ztunnel'],
    decision: 'deny',
  },
  {
    name: 'a sidecar destination enforces the same policy with its HTTP rules',
    objects: join(ns('shop', {'istio-injection': 'enabled'}), ns('client'), reviews(), getOnly(onPods)),
    request: request(caller('sidecar'), 'GET'),
    path: ['client-sidecar', 'destination-sidecar'],
    decision: 'allow',
    decidedBy: 'shop/get-only',
  },
  {
    name: 'plaintext caller refused by STRICT mTLS at the destination sidecar',
    objects: join(ns('shop', {'istio-injection': 'enabled'}), reviews(), yaml.dump({apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: {name: 'strict', namespace: 'shop'}, spec: {mtls: {mode: 'STRICT'}}})),
    request: request({kind: 'plaintext', namespace: 'other', mode: 'none'}),
    path: ['destination-sidecar'],
    decision: 'deny',
  },
  {
    name: 'a destination outside the mesh: nobody enforces',
    objects: join(ns('shop'), reviews(), getOnly(onPods)),
    request: request(caller('sidecar'), 'POST'),
    path: ['client-sidecar'],
    decision: 'allow',
  },
];

describe('evaluate', () => {
  for (const c of CASES) {
    test(c.name, () => {
      const world = World.fromInventory(cluster(c.objects));
      const out = evaluate(world, c.request, {authorize: fakeAuthorize});
      assert.ok(out.backends.length > 0, 'reaches something');
      for (const b of out.backends) assert.deepEqual(b.path, c.path, `${b.workload}: ${b.path.join(' → ')}`);
      if (c.backends) assert.deepEqual(out.backends.map(b => [b.workload, b.weight]), c.backends);
      if (c.decision) assert.equal(out.verdict.decision, c.decision, out.verdict.reason);
      if (c.decidedBy) assert.equal(out.verdict.decidedBy && `${out.verdict.decidedBy.policy.namespace}/${out.verdict.decidedBy.policy.name}`, c.decidedBy);
    });
  }
});
