import type {KubeClient} from '../../kube/client.ts';
import {progress, supersededAt, type NamespaceStatus, type StateDocument} from '../state/state.ts';
import {agreesAt, mergePatchBetween, ownedParts} from './diff.ts';
import {kindRefOf} from './execute.ts';
import {byCodeUnits} from '../order.ts';

export interface NamespaceStatusReport {
  name: string;
  status: NamespaceStatus;
  done: number;
  total: number;
  current?: string;
  /** Objects the tool wrote that no longer look as it left them. */
  drift: string[];
  agrees: boolean;
}

/** Where each namespace stands in the state file, and whether the cluster still agrees with it. */
export async function migrationStatus(state: StateDocument, client: KubeClient): Promise<NamespaceStatusReport[]> {
  const out: NamespaceStatusReport[] = [];
  for (const record of Object.values(state.namespaces).sort((a, b) => byCodeUnits(a.name, b.name))) {
    const {done, total, current} = progress(record);
    const drift: string[] = [];
    for (const [i, op] of record.operations.entries()) {
      // An operation whose revert was cut off between its write and its journal entry may be either way.
      if (op.status !== 'done' || op.operation.action === 'restart' || op.revertStartedAt !== undefined) continue;
      const t = op.operation.target;
      if (supersededAt(record.operations, i)) continue;
      const live = await client.get(kindRefOf(t), t.namespace, t.name);
      const where = `${t.kind} ${t.namespace ? `${t.namespace}/` : ''}${t.name}`;
      // A pod is replaced by its controller at any time: its label lives on in the pod template.
      if (!live && t.kind === 'Pod') continue;
      if (op.liveAfter === null) {
        if (live) drift.push(`${where} exists again`);
      } else if (!live) {
        drift.push(`${where} is gone`);
      } else if (op.liveAfter) {
        const changed = mergePatchBetween(ownedParts(op.operation.before), ownedParts(op.operation.after));
        if (!agreesAt(changed, ownedParts(live), ownedParts(op.liveAfter))) drift.push(`${where} was changed`);
      }
    }
    out.push({
      name: record.name,
      status: record.status,
      done,
      total,
      current: current ? `${current.operation.step}: ${current.operation.action} ${current.operation.target.kind} ${current.operation.target.name} (${current.status})` : undefined,
      drift,
      agrees: drift.length === 0,
    });
  }
  return out;
}
