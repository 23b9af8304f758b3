/**
 * The backup's content, built from a hand-made inventory: what a user finds in the files decides whether
 * `kubectl apply -f` can put the mesh back, and whether the files leak anything they should not hold.
 */
import assert from 'node:assert/strict';
import {createHash} from 'node:crypto';
import {describe, test} from 'node:test';
import yaml from 'js-yaml';
import type {KubeObject} from '../../source/kube/client.ts';
import {buildBackup} from '../../source/core/backup/backup.ts';
import type {Inventory} from '../../source/core/inventory.ts';

const identity = {context: 'prod', server: 'https://prod:6443', kubeSystemUid: 'uid-kube-system'};
const now = new Date('2026-11-26T16:40:00.123Z');

function obj(apiVersion: string, kind: string, name: string, namespace?: string, extra: Partial<KubeObject> = {}): KubeObject {
  return {
    apiVersion,
    kind,
    metadata: {
      name,
      ...(namespace ? {namespace} : {}),
      uid: `uid-${name}`,
      resourceVersion: '42',
      generation: 3,
      creationTimestamp: '2026-01-01T00:00:00Z',
      managedFields: [{manager: 'kubectl'}],
      annotations: {'kubectl.kubernetes.io/last-applied-configuration': '{"secret":"old copy"}', team: 'mesh'},
    },
    status: {observedGeneration: 3},
    ...extra,
  } as KubeObject;
}

function inventory(): Inventory {
  return {
    objects: {
      namespace: [obj('v1', 'Namespace', 'shop', undefined, {metadata: {name: 'shop', uid: 'u', labels: {'istio-injection': 'enabled'}}}), obj('v1', 'Namespace', 'kube-system')],
      configMap: [
        obj('v1', 'ConfigMap', 'istio', 'istio-system', {data: {mesh: 'x'}}),
        obj('v1', 'ConfigMap', 'istio-canary', 'istio-system', {data: {mesh: 'y'}}),
        obj('v1', 'ConfigMap', 'istio-leader', 'istio-system', {data: {}}),
        obj('v1', 'ConfigMap', 'istio-sidecar-injector-canary', 'istio-system', {data: {config: 'c'}}),
        obj('v1', 'ConfigMap', 'values-canary', 'istio-system', {data: {values: '{}'}}),
        obj('v1', 'ConfigMap', 'istio-ca-root-cert', 'istio-system', {data: {'root-cert.pem': 'pem'}}),
        obj('v1', 'ConfigMap', 'values', 'shop', {data: {price: '3'}}),
        obj('v1', 'ConfigMap', 'istio-cni-config', 'kube-system', {data: {cni: '{}'}}),
      ],
      daemonSet: [obj('apps/v1', 'DaemonSet', 'istio-cni-node', 'kube-system', {spec: {template: {metadata: {labels: {k: 'istio-cni-node'}}}}})],
      secret: [obj('v1', 'Secret', 'istio-remote-secret-east', 'istio-system', {data: {config: 'c2VjcmV0'}})],
      service: [
        obj('v1', 'Service', 'api', 'shop', {spec: {clusterIP: '10.0.0.7', clusterIPs: ['10.0.0.7'], ports: [{port: 80, nodePort: 30080}], type: 'NodePort'}}),
        obj('v1', 'Service', 'db', 'shop', {spec: {clusterIP: 'None', clusterIPs: ['None'], ports: [{port: 5432}]}}),
      ],
      deployment: [
        obj('apps/v1', 'Deployment', 'api', 'shop', {spec: {template: {metadata: {annotations: {'sidecar.istio.io/inject': 'true'}}}}}),
        // A waypoint: istiod recreates it from its Gateway, and a restored copy would point at a dead owner uid.
        obj('apps/v1', 'Deployment', 'waypoint', 'shop', {metadata: {name: 'waypoint', namespace: 'shop', ownerReferences: [{apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', name: 'waypoint', uid: 'g1', controller: true}]}}),
      ],
      mutatingWebhook: [obj('admissionregistration.k8s.io/v1', 'MutatingWebhookConfiguration', 'istio-sidecar-injector'), obj('admissionregistration.k8s.io/v1', 'MutatingWebhookConfiguration', 'cert-manager-webhook')],
      validatingWebhook: [obj('admissionregistration.k8s.io/v1', 'ValidatingWebhookConfiguration', 'istiod-default-validator'), obj('admissionregistration.k8s.io/v1', 'ValidatingWebhookConfiguration', 'kyverno')],
      virtualService: [obj('networking.istio.io/v1', 'VirtualService', 'b', 'shop', {spec: {hosts: ['b']}}), obj('networking.istio.io/v1', 'VirtualService', 'a', 'shop', {spec: {hosts: ['a']}})],
    },
    unreadable: {
      authorizationPolicy: {state: 'forbidden', permission: {verb: 'list', resource: 'authorizationpolicies', group: 'security.istio.io'}, message: 'authorizationpolicies is forbidden'},
      tcpRoute: {state: 'not-installed'},
    },
  };
}

const itemsIn = (content: string) => yaml.loadAll(content).filter(Boolean) as KubeObject[];
const allItems = (backup: ReturnType<typeof buildBackup>) => backup.files.flatMap(f => itemsIn(f.content));
const fileFor = (backup: ReturnType<typeof buildBackup>, qualified: string) => backup.files.find(f => f.name.endsWith(`-${qualified}.yaml`));

describe('backup content', () => {
  test('objects carry nothing the server owns, so kubectl apply can recreate them', () => {
    for (const item of allItems(buildBackup(inventory(), identity, now))) {
      for (const field of ['uid', 'resourceVersion', 'generation', 'creationTimestamp', 'managedFields', 'ownerReferences']) {
        assert.equal(field in item.metadata, false, `${item.kind} ${item.metadata.name} keeps metadata.${field}`);
      }
      assert.equal('status' in item, false, `${item.kind} ${item.metadata.name} keeps status`);
      assert.equal(item.metadata.annotations?.['kubectl.kubernetes.io/last-applied-configuration'], undefined);
    }
    const api = allItems(buildBackup(inventory(), identity, now)).find(i => i.kind === 'Deployment' && i.metadata.name === 'api');
    assert.equal(api?.metadata.annotations?.team, 'mesh', 'user annotations stay');
    assert.equal(api?.spec.template.metadata.annotations['sidecar.istio.io/inject'], 'true', 'pod-template overrides stay');
  });

  test('Services lose their allocated cluster IP but stay headless and keep node ports', () => {
    const services = itemsIn(fileFor(buildBackup(inventory(), identity, now), 'services')!.content);
    const api = services.find(s => s.metadata.name === 'api')!;
    assert.equal(api.spec.clusterIP, undefined);
    assert.equal(api.spec.clusterIPs, undefined);
    assert.equal(api.spec.ports[0].nodePort, 30080);
    assert.equal(services.find(s => s.metadata.name === 'db')!.spec.clusterIP, 'None');
  });

  test('Secrets never appear, not even their names', () => {
    const backup = buildBackup(inventory(), identity, now);
    assert.ok(!backup.files.some(f => /secret/i.test(f.name)));
    for (const file of backup.files) assert.doesNotMatch(file.content, /istio-remote-secret-east|c2VjcmV0/);
  });

  test("only Istio's own ConfigMaps and webhooks, and no controller-owned objects", () => {
    const backup = buildBackup(inventory(), identity, now);
    const names = (qualified: string) => itemsIn(fileFor(backup, qualified)!.content).map(i => `${i.metadata.namespace ?? ''}/${i.metadata.name}`);
    assert.deepEqual(names('configmaps'), [
      'istio-system/istio',
      'istio-system/istio-canary',
      'istio-system/istio-sidecar-injector-canary',
      'istio-system/values-canary',
      // The CNI agent runs in kube-system here (as on GKE); its config is found there.
      'kube-system/istio-cni-config',
    ]);
    assert.deepEqual(names('mutatingwebhookconfigurations.admissionregistration.k8s.io'), ['/istio-sidecar-injector']);
    assert.deepEqual(names('validatingwebhookconfigurations.admissionregistration.k8s.io'), ['/istiod-default-validator']);
    assert.deepEqual(names('deployments.apps'), ['shop/api']);
  });

  test('the same cluster state gives byte-identical files, whatever order the server listed it in', () => {
    const first = buildBackup(inventory(), identity, now);
    const shuffled = inventory();
    shuffled.objects.virtualService!.reverse();
    shuffled.objects.configMap!.reverse();
    // Same object, keys in another order.
    const [vs] = shuffled.objects.virtualService!;
    shuffled.objects.virtualService![0] = {spec: vs.spec, metadata: vs.metadata, kind: vs.kind, apiVersion: vs.apiVersion} as KubeObject;
    assert.deepEqual(buildBackup(shuffled, identity, now), first);
    assert.deepEqual(itemsIn(fileFor(first, 'virtualservices.networking.istio.io')!.content).map(i => i.metadata.name), ['a', 'b']);
  });

  test('files restore in dependency order: namespaces first, webhooks last', () => {
    const names = buildBackup(inventory(), identity, now).files.map(f => f.name);
    assert.deepEqual([...names].sort(), names, 'kubectl applies a directory in file-name order');
    assert.equal(names[0], '01-namespaces.yaml');
    assert.match(names.at(-1)!, /validatingwebhookconfigurations/);
  });

  test('the manifest counts and checksums match the files, and names the cluster and time', () => {
    const backup = buildBackup(inventory(), identity, now);
    assert.equal(backup.directoryName, '20261126T164000Z');
    assert.equal(backup.manifest.createdAt, '2026-11-26T16:40:00.123Z');
    assert.deepEqual(backup.manifest.cluster, identity);
    assert.equal(backup.manifest.files.length, backup.files.length);
    for (const file of backup.files) {
      const entry = backup.manifest.files.find(e => e.name === file.name)!;
      assert.equal(entry.count, itemsIn(file.content).length, file.name);
      assert.equal(entry.count, file.count);
      assert.equal(entry.sha256, createHash('sha256').update(file.content).digest('hex'), file.name);
    }
  });

  test('kinds that could not be read are listed as missing, with the reason, and get no file', () => {
    const backup = buildBackup(inventory(), identity, now);
    assert.deepEqual(backup.manifest.unreadable, [
      {kind: 'authorizationpolicies.security.istio.io', state: 'forbidden', reason: 'authorizationpolicies is forbidden'},
      {kind: 'tcproutes.gateway.networking.k8s.io', state: 'not-installed', reason: 'not installed in this cluster'},
    ]);
    assert.equal(fileFor(backup, 'authorizationpolicies.security.istio.io'), undefined);
  });
});
