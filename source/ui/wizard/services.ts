import type {ApplyEvent} from '../../core/apply/execute.ts';
import type {ConflictChoice} from '../../core/apply/revert.ts';
import type {AuditReport} from '../../core/audit/types.ts';
import type {Plan} from '../../core/plan/types.ts';
import type {Refusal} from '../../core/plan/planner.ts';
import type {TrafficReport} from '../../core/traffic/report.ts';
import type {NamespaceStatus} from '../../core/state/state.ts';

/** What the first screen shows about the cluster and what the workdir holds for it. */
export interface SessionInfo {
  context: string;
  server: string;
  kubernetesVersion: string;
  istio: string;
  /** How many namespaces run sidecars, ambient, both, or no mesh. */
  namespaceModes: Record<'sidecar' | 'ambient' | 'mixed' | 'none', number>;
  workdir: string;
  /** A migration recorded for this cluster, if any. */
  recorded?: {
    namespaces: Array<{name: string; status: NamespaceStatus; done: number; total: number; next?: string}>;
    updatedAt: string;
  };
  latestBackup?: string;
}

export interface BackupPreview {
  kinds: Array<{name: string; count: number}>;
  total: number;
}

export interface BackupResult {
  path: string;
  total: number;
}

export interface RunResult {
  ok: boolean;
  message: string;
  /** The namespace the run stopped in, when it stopped in one (what Skip and Revert act on). */
  namespace?: string;
  /** Objects revert left alone because someone changed them after the tool did. */
  skipped?: Array<{operationId: string; reason: string}>;
}

/**
 * Everything the wizard can ask of the cluster and the workdir. The Ink components only call these
 * intents and render what comes back; tests give the wizard a fake.
 */
export interface PlanResult {
  plan: Plan;
  refused: Refusal[];
  traffic?: TrafficReport;
}

export interface WizardServices {
  session(): Promise<SessionInfo>;
  /** Keeps the current state file under a new name and starts a fresh one. */
  startOver(): Promise<string>;
  backupPreview(): Promise<BackupPreview>;
  backup(): Promise<BackupResult>;
  audit(): Promise<AuditReport>;
  /** `traffic`: the equivalence check of the plan (issue 9 §4), when the services run it. */
  plan(namespaces: string[]): Promise<PlanResult>;
  /** `accepted`: the opening groups the user accepted in Preview, recorded with the plan. */
  apply(namespaces: string[], hooks: {onEvent(event: ApplyEvent): void; stopRequested(): boolean; accepted?: string[]}): Promise<RunResult>;
  revert(
    namespaces: string[],
    hooks: {onEvent(event: ApplyEvent): void; stopRequested(): boolean; onConflict(why: string): Promise<ConflictChoice>},
  ): Promise<RunResult>;
  close(): Promise<void>;
}
