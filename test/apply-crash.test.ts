/**
 * The issue's first promise: `apply` killed at any moment (SIGKILL, no chance to clean up), then run again,
 * finishes the migration with exactly the end state of an uninterrupted run, and `revert` then puts the
 * namespace back as it was. Each case runs the real binary against a fresh demo cluster served from this
 * process; the uninterrupted reference is computed once and shared.
 */
import assert from 'node:assert/strict';
import {readdirSync, readFileSync, watch, writeFileSync} from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import {describe, test} from 'node:test';
import {isProblem, parseState} from '../source/core/state/state.ts';
import {KINDS} from '../source/kube/kinds.ts';
import type {Gate, JournalEntry} from '../source/sim/faults.ts';
import {
  assertStateAgreesWithCluster,
  BOOKINFO_OPERATIONS,
  countByStatus,
  migrationCase,
  NS,
  revertInProcess,
  applyInProcess,
  runCli,
  snapshotNamespace,
  startCli,
  statusOf,
  waitFor,
  withoutRolloutHistory,
  writeVerbs,
  type MigrationCase,
  type NamespaceSnapshot,
} from './helpers/migration.ts';

const apply = (c: MigrationCase) => ['apply', '-n', NS, '--yes', ...c.flags];
const progressLine = (k: number) => new RegExp(`^\\[${NS}\\] ${k}/${BOOKINFO_OPERATIONS} `);

interface Reference {
  original: NamespaceSnapshot;
  migrated: NamespaceSnapshot;
  reverted: NamespaceSnapshot;
  writes: Set<string>;
  /** Every API request of backup, apply, status and revert, as `verb resource.group`. */
  requests: Set<string>;
  /** Writes sent without `fieldManager=ambient-migrate`. */
  unmanagedWrites: string[];
  stdout: string;
}

let referenceRun: Promise<Reference> | undefined;

/** One uninterrupted apply and revert through the binary: what every interrupted run must end in. */
function reference(): Promise<Reference> {
  referenceRun ??= (async () => {
    const c = await migrationCase();
    try {
      // The tool's requests, without the test's own snapshot reads between them.
      const tool: JournalEntry[] = [];
      const record = async <T>(run: () => Promise<T>): Promise<T> => {
        const since = c.journal().length;
        const result = await run();
        tool.push(...c.journal(since));
        return result;
      };
      await record(() => c.backup());
      const original = await snapshotNamespace(c.client);
      const applied = await record(() => runCli(apply(c)));
      assert.equal(applied.code, 0, applied.stderr);
      const migrated = await snapshotNamespace(c.client);
      await record(() => statusOf(c));
      const reverted = await record(() => runCli(['revert', '-n', NS, '--yes', ...c.flags]));
      assert.equal(reverted.code, 0, reverted.stderr);
      await c.sim.settled();
      const requests = new Set(tool.filter(e => e.attributes).map(e => `${e.attributes!.verb} ${e.attributes!.group ? `${e.attributes!.resource}.${e.attributes!.group}` : e.attributes!.resource}`));
      const unmanagedWrites = tool.filter(e => e.attributes && !['get', 'list', 'watch'].includes(e.attributes.verb) && !/(^|&)fieldManager=ambient-migrate(&|$)/.test(e.query)).map(e => `${e.method} ${e.path}`);
      return {original, migrated, reverted: await snapshotNamespace(c.client), writes: writeVerbs(tool), requests, unmanagedWrites, stdout: applied.stdout};
    } finally {
      await c.close();
    }
  })();
  return referenceRun;
}

/**
 * Re-runs apply to completion (through the binary, or in-process to keep the every-k loop fast: the same
 * runApply the binary calls) and checks the end state; then reverts and checks the original is back.
 */
async function finishAndRevert(c: MigrationCase, ref: Reference, note: string, how: 'binary' | 'in-process'): Promise<{stdout: string; stderr: string}> {
  const second = how === 'binary' ? await runCli(apply(c)) : await applyInProcess(c);
  assert.equal(second.code, 0, `${note}: the re-run failed: ${second.stderr}`);
  assert.match(second.stdout, /verified: all 6 pods run without a sidecar/, note);
  const state = c.readState();
  assert.equal(state.namespaces[NS]!.status, 'done', note);
  assert.deepEqual(countByStatus(state), {done: BOOKINFO_OPERATIONS}, note);
  await assertStateAgreesWithCluster(c.client, state);
  await c.sim.settled();
  assert.deepEqual(await snapshotNamespace(c.client), ref.migrated, `${note}: the end state differs from an uninterrupted run's`);

  const reverted = await revertInProcess(c);
  assert.equal(reverted.code, 0, `${note}: revert: ${reverted.stderr}${reverted.stdout}`);
  await c.sim.settled();
  const back = await snapshotNamespace(c.client);
  assert.deepEqual(withoutRolloutHistory(back), withoutRolloutHistory(ref.original), `${note}: after revert the namespace differs from the original`);
  assert.ok(back.pods.every(p => /containers=[^ ]*istio-proxy/.test(p)), `${note}: pods are back with sidecars: ${back.pods.join('\n')}`);
  return {stdout: second.stdout, stderr: second.stderr};
}

/** Kills the child while the simulator holds one of its requests at `gate`: a kill point reached without timing. */
async function killAt(run: ReturnType<typeof startCli>, gate: Gate, what: string): Promise<void> {
  await Promise.race([
    gate.reached,
    run.exit.then(r => {
      throw new Error(`the child exited before ${what}: ${r.code} ${r.stdout}${r.stderr}`);
    }),
  ]);
  run.child.kill('SIGKILL');
  const result = await run.exit;
  assert.equal(result.signal, 'SIGKILL');
}

const opLine = (k: number, rest = '') => new RegExp(`^\\[${NS}\\] ${k}/${BOOKINFO_OPERATIONS} .*${rest}$`, 'm');

describe('apply killed and re-run', {concurrency: 4}, () => {
  test('an uninterrupted run migrates bookinfo, and revert puts back the original', async () => {
    const ref = await reference();
    for (let k = 1; k <= BOOKINFO_OPERATIONS; k++) assert.match(ref.stdout, opLine(k));
    assert.doesNotMatch(ref.stdout, /already done|retrying/);
    assert.equal(ref.migrated.namespace.labels['istio.io/dataplane-mode'], 'ambient');
    assert.equal(ref.migrated.namespace.labels['istio-injection'], undefined);
    assert.ok(ref.migrated.objects['httproutes.gateway.networking.k8s.io']!.reviews, 'the HTTPRoute exists');
    for (const [kind, name] of [['httproutes.gateway.networking.k8s.io', 'reviews'], ['gateways.gateway.networking.k8s.io', 'waypoint'], ['services', 'reviews-v1']] as const) {
      const labels = (ref.migrated.objects[kind]![name] as {labels: Record<string, string>}).labels;
      assert.equal(labels['app.kubernetes.io/managed-by'], 'ambient-migrate', `${kind} ${name} says who made it`);
    }
    assert.equal(ref.migrated.objects['virtualservices.networking.istio.io']!.reviews, undefined, 'the VirtualService is gone');
    assert.ok(ref.migrated.pods.every(p => !p.includes('istio-proxy') || p.startsWith('waypoint')), ref.migrated.pods.join('\n'));
    assert.deepEqual(withoutRolloutHistory(ref.reverted), withoutRolloutHistory(ref.original));
    assert.ok(ref.reverted.pods.every(p => p.includes('istio-proxy')), 'pods are back with sidecars');
    assert.deepEqual(ref.unmanagedWrites, [], 'every write of apply and revert carries the field manager ambient-migrate');
  });

  for (let k = 1; k <= BOOKINFO_OPERATIONS; k++) {
    test(`killed right after operation ${k}/${BOOKINFO_OPERATIONS}: the re-run ends as an uninterrupted run, and revert restores the original`, async () => {
      const ref = await reference();
      const c = await migrationCase();
      try {
        await c.backup();
        let killed = false;
        const first = await startCli(apply(c), {
          onLine: (line, child) => {
            if (!killed && progressLine(k).test(line)) {
              killed = true;
              child.kill('SIGKILL');
            }
          },
        }).exit;
        assert.ok(killed, `operation ${k} was reported: ${first.stdout}${first.stderr}`);
        // The last operation's line can race the process's own clean exit.
        if (k < BOOKINFO_OPERATIONS) assert.equal(first.signal, 'SIGKILL');

        const state = parseState(readFileSync(c.statePath, 'utf8'));
        assert.ok(!isProblem(state), 'the state file is whole after a SIGKILL');
        const done = countByStatus(state).done ?? 0;
        assert.ok(done >= k && done <= k + 1, `after the kill the state file records ${done} done (killed after ${k})`);
        const undecided = await assertStateAgreesWithCluster(c.client, state);
        assert.ok(undecided.size <= 1, `at most the operation in flight is undecided: ${[...undecided.keys()]}`);

        const rerun = await finishAndRevert(c, ref, `killed after ${k}`, 'in-process');
        if (k < BOOKINFO_OPERATIONS) assert.match(rerun.stderr, /taking over the lock left by ambient-migrate apply \(pid \d+/);
        // Only what was left is done again; nothing that was done is redone.
        for (let j = 1; j <= done; j++) assert.doesNotMatch(rerun.stdout, opLine(j), `operation ${j} was done before the kill`);
      } finally {
        await c.close();
      }
    });
  }

  test('killed while the first write is in flight (the server commits it after the client is gone): the re-run sees it landed', async () => {
    const ref = await reference();
    const c = await migrationCase();
    try {
      await c.backup();
      const gate = c.sim.server.faults.hold({verb: 'create', resource: 'gateways', group: 'gateway.networking.k8s.io'});
      const run = startCli(apply(c));
      await killAt(run, gate, 'the held create of the waypoint');
      gate.release();
      await waitFor('the in-flight create to commit', () => c.client.get(KINDS.gateway, NS, 'waypoint'));
      const state = c.readState();
      assert.equal(state.namespaces[NS]!.operations[0]!.status, 'started', 'the state file says the write was sent, not that it landed');
      assert.equal(state.namespaces[NS]!.operations[0]!.liveBefore, null, 'and that the waypoint did not exist before');
      const rerun = await finishAndRevert(c, ref, 'killed during the first write', 'binary');
      assert.match(rerun.stdout, opLine(1, 'create Gateway bookinfo/waypoint \\(already done\\)'));
      assert.equal(c.journal().filter(e => e.attributes?.verb === 'create' && e.attributes.resource === 'gateways' && e.status === 201).length, 1, 'the waypoint was created once');
    } finally {
      await c.close();
    }
  });

  // Stalling the read that follows a write holds the child between the write (committed) and its journal
  // entry (`done`): exactly the window the issue names.
  const betweenWriteAndJournal = [
    // `writes`: how many such writes apply and revert make in all when none is repeated.
    // `reads`: how many times the tool reads the object before that write (the check of the state file
    // against the cluster reads each object once, the Lease reads the Namespace, the step reads it twice;
    // productpage-viewer is updated first, with a read after its write too).
    {op: 5, resource: 'httproutes', name: 'reviews', verb: 'create', line: 'create HTTPRoute bookinfo/reviews', writes: 1, reads: 3},
    {op: 12, resource: 'namespaces', name: NS, verb: 'patch', line: 'label Namespace bookinfo istio.io/use-waypoint=waypoint', writes: 3 + 3, reads: 4},
    {op: 15, resource: 'deployments', name: 'details-v1', verb: 'patch', line: 'restart Deployment bookinfo/details-v1', writes: 1 + 1, reads: 2},
    {op: 17, resource: 'authorizationpolicies', name: 'productpage-viewer', verb: 'delete', line: 'delete AuthorizationPolicy bookinfo/productpage-viewer', writes: 1, reads: 6},
  ] as const;
  for (const w of betweenWriteAndJournal) {
    test(`killed between a write and its journal entry (${w.verb} ${w.resource}/${w.name}): the re-run recognises the write and does not repeat it`, async () => {
      const ref = await reference();
      const c = await migrationCase();
      try {
        await c.backup();
        // The tool reads the object `reads` times before writing it; the next read comes after the write.
        // The simulator holds that read: the child is then between the write and its journal entry.
        const gate = c.sim.server.faults.hold({verb: 'get', resource: w.resource, name: w.name, nth: w.reads + 1});
        const run = startCli(apply(c));
        await killAt(run, gate, `the read after ${w.verb} ${w.name}`);
        gate.release();
        const writes = c.journal().filter(e => e.attributes?.verb === w.verb && e.attributes.resource === w.resource && e.attributes.name === (w.verb === 'create' ? undefined : w.name));
        assert.equal(writes.length, 1, 'the write was sent once');
        assert.ok(writes[0]!.status! < 300, 'and committed');

        const state = c.readState();
        const record = state.namespaces[NS]!.operations[w.op - 1]!;
        assert.equal(record.status, 'started', `operation ${w.op} is journaled as started, not done`);
        const undecided = await assertStateAgreesWithCluster(c.client, state);
        assert.deepEqual([...undecided], [[record.operation.id, true]], 'the cluster has the write the journal has not confirmed');

        const rerun = await finishAndRevert(c, ref, `killed after ${w.verb} ${w.name}`, 'binary');
        assert.match(rerun.stdout, opLine(w.op, `${w.line.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(already done\\)`));
        assert.equal(
          c.journal().filter(e => e.attributes?.verb === w.verb && e.attributes.resource === w.resource && e.attributes.name === (w.verb === 'create' ? undefined : w.name) && e.status! < 300).length,
          w.writes,
          'the write was not repeated',
        );
      } finally {
        await c.close();
      }
    });
  }

  test('a dropped connection after a committed create: apply retries, finds its object, and converges without a duplicate', async () => {
    const ref = await reference();
    const c = await migrationCase();
    try {
      await c.backup();
      c.sim.server.faults.add({verb: 'create', resource: 'httproutes', drop: 'after'});
      const result = await runCli(apply(c));
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /retrying \(1\): create HTTPRoute reviews: the connection to .* was dropped/);
      assert.match(result.stdout, opLine(5, 'create HTTPRoute bookinfo/reviews \\(already done\\)'));
      const posts = c.journal().filter(e => e.attributes?.verb === 'create' && e.attributes.resource === 'httproutes');
      assert.equal(posts.length, 1, 'the create was not sent again: the retry read it back first');
      assert.equal((await c.client.list(KINDS.httpRoute, {namespace: NS})).length, 1);
      await assertStateAgreesWithCluster(c.client, c.readState());
      await c.sim.settled();
      assert.deepEqual(await snapshotNamespace(c.client), ref.migrated);
    } finally {
      await c.close();
    }
  });

  test('killed while it writes the state file: the file is never half-written, and the re-run finishes and tidies up', async () => {
    const ref = await reference();
    const c = await migrationCase();
    try {
      await c.backup();
      const run = startCli(apply(c));
      let writes = 0;
      await waitFor('the workdir', () => readdirSync(c.workdir).length > 0);
      const watcher = watch(c.workdir, (_event, file) => {
        if (file && /^\.state\.json\..*\.tmp$/.test(file) && ++writes === 12) run.child.kill('SIGKILL');
      });
      const first = await run.exit;
      watcher.close();
      assert.equal(first.signal, 'SIGKILL');
      const text = readFileSync(c.statePath, 'utf8');
      const state = parseState(text);
      assert.ok(!isProblem(state), `the state file is whole: ${isProblem(state) ? state.message : ''}`);
      await assertStateAgreesWithCluster(c.client, state);
      // Whether or not the kill landed inside the write, this is what one that did leaves behind (the write
      // goes to a temp file that is renamed over state.json): half a temp file, and state.json as it was.
      writeFileSync(path.join(c.workdir, `.state.json.${run.child.pid}.0badc0de.tmp`), text.slice(0, text.length / 2), {mode: 0o600});
      await finishAndRevert(c, ref, 'killed during a state write', 'binary');
      assert.deepEqual(readdirSync(c.workdir).sort(), ['backups', 'state.json'], 'no temp file or lock left behind');
    } finally {
      await c.close();
    }
  });

  test("every request backup, apply, status and revert send is allowed by the README's ClusterRoles", async () => {
    const ref = await reference();
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const section = readme.split('### RBAC')[1]!.split('\n## ')[0]!;
    const roles = [...section.matchAll(/```yaml\n([\s\S]*?)```/g)].map(m => yaml.load(m[1]!) as {kind: string; rules: Array<{apiGroups: string[]; resources: string[]; verbs: string[]}>});
    assert.deepEqual(roles.map(r => r.kind), ['ClusterRole', 'ClusterRole']);
    const granted = new Set(roles.flatMap(r => r.rules.flatMap(rule => rule.apiGroups.flatMap(g => rule.resources.flatMap(res => rule.verbs.map(v => `${v} ${g ? `${res}.${g}` : res}`))))));
    const denied = [...ref.requests].filter(r => !granted.has(r));
    assert.deepEqual(denied, [], 'requests the README roles do not grant');
    // And the writes are the ones the README names, no more.
    assert.deepEqual([...ref.writes].sort(), [
      'create authorizationpolicies.security.istio.io',
      'create destinationrules.networking.istio.io',
      'create gateways.gateway.networking.k8s.io',
      'create httproutes.gateway.networking.k8s.io',
      // The Lease that keeps two workdirs apart: taken, released, and removed after the revert.
      'create leases.coordination.k8s.io',
      'create services',
      'create virtualservices.networking.istio.io',
      'delete authorizationpolicies.security.istio.io',
      'delete destinationrules.networking.istio.io',
      'delete gateways.gateway.networking.k8s.io',
      'delete httproutes.gateway.networking.k8s.io',
      'delete leases.coordination.k8s.io',
      'delete services',
      'delete virtualservices.networking.istio.io',
      'patch authorizationpolicies.security.istio.io',
      'patch deployments.apps',
      'patch leases.coordination.k8s.io',
      'patch namespaces',
    ]);
    assert.ok(ref.requests.has('list secrets') && ref.requests.has('get namespaces'), [...ref.requests].join('\n'));
  });
});
