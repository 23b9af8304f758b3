// Child process of the benchmark: serves the generated cluster, so that the audit's memory and time are
// measured in a process of their own. Prints `READY <url>` once serving.
import {DEMO_FIXTURES} from '../../source/sim/seed.ts';
import {startSimulator} from '../../source/sim/simulator.ts';
import {generateLargeCluster} from './large-cluster.ts';

const kubeconfig = process.argv[2];
if (!kubeconfig) throw new Error('usage: serve-large-cluster.ts <kubeconfig-out>');
const started = Date.now();
const simulator = await startSimulator({fixtures: [DEMO_FIXTURES], objects: generateLargeCluster()});
simulator.writeKubeconfig(kubeconfig, 'bench');
process.stdout.write(`READY ${simulator.url} seeded in ${Date.now() - started} ms\n`);
process.on('SIGTERM', () => {
  void simulator.close().then(() => process.exit(0));
});
