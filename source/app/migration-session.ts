import {clusterIdentity, type ClusterIdentity} from '../core/cluster-identity.ts';
import type {StateDocument} from '../core/state/state.ts';
import type {ConnectOptions} from '../kube/http-client.ts';
import {KINDS} from '../kube/kinds.ts';
import {openCluster, type ClusterConnection, type ClusterFlags} from './cluster-source.ts';
import {acquireLock, loadState, removeStaleTempFiles, saveState} from './state-store.ts';
import {checkWorkdir, ensureWorkdir} from './workdir.ts';

export interface SessionFlags extends ClusterFlags {
  workdir: string;
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
  options: {lock?: boolean; controllerDelayMs?: number; connect?: Partial<ConnectOptions>} = {},
): Promise<MigrationSession> {
  // A workdir that cannot be one is refused before the cluster is contacted or anything is written.
  checkWorkdir(flags.workdir);
  const connection = await openCluster(flags, {controllerDelayMs: options.controllerDelayMs, connect: options.connect});
  let release: () => void = () => {};
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
    return {
      connection,
      identity,
      kubernetesVersion: version.gitVersion,
      workdir: flags.workdir,
      state,
      stateExisted: existed,
      save: s => saveState(flags.workdir, s),
      close: async () => {
        process.removeListener('exit', onExit);
        release();
        await connection.close();
      },
    };
  } catch (error) {
    release();
    await connection.close();
    throw error;
  }
}
