/**
 * The CI-sized fuzz run (issue 13, "Generated input"): 500 generated clusters through audit and plan with
 * every property of scripts/fuzz/properties.ts, one in 25 also applied to the in-process simulator and
 * reverted. A fixed seed, so CI is reproducible; `npm run fuzz` runs 10,000 with a fresh seed. A failure
 * prints the seed, the path and the shrunk case, and the replay command.
 */
import assert from 'node:assert/strict';
import {test} from 'node:test';
import fc from 'fast-check';
import {FUZZED_KINDS, fuzzCaseArb} from '../scripts/fuzz/cluster.ts';
import {checkCase, leaves} from '../scripts/fuzz/properties.ts';
import {formatResult, runFuzz, type FuzzOptions} from '../scripts/fuzz/run.ts';
import {KINDS} from '../source/kube/kinds.ts';

const SEED = 20261204;

test('the generator covers every fuzzed kind, and most of its objects pass the CRD schema', () => {
  const cases = fc.sample(fuzzCaseArb, {seed: SEED, numRuns: 200});
  const kinds = new Set(cases.flatMap(c => c.config.map(o => o.kind)));
  for (const kind of FUZZED_KINDS) assert.ok(kinds.has(KINDS[kind].kind), `no ${KINDS[kind].kind} generated`);
  // Fields of every depth: some VirtualService reaches spec.http[].match[].headers.<name>.<kind>.
  const paths = new Set(cases.flatMap(c => c.config.filter(o => o.kind === 'VirtualService').flatMap(o => leaves(o.spec, 'spec').map(l => l.path.replace(/\[\d+\]/g, '[]')))));
  assert.ok([...paths].some(p => /^spec\.http\[\]\.match\[\]\.headers\..+\.(exact|prefix|regex)$/.test(p)), 'no header match generated');
  // Some cases convert a VirtualService, or the vs-fields property checks nothing.
  const converted = cases.filter(c => checkCase(c, {timeLimitMs: 60_000}).plan?.plan.operations.some(o => o.target.kind === 'HTTPRoute')).length;
  assert.ok(converted >= 10, `only ${converted} of 200 cases convert a VirtualService`);
});

test('500 generated clusters: audit and plan never throw, every object is valid, every VirtualService field is converted or named, apply then revert restores', {timeout: 600_000}, async () => {
  const options: FuzzOptions = {seed: SEED, cases: 500, applyEvery: 25, timeLimitMs: 10_000, applyTimeLimitMs: 120_000, shrink: 3};
  const result = await runFuzz(options);
  const report = formatResult(result, options);
  console.log(report.split('\n')[0]);
  assert.equal(result.cases, 500);
  assert.ok(result.appliedNamespaces > 0, 'no namespace was applied and reverted');
  assert.equal(result.failed, 0, report);
});
