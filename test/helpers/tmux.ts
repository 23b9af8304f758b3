import {spawnSync} from 'node:child_process';

/**
 * Drives a program in a real terminal (tmux), the way a person would: one key at a time, reading the
 * screen between keys. A private server socket keeps tests away from any tmux the user runs.
 */
export function hasTmux(): boolean {
  return spawnSync('tmux', ['-V']).status === 0;
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

  async waitFor(text: string | RegExp, timeoutMs = 20_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const screen = this.screen();
      if (typeof text === 'string' ? screen.includes(text) : text.test(screen)) return screen;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${String(text)}; screen:\n${screen}`);
      await new Promise(r => setTimeout(r, 50));
    }
  }

  /** One key per call, as tmux sends it (Down, Enter, Escape, q, C-c ...). */
  press(key: string): void {
    this.tmux('send-keys', '-t', this.session, key);
  }

  /** Whether the program has exited, and with what status. */
  exitStatus(): number | undefined {
    const [dead, status] = this.tmux('display', '-p', '-t', this.session, '#{pane_dead}:#{pane_dead_status}').trim().split(':');
    // tmux can report the pane dead a moment before it records the status.
    return dead === '1' && status ? Number(status) : undefined;
  }

  async waitForExit(timeoutMs = 10_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const status = this.exitStatus();
      if (status !== undefined) return status;
      if (Date.now() > deadline) throw new Error(`program did not exit; screen:\n${this.screen()}`);
      await new Promise(r => setTimeout(r, 50));
    }
  }

  kill(): void {
    spawnSync('tmux', ['-L', this.socket, 'kill-server']);
  }
}
