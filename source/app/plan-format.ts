import yaml from 'js-yaml';
import {byCodeUnits} from '../core/plan/objects.ts';
import {STEPS, type Operation, type Plan} from '../core/plan/types.ts';
import type {Refusal} from '../core/plan/planner.ts';
import {reportLines, type TrafficReport} from '../core/traffic/report.ts';
import {findingLine} from './audit-format.ts';
import type {Style} from './style.ts';

/** `istio.io/dataplane-mode=ambient`, `istio-injection-`: label changes as kubectl spells them. */
export function labelChanges(op: Operation): string[] {
  const before = op.before?.metadata.labels ?? {};
  const after = op.after?.metadata.labels ?? {};
  const out: string[] = [];
  for (const [k, v] of Object.entries(after)) if (before[k] !== v) out.push(`${k}=${v}`);
  for (const k of Object.keys(before)) if (!(k in after)) out.push(`${k}-`);
  return out;
}

export function describeOperation(op: Operation): string {
  const t = op.target;
  const target = `${t.kind} ${t.namespace ? `${t.namespace}/` : ''}${t.name}`;
  if (op.action === 'label') return `label ${target} ${labelChanges(op).join(' ')}`;
  return `${op.action} ${target}`;
}

const MARK: Record<Operation['action'], string> = {create: '+', update: '~', label: '~', delete: '-', restart: '↻'};

/** The traffic check as text: the summary, then each group and what it means (issue 9 §4). */
export function formatTraffic(report: TrafficReport, style: Style, accepted?: string[]): string[] {
  const tone = {red: style.red, yellow: style.yellow, dim: style.dim, bold: style.bold};
  const lines = reportLines(report, {accepted}).map(l => (l.tone ? tone[l.tone](l.text) : l.text));
  if (report.groups.some(g => g.direction === 'opens') && !accepted) lines.push(style.dim('  apply refuses a final opening unless it is accepted: --accept ID for each group, or --accept known-limitations for the ones the guide documents'));
  return lines;
}

export function formatPlan(plan: Plan, refused: Refusal[], style: Style, traffic?: TrafficReport): string {
  const out: string[] = [];
  if (traffic) out.push(...formatTraffic(traffic, style));
  for (const refusal of refused) out.push(style.red(`refused: ${refusal.message}`));
  for (const namespace of plan.namespaces) {
    const ops = plan.operations.filter(o => o.namespace === namespace);
    const counts = (action: Operation['action']) => ops.filter(o => o.action === action).length;
    out.push('');
    // The five things a reviewer looks for, each counted on its own (label changes are not object edits).
    out.push(style.bold(`Namespace ${namespace}`) + style.dim(`  ${counts('create')} to create, ${counts('update')} to change, ${counts('label')} to label, ${counts('restart')} to restart, ${counts('delete')} to delete`));
    for (const step of STEPS) {
      const inStep = ops.filter(o => o.step === step);
      if (inStep.length === 0) continue;
      out.push(`  ${style.cyan(step)}`);
      for (const op of inStep) {
        const colour = op.action === 'create' ? style.green : op.action === 'delete' ? style.red : style.yellow;
        out.push(`    ${colour(MARK[op.action])} ${describeOperation(op)}${style.dim(`  ${op.reason}`)}`);
      }
    }
    const blockers = plan.findings.filter(f => f.namespaces.includes(namespace) && f.severity === 'blocker');
    if (blockers.length > 0) {
      out.push(`  ${style.red('blockers')}`);
      for (const finding of blockers) out.push(`    ${findingLine(finding, style)}`);
    }
    const warnings = plan.findings.filter(f => f.namespaces.includes(namespace) && f.severity === 'warning');
    if (warnings.length > 0) {
      out.push(`  ${style.cyan('warnings')}`);
      for (const finding of warnings) out.push(`    ${findingLine(finding, style)}`);
    }
  }
  out.push('');
  out.push(`${plan.operations.length} operation${plan.operations.length === 1 ? '' : 's'} in ${plan.namespaces.length} namespace${plan.namespaces.length === 1 ? '' : 's'}; nothing has been written to the cluster`);
  const blockers = plan.findings.filter(f => f.severity === 'blocker').length;
  if (blockers > 0) out.push(style.red(`apply refuses this plan until the ${blockers} blocker${blockers === 1 ? '' : 's'} above ${blockers === 1 ? 'is' : 'are'} resolved`));
  return `${out.join('\n')}\n`;
}

/** Every object the plan creates or changes, one YAML file each, for teams that apply through GitOps. */
export function planFiles(plan: Plan): Array<{path: string; content: string}> {
  const files = new Map<string, string>();
  for (const op of plan.operations) {
    if (!op.after) continue;
    const path = `${op.namespace}/${op.target.kind.toLowerCase()}-${op.target.name}.yaml`;
    // A namespace changed by several label steps ends in its final state.
    files.set(path, yaml.dump(op.after, {noRefs: true, sortKeys: false, lineWidth: -1}));
  }
  return [...files].sort(([a], [b]) => byCodeUnits(a, b)).map(([path, content]) => ({path, content}));
}
