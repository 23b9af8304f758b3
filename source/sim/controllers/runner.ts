import type {SimCluster} from '../cluster.ts';
import type {StoreEvent} from '../store.ts';
import type {KubeObject} from '../types.ts';

/** One control loop: which events concern it, and how to bring one object's world in line. */
export interface Controller {
  name: string;
  /** The keys (`typeKey|namespace|name`) to reconcile for a change, usually the object or its owner. */
  keysFor(event: StoreEvent, cluster: SimCluster): string[];
  /** Returns a delay in ms to be called again for the same key then (a pod terminating), or nothing. */
  reconcile(key: string, cluster: SimCluster): number | void;
}

export function keyFor(typeKey: string, object: KubeObject): string {
  return `${typeKey}|${object.metadata.namespace ?? ''}|${object.metadata.name}`;
}

export function parseKey(key: string): {typeKey: string; namespace: string; name: string} {
  const [typeKey, namespace, name] = key.split('|');
  return {typeKey: typeKey!, namespace: namespace!, name: name!};
}

/**
 * Runs controllers off the store's events, asynchronously like real ones, so a client sees a rollout
 * progress rather than complete inside its own request. `stepDelayMs` slows each pass for demos.
 */
export class ControllerRunner {
  private readonly queue = new Map<string, Controller>();
  /** Keys a controller asked to see again later; the cluster has not converged while any is pending. */
  private readonly later = new Map<string, NodeJS.Timeout>();
  private scheduled: NodeJS.Timeout | undefined;
  private idleWaiters: Array<() => void> = [];
  private unsubscribe: (() => void) | undefined;
  private running = false;

  constructor(
    private readonly cluster: SimCluster,
    private readonly controllers: Controller[],
    private readonly stepDelayMs = 0,
  ) {}

  start(): void {
    this.unsubscribe = this.cluster.store.subscribe(event => this.enqueueFor(event));
    // Reconcile what was there before we started (a seeded cluster).
    for (const [typeKey, object] of this.cluster.store.entries()) {
      this.enqueueFor({type: 'ADDED', typeKey, resourceVersion: 0, object});
    }
  }

  stop(): void {
    this.unsubscribe?.();
    if (this.scheduled) clearTimeout(this.scheduled);
    this.scheduled = undefined;
    for (const timer of this.later.values()) clearTimeout(timer);
    this.later.clear();
    this.queue.clear();
    this.flushWaiters();
  }

  /** Resolves when no work is queued: the cluster has converged. */
  settled(): Promise<void> {
    if (this.queue.size === 0 && this.later.size === 0 && !this.running) return Promise.resolve();
    return new Promise(resolve => this.idleWaiters.push(resolve));
  }

  private enqueueFor(event: StoreEvent): void {
    for (const controller of this.controllers) {
      for (const key of controller.keysFor(event, this.cluster)) this.queue.set(`${controller.name}#${key}`, controller);
    }
    this.schedule();
  }

  private schedule(): void {
    if (this.scheduled || this.queue.size === 0) return;
    this.scheduled = setTimeout(() => this.drain(), this.stepDelayMs);
  }

  private drain(): void {
    this.scheduled = undefined;
    this.running = true;
    const batch = [...this.queue.entries()];
    this.queue.clear();
    for (const [queued, controller] of batch) {
      const key = queued.slice(controller.name.length + 1);
      try {
        const again = controller.reconcile(key, this.cluster);
        if (typeof again === 'number') this.requeueAfter(queued, controller, again);
      } catch (error) {
        // A controller failure must not take the API server down; it retries on the next event.
        process.emitWarning(`simulator controller ${controller.name} failed on ${key}: ${(error as Error).message}`);
      }
    }
    this.running = false;
    if (this.queue.size > 0) this.schedule();
    else if (this.later.size === 0) this.flushWaiters();
  }

  private requeueAfter(queued: string, controller: Controller, delayMs: number): void {
    if (this.later.has(queued)) return;
    const timer = setTimeout(() => {
      this.later.delete(queued);
      this.queue.set(queued, controller);
      this.schedule();
    }, delayMs);
    // Not unref'd: startSimulator waits for the cluster to settle before it listens, and a restored demo
    // cluster with a pod Terminating would otherwise let the process exit with nothing else to do.
    // stop() clears these timers.
    this.later.set(queued, timer);
  }

  private flushWaiters(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
