import type {KubeObject} from '../../kube/client.ts';
import type {ClusterIdentity} from '../cluster-identity.ts';
import type {Operation} from '../plan/types.ts';

export const STATE_SCHEMA_VERSION = 1;

/**
 * `started` is written before a write is sent and `done` after it is confirmed; a run killed in between
 * leaves `started`, and the next run checks the live object to learn whether the write landed.
 */
export type OperationStatus = 'pending' | 'started' | 'done' | 'failed' | 'reverted' | 'skipped';

export interface OperationRecord {
  operation: Operation;
  status: OperationStatus;
  /** The live object just before the tool wrote it (null: it did not exist). What revert restores. */
  liveBefore?: KubeObject | null;
  /** The live object as the tool left it (null: deleted). Revert compares with it to spot others' changes. */
  liveAfter?: KubeObject | null;
  /** For restarts: the `kubectl.kubernetes.io/restartedAt` value written, so a re-run recognises it. */
  restartedAt?: string;
  startedAt?: string;
  finishedAt?: string;
  revertedAt?: string;
  /**
   * Written before revert sends the write that undoes this operation: a revert killed before it journals
   * `reverted` leaves it, and the operation's effect is then undecided (undone or not), like `started`.
   */
  revertStartedAt?: string;
  /** For restarts: the `restartedAt` value revert wrote, so a retry or a resumed revert does not restart twice. */
  revertRestartedAt?: string;
  error?: string;
}

/**
 * `unverified`: every operation is done, but the last check found pods that still run a sidecar or that
 * ztunnel does not redirect; apply again once they are dealt with (the message says how).
 */
export type NamespaceStatus = 'planned' | 'applying' | 'done' | 'unverified' | 'failed' | 'reverting' | 'reverted';

export interface NamespaceRecord {
  name: string;
  status: NamespaceStatus;
  plannedAt: string;
  operations: OperationRecord[];
  /** The check after the last operation: which pods are not yet in ambient mode, and what to do. */
  verification?: {checkedAt: string; ok: boolean; message: string};
  /** The traffic check of the plan: its summary, the opening groups accepted (`--accept`) and every final group it predicted. */
  traffic?: {summary: string; classes: number; accepted: string[]; expected: string[]; skipped?: string};
}

export interface StateDocument {
  schemaVersion: typeof STATE_SCHEMA_VERSION;
  tool: 'ambient-migrate';
  cluster: ClusterIdentity;
  createdAt: string;
  updatedAt: string;
  /** The backup taken before the first write (a directory under the workdir). */
  backup?: string;
  namespaces: Record<string, NamespaceRecord>;
}

export type StateProblem =
  | {kind: 'corrupt'; message: string}
  | {kind: 'unknown-version'; message: string; version: unknown}
  | {kind: 'other-cluster'; message: string; cluster: ClusterIdentity};

export function newState(cluster: ClusterIdentity, now: Date): StateDocument {
  const at = now.toISOString();
  return {schemaVersion: STATE_SCHEMA_VERSION, tool: 'ambient-migrate', cluster, createdAt: at, updatedAt: at, namespaces: {}};
}

/** Parses a state file, or says exactly why it cannot be used; it never repairs or guesses. */
export function parseState(text: string): StateDocument | StateProblem {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return {kind: 'corrupt', message: `it is not valid JSON (${(error as Error).message})`};
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return {kind: 'corrupt', message: 'it is not a JSON object'};
  const doc = parsed as Partial<StateDocument>;
  if (doc.tool !== 'ambient-migrate') return {kind: 'corrupt', message: 'it was not written by ambient-migrate (no "tool": "ambient-migrate")'};
  if (doc.schemaVersion !== STATE_SCHEMA_VERSION) {
    return {kind: 'unknown-version', version: doc.schemaVersion, message: `it has schema version ${JSON.stringify(doc.schemaVersion)}, and this ambient-migrate reads version ${STATE_SCHEMA_VERSION}`};
  }
  const shapeError = checkShape(doc);
  if (shapeError) return {kind: 'corrupt', message: shapeError};
  return doc as StateDocument;
}

function checkShape(doc: Partial<StateDocument>): string | undefined {
  if (!doc.cluster || typeof doc.cluster.server !== 'string' || typeof doc.cluster.kubeSystemUid !== 'string') return 'its "cluster" is missing or incomplete';
  if (!doc.namespaces || typeof doc.namespaces !== 'object') return 'its "namespaces" is missing';
  for (const [name, ns] of Object.entries(doc.namespaces)) {
    if (!ns || ns.name !== name || !Array.isArray(ns.operations)) return `namespace "${name}" is malformed`;
    for (const [i, record] of ns.operations.entries()) {
      if (!record?.operation?.id || !record.status) return `operation ${i} of namespace "${name}" is malformed`;
    }
  }
  return undefined;
}

export function isProblem(value: StateDocument | StateProblem): value is StateProblem {
  return 'kind' in value && !('schemaVersion' in value);
}

/**
 * A later operation of the record on the same object is already under way or done (an update, then the
 * clean-up's delete of that policy): that later operation decides what the cluster shows, not this one.
 */
export function supersededAt(operations: OperationRecord[], index: number): boolean {
  const t = operations[index]!.operation.target;
  return operations.slice(index + 1).some(l => l.status !== 'pending' && l.status !== 'reverted' && l.operation.target.kind === t.kind && l.operation.target.namespace === t.namespace && l.operation.target.name === t.name);
}

/** Records a plan for a namespace; refuses to replace one that has writes on record. */
export function recordPlan(state: StateDocument, namespace: string, operations: Operation[], now: Date): NamespaceRecord {
  const existing = state.namespaces[namespace];
  if (existing && existing.operations.some(r => r.status === 'started' || r.status === 'done' || r.status === 'failed')) return existing;
  const record: NamespaceRecord = {
    name: namespace,
    status: 'planned',
    plannedAt: now.toISOString(),
    operations: operations.map(operation => ({operation, status: 'pending'})),
  };
  state.namespaces[namespace] = record;
  return record;
}

/** Where a namespace stands, in a word a person understands. */
export function progress(record: NamespaceRecord): {done: number; total: number; current?: OperationRecord} {
  const total = record.operations.length;
  const done = record.operations.filter(r => r.status === 'done' || r.status === 'skipped').length;
  const current = record.operations.find(r => r.status !== 'done' && r.status !== 'skipped' && r.status !== 'reverted');
  return {done, total, current};
}
