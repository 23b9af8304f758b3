import {auditCluster} from '../core/audit/audit.ts';
import {formatAudit} from './audit-format.ts';
import {openCluster, type ClusterFlags} from './cluster-source.ts';
import {writeStructured, type OutputFormat} from './output.ts';
import {colorEnabled, makeStyle} from './style.ts';

/** `ambient-migrate audit [-o json|yaml]`: exit 0 when nothing blocks, 3 when a blocker is found or an environment check fails. */
export async function runAudit(flags: ClusterFlags & {output?: OutputFormat}, stdout: NodeJS.WritableStream & {isTTY?: boolean} = process.stdout): Promise<number> {
  const connection = await openCluster(flags);
  try {
    const report = await auditCluster(connection.client);
    if (flags.output) await writeStructured(stdout, flags.output, report);
    else stdout.write(formatAudit(report, makeStyle(colorEnabled(stdout))));
    // A failing environment check is as much a reason not to migrate as a blocker.
    return report.findings.some(f => f.severity === 'blocker') || report.checks.some(c => c.status === 'fail') ? 3 : 0;
  } finally {
    await connection.close();
  }
}
