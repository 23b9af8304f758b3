import {migrationStatus} from '../core/apply/status.ts';
import {openMigrationSession, type SessionFlags} from './migration-session.ts';

/** `ambient-migrate status [--json]`: read-only, so it takes no lock. */
export async function runStatus(flags: SessionFlags & {json?: boolean}, stdout: NodeJS.WritableStream = process.stdout, stderr: NodeJS.WritableStream = process.stderr): Promise<number> {
  const session = await openMigrationSession(flags, 'status', m => stderr.write(`ambient-migrate: ${m}\n`), {lock: false});
  try {
    if (!session.stateExisted) {
      if (flags.json) stdout.write(`${JSON.stringify({cluster: session.identity, namespaces: []}, null, 2)}\n`);
      else stdout.write(`no migration recorded in ${session.workdir} for this cluster\n`);
      return 0;
    }
    const report = await migrationStatus(session.state, session.connection.client);
    if (flags.json) {
      stdout.write(`${JSON.stringify({cluster: session.identity, backup: session.state.backup, namespaces: report}, null, 2)}\n`);
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
