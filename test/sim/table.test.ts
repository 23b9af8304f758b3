import {test} from 'node:test';
import assert from 'node:assert/strict';
import {humanDuration, toJsonPathPlus, toTable, wantsTable} from '../../source/sim/table.ts';
import type {KubeObject, ResourceType} from '../../source/sim/types.ts';

const NOW = new Date('2025-06-01T12:00:00Z');
const ago = (seconds: number) => new Date(NOW.getTime() - seconds * 1000).toISOString().replace('.000Z', 'Z');

function builtin(group: string, kind: string, plural: string, version = 'v1'): ResourceType {
  return {
    group,
    versions: [version],
    kind,
    listKind: `${kind}List`,
    plural,
    singular: kind.toLowerCase(),
    namespaced: true,
    shortNames: [],
    categories: [],
    verbs: ['get', 'list'],
    subresources: [],
    builtin: true,
  };
}

const gatewayType: ResourceType = {
  group: 'gateway.networking.k8s.io',
  versions: ['v1', 'v1beta1'],
  kind: 'Gateway',
  listKind: 'GatewayList',
  plural: 'gateways',
  singular: 'gateway',
  namespaced: true,
  shortNames: ['gtw'],
  categories: ['gateway-api'],
  verbs: ['get', 'list'],
  subresources: ['status'],
  builtin: false,
  printerColumns: {
    v1: [
      {name: 'Class', type: 'string', jsonPath: '.spec.gatewayClassName'},
      {name: 'Address', type: 'string', jsonPath: '.status.addresses[*].value'},
      {name: 'Programmed', type: 'string', jsonPath: '.status.conditions[?(@.type=="Programmed")].status'},
      {name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp'},
    ],
  },
};

type Table = {
  kind: string;
  apiVersion: string;
  metadata: {resourceVersion: string; continue?: string};
  columnDefinitions: {name: string; type: string; format: string; description: string; priority: number}[];
  rows: {cells: unknown[]; object?: Record<string, any>; conditions?: unknown[]}[];
};

const table = (...args: Parameters<typeof toTable>) => toTable(...args) as unknown as Table;
const names = (t: Table) => t.columnDefinitions.map((c) => c.name);
const cell = (t: Table, row: number, column: string) => t.rows[row]!.cells[names(t).indexOf(column)];

function sidecarPod(overrides: Partial<KubeObject> = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: 'reviews-v1-abc',
      namespace: 'bookinfo',
      creationTimestamp: ago(3 * 60 + 12),
      labels: {app: 'reviews'},
      managedFields: [{manager: 'kubelet', operation: 'Update', apiVersion: 'v1'}],
    },
    spec: {
      nodeName: 'node-1',
      containers: [
        {name: 'reviews', image: 'reviews:1'},
        {name: 'istio-proxy', image: 'proxyv2:1.24'},
      ],
      initContainers: [{name: 'istio-init', image: 'proxyv2:1.24'}],
    },
    status: {
      phase: 'Running',
      podIP: '10.0.0.7',
      podIPs: [{ip: '10.0.0.7'}],
      conditions: [
        {type: 'Initialized', status: 'True'},
        {type: 'Ready', status: 'True'},
      ],
      initContainerStatuses: [
        {name: 'istio-init', ready: true, restartCount: 0, state: {terminated: {exitCode: 0, reason: 'Completed'}}},
      ],
      containerStatuses: [
        {name: 'reviews', ready: true, restartCount: 0, state: {running: {startedAt: ago(180)}}},
        {name: 'istio-proxy', ready: true, restartCount: 0, state: {running: {startedAt: ago(180)}}},
      ],
    },
    ...overrides,
  };
}

test('table envelope, column definitions and continue token', () => {
  const t = table(builtin('', 'Namespace', 'namespaces'), 'v1', [], {
    resourceVersion: '42',
    continueToken: 'abc',
    now: NOW,
  });
  assert.equal(t.kind, 'Table');
  assert.equal(t.apiVersion, 'meta.k8s.io/v1');
  assert.deepEqual(t.metadata, {resourceVersion: '42', continue: 'abc'});
  assert.deepEqual(t.rows, []);
  assert.deepEqual(t.columnDefinitions[0], {...t.columnDefinitions[0], name: 'Name', type: 'string', format: 'name', priority: 0});
  for (const c of t.columnDefinitions) assert.deepEqual(Object.keys(c).sort(), ['description', 'format', 'name', 'priority', 'type']);
  const noContinue = table(builtin('', 'Namespace', 'namespaces'), 'v1', [], {resourceVersion: '7'});
  assert.deepEqual(noContinue.metadata, {resourceVersion: '7'});
});

test('namespaces show Status and Age', () => {
  const t = table(
    builtin('', 'Namespace', 'namespaces'),
    'v1',
    [
      {apiVersion: 'v1', kind: 'Namespace', metadata: {name: 'bookinfo', creationTimestamp: ago(2 * 86400 + 4 * 3600)}},
      {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: {name: 'old', creationTimestamp: ago(45 * 86400)},
        status: {phase: 'Terminating'},
      },
      {apiVersion: 'v1', kind: 'Namespace', metadata: {name: 'notime'}},
    ],
    {resourceVersion: '1', now: NOW},
  );
  assert.deepEqual(names(t), ['Name', 'Status', 'Age']);
  assert.deepEqual(t.rows[0]!.cells, ['bookinfo', 'Active', '2d4h']);
  assert.deepEqual(t.rows[1]!.cells, ['old', 'Terminating', '45d']);
  assert.deepEqual(t.rows[2]!.cells, ['notime', 'Active', '<unknown>']);
});

test('a running sidecar pod shows 2/2 Running', () => {
  const t = table(builtin('', 'Pod', 'pods'), 'v1', [sidecarPod()], {resourceVersion: '9', now: NOW});
  assert.deepEqual(names(t), ['Name', 'Ready', 'Status', 'Restarts', 'Age', 'IP', 'Node', 'Nominated Node', 'Readiness Gates']);
  assert.deepEqual(
    t.columnDefinitions.map((c) => c.priority),
    [0, 0, 0, 0, 0, 1, 1, 1, 1],
  );
  assert.deepEqual(t.rows[0]!.cells, ['reviews-v1-abc', '2/2', 'Running', '0', '3m12s', '10.0.0.7', 'node-1', '<none>', '<none>']);
  assert.equal(t.rows[0]!.conditions, undefined);
});

test('native sidecar (restartable init container) counts towards Ready', () => {
  const pod = sidecarPod();
  const spec = pod.spec as any;
  spec.containers = [{name: 'reviews'}];
  spec.initContainers = [{name: 'istio-proxy', restartPolicy: 'Always'}];
  const st = pod.status as any;
  st.initContainerStatuses = [{name: 'istio-proxy', ready: true, started: true, restartCount: 1, state: {running: {}}}];
  st.containerStatuses = [{name: 'reviews', ready: true, restartCount: 0, state: {running: {}}}];
  const t = table(builtin('', 'Pod', 'pods'), 'v1', [pod], {resourceVersion: '9', now: NOW});
  assert.equal(cell(t, 0, 'Ready'), '2/2');
  assert.equal(cell(t, 0, 'Status'), 'Running');
  assert.equal(cell(t, 0, 'Restarts'), '1');
});

test('pod statuses: ContainerCreating, Init, Terminating, restarts with last restart age, completed', () => {
  const creating = sidecarPod();
  (creating.status as any).phase = 'Pending';
  (creating.status as any).containerStatuses = [
    {name: 'reviews', ready: false, restartCount: 0, state: {waiting: {reason: 'ContainerCreating'}}},
    {name: 'istio-proxy', ready: false, restartCount: 0, state: {waiting: {reason: 'ContainerCreating'}}},
  ];

  const initializing = sidecarPod();
  (initializing.status as any).phase = 'Pending';
  (initializing.status as any).conditions = [];
  (initializing.status as any).initContainerStatuses = [
    {name: 'istio-init', ready: false, restartCount: 0, state: {waiting: {reason: 'PodInitializing'}}},
  ];
  (initializing.status as any).containerStatuses = [];

  const terminating = sidecarPod();
  terminating.metadata = {...terminating.metadata, name: 'term', deletionTimestamp: ago(1)};

  const crashing = sidecarPod();
  (crashing.status as any).containerStatuses = [
    {
      name: 'reviews',
      ready: false,
      restartCount: 4,
      state: {waiting: {reason: 'CrashLoopBackOff'}},
      lastState: {terminated: {exitCode: 1, finishedAt: ago(75)}},
    },
    {name: 'istio-proxy', ready: true, restartCount: 0, state: {running: {}}},
  ];

  const done = sidecarPod();
  (done.status as any).phase = 'Succeeded';
  (done.status as any).containerStatuses = [
    {name: 'reviews', ready: false, restartCount: 0, state: {terminated: {exitCode: 0, reason: 'Completed'}}},
    {name: 'istio-proxy', ready: false, restartCount: 0, state: {terminated: {exitCode: 0, reason: 'Completed'}}},
  ];
  done.metadata = {...done.metadata, deletionTimestamp: ago(1)};

  const t = table(builtin('', 'Pod', 'pods'), 'v1', [creating, initializing, terminating, crashing, done], {
    resourceVersion: '9',
    now: NOW,
  });
  assert.deepEqual(t.rows[0]!.cells.slice(1, 3), ['0/2', 'ContainerCreating']);
  assert.deepEqual(t.rows[1]!.cells.slice(1, 3), ['0/2', 'Init:0/1']);
  assert.deepEqual(t.rows[2]!.cells.slice(1, 3), ['2/2', 'Terminating']);
  assert.deepEqual(t.rows[3]!.cells.slice(1, 4), ['1/2', 'CrashLoopBackOff', '4 (75s ago)']);
  assert.deepEqual(t.rows[4]!.cells.slice(1, 3), ['0/2', 'Completed']);
  assert.deepEqual((t.rows[4]!.conditions as any[])[0].type, 'Completed');
});

test('deployment shows 3/3 with Up-to-date and Available as integers', () => {
  const t = table(
    builtin('apps', 'Deployment', 'deployments'),
    'v1',
    [
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: {name: 'productpage-v1', creationTimestamp: ago(5)},
        spec: {
          replicas: 3,
          selector: {matchLabels: {app: 'productpage', version: 'v1'}},
          template: {spec: {containers: [{name: 'productpage', image: 'bookinfo/productpage:1.20'}]}},
        },
        status: {replicas: 3, readyReplicas: 3, updatedReplicas: 3, availableReplicas: 3},
      },
      {apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name: 'fresh', creationTimestamp: ago(0)}, spec: {}},
    ],
    {resourceVersion: '1', now: NOW},
  );
  assert.deepEqual(names(t), ['Name', 'Ready', 'Up-to-date', 'Available', 'Age', 'Containers', 'Images', 'Selector']);
  assert.deepEqual(t.rows[0]!.cells, [
    'productpage-v1',
    '3/3',
    3,
    3,
    '5s',
    'productpage',
    'bookinfo/productpage:1.20',
    'app=productpage,version=v1',
  ]);
  assert.deepEqual(t.rows[1]!.cells.slice(0, 5), ['fresh', '0/1', 0, 0, '0s']);
  assert.equal(t.columnDefinitions.find((c) => c.name === 'Up-to-date')!.type, 'integer');
});

test('replicasets, statefulsets and daemonsets', () => {
  const rs = table(
    builtin('apps', 'ReplicaSet', 'replicasets'),
    'v1',
    [{apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: {name: 'r'}, spec: {replicas: 2}, status: {replicas: 2, readyReplicas: 1}}],
    {resourceVersion: '1', now: NOW},
  );
  assert.deepEqual(rs.rows[0]!.cells.slice(0, 5), ['r', 2, 2, 1, '<unknown>']);
  const sts = table(
    builtin('apps', 'StatefulSet', 'statefulsets'),
    'v1',
    [{apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: {name: 's'}, spec: {replicas: 3}, status: {readyReplicas: 2}}],
    {resourceVersion: '1', now: NOW},
  );
  assert.deepEqual(sts.rows[0]!.cells.slice(0, 3), ['s', '2/3', '<unknown>']);
  const ds = table(
    builtin('apps', 'DaemonSet', 'daemonsets'),
    'v1',
    [
      {
        apiVersion: 'apps/v1',
        kind: 'DaemonSet',
        metadata: {name: 'ztunnel', creationTimestamp: ago(600)},
        spec: {template: {spec: {nodeSelector: {'kubernetes.io/os': 'linux'}}}},
        status: {desiredNumberScheduled: 3, currentNumberScheduled: 3, numberReady: 3, updatedNumberScheduled: 3, numberAvailable: 3},
      },
    ],
    {resourceVersion: '1', now: NOW},
  );
  assert.deepEqual(names(ds).slice(0, 8), ['Name', 'Desired', 'Current', 'Ready', 'Up-to-date', 'Available', 'Node Selector', 'Age']);
  assert.deepEqual(ds.rows[0]!.cells.slice(0, 8), ['ztunnel', 3, 3, 3, 3, 3, 'kubernetes.io/os=linux', '10m']);
});

test('services show type, IPs and ports string', () => {
  const t = table(
    builtin('', 'Service', 'services'),
    'v1',
    [
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: {name: 'productpage', creationTimestamp: ago(3600)},
        spec: {type: 'ClusterIP', clusterIP: '10.96.0.10', selector: {app: 'productpage'}, ports: [{port: 9080, protocol: 'TCP'}]},
      },
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: {name: 'ingress', creationTimestamp: ago(3600)},
        spec: {
          type: 'NodePort',
          clusterIP: '10.96.0.11',
          ports: [
            {port: 80, nodePort: 30080, protocol: 'TCP'},
            {port: 443, nodePort: 30443},
          ],
        },
      },
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: {name: 'lb'},
        spec: {type: 'LoadBalancer', clusterIP: '10.96.0.12', ports: [{port: 15021, protocol: 'TCP'}]},
      },
    ],
    {resourceVersion: '1', now: NOW},
  );
  assert.deepEqual(names(t), ['Name', 'Type', 'Cluster-IP', 'External-IP', 'Port(s)', 'Age', 'Selector']);
  assert.deepEqual(t.rows[0]!.cells, ['productpage', 'ClusterIP', '10.96.0.10', '<none>', '9080/TCP', '60m', 'app=productpage']);
  assert.deepEqual(t.rows[1]!.cells, ['ingress', 'NodePort', '10.96.0.11', '<none>', '80:30080/TCP,443:30443/TCP', '60m', '<none>']);
  assert.equal(cell(t, 2, 'External-IP'), '<pending>');
});

test('configmaps, secrets, service accounts, nodes, network policies, CRDs, webhooks, and the default', () => {
  const opts = {resourceVersion: '1', now: NOW};
  const cm = table(builtin('', 'ConfigMap', 'configmaps'), 'v1', [
    {apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'istio'}, data: {mesh: 'x', meshNetworks: 'y'}},
  ], opts);
  assert.deepEqual(cm.rows[0]!.cells, ['istio', 2, '<unknown>']);
  const secret = table(builtin('', 'Secret', 'secrets'), 'v1', [
    {apiVersion: 'v1', kind: 'Secret', metadata: {name: 'cacerts'}, type: 'Opaque', data: {a: 'eA==', b: 'eQ==', c: 'eg=='}},
  ], opts);
  assert.deepEqual(secret.rows[0]!.cells, ['cacerts', 'Opaque', 3, '<unknown>']);
  const sa = table(builtin('', 'ServiceAccount', 'serviceaccounts'), 'v1', [
    {apiVersion: 'v1', kind: 'ServiceAccount', metadata: {name: 'default'}},
  ], opts);
  assert.deepEqual(sa.rows[0]!.cells, ['default', 0, '<unknown>']);
  const node = table(builtin('', 'Node', 'nodes'), 'v1', [
    {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: {name: 'kind-control-plane', labels: {'node-role.kubernetes.io/control-plane': ''}, creationTimestamp: ago(8 * 86400)},
      status: {conditions: [{type: 'Ready', status: 'True'}], nodeInfo: {kubeletVersion: 'v1.32.0'}},
    },
  ], opts);
  assert.deepEqual(names(node).slice(0, 5), ['Name', 'Status', 'Roles', 'Age', 'Version']);
  assert.deepEqual(node.rows[0]!.cells.slice(0, 5), ['kind-control-plane', 'Ready', 'control-plane', '8d', 'v1.32.0']);
  const np = table(builtin('networking.k8s.io', 'NetworkPolicy', 'networkpolicies'), 'v1', [
    {apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: {name: 'deny'}, spec: {podSelector: {}}},
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: {name: 'sel'},
      spec: {podSelector: {matchLabels: {app: 'x'}, matchExpressions: [{key: 'tier', operator: 'In', values: ['b', 'a']}]}},
    },
  ], opts);
  assert.deepEqual(np.rows[0]!.cells, ['deny', '<none>', '<unknown>']);
  assert.deepEqual(np.rows[1]!.cells, ['sel', 'app=x,tier in (a,b)', '<unknown>']);
  const crd = table({...builtin('apiextensions.k8s.io', 'CustomResourceDefinition', 'customresourcedefinitions'), namespaced: false}, 'v1', [
    {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: {name: 'gateways.gateway.networking.k8s.io', creationTimestamp: '2025-05-01T08:30:00Z'},
    },
  ], opts);
  assert.deepEqual(names(crd), ['Name', 'Created At']);
  assert.equal(crd.columnDefinitions[1]!.type, 'date');
  assert.deepEqual(crd.rows[0]!.cells, ['gateways.gateway.networking.k8s.io', '2025-05-01T08:30:00Z']);
  const wh = table(builtin('admissionregistration.k8s.io', 'MutatingWebhookConfiguration', 'mutatingwebhookconfigurations'), 'v1', [
    {apiVersion: 'admissionregistration.k8s.io/v1', kind: 'MutatingWebhookConfiguration', metadata: {name: 'istio-sidecar-injector'}, webhooks: [{}, {}, {}, {}]},
  ], opts);
  assert.deepEqual(wh.rows[0]!.cells, ['istio-sidecar-injector', 4, '<unknown>']);
  const other = table(builtin('', 'Endpoints', 'endpoints'), 'v1', [
    {apiVersion: 'v1', kind: 'Endpoints', metadata: {name: 'e', creationTimestamp: ago(90)}},
  ], opts);
  assert.deepEqual(names(other), ['Name', 'Age']);
  assert.deepEqual(other.rows[0]!.cells, ['e', '90s']);
});

const gateway = (): KubeObject => ({
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'Gateway',
  metadata: {
    name: 'waypoint',
    namespace: 'bookinfo',
    creationTimestamp: ago(3 * 3600 + 25 * 60),
    managedFields: [{manager: 'kubectl', operation: 'Apply', apiVersion: 'gateway.networking.k8s.io/v1'}],
  },
  spec: {gatewayClassName: 'istio-waypoint', listeners: [{name: 'mesh', port: 15008, protocol: 'HBONE'}]},
  status: {
    addresses: [
      {type: 'IPAddress', value: '10.96.1.5'},
      {type: 'IPAddress', value: '10.96.1.6'},
    ],
    conditions: [
      {type: 'Accepted', status: 'True'},
      {type: 'Programmed', status: 'True'},
    ],
  },
});

test('a Gateway renders its CRD printer columns', () => {
  const t = table(gatewayType, 'v1', [gateway()], {resourceVersion: '5', now: NOW});
  assert.deepEqual(names(t), ['Name', 'Class', 'Address', 'Programmed', 'Age']);
  assert.deepEqual(
    t.columnDefinitions.map((c) => c.type),
    ['string', 'string', 'string', 'string', 'date'],
  );
  assert.deepEqual(t.rows[0]!.cells, ['waypoint', 'istio-waypoint', '10.96.1.5', 'True', '3h25m']);

  // Missing values are null cells, as the apiserver sends them.
  const bare = gateway();
  delete bare.status;
  const t2 = table(gatewayType, 'v1', [bare], {resourceVersion: '5', now: NOW});
  assert.deepEqual(t2.rows[0]!.cells, ['waypoint', 'istio-waypoint', null, null, '3h25m']);
});

test('a version without printer columns gets Name and Age', () => {
  const t = table(gatewayType, 'v1beta1', [gateway()], {resourceVersion: '5', now: NOW});
  assert.deepEqual(names(t), ['Name', 'Age']);
  assert.deepEqual(t.rows[0]!.cells, ['waypoint', '3h25m']);
});

test('printer column types: objects as JSON, integers, booleans, numbers, priority and format', () => {
  const type: ResourceType = {
    ...gatewayType,
    printerColumns: {
      v1: [
        {name: 'Listeners', type: 'string', jsonPath: '.spec.listeners', priority: 1},
        {name: 'Port', type: 'integer', jsonPath: '.spec.listeners[0].port'},
        {name: 'Ports', type: 'string', jsonPath: '.spec.listeners[*].port'},
        {name: 'Accepted', type: 'boolean', jsonPath: '.spec.accepted'},
        {name: 'Weight', type: 'number', jsonPath: '.spec.weight', format: 'float'},
        {name: 'Label', type: 'string', jsonPath: '.metadata.labels.app\\.kubernetes\\.io/name'},
        {name: 'Bad', type: 'integer', jsonPath: '.spec.gatewayClassName'},
        {name: 'When', type: 'date', jsonPath: '.spec.when'},
      ],
    },
  };
  const gw = gateway();
  gw.metadata.labels = {'app.kubernetes.io/name': 'waypoint'};
  Object.assign(gw.spec as object, {accepted: true, weight: 0.5, when: 'not-a-date'});
  const t = table(type, 'v1', [gw], {resourceVersion: '5', now: NOW});
  assert.deepEqual(t.columnDefinitions[1], {name: 'Listeners', type: 'string', format: '', description: '', priority: 1});
  assert.equal(t.columnDefinitions[5]!.format, 'float');
  assert.deepEqual(t.rows[0]!.cells, [
    'waypoint',
    '[{"name":"mesh","port":15008,"protocol":"HBONE"}]',
    15008,
    '15008',
    true,
    0.5,
    'waypoint',
    null,
    '<invalid>',
  ]);
});

test('Kubernetes JSONPath converts to jsonpath-plus', () => {
  assert.equal(toJsonPathPlus('.spec.gatewayClassName'), '$.spec.gatewayClassName');
  assert.equal(
    toJsonPathPlus('.status.conditions[?(@.type=="Programmed")].status'),
    '$.status.conditions[?(@.type=="Programmed")].status',
  );
  assert.equal(toJsonPathPlus('{.status.addresses[*].value}'), '$.status.addresses[*].value');
  assert.equal(toJsonPathPlus('.metadata.labels.app\\.kubernetes\\.io/name'), "$.metadata.labels['app.kubernetes.io/name']");
  assert.equal(toJsonPathPlus('..name'), '$..name');
  assert.equal(toJsonPathPlus('.spec.*'), '$.spec.*');
});

test('includeObject Metadata (default) gives PartialObjectMetadata without managedFields', () => {
  const t = table(gatewayType, 'v1', [gateway()], {resourceVersion: '5', now: NOW});
  const obj = t.rows[0]!.object!;
  assert.equal(obj.kind, 'PartialObjectMetadata');
  assert.equal(obj.apiVersion, 'meta.k8s.io/v1');
  assert.equal(obj.metadata.name, 'waypoint');
  assert.equal(obj.metadata.namespace, 'bookinfo');
  assert.equal('managedFields' in obj.metadata, false);
  assert.equal(obj.spec, undefined);

  const explicit = table(builtin('', 'Pod', 'pods'), 'v1', [sidecarPod()], {includeObject: 'Metadata', resourceVersion: '1', now: NOW});
  assert.deepEqual(explicit.rows[0]!.object!.metadata.labels, {app: 'reviews'});
  assert.equal('managedFields' in explicit.rows[0]!.object!.metadata, false);
});

test('includeObject Object gives the full object, None gives none', () => {
  const gw = gateway();
  const full = table(gatewayType, 'v1', [gw], {includeObject: 'Object', resourceVersion: '5', now: NOW});
  assert.deepEqual(full.rows[0]!.object, gw);
  assert.notEqual(full.rows[0]!.object, gw);
  const none = table(gatewayType, 'v1', [gw], {includeObject: 'None', resourceVersion: '5', now: NOW});
  assert.equal('object' in none.rows[0]!, false);
  assert.equal(none.rows[0]!.cells.length, 5);
  // The input is left untouched.
  assert.equal(gw.metadata.managedFields?.length, 1);
});

test('human durations follow kubectl', () => {
  const s = 1000;
  const m = 60 * s;
  const h = 60 * m;
  const d = 24 * h;
  const y = 365 * d;
  const cases: [number, string][] = [
    [-5 * s, '<invalid>'],
    [-1500, '0s'],
    [0, '0s'],
    [999, '0s'],
    [5 * s, '5s'],
    [119 * s, '119s'],
    [2 * m, '2m'],
    [3 * m + 12 * s, '3m12s'],
    [9 * m + 59 * s, '9m59s'],
    [10 * m + 30 * s, '10m'],
    [179 * m, '179m'],
    [3 * h, '3h'],
    [3 * h + 25 * m, '3h25m'],
    [7 * h + 59 * m, '7h59m'],
    [8 * h + 30 * m, '8h'],
    [47 * h, '47h'],
    [2 * d, '2d'],
    [2 * d + 4 * h, '2d4h'],
    [7 * d + 23 * h, '7d23h'],
    [8 * d + 5 * h, '8d'],
    [45 * d, '45d'],
    [729 * d, '729d'],
    [2 * y, '2y'],
    [2 * y + 10 * d, '2y10d'],
    [7 * y + 364 * d, '7y364d'],
    [8 * y + 100 * d, '8y'],
    [20 * y, '20y'],
  ];
  for (const [ms, want] of cases) assert.equal(humanDuration(ms), want, `${ms}ms`);
});

test('wantsTable recognises kubectl get Accept headers', () => {
  assert.equal(
    wantsTable('application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json'),
    true,
  );
  assert.equal(wantsTable('application/json;as=Table;v=v1beta1;g=meta.k8s.io, application/json'), true);
  assert.equal(wantsTable('application/json, application/json; as=Table; v=v1; g=meta.k8s.io'), true);
  assert.equal(wantsTable('application/json'), false);
  assert.equal(wantsTable(undefined), false);
  assert.equal(wantsTable(''), false);
  assert.equal(
    wantsTable('application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json'),
    false,
  );
  assert.equal(wantsTable('application/json;as=Table;v=v2;g=meta.k8s.io'), false);
});
