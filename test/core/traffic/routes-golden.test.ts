/**
 * The HTTPRoute merge and precedence against istiod's own goldens: for every VirtualService bound to
 * `mesh` in `pilot/pkg/config/kube/gateway/testdata/{mesh,route-precedence}.yaml.golden` (copied unchanged
 * into ../shared/reference/istio), the model's merged list for that Service parent and port names the same
 * rules in the same order. The inputs carry no creation times, as in istiod's test: ties fall to
 * namespace, then name.
 */
import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import path from 'node:path';
import {describe, test} from 'node:test';
import yaml from 'js-yaml';
import type {KubeObject} from '../../../source/kube/client.ts';
import type {Inventory} from '../../../source/core/inventory.ts';
import {kindOf} from '../../../source/core/traffic/apply.ts';
import {serviceRouteNames} from '../../../source/core/traffic/routes.ts';
import {World} from '../../../source/core/traffic/world.ts';
import {repoRoot} from '../../helpers/cluster.ts';

const TESTDATA = path.join(repoRoot, '../shared/reference/istio/pilot/pkg/config/kube/gateway/testdata');

function load(file: string): KubeObject[] {
  return (yaml.loadAll(readFileSync(path.join(TESTDATA, file), 'utf8')) as KubeObject[]).filter(Boolean);
}

for (const name of ['mesh', 'route-precedence']) {
  describe(`istiod golden ${name}.yaml`, () => {
    const inventory: Inventory = {objects: {}, unreadable: {}};
    for (const o of load(`${name}.yaml`)) {
      const kind = kindOf(o);
      if (kind) (inventory.objects[kind] ??= []).push({...o, metadata: {namespace: 'default', ...o.metadata}});
    }
    const world = World.fromInventory(inventory);
    const meshVs = load(`${name}.yaml.golden`).filter(o => o.kind === 'VirtualService' && (o.spec?.gateways ?? []).includes('mesh') && o.spec?.http);
    test('has mesh VirtualServices to compare', () => assert.ok(meshVs.length > 0));
    for (const vs of meshVs) {
      const host = (vs.spec.hosts[0] as string).replace(/\.domain\.suffix$/, '.cluster.local');
      const port = /^[^~]+~(\d+)~/.exec(vs.metadata.name)?.[1];
      test(`${vs.metadata.name}`, () => {
        const expected = (vs.spec.http as Array<{name: string}>).map(h => h.name);
        assert.deepEqual(serviceRouteNames(world, host, port === undefined ? undefined : Number(port)), expected);
      });
    }
  });
}
