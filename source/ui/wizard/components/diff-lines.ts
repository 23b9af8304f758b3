import {structuredPatch} from 'diff';
import yaml from 'js-yaml';
import type {Operation, Plan} from '../../../core/plan/types.ts';
import {findingMessage, resourceLabel} from './finding-text.ts';

export interface Line {
  text: string;
  color?: 'green' | 'red' | 'cyan' | 'yellow';
  bold?: boolean;
  dim?: boolean;
  /** The operation this line belongs to, for jumping between operations. */
  op?: number;
}

const toYaml = (value: unknown) => (value ? yaml.dump(value, {noRefs: true, lineWidth: -1}) : '');

/** A unified YAML diff of one operation, as `kubectl diff` would show it. */
export function operationDiff(op: Operation): Line[] {
  if (op.action === 'restart') return [];
  const before = toYaml(op.before);
  const after = toYaml(op.after);
  const patch = structuredPatch('before', 'after', before, after, '', '', {context: 2});
  const out: Line[] = [];
  for (const hunk of patch.hunks) {
    out.push({text: `@@ -${hunk.oldStart},${hunk.oldLines} +${hunk.newStart},${hunk.newLines} @@`, color: 'cyan', dim: true});
    for (const line of hunk.lines) {
      if (line.startsWith('+')) out.push({text: line, color: 'green'});
      else if (line.startsWith('-')) out.push({text: line, color: 'red'});
      else if (!line.startsWith('\\')) out.push({text: line, dim: true});
    }
  }
  return out;
}

function title(op: Operation): string {
  const t = op.target;
  return `${op.action} ${t.kind} ${t.namespace ? `${t.namespace}/` : ''}${t.name}`;
}

/**
 * Word-wraps `text` to `width` columns, keeping its leading spaces; continuation lines get `indent`. A word
 * longer than a line is cut.
 */
export function wrapText(text: string, width: number, indent: string): string[] {
  const out: string[] = [];
  const lead = /^ */.exec(text)![0];
  let line = lead;
  for (const word of text.slice(lead.length).split(' ')) {
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

/**
 * The whole preview as lines: per namespace and step, each operation with its diff, then warnings. The
 * warnings are wrapped to `width`: the user acknowledges them, so they are shown whole, never cut.
 */
export function previewLines(plan: Plan, width = Number.POSITIVE_INFINITY): Line[] {
  const lines: Line[] = [];
  plan.operations.forEach((op, index) => {
    const first = index === 0 || plan.operations[index - 1]!.namespace !== op.namespace;
    if (first) lines.push({text: `Namespace ${op.namespace}`, bold: true});
    const newStep = first || plan.operations[index - 1]!.step !== op.step;
    if (newStep) lines.push({text: `  ${op.step}`, color: 'cyan'});
    const mark = op.action === 'create' ? '+' : op.action === 'delete' ? '-' : op.action === 'restart' ? '↻' : '~';
    lines.push({text: `    ${mark} ${title(op)}  — ${op.reason}`, color: op.action === 'create' ? 'green' : op.action === 'delete' ? 'red' : 'yellow', op: index});
    for (const line of operationDiff(op)) lines.push({...line, text: `      ${line.text}`, op: index});
  });
  const warnings = plan.findings.filter(f => f.severity !== 'info');
  if (warnings.length > 0) {
    lines.push({text: ''});
    lines.push({text: `Warnings to acknowledge (${warnings.length})`, bold: true, color: 'yellow'});
    for (const f of warnings) {
      const color = f.severity === 'blocker' ? 'red' : 'yellow';
      for (const text of wrapText(`  [${f.id}] (${resourceLabel(f)}) ${findingMessage(f)}`, width, '    ')) lines.push({text, color});
    }
  }
  return lines;
}
