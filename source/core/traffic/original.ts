import type {Inventory} from '../inventory.ts';
import type {Operation} from '../plan/types.ts';
import type {StateDocument} from '../state/state.ts';
import {applyOperations} from './apply.ts';

/**
 * The cluster as it was before the migration, rebuilt from the live one and the state file (for `verify`):
 * every done write undone with its recorded `liveBefore` (an object the tool created is removed), newest
 * first, and then each restarted workload restarted again on that state, so its pods get the mode Istio
 * gives them under the original labels (`apply.ts` restart, `mode.ts` decideMode).
 */
export function originalInventory(live: Inventory, state: StateDocument, namespaces: string[]): Inventory {
  const undo: Operation[] = [];
  const restarts: Operation[] = [];
  for (const namespace of namespaces) {
    const records = state.namespaces[namespace]?.operations ?? [];
    for (const record of [...records].reverse()) {
      if (record.status !== 'done') continue;
      const op = record.operation;
      if (op.action === 'restart') {
        restarts.unshift(op);
        continue;
      }
      const before = record.liveBefore === undefined ? op.before : record.liveBefore;
      undo.push({...op, action: before ? 'update' : 'delete', before: record.liveAfter ?? op.after, after: before ?? null});
    }
  }
  return applyOperations(live, [...undo, ...restarts]);
}
