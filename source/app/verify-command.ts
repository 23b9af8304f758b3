import {AUDIT_KINDS} from '../core/audit/context.ts';
import {loadInventory} from '../core/inventory.ts';
import {originalInventory} from '../core/traffic/original.ts';
import {changeForOutput, verifyReport} from '../core/traffic/report.ts';
import {openMigrationSession, type SessionFlags} from './migration-session.ts';
import {writeStructured, type OutputFormat} from './output.ts';

/** `verify` exits 4 when a request's route or verdict changed beyond what the plan predicted and was accepted. */
export const EXIT_DIFFERS = 4;

export interface VerifyFlags extends SessionFlags {
  namespaces: string[];
  output?: OutputFormat;
}

/**
 * `ambient-migrate verify -n NS`: the live cluster against the original the state file records, class by
 * class (issue 9 §4). Read-only, no lock. Exit 0 the same (apart from the plan's expected, accepted
 * changes), 4 something else changed, 1 on an error (nothing recorded for a namespace).
 */
export async function runVerify(flags: VerifyFlags, stdout: NodeJS.WritableStream = process.stdout, stderr: NodeJS.WritableStream = process.stderr): Promise<number> {
  const session = await openMigrationSession(flags, 'verify', m => stderr.write(`ambient-migrate: ${m}\n`), {lock: false});
  try {
    const missing = flags.namespaces.filter(n => !session.state.namespaces[n]?.operations.some(o => o.status === 'done'));
    if (missing.length > 0) {
      stderr.write(`ambient-migrate: error: nothing applied is recorded for ${missing.join(', ')} in ${session.workdir}: verify compares a migrated namespace with its original\n`);
      return 1;
    }
    const live = await loadInventory(session.connection.client, AUDIT_KINDS);
    const original = originalInventory(live, session.state, flags.namespaces);
    const expected = flags.namespaces.flatMap(n => session.state.namespaces[n]!.traffic?.expected ?? []);
    const accepted = flags.namespaces.flatMap(n => session.state.namespaces[n]!.traffic?.accepted ?? []);
    const result = verifyReport(original, live, flags.namespaces, expected);
    if (flags.output) {
      await writeStructured(stdout, flags.output, {
        namespaces: flags.namespaces,
        same: result.same,
        classes: result.classes,
        accepted,
        expected: result.groups.filter(g => !result.beyond.includes(g)).map(g => g.id),
        beyond: result.beyond.map(g => ({id: g.id, direction: g.direction, count: g.count, meaning: g.meaning})),
        changes: result.changes.filter(c => result.beyond.some(g => g.id === c.group)).map(changeForOutput),
      });
    } else {
      stdout.write(`${verifyText(result, flags.namespaces)}\n`);
    }
    return result.same ? 0 : EXIT_DIFFERS;
  } finally {
    await session.close();
  }
}

export function verifyText(result: ReturnType<typeof verifyReport>, namespaces: string[]): string {
  const expected = result.groups.length - result.beyond.length;
  const head = `${namespaces.join(', ')}: ${result.classes.toLocaleString('en-US')} request classes vs. the original: `;
  if (result.same) return `${head}no route or verdict changed beyond the plan's ${expected} expected group${expected === 1 ? '' : 's'} (their openings accepted)`;
  const lines = [`${head}${result.beyond.length} group${result.beyond.length === 1 ? '' : 's'} changed beyond what the plan predicted and was accepted:`];
  for (const g of result.beyond) lines.push(`  ${g.id}`, `      ${g.meaning}`);
  return lines.join('\n');
}
