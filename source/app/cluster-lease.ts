import os from 'node:os';
import path from 'node:path';
import {ApplyStopped} from '../core/apply/execute.ts';
import {MANAGED_BY} from '../core/plan/types.ts';
import {KubeError, type KubeClient, type KubeObject} from '../kube/client.ts';
import {KINDS} from '../kube/kinds.ts';
import {UserFacingError} from './cluster-source.ts';
import {processAlive} from './state-store.ts';

/**
 * The cluster-side half of "one migration at a time": the workdir lock keeps two runs of one workdir apart,
 * this Lease keeps two workdirs (two people, two laptops) apart on the same namespace. One Lease per
 * namespace being applied or reverted, `<namespace>/ambient-migrate`, in the namespace itself: it is what
 * is being protected, the person migrating it already has write access there (a RoleBinding in the
 * namespace can grant the lease verbs too), and nobody needs rights in kube-system, whose Leases are the
 * control plane's leader elections.
 */
export const LEASE_NAME = 'ambient-migrate';
export const LEASE_DURATION_SECONDS = 60;
const ANNOTATION = 'ambient-migrate';

export interface LeaseHolder {
  /** `user@host pid N`, what `kubectl get lease` shows as HOLDER. */
  identity: string;
  host: string;
  pid: number;
  command: string;
  workdir: string;
}

export function localHolder(command: string, workdir: string): LeaseHolder {
  let user = process.env.USER ?? process.env.LOGNAME ?? '';
  try {
    user ||= os.userInfo().username;
  } catch {
    user ||= 'unknown';
  }
  const host = os.hostname();
  return {identity: `${user}@${host} pid ${process.pid}`, host, pid: process.pid, command, workdir: path.resolve(workdir)};
}

/** Kubernetes MicroTime: RFC 3339 with exactly six fractional digits. */
function microTime(date: Date): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

interface Held {
  namespace: string;
  lease: KubeObject;
}

export interface ClusterLeases {
  /** Why the leases can no longer be trusted to be ours (taken over, or not renewed within their duration). */
  lost(): string | undefined;
  /** Gives the leases back: kept with no holder (and who held it last), or deleted for the namespaces given. */
  release(options?: {remove?: (namespace: string) => boolean}): Promise<void>;
}

function describeHolder(lease: KubeObject): string {
  const a = lease.metadata.annotations ?? {};
  const spec = lease.spec ?? {};
  const what = a[`${ANNOTATION}/command`] ? `ambient-migrate ${a[`${ANNOTATION}/command`]}` : 'a run';
  const where = a[`${ANNOTATION}/workdir`] ? `, workdir ${a[`${ANNOTATION}/workdir`]}` : '';
  return `${what} of ${spec.holderIdentity}${where} (since ${spec.acquireTime ?? 'unknown'}, last renewed ${spec.renewTime ?? 'never'})`;
}

function expiresAt(lease: KubeObject): number {
  const spec = lease.spec ?? {};
  const renewed = Date.parse(spec.renewTime ?? spec.acquireTime ?? '');
  if (Number.isNaN(renewed)) return 0;
  return renewed + (spec.leaseDurationSeconds ?? LEASE_DURATION_SECONDS) * 1000;
}

/**
 * Takes the Lease of every namespace given (those that do not exist are skipped: nothing will be written
 * there). One held by a live run elsewhere stops this run before it writes anything, naming the holder; one
 * past its duration, or left by a process of this machine that is gone, is taken over and the caller told
 * whose it was. The leases are renewed every third of their duration until released.
 */
export async function acquireLeases(
  client: KubeClient,
  namespaces: string[],
  holder: LeaseHolder,
  notify: (message: string) => void,
  options: {durationSeconds?: number; now?: () => Date} = {},
): Promise<ClusterLeases> {
  const duration = options.durationSeconds ?? LEASE_DURATION_SECONDS;
  const now = options.now ?? (() => new Date());
  const held: Held[] = [];
  let lost: string | undefined;
  let lastRenewed = now().getTime();
  const release = async (opts: {remove?: (namespace: string) => boolean} = {}) => {
    clearInterval(timer);
    while (renewing) await new Promise(r => setTimeout(r, 10));
    for (const h of held.splice(0)) {
      try {
        const live = await client.get(KINDS.lease, h.namespace, LEASE_NAME);
        if (!live || live.spec?.holderIdentity !== holder.identity) continue;
        if (opts.remove?.(h.namespace)) {
          await client.delete(KINDS.lease, h.namespace, LEASE_NAME, {fieldManager: LEASE_NAME, uid: live.metadata.uid, resourceVersion: live.metadata.resourceVersion});
        } else {
          // As client-go's leader election releases: no holder, so the next run takes it at once; the
          // annotations keep who held it last and from which workdir.
          await client.patch(KINDS.lease, h.namespace, LEASE_NAME, {metadata: {resourceVersion: live.metadata.resourceVersion, annotations: {[`${ANNOTATION}/released`]: microTime(now())}}, spec: {holderIdentity: null}}, 'merge', {fieldManager: LEASE_NAME});
        }
      } catch {
        // It expires on its own after its duration.
      }
    }
  };
  let renewing = false;
  const renewOne = async (h: Held) => {
    const renewTime = microTime(now());
    try {
      h.lease = await client.patch(KINDS.lease, h.namespace, LEASE_NAME, {metadata: {resourceVersion: h.lease.metadata.resourceVersion}, spec: {renewTime}}, 'merge', {fieldManager: LEASE_NAME});
    } catch (error) {
      if (!(error instanceof KubeError && (error.kind === 'Conflict' || error.kind === 'NotFound'))) throw error;
      // Changed since we last wrote it: still ours (someone annotated it), or someone else's now.
      const live = await client.get(KINDS.lease, h.namespace, LEASE_NAME);
      if (live?.spec?.holderIdentity === holder.identity) {
        h.lease = live;
        return renewOne(h);
      }
      lost = `the lease ${h.namespace}/${LEASE_NAME} was ${live ? `taken over by ${describeHolder(live)}` : 'deleted by someone else'}`;
    }
  };
  const renew = async () => {
    if (lost || renewing) return;
    renewing = true;
    try {
      for (const h of held) await renewOne(h);
      if (!lost) lastRenewed = now().getTime();
    } catch {
      // A passing failure: the next renewal tries again, as long as the lease cannot have expired meanwhile.
    } finally {
      renewing = false;
    }
    if (!lost && now().getTime() - lastRenewed > duration * 1000) lost = `the lease could not be renewed for ${duration}s, so another run may have taken it over`;
    if (lost) clearInterval(timer);
  };
  const timer = setInterval(() => void renew(), Math.max(100, (duration * 1000) / 3));
  timer.unref();

  try {
    for (const namespace of namespaces) {
      if (!(await client.get(KINDS.namespace, undefined, namespace))) continue;
      held.push({namespace, lease: await take(client, namespace, holder, duration, now, notify)});
    }
  } catch (error) {
    await release();
    throw error;
  }
  return {
    // Also when the renewal has not run for a whole duration (the machine slept): another run may hold it.
    lost: () => lost ?? (held.length > 0 && now().getTime() - lastRenewed > duration * 1000 ? `the lease was not renewed for over ${duration}s (was this machine asleep?), so another run may have taken it over` : undefined),
    release,
  };
}

async function take(client: KubeClient, namespace: string, holder: LeaseHolder, duration: number, now: () => Date, notify: (message: string) => void): Promise<KubeObject> {
  const annotations = {[`${ANNOTATION}/holder`]: holder.identity, [`${ANNOTATION}/command`]: holder.command, [`${ANNOTATION}/workdir`]: holder.workdir, [`${ANNOTATION}/host`]: holder.host, [`${ANNOTATION}/pid`]: String(holder.pid)};
  const write = {fieldManager: LEASE_NAME};
  for (let attempt = 0; attempt < 3; attempt++) {
    const at = microTime(now());
    const live = await client.get(KINDS.lease, namespace, LEASE_NAME);
    try {
      if (!live) {
        return await client.create(
          KINDS.lease,
          {
            apiVersion: 'coordination.k8s.io/v1',
            kind: 'Lease',
            metadata: {name: LEASE_NAME, namespace, labels: {...MANAGED_BY}, annotations},
            spec: {holderIdentity: holder.identity, leaseDurationSeconds: duration, acquireTime: at, renewTime: at, leaseTransitions: 0},
          },
          write,
        );
      }
      const spec = live.spec ?? {};
      const a = live.metadata.annotations ?? {};
      const free = !spec.holderIdentity;
      const expired = !free && expiresAt(live) < now().getTime();
      const gone = !free && a[`${ANNOTATION}/host`] === holder.host && Number(a[`${ANNOTATION}/pid`]) !== holder.pid && !processAlive(Number(a[`${ANNOTATION}/pid`]));
      if (!free && !expired && !gone) {
        const until = new Date(expiresAt(live)).toISOString();
        throw new UserFacingError(
          `namespace ${namespace} is being changed by ${describeHolder(live)}; nothing was written. Wait for it to finish (kubectl -n ${namespace} get lease ${LEASE_NAME} shows the holder). If that run is gone, its lease expires at ${until} and the next run takes it over then`,
        );
      }
      // Who held it before, from another workdir: what a state file that does not match the cluster points to (drift.ts).
      const previous =
        a[`${ANNOTATION}/workdir`] && a[`${ANNOTATION}/workdir`] !== holder.workdir
          ? {[`${ANNOTATION}/previous-holder`]: a[`${ANNOTATION}/holder`] ?? spec.holderIdentity ?? null, [`${ANNOTATION}/previous-command`]: a[`${ANNOTATION}/command`] ?? null, [`${ANNOTATION}/previous-workdir`]: a[`${ANNOTATION}/workdir`]}
          : {};
      if (expired) notify(`taking over the lease ${namespace}/${LEASE_NAME} of ${describeHolder(live)}: it expired at ${new Date(expiresAt(live)).toISOString()}`);
      if (gone) notify(`taking over the lease ${namespace}/${LEASE_NAME} of ${describeHolder(live)}, which is no longer running`);
      return await client.patch(
        KINDS.lease,
        namespace,
        LEASE_NAME,
        {
          metadata: {resourceVersion: live.metadata.resourceVersion, annotations: {...annotations, ...previous, [`${ANNOTATION}/released`]: null}},
          spec: {holderIdentity: holder.identity, leaseDurationSeconds: duration, acquireTime: at, renewTime: at, leaseTransitions: (spec.leaseTransitions ?? 0) + (free ? 0 : 1)},
        },
        'merge',
        write,
      );
    } catch (error) {
      // Someone else took or made it between our read and our write: read it again.
      if (error instanceof KubeError && (error.kind === 'Conflict' || error.kind === 'AlreadyExists')) continue;
      if (error instanceof KubeError && error.kind === 'Forbidden') {
        throw new UserFacingError(
          `cannot take the lease ${namespace}/${LEASE_NAME} that keeps two migrations of one namespace apart: ${error.message}. Grant get, create, patch and delete on leases.coordination.k8s.io in namespace ${namespace} (see the RBAC section of the README)`,
        );
      }
      throw error;
    }
  }
  throw new UserFacingError(`cannot take the lease ${namespace}/${LEASE_NAME}: it keeps changing; another run is starting on ${namespace}`);
}

/** A client whose writes stop once the leases are lost: nothing is written without them. */
export function guardedClient(client: KubeClient, leases: ClusterLeases): KubeClient {
  const check = (namespace: string | undefined) => {
    const why = leases.lost();
    if (why) throw new ApplyStopped(`${why}: this run stopped before writing anything more; the state file says where it stopped. Find out who is migrating ${namespace ?? 'the cluster'} before running it again`, namespace ?? '');
  };
  return {
    endpoint: client.endpoint,
    version: () => client.version(),
    list: (k, o) => client.list(k, o),
    get: (k, n, name) => client.get(k, n, name),
    create: async (k, o, w) => {
      check(o.metadata.namespace);
      return client.create(k, o, w);
    },
    patch: async (k, n, name, p, t, w) => {
      check(n ?? name);
      return client.patch(k, n, name, p, t, w);
    },
    delete: async (k, n, name, w) => {
      check(n ?? name);
      return client.delete(k, n, name, w);
    },
  };
}
