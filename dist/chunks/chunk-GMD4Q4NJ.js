import {
  migrateNamespace,
  operationDiff
} from "./chunk-GWLMTUGH.js";
import {
  ApplyStopped,
  openMigrationSession,
  recordPlan
} from "./chunk-PY7GAIW3.js";
import {
  describeOperation
} from "./chunk-LSBWZTW7.js";
import {
  planMigration
} from "./chunk-RL7YLADG.js";
import {
  AUDIT_KINDS
} from "./chunk-VOHJU6GF.js";
import {
  latestBackupFor
} from "./chunk-BHLIGX4B.js";
import {
  loadInventory
} from "./chunk-ODE5LSI6.js";

// source/app/apply-command.ts
import { createInterface } from "node:readline/promises";
var defaultIo = () => ({ stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, interactive: Boolean(process.stdin.isTTY && process.stdout.isTTY) });
function progressLine(event) {
  switch (event.type) {
    case "operation-started":
      return void 0;
    case "operation-done":
      return `[${event.namespace}] ${event.index + 1}/${event.total} ${event.record.operation.step}: ${describeOperation(event.record.operation)}${event.alreadyDone ? " (already done)" : ""}`;
    case "waiting":
      return `[${event.namespace}]   waiting for ${event.what}\u2026`;
    case "retrying":
      return `[${event.namespace}]   retrying (${event.attempt}): ${event.what}`;
  }
}
var survivingStreams = /* @__PURE__ */ new WeakSet();
function surviveClosedOutput(...streams) {
  for (const stream of streams) {
    if (survivingStreams.has(stream)) continue;
    survivingStreams.add(stream);
    stream.on("error", (error) => {
      if (error.code !== "EPIPE" && error.code !== "ERR_STREAM_DESTROYED") throw error;
    });
  }
}
async function runApply(flags, io = defaultIo()) {
  if (!flags.yes && !flags.dryRun && !io.interactive) {
    io.stderr.write("ambient-migrate: apply changes the cluster; pass --yes to confirm (or --dry-run to try it), since there is no terminal to ask\n");
    return 2;
  }
  const session = await openMigrationSession(flags, "apply", (m) => io.stderr.write(`ambient-migrate: ${m}
`), { lock: !flags.dryRun });
  surviveClosedOutput(io.stdout, io.stderr);
  const controller = new AbortController();
  const stop = () => {
    io.stderr.write("\nambient-migrate: stopping after the current operation (the state file keeps the progress)\u2026\n");
    controller.abort();
  };
  process.once("SIGINT", stop);
  try {
    const { state, connection } = session;
    if (!flags.dryRun && !latestBackupFor(session.workdir, session.identity)) {
      io.stderr.write(`ambient-migrate: error: there is no backup of this cluster in ${session.workdir}: run 'ambient-migrate backup' first (with the same --workdir)
`);
      return 1;
    }
    const working = flags.dryRun ? structuredClone(state) : state;
    const toPlan = flags.namespaces.filter((n) => !inProgress(working, n));
    if (toPlan.length > 0) {
      const inventory = await loadInventory(connection.client, AUDIT_KINDS);
      const { plan, refused } = planMigration(inventory, { context: session.identity.context, server: session.identity.server, kubernetesVersion: session.kubernetesVersion }, toPlan);
      for (const r of refused) io.stderr.write(`ambient-migrate: refused: ${r.message}
`);
      if (refused.length > 0) return refused.some((r) => r.reason === "unknown") ? 2 : 3;
      const blockers = plan.findings.filter((f) => f.severity === "blocker");
      if (blockers.length > 0) {
        for (const b of blockers) io.stderr.write(`ambient-migrate: refused: [${b.id}] ${b.message}
`);
        return 3;
      }
      for (const namespace of plan.namespaces) recordPlan(working, namespace, plan.operations.filter((o) => o.namespace === namespace), /* @__PURE__ */ new Date());
    }
    const total = flags.namespaces.reduce((n, ns) => n + (working.namespaces[ns]?.operations.filter((o) => o.status !== "done").length ?? 0), 0);
    if (!flags.yes && !flags.dryRun) {
      const rl = createInterface({ input: io.stdin, output: io.stderr });
      const answer = await rl.question(`Apply ${total} operation${total === 1 ? "" : "s"} to ${flags.namespaces.join(", ")} on context "${session.identity.context}"? [y/N] `);
      rl.close();
      if (!/^y(es)?$/i.test(answer.trim())) {
        io.stderr.write("nothing changed\n");
        return 0;
      }
    }
    if (flags.dryRun === "client") {
      printClientDryRun(working, flags.namespaces, io.stdout);
      return 0;
    }
    if (!flags.dryRun) await session.save(working);
    let unverified = 0;
    for (const namespace of flags.namespaces) {
      const outcome = await migrateNamespace(working, namespace, {
        client: connection.client,
        now: () => /* @__PURE__ */ new Date(),
        sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
        persist: (s) => flags.dryRun ? Promise.resolve() : session.save(s),
        report: (event) => {
          const line = progressLine(event);
          if (line) io.stdout.write(`${line}
`);
        },
        stopRequested: () => controller.signal.aborted,
        dryRun: Boolean(flags.dryRun)
      });
      if (outcome.dryRun) {
        io.stdout.write(`[${namespace}] dry run: every write was accepted by the API server; nothing changed
`);
        continue;
      }
      io.stdout.write(`[${namespace}] ${outcome.verification.message}
`);
      if (!outcome.verified) {
        unverified++;
        io.stderr.write(`ambient-migrate: ${namespace} is not done: ${outcome.verification.message}
`);
      }
    }
    if (unverified > 0) return 1;
    return 0;
  } catch (error) {
    if (error instanceof ApplyStopped) {
      io.stderr.write(`ambient-migrate: stopped in ${error.namespace}: ${error.message}
`);
      return 1;
    }
    throw error;
  } finally {
    process.removeListener("SIGINT", stop);
    await session.close();
  }
}
function printClientDryRun(state, namespaces, stdout) {
  let count = 0;
  for (const namespace of namespaces) {
    const pending = state.namespaces[namespace]?.operations.filter((o) => o.status !== "done") ?? [];
    for (const [index, record] of pending.entries()) {
      stdout.write(`[${namespace}] ${index + 1}/${pending.length} ${record.operation.step}: ${describeOperation(record.operation)}
`);
      for (const line of operationDiff(record.operation)) stdout.write(`    ${line.text}
`);
    }
    count += pending.length;
  }
  stdout.write(`dry run (client): ${count} operation${count === 1 ? "" : "s"} would run; nothing was sent to the cluster
`);
}
function inProgress(state, namespace) {
  const record = state.namespaces[namespace];
  return Boolean(record && record.status !== "reverted" && record.operations.some((o) => o.status !== "pending"));
}

export {
  progressLine,
  surviveClosedOutput,
  runApply
};
