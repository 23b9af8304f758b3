/**
 * Shared helpers for tests that drive the simulated API server, over HTTP or with the real kubectl.
 */
import {spawn, spawnSync, type ChildProcess} from 'node:child_process';
import {existsSync, mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import type {Simulator, SimulatorOptions} from '../../source/sim/simulator.ts';
import {startSimulatorOrReal} from './real-cluster.ts';
import {DEMO_FIXTURES} from '../../source/sim/seed.ts';
import {SUITE_WAIT_MS} from './wait.ts';

export const KUBECTL = '/usr/bin/kubectl';
export {DEMO_FIXTURES};

export interface KubectlResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface TestSimulator {
  sim: Simulator;
  kubeconfig: string;
  /**
   * Runs the real kubectl against the simulator, with a fresh discovery cache every call. Asynchronous on
   * purpose: the simulator serves from this process, so a spawnSync would block it and deadlock.
   */
  kubectl(args: string[], input?: string): Promise<KubectlResult>;
  /** The same, without waiting: for `get -w` and other long-running commands. */
  spawnKubectl(args: string[]): ChildProcess;
  /** A fresh temporary directory, removed on close. */
  tempDir(): string;
  close(): Promise<void>;
}

let kubectlPresent: boolean | undefined;

/** Whether the real kubectl is installed (the conformance tests skip, visibly, when it is not). */
export function hasKubectl(): boolean {
  kubectlPresent ??= existsSync(KUBECTL) && spawnSync(KUBECTL, ['version', '--client'], {timeout: 20_000}).status === 0;
  return kubectlPresent;
}

export const kubectlSkip = (): false | string => (hasKubectl() ? false : 'kubectl not installed: conformance tests skipped');

export async function startTestSimulator(options: SimulatorOptions = {}): Promise<TestSimulator> {
  const sim = await startSimulatorOrReal(options);
  const dirs: string[] = [];
  const tempDir = () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ambient-migrate-sim-'));
    dirs.push(dir);
    return dir;
  };
  const kubeconfig = sim.writeKubeconfig(path.join(tempDir(), 'kubeconfig'));
  const env = {...process.env};
  delete env.KUBECONFIG;
  const fullArgs = (args: string[]) => [`--kubeconfig=${kubeconfig}`, `--cache-dir=${tempDir()}`, ...args];
  const children = new Set<ChildProcess>();
  return {
    sim,
    kubeconfig,
    tempDir,
    kubectl(args, input) {
      return new Promise((resolve, reject) => {
        const child = spawn(KUBECTL, fullArgs(args), {env, stdio: ['pipe', 'pipe', 'pipe'], timeout: SUITE_WAIT_MS});
        let stdout = '';
        let stderr = '';
        child.stdout.setEncoding('utf8').on('data', chunk => (stdout += chunk));
        child.stderr.setEncoding('utf8').on('data', chunk => (stderr += chunk));
        child.on('error', reject);
        child.on('close', code => resolve({code, stdout, stderr}));
        child.stdin.end(input ?? '');
      });
    },
    spawnKubectl(args) {
      const child = spawn(KUBECTL, fullArgs(args), {env, stdio: ['ignore', 'pipe', 'pipe']});
      children.add(child);
      child.on('exit', () => children.delete(child));
      return child;
    },
    async close() {
      for (const child of children) child.kill();
      await sim.close();
      for (const dir of dirs) rmSync(dir, {recursive: true, force: true});
    },
  };
}

/** Resolves once `predicate` holds, polling; rejects after `timeoutMs`. */
export async function waitFor(predicate: () => boolean, timeoutMs = SUITE_WAIT_MS, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise(r => setTimeout(r, 25));
  }
}
