import {
  progressLine,
  surviveClosedOutput
} from "./chunk-GMD4Q4NJ.js";
import {
  revertNamespace,
  revertOrder
} from "./chunk-CTROZ5RA.js";
import "./chunk-GWLMTUGH.js";
import {
  ApplyStopped,
  openMigrationSession
} from "./chunk-PY7GAIW3.js";
import {
  describeOperation
} from "./chunk-LSBWZTW7.js";
import "./chunk-RL7YLADG.js";
import "./chunk-ISJ5NZQH.js";
import "./chunk-XLBCLG2P.js";
import "./chunk-GZO3AIBA.js";
import "./chunk-VOHJU6GF.js";
import "./chunk-BHLIGX4B.js";
import "./chunk-ODE5LSI6.js";
import "./chunk-MSTYNHIA.js";
import "./chunk-PDGQ4KIV.js";
import "./chunk-KOEXQVHC.js";

// source/app/revert-command.ts
import { createInterface } from "node:readline/promises";
var defaultIo = () => ({ stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, interactive: Boolean(process.stdin.isTTY && process.stdout.isTTY) });
function revertProgressLine(event) {
  if (event.type !== "operation-done") return progressLine(event);
  const what = `${event.record.operation.step}: ${describeOperation(event.record.operation)}`;
  return `[${event.namespace}] ${event.index + 1}/${event.total} ${event.alreadyDone ? "skipped (changed by someone else)" : "undone"} ${what}`;
}
async function runRevert(flags, io = defaultIo()) {
  if (!flags.yes && !flags.dryRun && !io.interactive) {
    io.stderr.write("ambient-migrate: revert changes the cluster; pass --yes to confirm (or --dry-run to try it), since there is no terminal to ask\n");
    return 2;
  }
  const session = await openMigrationSession(flags, "revert", (m) => io.stderr.write(`ambient-migrate: ${m}
`), { lock: !flags.dryRun });
  surviveClosedOutput(io.stdout, io.stderr);
  try {
    const missing = flags.namespaces.filter((n) => !session.state.namespaces[n]);
    if (missing.length > 0) {
      io.stderr.write(`ambient-migrate: nothing recorded for ${missing.join(", ")} in ${session.workdir}: there is nothing to revert there
`);
      return 2;
    }
    if (flags.dryRun === "client") {
      let count = 0;
      for (const namespace of flags.namespaces) {
        const order = revertOrder(session.state.namespaces[namespace]);
        for (const [index, op] of order.entries()) {
          io.stdout.write(`[${namespace}] ${index + 1}/${order.length} would undo ${op.operation.step}: ${describeOperation(op.operation)}
`);
        }
        count += order.length;
      }
      io.stdout.write(`dry run (client): ${count} operation${count === 1 ? "" : "s"} would be undone; nothing was sent to the cluster
`);
      return 0;
    }
    const state = flags.dryRun ? structuredClone(session.state) : session.state;
    const persist = flags.dryRun ? async () => {
    } : (s) => session.save(s);
    const rl = io.interactive && !flags.dryRun ? createInterface({ input: io.stdin, output: io.stderr }) : void 0;
    try {
      if (!flags.yes && !flags.dryRun) {
        const answer = await rl.question(`Revert ${flags.namespaces.join(", ")} on context "${session.identity.context}"? [y/N] `);
        if (!/^y(es)?$/i.test(answer.trim())) {
          io.stderr.write("nothing changed\n");
          return 0;
        }
      }
      let skippedAny = false;
      for (const namespace of flags.namespaces) {
        const outcome = await revertNamespace(state, namespace, {
          client: session.connection.client,
          now: () => /* @__PURE__ */ new Date(),
          sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
          persist,
          dryRun: Boolean(flags.dryRun),
          report: (event) => {
            const line = revertProgressLine(event);
            if (line) io.stdout.write(`${line}
`);
          },
          onConflict: rl ? async (_record, _live, why) => {
            const answer = await rl.question(`${why}. Overwrite it with the recorded original? [y/N] `);
            return /^y(es)?$/i.test(answer.trim()) ? "overwrite" : "skip";
          } : void 0
        });
        if (flags.dryRun) {
          io.stdout.write(`[${namespace}] dry run: the API server accepted the ${outcome.reverted} write${outcome.reverted === 1 ? "" : "s"} revert would make; nothing changed${outcome.skipped.length ? `; ${outcome.skipped.length} would be skipped:` : ""}
`);
          for (const skipped of outcome.skipped) io.stdout.write(`  skipped ${skipped.operationId}: ${skipped.reason}
`);
          continue;
        }
        io.stdout.write(`[${namespace}] reverted ${outcome.reverted} operation${outcome.reverted === 1 ? "" : "s"}${outcome.skipped.length ? `; skipped ${outcome.skipped.length}:` : ""}
`);
        for (const skipped of outcome.skipped) io.stdout.write(`  skipped ${skipped.operationId}: ${skipped.reason}
`);
        skippedAny ||= outcome.skipped.length > 0;
      }
      return skippedAny ? 1 : 0;
    } finally {
      rl?.close();
    }
  } catch (error) {
    if (error instanceof ApplyStopped) {
      io.stderr.write(`ambient-migrate: stopped in ${error.namespace}: ${error.message}
`);
      return 1;
    }
    throw error;
  } finally {
    await session.close();
  }
}
export {
  revertProgressLine,
  runRevert
};
