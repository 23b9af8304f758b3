import {closeSync, existsSync, openSync, readdirSync, readFileSync, unlinkSync, writeSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {sameCluster, type ClusterIdentity} from '../core/cluster-identity.ts';
import {isProblem, newState, parseState, type StateDocument} from '../core/state/state.ts';
import {UserFacingError} from './errors.ts';
import {describeWriteError, writePrivateFile} from './workdir.ts';

export const STATE_FILE = 'state.json';
export const LOCK_FILE = 'state.lock';

export function statePath(workdir: string): string {
  return path.join(workdir, STATE_FILE);
}

/**
 * The state for this cluster: read from the workdir, or a new one. A file that cannot be used is an
 * error that says why; it is never overwritten or repaired.
 */
export function loadState(workdir: string, identity: ClusterIdentity, now: Date): {state: StateDocument; existed: boolean} {
  const file = statePath(workdir);
  if (!existsSync(file)) return {state: newState(identity, now), existed: false};
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UserFacingError(`cannot read the state file ${file}: ${(error as Error).message}`);
  }
  const parsed = parseState(text);
  if (isProblem(parsed)) {
    const advice =
      parsed.kind === 'unknown-version'
        ? 'use the ambient-migrate version that wrote it, or a newer one'
        : 'it is left untouched; move it away to start over, or restore it from a copy';
    throw new UserFacingError(`the state file ${file} cannot be used: ${parsed.message}; ${advice}`);
  }
  if (!sameCluster(parsed.cluster, identity)) {
    throw new UserFacingError(
      `the state file ${file} belongs to another cluster (context "${parsed.cluster.context}", ${parsed.cluster.server}), not this one (context "${identity.context}", ${identity.server}): use another --workdir for this cluster, or --context for that one`,
    );
  }
  return {state: parsed, existed: true};
}

export async function saveState(workdir: string, state: StateDocument): Promise<void> {
  try {
    writePrivateFile(statePath(workdir), `${JSON.stringify(state, null, 2)}\n`);
  } catch (error) {
    // The previous state.json is intact (writes are atomic), so the same command picks up from there.
    throw describeWriteError(error, `the state file ${statePath(workdir)}`, 'run the same command again: it resumes where the state file says it stopped');
  }
}

/**
 * A run killed while writing the state file leaves its temp file (`.state.json.<pid>.<random>.tmp`, see
 * writePrivateFile) and the previous state.json intact. Called with the lock held, so no live writer owns
 * one: they are removed rather than left to pile up in the workdir, each a copy of the mesh's state.
 */
export function removeStaleTempFiles(workdir: string): string[] {
  const prefix = `.${STATE_FILE}.`;
  const removed: string[] = [];
  for (const name of readdirSync(workdir)) {
    if (!name.startsWith(prefix) || !name.endsWith('.tmp')) continue;
    try {
      unlinkSync(path.join(workdir, name));
      removed.push(name);
    } catch {
      // Gone already: nothing to do.
    }
  }
  return removed;
}

interface LockInfo {
  pid: number;
  hostname: string;
  command: string;
  startedAt: string;
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  // A killed process its parent has not reaped yet (a zombie) still answers signal 0, but it will never
  // run again; on Linux /proc says so.
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}

/**
 * One run per workdir at a time. The lock file names its owner; a lock left by a process that is gone
 * (on this machine) is taken over, and the caller is told.
 */
export function acquireLock(workdir: string, command: string, notify: (message: string) => void): () => void {
  const file = path.join(workdir, LOCK_FILE);
  const info: LockInfo = {pid: process.pid, hostname: os.hostname(), command, startedAt: new Date().toISOString()};
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      writeSync(fd, JSON.stringify(info));
      closeSync(fd);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        try {
          const current = JSON.parse(readFileSync(file, 'utf8')) as LockInfo;
          if (current.pid === process.pid) unlinkSync(file);
        } catch {
          // Already gone: nothing to release.
        }
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw new UserFacingError(`cannot lock ${file}: ${(error as Error).message}`);
    }
    let holder: LockInfo | undefined;
    try {
      holder = JSON.parse(readFileSync(file, 'utf8')) as LockInfo;
    } catch {
      holder = undefined;
    }
    if (holder && holder.hostname === os.hostname() && !processAlive(holder.pid)) {
      notify(`taking over the lock left by ambient-migrate ${holder.command} (pid ${holder.pid}, started ${holder.startedAt}), which is no longer running`);
      unlinkSync(file);
      continue;
    }
    const who = holder ? `ambient-migrate ${holder.command} (pid ${holder.pid} on ${holder.hostname}, since ${holder.startedAt})` : 'another run (its lock file cannot be read)';
    throw new UserFacingError(`the workdir ${workdir} is in use by ${who}: wait for it to finish, or if it is gone, remove ${file}`);
  }
  throw new UserFacingError(`cannot lock ${file}`);
}
