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
