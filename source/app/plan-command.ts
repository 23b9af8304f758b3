import {mkdirSync, readdirSync, statSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {AUDIT_KINDS} from '../core/audit/context.ts';
import {loadInventory} from '../core/inventory.ts';
import {planMigration} from '../core/plan/planner.ts';
import {DEFAULT_BUDGET_MS, equivalenceForOutput, trafficReport} from '../core/traffic/report.ts';
import {openCluster, UserFacingError, type ClusterFlags} from './cluster-source.ts';
import {describeWriteError} from './workdir.ts';
import {formatPlan, planFiles} from './plan-format.ts';
import {writeStructured, type OutputFormat} from './output.ts';
import {colorEnabled, makeStyle} from './style.ts';

export interface PlanFlags extends ClusterFlags {
  namespaces: string[];
  output?: OutputFormat;
  out?: string;
  /** With --out: write into a directory that holds other files. */
  force?: boolean;
}

/**
 * `--out` is checked before anything is read: it must be a directory (or not exist yet), and one that
 * holds other files is refused unless --force, since plan.json and the YAML files would be mixed with them.
 */
export function checkOutDir(out: string, force: boolean | undefined): void {
  let stat;
  try {
    stat = statSync(out);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    if ((error as NodeJS.ErrnoException).code === 'ENOTDIR') throw new UserFacingError(`--out ${out} cannot be created: part of that path is a file; pass a directory`);
    throw new UserFacingError(`cannot use --out ${out}: ${(error as Error).message}`);
  }
  if (!stat.isDirectory()) throw new UserFacingError(`--out ${out} is a file, not a directory: pass a new or empty directory for plan.json and the YAML files; the file was not changed`);
  const entries = readdirSync(out);
  if (entries.length > 0 && !force) {
    throw new UserFacingError(`--out ${out} is not empty (${entries.length} entr${entries.length === 1 ? 'y' : 'ies'}, e.g. ${entries.slice(0, 3).join(', ')}): pass a new or empty directory, or add --force to write plan.json and the YAML files among them`);
  }
}

/**
 * `ambient-migrate plan -n NS[,NS...]`: what the migration would write, without writing anything. Exit 0
 * when apply could carry it out, 3 when a namespace is refused or the plan has a blocker, 2 for an
 * unknown namespace.
 */
export async function runPlan(flags: PlanFlags, stdout: NodeJS.WritableStream & {isTTY?: boolean} = process.stdout, stderr: NodeJS.WritableStream = process.stderr): Promise<number> {
  if (flags.out) checkOutDir(flags.out, flags.force);
  const connection = await openCluster(flags);
  try {
    const version = await connection.client.version();
    const inventory = await loadInventory(connection.client, AUDIT_KINDS);
    const {plan, refused} = planMigration(inventory, {context: connection.client.endpoint.context, server: connection.client.endpoint.server, kubernetesVersion: version.gitVersion}, flags.namespaces);
    // Does the plan keep every request's route and verdict? Bounded: a plan too large says so instead of hanging.
    const traffic = trafficReport(inventory, plan, {budgetMs: DEFAULT_BUDGET_MS});
    if (traffic.skipped) stderr.write(`ambient-migrate: ${traffic.summary}\n`);
    if (flags.output) await writeStructured(stdout, flags.output, {...plan, refused, equivalence: equivalenceForOutput(traffic)});
    else stdout.write(formatPlan(plan, refused, makeStyle(colorEnabled(stdout)), traffic));
    if (flags.out) {
      const files = planFiles(plan);
      try {
        for (const file of files) {
          const target = path.join(flags.out, file.path);
          mkdirSync(path.dirname(target), {recursive: true});
          writeFileSync(target, file.content);
        }
        writeFileSync(path.join(flags.out, 'plan.json'), `${JSON.stringify({...plan, refused}, null, 2)}\n`);
      } catch (error) {
        throw describeWriteError(error, `the plan to ${flags.out}`, 'run plan again');
      }
      stderr.write(`wrote ${files.length} object file${files.length === 1 ? '' : 's'} and plan.json to ${flags.out}\n`);
    }
    if (refused.some(r => r.reason === 'unknown')) return 2;
    // A plan with a blocker of its own (a subset that cannot be a Service...) is one apply refuses.
    if (refused.length > 0 || plan.findings.some(f => f.severity === 'blocker')) return 3;
    return 0;
  } finally {
    await connection.close();
  }
}
