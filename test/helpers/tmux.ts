import {spawnSync} from 'node:child_process';
import {readFileSync} from 'node:fs';
import {SUITE_WAIT_MS} from './wait.ts';

/**
 * Drives a program in a real terminal (tmux), the way a person would: one key at a time, reading the
 * screen between keys. A private server socket keeps tests away from any tmux the user runs.
 */
export function hasTmux(): boolean {
  return spawnSync('tmux', ['-V']).status === 0;
}

function zombieStatus(pid: number): number | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  const fields = stat.slice(stat.lastIndexOf(')') + 2).trim().split(' ');
  if (fields[0] !== 'Z' || fields.length < 50) return undefined;
  const wait = Number(fields.at(-1));
  return (wait & 0x7f) === 0 ? (wait >> 8) & 0xff : 128 + (wait & 0x7f);
}

export class TmuxSession {
  private readonly socket = `ambient-migrate-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  private readonly session = 'w';

  constructor(command: string, options: {width?: number; height?: number; cwd?: string; env?: Record<string, string>} = {}) {
    // A person's terminal is not CI: with CI set (even CI=false) Ink renders only the last frame or
    // chalk drops colour, and the tmux server inherits CI from the test runner, so it is unset here.
    // NODE_TEST_CONTEXT (set by node --test for its children) makes a node program wait for a test
    // runner parent at exit, so it is unset too.
    const envArgs = Object.entries(options.env ?? {}).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
    this.tmux('-f', '/dev/null', 'new-session', '-d', '-s', this.session, '-x', String(options.width ?? 120), '-y', String(options.height ?? 40), ...(options.cwd ? ['-c', options.cwd] : []), ...envArgs, `env -u CI -u NODE_TEST_CONTEXT ${command}`);
    this.tmux('set-option', '-w', '-t', this.session, 'remain-on-exit', 'on');
  }

  private tmux(...args: string[]): string {
    const result = spawnSync('tmux', ['-L', this.socket, ...args], {encoding: 'utf8'});
    if (result.status !== 0) throw new Error(`tmux ${args[0]} failed: ${result.stderr}`);
    return result.stdout;
  }

  screen(): string {
    return this.tmux('capture-pane', '-p', '-J', '-t', this.session);
  }

  /** The screen with its colour and style escapes, for checking what is coloured. */
  screenWithEscapes(): string {
    return this.tmux('capture-pane', '-p', '-e', '-J', '-t', this.session);
  }

  async waitFor(text: string | RegExp | ((screen: string) => boolean), timeoutMs = SUITE_WAIT_MS): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const screen = this.screen();
      if (typeof text === 'string' ? screen.includes(text) : text instanceof RegExp ? text.test(screen) : text(screen)) return screen;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${String(text)}; screen:\n${screen}`);
      await new Promise(r => setTimeout(r, 50));
    }
  }

  /** One key per call, as tmux sends it (Down, Enter, Escape, q, C-c ...). */
  press(key: string): void {
    this.tmux('send-keys', '-t', this.session, key);
  }

  /** Whether the program has exited, and with what status (128 + the signal when a signal ended it, as shells say). */
  exitStatus(): number | undefined {
    const [dead, status, signal, pid] = this.tmux('display', '-p', '-t', this.session, '#{pane_dead}:#{pane_dead_status}:#{pane_dead_signal}:#{pane_pid}').trim().split(':');
    if (dead !== '1') return undefined;
    if (status) return Number(status);
    if (signal) return 128 + Number(signal);
    // tmux marks the pane dead when the terminal closes and records the status when it reaps the child,
    // which at times (tmux 3.3a, under load) it did not do for many seconds: the program stayed a zombie.
    // A zombie's wait status is in /proc/PID/stat (the last field, Linux 3.5+).
    return zombieStatus(Number(pid));
  }

  async waitForExit(timeoutMs = SUITE_WAIT_MS): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const status = this.exitStatus();
      if (status !== undefined) return status;
      if (Date.now() > deadline) {
        const pane = this.tmux('display', '-p', '-t', this.session, 'dead=#{pane_dead} status=#{pane_dead_status} signal=#{pane_dead_signal} pid=#{pane_pid}').trim();
        throw new Error(`program did not exit (${pane}); screen:\n${this.screen()}`);
      }
      await new Promise(r => setTimeout(r, 50));
    }
  }

  /** Resizes the terminal, as a person dragging the window's corner does. */
  resize(width: number, height: number): void {
    this.tmux('resize-window', '-t', this.session, '-x', String(width), '-y', String(height));
  }

  /**
   * The process id of the program itself (the pane runs `env ... node ...`, which may sit under a shell),
   * to kill it the way a crash or a closed laptop does: SIGKILL, no clean-up.
   */
  programPid(): number {
    const pane = Number(this.tmux('display', '-p', '-t', this.session, '#{pane_pid}').trim());
    const commOf = (pid: number) => spawnSync('ps', ['-o', 'comm=', '-p', String(pid)], {encoding: 'utf8'}).stdout.trim();
    let pid = pane;
    for (let depth = 0; depth < 5 && commOf(pid) !== 'node'; depth++) {
      const child = spawnSync('ps', ['-o', 'pid=', '--ppid', String(pid)], {encoding: 'utf8'}).stdout.trim().split('\n')[0];
      if (!child) break;
      pid = Number(child);
    }
    if (commOf(pid) !== 'node') throw new Error(`no node process under the pane (pid ${pane})`);
    return pid;
  }

  kill(): void {
    spawnSync('tmux', ['-L', this.socket, 'kill-server']);
  }
}
