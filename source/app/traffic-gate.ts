import type {Inventory} from '../core/inventory.ts';
import type {Plan} from '../core/plan/types.ts';
import type {StateDocument} from '../core/state/state.ts';
import {acceptedGroupIds, DEFAULT_BUDGET_MS, trafficReport, unacceptedOpenings, type ChangeGroup, type TrafficReport} from '../core/traffic/report.ts';

/**
 * The traffic check in front of `apply` (issue 9 §4): a final `opens` is a blocker unless its group is
 * accepted by id (`--accept ID`, or `--accept known-limitations` for the groups the guide documents).
 * Windows and closes are reported for acknowledgement, never refused.
 */
export interface TrafficGate {
  report: TrafficReport;
  refused: ChangeGroup[];
  accepted: string[];
}

export function trafficGate(inventory: Inventory, plan: Plan, accept: string[] = [], budgetMs = DEFAULT_BUDGET_MS): TrafficGate {
  const report = trafficReport(inventory, plan, {budgetMs});
  return {report, refused: unacceptedOpenings(report, accept), accepted: acceptedGroupIds(report, accept)};
}

/** The refusal, one group a line with what it means, and how to accept. */
export function refusalLines(gate: TrafficGate): string[] {
  const lines = [`refused: the plan opens traffic in ${gate.refused.length} group${gate.refused.length === 1 ? '' : 's'} of requests (${gate.report.summary}):`];
  for (const g of gate.refused) lines.push(`  ${g.id}`, `      ${g.meaning}`);
  const limits = gate.refused.filter(g => g.knownLimitation).length;
  lines.push(`accept each with --accept '<id>'${limits > 0 ? `, or the ${limits} the guide documents as known limitations with --accept known-limitations` : ''}`);
  return lines;
}

/** Records, with each namespace's plan, the check's summary, the opening groups accepted and the final groups expected (what `verify` compares with). */
export function recordTraffic(state: StateDocument, namespaces: string[], gate: TrafficGate): void {
  for (const namespace of namespaces) {
    const record = state.namespaces[namespace];
    if (!record) continue;
    const mine = (id: string) => id.includes(`->${namespace}/`) || id.includes(`->gateway/${namespace}/`) || id.includes(`->pods/${namespace}/`);
    record.traffic = {
      summary: gate.report.summary,
      classes: gate.report.classes,
      accepted: gate.accepted.filter(mine),
      expected: gate.report.groups.map(g => g.id).filter(mine),
      ...(gate.report.skipped ? {skipped: gate.report.skipped} : {}),
    };
  }
}
