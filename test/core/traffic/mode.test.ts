/**
 * Data-plane mode per pod (`mode.ts`): what runs now (annotations) and what a new pod would get (injector
 * webhook selectors, istiod's `injectRequired`, istio-cni's enablement selectors).
 */
import assert from 'node:assert/strict';
import {describe, test} from 'node:test';
import yaml from 'js-yaml';
import {currentMode, decideMode, namespaceRevision} from '../../../source/core/traffic/mode.ts';
import {World} from '../../../source/core/traffic/world.ts';
import {cluster, join, ns} from './helpers.ts';

/** One injector configuration as the chart renders it for a revision (rev.namespace / rev.object webhooks). */
function revisionWebhook(revision: string, name = `istio-sidecar-injector-${revision}`, extraLabels: Record<string, string> = {}, selectorValue = revision): string {
  return yaml.dump({
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'MutatingWebhookConfiguration',
    metadata: {name, labels: {'istio.io/rev': revision, ...extraLabels}},
    webhooks: [
      {name: 'rev.namespace.sidecar-injector.istio.io', namespaceSelector: {matchExpressions: [{key: 'istio.io/rev', operator: 'In', values: [selectorValue]}, {key: 'istio-injection', operator: 'DoesNotExist'}]}, objectSelector: {matchExpressions: [{key: 'sidecar.istio.io/inject', operator: 'NotIn', values: ['false']}]}},
      {name: 'rev.object.sidecar-injector.istio.io', namespaceSelector: {matchExpressions: [{key: 'istio.io/rev', operator: 'DoesNotExist'}, {key: 'istio-injection', operator: 'DoesNotExist'}]}, objectSelector: {matchExpressions: [{key: 'sidecar.istio.io/inject', operator: 'NotIn', values: ['false']}, {key: 'istio.io/rev', operator: 'In', values: [selectorValue]}]}},
    ],
  });
}

/** The default revision's configuration with `enableNamespacesByDefault` (the extra `auto.` webhook). */
const defaultWithAuto = yaml.dump({
  apiVersion: 'admissionregistration.k8s.io/v1',
  kind: 'MutatingWebhookConfiguration',
  metadata: {name: 'istio-sidecar-injector', labels: {'istio.io/rev': 'default'}},
  webhooks: [
    {name: 'namespace.sidecar-injector.istio.io', namespaceSelector: {matchExpressions: [{key: 'istio-injection', operator: 'In', values: ['enabled']}]}, objectSelector: {matchExpressions: [{key: 'sidecar.istio.io/inject', operator: 'NotIn', values: ['false']}]}},
    {name: 'auto.sidecar-injector.istio.io', namespaceSelector: {matchExpressions: [{key: 'istio-injection', operator: 'DoesNotExist'}, {key: 'istio.io/rev', operator: 'DoesNotExist'}, {key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['kube-system', 'kube-public', 'kube-node-lease', 'local-path-storage']}]}, objectSelector: {matchExpressions: [{key: 'sidecar.istio.io/inject', operator: 'DoesNotExist'}, {key: 'istio.io/rev', operator: 'DoesNotExist'}]}},
  ],
});

interface Case {
  name: string;
  objects: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  hostNetwork?: boolean;
  mode: 'sidecar' | 'ambient' | 'none';
  revision?: string;
}

const CASES: Case[] = [
  {name: 'istio-injection=enabled injects (chart default webhooks)', objects: ns('a', {'istio-injection': 'enabled'}), mode: 'sidecar', revision: 'default'},
  {name: 'a pod label sidecar.istio.io/inject=false opts out', objects: ns('a', {'istio-injection': 'enabled'}), labels: {'sidecar.istio.io/inject': 'false'}, mode: 'none'},
  {name: 'the annotation form opts out too (istiod injectRequired)', objects: ns('a', {'istio-injection': 'enabled'}), annotations: {'sidecar.istio.io/inject': 'false'}, mode: 'none'},
  {name: 'the label wins over the annotation', objects: ns('a', {'istio-injection': 'enabled'}), labels: {'sidecar.istio.io/inject': 'true'}, annotations: {'sidecar.istio.io/inject': 'false'}, mode: 'sidecar'},
  {name: 'opted-out pod in an ambient namespace goes ambient', objects: ns('a', {'istio.io/dataplane-mode': 'ambient'}), labels: {'sidecar.istio.io/inject': 'false'}, mode: 'ambient'},
  {name: 'hostNetwork pods are never injected', objects: ns('a', {'istio-injection': 'enabled'}), hostNetwork: true, mode: 'none'},
  {name: 'istio-injection=disabled beats a revision label', objects: ns('a', {'istio-injection': 'disabled', 'istio.io/rev': 'default'}), mode: 'none'},
  {name: 'a revision label injects with that revision', objects: join(ns('a', {'istio.io/rev': 'canary'}), revisionWebhook('canary')), mode: 'sidecar', revision: 'canary'},
  {name: 'a revision nobody serves injects nothing', objects: join(ns('a', {'istio.io/rev': 'gone'}), revisionWebhook('canary')), mode: 'none'},
  {name: 'a tag injects with the revision it points to', objects: join(ns('a', {'istio.io/rev': 'prod'}), revisionWebhook('1-28'), revisionWebhook('1-28', 'istio-revision-tag-prod', {'istio.io/tag': 'prod'}, 'prod')), mode: 'sidecar', revision: '1-28'},
  {name: 'a pod-level revision label in an unlabelled namespace', objects: join(ns('a'), revisionWebhook('canary')), labels: {'istio.io/rev': 'canary'}, mode: 'sidecar', revision: 'canary'},
  {name: 'enableNamespacesByDefault injects unlabelled namespaces', objects: join(ns('a'), defaultWithAuto), mode: 'sidecar', revision: 'default'},
  {name: '… but not kube-system', objects: join(ns('kube-system'), defaultWithAuto), namespace: 'kube-system', mode: 'none'},
  {name: '… and not a pod that says inject=false', objects: join(ns('a'), defaultWithAuto), labels: {'sidecar.istio.io/inject': 'false'}, mode: 'none'},
  {name: 'ambient namespace, injection removed', objects: ns('a', {'istio.io/dataplane-mode': 'ambient'}), mode: 'ambient'},
  {name: 'ambient namespace, pod dataplane-mode=none', objects: ns('a', {'istio.io/dataplane-mode': 'ambient'}), labels: {'istio.io/dataplane-mode': 'none'}, mode: 'none'},
  {name: 'pod dataplane-mode=ambient in a plain namespace', objects: ns('a'), labels: {'istio.io/dataplane-mode': 'ambient'}, mode: 'ambient'},
  {name: 'ambient and injection both: the sidecar wins, never captured', objects: ns('a', {'istio.io/dataplane-mode': 'ambient', 'istio-injection': 'enabled'}), mode: 'sidecar'},
  {name: 'no labels at all', objects: ns('a'), mode: 'none'},
];

describe('decideMode: a pod created now', () => {
  for (const c of CASES) {
    test(c.name, () => {
      const world = World.fromInventory(cluster(c.objects));
      const d = decideMode(world, c.namespace ?? 'a', {labels: c.labels ?? {app: 'x'}, annotations: c.annotations}, {hostNetwork: c.hostNetwork});
      assert.equal(d.mode, c.mode, d.why);
      if (c.revision) assert.equal(d.revision, c.revision);
    });
  }
});

describe('currentMode: a running pod', () => {
  const pod = (annotations: Record<string, string>) => ({apiVersion: 'v1', kind: 'Pod', metadata: {name: 'p', annotations}});
  test('sidecar status annotation', () => assert.equal(currentMode(pod({'sidecar.istio.io/status': '{}'})), 'sidecar'));
  test('redirection enabled', () => assert.equal(currentMode(pod({'ambient.istio.io/redirection': 'enabled'})), 'ambient'));
  test('redirection pending is not enrolled', () => assert.equal(currentMode(pod({'ambient.istio.io/redirection': 'pending'})), 'none'));
  test('both: the sidecar', () => assert.equal(currentMode(pod({'sidecar.istio.io/status': '{}', 'ambient.istio.io/redirection': 'enabled'})), 'sidecar'));
});

describe('namespaceRevision', () => {
  const objects = join(ns('tagged', {'istio.io/rev': 'prod'}), ns('direct', {'istio.io/rev': '1-28'}), ns('legacy', {'istio-injection': 'enabled'}), ns('plain'), revisionWebhook('1-28'), revisionWebhook('1-28', 'istio-revision-tag-prod', {'istio.io/tag': 'prod'}, 'prod'));
  const world = World.fromInventory(cluster(objects));
  test('a tag resolves to its revision', () => assert.equal(namespaceRevision(world, 'tagged'), '1-28'));
  test('a revision is itself', () => assert.equal(namespaceRevision(world, 'direct'), '1-28'));
  test('istio-injection=enabled is the default revision', () => assert.equal(namespaceRevision(world, 'legacy'), 'default'));
  test('no label, no revision', () => assert.equal(namespaceRevision(world, 'plain'), undefined));
});
