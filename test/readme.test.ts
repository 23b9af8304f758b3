import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import {test} from 'node:test';
import {ALL_CHECK_IDS, ALL_FINDING_IDS} from '../source/core/audit/catalogue.ts';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

test('the README documents every check and finding id the audit can report', () => {
  const missing = [...ALL_CHECK_IDS, ...ALL_FINDING_IDS].filter(id => !readme.includes(`\`${id}\``));
  assert.deepEqual(missing, [], 'ids missing from the README table');
});

test('the README quick start has the two commands a fresh machine needs', () => {
  const quickStart = readme.split('## Quick start')[1]!.split('\n## ')[0]!;
  const commands = quickStart.split('\n').filter(line => line.startsWith('npm '));
  assert.equal(commands.length, 2);
  assert.match(commands[0]!, /npm ci && npm start -- --demo/);
  assert.match(commands[1]!, /npm ci && npm test/);
});

test('the README shows each main screen of the wizard, its keys and how it resumes', () => {
  const section = readme.split('\n## The wizard\n')[1]!.split('\n## ')[0]!;
  const screens = ['Connect (step 1 of 8)', 'Verify the environment (step 3 of 8)', 'Blockers and limitations (step 4 of 8)', 'Choose namespaces (step 5 of 8)', 'Preview (step 6 of 8)', 'Apply (step 7 of 8)', 'Done (step 8 of 8)', 'ambient-migrate · Revert '];
  const missing = screens.filter(title => !section.includes(title));
  assert.deepEqual(missing, [], 'screens without a capture in "The wizard"');
  assert.match(section, /### Keys/);
  assert.match(section, /### Resuming[^]*state\.json[^]*next operation boundary/);
  assert.doesNotMatch(readme, /r re-read the cluster/, 'the capture of the old first screen is gone');
});
