import {createInterface} from 'node:readline/promises';
import {ApplyStopped, type ApplyEvent} from '../core/apply/execute.ts';
import {revertNamespace, revertOrder, type ConflictChoice} from '../core/apply/revert.ts';
import {progressLine, stopOnSignals, surviveClosedOutput} from './apply-command.ts';
import {describeOperation} from './plan-format.ts';
import {openMigrationSession, type SessionFlags} from './migration-session.ts';

export interface RevertFlags extends SessionFlags {
  namespaces: string[];
  yes?: boolean;
  /** server: every write sent with dryRun=All on a copy of the state; client: the list of what would be undone. */
  dryRun?: 'server' | 'client';
}

interface Io {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream;
  interactive: boolean;
}

const defaultIo = (): Io => ({stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, interactive: Boolean(process.stdin.isTTY && process.stdout.isTTY)});

/**
 * A revert's progress. Not apply's line: that names the forward operation, so undoing a clean-up printed
 * "cleanup: delete DestinationRule bookinfo/reviews" while revert was putting it back, and a skipped
 * object read "(already done)".
 */
export function revertProgressLine(event: ApplyEvent): string | undefined {
  if (event.type !== 'operation-done') return progressLine(event);
  const what = `${event.record.operation.step}: ${describeOperation(event.record.operation)}`;
  return `[${event.namespace}] ${event.index + 1}/${event.total} ${event.alreadyDone ? 'skipped (changed by someone else)' : 'undone'} ${what}`;
}

/**
 * `ambient-migrate revert -n NS --yes`: undoes what the state file records, newest first. An object
 * someone changed after the tool did is asked about on a terminal and skipped (and reported) otherwise.
 */
export async function runRevert(flags: RevertFlags, io: Io = defaultIo()): Promise<number> {
  if (!flags.yes && !flags.dryRun && !io.interactive) {
    io.stderr.write('ambient-migrate: revert changes the cluster; pass --yes to confirm (or --dry-run to try it), since there is no terminal to ask\n');
    return 2;
  }
  const session = await openMigrationSession(flags, 'revert', m => io.stderr.write(`ambient-migrate: ${m}\n`), {lock: !flags.dryRun});
  surviveClosedOutput(io.stdout, io.stderr);
  const controller = new AbortController();
  const removeStopHandlers = stopOnSignals(controller, io.stderr);
  try {
    const missing = flags.namespaces.filter(n => !session.state.namespaces[n]);
    if (missing.length > 0) {
      io.stderr.write(`ambient-migrate: nothing recorded for ${missing.join(', ')} in ${session.workdir}: there is nothing to revert there\n`);
      return 2;
    }
    if (!flags.dryRun) await session.lease(flags.namespaces);
    if (flags.dryRun === 'client') {
      let count = 0;
      for (const namespace of flags.namespaces) {
        const order = revertOrder(session.state.namespaces[namespace]!);
        for (const [index, op] of order.entries()) {
          io.stdout.write(`[${namespace}] ${index + 1}/${order.length} would undo ${op.operation.step}: ${describeOperation(op.operation)}\n`);
        }
        count += order.length;
      }
      io.stdout.write(`dry run (client): ${count} operation${count === 1 ? '' : 's'} would be undone; nothing was sent to the cluster\n`);
      return 0;
    }
    // A server dry run works on a copy of the state and never saves it: the journal stays as it is.
    const state = flags.dryRun ? structuredClone(session.state) : session.state;
    const persist = flags.dryRun ? async () => {} : (s: typeof state) => session.save(s);
    const rl = io.interactive && !flags.dryRun ? createInterface({input: io.stdin, output: io.stderr}) : undefined;
    try {
      if (!flags.yes && !flags.dryRun) {
        const answer = await rl!.question(`Revert ${flags.namespaces.join(', ')} on context "${session.identity.context}"? [y/N] `);
        if (!/^y(es)?$/i.test(answer.trim())) {
          io.stderr.write('nothing changed\n');
          return 0;
        }
      }
      let skippedAny = false;
      for (const namespace of flags.namespaces) {
        const outcome = await revertNamespace(state, namespace, {
          client: session.connection.client,
          now: () => new Date(),
          sleep: ms => new Promise(r => setTimeout(r, ms)),
          persist,
          dryRun: Boolean(flags.dryRun),
          stopRequested: () => controller.signal.aborted,
          report: event => {
            const line = revertProgressLine(event);
            if (line) io.stdout.write(`${line}\n`);
          },
          onConflict: rl
            ? async (_record, _live, why): Promise<ConflictChoice> => {
                const answer = await rl.question(`${why}. Overwrite it with the recorded original? [y/N] `);
                return /^y(es)?$/i.test(answer.trim()) ? 'overwrite' : 'skip';
              }
            : undefined,
        });
        if (flags.dryRun) {
          io.stdout.write(`[${namespace}] dry run: the API server accepted the ${outcome.reverted} write${outcome.reverted === 1 ? '' : 's'} revert would make; nothing changed${outcome.skipped.length ? `; ${outcome.skipped.length} would be skipped:` : ''}\n`);
          for (const skipped of outcome.skipped) io.stdout.write(`  skipped ${skipped.operationId}: ${skipped.reason}\n`);
          continue;
        }
        io.stdout.write(`[${namespace}] reverted ${outcome.reverted} operation${outcome.reverted === 1 ? '' : 's'}${outcome.skipped.length ? `; skipped ${outcome.skipped.length}:` : ''}\n`);
        for (const skipped of outcome.skipped) io.stdout.write(`  skipped ${skipped.operationId}: ${skipped.reason}\n`);
        skippedAny ||= outcome.skipped.length > 0;
      }
      return skippedAny ? 1 : 0;
    } finally {
      rl?.close();
    }
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
