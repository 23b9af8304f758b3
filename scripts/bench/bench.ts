// `npm run bench`: audit a large generated cluster and compare with kubectl listing the same kinds.
// A script, not a timed test: the figures go into the README by hand.
import {spawn, spawnSync} from 'node:child_process';
import {mkdtempSync, rmSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {auditCluster} from '../../source/core/audit/audit.ts';
import {AUDIT_KINDS} from '../../source/core/audit/context.ts';
import {connect} from '../../source/kube/http-client.ts';
import {KINDS, qualifiedName} from '../../source/kube/kinds.ts';
import {BENCH_SIZE} from './large-cluster.ts';

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
  const started = performance.now();
  const report = await auditCluster(connect({kubeconfig}));
  const auditMs = performance.now() - started;
  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  const auditRequests = (await requests()) - before - 1;

  // kubectl listing the same kinds, all namespaces, as JSON, with a cold discovery cache.
  const kinds = AUDIT_KINDS.filter(k => k !== 'secret').map(k => qualifiedName(KINDS[k]));
  const cache = mkdtempSync(path.join(dir, 'kubectl-cache-'));
  const kubectlStarted = performance.now();
  const kubectl = spawnSync('kubectl', ['--kubeconfig', kubeconfig, '--cache-dir', cache, 'get', kinds.join(','), '-A', '-o', 'json'], {maxBuffer: 1 << 30, encoding: 'utf8'});
  const kubectlMs = performance.now() - kubectlStarted;
  const kubectlOk = kubectl.status === 0;

  const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
  console.log('');
  console.log(`audit wall time        ${(auditMs / 1000).toFixed(2)} s`);
  console.log(`audit API requests     ${auditRequests} (${AUDIT_KINDS.length} kinds, 500 items per page)`);
  console.log(`audit peak RSS         ${mb(peakRss)} (process baseline before the audit ${mb(baselineRss)})`);
  console.log(`kubectl get -A -o json ${kubectlOk ? `${(kubectlMs / 1000).toFixed(2)} s for the same ${kinds.length} kinds` : `failed: ${kubectl.stderr.split('\n')[0]}`}`);
  if (kubectlOk) console.log(`ratio                  audit / kubectl = ${(auditMs / kubectlMs).toFixed(2)} (target ≤ 1.5)`);
  console.log(`findings               ${report.findings.length}; namespaces ${report.namespaces.length}`);
} finally {
  server.kill('SIGTERM');
  rmSync(dir, {recursive: true, force: true});
}
