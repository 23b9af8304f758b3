/**
 * The data-plane mode of a namespace, as the audit, the wizard's overview and the verification read it:
 * from the pods that run, not from the ones on their way out.
 */
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {dataplaneMode, podsByNamespace} from '../../source/core/dataplane.ts';
import type {KubeObject} from '../../source/kube/client.ts';

const namespace: KubeObject = {apiVersion: 'v1', kind: 'Namespace', metadata: {name: 'shop', labels: {'istio.io/dataplane-mode': 'ambient'}}};
const pod = (name: string, kind: 'ambient' | 'sidecar', extra: {deleting?: boolean; phase?: string} = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name,
    namespace: 'shop',
    annotations: kind === 'ambient' ? {'ambient.istio.io/redirection': 'enabled'} : {'sidecar.istio.io/status': '{}'},
    ...(extra.deleting ? {deletionTimestamp: '2026-11-26T10:00:00Z'} : {}),
  },
  status: {phase: extra.phase ?? 'Running'},
});
const modeOf = (pods: KubeObject[]) => dataplaneMode(namespace, podsByNamespace(pods).get('shop') ?? []);

test('right after the restart, the old sidecar pods still Terminating do not make a migrated namespace "mixed"', () => {
  assert.equal(modeOf([pod('web-new', 'ambient'), pod('web-old', 'sidecar', {deleting: true})]), 'ambient');
});

test("a finished Job's pod keeps its sidecar in the list, but no longer runs: it does not count", () => {
  assert.equal(modeOf([pod('web', 'ambient'), pod('migrate-db', 'sidecar', {phase: 'Succeeded'}), pod('report', 'sidecar', {phase: 'Failed'})]), 'ambient');
});

test('a running sidecar pod next to ambient ones is still "mixed"', () => {
  assert.equal(modeOf([pod('web', 'ambient'), pod('api', 'sidecar')]), 'mixed');
});
