import {createInterface} from 'node:readline/promises';
import {ApplyStopped, type ApplyEvent} from '../core/apply/execute.ts';
import {migrateNamespace} from '../core/apply/runner.ts';
import {AUDIT_KINDS} from '../core/audit/context.ts';
import {loadInventory} from '../core/inventory.ts';
import {planMigration} from '../core/plan/planner.ts';
import {recordPlan, type StateDocument} from '../core/state/state.ts';
import {operationDiff} from '../ui/wizard/components/diff-lines.ts';
import {findingLine} from './audit-format.ts';
import {describeOperation} from './plan-format.ts';
import {makeStyle} from './style.ts';
import {openMigrationSession, type SessionFlags} from './migration-session.ts';
import {latestBackupFor} from './workdir.ts';
import {recordTraffic, refusalLines, trafficGate} from './traffic-gate.ts';

/** Why a --cluster-from run never finds the backup of an earlier one. */
export const CLUSTER_FROM_IS_NEW =
  "--cluster-from starts a new simulated cluster on every run, so a backup made by an earlier run is of another cluster: to try apply, use --demo (kept in the workdir), or run 'ambient-migrate sim --fixtures PATH' and point --kubeconfig at it";

export interface ApplyFlags extends SessionFlags {
  namespaces: string[];
  yes?: boolean;
  /** server: every write sent with dryRun=All; client: the operations and their diffs, nothing sent. */
  dryRun?: 'server' | 'client';
  /** Go on although the state file and the cluster disagree (see drift.ts). */
  acceptDrift?: boolean;
  /** Traffic groups accepted (`--accept ID`, `known-limitations`): a final opening not accepted is refused. */
  accept?: string[];
}

interface Io {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream & {isTTY?: boolean};
  interactive: boolean;
}

const defaultIo = (): Io => ({stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, interactive: Boolean(process.stdin.isTTY && process.stdout.isTTY)});

export function progressLine(event: ApplyEvent): string | undefined {
  switch (event.type) {
    case 'operation-started':
      return undefined;
    case 'operation-done':
      return `[${event.namespace}] ${event.index + 1}/${event.total} ${event.record.operation.step}: ${describeOperation(event.record.operation)}${event.alreadyDone ? ' (already done)' : ''}`;
    case 'waiting':
      return `[${event.namespace}]   waiting for ${event.what}…`;
    case 'retrying':
      return `[${event.namespace}]   retrying (${event.attempt}): ${event.what}`;
  }
}

/**
 * Ctrl+C, `kill` (SIGTERM) and a closed terminal (SIGHUP) all mean "stop": at the next operation boundary,
 * with the state saved and the lock released, saying so. Returns what removes the handlers.
 */
export function stopOnSignals(controller: AbortController, stderr: NodeJS.WritableStream): () => void {
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  const handlers = signals.map(signal => {
    const handler = () => {
      if (!controller.signal.aborted) {
        const why = signal === 'SIGINT' ? '' : `received ${signal}: `;
        stderr.write(`\nambient-migrate: ${why}stopping after the current operation (the state file keeps the progress)…\n`);
      }
      controller.abort();
    };
    process.on(signal, handler);
    return [signal, handler] as const;
  });
  return () => {
    for (const [signal, handler] of handlers) process.removeListener(signal, handler);
  };
}

const survivingStreams = new WeakSet<NodeJS.WritableStream>();

/**
 * Keeps a run going when whoever reads its output goes away (`apply ... | head`, a closed terminal): the
 * next progress line would get EPIPE, an unhandled 'error' event that killed the process half-way through
 * a namespace. The progress is in the state file; the lines are only a view of it. The listener stays for
 * good: the error of the last write is emitted after the command has returned.
 */
export function surviveClosedOutput(...streams: NodeJS.WritableStream[]): void {
  for (const stream of streams) {
    if (survivingStreams.has(stream)) continue;
    survivingStreams.add(stream);
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE' && error.code !== 'ERR_STREAM_DESTROYED') throw error;
    });
  }
}

/**
 * `ambient-migrate apply -n NS --yes`: plans (or resumes) each namespace and runs it, journaling every
 * write in the state file. Exit 0 done, 1 stopped (the state says where), 2 usage, 3 refused.
 */
export async function runApply(flags: ApplyFlags, io: Io = defaultIo()): Promise<number> {
  if (!flags.yes && !flags.dryRun && !io.interactive) {
    io.stderr.write('ambient-migrate: apply changes the cluster; pass --yes to confirm (or --dry-run to try it), since there is no terminal to ask\n');
    return 2;
  }
  const session = await openMigrationSession(flags, 'apply', m => io.stderr.write(`ambient-migrate: ${m}\n`), {lock: !flags.dryRun});
  surviveClosedOutput(io.stdout, io.stderr);
  const controller = new AbortController();
  const removeStopHandlers = stopOnSignals(controller, io.stderr);
  try {
    const {state, connection} = session;
    if (!flags.dryRun && !latestBackupFor(session.workdir, session.identity)) {
      if (flags.clusterFrom) {
        io.stderr.write(`ambient-migrate: error: ${CLUSTER_FROM_IS_NEW}\n`);
        return 1;
      }
      io.stderr.write(`ambient-migrate: error: there is no backup of this cluster in ${session.workdir}: run 'ambient-migrate backup' first (with the same --workdir)\n`);
      return 1;
    }
    const working: StateDocument = flags.dryRun ? structuredClone(state) : state;
    const toPlan = flags.namespaces.filter(n => !inProgress(working, n));
    if (toPlan.length > 0) {
      const inventory = await loadInventory(connection.client, AUDIT_KINDS);
      const {plan, refused, audit} = planMigration(inventory, {context: session.identity.context, server: session.identity.server, kubernetesVersion: session.kubernetesVersion}, toPlan);
      // A failing environment check blocks apply as it blocks the wizard: named, with its remedy.
      const reasons = new Set(audit.namespaces.filter(n => toPlan.includes(n.name)).flatMap(n => n.reasons));
      for (const check of audit.checks.filter(c => c.status === 'fail' && reasons.has(c.id))) {
        io.stderr.write(`ambient-migrate: refused: environment check ${check.id} failed: ${check.message}\n${indent(`fix: ${check.remedy}`, '  ')}\n`);
      }
      for (const r of refused) io.stderr.write(`ambient-migrate: refused: ${r.message}\n`);
      if (refused.length > 0) return refused.some(r => r.reason === 'unknown') ? 2 : 3;
      const blockers = plan.findings.filter(f => f.severity === 'blocker');
      if (blockers.length > 0) {
        for (const b of blockers) io.stderr.write(`ambient-migrate: refused: [${b.id}] ${b.message}\n`);
        return 3;
      }
      const traffic = trafficGate(inventory, plan, flags.accept);
      io.stdout.write(`traffic: ${traffic.report.summary}\n`);
      if (traffic.refused.length > 0) {
        for (const line of refusalLines(traffic)) io.stderr.write(`ambient-migrate: ${line}\n`);
        return 3;
      }
      // The plan's warnings, as the wizard's preview shows them, before the question or the first write:
      // with the progress on stdout (stderr is for what went wrong).
      const warnings = plan.findings.filter(f => f.severity === 'warning');
      if (warnings.length > 0) {
        io.stdout.write(`${warnings.length} warning${warnings.length === 1 ? '' : 's'} for ${plan.namespaces.join(', ')} (see 'ambient-migrate plan' for the fixes):\n`);
        for (const w of warnings) io.stdout.write(`  ${findingLine(w, makeStyle(false))}\n`);
      }
      for (const namespace of plan.namespaces) recordPlan(working, namespace, plan.operations.filter(o => o.namespace === namespace), new Date());
      recordTraffic(working, plan.namespaces, traffic);
    }
    if (!flags.dryRun) await session.lease(flags.namespaces);
    const total = flags.namespaces.reduce((n, ns) => n + (working.namespaces[ns]?.operations.filter(o => o.status !== 'done').length ?? 0), 0);
    if (!flags.yes && !flags.dryRun) {
      const rl = createInterface({input: io.stdin, output: io.stderr});
      const answer = await rl.question(`Apply ${total} operation${total === 1 ? '' : 's'} to ${flags.namespaces.join(', ')} on context "${session.identity.context}"? [y/N] `);
      rl.close();
      if (!/^y(es)?$/i.test(answer.trim())) {
        io.stderr.write('nothing changed\n');
        return 0;
      }
    }
    if (flags.dryRun === 'client') {
      printClientDryRun(working, flags.namespaces, io.stdout);
      return 0;
    }
    if (!flags.dryRun) await session.save(working);
    let unverified = 0;
    for (const namespace of flags.namespaces) {
      const outcome = await migrateNamespace(working, namespace, {
        client: connection.client,
        now: () => new Date(),
        sleep: ms => new Promise(r => setTimeout(r, ms)),
        persist: s => (flags.dryRun ? Promise.resolve() : session.save(s)),
        report: event => {
          const line = progressLine(event);
          if (line) io.stdout.write(`${line}\n`);
        },
        stopRequested: () => controller.signal.aborted,
        dryRun: Boolean(flags.dryRun),
        acceptDrift: flags.acceptDrift,
      });
      if (outcome.dryRun) {
        io.stdout.write(`[${namespace}] dry run: every write was accepted by the API server; nothing changed\n`);
        continue;
      }
      io.stdout.write(`[${namespace}] ${outcome.verification!.message}\n`);
      if (!outcome.verified) {
        unverified++;
        io.stderr.write(`ambient-migrate: ${namespace} is not done: ${outcome.verification!.message}\n`);
      }
    }
    // Never "fine" while a pod of a migrated namespace still runs a sidecar: the state says unverified too.
    if (unverified > 0) return 1;
    return 0;
  } catch (error) {
    if (error instanceof ApplyStopped) {
      io.stderr.write(`ambient-migrate: stopped in ${error.namespace}: ${error.message}\n`);
      return 1;
    }
    throw error;
  } finally {
    removeStopHandlers();
    await session.close();
  }
}

/** `--dry-run=client`: what would run, each write with its YAML diff, as `kubectl diff` shows one. */
function printClientDryRun(state: StateDocument, namespaces: string[], stdout: NodeJS.WritableStream): void {
  let count = 0;
  for (const namespace of namespaces) {
    const pending = state.namespaces[namespace]?.operations.filter(o => o.status !== 'done') ?? [];
    for (const [index, record] of pending.entries()) {
      stdout.write(`[${namespace}] ${index + 1}/${pending.length} ${record.operation.step}: ${describeOperation(record.operation)}\n`);
      for (const line of operationDiff(record.operation)) stdout.write(`    ${line.text}\n`);
    }
    count += pending.length;
  }
  stdout.write(`dry run (client): ${count} operation${count === 1 ? '' : 's'} would run; nothing was sent to the cluster\n`);
}

function inProgress(state: StateDocument, namespace: string): boolean {
  const record = state.namespaces[namespace];
  return Boolean(record && record.status !== 'reverted' && record.operations.some(o => o.status !== 'pending'));
}

function indent(text: string, prefix: string): string {
  return text.split('\n').map((line, i) => (i === 0 ? prefix : `${prefix}     `) + line).join('\n');
}
