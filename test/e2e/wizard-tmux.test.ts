import assert from 'node:assert/strict';
import {mkdtempSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {after, test} from 'node:test';
import {fileURLToPath} from 'node:url';
import {hasTmux, TmuxSession} from '../helpers/tmux.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = path.join(root, 'bin/ambient-migrate.js');
const sessions: TmuxSession[] = [];
after(() => sessions.forEach(s => s.kill()));

const skip = hasTmux() ? false : 'tmux is not installed: the terminal tests are skipped';

test('the wizard on the demo cluster shows what it read from the cluster, and q quits', {skip}, async () => {
  const cwd = mkdtempSync(path.join(os.tmpdir(), 'ambient-migrate-e2e-'));
  const wizard = new TmuxSession(`${process.execPath} ${bin} --demo`, {cwd});
  sessions.push(wizard);
  const screen = await wizard.waitFor('The migration, step by step');
  assert.match(screen, /Context\s+ambient-migrate-demo/);
  assert.match(screen, /Server\s+http:\/\/127\.0\.0\.1:\d+/);
  assert.match(screen, /Kubernetes\s+v1\.32\.4/);
  assert.match(screen, /Istio\s+1\.28\.2 · revision default \(istio-system\/istiod\)/);
  // bookinfo, payments, legacy and edge run sidecars; httpbin is ambient; default, kube-system,
  // monitoring and istio-system (its gateway is infrastructure) are outside the mesh.
  assert.match(screen, /Namespaces\s+4 sidecar · 1 ambient · 0 mixed · 4 no mesh/);
  assert.match(screen, /1\.\s+Back up/);
  assert.match(screen, /8\.\s+Done/);
  assert.match(screen, /❯ Start/);
  assert.match(wizard.screenWithEscapes(), /\x1b\[[0-9;]*3\dm/, 'a terminal gets colour');
  wizard.press('q');
  assert.equal(await wizard.waitForExit(), 0);
});

test('NO_COLOR gives a screen without colour codes', {skip}, async () => {
  const cwd = mkdtempSync(path.join(os.tmpdir(), 'ambient-migrate-e2e-'));
  const wizard = new TmuxSession(`${process.execPath} ${bin} --demo`, {cwd, env: {NO_COLOR: '1', FORCE_COLOR: ''}});
  sessions.push(wizard);
  await wizard.waitFor('The migration, step by step');
  assert.doesNotMatch(wizard.screenWithEscapes(), /\x1b\[3\dm/, 'no foreground colour escapes');
  wizard.press('q');
  assert.equal(await wizard.waitForExit(), 0);
});
