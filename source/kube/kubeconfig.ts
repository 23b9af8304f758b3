import {spawn} from 'node:child_process';
import {existsSync, readFileSync} from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import {KubeconfigError} from './errors.ts';

/**
 * kubeconfig loading as kubectl does it (client-go `tools/clientcmd/loader.go`), written here rather than
 * taken from @kubernetes/client-node: importing client-node's KubeConfig loads its whole generated API
 * (about 0.4 s on these machines), which was most of every command's start-up. What is covered: the
 * `$KUBECONFIG` list merged with first-wins per name and for current-context, `~/.kube/config`, in-cluster
 * service-account credentials, paths relative to the file that names them, CA / client certificates as
 * files or data, tokens and token files, basic auth, `insecure-skip-tls-verify`, `tls-server-name`, and
 * exec credential plugins (client.authentication.k8s.io v1 and v1beta1). Two rare things are handed to
 * client-node, loaded only then: legacy `auth-provider` users and clusters with a `proxy-url`.
 */

export interface ClusterEntry {
  server: string;
  /** The file that defined this entry, for messages. */
  definedIn?: string;
  certificateAuthorityData?: Buffer;
  /** Read only when this cluster is used, as kubectl does: a broken path elsewhere in the file is no error. */
  certificateAuthorityFile?: string;
  insecureSkipTlsVerify?: boolean;
  tlsServerName?: string;
  proxyUrl?: string;
}

export interface ExecConfig {
  apiVersion: string;
  command: string;
  args: string[];
  env: Array<{name: string; value: string}>;
  provideClusterInfo: boolean;
  installHint?: string;
}

export interface UserEntry {
  definedIn?: string;
  token?: string;
  tokenFile?: string;
  username?: string;
  password?: string;
  clientCertificateData?: Buffer;
  clientKeyData?: Buffer;
  clientCertificateFile?: string;
  clientKeyFile?: string;
  exec?: ExecConfig;
  authProvider?: {name: string};
}

export interface ContextEntry {
  cluster: string;
  user: string;
  namespace?: string;
}

/** The merged kubeconfig, with file references already read and relative paths resolved. */
export class Kubeconfig {
  currentContext = '';
  readonly contexts = new Map<string, ContextEntry>();
  readonly clusters = new Map<string, ClusterEntry>();
  readonly users = new Map<string, UserEntry>();
  /** The files it came from, in order (client-node needs them for the rare cases handed to it). */
  readonly files: string[] = [];
  inCluster = false;

  getCurrentContext(): string {
    return this.currentContext;
  }

  contextNames(): string[] {
    return [...this.contexts.keys()];
  }

  current(): {name: string; context: ContextEntry; cluster: ClusterEntry | undefined; user: UserEntry} | undefined {
    const context = this.contexts.get(this.currentContext);
    if (!context) return undefined;
    return {name: this.currentContext, context, cluster: this.clusters.get(context.cluster), user: this.users.get(context.user) ?? {}};
  }
}

type Raw = Record<string, unknown>;

/** Reads one kubeconfig file into `into`; names already there win, as in kubectl's merge. */
export function mergeFile(into: Kubeconfig, file: string): void {
  const text = readFileSync(file, 'utf8');
  let doc: unknown;
  try {
    doc = yaml.load(text);
  } catch (error) {
    throw new KubeconfigError(`kubeconfig file ${file} is not valid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  if (doc === null || doc === undefined) return;
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new KubeconfigError(`kubeconfig file ${file} is not a kubeconfig (expected a mapping with clusters, users and contexts)`);
  const raw = doc as Raw;
  into.files.push(file);
  const dir = path.dirname(path.resolve(file));
  const resolve = (p: string) => (path.isAbsolute(p) ? p : path.join(dir, p));
  const data = (value: unknown): Buffer | undefined => (typeof value === 'string' && value ? Buffer.from(value, 'base64') : undefined);
  if (!into.currentContext && typeof raw['current-context'] === 'string') into.currentContext = raw['current-context'];

  for (const entry of namedList(raw.clusters, 'cluster', file)) {
    if (into.clusters.has(entry.name)) continue;
    const c = entry.value;
    into.clusters.set(entry.name, {
      server: String(c.server ?? ''),
      definedIn: file,
      certificateAuthorityData: data(c['certificate-authority-data']),
      certificateAuthorityFile: typeof c['certificate-authority'] === 'string' && c['certificate-authority'] ? resolve(c['certificate-authority']) : undefined,
      insecureSkipTlsVerify: c['insecure-skip-tls-verify'] === true,
      tlsServerName: typeof c['tls-server-name'] === 'string' ? c['tls-server-name'] : undefined,
      proxyUrl: typeof c['proxy-url'] === 'string' && c['proxy-url'] ? c['proxy-url'] : undefined,
    });
  }
  for (const entry of namedList(raw.users, 'user', file)) {
    if (into.users.has(entry.name)) continue;
    const u = entry.value;
    const str = (key: string) => (typeof u[key] === 'string' && u[key] ? (u[key] as string) : undefined);
    const user: UserEntry = {
      definedIn: file,
      token: str('token'),
      tokenFile: str('tokenFile') ? resolve(str('tokenFile')!) : undefined,
      username: str('username'),
      password: str('password'),
      clientCertificateData: data(u['client-certificate-data']),
      clientKeyData: data(u['client-key-data']),
      clientCertificateFile: str('client-certificate') ? resolve(str('client-certificate')!) : undefined,
      clientKeyFile: str('client-key') ? resolve(str('client-key')!) : undefined,
    };
    const exec = u.exec as Raw | undefined;
    if (exec && typeof exec === 'object') {
      const command = String(exec.command ?? '');
      user.exec = {
        apiVersion: String(exec.apiVersion ?? 'client.authentication.k8s.io/v1'),
        // client-go resolves a command given as a relative path (one with a separator) against the file.
        command: command.includes('/') && !path.isAbsolute(command) ? resolve(command) : command,
        args: Array.isArray(exec.args) ? exec.args.map(String) : [],
        env: Array.isArray(exec.env) ? (exec.env as Raw[]).map(e => ({name: String(e.name), value: String(e.value ?? '')})) : [],
        provideClusterInfo: exec.provideClusterInfo === true,
        installHint: typeof exec.installHint === 'string' ? exec.installHint : undefined,
      };
    }
    const provider = u['auth-provider'] as Raw | undefined;
    if (provider && typeof provider === 'object') user.authProvider = {name: String(provider.name ?? '')};
    into.users.set(entry.name, user);
  }
  for (const entry of namedList(raw.contexts, 'context', file)) {
    if (into.contexts.has(entry.name)) continue;
    const c = entry.value;
    into.contexts.set(entry.name, {cluster: String(c.cluster ?? ''), user: String(c.user ?? ''), namespace: typeof c.namespace === 'string' ? c.namespace : undefined});
  }
}

function namedList(value: unknown, field: string, file: string): Array<{name: string; value: Raw}> {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new KubeconfigError(`kubeconfig file ${file}: ${field}s must be a list`);
  return value.flatMap(item => {
    if (!item || typeof item !== 'object' || typeof (item as Raw).name !== 'string') return [];
    const inner = (item as Raw)[field];
    return [{name: (item as Raw).name as string, value: (inner && typeof inner === 'object' ? inner : {}) as Raw}];
  });
}

const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/** In a pod with no kubeconfig: its service account, as kubectl and client-go's rest.InClusterConfig do. */
export function inClusterConfig(env: NodeJS.ProcessEnv, dir = SERVICE_ACCOUNT_DIR): Kubeconfig {
  const config = new Kubeconfig();
  const host = env.KUBERNETES_SERVICE_HOST!;
  const port = env.KUBERNETES_SERVICE_PORT!;
  const server = `https://${host.includes(':') ? `[${host}]` : host}:${port}`;
  config.inCluster = true;
  config.clusters.set('in-cluster', {server, certificateAuthorityData: existsSync(`${dir}/ca.crt`) ? readFileSync(`${dir}/ca.crt`) : undefined});
  config.users.set('in-cluster', {tokenFile: `${dir}/token`});
  const namespace = existsSync(`${dir}/namespace`) ? readFileSync(`${dir}/namespace`, 'utf8').trim() : undefined;
  config.contexts.set('in-cluster', {cluster: 'in-cluster', user: 'in-cluster', namespace});
  config.currentContext = 'in-cluster';
  return config;
}

/** A file a kubeconfig entry names (certificate, key), read when the entry is used; says which if it cannot be. */
export function readReference(what: string, owner: string, definedIn: string | undefined, target: string): Buffer {
  try {
    return readFileSync(target);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new KubeconfigError(
      `the ${what} ${target} of ${owner}${definedIn ? ` (in ${definedIn})` : ''} ${code === 'ENOENT' ? 'does not exist' : `cannot be read (${code})`}: fix the path in the kubeconfig, or use ${what}-data with the file's contents`,
    );
  }
}

/** The cluster's CA bundle, from data or from its file. */
export function certificateAuthority(clusterName: string, cluster: ClusterEntry): Buffer | undefined {
  if (cluster.certificateAuthorityData) return cluster.certificateAuthorityData;
  return cluster.certificateAuthorityFile ? readReference('certificate-authority', `cluster "${clusterName}"`, cluster.definedIn, cluster.certificateAuthorityFile) : undefined;
}

/** What a request needs to authenticate: headers and, for client certificates, the TLS key pair. */
export interface Credentials {
  headers: Record<string, string>;
  clientCertificateData?: Buffer;
  clientKeyData?: Buffer;
}

interface CachedExec {
  credentials: Credentials;
  expires?: number;
}

const execCache = new Map<string, CachedExec>();

/**
 * The credentials of a user entry. Exec plugins run once per process and again when their credential
 * expires, as client-go's exec authenticator does (`pkg/client/auth/exec/exec.go`).
 */
export async function credentialsFor(userName: string, user: UserEntry, cluster: ClusterEntry, env: NodeJS.ProcessEnv): Promise<Credentials> {
  const headers: Record<string, string> = {};
  if (user.exec) return runExec(userName, user.exec, cluster, env);
  if (user.token) headers.Authorization = `Bearer ${user.token}`;
  else if (user.tokenFile) {
    let token: string;
    try {
      token = readFileSync(user.tokenFile, 'utf8').trim();
    } catch (error) {
      throw new KubeconfigError(`the token file ${user.tokenFile} of user "${userName}" cannot be read (${(error as NodeJS.ErrnoException).code}): fix tokenFile in the kubeconfig`);
    }
    headers.Authorization = `Bearer ${token}`;
  } else if (user.username !== undefined && user.password !== undefined) {
    headers.Authorization = `Basic ${Buffer.from(`${user.username}:${user.password}`).toString('base64')}`;
  }
  const owner = `user "${userName}"`;
  return {
    headers,
    clientCertificateData: user.clientCertificateData ?? (user.clientCertificateFile ? readReference('client-certificate', owner, user.definedIn, user.clientCertificateFile) : undefined),
    clientKeyData: user.clientKeyData ?? (user.clientKeyFile ? readReference('client-key', owner, user.definedIn, user.clientKeyFile) : undefined),
  };
}

async function runExec(userName: string, exec: ExecConfig, cluster: ClusterEntry, env: NodeJS.ProcessEnv): Promise<Credentials> {
  const key = `${userName}\0${exec.command}\0${exec.args.join('\0')}`;
  const cached = execCache.get(key);
  if (cached && (cached.expires === undefined || cached.expires - Date.now() > 10_000)) return cached.credentials;
  const info = {
    apiVersion: exec.apiVersion,
    kind: 'ExecCredential',
    spec: {
      interactive: false,
      ...(exec.provideClusterInfo
        ? {cluster: {server: cluster.server, 'certificate-authority-data': cluster.certificateAuthorityData?.toString('base64'), 'insecure-skip-tls-verify': cluster.insecureSkipTlsVerify, 'tls-server-name': cluster.tlsServerName}}
        : {}),
    },
  };
  const plugin = `the credential plugin "${exec.command}" (user "${userName}")`;
  const {code, stdout, stderr, spawnError} = await new Promise<{code: number | null; stdout: string; stderr: string; spawnError?: NodeJS.ErrnoException}>(resolve => {
    const child = spawn(exec.command, exec.args, {
      env: {...env, ...Object.fromEntries(exec.env.map(e => [e.name, e.value])), KUBERNETES_EXEC_INFO: JSON.stringify(info)},
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', chunk => (out += chunk));
    child.stderr.on('data', chunk => (err += chunk));
    child.on('error', error => resolve({code: null, stdout: out, stderr: err, spawnError: error as NodeJS.ErrnoException}));
    child.on('close', status => resolve({code: status, stdout: out, stderr: err}));
  });
  if (spawnError) {
    const hint = exec.installHint ? ` ${exec.installHint.trim().split('\n')[0]}` : '';
    throw new KubeconfigError(
      spawnError.code === 'ENOENT'
        ? `${plugin} is not installed or not on PATH: ${loginAdvice(exec.command)}${hint}`
        : `${plugin} could not be started (${spawnError.code}): ${spawnError.message}`,
    );
  }
  if (code !== 0) {
    const said = stderr.trim().split('\n').filter(Boolean).slice(-1)[0] ?? '';
    throw new KubeconfigError(`${plugin} failed${said ? `: ${said}` : ` (exit ${code})`}. Your login has probably expired: ${loginAdvice(exec.command)}`);
  }
  let status: {token?: string; clientCertificateData?: string; clientKeyData?: string; expirationTimestamp?: string};
  try {
    status = (JSON.parse(stdout) as {status?: typeof status}).status ?? {};
  } catch {
    throw new KubeconfigError(`${plugin} printed something that is not an ExecCredential (JSON): check that it supports ${exec.apiVersion}`);
  }
  const credentials: Credentials = {headers: {}};
  if (status.token) credentials.headers.Authorization = `Bearer ${status.token}`;
  if (status.clientCertificateData && status.clientKeyData) {
    credentials.clientCertificateData = Buffer.from(status.clientCertificateData);
    credentials.clientKeyData = Buffer.from(status.clientKeyData);
  }
  if (!status.token && !credentials.clientCertificateData) throw new KubeconfigError(`${plugin} returned neither a token nor a client certificate`);
  const expires = status.expirationTimestamp ? Date.parse(status.expirationTimestamp) : undefined;
  execCache.set(key, {credentials, expires: Number.isNaN(expires) ? undefined : expires});
  return credentials;
}

/** What to do when the exec plugin of a cloud provider fails: usually an expired login. */
export function loginAdvice(command: string): string {
  const name = path.basename(command);
  const known: Record<string, string> = {
    aws: 'install the AWS CLI, then log in again (aws sso login, or aws eks update-kubeconfig)',
    'aws-iam-authenticator': 'install aws-iam-authenticator, then log in again to AWS',
    'gke-gcloud-auth-plugin': 'install it (gcloud components install gke-gcloud-auth-plugin), then log in again (gcloud auth login)',
    gcloud: 'install the Google Cloud CLI, then log in again (gcloud auth login)',
    kubelogin: 'install kubelogin, then log in again (az login, then kubelogin convert-kubeconfig)',
    az: 'install the Azure CLI, then log in again (az login)',
  };
  return known[name] ?? `install ${name} or fix the exec command in the kubeconfig, then log in again`;
}
