import {existsSync, statSync} from 'node:fs';
import path from 'node:path';
import {SeedError, DEMO_FIXTURES} from '../sim/seed.ts';
import {startSimulator} from '../sim/simulator.ts';
import {UserFacingError} from './cluster-source.ts';

/**
 * Hidden, for tests: how long the simulated controllers wait before acting (rollouts, pods), so that an
 * apply takes long enough to be interrupted. Not a flag: nobody but a test should want a slower cluster.
 */
export const CONTROLLER_DELAY_ENV = 'AMBIENT_MIGRATE_SIM_CONTROLLER_DELAY_MS';

function controllerDelay(): number | undefined {
  const raw = process.env[CONTROLLER_DELAY_ENV];
  if (raw === undefined || raw === '') return undefined;
  const ms = Number(raw);
  if (!Number.isInteger(ms) || ms < 0) throw new UserFacingError(`${CONTROLLER_DELAY_ENV} must be a whole number of milliseconds, not ${JSON.stringify(raw)}`);
  return ms;
}

/** `ambient-migrate sim`: the simulator alone, for kubectl or for pointing the tool at with --kubeconfig. */
export async function runSimulatorCommand(flags: {fixtures?: string; port?: number; kubeconfigOut: string}): Promise<number> {
  let simulator;
  const controllerDelayMs = controllerDelay();
  try {
    simulator = await startSimulator({fixtures: [flags.fixtures ?? DEMO_FIXTURES], port: flags.port, controllerDelayMs});
  } catch (error) {
    if (error instanceof SeedError) throw new UserFacingError(error.message);
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new UserFacingError(`port ${flags.port} on 127.0.0.1 is already in use: pick another with --port, or omit it`);
    throw error;
  }
  let kubeconfig: string;
  try {
    if (existsSync(flags.kubeconfigOut) && statSync(flags.kubeconfigOut).isDirectory()) {
      throw new UserFacingError(`--kubeconfig-out ${flags.kubeconfigOut} is a directory: name the file to write, e.g. ${path.join(flags.kubeconfigOut, 'sim.kubeconfig')}`);
    }
    kubeconfig = path.resolve(simulator.writeKubeconfig(flags.kubeconfigOut));
  } catch (error) {
    await simulator.close();
    if (error instanceof UserFacingError) throw error;
    throw new UserFacingError(`cannot write the kubeconfig ${flags.kubeconfigOut}: ${(error as Error).message}; pass another --kubeconfig-out`);
  }
  process.stdout.write(
    [
      `Simulated Kubernetes API server (v1.32) listening on ${simulator.url}`,
      `Seeded from ${flags.fixtures ?? 'the demo cluster'}`,
      `Kubeconfig written to ${kubeconfig}`,
      '',
      `  kubectl --kubeconfig ${kubeconfig} get namespaces`,
      `  ambient-migrate --kubeconfig ${kubeconfig}`,
      '',
      'Press Ctrl+C to stop.',
      '',
    ].join('\n'),
  );
  await new Promise<void>(resolve => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await simulator.close();
  process.stdout.write('Simulator stopped.\n');
  return 0;
}
