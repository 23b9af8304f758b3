import {clusterIdentity, type ClusterIdentity} from '../core/cluster-identity.ts';
import type {StateDocument} from '../core/state/state.ts';
import {KINDS} from '../kube/kinds.ts';
import {openCluster, type ClusterConnection, type ClusterFlags} from './cluster-source.ts';
import {acquireLeases, guardedClient, localHolder, type ClusterLeases} from './cluster-lease.ts';
import {acquireLock, loadState, removeStaleTempFiles, saveState} from './state-store.ts';
import {ensureWorkdir} from './workdir.ts';

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
  close(): Promise<void>;
}

export async function openMigrationSession(
  flags: SessionFlags,
  command: string,
  notify: (message: string) => void,
  options: {lock?: boolean; controllerDelayMs?: number; leaseNamespaces?: string[]} = {},
): Promise<MigrationSession> {
  const connection = await openCluster(flags, {controllerDelayMs: options.controllerDelayMs});
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
    // Besides the workdir lock: another workdir (another person) on the same namespaces is stopped here,
    // before anything is written, and every write of this run checks that the leases are still ours.
    if (options.leaseNamespaces?.length) {
      leases = await acquireLeases(connection.client, options.leaseNamespaces, localHolder(command, flags.workdir), notify, {durationSeconds: flags.leaseDurationSeconds});
    }
    const onExit = () => release();
    process.once('exit', onExit);
    const held = leases;
    return {
      connection: held ? {...connection, client: guardedClient(connection.client, held)} : connection,
      identity,
      kubernetesVersion: version.gitVersion,
      workdir: flags.workdir,
      state,
      stateExisted: existed,
      save: s => saveState(flags.workdir, s),
      close: async () => {
        process.removeListener('exit', onExit);
        // A namespace reverted to the end, or never written to, keeps no Lease: it is as it was before the tool came.
        await held?.release({
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
