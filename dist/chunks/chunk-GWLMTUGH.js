import {
  applyNamespace,
  verifyNamespace
} from "./chunk-PY7GAIW3.js";

// source/ui/wizard/components/diff-lines.ts
import { structuredPatch } from "diff";
import yaml from "js-yaml";

// source/ui/wizard/components/finding-text.ts
function resourceLabel(finding) {
  const r = finding.resource;
  return `${r.kind} ${r.namespace ? `${r.namespace}/` : ""}${r.name}`;
}
function findingMessage(finding) {
  const prefix = `${resourceLabel(finding)} `;
  return finding.message.startsWith(prefix) ? finding.message.slice(prefix.length) : finding.message;
}

// source/ui/wizard/components/diff-lines.ts
var toYaml = (value) => value ? yaml.dump(value, { noRefs: true, lineWidth: -1 }) : "";
function operationDiff(op) {
  if (op.action === "restart") return [];
  const before = toYaml(op.before);
  const after = toYaml(op.after);
  const patch = structuredPatch("before", "after", before, after, "", "", { context: 2 });
  const out = [];
  for (const hunk of patch.hunks) {
    out.push({ text: `@@ -${hunk.oldStart},${hunk.oldLines} +${hunk.newStart},${hunk.newLines} @@`, color: "cyan", dim: true });
    for (const line of hunk.lines) {
      if (line.startsWith("+")) out.push({ text: line, color: "green" });
      else if (line.startsWith("-")) out.push({ text: line, color: "red" });
      else if (!line.startsWith("\\")) out.push({ text: line, dim: true });
    }
  }
  return out;
}
function title(op) {
  const t = op.target;
  return `${op.action} ${t.kind} ${t.namespace ? `${t.namespace}/` : ""}${t.name}`;
}
function wrapText(text, width, indent) {
  const out = [];
  const lead = /^ */.exec(text)[0];
  let line = lead;
  for (const word of text.slice(lead.length).split(" ")) {
    const candidate = line.trim() ? `${line} ${word}` : `${line}${word}`;
    if (candidate.length <= width || !line.trim()) line = candidate;
    else {
      out.push(line);
      line = `${indent}${word}`;
    }
    while (line.length > width) {
      out.push(line.slice(0, width));
      line = `${indent}${line.slice(width)}`;
    }
  }
  if (line || out.length === 0) out.push(line);
  return out;
}
function previewLines(plan, width = Number.POSITIVE_INFINITY) {
  const lines = [];
  plan.operations.forEach((op, index) => {
    const first = index === 0 || plan.operations[index - 1].namespace !== op.namespace;
    if (first) lines.push({ text: `Namespace ${op.namespace}`, bold: true });
    const newStep = first || plan.operations[index - 1].step !== op.step;
    if (newStep) lines.push({ text: `  ${op.step}`, color: "cyan" });
    const mark = op.action === "create" ? "+" : op.action === "delete" ? "-" : op.action === "restart" ? "\u21BB" : "~";
    lines.push({ text: `    ${mark} ${title(op)}  \u2014 ${op.reason}`, color: op.action === "create" ? "green" : op.action === "delete" ? "red" : "yellow", op: index });
    for (const line of operationDiff(op)) lines.push({ ...line, text: `      ${line.text}`, op: index });
  });
  const warnings = plan.findings.filter((f) => f.severity !== "info");
  if (warnings.length > 0) {
    lines.push({ text: "" });
    lines.push({ text: `Warnings to acknowledge (${warnings.length})`, bold: true, color: "yellow" });
    for (const f of warnings) {
      const color = f.severity === "blocker" ? "red" : "yellow";
      for (const text of wrapText(`  [${f.id}] (${resourceLabel(f)}) ${findingMessage(f)}`, width, "    ")) lines.push({ text, color });
    }
  }
  return lines;
}

// source/core/apply/runner.ts
async function migrateNamespace(state, namespace, deps) {
  await applyNamespace(state, namespace, deps);
  if (deps.dryRun) return { namespace, verified: true, dryRun: true };
  const verification = await verifyNamespace(deps.client, namespace);
  const record = state.namespaces[namespace];
  record.status = verification.ok ? "done" : "unverified";
  record.verification = { checkedAt: deps.now().toISOString(), ok: verification.ok, message: verification.message };
  state.updatedAt = deps.now().toISOString();
  await deps.persist(state);
  return { namespace, verified: verification.ok, verification, dryRun: false };
}

export {
  resourceLabel,
  findingMessage,
  operationDiff,
  wrapText,
  previewLines,
  migrateNamespace
};
