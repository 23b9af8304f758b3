/**
 * The fuzz run itself, shared by `npm run fuzz` and test/fuzz.test.ts: every case through the properties,
 * counted; then the first failure of each property replayed by fast-check and shrunk to a small case.
 */
import {once} from 'node:events';
import {Worker} from 'node:worker_threads';
import fc from 'fast-check';
import yaml from 'js-yaml';
import {fuzzCaseArb, podObjects, workloadObjects, type FuzzCase} from './cluster.ts';
import {checkApplyRevert, checkCase} from './properties.ts';

export interface FuzzOptions {
  seed: number;
  cases: number;
  /** Every n-th case (0 = none) also goes through apply and revert in a simulator. */
  applyEvery: number;
  /** Per-case limit for audit and plan, ms. */
  timeLimitMs: number;
  /** Per-case limit for apply and revert, ms. */
  applyTimeLimitMs: number;
  /** Replay one case (fast-check's path) instead of a run. */
  path?: string;
  /** Shrink at most this many failures (one per property), 0 for none. */
  shrink: number;
  log?: (line: string) => void;
}

export interface Failure {
  index: number;
  problems: string[];
  shrunk?: {path: string; problems: string[]; yaml: string};
}

export interface FuzzResult {
  cases: number;
  passed: number;
  failed: number;
  applied: number;
  ms: number;
  failures: Failure[];
  slowestMs: number;
  /** Namespaces applied and reverted in the simulator, and their operations. */
  appliedNamespaces: number;
  appliedOperations: number;
}

const stats = {namespaces: 0, operations: 0};

async function problemsOf(c: FuzzCase, index: number, options: FuzzOptions, withApply: boolean): Promise<string[]> {
  const outcome = checkCase(c, {timeLimitMs: options.timeLimitMs});
  const problems = [...outcome.problems];
  if (withApply && !outcome.problems.some(p => p.startsWith('no-throw'))) {
    try {
      const result = await checkApplyRevert(c, {timeLimitMs: options.applyTimeLimitMs});
      problems.push(...result.problems);
      stats.namespaces += result.namespaces;
      stats.operations += result.operations;
    } catch (error) {
      problems.push(`apply-revert: the simulator run threw ${error instanceof Error ? error.stack : String(error)}`);
    }
  }
  void index;
  return problems;
}

const sampled = (index: number, options: FuzzOptions) => options.applyEvery > 0 && index % options.applyEvery === 0;
const propertyOf = (problem: string) => problem.slice(0, problem.indexOf(':'));

/** The case as YAML: namespaces, workloads, pods, and the generated Istio configuration. */
export function caseYaml(c: FuzzCase): string {
  return yaml.dump({namespaces: c.namespaces, objects: [...workloadObjects(c), ...podObjects(c), ...c.config]}, {noRefs: true, lineWidth: 140});
}

/**
 * Audit and plan are synchronous: a case that never ends blocks every timer of this thread, so the limit is
 * kept by a watchdog thread. It is told which case runs (through shared memory) and, when one runs past the
 * hang limit, writes the seed and the path to replay it and ends the process.
 */
async function startWatchdog(seed: number): Promise<{enter(index: number, hangMs: number): void; leave(): void; stop(): void}> {
  const shared = new Int32Array(new SharedArrayBuffer(12));
  const worker = new Worker(new URL('./watchdog.cjs', import.meta.url), {workerData: {shared, seed}});
  worker.on('error', error => process.stderr.write(`fuzz: the watchdog stopped: ${error.message}\n`));
  // It starts with the help of this thread's event loop, which a run of synchronous cases does not give back.
  await once(worker, 'online');
  worker.unref();
  return {
    enter(index, hangMs) {
      Atomics.store(shared, 2, hangMs);
      Atomics.store(shared, 0, index);
      Atomics.store(shared, 1, 1);
    },
    leave() {
      Atomics.store(shared, 1, 0);
    },
    stop() {
      Atomics.store(shared, 1, 0);
      void worker.terminate();
    },
  };
}

export async function runFuzz(options: FuzzOptions): Promise<FuzzResult> {
  const log = options.log ?? (() => {});
  const watchdog = await startWatchdog(options.seed);
  // Warm up (CRD schemas read, validators compiled) so that the first case's time is its own.
  checkCase(fc.sample(fuzzCaseArb, {seed: 0, numRuns: 1})[0]!, {timeLimitMs: Infinity});
  const started = performance.now();
  const failures: Failure[] = [];
  stats.namespaces = 0;
  stats.operations = 0;
  let index = -1;
  let sampledCases = 0;
  let slowestMs = 0;
  const params = {seed: options.seed, numRuns: options.path ? 1 : options.cases, ...(options.path ? {path: options.path} : {}), endOnFailure: true};
  // Pass 1: every case, counted; the property itself never fails so that the run goes on.
  await fc.check(
    fc.asyncProperty(fuzzCaseArb, async c => {
      index++;
      const at = options.path ? Number(options.path.split(':')[0]) : index;
      const withApply = options.path ? options.applyEvery > 0 : sampled(at, options);
      // Over the limit is a failure; five times over, a hang.
      watchdog.enter(at, Math.max(10_000, 5 * (options.timeLimitMs + (withApply ? options.applyTimeLimitMs : 0))));
      const t0 = performance.now();
      if (withApply) sampledCases++;
      const problems = await problemsOf(c, at, options, withApply);
      watchdog.leave();
      slowestMs = Math.max(slowestMs, performance.now() - t0);
      if (problems.length > 0) {
        failures.push({index: at, problems});
        log(`case ${at}: ${problems.length} problem(s): ${problems[0]!.split('\n')[0]}`);
      }
      if ((index + 1) % 500 === 0) log(`${index + 1} cases, ${failures.length} failed, ${((performance.now() - started) / 1000).toFixed(1)} s`);
      return true;
    }),
    params,
  );
  const cases = index + 1;
  watchdog.stop();
  const applied = {namespaces: stats.namespaces, operations: stats.operations};

  // Pass 2: the first failure of each property, replayed from its path and shrunk.
  const seen = new Set<string>();
  for (const failure of failures) {
    if (seen.size >= options.shrink) break;
    const kinds = [...new Set(failure.problems.map(propertyOf))];
    const key = kinds.join(',');
    if (kinds.every(k => seen.has(k))) continue;
    for (const k of kinds) seen.add(k);
    const withApply = kinds.includes('apply-revert');
    const wanted = new Set(kinds);
    const details = await fc.check(
      fc.asyncProperty(fuzzCaseArb, async c => {
        const problems = await problemsOf(c, failure.index, options, withApply);
        return !problems.some(p => wanted.has(propertyOf(p)));
      }),
      {seed: options.seed, path: String(failure.index), numRuns: 1, endOnFailure: false},
    );
    if (details.failed && details.counterexample) {
      const shrunkCase = details.counterexample[0] as FuzzCase;
      const problems = (await problemsOf(shrunkCase, failure.index, options, withApply)).filter(p => wanted.has(propertyOf(p)));
      failure.shrunk = {path: details.counterexamplePath ?? String(failure.index), problems, yaml: caseYaml(shrunkCase)};
    }
    log(`shrunk the first ${key} failure (case ${failure.index})`);
  }
  return {cases, passed: cases - failures.length, failed: failures.length, applied: sampledCases, appliedNamespaces: applied.namespaces, appliedOperations: applied.operations, ms: performance.now() - started, failures, slowestMs};
}

/** The report: the totals line, then each shrunk failure with how to replay it. */
export function formatResult(result: FuzzResult, options: FuzzOptions): string {
  const lines = [`${result.cases} cases, ${result.passed} passed, ${result.failed} failed in ${(result.ms / 1000).toFixed(1)} s (seed ${options.seed}; ${result.applied} through the simulator, ${result.appliedNamespaces} namespaces with ${result.appliedOperations} operations applied and reverted; slowest case ${Math.round(result.slowestMs)} ms)`];
  const byProperty = new Map<string, number>();
  for (const f of result.failures) for (const k of new Set(f.problems.map(propertyOf))) byProperty.set(k, (byProperty.get(k) ?? 0) + 1);
  if (byProperty.size > 0) lines.push(`failures by property: ${[...byProperty].map(([k, n]) => `${k} ${n}`).join(', ')}`);
  // The first failure of each property: shrunk when the replay failed again (a time limit may not).
  const shown = new Set<string>();
  for (const f of result.failures) {
    const kinds = [...new Set(f.problems.map(propertyOf))];
    if (!f.shrunk && kinds.every(k => shown.has(k))) continue;
    for (const k of kinds) shown.add(k);
    const s = f.shrunk;
    const at = s?.path ?? String(f.index);
    lines.push('', `FAILED case ${f.index}: seed ${options.seed}, path ${at}`, `replay: npm run fuzz -- --seed ${options.seed} --path ${at}${f.problems.some(p => p.startsWith('apply-revert')) ? ' --apply-every 1' : ''}`);
    for (const p of s?.problems.length ? s.problems : f.problems) lines.push(`  ${p.replace(/\n/g, '\n  ')}`);
    if (s) lines.push('shrunk case:', s.yaml.replace(/^/gm, '  '));
    else lines.push('(not shrunk: the replay passed, or --shrink was reached)');
  }
  return lines.join('\n');
}
