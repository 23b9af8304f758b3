import {
  BACKUP_KINDS,
  buildBackup,
  clusterIdentity,
  writeBackup
} from "./chunk-BHLIGX4B.js";
import {
  itemsOf,
  loadInventory
} from "./chunk-ODE5LSI6.js";
import "./chunk-MSTYNHIA.js";
import {
  openCluster
} from "./chunk-PDGQ4KIV.js";
import {
  UserFacingError
} from "./chunk-KOEXQVHC.js";

// source/app/backup-command.ts
async function runBackup(flags, stdout = process.stdout, stderr = process.stderr) {
  const connection = await openCluster(flags);
  try {
    const inventory = await loadInventory(connection.client, BACKUP_KINDS);
    const identity = clusterIdentity(connection.client.endpoint, itemsOf(inventory, "namespace"));
    const backup = buildBackup(inventory, identity, /* @__PURE__ */ new Date());
    let dir;
    try {
      dir = writeBackup(flags.workdir, backup, (line) => stderr.write(`${line}
`));
    } catch (error) {
      throw new UserFacingError(`cannot write the backup in ${flags.workdir}: ${error.message}`);
    }
    const total = backup.files.reduce((sum, f) => sum + f.count, 0);
    const kindOf = (fileName) => fileName.replace(/^\d+-/, "").replace(/\.yaml$/, "");
    const found = backup.manifest.files.filter((f) => f.count > 0);
    const out = [`Backed up ${total} objects from ${identity.context || identity.server} to ${dir}`];
    const width = Math.max(0, ...found.map((f) => kindOf(f.name).length));
    for (const file of found) out.push(`  ${kindOf(file.name).padEnd(width)}  ${String(file.count).padStart(4)}`);
    const empty = backup.manifest.files.filter((f) => f.count === 0).map((f) => kindOf(f.name));
    if (empty.length > 0) out.push(`None in the cluster: ${empty.join(", ")}`);
    const absent = backup.manifest.unreadable.filter((u) => u.state === "not-installed").map((u) => u.kind);
    if (absent.length > 0) out.push(`Not installed: ${absent.join(", ")}`);
    const target = [flags.kubeconfig ? `--kubeconfig ${flags.kubeconfig}` : "", identity.context && !flags.demo && !flags.clusterFrom ? `--context ${identity.context}` : ""].filter(Boolean).join(" ");
    const kubectl = `kubectl ${target ? `${target} ` : ""}`;
    out.push(`Restore with: ${kubectl}apply -f ${dir}   (preview first: ${kubectl}diff -f ${dir})`);
    stdout.write(`${out.join("\n")}
`);
    for (const u of backup.manifest.unreadable.filter((u2) => u2.state !== "not-installed")) {
      stderr.write(`ambient-migrate: warning: ${u.kind} is NOT in the backup: ${u.reason}
`);
    }
    return 0;
  } finally {
    await connection.close();
  }
}
export {
  runBackup
};
