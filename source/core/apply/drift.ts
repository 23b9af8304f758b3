import type {KubeClient} from '../../kube/client.ts';
import {KINDS} from '../../kube/kinds.ts';
import {MANAGED_BY} from '../plan/types.ts';
import {supersededAt, type NamespaceRecord} from '../state/state.ts';
import {agreesAt, differencesAt, mergePatchBetween, ownedParts} from './diff.ts';
import {kindRefOf} from './execute.ts';

export interface StateDrift {
  /** `changed`: an object the tool wrote is no longer as it left it. `foreign`: the cluster has a change this state file has not made. */
  kind: 'changed' | 'foreign';
  message: string;
  /** `kubectl -n NS edit kind name`, to look at it or put it back. */
  edit: string;
}

const MANAGED_KEY = Object.keys(MANAGED_BY)[0]!;

/**
 * Where the state file and the cluster disagree about a namespace, read before any write: an object the
 * tool wrote (`done`) was changed, deleted or re-created since; or an operation still `pending` here is
 * already in the cluster, made by ambient-migrate (its label) or with exactly this change, which is what
 * another workdir migrating the namespace leaves. Operations in flight (`started`, `failed`) are undecided
 * by nature and left to the run, which reads them live.
 */
export async function stateDrift(client: KubeClient, record: NamespaceRecord): Promise<StateDrift[]> {
  const out: StateDrift[] = [];
  // One read per object: the three label steps share the Namespace.
  const reads = new Map<string, ReturnType<KubeClient['get']>>();
  const read = (kind: ReturnType<typeof kindRefOf>, namespace: string | undefined, name: string) => {
    const key = `${kind.group}/${kind.plural}/${namespace ?? ''}/${name}`;
    if (!reads.has(key)) reads.set(key, client.get(kind, namespace, name));
    return reads.get(key)!;
  };
  for (const [i, op] of record.operations.entries()) {
    const o = op.operation;
    if (o.action === 'restart') continue;
    const t = o.target;
    if (op.status === 'done' && supersededAt(record.operations, i)) continue;
    const kind = kindRefOf(t);
    const where = `${t.kind} ${t.namespace ? `${t.namespace}/` : ''}${t.name}`;
    const edit = `kubectl ${t.namespace ? `-n ${t.namespace} ` : ''}edit ${kind.group ? `${kind.plural}.${kind.group}` : kind.plural} ${t.name}`;
    const changed = mergePatchBetween(ownedParts(o.before), ownedParts(o.after));
    if (op.status === 'done' && op.revertStartedAt === undefined) {
      const live = await read(kind, t.namespace, t.name);
      if (op.liveAfter === null) {
        if (live) out.push({kind: 'changed', message: `${where} exists again, though ambient-migrate deleted it`, edit});
      } else if (!live) {
        if (t.kind === 'Pod') continue;
        out.push({kind: 'changed', message: `${where} is gone, though ambient-migrate ${o.action === 'create' ? 'created' : 'changed'} it`, edit});
      } else if (op.liveAfter && !agreesAt(changed, ownedParts(live), ownedParts(op.liveAfter))) {
        const what = differencesAt(changed, ownedParts(live), ownedParts(op.liveAfter)).map(d => d.replace('(the plan expected', '(ambient-migrate left'));
        out.push({kind: 'changed', message: `${where} was changed after ambient-migrate wrote it: ${what.join('; ')}`, edit});
      }
    } else if (op.status === 'pending') {
      const live = await read(kind, t.namespace, t.name);
      if (!live) continue;
      if (o.action === 'create' && live.metadata.labels?.[MANAGED_KEY] === MANAGED_BY[MANAGED_KEY as keyof typeof MANAGED_BY]) {
        out.push({kind: 'foreign', message: `${where} exists and carries ${MANAGED_KEY}=${MANAGED_BY[MANAGED_KEY as keyof typeof MANAGED_BY]}, but this state file has not created it yet`, edit});
      } else if ((o.action === 'label' || o.action === 'update') && o.before && !agreesAt(changed, ownedParts(live), ownedParts(o.before)) && agreesAt(changed, ownedParts(live), ownedParts(o.after))) {
        out.push({kind: 'foreign', message: `${where} already has the change this state file has yet to make (${describeChange(changed)})`, edit});
      }
    }
  }
  return out;
}

function describeChange(patch: unknown): string {
  const labels = (patch as {metadata?: {labels?: Record<string, string | null>}})?.metadata?.labels;
  if (labels && Object.keys(patch as object).length === 1 && Object.keys((patch as {metadata: object}).metadata).length === 1) {
    return Object.entries(labels).map(([k, v]) => (v === null ? `label ${k} removed` : `label ${k}=${v}`)).join(', ');
  }
  return `at ${Object.keys(patch as object).join(', ')}`;
}

/** The stop message: what differs, and the command for each way on. */
export async function driftMessage(client: KubeClient, namespace: string, drift: StateDrift[]): Promise<string> {
  const lines = [`the state file does not match the cluster in ${namespace}; nothing was written:`];
  for (const d of drift) lines.push(`  - ${d.message}`);
  const foreign = drift.some(d => d.kind === 'foreign');
  let lastHolder = '';
  let thatWorkdir = 'THAT_WORKDIR';
  if (foreign) {
    // The Lease a run of the tool leaves released in the namespace names who held it last (cluster-lease.ts).
    const lease = await client.get(KINDS.lease, namespace, 'ambient-migrate').catch(() => undefined);
    const a = lease?.metadata.annotations ?? {};
    // This run holds it now; the annotations keep who held it before, from another workdir.
    if (a['ambient-migrate/previous-workdir']) {
      thatWorkdir = a['ambient-migrate/previous-workdir'];
      lastHolder = ` (the Lease ${namespace}/ambient-migrate was held before by ${a['ambient-migrate/previous-command'] ?? 'a run'} of ${a['ambient-migrate/previous-holder'] ?? 'someone'}, workdir ${a['ambient-migrate/previous-workdir']})`;
    }
  }
  lines.push('Choose one:');
  if (foreign) {
    lines.push(`  - another workdir has migrated ${namespace}${lastHolder}: go on from there, ambient-migrate apply -n ${namespace} --yes --workdir ${thatWorkdir}, or undo it from there (ambient-migrate revert -n ${namespace} --yes --workdir ${thatWorkdir}) and run apply here again`);
  }
  const changed = drift.filter(d => d.kind === 'changed');
  if (changed.length) {
    lines.push(`  - put ${changed.length === 1 ? 'it' : 'them'} back as ambient-migrate left ${changed.length === 1 ? 'it' : 'them'} (${[...new Set(changed.map(d => d.edit))].join('; ')}), then run ambient-migrate apply -n ${namespace} --yes`);
    lines.push(`  - undo what this workdir did: ambient-migrate revert -n ${namespace} --yes (a changed object is asked about on a terminal, skipped and listed otherwise)`);
  }
  lines.push(`  - keep the cluster as it is and go on with this state file: ambient-migrate apply -n ${namespace} --yes --accept-drift`);
  return lines.join('\n');
}
