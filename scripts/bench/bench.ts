// `npm run bench`: audit a large generated cluster and compare with kubectl listing the same kinds, then
// plan the migration of every generated namespace from the same inventory.
// A script, not a timed test: the figures go into the README by hand.
import {spawn, spawnSync} from 'node:child_process';
import {mkdtempSync, rmSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {auditInventory} from '../../source/core/audit/audit.ts';
import {AUDIT_KINDS} from '../../source/core/audit/context.ts';
import {loadInventory} from '../../source/core/inventory.ts';
import {planMigration} from '../../source/core/plan/planner.ts';
import {trafficReport} from '../../source/core/traffic/report.ts';
import {connect} from '../../source/kube/http-client.ts';
import {KINDS, qualifiedName} from '../../source/kube/kinds.ts';
import {BENCH_SIZE} from './large-cluster.ts';
import {measureStartup} from './startup.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const dir = mkdtempSync(path.join(os.tmpdir(), 'ambient-migrate-bench-'));
const kubeconfig = path.join(dir, 'kubeconfig');

const server = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'serve-large-cluster.ts'), kubeconfig], {stdio: ['ignore', 'pipe', 'inherit']});
const ready = await new Promise<string>((resolve, reject) => {
  let out = '';
  server.stdout.on('data', chunk => {
    out += chunk;
    const line = out.split('\n').find(l => l.startsWith('READY '));
    if (line) resolve(line);
  });
  server.on('exit', code => reject(new Error(`the simulator exited with ${code}`)));
});
const url = ready.split(' ')[1]!;
console.log(`cluster: ${BENCH_SIZE.namespaces} namespaces, ${BENCH_SIZE.namespaces * BENCH_SIZE.podsPerNamespace} pods, ${BENCH_SIZE.namespaces * BENCH_SIZE.virtualServicesPerNamespace} VirtualServices, ${BENCH_SIZE.namespaces * BENCH_SIZE.authorizationPoliciesPerNamespace} AuthorizationPolicies (plus the demo mesh)`);
console.log(`simulator: ${ready.slice(6 + url.length + 1)}`);

const requests = async () => ((await (await fetch(`${url}/__sim/journal?summary=true`)).json()) as {count: number}).count;

try {
  // The audit, as `ambient-migrate audit` runs it.
  const before = await requests();
  const baselineRss = process.memoryUsage().rss;
  let peakRss = baselineRss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);
  // What `auditCluster` does, in its two halves: reading the cluster once, then the pure analysis. The
  // plan below reuses the same inventory, as `ambient-migrate plan` would read it.
  const started = performance.now();
  const client = connect({kubeconfig});
  const version = await client.version();
  const inventory = await loadInventory(client, AUDIT_KINDS);
  const loadedAt = performance.now();
  const cluster = {context: client.endpoint.context, server: client.endpoint.server, kubernetesVersion: version.gitVersion};
  const report = auditInventory(inventory, cluster);
  const auditMs = performance.now() - started;
  const analysisMs = performance.now() - loadedAt;
  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  const auditRequests = (await requests()) - before - 1;

  // The plan for every generated namespace (the demo's own namespaces aside), from the same inventory.
  const generated = (inventory.objects.namespace ?? []).map(n => n.metadata.name).filter(n => n.startsWith('team-'));
  const planStarted = performance.now();
  const {plan, refused} = planMigration(inventory, cluster, generated);
  const planMs = performance.now() - planStarted;

  // The traffic check of that plan (issue 9 §4), the real authorizer, bounded (AMBIENT_MIGRATE_BENCH_CHECK_S,
  // default 300 s): past the bound it reports how far it got rather than hang the bench.
  const checkBudgetMs = Number(process.env.AMBIENT_MIGRATE_BENCH_CHECK_S ?? 300) * 1000;
  const traffic = trafficReport(inventory, plan, {budgetMs: checkBudgetMs});

  // kubectl listing the same kinds, all namespaces, as JSON, with a cold discovery cache.
  const kinds = AUDIT_KINDS.filter(k => k !== 'secret').map(k => qualifiedName(KINDS[k]));
  const cache = mkdtempSync(path.join(dir, 'kubectl-cache-'));
  const kubectlStarted = performance.now();
  const kubectl = spawnSync('kubectl', ['--kubeconfig', kubeconfig, '--cache-dir', cache, 'get', kinds.join(','), '-A', '-o', 'json'], {maxBuffer: 1 << 30, encoding: 'utf8'});
  const kubectlMs = performance.now() - kubectlStarted;
  const kubectlOk = kubectl.status === 0;

  const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
  console.log('');
  console.log(`audit wall time        ${(auditMs / 1000).toFixed(2)} s (reading the cluster ${((auditMs - analysisMs) / 1000).toFixed(2)} s, analysis ${(analysisMs / 1000).toFixed(2)} s)`);
  console.log(`audit API requests     ${auditRequests} (${AUDIT_KINDS.length} kinds, 500 items per page)`);
  console.log(`audit peak RSS         ${mb(peakRss)} (process baseline before the audit ${mb(baselineRss)})`);
  console.log(`kubectl get -A -o json ${kubectlOk ? `${(kubectlMs / 1000).toFixed(2)} s for the same ${kinds.length} kinds` : `failed: ${kubectl.stderr.split('\n')[0]}`}`);
  if (kubectlOk) console.log(`ratio                  audit / kubectl = ${(auditMs / kubectlMs).toFixed(2)} (target ≤ 1.5)`);
  console.log(`findings               ${report.findings.length}; namespaces ${report.namespaces.length}`);
  console.log(`plan for ${plan.namespaces.length} namespaces: ${(planMs / 1000).toFixed(2)} s, ${plan.operations.length} operations (${(planMs / auditMs).toFixed(2)} of the audit's wall time${refused.length ? `; ${refused.length} refused` : ''})`);
  console.log(
    traffic.skipped
      ? `equivalence check      did not finish within ${(checkBudgetMs / 1000).toFixed(0)} s (${(traffic.ms / analysisMs).toFixed(0)}× the audit's analysis, target ≤ 2×): ${traffic.skipped}`
      : `equivalence check      ${(traffic.ms / 1000).toFixed(2)} s for ${traffic.classes} request classes, ${traffic.final.length} final changes, ${traffic.windows.length} in windows (${(traffic.ms / analysisMs).toFixed(1)}× the audit's analysis, target ≤ 2×)`,
  );
  measureStartup(kubeconfig);
} finally {
  server.kill('SIGTERM');
  rmSync(dir, {recursive: true, force: true});
}
