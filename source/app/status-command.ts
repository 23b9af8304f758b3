import {existsSync, readFileSync} from 'node:fs';
import {migrationStatus} from '../core/apply/status.ts';
import {isProblem, parseState, progress} from '../core/state/state.ts';
import {KubeError} from '../kube/client.ts';
import {UserFacingError} from './errors.ts';
import {openMigrationSession, type SessionFlags} from './migration-session.ts';
import {statePath} from './state-store.ts';

/** `status` exit codes: 0 the cluster agrees with the state file, 4 it differs (as `kubectl diff` exits 1 on a difference). */
export const STATUS_DIFFERS = 4;

/**
 * `ambient-migrate status [--json]`: read-only, so it takes no lock. Exit 0 when the cluster agrees with
 * the state file, 4 when it differs, 1 when the cluster cannot be read (the state file's journal is
 * still shown).
 */
export async function runStatus(flags: SessionFlags & {json?: boolean}, stdout: NodeJS.WritableStream = process.stdout, stderr: NodeJS.WritableStream = process.stderr): Promise<number> {
  let session;
  try {
    session = await openMigrationSession(flags, 'status', m => stderr.write(`ambient-migrate: ${m}\n`), {lock: false});
  } catch (error) {
    if (error instanceof KubeError && showJournalOnly(flags, stdout, error)) {
      throw new UserFacingError(`the cluster could not be read, so the status above is the state file's alone: ${error.message}`);
    }
    throw error;
  }
  try {
    if (!session.stateExisted) {
      if (flags.json) stdout.write(`${JSON.stringify({cluster: session.identity, namespaces: []}, null, 2)}\n`);
      else stdout.write(`no migration recorded in ${session.workdir} for this cluster\n`);
      return 0;
    }
    const report = await migrationStatus(session.state, session.connection.client);
    const code = report.every(ns => ns.agrees) ? 0 : STATUS_DIFFERS;
    if (flags.json) {
      stdout.write(`${JSON.stringify({cluster: session.identity, backup: session.state.backup, namespaces: report}, null, 2)}\n`);
      return code;
    }
    for (const ns of report) {
      stdout.write(`${ns.name.padEnd(24)} ${ns.status.padEnd(10)} ${ns.done}/${ns.total}${ns.current ? `  next: ${ns.current}` : ''}  ${ns.agrees ? 'cluster agrees' : `cluster differs: ${ns.drift.join('; ')}`}\n`);
    }
    return code;
  } finally {
    await session.close();
  }
}

/**
 * The cluster cannot be read: what the local journal says is still worth seeing (where each namespace
 * stopped). Returns false when there is no usable state file, so the error is reported as it is.
 */
function showJournalOnly(flags: SessionFlags & {json?: boolean}, stdout: NodeJS.WritableStream, error: KubeError): boolean {
  const file = statePath(flags.workdir);
  if (!existsSync(file)) return false;
  let parsed;
  try {
    parsed = parseState(readFileSync(file, 'utf8'));
  } catch {
    return false;
  }
  if (isProblem(parsed)) return false;
  const namespaces = Object.values(parsed.namespaces)
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map(record => {
      const {done, total, current} = progress(record);
      return {name: record.name, status: record.status, done, total, current: current ? `${current.operation.step}: ${current.operation.action} ${current.operation.target.kind} ${current.operation.target.name} (${current.status})` : undefined};
    });
  if (flags.json) {
    stdout.write(`${JSON.stringify({cluster: parsed.cluster, backup: parsed.backup, clusterRead: false, error: error.message, namespaces}, null, 2)}\n`);
    return true;
  }
  stdout.write(`state file ${file} (context "${parsed.cluster.context}", ${parsed.cluster.server}), updated ${parsed.updatedAt}:\n`);
  for (const ns of namespaces) {
    stdout.write(`${ns.name.padEnd(24)} ${ns.status.padEnd(10)} ${ns.done}/${ns.total}${ns.current ? `  next: ${ns.current}` : ''}  cluster not read\n`);
  }
  return true;
}
