import {existsSync, readFileSync} from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import fetch, {type RequestInit, type Response} from 'node-fetch';
import {KubeError, type ClusterEndpoint, type KubeClient, type KubeObject, type ListOptions, type PatchType, type WriteOptions} from './client.ts';
import {KubeconfigError} from './errors.ts';
import type {KindRef} from './kinds.ts';
import {certificateAuthority, credentialsFor, inClusterConfig, Kubeconfig, loginAdvice, mergeFile} from './kubeconfig.ts';

export {KubeconfigError};

export interface ConnectOptions {
  kubeconfig?: string;
  context?: string;
  /** Per-request timeout (`--request-timeout`); 0 waits for ever. client-node has none by default, so a stalled server would hang us. */
  timeoutMs?: number;
  /** Told when a request is slow or tried again ("waiting for https://... (attempt 2 of 2)"). */
  onProgress?: (message: string) => void;
  /** Aborts every request in flight and every later one (the user quit). */
  signal?: AbortSignal;
  /** Attempts for reads that fail transiently (429, 5xx, dropped connections, timeouts). */
  readAttempts?: number;
  env?: NodeJS.ProcessEnv;
  /** Called once per HTTP request with one line: method, URL, status (or the failure) and time taken. */
  log?: (line: string) => void;
}

const CONTENT_TYPES: Record<PatchType, string> = {
  merge: 'application/merge-patch+json',
  json: 'application/json-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
};

/** Loads the kubeconfig the way kubectl does and checks the context, without contacting the server. */
export function loadKubeconfig(options: ConnectOptions): {config: Kubeconfig; source: string} {
  const config = new Kubeconfig();
  const env = options.env ?? process.env;
  let source: string;
  if (options.kubeconfig) {
    if (!existsSync(options.kubeconfig)) {
      throw new KubeconfigError(`kubeconfig file ${options.kubeconfig} does not exist: check the --kubeconfig path, or drop the flag to use $KUBECONFIG or ~/.kube/config`);
    }
    source = options.kubeconfig;
    if (isEmptyFile(options.kubeconfig)) {
      throw new KubeconfigError(`kubeconfig file ${options.kubeconfig} is empty: point --kubeconfig at a kubeconfig with a context, or try the built-in demo cluster with --demo`);
    }
    readInto(config, options.kubeconfig);
  } else {
    source = env.KUBECONFIG ? `$KUBECONFIG (${env.KUBECONFIG})` : '~/.kube/config';
    // kubectl skips $KUBECONFIG entries that do not exist; when none does, say so rather than ENOENT.
    const listed = (env.KUBECONFIG ?? '').split(path.delimiter).filter(Boolean);
    if (listed.length > 0 && !listed.some(file => existsSync(file))) {
      throw new KubeconfigError(`$KUBECONFIG names ${listed.join(path.delimiter)}, which does not exist: fix or unset KUBECONFIG, pass --kubeconfig FILE, or try the demo cluster with --demo`);
    }
    const loaded = loadDefault(config, env);
    if (loaded !== config) return finish(loaded, options, source);
    if (config.contexts.size === 0) {
      throw new KubeconfigError(`no kubeconfig found (looked at ${source}): pass --kubeconfig FILE, set KUBECONFIG, or try the built-in demo cluster with --demo`);
    }
  }
  return finish(config, options, source);
}

function finish(config: Kubeconfig, options: ConnectOptions, source: string): {config: Kubeconfig; source: string} {
  if (options.context) {
    if (!config.contexts.has(options.context)) {
      const known = config.contextNames();
      throw new KubeconfigError(`context "${options.context}" is not in ${source}; it has ${known.length ? known.map(n => `"${n}"`).join(', ') : 'no contexts'}: pick one of those with --context`);
    }
    config.currentContext = options.context;
  }
  const current = config.current();
  if (!config.currentContext || !current) {
    throw new KubeconfigError(`${source} has no current context: pass --context NAME`);
  }
  if (!current.cluster) {
    throw new KubeconfigError(`context "${current.name}" in ${source} names cluster "${current.context.cluster}", which ${source} does not define: fix the context or add the cluster`);
  }
  if (!current.cluster.server) throw new KubeconfigError(`cluster "${current.context.cluster}" in ${source} has no server: set clusters[].cluster.server`);
  checkReferencedFiles(config, source, options.env ?? process.env);
  return {config, source};
}

function readInto(config: Kubeconfig, file: string): void {
  try {
    mergeFile(config, file);
  } catch (error) {
    if (error instanceof KubeconfigError) throw error;
    throw new KubeconfigError(`kubeconfig file ${file} could not be read: ${firstLine(error)}`);
  }
}

/**
 * The default kubeconfig: the `$KUBECONFIG` list merged, else `~/.kube/config`. Like kubectl, empty files
 * count as empty configs, so the caller can say "no kubeconfig found". With neither, in a pod, its service
 * account (returned as a new config).
 */
function loadDefault(config: Kubeconfig, env: NodeJS.ProcessEnv): Kubeconfig {
  const files = (env.KUBECONFIG ?? '').split(path.delimiter).filter(f => f && existsSync(f) && !isEmptyFile(f));
  if (!env.KUBECONFIG) {
    const home = env.HOME || env.USERPROFILE;
    const homeConfig = home ? path.join(home, '.kube', 'config') : undefined;
    if (homeConfig && existsSync(homeConfig) && !isEmptyFile(homeConfig)) files.push(homeConfig);
  }
  if (files.length === 0 && env.KUBERNETES_SERVICE_HOST && env.KUBERNETES_SERVICE_PORT) return inClusterConfig(env);
  for (const file of files) readInto(config, file);
  return config;
}

/**
 * The files and the credential plugin the current context names, checked before any request, so the
 * message says which file or plugin and what to do.
 */
function checkReferencedFiles(config: Kubeconfig, source: string, env: NodeJS.ProcessEnv): void {
  const current = config.current()!;
  const cluster = current.cluster!;
  const user = current.user;
  const userName = current.context.user;
  const files: Array<[string | undefined, string, string]> = [
    [cluster.certificateAuthorityData ? undefined : cluster.certificateAuthorityFile, 'certificate-authority', `cluster "${current.context.cluster}"`],
    [user.clientCertificateData ? undefined : user.clientCertificateFile, 'client-certificate', `user "${userName}"`],
    [user.clientKeyData ? undefined : user.clientKeyFile, 'client-key', `user "${userName}"`],
  ];
  for (const [file, field, owner] of files) {
    if (file && !existsSync(file)) {
      throw new KubeconfigError(`the ${field} file ${file} (${owner} in ${source}) does not exist: fix the path in the kubeconfig, or get a fresh kubeconfig from your cluster provider`);
    }
  }
  const command = user.exec?.command;
  if (command && !commandExists(command, env)) {
    const hint = user.exec?.installHint ? ` (${user.exec.installHint.trim().split('\n')[0]})` : '';
    throw new KubeconfigError(`the credential plugin "${command}" (user "${userName}" in ${source}) is not installed or not on PATH: ${loginAdvice(command)}${hint}`);
  }
}

function commandExists(command: string, env: NodeJS.ProcessEnv): boolean {
  if (command.includes('/')) return existsSync(command);
  return (env.PATH ?? '').split(path.delimiter).filter(Boolean).some(dir => existsSync(path.join(dir, command)));
}


function isEmptyFile(file: string): boolean {
  try {
    return readFileSync(file, 'utf8').trim() === '';
  } catch {
    return false;
  }
}

/** What `--request-timeout` defaults to; a request that times out is tried once more. */
export const DEFAULT_TIMEOUT_MS = 30_000;
const TIMEOUT_ATTEMPTS = 2;
/** How long a request may take before the wait is reported. */
const SLOW_REQUEST_MS = 2_000;

function formatDuration(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

export function connect(options: ConnectOptions = {}): KubeClient {
  const {config} = loadKubeconfig(options);
  return new HttpKubeClient(config, options);
}

/** How requests authenticate and reach the server: the agent (TLS) and the headers. */
interface Transport {
  agent: http.Agent;
  headers: Record<string, string>;
}

class HttpKubeClient implements KubeClient {
  readonly endpoint: ClusterEndpoint;
  private readonly timeoutMs: number;
  private readonly readAttempts: number;

  private readonly log?: (line: string) => void;
  private readonly env: NodeJS.ProcessEnv;
  private transport?: Promise<Transport>;

  constructor(private readonly config: Kubeconfig, options: ConnectOptions) {
    const current = config.current()!;
    this.endpoint = {context: current.name, server: current.cluster!.server, user: current.context.user};
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.readAttempts = options.readAttempts ?? 4;
    this.onProgress = options.onProgress;
    this.signal = options.signal;
    this.log = options.log;
    this.env = options.env ?? process.env;
  }

  /** Built on the first request (an exec plugin runs then, not at start-up); built again after a failure. */
  private transportFor(): Promise<Transport> {
    this.transport ??= this.buildTransport().catch(error => {
      this.transport = undefined;
      throw error;
    });
    return this.transport;
  }

  /** TLS and credentials from the kubeconfig. A plain-http server (kubectl proxy) is used as kubectl uses it. */
  private async buildTransport(): Promise<Transport> {
    const current = this.config.current()!;
    const cluster = current.cluster!;
    if (current.user.authProvider || cluster.proxyUrl) return legacyTransport(this.config, current.name);
    const credentials = await credentialsFor(current.context.user, current.user, cluster, this.env);
    if (new URL(cluster.server).protocol === 'http:') return {agent: new http.Agent(), headers: credentials.headers};
    const agent = new https.Agent({
      ca: certificateAuthority(current.context.cluster, cluster),
      cert: credentials.clientCertificateData,
      key: credentials.clientKeyData,
      rejectUnauthorized: !cluster.insecureSkipTlsVerify,
      servername: cluster.tlsServerName,
    });
    return {agent, headers: credentials.headers};
  }

  private readonly onProgress?: (message: string) => void;
  private readonly signal?: AbortSignal;

  async version() {
    let version: {major?: unknown; minor?: unknown; gitVersion?: unknown};
    try {
      version = (await this.request('GET', '/version', {retry: true})) as typeof version;
    } catch (error) {
      // A web page answers /version with 404 or HTML; an API server never does.
      if (error instanceof KubeError && (error.kind === 'BadResponse' || error.kind === 'NotFound' || error.kind === 'NotInstalled') && !(await this.servesApi())) {
        throw this.notAnApiServer(`GET /version answered ${error.kind === 'BadResponse' ? 'with something that is not JSON' : '404'} and GET /api lists no API versions`);
      }
      throw error;
    }
    if ((typeof version?.gitVersion !== 'string' || !/^v\d+\.\d+/.test(version.gitVersion)) && !(await this.servesApi())) {
      throw this.notAnApiServer('GET /version has no Kubernetes version and GET /api lists no API versions');
    }
    return version as {major: string; minor: string; gitVersion: string};
  }

  /** Whether GET /api is the APIVersions list every Kubernetes API server serves. */
  private async servesApi(): Promise<boolean> {
    try {
      const api = (await this.request('GET', '/api', {})) as {kind?: unknown; versions?: unknown};
      return api?.kind === 'APIVersions' && Array.isArray(api.versions);
    } catch {
      return false;
    }
  }

  private notAnApiServer(why: string): KubeError {
    return new KubeError(
      'BadResponse',
      `${this.endpoint.server} (context "${this.endpoint.context}") is not a Kubernetes API server: ${why}. Check the server in your kubeconfig, or choose another context with --context`,
      {},
    );
  }

  async list(kind: KindRef, options: ListOptions = {}): Promise<KubeObject[]> {
    const items: KubeObject[] = [];
    let continueToken: string | undefined;
    do {
      const query = new URLSearchParams({limit: String(options.pageSize ?? 500)});
      if (options.labelSelector) query.set('labelSelector', options.labelSelector);
      if (options.fieldSelector) query.set('fieldSelector', options.fieldSelector);
      if (continueToken) query.set('continue', continueToken);
      const accept = options.metadataOnly ? 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1' : undefined;
      const page = (await this.request('GET', collectionPath(kind, options.namespace), {query, retry: true, kind, accept})) as {
        apiVersion?: string;
        items?: KubeObject[];
        metadata?: {continue?: string};
      };
      if (!Array.isArray(page.items)) {
        throw new KubeError('BadResponse', `the server's list of ${kind.plural} has no items array: is ${this.endpoint.server} a Kubernetes API server?`, {resource: kind.plural, group: kind.group});
      }
      // List items carry no apiVersion/kind on a real server; fill them in so objects stand alone.
      // A metadata-only item says PartialObjectMetadata: it stands for an object of this kind.
      for (const item of page.items) items.push({...item, apiVersion: options.metadataOnly ? apiVersion(kind) : (item.apiVersion ?? apiVersion(kind)), kind: options.metadataOnly ? kind.kind : (item.kind ?? kind.kind)});
      continueToken = page.metadata?.continue || undefined;
    } while (continueToken);
    return items;
  }

  async get(kind: KindRef, namespace: string | undefined, name: string): Promise<KubeObject | undefined> {
    try {
      return (await this.request('GET', `${collectionPath(kind, namespace)}/${encodeURIComponent(name)}`, {retry: true, kind, name, namespace})) as KubeObject;
    } catch (error) {
      if (error instanceof KubeError && error.kind === 'NotFound' && error.details.name === name) return undefined;
      throw error;
    }
  }

  async create(kind: KindRef, object: KubeObject, options: WriteOptions = {}): Promise<KubeObject> {
    return (await this.request('POST', collectionPath(kind, object.metadata.namespace), {
      query: writeQuery(options),
      body: JSON.stringify(object),
      contentType: 'application/json',
      kind,
      name: object.metadata.name,
      namespace: object.metadata.namespace,
    })) as KubeObject;
  }

  async patch(kind: KindRef, namespace: string | undefined, name: string, patch: unknown, type: PatchType, options: WriteOptions = {}): Promise<KubeObject> {
    return (await this.request('PATCH', `${collectionPath(kind, namespace)}/${encodeURIComponent(name)}`, {
      query: writeQuery(options),
      body: JSON.stringify(patch),
      contentType: CONTENT_TYPES[type],
      kind,
      name,
      namespace,
    })) as KubeObject;
  }

  async delete(kind: KindRef, namespace: string | undefined, name: string, options: WriteOptions & {uid?: string; resourceVersion?: string} = {}): Promise<void> {
    const preconditions = options.uid || options.resourceVersion ? {uid: options.uid, resourceVersion: options.resourceVersion} : undefined;
    await this.request('DELETE', `${collectionPath(kind, namespace)}/${encodeURIComponent(name)}`, {
      query: writeQuery(options),
      body: JSON.stringify({apiVersion: 'v1', kind: 'DeleteOptions', propagationPolicy: 'Background', ...(preconditions ? {preconditions} : {})}),
      contentType: 'application/json',
      kind,
      name,
      namespace,
    });
  }

  private async request(
    method: string,
    path: string,
    options: {query?: URLSearchParams; body?: string; contentType?: string; retry?: boolean; kind?: KindRef; name?: string; namespace?: string; accept?: string},
  ): Promise<unknown> {
    let attempts = options.retry ? this.readAttempts : 1;
    const started = Date.now();
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.once(method, path, options, {attempt, attempts});
      } catch (error) {
        if (!(error instanceof KubeError)) throw error;
        // A server that does not answer in the whole timeout is tried once more, not four times over: the
        // total wait stays at two timeouts, and the message says how long it was.
        if (error.kind === 'Timeout') attempts = Math.min(attempts, TIMEOUT_ATTEMPTS);
        if (!error.transient || attempt >= attempts) {
          if (error.kind === 'Timeout') {
            const seconds = (Date.now() - started) / 1000;
            error.message = `${error.message}${attempt > 1 ? ` (${attempt} attempts, ${seconds < 10 ? seconds.toFixed(1) : Math.round(seconds)}s in all)` : ''}: check that the cluster is up and reachable, or wait longer with --request-timeout (e.g. --request-timeout 2m)`;
          }
          throw error;
        }
        const backoff = error.details.retryAfterSeconds !== undefined ? Math.min(error.details.retryAfterSeconds, 10) * 1000 : 200 * 2 ** (attempt - 1);
        this.onProgress?.(`waiting for ${this.endpoint.server} (attempt ${attempt + 1} of ${attempts}): ${method} ${path} ${error.kind === 'Timeout' ? 'timed out' : `failed (${error.kind})`}`);
        await this.pause(backoff);
      }
    }
  }

  private pause(ms: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (this.signal?.aborted) return reject(this.cancelled());
      const onAbort = () => {
        clearTimeout(timer);
        reject(this.cancelled());
      };
      const timer = setTimeout(() => {
        this.signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      this.signal?.addEventListener('abort', onAbort, {once: true});
    });
  }

  private cancelled(): KubeError {
    return new KubeError('Cancelled', `cancelled: the requests to ${this.endpoint.server} were stopped`, {});
  }

  private async once(
    method: string,
    path: string,
    options: {query?: URLSearchParams; body?: string; contentType?: string; kind?: KindRef; name?: string; namespace?: string; accept?: string},
    progress: {attempt: number; attempts: number} = {attempt: 1, attempts: 1},
  ): Promise<unknown> {
    if (this.signal?.aborted) throw this.cancelled();
    const server = this.endpoint.server.replace(/\/+$/, '');
    const url = `${server}${path}${options.query && [...options.query].length ? `?${options.query}` : ''}`;
    let transport: Transport;
    try {
      transport = await this.transportFor();
    } catch (error) {
      if (error instanceof KubeconfigError) throw error;
      throw new KubeconfigError(`cannot set up the connection to ${this.endpoint.server}: ${firstLine(error)}`);
    }
    const controller = new AbortController();
    let timedOut = false;
    const timer = this.timeoutMs > 0 ? setTimeout(() => ((timedOut = true), controller.abort()), this.timeoutMs) : undefined;
    // A request that takes a while is said to be waited for, so a silent server is not a blank screen.
    const slow = this.onProgress ? setTimeout(() => this.onProgress!(`waiting for ${this.endpoint.server} (attempt ${progress.attempt} of ${Math.max(progress.attempt, Math.min(progress.attempts, TIMEOUT_ATTEMPTS))}): ${method} ${path}…`), SLOW_REQUEST_MS) : undefined;
    const onAbort = () => controller.abort();
    this.signal?.addEventListener('abort', onAbort, {once: true});
    const headers: Record<string, string> = {
      ...transport.headers,
      Accept: options.accept ?? 'application/json',
      'User-Agent': 'ambient-migrate',
    };
    if (options.contentType) headers['Content-Type'] = options.contentType;
    let response: Response;
    let text: string;
    const where = {verb: verbOf(method, options.name), resource: options.kind?.plural, group: options.kind?.group, namespace: options.namespace, name: options.name};
    const started = performance.now();
    try {
      response = await fetch(url, {agent: transport.agent, method, headers, body: options.body, signal: controller.signal as RequestInit['signal']});
      text = await response.text();
    } catch (error) {
      if (this.signal?.aborted && !timedOut) throw this.cancelled();
      const failure = this.networkError(error, method, url, where);
      this.log?.(`${method} ${url} failed after ${Math.round(performance.now() - started)} ms: ${failure.kind}`);
      throw failure;
    } finally {
      clearTimeout(timer);
      clearTimeout(slow);
      this.signal?.removeEventListener('abort', onAbort);
    }
    this.log?.(`${method} ${url} ${response.status} in ${Math.round(performance.now() - started)} ms`);
    if (response.ok) {
      if (!text) return {};
      try {
        return JSON.parse(text);
      } catch {
        throw new KubeError('BadResponse', `${this.endpoint.server} answered ${method} ${path} with something that is not JSON: is it a Kubernetes API server?`, where);
      }
    }
    throw statusError(response.status, text, response.headers.get('retry-after'), where);
  }

  private networkError(error: unknown, method: string, url: string, where: KubeError['details']): KubeError {
    const e = error as {name?: string; code?: string; errno?: string; message?: string; type?: string};
    const code = e.code ?? e.errno ?? '';
    const target = `the API server ${this.endpoint.server} (context "${this.endpoint.context}")`;
    if (e.name === 'AbortError' || e.type === 'aborted') {
      return new KubeError('Timeout', `${target} did not answer ${method} ${new URL(url).pathname} within ${formatDuration(this.timeoutMs)}`, where);
    }
    if (['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ETIMEDOUT'].includes(code)) {
      return new KubeError(
        'Unreachable',
        `cannot reach ${target}: ${code}. Check that the cluster is running and reachable (VPN, proxy), or choose another context with --context`,
        where,
      );
    }
    if (code === 'ECONNRESET' || code === 'EPIPE' || /socket hang up|premature close/i.test(e.message ?? '')) {
      return new KubeError('ConnectionDropped', `the connection to ${target} was dropped during ${method} ${new URL(url).pathname}`, where);
    }
    if (/certificate|self.signed|CERT_|SSL/i.test(`${code} ${e.message}`)) {
      return new KubeError('Unreachable', `TLS to ${target} failed: ${e.message}. Check the certificate-authority in your kubeconfig`, where);
    }
    return new KubeError('Other', `request to ${target} failed: ${e.message ?? String(error)}`, where);
  }
}

/**
 * Legacy `auth-provider` users (oidc, and the gcp/azure providers kubectl dropped in 1.26) and clusters
 * behind a `proxy-url` go through client-node, which implements both; it is loaded only for them.
 */
async function legacyTransport(config: Kubeconfig, context: string): Promise<Transport> {
  const {KubeConfig} = await import('@kubernetes/client-node');
  const kc = new KubeConfig();
  if (config.inCluster) kc.loadFromCluster();
  else {
    kc.loadFromFile(config.files[0]!);
    for (const file of config.files.slice(1)) {
      const more = new KubeConfig();
      more.loadFromFile(file);
      kc.mergeConfig(more);
    }
  }
  kc.setCurrentContext(context);
  const init = (await kc.applyToFetchOptions({method: 'GET'})) as RequestInit & {agent?: http.Agent};
  return {agent: init.agent as http.Agent, headers: {...(init.headers as Record<string, string> | undefined)}};
}

function statusError(status: number, text: string, retryAfter: string | null, where: KubeError['details']): KubeError {
  let body: {message?: string; reason?: string; details?: {name?: string; causes?: KubeError['details']['causes']; retryAfterSeconds?: number}} = {};
  try {
    body = JSON.parse(text);
  } catch {
    body = {message: text.slice(0, 200)};
  }
  const message = body.message || `HTTP ${status}`;
  const details = {
    ...where,
    status,
    reason: body.reason,
    name: body.details?.name ?? where.name,
    causes: body.details?.causes,
    retryAfterSeconds: retryAfter !== null && !Number.isNaN(Number(retryAfter)) ? Number(retryAfter) : body.details?.retryAfterSeconds,
  };
  switch (status) {
    case 401:
      return new KubeError('Unauthorized', `the API server rejected our credentials (401): ${message}. Log in again or refresh the token in your kubeconfig`, details);
    case 403:
      return new KubeError('Forbidden', message, details);
    case 404:
      // "the server could not find the requested resource" means the kind itself is not served.
      if (!body.details?.name && /could not find the requested resource/.test(message)) {
        return new KubeError('NotInstalled', `${where.resource ?? 'this kind'}${where.group ? `.${where.group}` : ''} is not installed in this cluster`, details);
      }
      return new KubeError('NotFound', message, details);
    case 409:
      return new KubeError(body.reason === 'AlreadyExists' ? 'AlreadyExists' : 'Conflict', message, details);
    case 422:
      return new KubeError('Invalid', message, details);
    case 429:
      return new KubeError('Throttled', `the API server is throttling requests (429): ${message}`, details);
    default:
      if (status >= 500) return new KubeError('ServerError', `the API server failed (${status} ${body.reason ?? ''}): ${message}`, details);
      return new KubeError('Other', `${status} ${body.reason ?? ''}: ${message}`, details);
  }
}

function verbOf(method: string, name: string | undefined): string {
  if (method === 'GET') return name ? 'get' : 'list';
  return {POST: 'create', PUT: 'update', PATCH: 'patch', DELETE: 'delete'}[method] ?? method.toLowerCase();
}

function apiVersion(kind: KindRef): string {
  return kind.group ? `${kind.group}/${kind.version}` : kind.version;
}

function collectionPath(kind: KindRef, namespace: string | undefined): string {
  const base = kind.group ? `/apis/${kind.group}/${kind.version}` : `/api/${kind.version}`;
  return kind.namespaced && namespace ? `${base}/namespaces/${encodeURIComponent(namespace)}/${kind.plural}` : `${base}/${kind.plural}`;
}

function writeQuery(options: WriteOptions): URLSearchParams {
  const query = new URLSearchParams({fieldManager: options.fieldManager ?? 'ambient-migrate'});
  if (options.dryRun) query.set('dryRun', 'All');
  if (options.force) query.set('force', 'true');
  return query;
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
}
