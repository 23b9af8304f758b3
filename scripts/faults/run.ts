// `npm run faults`: every fault at every operation of the demo's bookinfo plan, for apply and for revert,
// each followed by a resume; prints the operation × fault table with the totals. Exit 1 when any case is wrong.
//   --concurrency N   cases at a time (default 6)
//   --phase apply|revert, --fault KIND[,KIND], --op N[,N]   run a part of the matrix
import os from 'node:os';
import {parseArgs} from 'node:util';
import {FAULTS, formatTable, reference, runAll, type FaultKind, type Phase} from './matrix.ts';

const {values} = parseArgs({
  options: {concurrency: {type: 'string'}, phase: {type: 'string'}, fault: {type: 'string'}, op: {type: 'string'}, quiet: {type: 'boolean'}},
});
const started = performance.now();
const ref = await reference();
const phases: Phase[] = values.phase ? [values.phase as Phase] : ['apply', 'revert'];
const faults = values.fault ? (values.fault.split(',') as FaultKind[]) : [...FAULTS];
for (const f of faults) if (!FAULTS.includes(f)) throw new Error(`unknown fault ${f}; one of ${FAULTS.join(', ')}`);
const ops = values.op ? values.op.split(',').map(n => Number(n) - 1) : ref.operations.map((_, i) => i);
const cases = phases.flatMap(phase => ops.flatMap(op => faults.map(fault => ({phase, op, fault}))));
const concurrency = Number(values.concurrency ?? Math.max(2, Math.min(6, os.availableParallelism() * 3)));
let finished = 0;
const results = await runAll(cases, {
  concurrency,
  onResult: r => {
    finished++;
    if (!values.quiet) process.stderr.write(`\r${finished}/${cases.length} cases`);
    if (r.verdict === 'wrong') process.stderr.write(`\n✘ ${r.phase} op ${r.op + 1} ${r.fault}: ${r.detail}\n`);
  },
});
process.stderr.write('\n');
const order = (p: Phase) => phases.indexOf(p);
results.sort((a, b) => order(a.phase) - order(b.phase) || a.op - b.op || FAULTS.indexOf(a.fault) - FAULTS.indexOf(b.fault));
process.stdout.write(`${formatTable(ref, results)}\n`);
process.stdout.write(`${((performance.now() - started) / 1000).toFixed(1)} s wall, ${concurrency} at a time\n`);
process.exitCode = results.some(r => r.verdict === 'wrong') ? 1 : 0;
