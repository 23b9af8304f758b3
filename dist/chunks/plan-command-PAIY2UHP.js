import {
  formatPlan,
  planFiles
} from "./chunk-LSBWZTW7.js";
import {
  planMigration
} from "./chunk-RL7YLADG.js";
import "./chunk-ISJ5NZQH.js";
import {
  colorEnabled,
  makeStyle
} from "./chunk-YTJSR76Q.js";
import "./chunk-XLBCLG2P.js";
import {
  writeStructured
} from "./chunk-HCBSESBI.js";
import "./chunk-GZO3AIBA.js";
import {
  AUDIT_KINDS
} from "./chunk-VOHJU6GF.js";
import {
  loadInventory
} from "./chunk-ODE5LSI6.js";
import "./chunk-MSTYNHIA.js";
import {
  openCluster
} from "./chunk-PDGQ4KIV.js";
import "./chunk-KOEXQVHC.js";

// source/app/plan-command.ts
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
async function runPlan(flags, stdout = process.stdout, stderr = process.stderr) {
  const connection = await openCluster(flags);
  try {
    const version = await connection.client.version();
    const inventory = await loadInventory(connection.client, AUDIT_KINDS);
    const { plan, refused } = planMigration(inventory, { context: connection.client.endpoint.context, server: connection.client.endpoint.server, kubernetesVersion: version.gitVersion }, flags.namespaces);
    if (flags.output) await writeStructured(stdout, flags.output, { ...plan, refused });
    else stdout.write(formatPlan(plan, refused, makeStyle(colorEnabled(stdout))));
    if (flags.out) {
      const files = planFiles(plan);
      for (const file of files) {
        const target = path.join(flags.out, file.path);
        mkdirSync(path.dirname(target), { recursive: true });
        writeFileSync(target, file.content);
      }
      writeFileSync(path.join(flags.out, "plan.json"), `${JSON.stringify({ ...plan, refused }, null, 2)}
`);
      stderr.write(`wrote ${files.length} object file${files.length === 1 ? "" : "s"} and plan.json to ${flags.out}
`);
    }
    if (refused.some((r) => r.reason === "unknown")) return 2;
    if (refused.length > 0 || plan.findings.some((f) => f.severity === "blocker")) return 3;
    return 0;
  } finally {
    await connection.close();
  }
}
export {
  runPlan
};
