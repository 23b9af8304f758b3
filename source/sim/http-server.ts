import http from 'node:http';
import type {AddressInfo, Socket} from 'node:net';
import type {SimCluster, PropagationPolicy} from './cluster.ts';
import {
  aggregatedDiscovery,
  aggregatedFormat,
  AGGREGATED_V2,
  AGGREGATED_V2BETA1,
  legacyApiVersions,
  legacyGroup,
  legacyGroupList,
  resourceList,
} from './discovery.ts';
import {FaultInjector, RequestJournal, type FaultRule, type RequestAttributes, type Verb} from './faults.ts';
import {OpenApiDocuments} from './openapi.ts';
import {apiVersionOf} from './registry.ts';
import {decodeProtobufObject, isProtobuf} from './protobuf.ts';
import {badRequest, statusBody, StatusError} from './status.ts';
import {partialMetadata, toTable, wantsPartialMetadata, wantsTable, type IncludeObject} from './table.ts';
import type {FieldValidation, KubeObject, ResourceType} from './types.ts';
import {serveWatch} from './watch.ts';

export const SIMULATED_VERSION = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.4',
  gitCommit: '59526cd4867447956156ae3a602fcbac10a2c335',
  gitTreeState: 'clean',
  buildDate: '2025-04-22T16:02:27Z',
  goVersion: 'go1.23.6',
  compiler: 'gc',
  platform: 'linux/amd64',
};

export interface SimServer {
  url: string;
  port: number;
  cluster: SimCluster;
  faults: FaultInjector;
  journal: RequestJournal;
  close(): Promise<void>;
}

interface Route {
  type: ResourceType;
  version: string;
  namespace?: string;
  name?: string;
  subresource?: string;
}

interface Reply {
  status: number;
  body?: unknown;
  contentType?: string;
  headers?: Record<string, string>;
}

/** Serves a SimCluster over HTTP on 127.0.0.1, the way kubectl and client-node expect a kube-apiserver to. */
export async function startSimServer(
  cluster: SimCluster,
  options: {port?: number; host?: string; faults?: FaultInjector; journal?: RequestJournal} = {},
): Promise<SimServer> {
  // Passed in by a restart, so that the rules and the request log outlive the server process they describe.
  const faults = options.faults ?? new FaultInjector();
  const journal = options.journal ?? new RequestJournal();
  let closed = false;
  const openapi = new OpenApiDocuments(cluster.registry);
  const sockets = new Set<Socket>();
  const server = http.createServer((req, res) => {
    handle(req, res).catch(error => {
      if (!res.headersSent) send(res, toReply(error));
      else res.destroy();
    });
  });
  server.on('connection', socket => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const host = options.host ?? '127.0.0.1';

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sim');
    const entry = journal.record({
      time: new Date().toISOString(),
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.search.slice(1),
      contentType: req.headers['content-type'],
      accept: req.headers.accept,
      userAgent: req.headers['user-agent'],
    });
    const body = requestBodyText(req.headers['content-type'], await readBody(req));
    if (url.pathname.startsWith('/__sim/')) {
      const reply = control(req.method ?? 'GET', url.pathname, body, url.searchParams.get('summary') === 'true');
      entry.status = reply.status;
      return send(res, reply);
    }
    const route = url.pathname.startsWith('/api/') || url.pathname.startsWith('/apis/') ? resolve(url.pathname) : undefined;
    const attributes = route ? attributesOf(req.method ?? 'GET', url, route) : undefined;
    entry.attributes = attributes;
    const fault = attributes ? faults.match(attributes) : undefined;
    if (fault) entry.fault = JSON.stringify({...fault, gate: fault.gate ? 'held' : undefined});
    if (fault?.gate) await fault.gate.pass(attributes!);
    if (fault?.delayMs) await new Promise(r => setTimeout(r, fault.delayMs));
    if (closed) {
      // The server went away (a restart) while it held this request: it was never processed.
      entry.status = 0;
      req.socket.destroy();
      return;
    }
    if (fault?.drop === 'before') {
      entry.status = 0;
      req.socket.destroy();
      return;
    }
    if (fault?.status) {
      const reply = faultReply(fault);
      entry.status = reply.status;
      return send(res, reply);
    }
    if (attributes) {
      const forbidden = faults.forbidden(attributes);
      if (forbidden) {
        const reply = toReply(
          new StatusError(403, 'Forbidden', forbidden, {
            name: attributes.name,
            group: attributes.group || undefined,
            kind: attributes.resource,
          }),
        );
        entry.status = 403;
        return send(res, reply);
      }
    }
    if (route && attributes?.verb === 'watch') {
      entry.status = 200;
      return serveWatch(cluster, route.type, route.version, url.searchParams, req, res, {
        namespace: route.namespace,
        table: wantsTable(req.headers.accept),
      });
    }
    let reply: Reply;
    try {
      reply = route ? resourceRequest(req, url, route, body) : otherRequest(req, url);
    } catch (error) {
      reply = toReply(error);
    }
    entry.status = reply.status;
    if (fault?.drop === 'after') {
      // The write is committed; the client never hears about it.
      req.socket.destroy();
      return;
    }
    send(res, reply);
  }

  function otherRequest(req: http.IncomingMessage, url: URL): Reply {
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const accept = req.headers.accept;
    if (req.method !== 'GET') throw new StatusError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
    if (path === '/version') return {status: 200, body: SIMULATED_VERSION};
    if (path === '/healthz' || path === '/readyz' || path === '/livez') return {status: 200, body: 'ok', contentType: 'text/plain'};
    if (path === '/api' || path === '/apis') {
      const format = aggregatedFormat(accept);
      if (format) {
        return {
          status: 200,
          body: aggregatedDiscovery(cluster.registry, path === '/api', format),
          contentType: format === 'v2' ? AGGREGATED_V2 : AGGREGATED_V2BETA1,
        };
      }
      return {status: 200, body: path === '/api' ? legacyApiVersions(`${host}:${port}`) : legacyGroupList(cluster.registry)};
    }
    if (path === '/openapi/v3') return {status: 200, body: openapi.index()};
    let m = /^\/openapi\/v3\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))$/.exec(path);
    if (m) {
      const doc = openapi.document(m[2] ?? '', m[1] ?? m[3]!);
      if (doc) return {status: 200, body: doc.body, contentType: 'application/json', headers: {Etag: `"${doc.hash}"`}};
    }
    if (path === '/api/v1') return {status: 200, body: resourceList(cluster.registry, '', 'v1')};
    m = /^\/apis\/([^/]+)$/.exec(path);
    if (m) {
      const group = legacyGroup(cluster.registry, m[1]!);
      if (group) return {status: 200, body: group};
    }
    m = /^\/apis\/([^/]+)\/([^/]+)$/.exec(path);
    if (m) {
      const list = resourceList(cluster.registry, m[1]!, m[2]!);
      if (list) return {status: 200, body: list};
    }
    throw new StatusError(404, 'NotFound', 'the server could not find the requested resource');
  }

  /** Splits `/api/v1/namespaces/ns/pods/name/status` and its `/apis/g/v/...` twin into a route. */
  function resolve(pathname: string): Route | undefined {
    const parts = pathname.split('/').filter(Boolean);
    let group: string;
    let version: string;
    let rest: string[];
    if (parts[0] === 'api') {
      if (parts.length < 3) return undefined;
      group = '';
      version = parts[1]!;
      rest = parts.slice(2);
    } else {
      if (parts.length < 4) return undefined;
      group = parts[1]!;
      version = parts[2]!;
      rest = parts.slice(3);
    }
    let namespace: string | undefined;
    if (rest[0] === 'namespaces' && rest.length >= 3) {
      const candidate = cluster.registry.byResource(group, rest[2]!);
      if (candidate?.namespaced) {
        namespace = rest[1];
        rest = rest.slice(2);
      }
    }
    const [plural, name, subresource] = rest;
    const type = cluster.registry.byResource(group, plural!);
    if (!type || !type.versions.includes(version)) {
      throw new StatusError(404, 'NotFound', 'the server could not find the requested resource');
    }
    if (subresource && !type.subresources.includes(subresource)) {
      throw new StatusError(404, 'NotFound', 'the server could not find the requested resource');
    }
    return {type, version, namespace, name, subresource};
  }

  function attributesOf(method: string, url: URL, route: Route): RequestAttributes {
    const watch = url.searchParams.get('watch');
    const verbs: Record<string, Verb> = {POST: 'create', PUT: 'update', PATCH: 'patch'};
    let verb: Verb;
    if (method === 'GET') verb = watch === 'true' || watch === '1' ? 'watch' : route.name ? 'get' : 'list';
    else if (method === 'DELETE') verb = route.name ? 'delete' : 'deletecollection';
    else verb = verbs[method] ?? 'get';
    return {
      verb,
      group: route.type.group,
      resource: route.type.plural,
      subresource: route.subresource,
      namespace: route.type.kind === 'Namespace' ? route.name : route.namespace,
      name: route.name,
    };
  }

  function resourceRequest(req: http.IncomingMessage, url: URL, route: Route, rawBody: string): Reply {
    const q = url.searchParams;
    const {type, version} = route;
    const namespace = route.namespace ?? '';
    const writeOptions = {
      dryRun: q.getAll('dryRun').includes('All'),
      fieldManager: q.get('fieldManager') ?? managerFromUserAgent(req.headers['user-agent']),
      fieldValidation: parseFieldValidation(q.get('fieldValidation')),
      force: q.get('force') === 'true',
      subresource: route.subresource,
    };
    const accept = req.headers.accept;
    const asTable = wantsTable(accept);
    const includeObject = (q.get('includeObject') as IncludeObject | null) ?? 'Metadata';
    if (type.namespaced && !route.namespace && req.method !== 'GET') {
      throw new StatusError(404, 'NotFound', 'the server could not find the requested resource');
    }
    if (route.subresource === 'scale' && route.name) {
      // The scale subresource speaks autoscaling/v1 Scale, not the workload (kubectl scale decodes a Scale).
      if (req.method === 'GET') return {status: 200, body: cluster.getScale(type, namespace, route.name)};
      if (req.method === 'PUT' || req.method === 'PATCH') {
        const contentType = req.method === 'PUT' ? undefined : (req.headers['content-type'] ?? '');
        const result = cluster.writeScale(type, namespace, route.name, contentType, rawBody, writeOptions);
        return objectReply(200, result.object, result.warnings);
      }
    }
    switch (req.method) {
      case 'GET': {
        if (route.name) {
          const object = cluster.get(type, namespace, route.name, version);
          if (asTable) return tableReply(type, version, [object], String(cluster.store.resourceVersion), undefined, includeObject);
          if (wantsPartialMetadata(accept)) return {status: 200, body: partialMetadata(object), contentType: 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1'};
          return {status: 200, body: object};
        }
        const limit = q.get('limit') ? Number(q.get('limit')) : undefined;
        const result = cluster.list(
          type,
          {
            namespace: route.namespace,
            labelSelector: q.get('labelSelector') ?? undefined,
            fieldSelector: q.get('fieldSelector') ?? undefined,
            limit,
            continueToken: q.get('continue') ?? undefined,
          },
          version,
        );
        if (asTable) return tableReply(type, version, result.items, result.resourceVersion, result.continueToken, includeObject);
        const partial = wantsPartialMetadata(accept);
        return {
          ...(partial ? {contentType: 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1'} : {}),
          status: 200,
          body: {
            kind: partial ? 'PartialObjectMetadataList' : type.listKind,
            apiVersion: partial ? 'meta.k8s.io/v1' : apiVersionOf(type.group, version),
            metadata: {
              resourceVersion: result.resourceVersion,
              ...(result.continueToken ? {continue: result.continueToken} : {}),
              ...(result.remainingItemCount !== undefined ? {remainingItemCount: result.remainingItemCount} : {}),
            },
            items: partial ? result.items.map(partialMetadata) : result.items,
          },
        };
      }
      case 'POST': {
        if (route.name) throw new StatusError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
        const body = parseObject(rawBody);
        if (type.kind === 'SelfSubjectAccessReview') return {status: 201, body: accessReview(body)};
        const result = cluster.create(type, namespace, body, writeOptions);
        return objectReply(201, result.object, result.warnings);
      }
      case 'PUT': {
        if (!route.name) throw new StatusError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
        const result = cluster.update(type, namespace, route.name, parseObject(rawBody), writeOptions);
        return objectReply(200, result.object, result.warnings);
      }
      case 'PATCH': {
        if (!route.name) throw new StatusError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
        const result = cluster.patch(type, namespace, route.name, req.headers['content-type'] ?? '', rawBody, writeOptions);
        return objectReply(result.created ? 201 : 200, result.object, result.warnings);
      }
      case 'DELETE': {
        const options = rawBody.trim() ? (parseObject(rawBody) as unknown as DeleteOptions) : ({} as DeleteOptions);
        const dryRun = writeOptions.dryRun || (options.dryRun ?? []).includes('All');
        const propagationPolicy = (q.get('propagationPolicy') as PropagationPolicy | null) ?? options.propagationPolicy;
        const graceQuery = q.get('gracePeriodSeconds');
        const gracePeriodSeconds = graceQuery !== null ? Number(graceQuery) : options.gracePeriodSeconds;
        if (!route.name) {
          const doomed = cluster.list(type, {
            namespace: route.namespace,
            labelSelector: q.get('labelSelector') ?? undefined,
            fieldSelector: q.get('fieldSelector') ?? undefined,
          }).items;
          for (const object of doomed) cluster.delete(type, namespace, object.metadata.name!, {dryRun, propagationPolicy, gracePeriodSeconds});
          return {status: 200, body: {kind: type.listKind, apiVersion: apiVersionOf(type.group, version), metadata: {}, items: doomed}};
        }
        const deleted = cluster.delete(type, namespace, route.name, {dryRun, propagationPolicy, preconditions: options.preconditions, gracePeriodSeconds});
        // Built-in kinds answer with the object; custom resources with a Status, as a real server does.
        if (type.builtin) return {status: 200, body: deleted};
        return {
          status: 200,
          body: statusBody(200, '', '', {name: route.name, group: type.group, kind: type.plural, uid: deleted.metadata.uid}),
        };
      }
      default:
        throw new StatusError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
    }
  }

  function tableReply(
    type: ResourceType,
    version: string,
    items: KubeObject[],
    resourceVersion: string,
    continueToken: string | undefined,
    includeObject: IncludeObject,
  ): Reply {
    return {
      status: 200,
      body: toTable(type, version, items, {includeObject, resourceVersion, continueToken, now: cluster.now()}),
      contentType: 'application/json;as=Table;v=v1;g=meta.k8s.io',
    };
  }

  function accessReview(body: KubeObject): KubeObject {
    const attrs = (body.spec as {resourceAttributes?: {verb?: string; group?: string; resource?: string; namespace?: string; name?: string}})
      ?.resourceAttributes;
    const denied = attrs
      ? faults.forbidden({
          verb: (attrs.verb ?? 'get') as Verb,
          group: attrs.group ?? '',
          resource: attrs.resource ?? '',
          namespace: attrs.namespace || undefined,
          name: attrs.name,
        })
      : undefined;
    return {
      ...body,
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SelfSubjectAccessReview',
      metadata: {creationTimestamp: undefined},
      status: denied ? {allowed: false, reason: 'denied by the simulator'} : {allowed: true},
    };
  }

  function control(method: string, path: string, rawBody: string, summary = false): Reply {
    if (path === '/__sim/faults' && method === 'POST') {
      faults.add(JSON.parse(rawBody) as FaultRule);
      return {status: 201, body: {ok: true}};
    }
    if (path === '/__sim/deny' && method === 'POST') {
      faults.deny(JSON.parse(rawBody));
      return {status: 201, body: {ok: true}};
    }
    if (path === '/__sim/faults' && method === 'DELETE') {
      faults.clear();
      return {status: 200, body: {ok: true}};
    }
    if (path === '/__sim/journal' && method === 'GET') {
      // `?summary=true` answers just the count, for benchmarks that send thousands of requests.
      return {status: 200, body: summary ? {count: journal.count} : {count: journal.count, entries: journal.all()}};
    }
    if (path === '/__sim/journal' && method === 'DELETE') {
      journal.clear();
      return {status: 200, body: {ok: true}};
    }
    return {status: 404, body: statusBody(404, 'NotFound', `no simulator control endpoint ${method} ${path}`)};
  }

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolveListen());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host}:${port}`,
    port,
    cluster,
    faults,
    journal,
    close: () =>
      new Promise<void>(resolveClose => {
        closed = true;
        for (const socket of sockets) socket.destroy();
        server.close(() => resolveClose());
      }),
  };
}

interface DeleteOptions {
  propagationPolicy?: PropagationPolicy;
  gracePeriodSeconds?: number;
  dryRun?: string[];
  preconditions?: {uid?: string; resourceVersion?: string};
}

function objectReply(status: number, object: KubeObject, warnings: string[]): Reply {
  const headers: Record<string, string> = {};
  // kubectl prints a Warning header only when its inner quotes are escaped.
  if (warnings.length > 0) headers.Warning = warnings.map(w => `299 - ${JSON.stringify(w)}`).join(', ');
  return {status, body: object, headers};
}

function faultReply(fault: FaultRule): Reply {
  const status = fault.status!;
  const reasons: Record<number, string> = {
    400: 'BadRequest',
    401: 'Unauthorized',
    403: 'Forbidden',
    404: 'NotFound',
    409: 'Conflict',
    410: 'Expired',
    422: 'Invalid',
    429: 'TooManyRequests',
    500: 'InternalError',
    503: 'ServiceUnavailable',
    504: 'Timeout',
  };
  const reason = fault.reason ?? reasons[status] ?? 'Unknown';
  const headers: Record<string, string> = {};
  if (fault.retryAfterSeconds !== undefined) headers['Retry-After'] = String(fault.retryAfterSeconds);
  return {
    status,
    body: statusBody(status, reason, fault.message ?? `injected fault: ${reason}`, fault.retryAfterSeconds !== undefined ? {retryAfterSeconds: fault.retryAfterSeconds} : undefined),
    headers,
  };
}

function toReply(error: unknown): Reply {
  if (error instanceof StatusError) return {status: error.code, body: error.toStatus()};
  const message = error instanceof Error ? error.message : String(error);
  return {status: 500, body: statusBody(500, 'InternalError', `Internal error occurred: ${message}`)};
}

function send(res: http.ServerResponse, reply: Reply): void {
  const body = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
  res.writeHead(reply.status, {
    'Content-Type': reply.contentType ?? 'application/json',
    'Cache-Control': 'no-cache, private',
    ...reply.headers,
  });
  res.end(body);
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolveBody, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', chunk => chunks.push(chunk as Buffer));
    req.on('end', () => resolveBody(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** JSON bodies pass through; the protobuf ones kubectl's generators send are decoded where we can. */
function requestBodyText(contentType: string | undefined, body: Buffer): string {
  if (!contentType?.startsWith('application/vnd.kubernetes.protobuf') || !isProtobuf(body)) return body.toString('utf8');
  const object = decodeProtobufObject(body);
  if (!object) {
    throw new StatusError(
      415,
      'UnsupportedMediaType',
      'the body of the request was in an unknown format - accepted media types include: application/json, application/yaml (the simulator decodes protobuf only for Namespace, ServiceAccount and SelfSubjectAccessReview; use kubectl apply -f)',
    );
  }
  return JSON.stringify(object);
}

function parseObject(raw: string): KubeObject {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (error) {
    throw badRequest(`the body of the request could not be decoded: ${(error as Error).message}`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw badRequest('the body of the request must be an object');
  const object = parsed as KubeObject;
  object.metadata ??= {};
  return object;
}

function parseFieldValidation(value: string | null): FieldValidation | undefined {
  if (value === null || value === '') return undefined;
  if (value === 'Strict' || value === 'Warn' || value === 'Ignore') return value;
  throw badRequest(`fieldValidation must be one of "Ignore", "Warn" or "Strict", got "${value}"`);
}

/** A real server names an unnamed writer after its User-Agent up to the first slash. */
function managerFromUserAgent(userAgent: string | undefined): string {
  const name = (userAgent ?? 'unknown').split('/')[0]!.trim();
  return name || 'unknown';
}
