/**
 * A fake `WizardServices` for the Ink tests, built from real data: the audit report and the plans come from
 * `auditInventory` and `planMigration` over the demo cluster's inventory (read once from the simulator), so
 * the screens render what they would render on the demo cluster. Every call is recorded; apply and revert
 * hand their hooks to the test, which plays the run's events and decides how it ends.
 */
import type {ApplyEvent} from '../../source/core/apply/execute.ts';
import type {ConflictChoice} from '../../source/core/apply/revert.ts';
import {auditInventory} from '../../source/core/audit/audit.ts';
import {AUDIT_KINDS} from '../../source/core/audit/context.ts';
import type {AuditReport, NamespaceReadiness} from '../../source/core/audit/types.ts';
import {loadInventory, type Inventory} from '../../source/core/inventory.ts';
import {planMigration, type Refusal} from '../../source/core/plan/planner.ts';
import type {Operation, Plan} from '../../source/core/plan/types.ts';
import type {OperationRecord} from '../../source/core/state/state.ts';
import {connect} from '../../source/kube/http-client.ts';
import type {BackupPreview, BackupResult, PlanResult, RunResult, SessionInfo, WizardServices} from '../../source/ui/wizard/services.ts';
import {trafficReport} from '../../source/core/traffic/report.ts';
import {startDemoSimulator} from './cluster.ts';

export interface DemoData {
  inventory: Inventory;
  cluster: {context: string; server: string; kubernetesVersion: string};
  report: AuditReport;
}

let demo: Promise<DemoData> | undefined;

/** The demo cluster's inventory and audit, read once per test process (well under a second). */
export function demoData(): Promise<DemoData> {
  demo ??= (async () => {
    const cluster = await startDemoSimulator();
    try {
      await cluster.sim.settled();
      const inventory = await loadInventory(connect({kubeconfig: cluster.kubeconfig}), AUDIT_KINDS);
      const info = {context: 'ambient-migrate-demo', server: 'https://demo.example:6443', kubernetesVersion: 'v1.32.4'};
      return {inventory, cluster: info, report: auditInventory(inventory, info)};
    } finally {
      await cluster.close();
    }
  })();
  return demo;
}

/** A deep copy, so a test can change a report without touching the others'. */
export const copy = <T>(value: T): T => structuredClone(value);

export interface FakeRun {
  kind: 'apply' | 'revert';
  namespaces: string[];
  onEvent(event: ApplyEvent): void;
  stopRequested(): boolean;
  /** Revert only: asks the user, as the real revert does when someone else changed an object. */
  onConflict(why: string): Promise<ConflictChoice>;
  finish(result: RunResult): void;
  /** Plays `operation-started` and `operation-done` for each operation, as the core reports them. */
  play(operations: Operation[], options?: {stopAfterStarted?: boolean}): void;
}

export interface Call {
  method: keyof WizardServices;
  args: unknown[];
}

export class FakeServices implements WizardServices {
  readonly calls: Call[] = [];
  readonly runs: FakeRun[] = [];
  sessionInfo: SessionInfo;
  /** What `audit()` returns next; a test replaces it to show that `r` reads again. */
  report: AuditReport;
  backupPreviewValue: BackupPreview = {
    kinds: [
      {name: 'namespaces', count: 9},
      {name: 'deployments.apps', count: 15},
      {name: 'virtualservices.networking.istio.io', count: 2},
      {name: 'authorizationpolicies.security.istio.io', count: 6},
    ],
    total: 32,
  };
  backupResult: BackupResult = {path: '/work/ambient-migration/backups/20260101T000000Z', total: 32};
  keptStateAs = '/work/ambient-migration/state.2026-01-01T00-00-00-000Z.json';

  constructor(
    readonly data: DemoData,
    options: {session?: Partial<SessionInfo>; report?: AuditReport} = {},
  ) {
    this.report = options.report ?? copy(data.report);
    this.sessionInfo = {
      context: data.cluster.context,
      server: data.cluster.server,
      kubernetesVersion: data.cluster.kubernetesVersion,
      istio: '1.28.2 · revision default (istio-system/istiod)',
      namespaceModes: modesOf(this.report.namespaces),
      workdir: '/work/ambient-migration',
      ...options.session,
    };
  }

  private record(method: keyof WizardServices, ...args: unknown[]): void {
    this.calls.push({method, args});
  }

  count(method: keyof WizardServices): number {
    return this.calls.filter(c => c.method === method).length;
  }

  argsOf(method: keyof WizardServices): unknown[][] {
    return this.calls.filter(c => c.method === method).map(c => c.args);
  }

  lastRun(): FakeRun {
    const run = this.runs.at(-1);
    if (!run) throw new Error('no apply or revert has started');
    return run;
  }

  /** The real plan of the demo cluster for these namespaces. */
  planOf(namespaces: string[]): PlanResult {
    const {plan, refused} = planMigration(this.data.inventory, this.data.cluster, namespaces);
    // The traffic check only when a test asks for it (`withTraffic`): the real one, on the demo's inventory.
    return this.withTraffic ? {plan, refused, traffic: trafficReport(this.data.inventory, plan)} : {plan, refused};
  }

  /** Plans carry the real traffic check, as the real services' do. */
  withTraffic = false;
  /** The opening groups the last apply was given. */
  acceptedTraffic: string[] | undefined;

  async session(): Promise<SessionInfo> {
    this.record('session');
    return copy(this.sessionInfo);
  }

  async startOver(): Promise<string> {
    this.record('startOver');
    this.sessionInfo = {...this.sessionInfo, recorded: undefined};
    return this.keptStateAs;
  }

  async backupPreview(): Promise<BackupPreview> {
    this.record('backupPreview');
    return this.backupPreviewValue;
  }

  async backup(): Promise<BackupResult> {
    this.record('backup');
    this.sessionInfo = {...this.sessionInfo, latestBackup: this.backupResult.path};
    return this.backupResult;
  }

  async audit(): Promise<AuditReport> {
    this.record('audit');
    return copy(this.report);
  }

  async plan(namespaces: string[]): Promise<PlanResult> {
    this.record('plan', namespaces);
    return this.planOf(namespaces);
  }

  apply(namespaces: string[], hooks: {onEvent(event: ApplyEvent): void; stopRequested(): boolean; accepted?: string[]}): Promise<RunResult> {
    this.record('apply', namespaces);
    this.acceptedTraffic = hooks.accepted;
    return this.startRun('apply', namespaces, {...hooks, onConflict: () => Promise.reject(new Error('apply has no conflicts'))});
  }

  revert(
    namespaces: string[],
    hooks: {onEvent(event: ApplyEvent): void; stopRequested(): boolean; onConflict(why: string): Promise<ConflictChoice>},
  ): Promise<RunResult> {
    this.record('revert', namespaces);
    return this.startRun('revert', namespaces, hooks);
  }

  async close(): Promise<void> {
    this.record('close');
  }

  private startRun(kind: FakeRun['kind'], namespaces: string[], hooks: Pick<FakeRun, 'onEvent' | 'stopRequested' | 'onConflict'>): Promise<RunResult> {
    return new Promise<RunResult>(resolve => {
      const run: FakeRun = {
        kind,
        namespaces,
        ...hooks,
        finish: resolve,
        play(operations, options = {}) {
          operations.forEach((operation, index) => {
            const record: OperationRecord = {operation, status: 'done'};
            const event = {namespace: operation.namespace, record, index, total: operations.length};
            hooks.onEvent({type: 'operation-started', ...event});
            if (options.stopAfterStarted && index === operations.length - 1) return;
            hooks.onEvent({type: 'operation-done', ...event, alreadyDone: false});
          });
        },
      };
      this.runs.push(run);
    });
  }
}

export function modesOf(namespaces: NamespaceReadiness[]): SessionInfo['namespaceModes'] {
  const modes = {sidecar: 0, ambient: 0, mixed: 0, none: 0};
  for (const n of namespaces) modes[n.mode]++;
  return modes;
}

/** A report with `count` namespaces (every fifth blocked, every seventh done), for the long-list test. */
export function manyNamespaces(base: AuditReport, count: number): AuditReport {
  const namespaces: NamespaceReadiness[] = Array.from({length: count}, (_, i) => {
    const name = `team-${String(i + 1).padStart(5, '0')}`;
    if (i % 5 === 4) return {name, mode: 'sidecar', readiness: 'blocked', reasons: ['blocker/peer-authentication-disable']};
    if (i % 7 === 6) return {name, mode: 'ambient', readiness: 'done', reasons: []};
    return {name, mode: 'sidecar', readiness: 'ready', reasons: []};
  });
  return {...copy(base), namespaces};
}
