import {
  findingLine
} from "./chunk-XLBCLG2P.js";
import {
  STEPS,
  byCodeUnits
} from "./chunk-VOHJU6GF.js";

// source/app/plan-format.ts
import yaml from "js-yaml";
function labelChanges(op) {
  const before = op.before?.metadata.labels ?? {};
  const after = op.after?.metadata.labels ?? {};
  const out = [];
  for (const [k, v] of Object.entries(after)) if (before[k] !== v) out.push(`${k}=${v}`);
  for (const k of Object.keys(before)) if (!(k in after)) out.push(`${k}-`);
  return out;
}
function describeOperation(op) {
  const t = op.target;
  const target = `${t.kind} ${t.namespace ? `${t.namespace}/` : ""}${t.name}`;
  if (op.action === "label") return `label ${target} ${labelChanges(op).join(" ")}`;
  return `${op.action} ${target}`;
}
var MARK = { create: "+", update: "~", label: "~", delete: "-", restart: "\u21BB" };
function formatPlan(plan, refused, style) {
  const out = [];
  for (const refusal of refused) out.push(style.red(`refused: ${refusal.message}`));
  for (const namespace of plan.namespaces) {
    const ops = plan.operations.filter((o) => o.namespace === namespace);
    const counts = (action) => ops.filter((o) => o.action === action).length;
    out.push("");
    out.push(style.bold(`Namespace ${namespace}`) + style.dim(`  ${counts("create")} to create, ${counts("update")} to change, ${counts("label")} to label, ${counts("restart")} to restart, ${counts("delete")} to delete`));
    for (const step of STEPS) {
      const inStep = ops.filter((o) => o.step === step);
      if (inStep.length === 0) continue;
      out.push(`  ${style.cyan(step)}`);
      for (const op of inStep) {
        const colour = op.action === "create" ? style.green : op.action === "delete" ? style.red : style.yellow;
        out.push(`    ${colour(MARK[op.action])} ${describeOperation(op)}${style.dim(`  ${op.reason}`)}`);
      }
    }
    const blockers2 = plan.findings.filter((f) => f.namespaces.includes(namespace) && f.severity === "blocker");
    if (blockers2.length > 0) {
      out.push(`  ${style.red("blockers")}`);
      for (const finding of blockers2) out.push(`    ${findingLine(finding, style)}`);
    }
    const warnings = plan.findings.filter((f) => f.namespaces.includes(namespace) && f.severity === "warning");
    if (warnings.length > 0) {
      out.push(`  ${style.cyan("warnings")}`);
      for (const finding of warnings) out.push(`    ${findingLine(finding, style)}`);
    }
  }
  out.push("");
  out.push(`${plan.operations.length} operation${plan.operations.length === 1 ? "" : "s"} in ${plan.namespaces.length} namespace${plan.namespaces.length === 1 ? "" : "s"}; nothing has been written to the cluster`);
  const blockers = plan.findings.filter((f) => f.severity === "blocker").length;
  if (blockers > 0) out.push(style.red(`apply refuses this plan until the ${blockers} blocker${blockers === 1 ? "" : "s"} above ${blockers === 1 ? "is" : "are"} resolved`));
  return `${out.join("\n")}
`;
}
function planFiles(plan) {
  const files = /* @__PURE__ */ new Map();
  for (const op of plan.operations) {
    if (!op.after) continue;
    const path = `${op.namespace}/${op.target.kind.toLowerCase()}-${op.target.name}.yaml`;
    files.set(path, yaml.dump(op.after, { noRefs: true, sortKeys: false, lineWidth: -1 }));
  }
  return [...files].sort(([a], [b]) => byCodeUnits(a, b)).map(([path, content]) => ({ path, content }));
}

export {
  describeOperation,
  formatPlan,
  planFiles
};
