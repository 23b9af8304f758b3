// `npm run faults`: every fault at every operation of the demo's bookinfo plan, for apply and for revert,
// each followed by a resume; prints the operation × fault table with the totals. Exit 1 when any case is wrong.
//   --jobs N          processes (default: one per core, at most 2); --concurrency N cases at a time in each (default 4)
//   --phase apply|revert, --fault KIND[,KIND], --op N[,N]   run a part of the matrix
import {spawn} from 'node:child_process';
import os from 'node:os';
import {fileURLToPath} from 'node:url';
import {parseArgs} from 'node:util';
import type {OperationRecord} from '../../source/core/state/state.ts';
import {FAULTS, formatTable, reference, runAll, type CaseResult, type FaultKind, type Phase} from './matrix.ts';

const {values} = parseArgs({
  options: {
    jobs: {type: 'string'},
    concurrency: {type: 'string'},
    phase: {type: 'string'},
    fault: {type: 'string'},
    op: {type: 'string'},
    quiet: {type: 'boolean'},
    // Internal: a worker process runs every Nth case and answers JSON lines.
    shard: {type: 'string'},
  },
});
const started = performance.now();
const phases: Phase[] = values.phase ? [values.phase as Phase] : ['apply', 'revert'];
const faults = values.fault ? (values.fault.split(',') as FaultKind[]) : [...FAULTS];
for (const f of faults) if (!FAULTS.includes(f)) throw new Error(`unknown fault ${f}; one of ${FAULTS.join(', ')}`);
const ops = values.op ? values.op.split(',').map(n => Number(n) - 1) : Array.from({length: 22}, (_, i) => i);
const cases = phases.flatMap(phase => ops.flatMap(op => faults.map(fault => ({phase, op, fault}))));
const concurrency = Number(values.concurrency ?? 4);

if (values.shard) {
  const [index, count] = values.shard.split('/').map(Number) as [number, number];
  const mine = cases.filter((_, i) => i % count === index);
  // The operations, for the table's rows: the parent does not run the reference itself.
  if (index === 0) process.stdout.write(`${JSON.stringify({operations: (await reference()).operations.map(o => ({operation: o.operation}))})}\n`);
  await runAll(mine, {concurrency, onResult: r => process.stdout.write(`${JSON.stringify(r)}\n`)});
} else {
  const jobs = Math.max(1, Number(values.jobs ?? Math.min(2, os.availableParallelism())));
  const results: CaseResult[] = [];
  let operations: Array<Pick<OperationRecord, 'operation'>> = [];
  const onResult = (r: CaseResult) => {
    results.push(r);
    if (!values.quiet) process.stderr.write(`\r${results.length}/${cases.length} cases`);
    if (r.verdict === 'wrong') process.stderr.write(`\n✘ ${r.phase} op ${r.op + 1} ${r.fault}: ${r.detail}\n`);
  };
  const self = fileURLToPath(import.meta.url);
  const passOn = process.argv.slice(2).filter((a, i, all) => !['--jobs', '--shard'].includes(a) && !['--jobs', '--shard'].includes(all[i - 1]!));
  await Promise.all(
    Array.from({length: jobs}, (_, index) => {
      const child = spawn(process.execPath, ['--import', 'tsx', self, ...passOn, '--shard', `${index}/${jobs}`], {stdio: ['ignore', 'pipe', 'inherit']});
      let partial = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        const lines = (partial + chunk).split('\n');
        partial = lines.pop()!;
        for (const line of lines) {
          if (!line.trim()) continue;
          const message = JSON.parse(line) as CaseResult | {operations: typeof operations};
          if ('operations' in message) operations = message.operations;
          else onResult(message);
        }
      });
      return new Promise<void>((resolve, reject) => child.on('close', code => (code === 0 ? resolve() : reject(new Error(`worker ${index} exited with ${code}`)))));
    }),
  );
  process.stderr.write('\n');
  const order = (p: Phase) => phases.indexOf(p);
  results.sort((a, b) => order(a.phase) - order(b.phase) || a.op - b.op || FAULTS.indexOf(a.fault) - FAULTS.indexOf(b.fault));
  process.stdout.write(`${formatTable({operations}, results)}\n`);
  const seconds = (performance.now() - started) / 1000;
  process.stdout.write(`${seconds.toFixed(1)} s wall (${jobs} process${jobs === 1 ? '' : 'es'}, ${concurrency} cases at a time in each; median case ${median(results.map(r => r.ms))} ms)\n`);
  process.exitCode = results.some(r => r.verdict === 'wrong') || results.length !== cases.length ? 1 : 0;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}
