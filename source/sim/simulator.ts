import {existsSync, mkdirSync, readFileSync, renameSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import {SimCluster} from './cluster.ts';
import {ambientEnrollmentController, ambientEnrollmentHook, sidecarInjectorHook, waypointController} from './controllers/istio.ts';
import {kubeletHook, podTerminationController} from './controllers/kubelet.ts';
import {ControllerRunner} from './controllers/runner.ts';
import {workloadController} from './controllers/workloads.ts';
import {startSimServer, type SimServer} from './http-server.ts';
import {readCrdManifests, readManifests, SeedError, seedCluster, type SeedDocument} from './seed.ts';
import type {StoreSnapshot} from './store.ts';

export interface SimulatorOptions {
  /** Files or directories of manifests to seed, on top of the Istio and Gateway API CRDs. */
  fixtures?: string[];
  /** Extra objects to seed (generated clusters). */
  objects?: SeedDocument[];
  port?: number;
  /** Delay between controller passes, to make rollouts visibly progress in a demo. */
  controllerDelayMs?: number;
  /** How long a deleted pod stays Terminating before its (simulated) kubelet removes it; 0 removes at once. */
  podTerminationMs?: number;
  /**
   * Keep the cluster in this file: loaded at start when it exists (instead of seeding), saved after
   * every change. The demo cluster survives the wizard being closed, so a migration can be resumed.
   */
  persistTo?: string;
  /** Start from this saved store (`cluster.store.snapshot()`) instead of seeding: the same objects, uids and resourceVersions. */
  restoreFrom?: StoreSnapshot;
}

export interface Simulator {
  server: SimServer;
  cluster: SimCluster;
  url: string;
  /**
   * The API server process restarting with its data, as kube-apiserver does over the same etcd: every
   * connection is dropped, requests in flight (a held one too) are lost unprocessed, and after `downMs`
   * it listens on the same port again with the same objects, uids and resourceVersions. Fault rules,
   * denials and the request journal carry over; `server` is the new one.
   */
  restart(options?: {downMs?: number}): Promise<void>;
  /** Resolves once the controllers have nothing left to do. */
  settled(): Promise<void>;
  /** Writes a kubeconfig whose only context points at this simulator. */
  writeKubeconfig(file: string, contextName?: string): string;
  close(): Promise<void>;
}

/** Long enough to be seen (kubectl get pods shows Terminating), short enough not to slow a test down. */
const DEFAULT_POD_TERMINATION_MS = 150;

/** Cached parsed CRDs: every simulator installs the same ones and they take a while to parse. */
let crdDocuments: SeedDocument[] | undefined;

export function createCluster(options: SimulatorOptions = {}): {cluster: SimCluster; runner: ControllerRunner} {
  const cluster = new SimCluster();
  cluster.admissionHooks.push(sidecarInjectorHook, ambientEnrollmentHook, kubeletHook);
  const saved = options.restoreFrom ?? (options.persistTo ? readSnapshot(options.persistTo) : undefined);
  if (saved) cluster.restore(saved);
  else {
    crdDocuments ??= readCrdManifests();
    const documents = [...crdDocuments, ...(options.fixtures ?? []).flatMap(f => readManifests(f)), ...(options.objects ?? [])];
    seedCluster(cluster, documents);
  }
  const terminationMs = options.podTerminationMs ?? DEFAULT_POD_TERMINATION_MS;
  cluster.gracefulPodDeletion = terminationMs > 0;
  const runner = new ControllerRunner(
    cluster,
    [workloadController, ambientEnrollmentController, waypointController, ...(terminationMs > 0 ? [podTerminationController(terminationMs)] : [])],
    options.controllerDelayMs ?? 0,
  );
  runner.start();
  return {cluster, runner};
}

/** A seeded, running simulated API server on 127.0.0.1. */
export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const {cluster, runner} = createCluster(options);
  await runner.settled();
  let server: Awaited<ReturnType<typeof startSimServer>>;
  try {
    server = await startSimServer(cluster, {port: options.port});
  } catch (error) {
    runner.stop();
    throw error;
  }
  let persistence: ReturnType<typeof persistOnChange> | undefined;
  try {
    persistence = options.persistTo ? persistOnChange(cluster, options.persistTo) : undefined;
  } catch (error) {
    // Nothing may keep the process alive after a failed start.
    runner.stop();
    await server.close();
    throw error;
  }
  let restarting: Promise<void> | undefined;
  return {
    get server() {
      return server;
    },
    cluster,
    url: server.url,
    settled: () => runner.settled(),
    writeKubeconfig: (file, contextName = 'ambient-migrate-sim') => writeKubeconfig(file, server.url, contextName),
    restart: ({downMs = 0} = {}) =>
      (restarting ??= (async () => {
        const {port, faults, journal} = server;
        await server.close();
        if (downMs > 0) await new Promise(r => setTimeout(r, downMs));
        server = await startSimServer(cluster, {port, faults, journal});
      })().finally(() => (restarting = undefined))),
    close: async () => {
      await restarting;
      // Whatever happens to the last save, the server and the controllers stop.
      try {
        persistence?.flush();
      } finally {
        persistence?.stop();
        runner.stop();
        await server.close();
      }
    },
  };
}

function readSnapshot(file: string): StoreSnapshot | undefined {
  if (!existsSync(file)) return undefined;
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as StoreSnapshot;
    if (typeof parsed.revision !== 'number' || !Array.isArray(parsed.objects)) throw new Error('not a cluster snapshot');
    return parsed;
  } catch (error) {
    throw new SeedError(`the saved cluster ${file} cannot be read (${(error as Error).message}); move it away to start from a fresh demo cluster`);
  }
}

/** Saves the cluster a moment after it changes (writes come in bursts) and when it closes. */
function persistOnChange(cluster: SimCluster, file: string): {flush(): void; stop(): void} {
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    mkdirSync(path.dirname(file), {recursive: true, mode: 0o700});
    const temp = `${file}.${process.pid}.tmp`;
    writeFileSync(temp, JSON.stringify(cluster.store.snapshot()), {mode: 0o600});
    renameSync(temp, file);
  };
  flush();
  const unsubscribe = cluster.store.subscribe(() => {
    // A save that fails here (a full disk) is tried again on the next change and when the cluster closes,
    // where the error is reported; it must not crash the process from a timer.
    timer ??= setTimeout(() => {
      try {
        flush();
      } catch {
        timer = undefined;
      }
    }, 50);
  });
  return {
    flush,
    stop: () => {
      if (timer) clearTimeout(timer);
      timer = undefined;
      unsubscribe();
    },
  };
}

export function kubeconfigFor(url: string, contextName: string): string {
  return yaml.dump({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{name: contextName, cluster: {server: url, 'insecure-skip-tls-verify': true}}],
    users: [{name: 'admin', user: {token: 'simulator'}}],
    contexts: [{name: contextName, context: {cluster: contextName, user: 'admin', namespace: 'default'}}],
    'current-context': contextName,
    preferences: {},
  });
}

export function writeKubeconfig(file: string, url: string, contextName: string): string {
  mkdirSync(path.dirname(file), {recursive: true});
  writeFileSync(file, kubeconfigFor(url, contextName), {mode: 0o600});
  return file;
}
