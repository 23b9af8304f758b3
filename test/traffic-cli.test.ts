/**
 * The traffic check where people meet it (issue 9 §4), through the real binary on the demo cluster: the
 * equivalence in `plan -o json`, the summary and groups first in the text, `apply` refusing a final
 * opening until it is accepted, the accepted groups in the state file, and `verify` after the migration,
 * before and after someone deletes a waypoint policy copy by hand.
 */
import assert from 'node:assert/strict';
import {after, before, describe, test} from 'node:test';
import yaml from 'js-yaml';
import {KINDS} from '../source/kube/kinds.ts';
import {migrationCase, NS, runCli, type MigrationCase} from './helpers/migration.ts';

const open: MigrationCase[] = [];
after(async () => {
  await Promise.all(open.map(c => c.close()));
});
async function fresh(): Promise<MigrationCase> {
  const c = await migrationCase();
  open.push(c);
  await c.backup();
  return c;
}

const GROUP = /^(window:)?(opens|closes|reroutes):(sidecar|ambient|none|gateway):[^ ]+->[^ ]+:\d+$/;

describe('plan: the equivalence check', {concurrency: 2}, () => {
  let c: MigrationCase;
  before(async () => {
    c = await fresh();
  });

  test('-o json: "equivalence" with classes, final and windows, each change with exactly the listed fields and its group', async () => {
    const r = await runCli(['plan', '-n', NS, '-o', 'json', ...c.flags]);
    assert.equal(r.code, 0, r.stderr);
    const {equivalence} = JSON.parse(r.stdout);
    assert.deepEqual(Object.keys(equivalence), ['classes', 'final', 'windows']);
    assert.ok(equivalence.classes > 100, `${equivalence.classes}`);
    assert.ok(equivalence.final.length > 0 && equivalence.windows.length > 0);
    for (const change of [...equivalence.final, ...equivalence.windows]) {
      assert.deepEqual(Object.keys(change), ['group', 'direction', 'request', 'before', 'after', 'operations', 'objects']);
      assert.match(change.group, GROUP);
      assert.ok(['opens', 'closes', 'reroutes'].includes(change.direction));
      const {source, destination} = change.request;
      assert.deepEqual(Object.keys(source).filter(k => k !== 'serviceAccount'), ['namespace', 'mode']);
      assert.ok(typeof destination.port === 'number' && (destination.service ?? destination.gateway ?? destination.workload));
      if (change.request.method) assert.ok(typeof change.request.path === 'string' && typeof change.request.headers === 'object');
      assert.equal(change.operations.length, 2);
      assert.ok(change.objects.every((o: {kind: string; name: string}) => o.kind && o.name));
    }
    assert.ok(equivalence.windows.every((w: {group: string}) => w.group.startsWith('window:')));
    // The guide's limitation as a computed change: a sidecar caller skips the waypoint to reviews.
    const bypass = equivalence.final.find((c: {group: string}) => c.group === 'opens:sidecar:bookinfo/bookinfo-productpage->bookinfo/reviews:9080');
    assert.ok(bypass, equivalence.final.map((c: {group: string}) => c.group).join('\n'));
    assert.ok(bypass.after.backends.every((b: {path: string[]}) => b.path.join('>') === 'client-sidecar>ztunnel'));
    const yamlRun = await runCli(['plan', '-n', NS, '-o', 'yaml', ...c.flags]);
    assert.equal((yaml.load(yamlRun.stdout) as {equivalence: {classes: number}}).equivalence.classes, equivalence.classes);
  });

  test('text: starts with the summary, then the groups with what each means', async () => {
    const r = await runCli(['plan', '-n', NS, ...c.flags]);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.split('\n');
    assert.match(lines[0]!, /^Traffic: \d+ request classes: \d+ change after the migration \(\d+ open, 0 close, \d+ reroute; \d+ groups, \d+ of them known limitations\); \d+ in windows while it runs \(\d+ groups\)$/);
    assert.match(lines[1]!, /^ {2}opens:\S+ {2}\(\d+ class(es)?, needs --accept\)$/);
    assert.match(lines[2]!, /^ {6}\d+ request class/);
    assert.ok(r.stdout.indexOf('opens:sidecar:bookinfo/bookinfo-productpage->bookinfo/reviews:9080') < r.stdout.indexOf('Namespace bookinfo'));
    assert.match(r.stdout, /known limitation: callers that keep a sidecar skip the waypoint/);
    assert.match(r.stdout, /known limitation: the ingress gateway skips the waypoint/);
    assert.match(r.stdout, /--accept known-limitations/);
    // A namespace whose plan changes no request says so.
    const payments = await runCli(['plan', '-n', 'payments', ...c.flags]);
    assert.match(payments.stdout.split('\n')[0]!, /^Traffic: \d+ request classes: none changes after the migration; no window while it runs$/);
  });
});

describe('apply and verify', () => {
  test('apply refuses an unaccepted final opening (exit 3, each group and what it means), writes nothing; accepted, it runs and records the ids; verify agrees, then reports a deleted waypoint copy', async () => {
    const c = await fresh();
    const writesBefore = c.journal().length;
    const refused = await runCli(['apply', '-n', NS, '--yes', ...c.flags], {exactArgs: true});
    assert.equal(refused.code, 3, refused.stderr);
    assert.match(refused.stderr, /refused: the plan opens traffic in \d+ groups of requests/);
    assert.match(refused.stderr, /^ambient-migrate: {3}opens:sidecar:bookinfo\/bookinfo-productpage->bookinfo\/reviews:9080$/m);
    assert.match(refused.stderr, /known limitation: callers that keep a sidecar skip the waypoint/);
    const journal = c.journal(writesBefore).filter(e => e.attributes && !['get', 'list', 'watch'].includes(e.attributes.verb));
    assert.deepEqual(journal, [], 'a refused apply writes nothing');

    // One group accepted by id is not enough while the others stand.
    const one = await runCli(['apply', '-n', NS, '--yes', '--accept', 'opens:sidecar:bookinfo/bookinfo-productpage->bookinfo/reviews:9080', ...c.flags], {exactArgs: true});
    assert.equal(one.code, 3);
    assert.doesNotMatch(one.stderr, /^ambient-migrate: {3}opens:sidecar:bookinfo\/bookinfo-productpage->bookinfo\/reviews:9080$/m);

    const applied = await runCli(['apply', '-n', NS, '--yes', '--accept', 'known-limitations', ...c.flags], {exactArgs: true});
    assert.equal(applied.code, 0, applied.stderr);
    assert.match(applied.stdout, /^traffic: \d+ request classes: /m);
    const traffic = c.readState().namespaces[NS]!.traffic!;
    assert.ok(traffic.accepted.includes('opens:sidecar:bookinfo/bookinfo-productpage->bookinfo/reviews:9080'));
    assert.ok(traffic.accepted.every(id => id.startsWith('opens:')) && traffic.expected.length >= traffic.accepted.length);

    const same = await runCli(['verify', '-n', NS, ...c.flags]);
    assert.equal(same.code, 0, same.stdout + same.stderr);
    assert.match(same.stdout, /no route or verdict changed beyond the plan's \d+ expected groups/);
    const sameJson = JSON.parse((await runCli(['verify', '-n', NS, '-o', 'json', ...c.flags])).stdout);
    assert.equal(sameJson.same, true);
    assert.deepEqual(sameJson.beyond, []);

    // Someone deletes the waypoint copy of reviews-viewer: ambient callers of reviews are no longer checked.
    await c.client.delete(KINDS.authorizationPolicy, NS, 'reviews-viewer-waypoint');
    const differs = await runCli(['verify', '-n', NS, ...c.flags]);
    assert.equal(differs.code, 4, differs.stdout + differs.stderr);
    assert.match(differs.stdout, /changed beyond what the plan predicted and was accepted/);
    assert.match(differs.stdout, /^ {2}opens:ambient:bookinfo\/bookinfo-reviews->bookinfo\/reviews:9080$/m);
    const json = JSON.parse((await runCli(['verify', '-n', NS, '-o', 'json', ...c.flags])).stdout);
    assert.equal(json.same, false);
    assert.ok(json.beyond.some((g: {id: string}) => g.id === 'opens:ambient:bookinfo/bookinfo-reviews->bookinfo/reviews:9080'));
    assert.ok(json.changes.length > 0 && json.changes.every((ch: {group: string}) => json.beyond.some((g: {id: string}) => g.id === ch.group)));
  });

  test('verify without a migration on record is an error (exit 1)', async () => {
    const c = await fresh();
    const r = await runCli(['verify', '-n', NS, ...c.flags]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /nothing applied is recorded for bookinfo/);
  });
});
