/**
 * Issue 14 item 16: every screen is drawn correctly at the minimum the README claims (60×16), and at
 * 60×20; one size below shows the "too small" message. Driven in tmux as a person would.
 */
import assert from 'node:assert/strict';
import {mkdtempSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {after, describe, test} from 'node:test';
import {fileURLToPath} from 'node:url';
import {hasTmux, TmuxSession} from '../helpers/tmux.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = path.join(root, 'bin/ambient-migrate.js');
const sessions: TmuxSession[] = [];
after(() => sessions.forEach(s => s.kill()));
const skip = hasTmux() ? false : 'tmux is not installed: the terminal tests are skipped';

/** A frame drawn right: the header on the first row, the keys on the last drawn one, nothing wider than the terminal. */
function assertFrame(screen: string, width: number, what: string): string[] {
  const lines = screen.replace(/\n+$/, '').split('\n');
  assert.match(lines[0]!, /^ambient-migrate · \S/, `${what}: the header is on the first row\n${screen}`);
  assert.match(lines.at(-1)!, /\? help · q quit$/, `${what}: the keys are on the last row\n${screen}`);
  for (const line of lines) assert.ok([...line].length <= width, `${what}: "${line}" is wider than ${width}`);
  return lines;
}

for (const [width, height] of [
  [60, 16],
  [60, 20],
] as const) {
  describe(`the wizard at ${width}×${height}`, () => {
    test('every screen from Connect to Apply is drawn whole, line by line', {skip}, async () => {
      const cwd = mkdtempSync(path.join(os.tmpdir(), 'ambient-migrate-small-'));
      const wizard = new TmuxSession(`${process.execPath} ${bin} --demo --workdir ${path.join(cwd, 'work')}`, {width, height, cwd});
      sessions.push(wizard);

      let screen = await wizard.waitFor('❯ Start');
      const connect = assertFrame(screen, width, 'Connect');
      // Each field on its own row, never one drawn over another ("Kubernetes v1.32.4127.0.0.1:37219").
      for (const field of [/^Context\s+ambient-migrate-demo$/, /^Server\s+http:\/\/127\.0\.0\.1:\d+$/, /^Kubernetes\s+v1\.32\.4$/, /^Istio\s+1\.28\.2/, /^Namespaces\s+4 sidecar/, /^Workdir\s+/, /^Backup\s+none yet$/]) {
        assert.ok(connect.some(line => field.test(line)), `Connect shows ${field}\n${screen}`);
      }

      wizard.press('Enter');
      screen = await wizard.waitFor('enter back up now');
      const backup = assertFrame(screen, width, 'Back up');
      assert.ok(backup.some(line => /^\s+namespaces\s+9$/.test(line)), `a kind and its count on one row\n${screen}`);
      wizard.press('Enter');
      screen = await wizard.waitFor('✔ Saved');
      assertFrame(screen, width, 'Back up, done');

      wizard.press('Enter');
      screen = await wizard.waitFor('The environment is ready');
      const verify = assertFrame(screen, width, 'Verify');
      assert.ok(verify.some(line => /^❯ ✔ env\/kubernetes-version\s+Kubernetes v1\.32\.4/.test(line)), screen);

      wizard.press('Enter');
      screen = await wizard.waitFor('Blockers (1)');
      assertFrame(screen, width, 'Blockers');

      wizard.press('Enter');
      screen = await wizard.waitFor(/NAME\s+MODE\s+READINESS/);
      assertFrame(screen, width, 'Choose');
      wizard.press('Space');
      screen = await wizard.waitFor('1 selected');
      assertFrame(screen, width, 'Choose, one selected');

      wizard.press('Enter');
      // Preview starts with the traffic check; each group the plan opens is accepted with its own a.
      screen = await wizard.waitFor(/opens traffic in \d+ group/);
      assertFrame(screen, width, 'Preview');
      const groups = Number(/opens traffic in (\d+) group/.exec(screen)![1]);
      for (let left = groups - 1; left > 0; left--) {
        wizard.press('a');
        screen = await wizard.waitFor(`opens traffic in ${left} group(s)`);
      }
      wizard.press('a');
      screen = await wizard.waitFor(/warning\(s\) at the end of the preview/);
      assertFrame(screen, width, 'Preview, openings accepted');
      wizard.press('y');
      screen = await wizard.waitFor('24 operations');
      assertFrame(screen, width, 'Preview, acknowledged');
      wizard.press('Enter');
      screen = await wizard.waitFor(/Apply 24 operations to bookinfo/);
      wizard.press('y');
      screen = await wizard.waitFor('Press enter for the summary');
      assertFrame(screen, width, 'Apply, done');

      wizard.press('Enter');
      screen = await wizard.waitFor('Migrated bookinfo');
      assertFrame(screen, width, 'Done');
      wizard.press('q');
      assert.equal(await wizard.waitForExit(60_000), 0);
    });
  });
}

describe('one size below the minimum', () => {
  for (const [width, height] of [
    [59, 16],
    [60, 15],
  ] as const) {
    test(`${width}×${height} says the terminal is too small, and q quits`, {skip}, async () => {
      const cwd = mkdtempSync(path.join(os.tmpdir(), 'ambient-migrate-small-'));
      const wizard = new TmuxSession(`${process.execPath} ${bin} --demo --workdir ${path.join(cwd, 'work')}`, {width, height, cwd});
      sessions.push(wizard);
      const screen = await wizard.waitFor('The terminal is too small');
      assert.match(screen, new RegExp(`too small \\(${width}×${height}\\); the wizard needs at\\s+least\\s+60×16`));
      wizard.press('q');
      assert.equal(await wizard.waitForExit(60_000), 0);
    });
  }
});
