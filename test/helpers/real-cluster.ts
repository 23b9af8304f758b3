/**
 * The real control plane of test/real-cluster/ (etcd, kube-apiserver, kube-controller-manager,
 * kube-scheduler, and kwok for node and pod status) as a stand-in for the simulator.
 *
 * The switch: when AMBIENT_MIGRATE_REAL_CLUSTER names the built binary (`npm run test:real` sets it), the
 * helpers that start a simulator (`startDemoSimulator`, `startTestSimulator`) start a fresh real cluster
 * instead, install the Istio and Gateway API CRDs from fixtures/crds/, and create the same fixtures. What
 * only the simulator can offer (its request journal, fault injection, direct access to its store) throws
 * a clear error naming it, so a test that needs it fails visibly rather than passing on something else.
 */
import {spawn, type ChildProcess} from 'node:child_process';
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import yaml from 'js-yaml';
import {startSimulator, type Simulator, type SimulatorOptions} from '../../source/sim/simulator.ts';
import {CRD_FIXTURES, readManifests} from '../../source/sim/seed.ts';

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

/** A value whose every property access fails, naming the simulator-only feature a test asked for. */
function simulatorOnly(what: string): never {
  return new Proxy(
    {},
    {
      get(_target, property) {
        if (property === 'then') return undefined;
        throw new Error(`${what}.${String(property)} exists only in the simulator; this test runs against the real API server (${REAL_CLUSTER_ENV})`);
      },
    },
  ) as never;
}

/** The real cluster behind the Simulator interface the tests use. */
export async function startRealAsSimulator(binary: string, options: SimulatorOptions = {}): Promise<Simulator> {
  const real = await startRealCluster(binary, options);
  const config = yaml.load(readFileSync(real.kubeconfig, 'utf8')) as {contexts: Array<{name: string; context: Record<string, string>}>; 'current-context': string};
  return {
    url: real.url,
    server: simulatorOnly('sim.server'),
    cluster: simulatorOnly('sim.cluster'),
    settled: () => real.settled(),
    writeKubeconfig(file, contextName = 'ambient-migrate-sim') {
      const context = config.contexts.find(c => c.name === config['current-context'])!;
      const renamed = {...config, contexts: [{name: contextName, context: {...context.context, namespace: 'default'}}], 'current-context': contextName};
      writeFileSync(file, yaml.dump(renamed), {mode: 0o600});
      return file;
    },
    close: () => real.close(),
  };
}

/** The switch: the simulator, or the real cluster when AMBIENT_MIGRATE_REAL_CLUSTER names its binary. */
export async function startSimulatorOrReal(options: SimulatorOptions = {}): Promise<Simulator> {
  const binary = realClusterBinary();
  if (binary) return startRealAsSimulator(binary, options);
  return startSimulator(options);
}
