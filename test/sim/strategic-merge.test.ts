import {test} from 'node:test';
import assert from 'node:assert/strict';
import {strategicMergePatch, supportsStrategicMerge} from '../../source/sim/strategic-merge.ts';
import {StatusError} from '../../source/sim/status.ts';

const deployment = () => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: {name: 'web', namespace: 'shop', labels: {app: 'web', tier: 'front'}, finalizers: ['a.io/x', 'b.io/y']},
  spec: {
    replicas: 2,
    template: {
      metadata: {labels: {app: 'web'}},
      spec: {
        containers: [
          {
            name: 'app',
            image: 'web:1',
            env: [
              {name: 'A', value: '1'},
              {name: 'B', value: 'keep'},
            ],
            ports: [{containerPort: 8080, name: 'http'}],
          },
          {name: 'side', image: 'side:1'},
        ],
        tolerations: [{key: 'old', operator: 'Exists'}],
      },
    },
  },
});

const podSpec = (o: Record<string, unknown>) => (o as ReturnType<typeof deployment>).spec.template.spec;

test('rollout restart adds the annotation and leaves the containers alone', () => {
  const before = deployment();
  const after = strategicMergePatch(
    before,
    {spec: {template: {metadata: {annotations: {'kubectl.kubernetes.io/restartedAt': '2026-01-02T03:04:05Z'}}}}},
    'Deployment',
  );
  const template = (after as ReturnType<typeof deployment>).spec.template as {metadata: {annotations?: object}};
  assert.deepEqual(template.metadata.annotations, {'kubectl.kubernetes.io/restartedAt': '2026-01-02T03:04:05Z'});
  assert.deepEqual(podSpec(after), before.spec.template.spec);
});

test('client-side apply: env merges by name and the other vars stay; no directive leaks into the result', () => {
  const after = strategicMergePatch(
    deployment(),
    {
      spec: {
        template: {
          spec: {
            '$setElementOrder/containers': [{name: 'app'}, {name: 'side'}],
            containers: [{name: 'app', '$setElementOrder/env': [{name: 'A'}, {name: 'B'}], env: [{name: 'A', value: '2'}]}],
          },
        },
      },
    },
    'Deployment',
  );
  const [app, side] = podSpec(after).containers;
  assert.deepEqual(app!.env, [
    {name: 'A', value: '2'},
    {name: 'B', value: 'keep'},
  ]);
  assert.equal(app!.image, 'web:1');
  assert.equal(side!.name, 'side');
  assert.ok(!JSON.stringify(after).includes('$'), JSON.stringify(after));
});

test('a new container is appended and an existing one patched in place', () => {
  const after = strategicMergePatch(
    deployment(),
    {spec: {template: {spec: {containers: [{name: 'side', image: 'side:2'}, {name: 'extra', image: 'x:1'}]}}}},
    'Deployment',
  );
  assert.deepEqual(
    podSpec(after).containers.map(c => `${c.name}=${c.image}`),
    ['app=web:1', 'side=side:2', 'extra=x:1'],
  );
});

test('$patch: delete removes a container by name', () => {
  const after = strategicMergePatch(
    deployment(),
    {spec: {template: {spec: {containers: [{name: 'side', $patch: 'delete'}]}}}},
    'Deployment',
  );
  assert.deepEqual(
    podSpec(after).containers.map(c => c.name),
    ['app'],
  );
});

test('$patch: replace in a list element replaces the whole list', () => {
  const after = strategicMergePatch(
    deployment(),
    {spec: {template: {spec: {containers: [{$patch: 'replace'}, {name: 'only', image: 'o:1'}]}}}},
    'Deployment',
  );
  assert.deepEqual(podSpec(after).containers, [{name: 'only', image: 'o:1'}]);
});

test('$patch: replace in a map replaces the map; $patch: delete in a map removes it', () => {
  const replaced = strategicMergePatch(deployment(), {metadata: {labels: {$patch: 'replace', fresh: 'yes'}}}, 'Deployment');
  assert.deepEqual((replaced.metadata as {labels: object}).labels, {fresh: 'yes'});
  const deleted = strategicMergePatch(deployment(), {metadata: {labels: {$patch: 'delete'}}}, 'Deployment');
  assert.equal((deleted.metadata as {labels?: object}).labels, undefined);
  assert.equal((deleted.metadata as {name: string}).name, 'web');
});

test('$setElementOrder reorders the containers', () => {
  const after = strategicMergePatch(
    deployment(),
    {spec: {template: {spec: {'$setElementOrder/containers': [{name: 'side'}, {name: 'app'}]}}}},
    'Deployment',
  );
  assert.deepEqual(
    podSpec(after).containers.map(c => c.name),
    ['side', 'app'],
  );
});

test('$setElementOrder keeps a server-only container before the ordered ones that followed it', () => {
  const live = deployment();
  live.spec.template.spec.containers = [
    {name: 'a'},
    {name: 'injected'},
    {name: 'b'},
  ] as typeof live.spec.template.spec.containers;
  const after = strategicMergePatch(
    live,
    {spec: {template: {spec: {'$setElementOrder/containers': [{name: 'a'}, {name: 'b'}], containers: [{name: 'b', image: 'b:2'}]}}}},
    'Deployment',
  );
  assert.deepEqual(
    podSpec(after).containers.map(c => c.name),
    ['a', 'injected', 'b'],
  );
});

test('$retainKeys drops the keys of the map that are not listed', () => {
  const live = deployment();
  const after = strategicMergePatch(
    live,
    {spec: {strategy: {$retainKeys: ['type'], type: 'Recreate'}}},
    'Deployment',
  );
  assert.deepEqual((after.spec as {strategy: object}).strategy, {type: 'Recreate'});

  const withRolling = {...live, spec: {...live.spec, strategy: {type: 'RollingUpdate', rollingUpdate: {maxSurge: 1}}}};
  const again = strategicMergePatch(withRolling, {spec: {strategy: {$retainKeys: ['type'], type: 'Recreate'}}}, 'Deployment');
  assert.deepEqual((again.spec as {strategy: object}).strategy, {type: 'Recreate'});
});

test('$deleteFromPrimitiveList/finalizers removes just those finalizers; finalizers merge as a set', () => {
  const after = strategicMergePatch(
    deployment(),
    {metadata: {'$deleteFromPrimitiveList/finalizers': ['a.io/x'], finalizers: ['b.io/y', 'c.io/z']}},
    'Deployment',
  );
  assert.deepEqual((after.metadata as {finalizers: string[]}).finalizers, ['b.io/y', 'c.io/z']);
});

test('null deletes a label and keeps the others', () => {
  const after = strategicMergePatch(deployment(), {metadata: {labels: {tier: null, new: 'x'}}}, 'Deployment');
  assert.deepEqual((after.metadata as {labels: object}).labels, {app: 'web', new: 'x'});
});

test('Service ports merge by port', () => {
  const svc = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {name: 's'},
    spec: {
      ports: [
        {name: 'http', port: 80, targetPort: 8080},
        {name: 'grpc', port: 9000},
      ],
    },
  };
  const after = strategicMergePatch(svc, {spec: {ports: [{port: 80, targetPort: 9090}, {port: 443, name: 'https'}]}}, 'Service');
  assert.deepEqual((after.spec as {ports: unknown[]}).ports, [
    {name: 'http', port: 80, targetPort: 9090},
    {name: 'grpc', port: 9000},
    {port: 443, name: 'https'},
  ]);
});

test('a list without a merge key (tolerations) is replaced wholesale', () => {
  const after = strategicMergePatch(
    deployment(),
    {spec: {template: {spec: {tolerations: [{key: 'new', operator: 'Exists'}]}}}},
    'Deployment',
  );
  assert.deepEqual(podSpec(after).tolerations, [{key: 'new', operator: 'Exists'}]);
});

test('status conditions merge by type', () => {
  const pod = {kind: 'Pod', status: {conditions: [{type: 'Ready', status: 'False'}, {type: 'Initialized', status: 'True'}]}};
  const after = strategicMergePatch(pod, {status: {conditions: [{type: 'Ready', status: 'True'}]}}, 'Pod');
  assert.deepEqual((after.status as {conditions: unknown[]}).conditions, [
    {type: 'Ready', status: 'True'},
    {type: 'Initialized', status: 'True'},
  ]);
});

test('custom resources answer 415 UnsupportedMediaType', () => {
  assert.equal(supportsStrategicMerge('Deployment'), true);
  assert.equal(supportsStrategicMerge('Gateway'), false);
  assert.throws(
    () => strategicMergePatch({}, {spec: {}}, 'AuthorizationPolicy'),
    (e: unknown) => e instanceof StatusError && e.code === 415 && e.reason === 'UnsupportedMediaType',
  );
});

test('a merge-key list element without its key is a 400', () => {
  assert.throws(
    () => strategicMergePatch(deployment(), {spec: {template: {spec: {containers: [{image: 'x'}]}}}}, 'Deployment'),
    (e: unknown) => e instanceof StatusError && e.code === 400,
  );
});

test('inputs are not mutated', () => {
  const original = deployment();
  const patch = {
    metadata: {labels: {tier: null}, '$deleteFromPrimitiveList/finalizers': ['a.io/x']},
    spec: {template: {spec: {'$setElementOrder/containers': [{name: 'side'}, {name: 'app'}], containers: [{name: 'app', env: [{name: 'A', value: '9'}]}]}}},
  };
  const originalCopy = structuredClone(original);
  const patchCopy = structuredClone(patch);
  const after = strategicMergePatch(original, patch, 'Deployment');
  assert.deepEqual(original, originalCopy);
  assert.deepEqual(patch, patchCopy);
  assert.notEqual(after, original);
  (podSpec(after).containers.find(c => c.name === 'app')!.env as unknown[]).push({name: 'Z'});
  assert.deepEqual(original, originalCopy);
});
