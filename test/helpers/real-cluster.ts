/**
 * The real control plane of test/real-cluster/ (etcd, kube-apiserver, kube-controller-manager,
 * kube-scheduler, and kwok for node and pod status) as a stand-in for the simulator.
 *
 * The switch: when AMBIENT_MIGRATE_REAL_CLUSTER names the built binary (`npm run test:real` sets it), the
 * helpers that start a simulator (`startDemoSimulator`, `startTestSimulator`) start a fresh real cluster
 * instead, install the Istio and Gateway API CRDs from fixtures/crds/, and create the same fixtures. The
 * clients reach it through a recording proxy, so `sim.server.journal` still lists what they sent, and
 * `sim.cluster` offers the few store operations the tests use. What only the simulator can offer (fault
 * injection, the rest of its store) throws an error naming it, so a test that needs it fails visibly
 * rather than passing on something else.
 */
import {spawn, spawnSync, type ChildProcess} from 'node:child_process';
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type {AddressInfo} from 'node:net';
import {tmpdir} from 'node:os';
import path from 'node:path';
import yaml from 'js-yaml';
import {startSimulator, writeKubeconfig, type Simulator, type SimulatorOptions} from '../../source/sim/simulator.ts';
import {CRD_FIXTURES, readManifests} from '../../source/sim/seed.ts';
import {RequestJournal, type RequestAttributes} from '../../source/sim/faults.ts';

export const REAL_CLUSTER_ENV = 'AMBIENT_MIGRATE_REAL_CLUSTER';
const KUBECTL = '/usr/bin/kubectl';

/** The real-cluster binary to run instead of the simulator, when the switch is on. */
export function realClusterBinary(): string | undefined {
  return process.env[REAL_CLUSTER_ENV] || undefined;
}

/**
 * Objects of the fixtures that are not created on the real server: the demo's istiod webhook
 * configurations point at an istiod Service that nothing serves here, and with their `failurePolicy:
 * Fail` the real API server would refuse every pod in an injected namespace and every Istio object.
 * The simulator does not call webhooks at all.
 */
const NOT_CREATED = new Set(['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration']);

export interface RealCluster {
  url: string;
  kubeconfig: string;
  dataDir: string;
  kubectl(args: string[], input?: string): Promise<{code: number | null; stdout: string; stderr: string}>;
  /** Resolves once Deployments, ReplicaSets and DaemonSets are rolled out and no pod is terminating. */
  settled(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

function run(args: string[], kubeconfig: string, input?: string): Promise<{code: number | null; stdout: string; stderr: string}> {
  return new Promise((resolve, reject) => {
    const env = {...process.env};
    delete env.KUBECONFIG;
    const child = spawn(KUBECTL, [`--kubeconfig=${kubeconfig}`, ...args], {env, stdio: ['pipe', 'pipe', 'pipe'], timeout: 120_000});
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', chunk => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', chunk => (stderr += chunk));
    child.on('error', reject);
    child.on('close', code => resolve({code, stdout, stderr}));
    child.stdin.end(input ?? '');
  });
}

/** Starts the binary and resolves with the kubeconfig and URL it prints once ready. */
function startBinary(binary: string, dataDir: string, extraArgs: string[]): Promise<{child: ChildProcess; kubeconfig: string; url: string}> {
  const log = path.join(dataDir, 'real-cluster.log');
  return new Promise((resolve, reject) => {
    const child = spawn(binary, ['up', `--data-dir=${path.join(dataDir, 'cluster')}`, ...extraArgs], {stdio: ['ignore', 'pipe', 'pipe']});
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the real cluster was not ready within 180 s; its log: ${log}\n${stderr.slice(-2000)}`));
    }, 180_000);
    child.stderr!.setEncoding('utf8').on('data', chunk => {
      stderr += chunk;
      if (stderr.length > 1_000_000) stderr = stderr.slice(-500_000);
    });
    child.stdout!.setEncoding('utf8').on('data', chunk => {
      stdout += chunk;
      const match = /^real-cluster ready kubeconfig=(\S+) server=(\S+)/m.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolve({child, kubeconfig: match[1]!, url: match[2]!});
      }
    });
    child.on('error', error => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('exit', code => {
      writeFileSync(log, stderr);
      clearTimeout(timer);
      reject(new Error(`the real cluster exited (${code}) before it was ready; its log: ${log}\n${stderr.slice(-3000)}`));
    });
  });
}

async function ok(result: Promise<{code: number | null; stdout: string; stderr: string}>, what: string): Promise<string> {
  const r = await result;
  if (r.code !== 0) throw new Error(`${what} failed (${r.code}):\n${r.stderr}${r.stdout}`);
  return r.stdout;
}

/**
 * Creates `documents` in order, leaving alone those that already exist (the default namespaces, Service
 * `kubernetes`): creating those again is not even an AlreadyExists on a real server when a ClusterIP
 * is involved, but a 422 for the allocated IP.
 */
async function create(kubeconfig: string, documents: Array<{kind: string; apiVersion: string; metadata: {name?: string; namespace?: string}}>): Promise<void> {
  if (documents.length === 0) return;
  const asYaml = (docs: unknown[]) => docs.map(d => yaml.dump(d)).join('---\n');
  type Doc = (typeof documents)[number];
  const id = (d: Doc) => `${d.apiVersion.split('/').slice(0, -1).join('/')}|${d.kind}|${d.metadata.namespace ?? ''}|${d.metadata.name}`;
  const found = JSON.parse(await ok(run(['get', '-f', '-', '-o', 'json', '--ignore-not-found'], kubeconfig, asYaml(documents)), 'looking up the fixtures')) as {items?: Doc[]};
  const existing = new Set((found.items ?? []).map(id));
  // A namespaced fixture without a namespace lands in default.
  const fresh = documents.filter(d => !existing.has(id(d)) && !existing.has(id({...d, metadata: {...d.metadata, namespace: 'default'}})));
  if (fresh.length === 0) return;
  const result = await run(['create', '-f', '-', '-o', 'name'], kubeconfig, asYaml(fresh));
  const errors = result.stderr.split('\n').filter(line => line.trim() && !line.startsWith('Warning:'));
  if (result.code !== 0 || errors.length > 0) throw new Error(`creating the fixtures on the real server failed:\n${errors.join('\n')}`);
}

export async function startRealCluster(binary: string, options: SimulatorOptions = {}): Promise<RealCluster> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'ambient-migrate-real-'));
  const {child, kubeconfig, url} = await startBinary(binary, dataDir, [
    // The fixtures bring their own nodes; kwok manages whichever exist.
    ...(options.fixtures?.length || options.objects?.length ? ['--node='] : []),
    `--pod-termination-ms=${options.podTerminationMs ?? 150}`,
    '--exit-with-parent',
  ]);
  const exited = new Promise<void>(resolve => child.on('exit', () => resolve()));
  const kubectl = (args: string[], input?: string) => run(args, kubeconfig, input);
  const close = async () => {
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
    rmSync(dataDir, {recursive: true, force: true});
  };
  try {
    // The CRDs first, server-side: Istio's are too large for kubectl's last-applied annotation.
    await ok(kubectl(['apply', '--server-side', '--field-manager=real-cluster-setup', '-f', path.join(CRD_FIXTURES, 'istio'), '-f', path.join(CRD_FIXTURES, 'gateway-api')]), 'installing the CRDs');
    await ok(kubectl(['wait', '--for=condition=Established', '--timeout=60s', 'crd', '--all']), 'waiting for the CRDs');
    const documents = [...(options.fixtures ?? []).flatMap(f => readManifests(f)), ...(options.objects ?? [])]
      .map(d => d.object)
      .filter(o => !NOT_CREATED.has(o.kind));
    await create(kubeconfig, documents);
    const cluster = {url, kubeconfig, dataDir, kubectl, settled: (timeoutMs?: number) => settled(kubectl, timeoutMs), close};
    await cluster.settled();
    return cluster;
  } catch (error) {
    await close();
    throw error;
  }
}

interface Workload {
  kind: string;
  metadata: {namespace: string; name: string; generation?: number; deletionTimestamp?: string};
  spec?: {replicas?: number};
  status?: Record<string, number | undefined>;
}

/** Why `item` is not rolled out yet, or undefined when it is. */
function pending(item: Workload): string | undefined {
  const s = item.status ?? {};
  const id = `${item.kind} ${item.metadata.namespace}/${item.metadata.name}`;
  if (item.kind === 'Pod') return item.metadata.deletionTimestamp ? `${id} terminating` : undefined;
  if ((s.observedGeneration ?? 0) < (item.metadata.generation ?? 0)) return `${id} not observed`;
  if (item.kind === 'DaemonSet') {
    const want = s.desiredNumberScheduled ?? 0;
    return s.numberReady === want && s.updatedNumberScheduled === want ? undefined : `${id} ${s.numberReady}/${want}`;
  }
  const want = item.spec?.replicas ?? 1;
  if (item.kind === 'ReplicaSet') return (s.replicas ?? 0) === want && (s.readyReplicas ?? 0) === want ? undefined : `${id} ${s.readyReplicas ?? 0}/${want}`;
  return (s.replicas ?? 0) === want && (s.updatedReplicas ?? 0) === want && (s.availableReplicas ?? 0) === want ? undefined : `${id} ${s.availableReplicas ?? 0}/${want}`;
}

async function settled(kubectl: RealCluster['kubectl'], timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let waiting: string[] = [];
  for (;;) {
    const out = await ok(kubectl(['get', 'deployments,replicasets,daemonsets,pods', '-A', '-o', 'json']), 'listing workloads');
    waiting = (JSON.parse(out).items as Workload[]).map(pending).filter((x): x is string => Boolean(x));
    if (waiting.length === 0) return;
    if (Date.now() > deadline) throw new Error(`the real cluster did not settle in ${timeoutMs} ms: ${waiting.slice(0, 10).join('; ')}`);
    await new Promise(r => setTimeout(r, 200));
  }
}

/** What kube-apiserver's RequestInfo would say about a resource request (enough for the journal). */
function attributesFor(method: string, pathname: string, query: URLSearchParams): RequestAttributes | undefined {
  const parts = pathname.split('/').filter(Boolean);
  let group: string;
  let rest: string[];
  if (parts[0] === 'api' && parts.length >= 3) [group, rest] = ['', parts.slice(2)];
  else if (parts[0] === 'apis' && parts.length >= 4) [group, rest] = [parts[1]!, parts.slice(3)];
  else return undefined;
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3 && !['status', 'finalize'].includes(rest[2]!)) [namespace, rest] = [rest[1], rest.slice(2)];
  else if (rest[0] === 'namespaces' && rest.length >= 2) namespace = rest[1];
  const [resource, name, subresource] = rest as [string, string?, string?];
  const watch = query.get('watch') === 'true' || query.get('watch') === '1';
  const verb = ({GET: name ? 'get' : watch ? 'watch' : 'list', POST: 'create', PUT: 'update', PATCH: 'patch', DELETE: name ? 'delete' : 'deletecollection'} as Record<string, string>)[method];
  if (!verb) return undefined;
  return {verb: verb as RequestAttributes['verb'], group, resource, subresource, namespace, name};
}

/**
 * A plain-HTTP proxy on 127.0.0.1 in front of the real API server that records every request in the
 * simulator's RequestJournal format and forwards it, streaming, with the admin's client certificate.
 */
async function startRecordingProxy(target: URL, kubeconfig: string): Promise<{url: string; journal: RequestJournal; close(): Promise<void>}> {
  const config = yaml.load(readFileSync(kubeconfig, 'utf8')) as {
    clusters: Array<{cluster: {'certificate-authority-data': string}}>;
    users: Array<{user: {'client-certificate-data': string; 'client-key-data': string}}>;
  };
  const b64 = (s: string) => Buffer.from(s, 'base64');
  const agent = new https.Agent({
    keepAlive: true,
    ca: b64(config.clusters[0]!.cluster['certificate-authority-data']),
    cert: b64(config.users[0]!.user['client-certificate-data']),
    key: b64(config.users[0]!.user['client-key-data']),
  });
  const journal = new RequestJournal();
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://proxy');
    const header = (name: string) => (req.headers[name] as string | undefined) ?? undefined;
    const entry = journal.record({
      time: new Date().toISOString(),
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.search.replace(/^\?/, ''),
      contentType: header('content-type'),
      accept: header('accept'),
      userAgent: header('user-agent'),
      attributes: attributesFor(req.method ?? 'GET', url.pathname, url.searchParams),
    });
    const headers = {...req.headers, host: target.host};
    delete headers.connection;
    // The simulator's kubeconfig carries a placeholder token; the proxy authenticates as the admin.
    delete headers.authorization;
    const upstream = https.request({hostname: target.hostname, port: target.port, method: req.method, path: req.url, headers, agent}, response => {
      entry.status = response.statusCode;
      res.writeHead(response.statusCode ?? 502, response.headers);
      // A watch's headers come long before its first event: send them on at once.
      res.flushHeaders();
      response.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    res.on('close', () => upstream.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const sockets = new Set<import('node:net').Socket>();
  server.on('connection', socket => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    journal,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>(resolve => server.close(() => resolve()));
      agent.destroy();
    },
  };
}

/**
 * The few store operations the conformance tests call on `sim.cluster`, done on the real server. They
 * are synchronous there too (kubectl with spawnSync): the server is another process, so nothing in
 * this one has to keep running meanwhile.
 */
function realStore(kubeconfig: string) {
  const kubectlSync = (args: string[], input?: string) => {
    const env = {...process.env};
    delete env.KUBECONFIG;
    return spawnSync(KUBECTL, [`--kubeconfig=${kubeconfig}`, ...args], {env, input, encoding: 'utf8', timeout: 60_000});
  };
  const ref = (type: {group: string; plural: string}) => (type.group ? `${type.plural}.${type.group}` : type.plural);
  return {
    typeFor: (group: string, plural: string) => ({group, plural}),
    tryGet(type: {group: string; plural: string}, namespace: string, name: string) {
      const result = kubectlSync(['get', ref(type), name, ...(namespace ? ['-n', namespace] : []), '-o', 'json', '--ignore-not-found']);
      if (result.status !== 0) throw new Error(`kubectl get ${ref(type)} ${name}: ${result.stderr}`);
      return result.stdout.trim() ? JSON.parse(result.stdout) : undefined;
    },
    create(type: {group: string; plural: string}, namespace: string, object: {metadata?: Record<string, unknown>}) {
      const body = {...object, metadata: {...object.metadata, ...(namespace ? {namespace} : {})}};
      const result = kubectlSync(['create', '-f', '-', '-o', 'json'], JSON.stringify(body));
      if (result.status !== 0) throw new Error(`kubectl create ${ref(type)}: ${result.stderr}`);
      return JSON.parse(result.stdout);
    },
  };
}

/**
 * The real cluster behind the Simulator interface the tests use: `url` and the kubeconfig point at a
 * recording proxy, so `sim.server.journal` is the journal of what the clients sent to the real server;
 * `sim.cluster` has the store operations the tests use; fault injection exists only in the simulator.
 */
export async function startRealAsSimulator(binary: string, options: SimulatorOptions = {}): Promise<Simulator> {
  const real = await startRealCluster(binary, options);
  let proxy: Awaited<ReturnType<typeof startRecordingProxy>>;
  try {
    proxy = await startRecordingProxy(new URL(real.url), real.kubeconfig);
  } catch (error) {
    await real.close();
    throw error;
  }
  const store = realStore(real.kubeconfig);
  const cluster = new Proxy(store, {
    get(target, property) {
      if (property in target) return target[property as keyof typeof target];
      if (property === 'then') return undefined;
      throw new Error(`sim.cluster.${String(property)} exists only in the simulator; this test runs against the real API server (${REAL_CLUSTER_ENV})`);
    },
  });
  const server = new Proxy(
    {url: proxy.url, journal: proxy.journal},
    {
      get(target, property) {
        if (property in target) return target[property as keyof typeof target];
        if (property === 'then') return undefined;
        throw new Error(`sim.server.${String(property)} exists only in the simulator; this test runs against the real API server (${REAL_CLUSTER_ENV})`);
      },
    },
  );
  return {
    url: proxy.url,
    server: server as unknown as Simulator['server'],
    cluster: cluster as unknown as Simulator['cluster'],
    settled: () => real.settled(),
    restart: async () => {
      throw new Error(`sim.restart exists only in the simulator; this test runs against the real API server (${REAL_CLUSTER_ENV})`);
    },
    writeKubeconfig: (file, contextName = 'ambient-migrate-sim') => writeKubeconfig(file, proxy.url, contextName),
    close: async () => {
      await proxy.close();
      await real.close();
    },
  };
}

/** The switch: the simulator, or the real cluster when AMBIENT_MIGRATE_REAL_CLUSTER names its binary. */
export async function startSimulatorOrReal(options: SimulatorOptions = {}): Promise<Simulator> {
  const binary = realClusterBinary();
  if (binary) return startRealAsSimulator(binary, options);
  return startSimulator(options);
}
