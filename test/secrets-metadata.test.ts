/**
 * Secrets are never read beyond their metadata: the tool lists them as PartialObjectMetadataList (as
 * client-go's metadata client does), so the API server never sends their data, and the simulator answers
 * that form as a real server does.
 */
import assert from 'node:assert/strict';
import {after, describe, test} from 'node:test';
import {loadInventory} from '../source/core/inventory.ts';
import {connect} from '../source/kube/http-client.ts';
import {KINDS} from '../source/kube/kinds.ts';
import {startDemoSimulator} from './helpers/cluster.ts';

describe('secrets, metadata only', () => {
  const demo = startDemoSimulator();
  after(async () => (await demo).close());

  test('the inventory lists Secrets by label as PartialObjectMetadataList: no data crosses the wire', async () => {
    const {sim, kubeconfig} = await demo;
    const client = connect({kubeconfig});
    await client.create(KINDS.secret, {apiVersion: 'v1', kind: 'Secret', metadata: {name: 'istio-remote-secret-west', namespace: 'istio-system', labels: {'istio/multiCluster': 'true'}}, data: {west: Buffer.from('kubeconfig with a token').toString('base64')}});
    const since = sim.server.journal.all().length;
    const inventory = await loadInventory(client, ['secret']);
    const [secret] = inventory.objects.secret!;
    assert.equal(inventory.objects.secret!.length, 1);
    assert.deepEqual({apiVersion: secret!.apiVersion, kind: secret!.kind, name: secret!.metadata.name, labels: secret!.metadata.labels}, {apiVersion: 'v1', kind: 'Secret', name: 'istio-remote-secret-west', labels: {'istio/multiCluster': 'true'}});
    assert.equal('data' in secret!, false);
    const lists = sim.server.journal.all().slice(since).filter(e => e.attributes?.resource === 'secrets');
    assert.equal(lists.length, 1);
    assert.equal(lists[0]!.accept, 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1');
    assert.match(lists[0]!.query, /labelSelector=istio%2FmultiCluster%3Dtrue/);

    // What the server sent for that request: metadata only.
    const response = await fetch(`${sim.url}/api/v1/secrets?labelSelector=istio%2FmultiCluster%3Dtrue`, {headers: {Accept: lists[0]!.accept!}});
    assert.equal(response.headers.get('content-type'), 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1');
    const body = (await response.json()) as {kind: string; apiVersion: string; items: Array<Record<string, unknown>>};
    assert.equal(body.kind, 'PartialObjectMetadataList');
    assert.equal(body.apiVersion, 'meta.k8s.io/v1');
    assert.deepEqual(Object.keys(body.items[0]!).sort(), ['apiVersion', 'kind', 'metadata']);
    assert.equal(body.items[0]!.kind, 'PartialObjectMetadata');
  });
});
