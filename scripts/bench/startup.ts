// Start-up figures for `npm run bench`: each command's wall time as a ratio to bare `node -e 0`, measured
// on the same machine in the same run (medians of several runs), and the wizard's first frame on the demo.
import {spawnSync} from 'node:child_process';
import {mkdtempSync, rmSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const bin = path.join(root, 'bin/ambient-migrate.js');

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function timeRuns(args: string[], runs: number, cwd: string): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const result = spawnSync(process.execPath, args, {cwd, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8'});
    times.push(performance.now() - started);
    if (result.status !== 0) throw new Error(`${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  }
  return median(times);
}

/** Time from starting the wizard in a terminal (tmux) to its first full Connect screen on the demo. */
function wizardFirstFrame(cwd: string): number | undefined {
  if (spawnSync('tmux', ['-V']).status !== 0) return undefined;
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    // A server of its own each time: a new session on a server that is still shutting down fails.
    const socket = `ambient-migrate-bench-${process.pid}-${i}`;
    const tmux = (...args: string[]) => spawnSync('tmux', ['-L', socket, ...args], {encoding: 'utf8'});
    const workdir = path.join(cwd, `wizard-${i}`);
    const started = performance.now();
    const created = tmux('-f', '/dev/null', 'new-session', '-d', '-s', 'w', '-x', '100', '-y', '30', `env -u CI ${process.execPath} ${bin} --demo --workdir ${workdir}`);
    if (created.status !== 0) throw new Error(`tmux: ${created.stderr}`);
    tmux('set-option', '-w', '-t', 'w', 'remain-on-exit', 'on');
    for (;;) {
      const screen = tmux('capture-pane', '-p', '-t', 'w').stdout;
      if (screen.includes('The migration, step by step')) break;
      if (performance.now() - started > 60_000) throw new Error(`the wizard did not draw its first frame within 60 s:\n${screen}`);
      spawnSync('sleep', ['0.01']);
    }
    times.push(performance.now() - started);
    tmux('kill-server');
  }
  return median(times);
}

export function measureStartup(kubeconfig: string): void {
  const cwd = mkdtempSync(path.join(os.tmpdir(), 'ambient-migrate-startup-'));
  try {
    const runs = 9;
    const bare = timeRuns(['-e', '0'], runs, cwd);
    const row = (label: string, ms: number, target: number) =>
      console.log(`${label.padEnd(22)} ${ms.toFixed(0).padStart(5)} ms  ${(ms / bare).toFixed(1)}x node -e 0 (${bare.toFixed(0)} ms)  target ≤ ${target}x${ms / bare <= target ? '' : '  MISSED'}`);
    console.log('');
    console.log(`start-up (median of ${runs} runs each)`);
    row('--version', timeRuns([bin, '--version'], runs, cwd), 3);
    row('--help', timeRuns([bin, '--help'], runs, cwd), 3);
    row('status (simulator)', timeRuns([bin, 'status', '--kubeconfig', kubeconfig, '--workdir', path.join(cwd, 'work')], runs, cwd), 5);
    const frame = wizardFirstFrame(cwd);
    if (frame === undefined) console.log('wizard first frame     (tmux is not installed)');
    else console.log(`wizard first frame     ${frame.toFixed(0).padStart(5)} ms on the demo, in tmux (median of 3)  target ≤ 1500 ms${frame <= 1500 ? '' : '  MISSED'}`);
  } finally {
    rmSync(cwd, {recursive: true, force: true});
  }
}
