import {existsSync, readFileSync} from 'node:fs';
import {migrationStatus} from '../core/apply/status.ts';
import {isProblem, parseState, progress} from '../core/state/state.ts';
import {KubeError} from '../kube/client.ts';
import {UserFacingError} from './errors.ts';
import {openMigrationSession, type SessionFlags} from './migration-session.ts';
import {writeStructured, type OutputFormat} from './output.ts';
import {statePath} from './state-store.ts';

/** `status` exit codes: 0 the cluster agrees with the state file, 4 it differs (as `kubectl diff` exits 1 on a difference). */
export const STATUS_DIFFERS = 4;

/**
 * `ambient-migrate status [-o json|yaml]`: read-only, so it takes no lock. Exit 0 when the cluster agrees
 * with the state file, 4 when it differs, 1 when the cluster cannot be read (the state file's journal is
 * still shown).
 */
export async function runStatus(flags: SessionFlags & {output?: OutputFormat; json?: boolean}, stdout: NodeJS.WritableStream = process.stdout, stderr: NodeJS.WritableStream = process.stderr): Promise<number> {
  const output = flags.output ?? (flags.json ? 'json' : undefined);
  let session;
  try {
    session = await openMigrationSession(flags, 'status', m => stderr.write(`ambient-migrate: ${m}\n`), {lock: false});
  } catch (error) {
    if (error instanceof KubeError && (await showJournalOnly(flags, output, stdout, error))) {
      throw new UserFacingError(`the cluster could not be read, so the status above is the state file's alone: ${error.message}`);
    }
    throw error;
  }
  try {
    if (!session.stateExisted) {
      if (output) await writeStructured(stdout, output, {cluster: session.identity, namespaces: []});
      else stdout.write(`no migration recorded in ${session.workdir} for this cluster\n`);
      return 0;
    }
    const report = await migrationStatus(session.state, session.connection.client);
    const code = report.every(ns => ns.agrees) ? 0 : STATUS_DIFFERS;
    if (output) {
      await writeStructured(stdout, output, {cluster: session.identity, backup: session.state.backup, namespaces: report});
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
async function showJournalOnly(flags: SessionFlags, output: OutputFormat | undefined, stdout: NodeJS.WritableStream, error: KubeError): Promise<boolean> {
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
  if (output) {
    await writeStructured(stdout, output, {cluster: parsed.cluster, backup: parsed.backup, clusterRead: false, error: error.message, namespaces});
    return true;
  }
  stdout.write(`state file ${file} (context "${parsed.cluster.context}", ${parsed.cluster.server}), updated ${parsed.updatedAt}:\n`);
  for (const ns of namespaces) {
    stdout.write(`${ns.name.padEnd(24)} ${ns.status.padEnd(10)} ${ns.done}/${ns.total}${ns.current ? `  next: ${ns.current}` : ''}  cluster not read\n`);
  }
  return true;
}
