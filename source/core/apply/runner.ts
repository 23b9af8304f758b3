import type {StateDocument} from '../state/state.ts';
import {applyNamespace, type ApplyDeps} from './execute.ts';
import {verifyNamespace, type Verification} from './verify.ts';

/** What a run did for one namespace, checked against the cluster: this decides the exit code and the state. */
export interface NamespaceOutcome {
  namespace: string;
  /** Every operation is done and every pod runs without a sidecar, redirected by ztunnel. */
  verified: boolean;
  verification?: Verification;
  dryRun: boolean;
}

/**
 * The one apply runner, for the CLI and the wizard alike: runs (or resumes) a namespace's plan, then checks
 * the pods. A namespace is `done` only when the check passes; otherwise it is `unverified`, with the pods
 * and what to do recorded in the state file, and the caller must not report success.
 */
export async function migrateNamespace(state: StateDocument, namespace: string, deps: ApplyDeps): Promise<NamespaceOutcome> {
  await applyNamespace(state, namespace, deps);
  if (deps.dryRun) return {namespace, verified: true, dryRun: true};
  const verification = await verifyNamespace(deps.client, namespace);
  const record = state.namespaces[namespace]!;
  record.status = verification.ok ? 'done' : 'unverified';
  record.verification = {checkedAt: deps.now().toISOString(), ok: verification.ok, message: verification.message};
  state.updatedAt = deps.now().toISOString();
  await deps.persist(state);
  return {namespace, verified: verification.ok, verification, dryRun: false};
}
