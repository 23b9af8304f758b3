/**
 * The kubeconfig as kubectl reads it: merged files, relative paths, tokens, token files, basic auth, exec
 * credential plugins, TLS with a CA and client certificates, plain http. Each case talks to a small server
 * of the test's own that records what arrived (headers, the client certificate), so what is asserted is
 * what a real API server would see.
 */
import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type {AddressInfo} from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type {TLSSocket} from 'node:tls';
import {after, before, describe, test} from 'node:test';
import {connect, KubeconfigError, loadKubeconfig} from '../../source/kube/http-client.ts';
import {KINDS} from '../../source/kube/kinds.ts';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'ambient-migrate-kubeconfig-'));
const hasOpenssl = spawnSync('openssl', ['version']).status === 0;

interface Seen {
  authorization?: string;
  clientCertificateSubject?: string;
}

/** A server that answers a namespace list and records what each request carried. */
async function recordingServer(tls?: https.ServerOptions): Promise<{url: string; seen: Seen[]; close(): Promise<void>}> {
  const seen: Seen[] = [];
  const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const cert = tls ? (req.socket as TLSSocket).getPeerCertificate() : undefined;
    seen.push({authorization: req.headers.authorization, clientCertificateSubject: cert?.subject?.CN ? String(cert.subject.CN) : undefined});
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify({kind: 'NamespaceList', apiVersion: 'v1', metadata: {}, items: [{metadata: {name: 'default'}}]}));
  };
  const server = tls ? https.createServer(tls, handler) : http.createServer(handler);
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  const {port} = server.address() as AddressInfo;
  return {
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    seen,
    close: () => new Promise(r => server.close(() => r())),
  };
}

function write(name: string, text: string): string {
  const file = path.join(tmp, name);
  mkdirSync(path.dirname(file), {recursive: true});
  writeFileSync(file, text);
  return file;
}

function config(name: string, cluster: string, user: string, extra = ''): string {
  return write(name, `apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n${cluster}\nusers:\n- name: u\n  user:\n${user}\ncontexts:\n- name: ctx\n  context: {cluster: c, user: u}\ncurrent-context: ctx\n${extra}`);
}

describe('kubeconfig', () => {
  let plain: Awaited<ReturnType<typeof recordingServer>>;
  before(async () => {
    plain = await recordingServer();
  });
  after(() => plain.close());

  test('a plain http:// server (kubectl proxy) is used as kubectl uses it, with no TLS setting needed', async () => {
    const file = config('http.yaml', `    server: ${plain.url}`, '    token: abc');
    const names = (await connect({kubeconfig: file}).list(KINDS.namespace)).map(n => n.metadata.name);
    assert.deepEqual(names, ['default']);
    assert.equal(plain.seen.at(-1)!.authorization, 'Bearer abc');
  });

  test('tokenFile is read, relative to the kubeconfig; basic auth is sent as kubectl sends it', async () => {
    write('dir/token', 'from-file\n');
    const withFile = config('dir/token.yaml', `    server: ${plain.url}`, '    tokenFile: token');
    await connect({kubeconfig: withFile}).list(KINDS.namespace);
    assert.equal(plain.seen.at(-1)!.authorization, 'Bearer from-file');
    const basic = config('basic.yaml', `    server: ${plain.url}`, '    username: ada\n    password: s3cret');
    await connect({kubeconfig: basic}).list(KINDS.namespace);
    assert.equal(plain.seen.at(-1)!.authorization, `Basic ${Buffer.from('ada:s3cret').toString('base64')}`);
  });

  test('an exec credential plugin runs once, gets KUBERNETES_EXEC_INFO, and its token is sent', async () => {
    const record = path.join(tmp, 'exec-info.json');
    const count = path.join(tmp, 'exec-count');
    const plugin = write(
      'bin/fake-login',
      `#!/bin/sh\nprintf '%s' "$KUBERNETES_EXEC_INFO" > ${record}\necho x >> ${count}\necho '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"from-plugin-'"$1"'"}}'\n`,
    );
    chmodSync(plugin, 0o755);
    const file = config('exec.yaml', `    server: ${plain.url}`, `    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: ./bin/fake-login\n      args: [eu-1]\n      interactiveMode: Never`);
    const client = connect({kubeconfig: file});
    await client.list(KINDS.namespace);
    await client.list(KINDS.namespace);
    assert.equal(plain.seen.at(-1)!.authorization, 'Bearer from-plugin-eu-1');
    assert.equal(readFileSync(count, 'utf8').trim().split('\n').length, 1, 'the plugin ran once for two requests');
    assert.deepEqual(JSON.parse(readFileSync(record, 'utf8')), {apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', spec: {interactive: false}});
  });

  test('an exec plugin that is not installed, or that fails (an expired login), is named with what to do', async () => {
    const missing = config('exec-missing.yaml', `    server: ${plain.url}`, `    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: aws-login-not-installed\n      installHint: Install the AWS CLI.`);
    assert.throws(() => connect({kubeconfig: missing}), (e: unknown) => {
      assert.ok(e instanceof KubeconfigError);
      assert.match(e.message, /credential plugin "aws-login-not-installed" \(user "u" in [^)]*\) is not installed or not on PATH: .*\(Install the AWS CLI\.\)$/);
      return true;
    });
    const failing = write('bin/expired-login', '#!/bin/sh\necho "error: the SSO session has expired" >&2\nexit 1\n');
    chmodSync(failing, 0o755);
    const expired = config('exec-expired.yaml', `    server: ${plain.url}`, `    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: ${failing}`);
    await assert.rejects(connect({kubeconfig: expired}).list(KINDS.namespace), (e: unknown) => {
      assert.ok(e instanceof KubeconfigError);
      assert.match(e.message, /\(user "u"\) failed: error: the SSO session has expired\. Your login has probably expired: .*log in again$/);
      return true;
    });
  });

  test('$KUBECONFIG files merge as kubectl merges them: the first file to name a thing wins, and its current-context', () => {
    const first = write('merge/a.yaml', `apiVersion: v1\nkind: Config\ncurrent-context: a\ncontexts:\n- name: a\n  context: {cluster: c, user: u}\n- name: shared\n  context: {cluster: c, user: u, namespace: from-a}\nusers:\n- name: u\n  user: {token: a}\n`);
    const second = write('merge/b.yaml', `apiVersion: v1\nkind: Config\ncurrent-context: b\ncontexts:\n- name: b\n  context: {cluster: c, user: u}\n- name: shared\n  context: {cluster: c, user: u, namespace: from-b}\nclusters:\n- name: c\n  cluster: {server: ${plain.url}}\n`);
    const {config: merged} = loadKubeconfig({env: {KUBECONFIG: `${first}:${second}`}});
    assert.equal(merged.getCurrentContext(), 'a');
    assert.deepEqual(merged.contextNames().sort(), ['a', 'b', 'shared']);
    assert.equal(merged.contexts.get('shared')!.namespace, 'from-a');
    assert.equal(merged.current()!.cluster!.server, plain.url, 'the cluster comes from the second file');
  });

  test('a broken path in a context that is not used does not matter; in the one used, it is named', async () => {
    const file = write(
      'paths/config',
      `apiVersion: v1\nkind: Config\ncurrent-context: good\nclusters:\n- name: good\n  cluster: {server: ${plain.url}}\n- name: bad\n  cluster: {server: "https://127.0.0.1:1", certificate-authority: certs/missing-ca.crt}\nusers:\n- name: u\n  user: {token: t}\ncontexts:\n- name: good\n  context: {cluster: good, user: u}\n- name: bad\n  context: {cluster: bad, user: u}\n`,
    );
    await connect({kubeconfig: file}).list(KINDS.namespace);
    assert.throws(() => connect({kubeconfig: file, context: 'bad'}), (e: unknown) => {
      assert.ok(e instanceof KubeconfigError);
      assert.equal(e.message, `the certificate-authority file ${path.join(tmp, 'paths/certs/missing-ca.crt')} (cluster "bad" in ${file}) does not exist: fix the path in the kubeconfig, or get a fresh kubeconfig from your cluster provider`);
      return true;
    });
  });

  test('a context naming a cluster the file does not define says so', () => {
    const file = write('dangling.yaml', 'apiVersion: v1\nkind: Config\ncurrent-context: x\ncontexts:\n- name: x\n  context: {cluster: nowhere, user: u}\n');
    assert.throws(() => loadKubeconfig({kubeconfig: file}), /context "x" in .* names cluster "nowhere", which .* does not define/);
  });
});

describe('TLS', {skip: hasOpenssl ? false : 'openssl is not installed'}, () => {
  const certs = path.join(tmp, 'pki');
  const openssl = (...args: string[]) => {
    const r = spawnSync('openssl', args, {cwd: certs, encoding: 'utf8'});
    assert.equal(r.status, 0, r.stderr);
  };
  let server: Awaited<ReturnType<typeof recordingServer>>;
  before(async () => {
    mkdirSync(certs);
    openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '1', '-subj', '/CN=test-ca');
    write('pki/san.cnf', 'subjectAltName=DNS:kubernetes.test,IP:127.0.0.1\n');
    openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=kube-apiserver');
    openssl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.crt', '-days', '1', '-extfile', 'san.cnf');
    openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'client.key', '-out', 'client.csr', '-subj', '/CN=alice');
    openssl('x509', '-req', '-in', 'client.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'client.crt', '-days', '1');
    const read = (f: string) => readFileSync(path.join(certs, f));
    server = await recordingServer({key: read('server.key'), cert: read('server.crt'), ca: read('ca.crt'), requestCert: true, rejectUnauthorized: false});
  });
  after(() => server?.close());

  test('the CA file (relative to the kubeconfig) verifies the server; the client certificate and key files authenticate', async () => {
    const file = write('pki/kubeconfig', `apiVersion: v1\nkind: Config\ncurrent-context: c\nclusters:\n- name: c\n  cluster: {server: "${server.url}", certificate-authority: ca.crt}\nusers:\n- name: u\n  user: {client-certificate: client.crt, client-key: client.key}\ncontexts:\n- name: c\n  context: {cluster: c, user: u}\n`);
    await connect({kubeconfig: file}).list(KINDS.namespace);
    assert.equal(server.seen.at(-1)!.clientCertificateSubject, 'alice');
  });

  test('the same with -data fields, and tls-server-name checks the name the certificate was issued for', async () => {
    const b64 = (f: string) => readFileSync(path.join(certs, f)).toString('base64');
    const user = `    client-certificate-data: ${b64('client.crt')}\n    client-key-data: ${b64('client.key')}`;
    const good = config('tls-data.yaml', `    server: "${server.url}"\n    certificate-authority-data: ${b64('ca.crt')}\n    tls-server-name: kubernetes.test`, user);
    await connect({kubeconfig: good}).list(KINDS.namespace);
    assert.equal(server.seen.at(-1)!.clientCertificateSubject, 'alice');
    const wrongName = config('tls-wrong-name.yaml', `    server: "${server.url}"\n    certificate-authority-data: ${b64('ca.crt')}\n    tls-server-name: other.test`, user);
    await assert.rejects(connect({kubeconfig: wrongName, readAttempts: 1}).list(KINDS.namespace), /TLS to the API server .* failed/);
  });

  test('without the CA the server is refused, unless insecure-skip-tls-verify says otherwise', async () => {
    const noCa = config('tls-no-ca.yaml', `    server: "${server.url}"`, '    token: t');
    await assert.rejects(connect({kubeconfig: noCa, readAttempts: 1}).list(KINDS.namespace), /TLS to the API server .* failed/);
    const insecure = config('tls-insecure.yaml', `    server: "${server.url}"\n    insecure-skip-tls-verify: true`, '    token: t');
    await connect({kubeconfig: insecure}).list(KINDS.namespace);
    assert.equal(server.seen.at(-1)!.authorization, 'Bearer t');
  });
});
