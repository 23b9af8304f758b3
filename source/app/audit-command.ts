import {auditCluster} from '../core/audit/audit.ts';
import {formatAudit} from './audit-format.ts';
import {openCluster, type ClusterFlags} from './cluster-source.ts';
import {colorEnabled, makeStyle} from './style.ts';

/** `ambient-migrate audit [--json]`: exit 0 when nothing blocks, 3 when a blocker is found. */
export async function runAudit(flags: ClusterFlags & {json?: boolean}, stdout: NodeJS.WritableStream & {isTTY?: boolean} = process.stdout): Promise<number> {
  const connection = await openCluster(flags);
  try {
    const report = await auditCluster(connection.client);
    if (flags.json) stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    else stdout.write(formatAudit(report, makeStyle(colorEnabled(stdout))));
    return report.findings.some(f => f.severity === 'blocker') ? 3 : 0;
  } finally {
    await connection.close();
  }
}
