import type {Finding} from '../../../core/audit/types.ts';

/** `Kind namespace/name`, as the finding lines show the resource in brackets. */
export function resourceLabel(finding: Finding): string {
  const r = finding.resource;
  return `${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name}`;
}

/**
 * The message without its leading resource. Messages name their resource so they stand alone (in JSON);
 * a line that already shows it in brackets would say it twice and push the point past the screen's edge
 * (the same rule as `findingLine` in source/app/audit-format.ts).
 */
export function findingMessage(finding: Finding): string {
  const prefix = `${resourceLabel(finding)} `;
  return finding.message.startsWith(prefix) ? finding.message.slice(prefix.length) : finding.message;
}
