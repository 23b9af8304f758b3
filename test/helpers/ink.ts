import {SUITE_WAIT_MS} from './wait.ts';

/**
 * Ink attaches its input handler in an effect and applies each keypress in its own render; a key sent
 * too early is lost and keys sent in one burst see stale state. Tests poll for what the user would see.
 */
export async function waitFor(predicate: () => boolean, what: string, timeoutMs = SUITE_WAIT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(resolve => setImmediate(() => setTimeout(resolve, 5)));
  }
}

export const settle = (ms = 20) => new Promise(resolve => setTimeout(resolve, ms));
