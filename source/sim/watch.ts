import type http from 'node:http';
import type {SimCluster} from './cluster.ts';
import {typeKey} from './registry.ts';
import {parseFieldSelector, parseLabelSelector} from './selectors.ts';
import {statusBody} from './status.ts';
import type {StoreEvent} from './store.ts';
import {toTable} from './table.ts';
import type {KubeObject, ResourceType} from './types.ts';

/**
 * A watch as client-go consumes it: newline-delimited `{type, object}` events over a chunked response,
 * resumed from a resourceVersion (410 Expired as an ERROR event when history is gone), or starting with
 * synthetic ADDED events for the current state when no version is given.
 */
export function serveWatch(
  cluster: SimCluster,
  type: ResourceType,
  version: string,
  query: URLSearchParams,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  options: {namespace?: string; table: boolean},
): void {
  const key = typeKey(type.group, type.plural);
  const labels = parseLabelSelector(query.get('labelSelector'));
  const fields = parseFieldSelector(query.get('fieldSelector'));
  const bookmarks = query.get('allowWatchBookmarks') === 'true';
  const matches = (object: KubeObject) =>
    (!type.namespaced || options.namespace === undefined || object.metadata.namespace === options.namespace) &&
    labels(object) &&
    fields(object);

  res.writeHead(200, {
    'Content-Type': options.table ? 'application/json;as=Table;v=v1;g=meta.k8s.io' : 'application/json',
    'Cache-Control': 'no-cache, private',
    'Transfer-Encoding': 'chunked',
  });
  // Send the headers now, as kube-apiserver does: client-node's Watch awaits the response headers
  // before returning its AbortController, so a quiet watch (resumed at the current resourceVersion)
  // would otherwise never start.
  res.flushHeaders();
  const write = (eventType: string, object: unknown) => {
    res.write(`${JSON.stringify({type: eventType, object})}\n`);
  };
  const render = (object: KubeObject) => {
    const presented = cluster.present(type, object, version);
    if (!options.table) return presented;
    return toTable(type, version, [presented], {
      resourceVersion: presented.metadata.resourceVersion ?? '',
      includeObject: 'Object',
      now: cluster.now(),
    });
  };
  const deliver = (event: StoreEvent) => {
    if (event.typeKey !== key || !matches(event.object)) return;
    write(event.type, render(event.object));
  };

  const requested = query.get('resourceVersion');
  if (requested && requested !== '0') {
    const missed = cluster.store.eventsSince(Number(requested));
    if (!missed) {
      write('ERROR', statusBody(410, 'Expired', `too old resource version: ${requested} (${cluster.store.oldestWatchableVersion})`));
      res.end();
      return;
    }
    for (const event of missed) deliver(event);
  } else {
    for (const object of cluster.store.list(key, type.namespaced ? options.namespace : undefined)) {
      if (matches(object)) write('ADDED', render(object));
    }
  }

  const unsubscribe = cluster.store.subscribe(deliver);
  const timeoutSeconds = Number(query.get('timeoutSeconds') ?? 1800);
  const bookmarkTimer = bookmarks
    ? setInterval(() => {
        write('BOOKMARK', {
          kind: type.kind,
          apiVersion: type.group ? `${type.group}/${version}` : version,
          metadata: {resourceVersion: String(cluster.store.resourceVersion)},
        });
      }, 1000)
    : undefined;
  const timeout = setTimeout(() => res.end(), timeoutSeconds * 1000);
  const stop = () => {
    unsubscribe();
    clearTimeout(timeout);
    if (bookmarkTimer) clearInterval(bookmarkTimer);
  };
  res.on('close', stop);
  req.on('close', stop);
}
