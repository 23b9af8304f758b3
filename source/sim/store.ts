import {randomUUID} from 'node:crypto';
import type {KubeObject} from './types.ts';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  type: WatchEventType;
  /** `plural.group` of the object's kind. */
  typeKey: string;
  resourceVersion: number;
  object: KubeObject;
}

type Listener = (event: StoreEvent) => void;

export interface StoreSnapshot {
  revision: number;
  objects: Array<{typeKey: string; object: KubeObject}>;
}

/** How many past events a watch can resume from before it gets 410 Expired. */
const EVENT_HISTORY = 20_000;

/**
 * The simulator's etcd: objects per kind keyed by `namespace/name`, one monotonic resourceVersion for
 * the whole cluster, and an event history that watches replay from.
 */
export class ObjectStore {
  private revision = 0;
  private readonly objects = new Map<string, Map<string, KubeObject>>();
  private readonly sortedKeys = new Map<string, string[]>();
  private readonly history: StoreEvent[] = [];
  private readonly listeners = new Set<Listener>();

  get resourceVersion(): number {
    return this.revision;
  }

  /** The oldest resourceVersion a watch may resume from. */
  get oldestWatchableVersion(): number {
    return this.history.length === 0 ? this.revision : this.history[0]!.resourceVersion - 1;
  }

  newUid(): string {
    return randomUUID();
  }

  get(typeKey: string, namespace: string, name: string): KubeObject | undefined {
    return this.objects.get(typeKey)?.get(objectKey(namespace, name));
  }

  /** Objects of one kind, ordered by namespace then name (etcd key order), optionally after a key. */
  list(typeKey: string, namespace?: string): KubeObject[] {
    const bucket = this.objects.get(typeKey);
    if (!bucket) return [];
    const keys = this.keysOf(typeKey, bucket);
    const out: KubeObject[] = [];
    if (namespace === undefined) {
      for (const key of keys) out.push(bucket.get(key)!);
    } else {
      const prefix = `${namespace}/`;
      for (const key of keys) if (key.startsWith(prefix)) out.push(bucket.get(key)!);
    }
    return out;
  }

  /** Stores a new or changed object, stamping the next resourceVersion. */
  put(typeKey: string, object: KubeObject): KubeObject {
    const bucket = this.objects.get(typeKey) ?? new Map<string, KubeObject>();
    this.objects.set(typeKey, bucket);
    const key = objectKey(object.metadata.namespace ?? '', object.metadata.name!);
    const existed = bucket.has(key);
    this.revision++;
    object.metadata.resourceVersion = String(this.revision);
    bucket.set(key, object);
    if (!existed) this.sortedKeys.delete(typeKey);
    this.emit({type: existed ? 'MODIFIED' : 'ADDED', typeKey, resourceVersion: this.revision, object});
    return object;
  }

  remove(typeKey: string, namespace: string, name: string): KubeObject | undefined {
    const bucket = this.objects.get(typeKey);
    const key = objectKey(namespace, name);
    const object = bucket?.get(key);
    if (!bucket || !object) return undefined;
    bucket.delete(key);
    this.sortedKeys.delete(typeKey);
    this.revision++;
    const removed = {...object, metadata: {...object.metadata, resourceVersion: String(this.revision)}};
    this.emit({type: 'DELETED', typeKey, resourceVersion: this.revision, object: removed});
    return removed;
  }

  /** Everything needed to bring the store back later, as plain JSON. */
  snapshot(): StoreSnapshot {
    const objects: StoreSnapshot['objects'] = [];
    for (const [typeKey, bucket] of this.objects) for (const object of bucket.values()) objects.push({typeKey, object});
    return {revision: this.revision, objects};
  }

  /** Loads a snapshot into an empty store, keeping uids and resourceVersions; emits no events. */
  restore(snapshot: StoreSnapshot): void {
    for (const {typeKey, object} of snapshot.objects) {
      const bucket = this.objects.get(typeKey) ?? new Map<string, KubeObject>();
      this.objects.set(typeKey, bucket);
      bucket.set(objectKey(object.metadata.namespace ?? '', object.metadata.name!), object);
      this.sortedKeys.delete(typeKey);
    }
    this.revision = Math.max(this.revision, snapshot.revision);
  }

  /** Every stored object, for garbage collection and namespace clean-up. */
  *entries(): Generator<[string, KubeObject]> {
    for (const [typeKey, bucket] of this.objects) for (const object of bucket.values()) yield [typeKey, object];
  }

  /** Events after `resourceVersion`, or undefined when history no longer reaches back that far. */
  eventsSince(resourceVersion: number): StoreEvent[] | undefined {
    if (resourceVersion < this.oldestWatchableVersion) return undefined;
    return this.history.filter(e => e.resourceVersion > resourceVersion);
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(event: StoreEvent): void {
    this.history.push(event);
    if (this.history.length > EVENT_HISTORY) this.history.splice(0, this.history.length - EVENT_HISTORY);
    for (const listener of this.listeners) listener(event);
  }

  private keysOf(typeKey: string, bucket: Map<string, KubeObject>): string[] {
    let keys = this.sortedKeys.get(typeKey);
    if (!keys) {
      keys = [...bucket.keys()].sort();
      this.sortedKeys.set(typeKey, keys);
    }
    return keys;
  }
}

export function objectKey(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}
