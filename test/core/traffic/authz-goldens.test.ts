import {test} from 'node:test';
import assert from 'node:assert/strict';
import {readdirSync, readFileSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import yaml from 'js-yaml';
import type {KubeObject} from '../../../source/kube/client.ts';
import {convertAuthorizationPolicy, convertPeerAuthentication, protoShape, type ZAuthorization} from '../../../source/core/traffic/authz/ztunnel.ts';

/**
 * istiod's own goldens for what ztunnel receives: every `X-in.yaml` under
 * pilot/pkg/serviceregistry/ambient/testdata translated by our code must equal `X.yaml`. The harness mirrors
 * istio/istio pilot/pkg/serviceregistry/ambient/ambientindex_test.go (TestRBACConvert): root namespace
 * istio-system; an AuthorizationPolicy goes through convertAuthorizationPolicy with only its name and namespace;
 * one PeerAuthentication goes through convertPeerAuthentication alone; several are sorted into root (istio-system),
 * namespace (no selector) and workload (selector) configs, the namespace one standing in for the workload one
 * when there is none. An empty golden means istiod sends nothing.
 */

const TESTDATA = fileURLToPath(new URL('../../../../shared/reference/istio/pilot/pkg/serviceregistry/ambient/testdata/', import.meta.url));
const SYSTEM_NS = 'istio-system';

const docs = (path: string): any[] => (yaml.loadAll(readFileSync(path, 'utf8')) as any[]).filter(d => d && typeof d === 'object');

function translate(inputs: KubeObject[]): ZAuthorization | undefined {
  const first = inputs[0];
  if (first.kind === 'AuthorizationPolicy') {
    const bare: KubeObject = {...first, metadata: {name: first.metadata.name, namespace: first.metadata.namespace}};
    return convertAuthorizationPolicy(SYSTEM_NS, bare).authorization;
  }
  assert.equal(first.kind, 'PeerAuthentication');
  if (inputs.length === 1) return convertPeerAuthentication(SYSTEM_NS, first);
  let rootCfg: KubeObject | undefined;
  let nsCfg: KubeObject | undefined;
  let workloadCfg: KubeObject | undefined;
  for (const p of inputs) {
    if (p.metadata.namespace === SYSTEM_NS) {
      assert.ok(!p.spec?.selector, 'no selector in a mesh-level policy');
      rootCfg ??= p;
    } else if (p.spec?.selector) workloadCfg = p;
    else nsCfg ??= p;
  }
  if (!workloadCfg) [workloadCfg, nsCfg] = [nsCfg, undefined];
  return convertPeerAuthentication(SYSTEM_NS, workloadCfg!, nsCfg, rootCfg);
}

const inputs = readdirSync(TESTDATA)
  .filter(f => f.endsWith('-in.yaml'))
  .sort();

test('the reference holds all 22 input/golden pairs (44 files)', () => {
  assert.equal(readdirSync(TESTDATA).filter(f => f.endsWith('.yaml')).length, 44);
  assert.equal(inputs.length, 22);
});

for (const input of inputs) {
  const name = input.replace('-in.yaml', '');
  test(`golden ${name}`, () => {
    const expected = docs(`${TESTDATA}${name}.yaml`)[0];
    const got = translate(docs(`${TESTDATA}${input}`) as KubeObject[]);
    assert.deepStrictEqual(got ? protoShape(got) : undefined, expected);
  });
}
