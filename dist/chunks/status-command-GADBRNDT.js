import {
  agreesAt,
  kindRefOf,
  mergePatchBetween,
  openMigrationSession,
  ownedParts,
  progress
} from "./chunk-PY7GAIW3.js";
import "./chunk-ISJ5NZQH.js";
import {
  writeStructured
} from "./chunk-HCBSESBI.js";
import {
  byCodeUnits
} from "./chunk-VOHJU6GF.js";
import "./chunk-BHLIGX4B.js";
import "./chunk-ODE5LSI6.js";
import "./chunk-MSTYNHIA.js";
import "./chunk-PDGQ4KIV.js";
import "./chunk-KOEXQVHC.js";

// source/core/apply/status.ts
function sameTarget(a, b) {
  return a.kind === b.kind && a.namespace === b.namespace && a.name === b.name;
}
async function migrationStatus(state, client) {
  const out = [];
  for (const record of Object.values(state.namespaces).sort((a, b) => byCodeUnits(a.name, b.name))) {
    const { done, total, current } = progress(record);
    const drift = [];
    for (const [i, op] of record.operations.entries()) {
      if (op.status !== "done" || op.operation.action === "restart") continue;
      const t = op.operation.target;
      if (record.operations.slice(i + 1).some((later) => (later.status === "done" || later.status === "started" || later.status === "failed") && sameTarget(later.operation.target, t))) continue;
      const live = await client.get(kindRefOf(t), t.namespace, t.name);
      const where = `${t.kind} ${t.namespace ? `${t.namespace}/` : ""}${t.name}`;
      if (!live && t.kind === "Pod") continue;
      if (op.liveAfter === null) {
        if (live) drift.push(`${where} exists again`);
      } else if (!live) {
        drift.push(`${where} is gone`);
      } else if (op.liveAfter) {
        const changed = mergePatchBetween(ownedParts(op.operation.before), ownedParts(op.operation.after));
        if (!agreesAt(changed, ownedParts(live), ownedParts(op.liveAfter))) drift.push(`${where} was changed`);
      }
    }
    out.push({
      name: record.name,
      status: record.status,
      done,
      total,
      current: current ? `${current.operation.step}: ${current.operation.action} ${current.operation.target.kind} ${current.operation.target.name} (${current.status})` : void 0,
      drift,
      agrees: drift.length === 0
    });
  }
  return out;
}

// source/app/status-command.ts
async function runStatus(flags, stdout = process.stdout, stderr = process.stderr) {
  const output = flags.output ?? (flags.json ? "json" : void 0);
  const session = await openMigrationSession(flags, "status", (m) => stderr.write(`ambient-migrate: ${m}
`), { lock: false });
  try {
    if (!session.stateExisted) {
      if (output) await writeStructured(stdout, output, { cluster: session.identity, namespaces: [] });
      else stdout.write(`no migration recorded in ${session.workdir} for this cluster
`);
      return 0;
    }
    const report = await migrationStatus(session.state, session.connection.client);
    if (output) {
      await writeStructured(stdout, output, { cluster: session.identity, backup: session.state.backup, namespaces: report });
      return 0;
    }
    for (const ns of report) {
      stdout.write(`${ns.name.padEnd(24)} ${ns.status.padEnd(10)} ${ns.done}/${ns.total}${ns.current ? `  next: ${ns.current}` : ""}  ${ns.agrees ? "cluster agrees" : `cluster differs: ${ns.drift.join("; ")}`}
`);
    }
    return 0;
  } finally {
    await session.close();
  }
}
export {
  runStatus
};
