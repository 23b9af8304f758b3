import {clusterIdentity, type ClusterIdentity} from '../core/cluster-identity.ts';
import type {StateDocument} from '../core/state/state.ts';
import type {ConnectOptions} from '../kube/http-client.ts';
import {KINDS} from '../kube/kinds.ts';
import {openCluster, type ClusterConnection, type ClusterFlags} from './cluster-source.ts';
import {acquireLeases, guardedClient, localHolder, type ClusterLeases} from './cluster-lease.ts';
import {acquireLock, loadState, removeStaleTempFiles, saveState} from './state-store.ts';
import {checkWorkdir, ensureWorkdir} from './workdir.ts';

export interface SessionFlags extends ClusterFlags {
  workdir: string;
  /** How long the cluster-side lease lasts without renewal (default 60 s); not a command-line flag. */
  leaseDurationSeconds?: number;
}

/** A cluster connection plus the locked workdir and the state that goes with it. */
export interface MigrationSession {
  connection: ClusterConnection;
  identity: ClusterIdentity;
  kubernetesVersion: string;
  workdir: string;
  state: StateDocument;
  stateExisted: boolean;
  save(state: StateDocument): Promise<void>;
  /**
   * Takes the namespaces' Leases (cluster-lease.ts) right before the first write, after every refusal that
   * writes nothing: another workdir's live run stops this one here. From then on `connection.client`
   * refuses to write once they are lost; `close` releases them.
   */
  lease(namespaces: string[]): Promise<void>;
  close(): Promise<void>;
}

export async function openMigrationSession(
  flags: SessionFlags,
  command: string,
  notify: (message: string) => void,
  options: {lock?: boolean; controllerDelayMs?: number; connect?: Partial<ConnectOptions>} = {},
): Promise<MigrationSession> {
  // A workdir that cannot be one is refused before the cluster is contacted or anything is written.
  checkWorkdir(flags.workdir);
  const connection = await openCluster(flags, {controllerDelayMs: options.controllerDelayMs, connect: options.connect});
  let release: () => void = () => {};
  let leases: ClusterLeases | undefined;
  try {
    const version = await connection.client.version();
    const kubeSystem = await connection.client.get(KINDS.namespace, undefined, 'kube-system');
    const identity = clusterIdentity(connection.client.endpoint, kubeSystem ? [kubeSystem] : []);
    ensureWorkdir(flags.workdir);
    if (options.lock !== false) {
      release = acquireLock(flags.workdir, command, notify);
      removeStaleTempFiles(flags.workdir);
    }
    const {state, existed} = loadState(flags.workdir, identity, new Date());
    const onExit = () => release();
    process.once('exit', onExit);
    const raw = connection.client;
    return {
      connection,
      identity,
      kubernetesVersion: version.gitVersion,
      workdir: flags.workdir,
      state,
      stateExisted: existed,
      save: s => saveState(flags.workdir, s),
      lease: async namespaces => {
        if (leases || namespaces.length === 0) return;
        // Besides the workdir lock: another workdir (another person) on the same namespaces is stopped here,
        // and every write of this run checks that the leases are still ours.
        leases = await acquireLeases(raw, namespaces, localHolder(command, flags.workdir), notify, {durationSeconds: flags.leaseDurationSeconds});
        connection.client = guardedClient(raw, leases);
      },
      close: async () => {
        process.removeListener('exit', onExit);
        // A namespace reverted to the end, or never written to, keeps no Lease: it is as it was before the tool came.
        await leases?.release({
          remove: namespace => {
            const record = state.namespaces[namespace];
            return !record || record.status === 'reverted' || record.operations.every(o => o.status === 'pending');
          },
        });
        release();
        await connection.close();
      },
    };
  } catch (error) {
    await leases?.release();
    release();
    await connection.close();
    throw error;
  }
}
