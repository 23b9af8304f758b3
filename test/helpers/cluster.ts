/**
 * Shared bits for tests that run against the simulator: where the demo fixtures live, a throwaway
 * directory per test file, and polling with a deadline for things controllers do asynchronously.
 */
import {mkdtempSync, rmSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import type {Simulator, SimulatorOptions} from '../../source/sim/simulator.ts';
import {startSimulatorOrReal} from './real-cluster.ts';
import {SUITE_WAIT_MS} from './wait.ts';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const demoPath = path.join(repoRoot, 'fixtures/demo');

/** A temp directory that `cleanup()` removes. */
export function tempDir(prefix = 'ambient-migrate-test-'): {dir: string; file(name: string): string; cleanup(): void} {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  return {dir, file: name => path.join(dir, name), cleanup: () => rmSync(dir, {recursive: true, force: true})};
}

/** A simulator seeded with the demo cluster (or the given fixtures) and a kubeconfig pointing at it. */
export async function startDemoSimulator(options: SimulatorOptions = {}): Promise<{sim: Simulator; kubeconfig: string; tmp: ReturnType<typeof tempDir>; close(): Promise<void>}> {
  const tmp = tempDir();
  const sim = await startSimulatorOrReal({fixtures: [demoPath], ...options});
  const kubeconfig = sim.writeKubeconfig(tmp.file('kubeconfig'));
  return {
    sim,
    kubeconfig,
    tmp,
    close: async () => {
      await sim.close();
      tmp.cleanup();
    },
  };
}

/** Polls `probe` until it returns something truthy, or fails with `what` after `timeoutMs`. */
export async function waitFor<T>(what: string, probe: () => T | Promise<T>, timeoutMs = SUITE_WAIT_MS, intervalMs = 20): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  for (;;) {
    last = await probe();
    if (last) return last as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs}ms waiting for ${what}`);
    await new Promise(r => setTimeout(r, intervalMs));
  }
}
