import {mkdtempSync, rmSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type {KubeClient} from '../kube/client.ts';
import {connect, type ConnectOptions} from '../kube/http-client.ts';
import type {Simulator} from '../sim/simulator.ts';
import {UserFacingError} from './errors.ts';
import {checkWorkdir, describeWriteError} from './workdir.ts';

/** The cluster flags every command understands. */
export interface ClusterFlags {
  kubeconfig?: string;
  context?: string;
  demo?: boolean;
  clusterFrom?: string;
  /** With `--demo`, the demo cluster is kept here between runs, so a migration can be resumed. */
  workdir?: string;
  /** `--request-timeout`, in milliseconds; 0 waits for ever. */
  requestTimeout?: number;
  /** `-v`: every API request is logged to stderr (method, URL, status, time), for support cases. */
  verbose?: boolean;
}

/**
 * How the commands connect: the flag's timeout, `-v`'s request log, and on a terminal the waits are shown
 * on stderr.
 */
function connectOptions(flags: ClusterFlags, given: Partial<ConnectOptions> | undefined): Partial<ConnectOptions> {
  const onProgress = process.stderr.isTTY ? (message: string) => process.stderr.write(`ambient-migrate: ${message}\n`) : undefined;
  const log = flags.verbose ? (line: string) => void process.stderr.write(`ambient-migrate: ${line}\n`) : undefined;
  return {timeoutMs: flags.requestTimeout, onProgress, log, ...given};
}

export const DEMO_CLUSTER_FILE = 'demo-cluster.json';

export {UserFacingError} from './errors.ts';

export interface ClusterConnection {
  client: KubeClient;
  /** Set when the cluster is an embedded simulator (`--demo`, `--cluster-from`). */
  simulator?: Simulator;
  close(): Promise<void>;
}

export const DEMO_CONTEXT = 'ambient-migrate-demo';

/**
 * `--demo` and `--cluster-from` start an embedded simulated API server and connect to it through a
 * kubeconfig, exactly as to any cluster; otherwise the user's kubeconfig is used.
 */
export async function openCluster(flags: ClusterFlags, options: {controllerDelayMs?: number; connect?: Partial<ConnectOptions>} = {}): Promise<ClusterConnection> {
  if (flags.demo || flags.clusterFrom) {
    // The demo cluster is kept in the workdir: a workdir that cannot be one is refused before anything starts.
    if (flags.demo && flags.workdir) checkWorkdir(flags.workdir);
    // The simulator is code only --demo and --cluster-from need: loaded here, not at start-up.
    const [{startSimulator}, {SeedError, DEMO_FIXTURES}] = await Promise.all([import('../sim/simulator.ts'), import('../sim/seed.ts')]);
    let simulator: Simulator;
    try {
      simulator = await startSimulator({
        fixtures: [flags.clusterFrom ?? DEMO_FIXTURES],
        controllerDelayMs: options.controllerDelayMs,
        persistTo: flags.demo && flags.workdir ? path.join(flags.workdir, DEMO_CLUSTER_FILE) : undefined,
      });
    } catch (error) {
      if (error instanceof SeedError) throw new UserFacingError(`cannot build the cluster from ${flags.clusterFrom ?? 'the demo fixtures'}: ${error.message}`);
      if (flags.demo && flags.workdir && (error as NodeJS.ErrnoException).code) {
        throw describeWriteError(error, `the demo cluster in ${path.join(flags.workdir, DEMO_CLUSTER_FILE)}`, 'run the command again');
      }
      throw error;
    }
    let dir: string | undefined;
    const close = async () => {
      try {
        await simulator.close();
      } finally {
        if (dir) rmSync(dir, {recursive: true, force: true});
      }
    };
    try {
      dir = mkdtempSync(path.join(os.tmpdir(), 'ambient-migrate-'));
      const context = flags.demo ? DEMO_CONTEXT : 'ambient-migrate-cluster-from';
      const kubeconfig = simulator.writeKubeconfig(path.join(dir, 'kubeconfig'), context);
      const client = connect({kubeconfig, context, ...connectOptions(flags, options.connect)});
      return {client, simulator, close};
    } catch (error) {
      await close().catch(() => {});
      throw error;
    }
  }
  const client = connect({kubeconfig: flags.kubeconfig, context: flags.context, ...connectOptions(flags, options.connect)});
  return {client, close: async () => {}};
}
