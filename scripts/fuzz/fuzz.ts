/**
 * npm run fuzz [-- --seed N] [--cases N] [--apply-every N] [--path P] [--time-limit MS] [--shrink N]
 *
 * Generated clusters (scripts/fuzz/cluster.ts) through audit and plan, the properties of
 * scripts/fuzz/properties.ts checked for each, every --apply-every-th case also applied to the in-process
 * simulator and reverted. Seeded: the same seed gives the same cases; a failure prints its seed, its path
 * and the shrunk case as YAML, and --seed S --path P replays exactly that case. Exit 1 when a case failed.
 */
import {formatResult, runFuzz, type FuzzOptions} from './run.ts';

function parseArgs(argv: string[]): FuzzOptions {
  const options: FuzzOptions = {seed: Date.now() % 2 ** 31, cases: 10_000, applyEvery: 50, timeLimitMs: 10_000, applyTimeLimitMs: 120_000, shrink: 5};
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) usage(`${flag} needs a value`);
      return v!;
    };
    const int = () => {
      const v = Number(value());
      if (!Number.isInteger(v) || v < 0) usage(`${flag} needs a non-negative integer`);
      return v;
    };
    if (flag === '--seed') options.seed = int();
    else if (flag === '--cases') options.cases = int();
    else if (flag === '--apply-every') options.applyEvery = int();
    else if (flag === '--path') options.path = value();
    else if (flag === '--time-limit') options.timeLimitMs = int();
    else if (flag === '--shrink') options.shrink = int();
    else if (flag === '--quiet') options.log = () => {};
    else if (flag === '--help' || flag === '-h') usage();
    else usage(`unknown flag ${flag}`);
  }
  return options;
}

function usage(error?: string): never {
  if (error) process.stderr.write(`fuzz: ${error}\n`);
  process.stderr.write('usage: npm run fuzz -- [--seed N] [--cases N (10000)] [--apply-every N (50; 0 none)] [--path P] [--time-limit MS (10000)] [--shrink N (5)] [--quiet]\n');
  process.exit(error ? 2 : 0);
}

const options = parseArgs(process.argv.slice(2));
options.log ??= line => process.stderr.write(`${line}\n`);
process.stderr.write(`fuzz: seed ${options.seed}, ${options.path ? `replaying path ${options.path}` : `${options.cases} cases`}, apply and revert every ${options.applyEvery || 'no'} case\n`);
const result = await runFuzz(options);
process.stdout.write(`${formatResult(result, options)}\n`);
process.exit(result.failed > 0 ? 1 : 0);
