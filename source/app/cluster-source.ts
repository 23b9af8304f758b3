import {mkdtempSync, rmSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type {KubeClient} from '../kube/client.ts';
import {connect} from '../kube/http-client.ts';
import type {Simulator} from '../sim/simulator.ts';
import {UserFacingError} from './errors.ts';

export {UserFacingError};

/** The cluster flags every command understands. */
export interface ClusterFlags {
  kubeconfig?: string;
  context?: string;
  demo?: boolean;
  clusterFrom?: string;
  /** With `--demo`, the demo cluster is kept here between runs, so a migration can be resumed. */
  workdir?: string;
  /** `-v`: every API request is logged to stderr (method, URL, status, time), for support cases. */
  verbose?: boolean;
  /** Per-request timeout (`--request-timeout`); 0 means none. */
  requestTimeoutMs?: number;
  /** Attempts for reads that fail transiently; completion asks once. */
  readAttempts?: number;
}

function connectOptions(flags: ClusterFlags) {
  return {
    log: flags.verbose ? (line: string) => void process.stderr.write(`ambient-migrate: ${line}\n`) : undefined,
    timeoutMs: flags.requestTimeoutMs,
    readAttempts: flags.readAttempts,
  };
}

export const DEMO_CLUSTER_FILE = 'demo-cluster.json';


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
export async function openCluster(flags: ClusterFlags, options: {controllerDelayMs?: number} = {}): Promise<ClusterConnection> {
  if (flags.demo || flags.clusterFrom) {
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
      throw error;
    }
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ambient-migrate-'));
    const context = flags.demo ? DEMO_CONTEXT : 'ambient-migrate-cluster-from';
    const kubeconfig = simulator.writeKubeconfig(path.join(dir, 'kubeconfig'), context);
    const client = connect({kubeconfig, context, ...connectOptions(flags)});
    return {
      client,
      simulator,
      close: async () => {
        await simulator.close();
        rmSync(dir, {recursive: true, force: true});
      },
    };
  }
  const client = connect({kubeconfig: flags.kubeconfig, context: flags.context, ...connectOptions(flags)});
  return {client, close: async () => {}};
}
