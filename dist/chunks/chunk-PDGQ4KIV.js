import {
  KubeError,
  KubeconfigError,
  UserFacingError
} from "./chunk-KOEXQVHC.js";

// source/app/cluster-source.ts
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path3 from "node:path";

// source/kube/http-client.ts
import { existsSync as existsSync2, readFileSync as readFileSync2 } from "node:fs";
import path2 from "node:path";
import http from "node:http";
import https from "node:https";
import fetch from "node-fetch";

// source/kube/kubeconfig.ts
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import yaml from "js-yaml";
var Kubeconfig = class {
  currentContext = "";
  contexts = /* @__PURE__ */ new Map();
  clusters = /* @__PURE__ */ new Map();
  users = /* @__PURE__ */ new Map();
  /** The files it came from, in order (client-node needs them for the rare cases handed to it). */
  files = [];
  inCluster = false;
  getCurrentContext() {
    return this.currentContext;
  }
  contextNames() {
    return [...this.contexts.keys()];
  }
  current() {
    const context = this.contexts.get(this.currentContext);
    if (!context) return void 0;
    return { name: this.currentContext, context, cluster: this.clusters.get(context.cluster), user: this.users.get(context.user) ?? {} };
  }
};
function mergeFile(into, file) {
  const text = readFileSync(file, "utf8");
  let doc;
  try {
    doc = yaml.load(text);
  } catch (error) {
    throw new KubeconfigError(`kubeconfig file ${file} is not valid YAML: ${error.message.split("\n")[0]}`);
  }
  if (doc === null || doc === void 0) return;
  if (typeof doc !== "object" || Array.isArray(doc)) throw new KubeconfigError(`kubeconfig file ${file} is not a kubeconfig (expected a mapping with clusters, users and contexts)`);
  const raw = doc;
  into.files.push(file);
  const dir = path.dirname(path.resolve(file));
  const resolve = (p) => path.isAbsolute(p) ? p : path.join(dir, p);
  const data = (value) => typeof value === "string" && value ? Buffer.from(value, "base64") : void 0;
  if (!into.currentContext && typeof raw["current-context"] === "string") into.currentContext = raw["current-context"];
  for (const entry of namedList(raw.clusters, "cluster", file)) {
    if (into.clusters.has(entry.name)) continue;
    const c = entry.value;
    into.clusters.set(entry.name, {
      server: String(c.server ?? ""),
      definedIn: file,
      certificateAuthorityData: data(c["certificate-authority-data"]),
      certificateAuthorityFile: typeof c["certificate-authority"] === "string" && c["certificate-authority"] ? resolve(c["certificate-authority"]) : void 0,
      insecureSkipTlsVerify: c["insecure-skip-tls-verify"] === true,
      tlsServerName: typeof c["tls-server-name"] === "string" ? c["tls-server-name"] : void 0,
      proxyUrl: typeof c["proxy-url"] === "string" && c["proxy-url"] ? c["proxy-url"] : void 0
    });
  }
  for (const entry of namedList(raw.users, "user", file)) {
    if (into.users.has(entry.name)) continue;
    const u = entry.value;
    const str = (key) => typeof u[key] === "string" && u[key] ? u[key] : void 0;
    const user = {
      definedIn: file,
      token: str("token"),
      tokenFile: str("tokenFile") ? resolve(str("tokenFile")) : void 0,
      username: str("username"),
      password: str("password"),
      clientCertificateData: data(u["client-certificate-data"]),
      clientKeyData: data(u["client-key-data"]),
      clientCertificateFile: str("client-certificate") ? resolve(str("client-certificate")) : void 0,
      clientKeyFile: str("client-key") ? resolve(str("client-key")) : void 0
    };
    const exec = u.exec;
    if (exec && typeof exec === "object") {
      const command = String(exec.command ?? "");
      user.exec = {
        apiVersion: String(exec.apiVersion ?? "client.authentication.k8s.io/v1"),
        // client-go resolves a command given as a relative path (one with a separator) against the file.
        command: command.includes("/") && !path.isAbsolute(command) ? resolve(command) : command,
        args: Array.isArray(exec.args) ? exec.args.map(String) : [],
        env: Array.isArray(exec.env) ? exec.env.map((e) => ({ name: String(e.name), value: String(e.value ?? "") })) : [],
        provideClusterInfo: exec.provideClusterInfo === true,
        installHint: typeof exec.installHint === "string" ? exec.installHint : void 0
      };
    }
    const provider = u["auth-provider"];
    if (provider && typeof provider === "object") user.authProvider = { name: String(provider.name ?? "") };
    into.users.set(entry.name, user);
  }
  for (const entry of namedList(raw.contexts, "context", file)) {
    if (into.contexts.has(entry.name)) continue;
    const c = entry.value;
    into.contexts.set(entry.name, { cluster: String(c.cluster ?? ""), user: String(c.user ?? ""), namespace: typeof c.namespace === "string" ? c.namespace : void 0 });
  }
}
function namedList(value, field, file) {
  if (value === void 0 || value === null) return [];
  if (!Array.isArray(value)) throw new KubeconfigError(`kubeconfig file ${file}: ${field}s must be a list`);
  return value.flatMap((item) => {
    if (!item || typeof item !== "object" || typeof item.name !== "string") return [];
    const inner = item[field];
    return [{ name: item.name, value: inner && typeof inner === "object" ? inner : {} }];
  });
}
var SERVICE_ACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";
function inClusterConfig(env, dir = SERVICE_ACCOUNT_DIR) {
  const config = new Kubeconfig();
  const host = env.KUBERNETES_SERVICE_HOST;
  const port = env.KUBERNETES_SERVICE_PORT;
  const server = `https://${host.includes(":") ? `[${host}]` : host}:${port}`;
  config.inCluster = true;
  config.clusters.set("in-cluster", { server, certificateAuthorityData: existsSync(`${dir}/ca.crt`) ? readFileSync(`${dir}/ca.crt`) : void 0 });
  config.users.set("in-cluster", { tokenFile: `${dir}/token` });
  const namespace = existsSync(`${dir}/namespace`) ? readFileSync(`${dir}/namespace`, "utf8").trim() : void 0;
  config.contexts.set("in-cluster", { cluster: "in-cluster", user: "in-cluster", namespace });
  config.currentContext = "in-cluster";
  return config;
}
function readReference(what, owner, definedIn, target) {
  try {
    return readFileSync(target);
  } catch (error) {
    const code = error.code;
    throw new KubeconfigError(
      `the ${what} ${target} of ${owner}${definedIn ? ` (in ${definedIn})` : ""} ${code === "ENOENT" ? "does not exist" : `cannot be read (${code})`}: fix the path in the kubeconfig, or use ${what}-data with the file's contents`
    );
  }
}
function certificateAuthority(clusterName, cluster) {
  if (cluster.certificateAuthorityData) return cluster.certificateAuthorityData;
  return cluster.certificateAuthorityFile ? readReference("certificate-authority", `cluster "${clusterName}"`, cluster.definedIn, cluster.certificateAuthorityFile) : void 0;
}
var execCache = /* @__PURE__ */ new Map();
async function credentialsFor(userName, user, cluster, env) {
  const headers = {};
  if (user.exec) return runExec(userName, user.exec, cluster, env);
  if (user.token) headers.Authorization = `Bearer ${user.token}`;
  else if (user.tokenFile) {
    let token;
    try {
      token = readFileSync(user.tokenFile, "utf8").trim();
    } catch (error) {
      throw new KubeconfigError(`the token file ${user.tokenFile} of user "${userName}" cannot be read (${error.code}): fix tokenFile in the kubeconfig`);
    }
    headers.Authorization = `Bearer ${token}`;
  } else if (user.username !== void 0 && user.password !== void 0) {
    headers.Authorization = `Basic ${Buffer.from(`${user.username}:${user.password}`).toString("base64")}`;
  }
  const owner = `user "${userName}"`;
  return {
    headers,
    clientCertificateData: user.clientCertificateData ?? (user.clientCertificateFile ? readReference("client-certificate", owner, user.definedIn, user.clientCertificateFile) : void 0),
    clientKeyData: user.clientKeyData ?? (user.clientKeyFile ? readReference("client-key", owner, user.definedIn, user.clientKeyFile) : void 0)
  };
}
async function runExec(userName, exec, cluster, env) {
  const key = `${userName}\0${exec.command}\0${exec.args.join("\0")}`;
  const cached = execCache.get(key);
  if (cached && (cached.expires === void 0 || cached.expires - Date.now() > 1e4)) return cached.credentials;
  const info = {
    apiVersion: exec.apiVersion,
    kind: "ExecCredential",
    spec: {
      interactive: false,
      ...exec.provideClusterInfo ? { cluster: { server: cluster.server, "certificate-authority-data": cluster.certificateAuthorityData?.toString("base64"), "insecure-skip-tls-verify": cluster.insecureSkipTlsVerify, "tls-server-name": cluster.tlsServerName } } : {}
    }
  };
  const plugin = `the credential plugin "${exec.command}" of user "${userName}"`;
  const { code, stdout, stderr, spawnError } = await new Promise((resolve) => {
    const child = spawn(exec.command, exec.args, {
      env: { ...env, ...Object.fromEntries(exec.env.map((e) => [e.name, e.value])), KUBERNETES_EXEC_INFO: JSON.stringify(info) },
      stdio: ["ignore", "pipe", "pipe"]
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (chunk) => out += chunk);
    child.stderr.on("data", (chunk) => err += chunk);
    child.on("error", (error) => resolve({ code: null, stdout: out, stderr: err, spawnError: error }));
    child.on("close", (status2) => resolve({ code: status2, stdout: out, stderr: err }));
  });
  if (spawnError) {
    const hint = exec.installHint ? ` ${exec.installHint.trim().split("\n")[0]}` : "";
    throw new KubeconfigError(
      spawnError.code === "ENOENT" ? `${plugin} is not installed or not on PATH: install it, or fix users[].exec.command in the kubeconfig.${hint}` : `${plugin} could not be started (${spawnError.code}): ${spawnError.message}`
    );
  }
  if (code !== 0) {
    const said = stderr.trim().split("\n").filter(Boolean).slice(-1)[0] ?? "";
    throw new KubeconfigError(`${plugin} failed (exit ${code})${said ? `: ${said}` : ""}. Log in again with your cloud's CLI (an expired login looks like this), then retry`);
  }
  let status;
  try {
    status = JSON.parse(stdout).status ?? {};
  } catch {
    throw new KubeconfigError(`${plugin} printed something that is not an ExecCredential (JSON): check that it supports ${exec.apiVersion}`);
  }
  const credentials = { headers: {} };
  if (status.token) credentials.headers.Authorization = `Bearer ${status.token}`;
  if (status.clientCertificateData && status.clientKeyData) {
    credentials.clientCertificateData = Buffer.from(status.clientCertificateData);
    credentials.clientKeyData = Buffer.from(status.clientKeyData);
  }
  if (!status.token && !credentials.clientCertificateData) throw new KubeconfigError(`${plugin} returned neither a token nor a client certificate`);
  const expires = status.expirationTimestamp ? Date.parse(status.expirationTimestamp) : void 0;
  execCache.set(key, { credentials, expires: Number.isNaN(expires) ? void 0 : expires });
  return credentials;
}

// source/kube/http-client.ts
var CONTENT_TYPES = {
  merge: "application/merge-patch+json",
  json: "application/json-patch+json",
  strategic: "application/strategic-merge-patch+json",
  apply: "application/apply-patch+yaml"
};
function loadKubeconfig(options) {
  const config = new Kubeconfig();
  const env = options.env ?? process.env;
  let source;
  if (options.kubeconfig) {
    if (!existsSync2(options.kubeconfig)) {
      throw new KubeconfigError(`kubeconfig file ${options.kubeconfig} does not exist: check the --kubeconfig path, or drop the flag to use $KUBECONFIG or ~/.kube/config`);
    }
    source = options.kubeconfig;
    if (isEmptyFile(options.kubeconfig)) {
      throw new KubeconfigError(`kubeconfig file ${options.kubeconfig} is empty: point --kubeconfig at a kubeconfig with a context, or try the built-in demo cluster with --demo`);
    }
    readInto(config, options.kubeconfig);
  } else {
    source = env.KUBECONFIG ? `$KUBECONFIG (${env.KUBECONFIG})` : "~/.kube/config";
    const listed = (env.KUBECONFIG ?? "").split(path2.delimiter).filter(Boolean);
    if (listed.length > 0 && !listed.some((file) => existsSync2(file))) {
      throw new KubeconfigError(`$KUBECONFIG names ${listed.join(path2.delimiter)}, which does not exist: fix or unset KUBECONFIG, pass --kubeconfig FILE, or try the demo cluster with --demo`);
    }
    const loaded = loadDefault(config, env);
    if (loaded !== config) return finish(loaded, options, source);
    if (config.contexts.size === 0) {
      throw new KubeconfigError(`no kubeconfig found (looked at ${source}): pass --kubeconfig FILE, set KUBECONFIG, or try the built-in demo cluster with --demo`);
    }
  }
  return finish(config, options, source);
}
function finish(config, options, source) {
  if (options.context) {
    if (!config.contexts.has(options.context)) {
      const known = config.contextNames();
      throw new KubeconfigError(`context "${options.context}" is not in ${source}; it has ${known.length ? known.map((n) => `"${n}"`).join(", ") : "no contexts"}: pick one of those with --context`);
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
  return { config, source };
}
function readInto(config, file) {
  try {
    mergeFile(config, file);
  } catch (error) {
    if (error instanceof KubeconfigError) throw error;
    throw new KubeconfigError(`kubeconfig file ${file} could not be read: ${firstLine(error)}`);
  }
}
function loadDefault(config, env) {
  const files = (env.KUBECONFIG ?? "").split(path2.delimiter).filter((f) => f && existsSync2(f) && !isEmptyFile(f));
  if (!env.KUBECONFIG) {
    const home = env.HOME || env.USERPROFILE;
    const homeConfig = home ? path2.join(home, ".kube", "config") : void 0;
    if (homeConfig && existsSync2(homeConfig) && !isEmptyFile(homeConfig)) files.push(homeConfig);
  }
  if (files.length === 0 && env.KUBERNETES_SERVICE_HOST && env.KUBERNETES_SERVICE_PORT) return inClusterConfig(env);
  for (const file of files) readInto(config, file);
  return config;
}
function isEmptyFile(file) {
  try {
    return readFileSync2(file, "utf8").trim() === "";
  } catch {
    return false;
  }
}
function connect(options = {}) {
  const { config } = loadKubeconfig(options);
  return new HttpKubeClient(config, options);
}
var HttpKubeClient = class {
  constructor(config, options) {
    this.config = config;
    const current = config.current();
    this.endpoint = { context: current.name, server: current.cluster.server, user: current.context.user };
    this.timeoutMs = options.timeoutMs ?? 3e4;
    this.readAttempts = options.readAttempts ?? 4;
    this.log = options.log;
    this.env = options.env ?? process.env;
  }
  config;
  endpoint;
  timeoutMs;
  readAttempts;
  log;
  env;
  transport;
  /** Built on the first request (an exec plugin runs then, not at start-up); rebuilt after a 401 from an expiring plugin credential. */
  transportFor() {
    this.transport ??= this.buildTransport().catch((error) => {
      this.transport = void 0;
      throw error;
    });
    return this.transport;
  }
  async buildTransport() {
    const current = this.config.current();
    const cluster = current.cluster;
    if (current.user.authProvider || cluster.proxyUrl) return legacyTransport(this.config, current.name);
    const credentials = await credentialsFor(current.context.user, current.user, cluster, this.env);
    const url = new URL(cluster.server);
    if (url.protocol === "http:") return { agent: new http.Agent(), headers: credentials.headers };
    const agent = new https.Agent({
      ca: certificateAuthority(current.context.cluster, cluster),
      cert: credentials.clientCertificateData,
      key: credentials.clientKeyData,
      rejectUnauthorized: !cluster.insecureSkipTlsVerify,
      servername: cluster.tlsServerName
    });
    return { agent, headers: credentials.headers };
  }
  async version() {
    return await this.request("GET", "/version", { retry: true });
  }
  async list(kind, options = {}) {
    const items = [];
    let continueToken;
    do {
      const query = new URLSearchParams({ limit: String(options.pageSize ?? 500) });
      if (options.labelSelector) query.set("labelSelector", options.labelSelector);
      if (options.fieldSelector) query.set("fieldSelector", options.fieldSelector);
      if (continueToken) query.set("continue", continueToken);
      const page = await this.request("GET", collectionPath(kind, options.namespace), { query, retry: true, kind });
      if (!Array.isArray(page.items)) {
        throw new KubeError("BadResponse", `the server's list of ${kind.plural} has no items array`, { resource: kind.plural, group: kind.group });
      }
      for (const item of page.items) items.push({ ...item, apiVersion: item.apiVersion ?? apiVersion(kind), kind: item.kind ?? kind.kind });
      continueToken = page.metadata?.continue || void 0;
    } while (continueToken);
    return items;
  }
  async get(kind, namespace, name) {
    try {
      return await this.request("GET", `${collectionPath(kind, namespace)}/${encodeURIComponent(name)}`, { retry: true, kind, name, namespace });
    } catch (error) {
      if (error instanceof KubeError && error.kind === "NotFound" && error.details.name === name) return void 0;
      throw error;
    }
  }
  async create(kind, object, options = {}) {
    return await this.request("POST", collectionPath(kind, object.metadata.namespace), {
      query: writeQuery(options),
      body: JSON.stringify(object),
      contentType: "application/json",
      kind,
      name: object.metadata.name,
      namespace: object.metadata.namespace
    });
  }
  async patch(kind, namespace, name, patch, type, options = {}) {
    return await this.request("PATCH", `${collectionPath(kind, namespace)}/${encodeURIComponent(name)}`, {
      query: writeQuery(options),
      body: JSON.stringify(patch),
      contentType: CONTENT_TYPES[type],
      kind,
      name,
      namespace
    });
  }
  async delete(kind, namespace, name, options = {}) {
    const preconditions = options.uid || options.resourceVersion ? { uid: options.uid, resourceVersion: options.resourceVersion } : void 0;
    await this.request("DELETE", `${collectionPath(kind, namespace)}/${encodeURIComponent(name)}`, {
      query: writeQuery(options),
      body: JSON.stringify({ apiVersion: "v1", kind: "DeleteOptions", propagationPolicy: "Background", ...preconditions ? { preconditions } : {} }),
      contentType: "application/json",
      kind,
      name,
      namespace
    });
  }
  async request(method, path4, options) {
    const attempts = options.retry ? this.readAttempts : 1;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.once(method, path4, options);
      } catch (error) {
        if (!(error instanceof KubeError) || !error.transient || attempt >= attempts) throw error;
        const backoff = error.details.retryAfterSeconds !== void 0 ? Math.min(error.details.retryAfterSeconds, 10) * 1e3 : 200 * 2 ** (attempt - 1);
        await new Promise((r) => setTimeout(r, backoff));
      }
    }
  }
  async once(method, path4, options) {
    const server = this.endpoint.server.replace(/\/+$/, "");
    const url = `${server}${path4}${options.query && [...options.query].length ? `?${options.query}` : ""}`;
    let transport;
    try {
      transport = await this.transportFor();
    } catch (error) {
      if (error instanceof KubeconfigError) throw error;
      throw new KubeconfigError(`cannot set up the connection to ${this.endpoint.server}: ${firstLine(error)}`);
    }
    const controller = new AbortController();
    const timer = this.timeoutMs > 0 ? setTimeout(() => controller.abort(), this.timeoutMs) : void 0;
    const headers = {
      ...transport.headers,
      Accept: "application/json",
      "User-Agent": "ambient-migrate"
    };
    if (options.contentType) headers["Content-Type"] = options.contentType;
    let response;
    let text;
    const where = { verb: verbOf(method, options.name), resource: options.kind?.plural, group: options.kind?.group, namespace: options.namespace, name: options.name };
    const started = performance.now();
    try {
      response = await fetch(url, { agent: transport.agent, method, headers, body: options.body, signal: controller.signal });
      text = await response.text();
    } catch (error) {
      const failure = this.networkError(error, method, url, where);
      this.log?.(`${method} ${url} failed after ${Math.round(performance.now() - started)} ms: ${failure.kind}`);
      throw failure;
    } finally {
      clearTimeout(timer);
    }
    this.log?.(`${method} ${url} ${response.status} in ${Math.round(performance.now() - started)} ms`);
    if (response.ok) {
      if (!text) return {};
      try {
        return JSON.parse(text);
      } catch {
        throw new KubeError("BadResponse", `${this.endpoint.server} answered ${method} ${path4} with something that is not JSON: is it a Kubernetes API server?`, where);
      }
    }
    throw statusError(response.status, text, response.headers.get("retry-after"), where);
  }
  networkError(error, method, url, where) {
    const e = error;
    const code = e.code ?? e.errno ?? "";
    const target = `the API server ${this.endpoint.server} (context "${this.endpoint.context}")`;
    if (e.name === "AbortError" || e.type === "aborted") {
      return new KubeError("Timeout", `${target} did not answer ${method} ${new URL(url).pathname} within ${this.timeoutMs / 1e3}s`, where);
    }
    if (["ECONNREFUSED", "ENOTFOUND", "EHOSTUNREACH", "ENETUNREACH", "EAI_AGAIN", "ETIMEDOUT"].includes(code)) {
      return new KubeError(
        "Unreachable",
        `cannot reach ${target}: ${code}. Check that the cluster is running and reachable (VPN, proxy), or choose another context with --context`,
        where
      );
    }
    if (code === "ECONNRESET" || code === "EPIPE" || /socket hang up|premature close/i.test(e.message ?? "")) {
      return new KubeError("ConnectionDropped", `the connection to ${target} was dropped during ${method} ${new URL(url).pathname}`, where);
    }
    if (/certificate|self.signed|CERT_|SSL/i.test(`${code} ${e.message}`)) {
      return new KubeError("Unreachable", `TLS to ${target} failed: ${e.message}. Check the certificate-authority in your kubeconfig`, where);
    }
    return new KubeError("Other", `request to ${target} failed: ${e.message ?? String(error)}`, where);
  }
};
async function legacyTransport(config, context) {
  const { KubeConfig } = await import("@kubernetes/client-node");
  const kc = new KubeConfig();
  if (config.inCluster) kc.loadFromCluster();
  else {
    kc.loadFromFile(config.files[0]);
    for (const file of config.files.slice(1)) {
      const more = new KubeConfig();
      more.loadFromFile(file);
      kc.mergeConfig(more);
    }
  }
  kc.setCurrentContext(context);
  const init = await kc.applyToFetchOptions({ method: "GET" });
  return { agent: init.agent, headers: { ...init.headers } };
}
function statusError(status, text, retryAfter, where) {
  let body = {};
  try {
    body = JSON.parse(text);
  } catch {
    body = { message: text.slice(0, 200) };
  }
  const message = body.message || `HTTP ${status}`;
  const details = {
    ...where,
    status,
    reason: body.reason,
    name: body.details?.name ?? where.name,
    causes: body.details?.causes,
    retryAfterSeconds: retryAfter !== null && !Number.isNaN(Number(retryAfter)) ? Number(retryAfter) : body.details?.retryAfterSeconds
  };
  switch (status) {
    case 401:
      return new KubeError("Unauthorized", `the API server rejected our credentials (401): ${message}. Log in again or refresh the token in your kubeconfig`, details);
    case 403:
      return new KubeError("Forbidden", message, details);
    case 404:
      if (!body.details?.name && /could not find the requested resource/.test(message)) {
        return new KubeError("NotInstalled", `${where.resource ?? "this kind"}${where.group ? `.${where.group}` : ""} is not installed in this cluster`, details);
      }
      return new KubeError("NotFound", message, details);
    case 409:
      return new KubeError(body.reason === "AlreadyExists" ? "AlreadyExists" : "Conflict", message, details);
    case 422:
      return new KubeError("Invalid", message, details);
    case 429:
      return new KubeError("Throttled", `the API server is throttling requests (429): ${message}`, details);
    default:
      if (status >= 500) return new KubeError("ServerError", `the API server failed (${status} ${body.reason ?? ""}): ${message}`, details);
      return new KubeError("Other", `${status} ${body.reason ?? ""}: ${message}`, details);
  }
}
function verbOf(method, name) {
  if (method === "GET") return name ? "get" : "list";
  return { POST: "create", PUT: "update", PATCH: "patch", DELETE: "delete" }[method] ?? method.toLowerCase();
}
function apiVersion(kind) {
  return kind.group ? `${kind.group}/${kind.version}` : kind.version;
}
function collectionPath(kind, namespace) {
  const base = kind.group ? `/apis/${kind.group}/${kind.version}` : `/api/${kind.version}`;
  return kind.namespaced && namespace ? `${base}/namespaces/${encodeURIComponent(namespace)}/${kind.plural}` : `${base}/${kind.plural}`;
}
function writeQuery(options) {
  const query = new URLSearchParams({ fieldManager: options.fieldManager ?? "ambient-migrate" });
  if (options.dryRun) query.set("dryRun", "All");
  if (options.force) query.set("force", "true");
  return query;
}
function firstLine(error) {
  return (error instanceof Error ? error.message : String(error)).split("\n")[0];
}

// source/app/cluster-source.ts
function connectOptions(flags) {
  return {
    log: flags.verbose ? (line) => void process.stderr.write(`ambient-migrate: ${line}
`) : void 0,
    timeoutMs: flags.requestTimeoutMs,
    readAttempts: flags.readAttempts
  };
}
var DEMO_CLUSTER_FILE = "demo-cluster.json";
var DEMO_CONTEXT = "ambient-migrate-demo";
async function openCluster(flags, options = {}) {
  if (flags.demo || flags.clusterFrom) {
    const [{ startSimulator }, { SeedError, DEMO_FIXTURES }] = await Promise.all([import("./simulator-BNCTEMBH.js"), import("./seed-UEYMC54Q.js")]);
    let simulator;
    try {
      simulator = await startSimulator({
        fixtures: [flags.clusterFrom ?? DEMO_FIXTURES],
        controllerDelayMs: options.controllerDelayMs,
        persistTo: flags.demo && flags.workdir ? path3.join(flags.workdir, DEMO_CLUSTER_FILE) : void 0
      });
    } catch (error) {
      if (error instanceof SeedError) throw new UserFacingError(`cannot build the cluster from ${flags.clusterFrom ?? "the demo fixtures"}: ${error.message}`);
      throw error;
    }
    const dir = mkdtempSync(path3.join(os.tmpdir(), "ambient-migrate-"));
    const context = flags.demo ? DEMO_CONTEXT : "ambient-migrate-cluster-from";
    const kubeconfig = simulator.writeKubeconfig(path3.join(dir, "kubeconfig"), context);
    const client2 = connect({ kubeconfig, context, ...connectOptions(flags) });
    return {
      client: client2,
      simulator,
      close: async () => {
        await simulator.close();
        rmSync(dir, { recursive: true, force: true });
      }
    };
  }
  const client = connect({ kubeconfig: flags.kubeconfig, context: flags.context, ...connectOptions(flags) });
  return { client, close: async () => {
  } };
}

export {
  DEMO_CLUSTER_FILE,
  DEMO_CONTEXT,
  openCluster
};
