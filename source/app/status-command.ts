import {migrationStatus} from '../core/apply/status.ts';
import {openMigrationSession, type SessionFlags} from './migration-session.ts';
import {writeStructured, type OutputFormat} from './output.ts';

/** `ambient-migrate status [-o json|yaml]`: read-only, so it takes no lock. */
export async function runStatus(flags: SessionFlags & {output?: OutputFormat; json?: boolean}, stdout: NodeJS.WritableStream = process.stdout, stderr: NodeJS.WritableStream = process.stderr): Promise<number> {
  const output = flags.output ?? (flags.json ? 'json' : undefined);
  const session = await openMigrationSession(flags, 'status', m => stderr.write(`ambient-migrate: ${m}\n`), {lock: false});
  try {
    if (!session.stateExisted) {
      if (output) await writeStructured(stdout, output, {cluster: session.identity, namespaces: []});
      else stdout.write(`no migration recorded in ${session.workdir} for this cluster\n`);
      return 0;
    }
    const report = await migrationStatus(session.state, session.connection.client);
    if (output) {
      await writeStructured(stdout, output, {cluster: session.identity, backup: session.state.backup, namespaces: report});
      return 0;
    }
    for (const ns of report) {
      stdout.write(`${ns.name.padEnd(24)} ${ns.status.padEnd(10)} ${ns.done}/${ns.total}${ns.current ? `  next: ${ns.current}` : ''}  ${ns.agrees ? 'cluster agrees' : `cluster differs: ${ns.drift.join('; ')}`}\n`);
    }
    return 0;
  } finally {
    await session.close();
  }
}
