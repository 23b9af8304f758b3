/**
 * Fault injection and the request journal: injected statuses, firing rules, delays, dropped connections,
 * RBAC denials, the HTTP control endpoint, and how the real kubectl reacts to them.
 */
import {after, afterEach, before, describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {DEMO_FIXTURES, kubectlSkip, startTestSimulator, type TestSimulator} from '../helpers/sim.ts';

let t: TestSimulator;

interface Reply {
  status: number;
  headers: Headers;
  body: any;
}

async function api(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<Reply> {
  const res = await fetch(`${t.sim.url}${path}`, {
    method,
    headers: body === undefined ? {} : {'Content-Type': contentType},
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // keep the text
  }
  return {status: res.status, headers: res.headers, body: parsed};
}

const configMap = (name: string) => ({apiVersion: 'v1', kind: 'ConfigMap', metadata: {name}, data: {k: 'v'}});
const cmPath = (name = '') => `/api/v1/namespaces/default/configmaps${name ? `/${name}` : ''}`;

/** The error a dropped connection gives fetch: a TypeError whose cause is the socket closing. */
async function expectDropped(promise: Promise<unknown>): Promise<void> {
  await assert.rejects(promise, (error: Error & {cause?: {code?: string; message?: string}}) => {
    assert.equal(error.name, 'TypeError');
    assert.match(String(error.cause?.code ?? error.cause?.message), /UND_ERR_SOCKET|other side closed|ECONNRESET/);
    return true;
  });
}

describe('fault injection and the request journal', () => {
  before(async () => {
    t = await startTestSimulator({fixtures: [DEMO_FIXTURES]});
  });
  afterEach(() => {
    t.sim.server.faults.clear();
  });
  after(async () => {
    await t?.close();
  });

  test('an injected status answers with a Status body and Retry-After', async () => {
    t.sim.server.faults.add({verb: 'get', resource: 'namespaces', name: 'bookinfo', status: 429, retryAfterSeconds: 3});
    const throttled = await api('GET', '/api/v1/namespaces/bookinfo');
    assert.equal(throttled.status, 429);
    assert.equal(throttled.headers.get('retry-after'), '3');
    assert.equal(throttled.headers.get('content-type'), 'application/json');
    assert.equal(throttled.body.kind, 'Status');
    assert.equal(throttled.body.apiVersion, 'v1');
    assert.equal(throttled.body.status, 'Failure');
    assert.equal(throttled.body.reason, 'TooManyRequests');
    assert.equal(throttled.body.code, 429);
    assert.equal(throttled.body.details?.retryAfterSeconds, 3);
    // times defaults to 1: the next request is served.
    assert.equal((await api('GET', '/api/v1/namespaces/bookinfo')).status, 200);
    // Other objects never matched.
    t.sim.server.faults.add({verb: 'get', resource: 'namespaces', name: 'bookinfo', status: 500, message: 'etcd is on fire'});
    assert.equal((await api('GET', '/api/v1/namespaces/payments')).status, 200);
    const failed = await api('GET', '/api/v1/namespaces/bookinfo');
    assert.equal(failed.status, 500);
    assert.equal(failed.body.reason, 'InternalError');
    assert.equal(failed.body.message, 'etcd is on fire');
    assert.equal(failed.headers.get('retry-after'), null);
  });

  test('nth and times choose which matching requests fail', async () => {
    t.sim.server.faults.add({verb: 'list', resource: 'pods', namespace: 'bookinfo', nth: 2, times: 2, status: 503});
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await api('GET', '/api/v1/namespaces/bookinfo/pods')).status);
    assert.deepEqual(statuses, [200, 503, 503, 200, 200]);
    t.sim.server.faults.clear();
    t.sim.server.faults.add({verb: 'list', resource: 'pods', times: Infinity, status: 503});
    for (let i = 0; i < 3; i++) assert.equal((await api('GET', '/api/v1/pods')).status, 503);
    assert.equal((await api('GET', '/api/v1/namespaces')).status, 200, 'only pods are affected');
  });

  test('delayMs holds the response back', async () => {
    t.sim.server.faults.add({verb: 'get', resource: 'namespaces', delayMs: 300});
    const started = Date.now();
    const reply = await api('GET', '/api/v1/namespaces/default');
    const elapsed = Date.now() - started;
    assert.equal(reply.status, 200, 'a delay alone still serves the request');
    assert.ok(elapsed >= 290, `answered after ${elapsed} ms`);
    const before = t.sim.server.journal.count;
    await api('GET', '/api/v1/namespaces/default');
    assert.equal(t.sim.server.journal.all().slice(before).filter(e => e.fault).length, 0, 'times: 1 — the next request is not delayed');
  });

  test('hold pauses the matching request until released; the request then completes, and later ones pass', async () => {
    const gate = t.sim.server.faults.hold({verb: 'create', resource: 'configmaps', namespace: 'default'});
    let answered = false;
    const held = api('POST', '/api/v1/namespaces/default/configmaps', {apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'held'}}).then(r => {
      answered = true;
      return r;
    });
    const attributes = await gate.reached;
    assert.equal(attributes.name, undefined);
    assert.equal(attributes.verb, 'create');
    assert.equal((await api('GET', '/api/v1/namespaces/default/configmaps/held')).status, 404, 'not committed while held');
    assert.equal(answered, false, 'the client is still waiting');
    gate.release();
    assert.equal((await held).status, 201);
    assert.equal((await api('GET', '/api/v1/namespaces/default/configmaps/held')).status, 200, 'committed once released');
    assert.equal((await api('POST', '/api/v1/namespaces/default/configmaps', {apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'next'}})).status, 201, 'the next one is not held');
  });

  test("drop: 'before' closes the connection and persists nothing", async () => {
    t.sim.server.faults.add({verb: 'create', resource: 'configmaps', drop: 'before'});
    await expectDropped(api('POST', cmPath(), configMap('dropped-before')));
    assert.equal((await api('GET', cmPath('dropped-before'))).status, 404);
  });

  test("drop: 'after' closes the connection but the write happened (the ambiguous write)", async () => {
    t.sim.server.faults.add({verb: 'create', resource: 'configmaps', drop: 'after'});
    await expectDropped(api('POST', cmPath(), configMap('dropped-after')));
    const reread = await api('GET', cmPath('dropped-after'));
    assert.equal(reread.status, 200, 'the object was created');
    // A naive retry of the create now fails with AlreadyExists: the reason clients must re-read.
    const retry = await api('POST', cmPath(), configMap('dropped-after'));
    assert.equal(retry.status, 409);
    assert.equal(retry.body.reason, 'AlreadyExists');
  });

  test('deny gives 403 with the real RBAC wording', async () => {
    t.sim.server.faults.deny({verb: 'list', resource: 'virtualservices', group: 'networking.istio.io'});
    const denied = await api('GET', '/apis/networking.istio.io/v1/virtualservices');
    assert.equal(denied.status, 403);
    assert.equal(denied.body.kind, 'Status');
    assert.equal(denied.body.reason, 'Forbidden');
    assert.equal(
      denied.body.message,
      'virtualservices.networking.istio.io is forbidden: User "system:admin" cannot list resource "virtualservices" in API group "networking.istio.io" at the cluster scope',
    );
    assert.deepEqual(denied.body.details, {group: 'networking.istio.io', kind: 'virtualservices'});
    const namespaced = await api('GET', '/apis/networking.istio.io/v1/namespaces/bookinfo/virtualservices');
    assert.equal(
      namespaced.body.message,
      'virtualservices.networking.istio.io is forbidden: User "system:admin" cannot list resource "virtualservices" in API group "networking.istio.io" in the namespace "bookinfo"',
    );
    assert.equal((await api('GET', '/apis/networking.istio.io/v1/namespaces/bookinfo/virtualservices/reviews')).status, 200, 'get is still allowed');

    t.sim.server.faults.deny({verb: 'patch', resource: 'namespaces'});
    const patch = await api('PATCH', '/api/v1/namespaces/legacy', {metadata: {labels: {x: 'y'}}}, 'application/merge-patch+json');
    assert.equal(patch.status, 403);
    // Core resources are not group-qualified; a namespace's own name is its namespace, as in kube-apiserver.
    assert.equal(
      patch.body.message,
      'namespaces "legacy" is forbidden: User "system:admin" cannot patch resource "namespaces" in API group "" in the namespace "legacy"',
    );
    // SelfSubjectAccessReview agrees with the denial.
    const review = await api('POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SelfSubjectAccessReview',
      spec: {resourceAttributes: {verb: 'list', group: 'networking.istio.io', resource: 'virtualservices'}},
    });
    assert.equal(review.status, 201);
    assert.equal(review.body.status.allowed, false);
  });

  test('the HTTP control endpoint adds and clears faults', async () => {
    const added = await fetch(`${t.sim.url}/__sim/faults`, {
      method: 'POST',
      body: JSON.stringify({verb: 'get', resource: 'configmaps', status: 409, reason: 'Conflict', times: -1}),
    });
    assert.equal(added.status, 201);
    for (let i = 0; i < 2; i++) assert.equal((await api('GET', cmPath('anything'))).status, 409, 'times -1 is always');
    assert.equal((await fetch(`${t.sim.url}/__sim/faults`, {method: 'DELETE'})).status, 200);
    assert.equal((await api('GET', cmPath('anything'))).status, 404, 'cleared');
    const deny = await fetch(`${t.sim.url}/__sim/deny`, {method: 'POST', body: JSON.stringify({resource: 'secrets'})});
    assert.equal(deny.status, 201);
    assert.equal((await api('GET', '/api/v1/namespaces/istio-system/secrets')).status, 403);
    const unknown = await api('GET', '/__sim/nothing');
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.kind, 'Status');
  });

  test('the journal records method, path, query, status and the fault', async () => {
    const journal = t.sim.server.journal;
    const start = journal.all().length;
    t.sim.server.faults.add({verb: 'delete', resource: 'configmaps', name: 'journaled', status: 503, retryAfterSeconds: 1});
    await api('POST', `${cmPath()}?fieldManager=journal-test`, configMap('journaled'));
    await api('DELETE', cmPath('journaled'));
    await api('DELETE', cmPath('journaled'));
    const entries = journal.all().slice(start);
    assert.deepEqual(
      entries.map(e => [e.method, e.path, e.status]),
      [
        ['POST', cmPath(), 201],
        ['DELETE', cmPath('journaled'), 503],
        ['DELETE', cmPath('journaled'), 200],
      ],
    );
    assert.equal(entries[0]!.query, 'fieldManager=journal-test');
    assert.equal(entries[0]!.contentType, 'application/json');
    assert.deepEqual(entries[1]!.attributes, {verb: 'delete', group: '', resource: 'configmaps', subresource: undefined, namespace: 'default', name: 'journaled'});
    assert.ok(entries[1]!.fault, 'the fault that fired is recorded');
    assert.equal(entries[2]!.fault, undefined);
    // Over HTTP too.
    const over = (await api('GET', '/__sim/journal')).body;
    assert.ok(over.count >= entries.length);
    assert.ok(over.entries.some((e: {path: string; status: number}) => e.path === cmPath('journaled') && e.status === 503));
  });

  describe('real kubectl against injected faults', {skip: kubectlSkip()}, () => {
    test('a 503 with Retry-After on a GET is retried and the command succeeds', async () => {
      t.sim.server.faults.add({verb: 'get', resource: 'namespaces', name: 'bookinfo', status: 503, retryAfterSeconds: 1});
      const start = t.sim.server.journal.all().length;
      const result = await t.kubectl(['get', 'ns', 'bookinfo']);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /^bookinfo\s+Active/m);
      const gets = t.sim.server.journal
        .all()
        .slice(start)
        .filter(e => e.path === '/api/v1/namespaces/bookinfo');
      assert.deepEqual(gets.map(e => e.status), [503, 200]);
    });

    test('a 503 without Retry-After fails the command', async () => {
      t.sim.server.faults.add({verb: 'get', resource: 'namespaces', name: 'bookinfo', status: 503});
      const result = await t.kubectl(['get', 'ns', 'bookinfo']);
      assert.notEqual(result.code, 0);
      assert.match(result.stderr, /Error from server \(ServiceUnavailable\)/);
    });

    test('a 409 on a write prints Error from server (Conflict)', async () => {
      t.sim.server.faults.add({
        verb: 'patch',
        resource: 'namespaces',
        name: 'legacy',
        status: 409,
        message:
          'Operation cannot be fulfilled on namespaces "legacy": the object has been modified; please apply your changes to the latest version and try again',
      });
      const result = await t.kubectl(['label', 'ns', 'legacy', 'faults=yes']);
      assert.notEqual(result.code, 0);
      assert.match(
        result.stderr,
        /Error from server \(Conflict\): Operation cannot be fulfilled on namespaces "legacy": the object has been modified/,
      );
      assert.equal((await api('GET', '/api/v1/namespaces/legacy')).body.metadata.labels.faults, undefined);
    });

    test('an RBAC denial prints Error from server (Forbidden) with the message', async () => {
      t.sim.server.faults.deny({verb: 'list', resource: 'virtualservices', group: 'networking.istio.io'});
      const result = await t.kubectl(['get', 'virtualservices', '-A']);
      assert.notEqual(result.code, 0);
      assert.match(
        result.stderr,
        /Error from server \(Forbidden\): virtualservices\.networking\.istio\.io is forbidden: User "system:admin" cannot list resource "virtualservices" in API group "networking\.istio\.io" at the cluster scope/,
      );
    });

    test('a connection dropped before a PATCH fails with EOF and is not retried', async () => {
      t.sim.server.faults.add({verb: 'patch', resource: 'namespaces', name: 'legacy', drop: 'before'});
      const start = t.sim.server.journal.all().length;
      const result = await t.kubectl(['label', 'ns', 'legacy', 'dropped=yes']);
      assert.notEqual(result.code, 0);
      assert.match(result.stderr, /EOF|connection reset|Unable to connect/);
      const patches = t.sim.server.journal
        .all()
        .slice(start)
        .filter(e => e.method === 'PATCH');
      assert.equal(patches.length, 1, 'not retried');
    });
  });
});
