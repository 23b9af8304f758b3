// First: chalk picks its colour level when it loads, and the colour assertions need colour.
import '../helpers/force-color.ts';
import assert from 'node:assert/strict';
import {after, before, describe, test} from 'node:test';
import {stripVTControlCharacters} from 'node:util';
import {render} from 'ink-testing-library';
import React from 'react';
import {Wizard} from '../../source/ui/wizard/wizard.tsx';
import type {SessionInfo} from '../../source/ui/wizard/services.ts';
import {copy, demoData, FakeServices, manyNamespaces, type DemoData} from '../helpers/fake-services.ts';
import {SUITE_WAIT_MS} from '../helpers/wait.ts';
import {settle} from '../helpers/ink.ts';

/*
 * Every screen of the wizard, driven as a person drives it: one key at a time, reading the screen between
 * keys (ecosystem notes §4: a key sent before the screen's input handler is attached is lost, and keys
 * sent in one burst see stale state). The services are a fake built from the demo cluster's real audit
 * and plans, so what is asserted is what the demo shows.
 */

const KEYS: Record<string, string> = {
  enter: '\r',
  esc: '\x1b',
  up: '\x1b[A',
  down: '\x1b[B',
  pgdn: '\x1b[6~',
  pgup: '\x1b[5~',
  home: '\x1b[H',
  end: '\x1b[F',
  space: ' ',
  backspace: '\x7f',
};

let data: DemoData;
const open: Ui[] = [];
before(async () => {
  data = await demoData();
});
after(() => {
  for (const ui of open) ui.unmount();
});

class Ui {
  readonly r: ReturnType<typeof render>;
  exits = 0;
  constructor(readonly fake: FakeServices) {
    this.r = render(<Wizard services={fake} onExit={() => this.exits++} />);
    open.push(this);
  }

  /** The screen as text (colours stripped). */
  frame(): string {
    return stripVTControlCharacters(this.r.lastFrame() ?? '');
  }

  /** The screen with its colour escapes. */
  raw(): string {
    return this.r.lastFrame() ?? '';
  }

  lines(): string[] {
    return this.frame().split('\n');
  }

  /** The footer: the last non-empty line. */
  footer(): string {
    return this.lines().filter(l => l.trim()).at(-1) ?? '';
  }

  async see(expected: string | RegExp | ((frame: string) => boolean), timeoutMs = SUITE_WAIT_MS): Promise<string> {
    const ok = (frame: string) => (typeof expected === 'string' ? frame.includes(expected) : expected instanceof RegExp ? expected.test(frame) : expected(frame));
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const frame = this.frame();
      if (ok(frame)) return frame;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${String(expected)}; the screen is:\n${frame}`);
      await new Promise(resolve => setImmediate(() => setTimeout(resolve, 5)));
    }
  }

  async until(predicate: () => boolean, what: string, timeoutMs = SUITE_WAIT_MS): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; the screen is:\n${this.frame()}`);
      await new Promise(resolve => setImmediate(() => setTimeout(resolve, 5)));
    }
  }

  /**
   * One key, then wait for what it should show. Without an expectation (asserting that nothing happens),
   * wait long enough for a lone ESC's timer and a render.
   */
  async press(key: string, expect?: string | RegExp | ((frame: string) => boolean)): Promise<string> {
    await settle(10);
    this.r.stdin.write(KEYS[key] ?? key);
    if (expect !== undefined) return this.see(expect);
    await settle(60);
    return this.frame();
  }

  async type(text: string): Promise<void> {
    for (const c of text) {
      const before = this.frame();
      await this.press(c, frame => frame !== before);
    }
  }

  resize(columns: number, rows: number): void {
    Object.defineProperty(this.r.stdout, 'columns', {get: () => columns, configurable: true});
    Object.defineProperty(this.r.stdout, 'rows', {get: () => rows, configurable: true});
    this.r.stdout.emit('resize');
  }

  unmount(): void {
    this.r.unmount();
  }
}

const bookinfoPlan = () => new FakeServices(data).planOf(['bookinfo']).plan;
const recorded = (namespaces: NonNullable<SessionInfo['recorded']>['namespaces']): Partial<SessionInfo> => ({
  recorded: {updatedAt: '2026-01-01T10:00:00.000Z', namespaces},
  latestBackup: '/work/ambient-migration/backups/20260101T000000Z',
});

/** From a fresh start to the given screen, checking each screen on the way. */
async function walkTo(ui: Ui, screen: 'backup' | 'verify' | 'blockers' | 'choose' | 'preview' | 'apply'): Promise<void> {
  await ui.see('❯ Start');
  await ui.press('enter', 'The backup saves');
  if (screen === 'backup') return;
  await ui.press('enter', '✔ Saved 32 objects');
  await ui.press('enter', 'env/kubernetes-version');
  if (screen === 'verify') return;
  await ui.press('enter', 'Blockers (1)');
  if (screen === 'blockers') return;
  await ui.press('enter', 'READINESS');
  if (screen === 'choose') return;
  await ui.press('space', '◉ bookinfo');
  await ui.press('enter', 'Namespace bookinfo');
  if (screen === 'preview') return;
  await ui.press('y', '24 operations');
  await ui.press('enter', 'Apply 24 operations to bookinfo');
  await ui.press('y', 'Apply (step 7 of 8)');
  await ui.until(() => ui.fake.runs.length === 1, 'the apply to start');
}

describe('connect', () => {
  test('shows the cluster, the namespace counts and the steps; enter starts with the backup', async () => {
    const ui = new Ui(new FakeServices(data));
    const frame = await ui.see('❯ Start');
    assert.match(frame, /ambient-migrate · Connect \(step 1 of 8\)\s+context ambient-migrate-demo/);
    assert.match(frame, /Context\s+ambient-migrate-demo/);
    assert.match(frame, /Server\s+https:\/\/demo\.example:6443/);
    assert.match(frame, /Kubernetes\s+v1\.32\.4/);
    assert.match(frame, /Istio\s+1\.28\.2 · revision default/);
    assert.match(frame, /Namespaces\s+4 sidecar · 1 ambient · 0 mixed · 4 no mesh/);
    assert.match(frame, /Backup\s+none yet/);
    assert.match(frame, /The migration, step by step/);
    for (const [i, step] of ['Back up', 'Verify the environment', 'Blockers and limitations', 'Choose namespaces', 'Preview', 'Apply', 'Revert', 'Done'].entries()) {
      assert.match(frame, new RegExp(`${i + 1}\\. ${step}`), `step ${i + 1}`);
    }
    assert.doesNotMatch(frame, /Resume|Start over/);
    assert.match(ui.footer(), /↑↓ choose · enter confirm · \? help · q quit/);
    assert.doesNotMatch(ui.footer(), /esc/, 'nothing to go back to from the first screen');
    await ui.press('enter', 'Back up (step 2 of 8)');
    ui.unmount();
  });

  test('with a recorded migration: each namespace with its status, and Resume continues the unfinished one', async () => {
    const fake = new FakeServices(data, {
      session: recorded([
        {name: 'bookinfo', status: 'applying', done: 9, total: 22, next: 'use-waypoint: label Namespace bookinfo'},
        {name: 'payments', status: 'done', done: 5, total: 5},
      ]),
    });
    const ui = new Ui(fake);
    const frame = await ui.see('❯ Resume');
    assert.match(frame, /A migration of this cluster is recorded \(last change 2026-01-01T10:00:00\.000Z\)/);
    assert.match(frame, /bookinfo\s+applying\s+9\/22\s+next: use-waypoint: label Namespace bookinfo/);
    assert.match(frame, /payments\s+done\s+5\/5/);
    assert.match(frame, /Resume\s+continue bookinfo where it stopped/);
    assert.match(frame, /Revert\s+undo namespaces the tool changed/);
    assert.match(frame, /Start over\s+keep the old state file under a new name/);
    assert.doesNotMatch(frame, /The migration, step by step/);
    await ui.press('enter', 'Apply (step 7 of 8)');
    await ui.until(() => fake.runs.length === 1, 'the resumed apply');
    assert.deepEqual(fake.argsOf('apply'), [[['bookinfo']]]);
    ui.unmount();
  });

  test('a namespace whose revert was interrupted is resumed as a revert, never re-applied', async () => {
    const fake = new FakeServices(data, {session: recorded([{name: 'bookinfo', status: 'reverting', done: 12, total: 22}])});
    const ui = new Ui(fake);
    const frame = await ui.see('Resume');
    assert.match(frame, /Resume\s+finish reverting bookinfo/);
    await ui.press('enter', 'Revert');
    await ui.until(() => fake.runs.length === 1, 'the resumed revert');
    assert.equal(fake.count('apply'), 0, 'an interrupted revert must not be applied again');
    assert.deepEqual(fake.argsOf('revert'), [[['bookinfo']]]);
    ui.unmount();
  });

  test('Start over calls startOver, says where the old state is kept, and keeps going', async () => {
    const fake = new FakeServices(data, {session: recorded([{name: 'bookinfo', status: 'failed', done: 3, total: 22}])});
    const ui = new Ui(fake);
    await ui.see('❯ Resume');
    await ui.press('down', '❯ Revert');
    await ui.press('down', '❯ Start over');
    const frame = await ui.press('enter', fake.keptStateAs);
    assert.equal(fake.count('startOver'), 1);
    assert.match(frame, /The previous state file is kept as \/work\/ambient-migration\/state\.2026-01-01T00-00-00-000Z\.json/);
    await ui.see('❯ Start');
    assert.doesNotMatch(ui.frame(), /A migration of this cluster is recorded/);
    await ui.press('enter', 'Back up (step 2 of 8)');
    assert.equal(ui.exits, 0);
    ui.unmount();
  });

  test('a cluster that cannot be read says so, and r tries again', async () => {
    const fake = new FakeServices(data);
    let fail = true;
    const session = fake.session.bind(fake);
    fake.session = async () => {
      if (fail) throw new Error('connect ECONNREFUSED 127.0.0.1:6443');
      return session();
    };
    const ui = new Ui(fake);
    await ui.see('Cannot use this cluster: connect ECONNREFUSED 127.0.0.1:6443');
    assert.match(ui.footer(), /r try again/);
    fail = false;
    await ui.press('r', '❯ Start');
    ui.unmount();
  });
});

describe('backup', () => {
  test('shows the kinds and counts; enter backs up and shows where; enter goes on', async () => {
    const fake = new FakeServices(data);
    const ui = new Ui(fake);
    await walkTo(ui, 'backup');
    const frame = ui.frame();
    assert.match(frame, /The backup saves 32 objects/);
    assert.match(frame, /namespaces\s+9/);
    assert.match(frame, /deployments\.apps\s+15/);
    assert.match(frame, /authorizationpolicies\.security\.istio\.io\s+6/);
    assert.match(ui.footer(), /enter back up now/);
    assert.doesNotMatch(ui.footer(), /skip/, 'nothing to skip to without an earlier backup');
    await ui.press('s');
    assert.match(ui.frame(), /Back up \(step 2 of 8\)/, 's does nothing without an earlier backup');
    assert.equal(fake.count('backup'), 0);
    const saved = await ui.press('enter', '✔ Saved 32 objects');
    assert.equal(fake.count('backup'), 1);
    assert.match(saved, /Saved 32 objects to \/work\/ambient-migration\/backups\/20260101T000000Z/);
    assert.match(ui.footer(), /enter continue/);
    await ui.press('enter', 'Verify the environment (step 3 of 8)');
    ui.unmount();
  });

  test('s skips when a backup of this cluster exists', async () => {
    const fake = new FakeServices(data, {session: {latestBackup: '/work/ambient-migration/backups/20251231T235959Z'}});
    const ui = new Ui(fake);
    await ui.see('❯ Start');
    await ui.press('enter', 'The backup saves');
    assert.match(ui.frame(), /An earlier backup of this cluster exists: \/work\/ambient-migration\/backups\/20251231T235959Z/);
    assert.match(ui.footer(), /s skip \(use the existing backup\)/);
    await ui.press('s', 'Verify the environment (step 3 of 8)');
    assert.equal(fake.count('backup'), 0);
    ui.unmount();
  });
});

describe('verify', () => {
  test('pass, warn and fail marks; space shows the remedy; enter is refused while a check fails; r checks again', async () => {
    const report = copy(data.report);
    const ztunnel = report.checks.find(c => c.id === 'env/ztunnel')!;
    Object.assign(ztunnel, {status: 'fail', message: 'ztunnel is not installed', remedy: 'helm install ztunnel istio/ztunnel -n istio-system --version 1.28.2 --wait'});
    const hbone = report.checks.find(c => c.id === 'env/hbone-sidecars')!;
    Object.assign(hbone, {status: 'warn', message: '3 sidecars lack ISTIO_META_ENABLE_HBONE', remedy: 'kubectl rollout restart deployment -n payments'});
    const fake = new FakeServices(data, {report});
    const ui = new Ui(fake);
    await walkTo(ui, 'verify');
    let frame = await ui.see('1 check fails');
    assert.equal(fake.count('audit'), 1);
    assert.match(frame, /✔ env\/kubernetes-version\s+Kubernetes v1\.32\.4/);
    assert.match(frame, /✘ env\/ztunnel\s+ztunnel is not installed/);
    assert.match(frame, /! env\/hbone-sidecars\s+3 sidecars lack ISTIO_META_ENABLE_HBONE/);
    assert.match(frame, /run the remedies \(space shows them\) in another terminal, then press r to check again/);
    assert.doesNotMatch(ui.footer(), /enter/, 'enter is not offered while a check fails');
    await ui.press('enter');
    assert.match(ui.frame(), /Verify the environment \(step 3 of 8\)/, 'enter is refused while a check fails');

    const ztunnelRow = report.checks.findIndex(c => c.id === 'env/ztunnel');
    for (let i = 0; i < ztunnelRow; i++) await ui.press('down', new RegExp(`❯ . ${report.checks[i + 1]!.id.replace(/\//g, '\\/')}`));
    frame = await ui.press('space', 'helm install ztunnel');
    assert.match(frame, /❯ ✘ env\/ztunnel[^\n]*\n\s+helm install ztunnel istio\/ztunnel -n istio-system --version 1\.28\.2 --wait/);
    await ui.press('space', f => !f.includes('helm install ztunnel'));

    // The user runs the remedy in another terminal; r reads the cluster again.
    fake.report = copy(data.report);
    await ui.press('r', 'The environment is ready for ambient mode');
    assert.equal(fake.count('audit'), 2, 'r calls the audit again');
    assert.match(ui.frame(), /✔ env\/ztunnel/);
    assert.match(ui.footer(), /enter continue/);
    await ui.press('enter', 'Blockers and limitations (step 4 of 8)');
    ui.unmount();
  });

  test('space on a check with nothing to do says so', async () => {
    const ui = new Ui(new FakeServices(data));
    await walkTo(ui, 'verify');
    await ui.press('space', /❯ ✔ env\/kubernetes-version[^\n]*\n\s+nothing to do/);
    ui.unmount();
  });
});

describe('blockers', () => {
  test('grouped by severity; each line names its resource once; space expands resource, namespaces and remedy', async () => {
    const ui = new Ui(new FakeServices(data));
    await walkTo(ui, 'blockers');
    const frame = ui.frame();
    const headings = ['Blockers (1)', 'Limitations and warnings (6)', 'To convert and to know (4)'].map(h => frame.indexOf(h));
    assert.ok(headings.every(i => i >= 0), frame);
    assert.deepEqual([...headings].sort((a, b) => a - b), headings, 'blockers, then warnings, then the rest');
    assert.match(frame, /❯ \[blocker\/peer-authentication-disable\] \(PeerAuthentication legacy\/default\) sets mtls\.mode DISABLE/);
    assert.doesNotMatch(frame, /\(PeerAuthentication legacy\/default\) PeerAuthentication legacy\/default/, 'the resource is not repeated in the message');
    assert.doesNotMatch(frame, /fix:/, 'collapsed at first');
    assert.match(ui.footer(), /space details · enter choose namespaces/);

    let open = await ui.press('space', 'fix:');
    assert.match(open, /namespaces: legacy · field spec\.mtls\.mode/);
    assert.match(open, /fix: remove DISABLE \(PERMISSIVE or STRICT are fine\)/);
    assert.match(open, /ambient treats DISABLE as PERMISSIVE/);

    await ui.press('down', '❯ [limit/envoyfilter]');
    open = await ui.press('space', 'namespaces: edge');
    assert.doesNotMatch(open, /namespaces: legacy/, 'one finding open at a time');
    assert.match(open, /fix: /);
    await ui.press('space', f => !f.includes('namespaces: edge'));
    await ui.press('enter', 'Choose namespaces (step 5 of 8)');
    ui.unmount();
  });
});

describe('choose', () => {
  test('mode, readiness and reasons; space selects; blocked and done cannot be selected and say why; a selects all ready', async () => {
    const ui = new Ui(new FakeServices(data));
    await walkTo(ui, 'choose');
    let frame = ui.frame();
    assert.match(frame, /NAME\s+MODE\s+READINESS\s+REASONS/);
    assert.match(frame, /❯◯ bookinfo\s+sidecar needs-waypoint\s+policy\/l7-authorization, route\/subsets/);
    assert.match(frame, /legacy\s+sidecar blocked\s+blocker\/peer-authentication-disable/);
    assert.match(frame, /httpbin\s+ambient done/);
    assert.match(frame, /0 selected · 5 of 9 can move/);
    assert.match(frame, /kube-system\s+none\s+system/, 'Kubernetes\' own namespace is not a candidate');
    assert.match(frame, /istio-system\s+none\s+system/, 'nor is the one running istiod and ztunnel');

    await ui.press('space', '◉ bookinfo');
    assert.match(ui.frame(), /1 selected/);
    assert.match(ui.footer(), /enter preview 1/);
    await ui.press('space', '◯ bookinfo');
    assert.doesNotMatch(ui.footer(), /enter preview/);

    const names = data.report.namespaces.map(n => n.name);
    const go = async (name: string) => {
      while (!new RegExp(`❯. ${name}`).test(ui.frame())) {
        const at = names.findIndex(n => new RegExp(`❯. ${n}\\b`).test(ui.frame()));
        await ui.press(at < names.indexOf(name) ? 'down' : 'up', new RegExp(`❯. ${names[at < names.indexOf(name) ? at + 1 : at - 1]}\\b`));
      }
    };
    await go('httpbin');
    assert.match(ui.frame(), /httpbin cannot be selected: it already runs in ambient mode/);
    await ui.press('space');
    assert.doesNotMatch(ui.frame(), /◉/);
    await go('legacy');
    assert.match(ui.frame(), /legacy cannot be selected: blocked by blocker\/peer-authentication-disable \(see Blockers\)/);
    await ui.press('space');
    assert.doesNotMatch(ui.frame(), /◉ legacy/);
    await go('kube-system');
    assert.match(ui.frame(), /kube-system cannot be selected: it runs Kubernetes or Istio itself, which stays out of the mesh/);
    await ui.press('space');
    assert.doesNotMatch(ui.frame(), /◉ kube-system/);

    frame = await ui.press('a', '◉ payments');
    assert.match(frame, /◉ edge/);
    assert.match(frame, /◉ payments/);
    assert.doesNotMatch(frame, /◉ (bookinfo|legacy|httpbin|default)/, 'only ready mesh namespaces: not the ones needing a waypoint, blocked, done or outside the mesh');
    await go('edge');
    assert.match(ui.frame(), /2 selected · 5 of 9 can move/);
    ui.unmount();
  });

  test('/ filters as you type, the global keys step aside while typing, esc clears the filter', async () => {
    const ui = new Ui(new FakeServices(data));
    await walkTo(ui, 'choose');
    await ui.press('/', 'filter:');
    await ui.see(() => /type filter by name · enter keep the filter · esc clear$/.test(ui.footer()));
    await ui.type('pay');
    let frame = await ui.see('1 of 9');
    assert.match(frame, /payments/);
    assert.doesNotMatch(frame, /bookinfo|legacy/);
    await ui.type('q?');
    frame = ui.frame();
    assert.equal(ui.exits, 0, 'q is a letter of the filter, not quit');
    assert.match(frame, /filter: payq\?/);
    assert.doesNotMatch(frame, /Keys on this screen/);
    await ui.press('backspace', /filter: payq\s/);
    await ui.press('backspace', /filter: pay\s/);
    await ui.press('enter', () => /space select/.test(ui.footer()));
    assert.match(ui.frame(), /filter: pay\s+1 of 9 · esc clears/, 'the filter stays, and says how to clear it');
    await ui.press('space', '◉ payments');
    await ui.press('esc', '1 selected · 5 of 9 can move');
    frame = ui.frame();
    assert.match(frame, /bookinfo/);
    assert.match(frame, /◉ payments/, 'the selection survives the filter');
    assert.match(frame, /Choose namespaces/, 'esc cleared the filter without leaving the screen');
    await ui.press('esc', 'Blockers and limitations');
    ui.unmount();
  });

  test('with 5,000 namespaces only a screenful is rendered, the end is reachable, and keys stay fast', async () => {
    const fake = new FakeServices(data, {report: manyNamespaces(data.report, 5000)});
    const ui = new Ui(fake);
    ui.resize(100, 24);
    await walkTo(ui, 'choose');
    let frame = await ui.see('team-00001');
    assert.ok(ui.lines().length <= 24, `the frame has ${ui.lines().length} lines for a 24-row terminal`);
    assert.ok(frame.split('\n').filter(l => /team-\d{5}/.test(l)).length <= 20);
    const movable = fake.report.namespaces.filter(n => n.readiness === 'ready').length;
    assert.match(frame, new RegExp(`0 selected · ${movable} of 5000 can move`));

    // A key on a 5,000-row list costs what a screenful costs: not a benchmark, a sanity bound. CPU time,
    // not wall time: a busy machine makes a keypress wait longer, not cost more.
    await settle(20);
    const started = process.cpuUsage();
    ui.r.stdin.write(KEYS.down!);
    await ui.see('❯◯ team-00002');
    const used = process.cpuUsage(started);
    const cpuMs = (used.user + used.system) / 1000;
    assert.ok(cpuMs < 100, `a keypress cost ${cpuMs.toFixed(0)} ms of CPU`);

    frame = await ui.press('end', '❯  team-05000');
    assert.ok(ui.lines().length <= 24);
    assert.doesNotMatch(frame, /team-00001/);
    frame = await ui.press('pgup', /❯. team-04984/);
    await ui.press('home', '❯◯ team-00001');
    ui.unmount();
  });
});

describe('preview', () => {
  test('coloured diff; warnings acknowledged with y before enter; the confirmation names the context', async () => {
    const fake = new FakeServices(data);
    const ui = new Ui(fake);
    await walkTo(ui, 'preview');
    assert.deepEqual(fake.argsOf('plan'), [[['bookinfo']]]);
    let frame = ui.frame();
    assert.match(frame, /Namespace bookinfo\n\s+waypoint\n\s+\+ create Gateway bookinfo\/waypoint/);
    assert.match(frame, /@@ -1,0 \+1,13 @@/);
    assert.match(ui.raw(), /\x1b\[32m\s*\+apiVersion: gateway\.networking\.k8s\.io\/v1/, 'an added line is green');
    assert.match(frame, /5 warning\(s\) at the end of the preview: read them, then press y to acknowledge/);
    assert.match(ui.footer(), /y acknowledge warnings/);
    assert.doesNotMatch(ui.footer(), /enter apply/);
    await ui.press('enter');
    assert.doesNotMatch(ui.frame(), /Apply 24 operations/, 'enter does nothing before the warnings are acknowledged');

    // Scroll page by page to the end, where the warnings are; the deletions come on the way.
    const pages: string[] = [ui.raw()];
    const atEnd = (f: string) => /Lines \d+–(\d+) of \1\b/.test(f);
    for (let i = 0; i < 40 && !atEnd(ui.frame()); i++) {
      const before = ui.frame();
      await ui.press('pgdn', f => f !== before);
      pages.push(ui.raw());
    }
    frame = ui.frame();
    assert.ok(atEnd(frame), frame);
    const seen = stripVTControlCharacters(pages.join('\n'));
    assert.match(seen, /- delete DestinationRule bookinfo\/reviews/);
    assert.match(seen, /~ label Namespace bookinfo/, 'label changes are listed');
    assert.match(seen, /↻ restart Deployment bookinfo\/reviews-v1/, 'restarts are listed');
    assert.match(pages.join('\n'), /\x1b\[31m\s*-[a-z]/, 'a removed line is red');
    const warnings = frame.split('Warnings to acknowledge (5)')[1]!.split('warning(s) at the end')[0]!;
    assert.match(warnings, /\[policy\/l7-authorization\] \(AuthorizationPolicy bookinfo\/reviews-viewer\) [a-z]/);
    assert.doesNotMatch(warnings, /\(AuthorizationPolicy bookinfo\/reviews-viewer\) AuthorizationPolicy bookinfo\/reviews-viewer/, 'the resource is not repeated');
    assert.doesNotMatch(warnings, /…/, 'the warnings to acknowledge are shown whole, not cut at the edge');
    const warningLines = warnings.split('\n\n')[0]!.split('\n').filter(l => l.trim());
    assert.ok(warningLines.every(l => /^ {2}\[|^ {4}\S/.test(l)), `each warning indented, its continuation lines more:\n${warnings}`);

    frame = await ui.press('y', '24 operations · lines');
    assert.match(ui.footer(), /enter apply/);
    frame = await ui.press('enter', 'Apply 24 operations to bookinfo on context ambient-migrate-demo? y apply · n not yet');
    await ui.press('n', f => !f.includes('Apply 24 operations'));
    await ui.press('enter', 'Apply 24 operations');
    await ui.press('esc', f => !f.includes('Apply 24 operations'));
    assert.match(ui.frame(), /Preview \(step 6 of 8\)/, 'esc answers the question, it does not leave the screen');
    assert.equal(fake.count('apply'), 0);
    await ui.press('enter', 'Apply 24 operations');
    await ui.press('y', 'Apply (step 7 of 8)');
    await ui.until(() => fake.count('apply') === 1, 'apply');
    assert.deepEqual(fake.argsOf('apply'), [[['bookinfo']]]);
    ui.unmount();
  });
});

describe('preview: the traffic check', () => {
  test('starts with the summary and the groups; enter does nothing until each opening is accepted with its own a; the accepted ids go to apply', async () => {
    const fake = new FakeServices(data);
    fake.withTraffic = true;
    const ui = new Ui(fake);
    await walkTo(ui, 'choose');
    await ui.press('space', '◉ bookinfo');
    // The traffic check fills the first page: the operations follow it.
    const frame = await ui.press('enter', 'Traffic: ');
    // Lines are wrapped to the terminal's width: read them joined.
    const body = frame.split('\n').slice(2).join('\n').replace(/\n\s+/g, ' ');
    assert.match(body, /^\s*Traffic: \d+ request classes: \d+ change after the migration \(\d+ open, 0 close, \d+ reroute; \d+ groups, \d+ of them known limitations\); \d+ in windows/, 'the summary comes first');
    assert.match(body, /opens:gateway:istio-system\/istio-ingressgateway-service-account->bookinfo\/productpage:9080 {2}\(4 classes, press a to accept\)/);
    assert.ok(frame.indexOf('Traffic:') < (frame.indexOf('Namespace bookinfo') === -1 ? Infinity : frame.indexOf('Namespace bookinfo')));
    const openings = fake.planOf(['bookinfo']).traffic!.groups.filter(g => g.direction === 'opens');
    assert.ok(openings.length > 1);
    assert.match(frame, new RegExp(`The plan opens traffic in ${openings.length} group\\(s\\) \\(at the top\\): press a to accept opens:`));
    await ui.press('y');
    await ui.press('enter');
    assert.doesNotMatch(ui.frame(), /Apply 24 operations/, 'enter does nothing while an opening is not accepted');
    for (let left = openings.length; left > 1; left--) await ui.press('a', `opens traffic in ${left - 1} group(s)`);
    await ui.press('enter');
    assert.doesNotMatch(ui.frame(), /Apply 24 operations/, 'one opening still to accept');
    await ui.press('a', f => !/The plan opens traffic/.test(f));
    await ui.press('enter', 'Apply 24 operations to bookinfo');
    await ui.press('y', 'Apply (step 7 of 8)');
    await ui.until(() => fake.count('apply') === 1, 'apply');
    assert.deepEqual([...fake.acceptedTraffic!].sort(), openings.map(g => g.id).sort());
    ui.unmount();
  });
});

describe('apply', () => {
  test('progress with done/total and the current operation; p pauses at the next boundary', async () => {
    const fake = new FakeServices(data);
    const ui = new Ui(fake);
    await walkTo(ui, 'apply');
    const run = fake.lastRun();
    const ops = bookinfoPlan().operations;
    assert.equal(ops.length, 24);
    run.play(ops.slice(0, 6));
    run.play(ops.slice(6, 7), {stopAfterStarted: true});
    let frame = await ui.see('6/24 operations · bookinfo');
    assert.match(frame, /applying bookinfo policies: create AuthorizationPolicy ratings-from-reviews-waypoint/);
    assert.match(frame, /✔ bookinfo waypoint: create Gateway waypoint/);
    run.onEvent({type: 'waiting', namespace: 'bookinfo', what: 'Deployment bookinfo/reviews-v1 to roll out'});
    await ui.see('waiting for Deployment bookinfo/reviews-v1 to roll out');
    assert.match(ui.footer(), /p pause/);
    assert.doesNotMatch(ui.footer(), /esc/, 'esc does nothing while a run is going, so it is not offered');
    await ui.press('esc');
    assert.match(ui.frame(), /Apply \(step 7 of 8\)/);

    assert.equal(run.stopRequested(), false);
    frame = await ui.press('p', 'stopping after the current operation');
    assert.equal(run.stopRequested(), true, 'p reaches the service as stopRequested');
    run.finish({ok: false, message: 'bookinfo: stopped at your request; run apply again to continue from here', namespace: 'bookinfo'});
    frame = await ui.see('Stopped: bookinfo: stopped at your request');
    assert.match(frame, /❯ Retry/);
    await ui.press('enter', f => fake.count('apply') === 2 && f.includes('0/24'));
    assert.deepEqual(fake.argsOf('apply')[1], [['bookinfo']]);
    ui.unmount();
  });

  test('on a failure: retry, skip the namespace, or revert it, each calling the right service', async () => {
    const fake = new FakeServices(data);
    const ui = new Ui(fake);
    await walkTo(ui, 'choose');
    await ui.press('space', '◉ bookinfo');
    await ui.press('down', '❯◯ default');
    await ui.press('down', '❯◯ edge');
    await ui.press('space', '◉ edge');
    await ui.press('enter', 'Namespace bookinfo');
    await ui.press('y', 'operations · lines');
    await ui.press('enter', 'Apply ');
    await ui.press('y', 'Apply (step 7 of 8)');
    await ui.until(() => fake.runs.length === 1, 'apply');
    assert.deepEqual(fake.argsOf('apply')[0], [['bookinfo', 'edge']]);

    const fail = async () => {
      fake.lastRun().finish({ok: false, message: 'bookinfo: create Gateway bookinfo/waypoint: the API server refused it (403 Forbidden)', namespace: 'bookinfo'});
      return ui.see('❯ Retry');
    };
    let frame = await fail();
    assert.match(frame, /Stopped: bookinfo: create Gateway bookinfo\/waypoint: the API server refused it \(403 Forbidden\)/);
    assert.match(frame, /Retry\s+run again from where it stopped/);
    assert.match(frame, /Skip bookinfo\s+continue with edge/);
    assert.match(frame, /Revert bookinfo\s+put it back as it was/);

    await ui.press('enter', f => fake.runs.length === 2 && !f.includes('❯ Retry'));
    assert.deepEqual(fake.argsOf('apply')[1], [['bookinfo', 'edge']], 'retry runs the same namespaces again');

    await fail();
    await ui.press('down', '❯ Skip bookinfo');
    await ui.press('enter', f => fake.runs.length === 3 && !f.includes('Skip bookinfo'));
    assert.deepEqual(fake.argsOf('apply')[2], [['edge']], 'skip goes on without the failed namespace');

    await fail();
    await ui.press('down', '❯ Skip bookinfo');
    await ui.press('down', '❯ Revert bookinfo');
    await ui.press('enter', 'ambient-migrate · Revert');
    await ui.until(() => fake.count('revert') === 1, 'revert');
    assert.deepEqual(fake.argsOf('revert')[0], [['bookinfo']], 'revert undoes the failed namespace only');
    assert.match(ui.frame(), /ambient-migrate · Revert/);
    ui.unmount();
  });

  test('a failure that is not about a namespace offers only to retry', async () => {
    const fake = new FakeServices(data);
    const ui = new Ui(fake);
    await walkTo(ui, 'apply');
    fake.lastRun().finish({ok: false, message: 'there is no backup of this cluster in /work/ambient-migration: back up first'});
    const frame = await ui.see('❯ Retry');
    assert.doesNotMatch(frame, /Skip|Revert there/);
    ui.unmount();
  });

  test('success shows the verification, enter leads to Done', async () => {
    const fake = new FakeServices(data);
    const ui = new Ui(fake);
    await walkTo(ui, 'apply');
    const run = fake.lastRun();
    run.play(bookinfoPlan().operations);
    await ui.see('24/24 operations');
    run.finish({ok: true, message: 'bookinfo: verified: all 6 pods run without a sidecar and are redirected by ztunnel'});
    await ui.see('✔ bookinfo: verified: all 6 pods run without a sidecar');
    assert.match(ui.footer(), /enter continue/);
    await ui.press('enter', 'Done (step 8 of 8)');
    ui.unmount();
  });
});

describe('revert', () => {
  test('pick namespaces, progress, and a conflict asks overwrite or skip with the answer reaching the service', async () => {
    const fake = new FakeServices(data, {
      session: recorded([
        {name: 'bookinfo', status: 'done', done: 22, total: 22},
        {name: 'payments', status: 'failed', done: 3, total: 5},
        {name: 'edge', status: 'reverted', done: 0, total: 4},
      ]),
    });
    const ui = new Ui(fake);
    await ui.see('❯ Resume');
    await ui.press('down', '❯ Revert');
    let frame = await ui.press('enter', 'Choose the namespaces to put back');
    assert.match(frame, /❯◯ bookinfo\s+done 22\/22/);
    assert.match(frame, /◯ payments\s+failed 3\/5/);
    assert.doesNotMatch(frame, /edge/, 'a reverted namespace has nothing to revert');
    assert.match(ui.footer(), /space select · enter revert the selected/);
    await ui.press('enter');
    assert.equal(fake.count('revert'), 0, 'nothing selected, nothing reverted');
    await ui.press('space', '◉ bookinfo');
    await ui.press('enter', '0/22 operations · bookinfo');
    await ui.until(() => fake.runs.length === 1, 'revert');
    assert.deepEqual(fake.argsOf('revert'), [[['bookinfo']]]);

    const run = fake.lastRun();
    run.play(bookinfoPlan().operations.slice(0, 4));
    await ui.see('4/22 operations');
    const first = run.onConflict('Deployment bookinfo/reviews-v1 was changed by someone else since ambient-migrate wrote it');
    frame = await ui.see('Overwrite their change with the recorded original');
    assert.match(frame, /Deployment bookinfo\/reviews-v1 was changed by someone else/);
    assert.match(ui.footer(), /o overwrite with the original · s skip this object/);
    await ui.press('o', f => !f.includes('Overwrite their change'));
    assert.equal(await first, 'overwrite');
    const second = run.onConflict('Service bookinfo/reviews-v2 was changed by someone else');
    await ui.see('Service bookinfo/reviews-v2 was changed');
    await ui.press('s', f => !f.includes('Overwrite their change'));
    assert.equal(await second, 'skip');

    run.finish({ok: true, message: 'reverted bookinfo', skipped: []});
    await ui.see('✔ reverted bookinfo');
    const sessions = fake.count('session');
    await ui.press('enter', 'Connect (step 1 of 8)');
    await ui.until(() => fake.count('session') > sessions, 'the session to be read again');
    ui.unmount();
  });
});

describe('done', () => {
  test('what changed, where the backup and the state are, and the three steps left to the user', async () => {
    const fake = new FakeServices(data);
    const ui = new Ui(fake);
    await walkTo(ui, 'apply');
    fake.lastRun().play(bookinfoPlan().operations);
    fake.lastRun().finish({ok: true, message: 'bookinfo: verified: all 6 pods run without a sidecar and are redirected by ztunnel'});
    await ui.see('Press enter for the summary');
    const frame = await ui.press('enter', 'Done (step 8 of 8)');
    assert.match(frame, /Migrated bookinfo to ambient mode\./);
    assert.match(frame, /bookinfo: verified: all 6 pods run without a sidecar/);
    assert.match(frame, /Backup\s+\/work\/ambient-migration\/backups\/20260101T000000Z/);
    assert.match(frame, /State\s+\/work\/ambient-migration\/state\.json/);
    const steps = frame.split('Left to you, as the guide says:\n')[1]!.split('\n\n')[0]!.split('\n');
    assert.ok(steps.length > 3, 'the steps wrap at 100 columns');
    assert.ok(steps.every(l => /^ \d\. | {4}\S/.test(l)), `wrapped steps stay indented under their text:\n${steps.join('\n')}`);
    const flat = frame.replace(/\s+/g, ' ');
    assert.match(flat, /1\. Once every caller of a waypoint namespace is ambient, add the waypoint-bypass DENY/);
    assert.match(flat, /2\. .*istio\.io\/ingress-use-waypoint=true/);
    assert.match(flat, /3\. Dashboards and alerts must read reporter="waypoint"/);
    assert.match(ui.footer(), /m migrate more namespaces · v revert/);
    await ui.press('v', 'Choose the namespaces to put back');
    await ui.press('esc', 'Done (step 8 of 8)');
    await ui.press('m', 'Choose namespaces (step 5 of 8)');
    ui.unmount();
  });
});

describe('everywhere', () => {
  test('a key pressed the moment the screen offers it is heard, on a screen that just appeared or just changed', async () => {
    const ui = new Ui(new FakeServices(data));
    // Each key is pressed in the same tick as the first frame that offers it, before React's passive
    // effects run: as fast as a person holding enter, or a script typing into the terminal.
    const script = [
      {offer: '❯ Start', key: 'enter'}, // the Connect screen, once the session is read
      {offer: 'enter back up now', key: 'enter'}, // the Backup screen changes when its preview arrives
      {offer: 'enter continue', key: 'enter'}, // and again when the backup is saved
    ];
    const pressed: string[] = [];
    const stdout = ui.r.stdout as unknown as {write(frame: string): void};
    const write = stdout.write;
    stdout.write = (frame: string) => {
      write.call(stdout, frame);
      const next = script[pressed.length];
      if (!next || !stripVTControlCharacters(frame).includes(next.offer)) return;
      pressed.push(next.offer);
      queueMicrotask(() => ui.r.stdin.write(KEYS[next.key] ?? next.key));
    };
    await ui.see('Verify the environment (step 3 of 8)');
    assert.deepEqual(pressed, script.map(s => s.offer));
    ui.unmount();
  });

  test('? toggles a help listing the screen keys, and closing it returns to the same place', async () => {
    const ui = new Ui(new FakeServices(data));
    await walkTo(ui, 'choose');
    await ui.press('down', '❯◯ default');
    await ui.press('space', '◉ default');
    await ui.press('down', '❯◯ edge');
    let frame = await ui.press('?', 'Keys on this screen');
    assert.match(frame, /space\s+select/);
    assert.match(frame, /a\s+select all ready/);
    assert.match(frame, /\/\s+filter/);
    assert.match(frame, /esc\s+back/);
    assert.match(frame, /q\s+quit/);
    assert.doesNotMatch(frame, /❯◯ edge/);
    await ui.press('down');
    frame = await ui.press('?', f => !f.includes('Keys on this screen'));
    assert.match(frame, /❯◯ edge/, 'the cursor is where it was, and keys did not reach the hidden screen');
    assert.match(frame, /◉ default/);

    await ui.press('?', 'Keys on this screen');
    await ui.press('esc', f => !f.includes('Keys on this screen'));
    assert.match(ui.frame(), /Choose namespaces/, 'esc closes the help, not the screen');
    ui.unmount();
  });

  test('the help on the first screen lists only the keys that work there', async () => {
    const ui = new Ui(new FakeServices(data));
    await ui.see('❯ Start');
    const frame = await ui.press('?', 'Keys on this screen');
    assert.match(frame, /enter\s+confirm/);
    assert.doesNotMatch(frame, /esc\s+back/);
    ui.unmount();
  });

  test('keys that arrive together (a paste, key repeat, SSH batching) are applied in order', async () => {
    const fake = new FakeServices(data, {session: recorded([{name: 'bookinfo', status: 'failed', done: 3, total: 22}])});
    const ui = new Ui(fake);
    await ui.see('❯ Resume');
    await settle(20);
    ui.r.stdin.write(`${KEYS.down}${KEYS.down}${KEYS.enter}`);
    await ui.until(() => fake.count('startOver') === 1, 'down, down, enter to pick the third item (Start over)');
    assert.equal(fake.count('apply'), 0);
    await ui.see('❯ Start');
    await ui.press('enter', 'The backup saves');
    await ui.press('enter', '✔ Saved');
    await ui.press('enter', 'env/ztunnel');
    await ui.press('enter', 'Blockers (1)');
    await ui.press('enter', 'READINESS');
    await settle(20);
    ui.r.stdin.write(`${KEYS.down} ${KEYS.down} `);
    await ui.see('2 selected');
    assert.match(ui.frame(), /◉ default[^]*❯◉ edge/);
    await ui.press('enter', 'Preview (step 6 of 8)');
    assert.deepEqual(fake.argsOf('plan'), [[['default', 'edge']]], 'each space selected the row the downs had reached');
    ui.unmount();
  });

  test('letters that arrive in one read each count, and a question a key opens owns the keys right behind it', async () => {
    const ui = new Ui(new FakeServices(data));
    await walkTo(ui, 'choose');
    await settle(20);
    ui.r.stdin.write('jj');
    await ui.see(/❯◯ edge/);
    // "/" opens the filter, so the q right behind it is typed into the filter, not a quit.
    ui.r.stdin.write('/q');
    await ui.see('filter: q');
    await settle(60);
    assert.equal(ui.exits, 0, 'the wizard is still open');
    await ui.press('esc', /0 selected/);
    await ui.press('space', '◉ bookinfo');
    await ui.press('enter', /warning\(s\) at the end of the preview/);
    await ui.press('y', '24 operations');
    // enter asks "apply?", and the esc right behind it answers "not yet": it must not leave the screen.
    ui.r.stdin.write(`${KEYS.enter}${KEYS.esc}`);
    await settle(120);
    assert.match(ui.frame(), /Preview \(step 6 of 8\)/);
    assert.doesNotMatch(ui.frame(), /Apply 24 operations/);
    ui.unmount();
  });

  test('q quits at once when nothing runs', async () => {
    const ui = new Ui(new FakeServices(data));
    await walkTo(ui, 'verify');
    await ui.press('q');
    await ui.until(() => ui.exits === 1, 'the wizard to exit');
  });

  test('q while applying asks; y stops at the operation boundary, then exits', async () => {
    const fake = new FakeServices(data);
    const ui = new Ui(fake);
    await walkTo(ui, 'apply');
    const run = fake.lastRun();
    run.play(bookinfoPlan().operations.slice(0, 3));
    await ui.see('3/24');
    let frame = await ui.press('q', 'A run is in progress.');
    assert.match(frame, /Quit after the current operation\? Progress is saved in the state file/);
    await ui.press('n', f => !f.includes('A run is in progress.'));
    assert.equal(run.stopRequested(), false);
    assert.equal(ui.exits, 0);
    await ui.press('q', 'A run is in progress.');
    frame = await ui.press('y', 'stopping after the current operation');
    assert.equal(run.stopRequested(), true);
    await settle(50);
    assert.equal(ui.exits, 0, 'it waits for the boundary');
    run.finish({ok: false, message: 'bookinfo: stopped at your request; run apply again to continue from here', namespace: 'bookinfo'});
    await ui.until(() => ui.exits === 1, 'the wizard to exit once the run stopped');
  });

  test('esc goes back a screen', async () => {
    const ui = new Ui(new FakeServices(data));
    await walkTo(ui, 'blockers');
    assert.match(ui.footer(), /esc back/);
    await ui.press('esc', 'Verify the environment (step 3 of 8)');
    await ui.press('esc', 'Back up (step 2 of 8)');
    await ui.press('esc', 'Connect (step 1 of 8)');
    await ui.press('esc');
    assert.match(ui.frame(), /Connect \(step 1 of 8\)/);
    assert.equal(ui.exits, 0);
    ui.unmount();
  });

  test('a terminal too small says so, and the screen comes back as it was when it grows', async () => {
    const ui = new Ui(new FakeServices(data));
    await walkTo(ui, 'choose');
    await ui.press('down', '❯◯ default');
    ui.resize(50, 30);
    let frame = await ui.see('too small');
    assert.match(frame.replace(/\s+/g, ' '), /The terminal is too small \(50×30\); the wizard needs at least 60×16/);
    assert.match(frame, /press q to quit/);
    assert.ok(frame.split('\n').every(l => l.length <= 50), frame);
    ui.resize(100, 12);
    await ui.see('(100×12)');
    ui.resize(100, 30);
    frame = await ui.see('READINESS');
    assert.match(frame, /❯◯ default/);
    await ui.press('q');
    await ui.until(() => ui.exits === 1, 'exit');
  });

  test('the layout follows the terminal width, and a narrow footer still shows how to get help and quit', async () => {
    const ui = new Ui(new FakeServices(data));
    await ui.see('❯ Start');
    ui.resize(70, 20);
    await ui.see(f => f.split('\n').every(l => l.length <= 70) && f.includes('❯ Start'));
    assert.ok(ui.lines().length <= 20, ui.frame());
    assert.match(ui.frame(), /context ambient-migrate-demo/);
    await walkTo(ui, 'choose');
    await ui.press('space', '◉ bookinfo');
    ui.resize(60, 20);
    await ui.see(f => f.split('\n').every(l => l.length <= 60));
    assert.match(ui.footer(), /^↑↓ move · space select · (.* · )?… · \? help · q quit$/);
    ui.unmount();
  });
});
