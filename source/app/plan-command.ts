import {mkdirSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {AUDIT_KINDS} from '../core/audit/context.ts';
import {loadInventory} from '../core/inventory.ts';
import {planMigration} from '../core/plan/planner.ts';
import {DEFAULT_BUDGET_MS, equivalenceForOutput, trafficReport} from '../core/traffic/report.ts';
import {openCluster, type ClusterFlags} from './cluster-source.ts';
import {formatPlan, planFiles} from './plan-format.ts';
import {writeStructured, type OutputFormat} from './output.ts';
import {colorEnabled, makeStyle} from './style.ts';

export interface PlanFlags extends ClusterFlags {
  namespaces: string[];
  output?: OutputFormat;
  out?: string;
}

/**
 * `ambient-migrate plan -n NS[,NS...]`: what the migration would write, without writing anything. Exit 0
 * when apply could carry it out, 3 when a namespace is refused or the plan has a blocker, 2 for an
 * unknown namespace.
 */
export async function runPlan(flags: PlanFlags, stdout: NodeJS.WritableStream & {isTTY?: boolean} = process.stdout, stderr: NodeJS.WritableStream = process.stderr): Promise<number> {
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
      for (const file of files) {
        const target = path.join(flags.out, file.path);
        mkdirSync(path.dirname(target), {recursive: true});
        writeFileSync(target, file.content);
      }
      writeFileSync(path.join(flags.out, 'plan.json'), `${JSON.stringify({...plan, refused}, null, 2)}\n`);
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
