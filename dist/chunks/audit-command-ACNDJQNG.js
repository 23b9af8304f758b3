import {
  colorEnabled,
  makeStyle
} from "./chunk-YTJSR76Q.js";
import {
  formatAudit
} from "./chunk-XLBCLG2P.js";
import {
  writeStructured
} from "./chunk-HCBSESBI.js";
import {
  auditCluster
} from "./chunk-GZO3AIBA.js";
import "./chunk-VOHJU6GF.js";
import "./chunk-ODE5LSI6.js";
import "./chunk-MSTYNHIA.js";
import {
  openCluster
} from "./chunk-PDGQ4KIV.js";
import "./chunk-KOEXQVHC.js";

// source/app/audit-command.ts
async function runAudit(flags, stdout = process.stdout) {
  const connection = await openCluster(flags);
  try {
    const report = await auditCluster(connection.client);
    if (flags.output) await writeStructured(stdout, flags.output, report);
    else stdout.write(formatAudit(report, makeStyle(colorEnabled(stdout))));
    return report.findings.some((f) => f.severity === "blocker") ? 3 : 0;
  } finally {
    await connection.close();
  }
}
export {
  runAudit
};
