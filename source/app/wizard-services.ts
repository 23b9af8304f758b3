import {existsSync, renameSync} from 'node:fs';
import path from 'node:path';
import {ApplyStopped} from '../core/apply/execute.ts';
import {revertNamespace} from '../core/apply/revert.ts';
import {migrateNamespace} from '../core/apply/runner.ts';
import {auditInventory} from '../core/audit/audit.ts';
import {AUDIT_KINDS} from '../core/audit/context.ts';
import {BACKUP_KINDS, buildBackup} from '../core/backup/backup.ts';
import {loadInventory, type Inventory} from '../core/inventory.ts';
import {readOverview} from '../core/overview.ts';
import {planMigration} from '../core/plan/planner.ts';
import type {Plan} from '../core/plan/types.ts';
import type {ConnectOptions} from '../kube/http-client.ts';
import {newState, progress, recordPlan} from '../core/state/state.ts';
import {originalInventory} from '../core/traffic/original.ts';
import {acceptedGroupIds, DEFAULT_BUDGET_MS, trafficReport, unacceptedOpenings, verifyReport, type TrafficReport} from '../core/traffic/report.ts';
import {recordTraffic} from './traffic-gate.ts';
import {verifyText} from './verify-command.ts';
import type {RunResult, WizardServices} from '../ui/wizard/services.ts';
import {CLUSTER_FROM_IS_NEW} from './apply-command.ts';
import {acquireLeases, guardedClient, localHolder, type ClusterLeases} from './cluster-lease.ts';
import {UserFacingError} from './errors.ts';
import {openMigrationSession, type SessionFlags} from './migration-session.ts';
import {statePath} from './state-store.ts';
import {latestBackupFor, writeBackup} from './workdir.ts';

const sleep = (ms: number) => new Promise<void>(r => setTimeout(r, ms));

/** The wizard's intents, implemented with the same core functions as the commands. */
export async function createWizardServices(flags: SessionFlags, notify: (message: string) => void, options: {connect?: Partial<ConnectOptions>} = {}): Promise<WizardServices> {
  const session = await openMigrationSession(flags, 'wizard', notify, {controllerDelayMs: flags.demo ? 150 : 0, connect: options.connect});
  const client = session.connection.client;
  let state = session.state;
  let auditInventoryCache: Inventory | undefined;
  let lastPlan: Plan | undefined;
  let lastTraffic: TrafficReport | undefined;
  const cluster = () => ({context: session.identity.context, server: session.identity.server, kubernetesVersion: session.kubernetesVersion});
  const save = () => session.save(state);
  /** The namespaces' Leases for one apply or revert (see cluster-lease.ts), or why another run holds them. */
  const withLeases = async <T extends RunResult>(namespaces: string[], command: string, run: (client: typeof session.connection.client) => Promise<T>): Promise<T | RunResult> => {
    let leases: ClusterLeases;
    try {
      leases = await acquireLeases(client, namespaces, localHolder(`wizard ${command}`, session.workdir), notify, {durationSeconds: flags.leaseDurationSeconds});
    } catch (error) {
      if (error instanceof UserFacingError) return {ok: false, message: error.message};
      throw error;
    }
    try {
      return await run(guardedClient(client, leases));
    } finally {
      await leases.release({remove: ns => !state.namespaces[ns] || state.namespaces[ns]!.status === 'reverted' || state.namespaces[ns]!.operations.every(o => o.status === 'pending')});
    }
  };

  return {
    async session() {
      const overview = await readOverview(client);
      const planes = overview.controlPlanes;
      const recorded = Object.values(state.namespaces).filter(n => n.operations.some(o => o.status !== 'pending'));
      return {
        context: session.identity.context,
        server: session.identity.server,
        kubernetesVersion: session.kubernetesVersion,
        istio: planes.length ? planes.map(p => `${p.version ?? '?'} · revision ${p.revision} (${p.namespace}/${p.deployment})`).join(', ') : 'not found (no istiod Deployment)',
        namespaceModes: overview.namespaceModes,
        workdir: session.workdir,
        latestBackup: latestBackupFor(session.workdir, session.identity)?.path,
        recorded: recorded.length
          ? {
              updatedAt: state.updatedAt,
              namespaces: recorded.map(n => {
                const p = progress(n);
                return {name: n.name, status: n.status, done: p.done, total: p.total, next: p.current ? `${p.current.operation.step}: ${p.current.operation.action} ${p.current.operation.target.kind} ${p.current.operation.target.name}` : undefined};
              }),
            }
          : undefined,
      };
    },
    async startOver() {
      const file = statePath(session.workdir);
      const kept = path.join(session.workdir, `state.${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
      if (existsSync(file)) renameSync(file, kept);
      state = newState(session.identity, new Date());
      return kept;
    },
    async backupPreview() {
      const inventory = await loadInventory(client, BACKUP_KINDS);
      const backup = buildBackup(inventory, session.identity, new Date());
      const kinds = backup.manifest.files.filter(f => f.count > 0).map(f => ({name: f.name.replace(/^\d+-/, '').replace(/\.yaml$/, ''), count: f.count}));
      return {kinds, total: kinds.reduce((n, k) => n + k.count, 0)};
    },
    async backup() {
      const inventory = await loadInventory(client, BACKUP_KINDS);
      const backup = buildBackup(inventory, session.identity, new Date());
      const dir = writeBackup(session.workdir, backup, notify);
      state.backup = dir;
      return {path: dir, total: backup.files.reduce((n, f) => n + f.count, 0)};
    },
    async audit() {
      auditInventoryCache = await loadInventory(client, AUDIT_KINDS);
      return auditInventory(auditInventoryCache, cluster());
    },
    async plan(namespaces) {
      auditInventoryCache ??= await loadInventory(client, AUDIT_KINDS);
      const {plan, refused} = planMigration(auditInventoryCache, cluster(), namespaces);
      lastPlan = plan;
      // The same check as `plan` and `apply`, bounded the same way; Preview shows it first.
      lastTraffic = trafficReport(auditInventoryCache, plan, {budgetMs: DEFAULT_BUDGET_MS});
      return {plan, refused, traffic: lastTraffic};
    },
    async apply(namespaces, hooks): Promise<RunResult> {
      if (!latestBackupFor(session.workdir, session.identity)) return {ok: false, message: flags.clusterFrom ? CLUSTER_FROM_IS_NEW : `there is no backup of this cluster in ${session.workdir}: back up first`};
      // Preview accepts each opening with a keypress; the services refuse one that was not, as apply does.
      const accepted = hooks.accepted ?? [];
      if (lastTraffic && unacceptedOpenings(lastTraffic, accepted).length > 0) return {ok: false, message: `the plan opens traffic in groups not accepted: ${unacceptedOpenings(lastTraffic, accepted).map(g => g.id).join(', ')}`};
      // The plan the user previewed is what gets recorded; namespaces already under way keep theirs.
      for (const ns of namespaces) {
        const ops = lastPlan?.operations.filter(o => o.namespace === ns);
        if (ops && ops.length > 0) {
          recordPlan(state, ns, ops, new Date());
          if (lastTraffic) recordTraffic(state, [ns], {report: lastTraffic, refused: [], accepted: acceptedGroupIds(lastTraffic, accepted)});
        }
      }
      await save();
      const messages: string[] = [];
      return withLeases(namespaces, 'apply', async client => {
        try {
          for (const ns of namespaces) {
            if (!state.namespaces[ns]) continue;
            // The same runner as the CLI's: the outcome is verified against the pods, never assumed.
            const outcome = await migrateNamespace(state, ns, {client, now: () => new Date(), sleep, persist: () => save(), report: hooks.onEvent, stopRequested: hooks.stopRequested});
            if (!outcome.verified) {
              auditInventoryCache = undefined;
              return {ok: false, message: `${ns}: ${outcome.verification!.message}`, namespace: ns};
            }
            messages.push(`${ns}: ${outcome.verification!.message}`);
          }
          auditInventoryCache = undefined;
          // Done shows what verify says: the live cluster against the original, class by class.
          try {
            const live = await loadInventory(client, AUDIT_KINDS);
            const done = namespaces.filter(ns => state.namespaces[ns]?.operations.some(o => o.status === 'done'));
            if (done.length > 0) {
              const result = verifyReport(originalInventory(live, state, done), live, done, done.flatMap(ns => state.namespaces[ns]!.traffic?.expected ?? []));
              messages.push(`traffic: ${verifyText(result, done)}`);
            }
          } catch (error) {
            messages.push(`traffic: verify could not run: ${(error as Error).message}`);
          }
          return {ok: true, message: messages.join('\n')};
        } catch (error) {
          // The namespace travels on its own: the failure menu offers to skip or revert it, and a message
          // such as "there is no backup ...: back up first" must not be mistaken for one.
          if (error instanceof ApplyStopped) return {ok: false, message: `${error.namespace}: ${error.message}`, namespace: error.namespace};
          throw error;
        }
      });
    },
    async revert(namespaces, hooks): Promise<RunResult> {
      const skipped: RunResult['skipped'] = [];
      return withLeases(namespaces, 'revert', async client => {
        try {
          for (const ns of namespaces) {
            const outcome = await revertNamespace(state, ns, {
              client,
              now: () => new Date(),
              sleep,
              persist: () => save(),
              report: hooks.onEvent,
              stopRequested: hooks.stopRequested,
              onConflict: async (_record, _live, why) => hooks.onConflict(why),
            });
            skipped.push(...outcome.skipped);
          }
          auditInventoryCache = undefined;
          return {ok: skipped.length === 0, message: skipped.length ? `reverted, but ${skipped.length} object(s) were left as someone else changed them` : `reverted ${namespaces.join(', ')}`, skipped};
        } catch (error) {
          if (error instanceof ApplyStopped) return {ok: false, message: `${error.namespace}: ${error.message}`, namespace: error.namespace, skipped};
          throw error;
        }
      });
    },
    close: () => session.close(),
  };
}
