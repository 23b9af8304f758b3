// meta.k8s.io/v1 Table responses, as a kube-apiserver renders them for `kubectl get`.
//
// Built-in kinds get hand-written columns that mirror what kubectl prints against a real
// cluster; custom resources get their CRD's additionalPrinterColumns evaluated with JSONPath.

import {JSONPath} from 'jsonpath-plus';
import type {KubeObject, PrinterColumn, ResourceType} from './types.ts';

export type IncludeObject = 'None' | 'Metadata' | 'Object';

export interface TableOptions {
  includeObject?: IncludeObject;
  resourceVersion: string;
  continueToken?: string;
  now?: Date;
}

interface ColumnDefinition {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

type Cell = string | number | boolean | null | Record<string, unknown> | unknown[];

interface RowCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

interface Printer {
  columns: ColumnDefinition[];
  cells(obj: KubeObject, now: Date): Cell[];
  conditions?(obj: KubeObject): RowCondition[] | undefined;
}

// ---------------------------------------------------------------------------
// Accept header

/** True when the Accept header lists a meta.k8s.io Table (v1 or v1beta1) anywhere, as kubectl get does. */
export function wantsTable(accept: string | undefined): boolean {
  return acceptsAs(accept, 'Table');
}

/** `Accept: application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1`: metadata only, as client-go's metadata client asks. */
export function wantsPartialMetadata(accept: string | undefined): boolean {
  return acceptsAs(accept, 'PartialObjectMetadataList') || acceptsAs(accept, 'PartialObjectMetadata');
}

/** The object as `PartialObjectMetadata`: what a metadata-only read answers, never spec, data or status. */
export function partialMetadata(obj: KubeObject): Record<string, unknown> {
  return rowObject(obj, 'Metadata')!;
}

function acceptsAs(accept: string | undefined, as: string): boolean {
  if (!accept) return false;
  for (const entry of accept.split(',')) {
    const [mediaType, ...rawParams] = entry.split(';').map((s) => s.trim());
    if (mediaType?.toLowerCase() !== 'application/json') continue;
    const params = new Map<string, string>();
    for (const p of rawParams) {
      const eq = p.indexOf('=');
      if (eq < 0) continue;
      params.set(p.slice(0, eq).trim().toLowerCase(), p.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1'));
    }
    if (params.get('as') !== as) continue;
    if (params.get('g') !== 'meta.k8s.io') continue;
    const v = params.get('v');
    if (v === 'v1' || v === 'v1beta1') return true;
  }
  return false;
}

// ---------------------------------------------------------------------------
// Durations

/**
 * kubectl's age format: about two significant units. Seconds are shown up to two minutes,
 * minutes+seconds below ten minutes, minutes below three hours, hours+minutes below eight hours,
 * hours below two days, days+hours below eight days, days below two years, years+days below
 * eight years, then years. Slightly negative values (clock skew) count as zero.
 */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.trunc(seconds / 60);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.trunc(minutes / 60);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  const days = Math.trunc(hours / 24);
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${days}d` : `${days}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${days}d`;
  const years = Math.trunc(days / 365);
  if (hours < 24 * 365 * 8) {
    const d = days % 365;
    return d === 0 ? `${years}y` : `${years}y${d}d`;
  }
  return `${years}y`;
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

function parseTimestamp(value: unknown): number | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.getTime();
  if (typeof value !== 'string' || !RFC3339.test(value)) return undefined;
  const t = Date.parse(value);
  return Number.isNaN(t) ? undefined : t;
}

/** Age of a timestamp relative to `now`; `<unknown>` when there is none. */
function ageOf(timestamp: unknown, now: Date): string {
  if (timestamp === undefined || timestamp === null || timestamp === '') return '<unknown>';
  const t = parseTimestamp(timestamp);
  if (t === undefined) return '<unknown>';
  return humanDuration(now.getTime() - t);
}

function age(obj: KubeObject, now: Date): string {
  return ageOf(obj.metadata?.creationTimestamp, now);
}

// ---------------------------------------------------------------------------
// Small accessors

function rec(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function arr(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function int(value: unknown, fallback = 0): number {
  return typeof value === 'number' && Number.isFinite(value) ? Math.trunc(value) : fallback;
}

function spec(obj: KubeObject): Record<string, unknown> {
  return rec(obj.spec);
}

function status(obj: KubeObject): Record<string, unknown> {
  return rec(obj.status);
}

function countKeys(value: unknown): number {
  return Object.keys(rec(value)).length;
}

/** `k=v,k2=v2`, keys sorted; `<none>` when empty. */
function formatLabels(labels: unknown): string {
  const entries = Object.entries(rec(labels)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (entries.length === 0) return '<none>';
  return entries.map(([k, v]) => `${k}=${String(v)}`).join(',');
}

/** A metav1.LabelSelector in selector-string form (`app=x,tier in (a,b)`); `<none>` when empty. */
function formatLabelSelector(selector: unknown): string {
  const sel = rec(selector);
  const reqs: {key: string; text: string}[] = [];
  for (const [k, v] of Object.entries(rec(sel.matchLabels))) reqs.push({key: k, text: `${k}=${String(v)}`});
  for (const expr of arr(sel.matchExpressions)) {
    const e = rec(expr);
    const key = str(e.key);
    const values = arr(e.values).map(String).sort();
    switch (e.operator) {
      case 'In':
        reqs.push({key, text: `${key} in (${values.join(',')})`});
        break;
      case 'NotIn':
        reqs.push({key, text: `${key} notin (${values.join(',')})`});
        break;
      case 'Exists':
        reqs.push({key, text: key});
        break;
      case 'DoesNotExist':
        reqs.push({key, text: `!${key}`});
        break;
      default:
        return '<error>';
    }
  }
  if (reqs.length === 0) return '<none>';
  reqs.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return reqs.map((r) => r.text).join(',');
}

function podTemplateContainers(obj: KubeObject): Record<string, unknown>[] {
  return arr(rec(rec(spec(obj).template).spec).containers).map(rec);
}

function containerNames(obj: KubeObject): string {
  return podTemplateContainers(obj)
    .map((c) => str(c.name))
    .join(',');
}

function containerImages(obj: KubeObject): string {
  return podTemplateContainers(obj)
    .map((c) => str(c.image))
    .join(',');
}

// ---------------------------------------------------------------------------
// Column definitions

function col(name: string, type: string, description: string, priority = 0, format = ''): ColumnDefinition {
  return {name, type, format, description, priority};
}

const NAME_COLUMN = col(
  'Name',
  'string',
  'Name must be unique within a namespace. It identifies the object and cannot be changed after creation.',
  0,
  'name',
);
const AGE_DESCRIPTION = 'CreationTimestamp is the server time at which the object was created, shown as an age.';
const AGE_COLUMN = col('Age', 'string', AGE_DESCRIPTION);

// ---------------------------------------------------------------------------
// Built-in printers

function podCells(obj: KubeObject, now: Date): Cell[] {
  const sp = spec(obj);
  const st = status(obj);
  const containers = arr(sp.containers).map(rec);
  const initContainers = arr(sp.initContainers).map(rec);
  const restartableInit = new Set(
    initContainers.filter((c) => c.restartPolicy === 'Always').map((c) => str(c.name)),
  );
  const total = containers.length + restartableInit.size;
  let ready = 0;
  let restarts = 0;
  let lastRestart = 0;
  let sidecarRestarts = 0;
  let sidecarLastRestart = 0;

  let reason = str(st.phase);
  if (str(st.reason)) reason = str(st.reason);
  for (const c of arr(st.conditions).map(rec)) {
    if (c.type === 'PodScheduled' && c.reason === 'SchedulingGated') reason = 'SchedulingGated';
  }

  const finishedAt = (cs: Record<string, unknown>): number => {
    const t = parseTimestamp(rec(rec(cs.lastState).terminated).finishedAt);
    return t ?? 0;
  };

  // Init containers: the first one that has not completed decides the status.
  let initializing = false;
  const initStatuses = arr(st.initContainerStatuses).map(rec);
  for (let i = 0; i < initStatuses.length; i++) {
    const cs = initStatuses[i]!;
    const state = rec(cs.state);
    const terminated = state.terminated === undefined ? undefined : rec(state.terminated);
    const waiting = state.waiting === undefined ? undefined : rec(state.waiting);
    const count = int(cs.restartCount);
    restarts += count;
    lastRestart = Math.max(lastRestart, finishedAt(cs));
    const isSidecar = restartableInit.has(str(cs.name));
    if (isSidecar) {
      sidecarRestarts += count;
      sidecarLastRestart = Math.max(sidecarLastRestart, finishedAt(cs));
    }
    if (terminated && int(terminated.exitCode) === 0) continue;
    if (isSidecar && cs.started === true) {
      if (cs.ready === true) ready++;
      continue;
    }
    if (terminated) {
      if (str(terminated.reason)) reason = `Init:${str(terminated.reason)}`;
      else if (int(terminated.signal) !== 0) reason = `Init:Signal:${int(terminated.signal)}`;
      else reason = `Init:ExitCode:${int(terminated.exitCode)}`;
    } else if (waiting && str(waiting.reason) && waiting.reason !== 'PodInitializing') {
      reason = `Init:${str(waiting.reason)}`;
    } else {
      reason = `Init:${i}/${initContainers.length}`;
    }
    initializing = true;
    break;
  }

  const initializedTrue = arr(st.conditions)
    .map(rec)
    .some((c) => c.type === 'Initialized' && c.status === 'True');
  if (!initializing || initializedTrue) {
    restarts = sidecarRestarts;
    lastRestart = sidecarLastRestart;
    let hasRunning = false;
    const statuses = arr(st.containerStatuses).map(rec);
    // Walked back to front so that the first container's state wins.
    for (let i = statuses.length - 1; i >= 0; i--) {
      const cs = statuses[i]!;
      const state = rec(cs.state);
      const terminated = state.terminated === undefined ? undefined : rec(state.terminated);
      const waiting = state.waiting === undefined ? undefined : rec(state.waiting);
      restarts += int(cs.restartCount);
      lastRestart = Math.max(lastRestart, finishedAt(cs));
      if (waiting && str(waiting.reason)) {
        reason = str(waiting.reason);
      } else if (terminated && str(terminated.reason)) {
        reason = str(terminated.reason);
      } else if (terminated) {
        reason =
          int(terminated.signal) !== 0 ? `Signal:${int(terminated.signal)}` : `ExitCode:${int(terminated.exitCode)}`;
      } else if (cs.ready === true && state.running !== undefined) {
        hasRunning = true;
        ready++;
      }
    }
    if (reason === 'Completed' && hasRunning) {
      const podReady = arr(st.conditions)
        .map(rec)
        .some((c) => c.type === 'Ready' && c.status === 'True');
      reason = podReady ? 'Running' : 'NotReady';
    }
  }

  const phase = str(st.phase);
  if (obj.metadata.deletionTimestamp && st.reason === 'NodeLost') {
    reason = 'Unknown';
  } else if (obj.metadata.deletionTimestamp && phase !== 'Succeeded' && phase !== 'Failed') {
    reason = 'Terminating';
  }

  const restartText = lastRestart > 0 ? `${restarts} (${humanDuration(now.getTime() - lastRestart)} ago)` : `${restarts}`;

  const podIPs = arr(st.podIPs).map(rec);
  const ip = str(podIPs[0]?.ip) || str(st.podIP) || '<none>';
  const node = str(sp.nodeName) || '<none>';
  const nominated = str(st.nominatedNodeName) || '<none>';
  let gates = '<none>';
  const readinessGates = arr(sp.readinessGates).map(rec);
  if (readinessGates.length > 0) {
    const conditions = arr(st.conditions).map(rec);
    const trueCount = readinessGates.filter((g) =>
      conditions.some((c) => c.type === g.conditionType && c.status === 'True'),
    ).length;
    gates = `${trueCount}/${readinessGates.length}`;
  }

  return [obj.metadata.name ?? '', `${ready}/${total}`, reason, restartText, age(obj, now), ip, node, nominated, gates];
}

function podConditions(obj: KubeObject): RowCondition[] | undefined {
  const phase = status(obj).phase;
  if (phase === 'Succeeded') {
    return [{type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.'}];
  }
  if (phase === 'Failed') {
    return [{type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.'}];
  }
  return undefined;
}

function serviceExternalIP(obj: KubeObject): string {
  const sp = spec(obj);
  const externalIPs = arr(sp.externalIPs).map(String);
  switch (sp.type ?? 'ClusterIP') {
    case 'ClusterIP':
    case 'NodePort':
      return externalIPs.length > 0 ? externalIPs.join(',') : '<none>';
    case 'LoadBalancer': {
      const lb = new Set<string>();
      for (const ing of arr(rec(status(obj).loadBalancer).ingress).map(rec)) {
        const v = str(ing.ip) || str(ing.hostname);
        if (v) lb.add(v);
      }
      const lbIPs = [...lb].sort();
      if (externalIPs.length > 0) return [...lbIPs, ...externalIPs].join(',');
      return lbIPs.length > 0 ? lbIPs.join(',') : '<pending>';
    }
    case 'ExternalName':
      return str(sp.externalName);
    default:
      return '<unknown>';
  }
}

function servicePorts(obj: KubeObject): string {
  const ports = arr(spec(obj).ports).map(rec);
  if (ports.length === 0) return '<none>';
  return ports
    .map((p) => {
      const protocol = str(p.protocol) || 'TCP';
      const nodePort = int(p.nodePort);
      return nodePort > 0 ? `${int(p.port)}:${nodePort}/${protocol}` : `${int(p.port)}/${protocol}`;
    })
    .join(',');
}

function nodeStatus(obj: KubeObject): string {
  const parts: string[] = [];
  const ready = arr(status(obj).conditions)
    .map(rec)
    .find((c) => c.type === 'Ready');
  if (ready) parts.push(ready.status === 'True' ? 'Ready' : 'NotReady');
  if (parts.length === 0) parts.push('Unknown');
  if (spec(obj).unschedulable === true) parts.push('SchedulingDisabled');
  return parts.join(',');
}

function nodeRoles(obj: KubeObject): string {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(obj.metadata.labels ?? {})) {
    if (k.startsWith('node-role.kubernetes.io/')) {
      const role = k.slice('node-role.kubernetes.io/'.length);
      if (role) roles.add(role);
    } else if (k === 'kubernetes.io/role' && v) {
      roles.add(v);
    }
  }
  return roles.size > 0 ? [...roles].sort().join(',') : '<none>';
}

function nodeAddress(obj: KubeObject, type: string): string {
  const found = arr(status(obj).addresses)
    .map(rec)
    .find((a) => a.type === type);
  return str(found?.address) || '<none>';
}

const replicas = (obj: KubeObject): number => int(spec(obj).replicas, 1);

const BUILTIN_PRINTERS: Record<string, Printer> = {
  '/Namespace': {
    columns: [NAME_COLUMN, col('Status', 'string', 'The status of the namespace'), AGE_COLUMN],
    cells: (o, now) => [o.metadata.name ?? '', str(status(o).phase) || 'Active', age(o, now)],
  },
  '/Pod': {
    columns: [
      NAME_COLUMN,
      col('Ready', 'string', 'The aggregate readiness state of this pod for accepting traffic.'),
      col('Status', 'string', 'The aggregate status of the containers in this pod.'),
      col('Restarts', 'string', 'How many times the containers of this pod restarted, and when the latest restart was.'),
      AGE_COLUMN,
      col('IP', 'string', 'The IP address allocated to the pod.', 1),
      col('Node', 'string', 'The node the pod is scheduled onto.', 1),
      col('Nominated Node', 'string', 'The node the scheduler nominated while preempting other pods.', 1),
      col('Readiness Gates', 'string', 'How many of the pod readiness gates are satisfied.', 1),
    ],
    cells: podCells,
    conditions: podConditions,
  },
  'apps/Deployment': {
    columns: [
      NAME_COLUMN,
      col('Ready', 'string', 'Number of the pod with ready state'),
      col('Up-to-date', 'integer', 'Total number of pods targeted by this deployment that have the desired template.'),
      col('Available', 'integer', 'Total number of available pods targeted by this deployment.'),
      AGE_COLUMN,
      col('Containers', 'string', 'Names of each container in the template.', 1),
      col('Images', 'string', 'Images referenced by each container in the template.', 1),
      col('Selector', 'string', 'Label selector for pods.', 1),
    ],
    cells: (o, now) => {
      const st = status(o);
      return [
        o.metadata.name ?? '',
        `${int(st.readyReplicas)}/${replicas(o)}`,
        int(st.updatedReplicas),
        int(st.availableReplicas),
        age(o, now),
        containerNames(o),
        containerImages(o),
        formatLabelSelector(spec(o).selector),
      ];
    },
  },
  'apps/ReplicaSet': {
    columns: [
      NAME_COLUMN,
      col('Desired', 'integer', 'Number of desired pods.'),
      col('Current', 'integer', 'Number of pods currently running.'),
      col('Ready', 'integer', 'Number of pods with a Ready condition.'),
      AGE_COLUMN,
      col('Containers', 'string', 'Names of each container in the template.', 1),
      col('Images', 'string', 'Images referenced by each container in the template.', 1),
      col('Selector', 'string', 'Label selector for pods.', 1),
    ],
    cells: (o, now) => {
      const st = status(o);
      return [
        o.metadata.name ?? '',
        replicas(o),
        int(st.replicas),
        int(st.readyReplicas),
        age(o, now),
        containerNames(o),
        containerImages(o),
        formatLabelSelector(spec(o).selector),
      ];
    },
  },
  'apps/StatefulSet': {
    columns: [
      NAME_COLUMN,
      col('Ready', 'string', 'Number of the pod with ready state'),
      AGE_COLUMN,
      col('Containers', 'string', 'Names of each container in the template.', 1),
      col('Images', 'string', 'Images referenced by each container in the template.', 1),
    ],
    cells: (o, now) => [
      o.metadata.name ?? '',
      `${int(status(o).readyReplicas)}/${replicas(o)}`,
      age(o, now),
      containerNames(o),
      containerImages(o),
    ],
  },
  'apps/DaemonSet': {
    columns: [
      NAME_COLUMN,
      col('Desired', 'integer', 'The total number of nodes that should be running the daemon pod.'),
      col('Current', 'integer', 'The number of nodes running at least one daemon pod that should be.'),
      col('Ready', 'integer', 'The number of nodes whose daemon pod is ready.'),
      col('Up-to-date', 'integer', 'The number of nodes running the updated daemon pod.'),
      col('Available', 'integer', 'The number of nodes whose daemon pod is available.'),
      col('Node Selector', 'string', 'Selector that must match a node for the pod to run there.'),
      AGE_COLUMN,
      col('Containers', 'string', 'Names of each container in the template.', 1),
      col('Images', 'string', 'Images referenced by each container in the template.', 1),
      col('Selector', 'string', 'Label selector for pods.', 1),
    ],
    cells: (o, now) => {
      const st = status(o);
      return [
        o.metadata.name ?? '',
        int(st.desiredNumberScheduled),
        int(st.currentNumberScheduled),
        int(st.numberReady),
        int(st.updatedNumberScheduled),
        int(st.numberAvailable),
        formatLabels(rec(rec(spec(o).template).spec).nodeSelector),
        age(o, now),
        containerNames(o),
        containerImages(o),
        formatLabelSelector(spec(o).selector),
      ];
    },
  },
  '/Service': {
    columns: [
      NAME_COLUMN,
      col('Type', 'string', 'How the service is exposed.'),
      col('Cluster-IP', 'string', 'The IP address of the service inside the cluster.'),
      col('External-IP', 'string', 'The addresses the service is reachable on from outside the cluster.'),
      col('Port(s)', 'string', 'The ports the service exposes.'),
      AGE_COLUMN,
      col('Selector', 'string', 'Pods whose labels match this selector receive the traffic.', 1),
    ],
    cells: (o, now) => {
      const sp = spec(o);
      return [
        o.metadata.name ?? '',
        str(sp.type) || 'ClusterIP',
        str(sp.clusterIP) || '<none>',
        serviceExternalIP(o),
        servicePorts(o),
        age(o, now),
        formatLabels(sp.selector),
      ];
    },
  },
  '/ConfigMap': {
    columns: [NAME_COLUMN, col('Data', 'integer', 'Number of keys in the config map.'), AGE_COLUMN],
    cells: (o, now) => [o.metadata.name ?? '', countKeys(o.data) + countKeys(o.binaryData), age(o, now)],
  },
  '/Secret': {
    columns: [
      NAME_COLUMN,
      col('Type', 'string', 'The type of the secret.'),
      col('Data', 'integer', 'Number of keys in the secret.'),
      AGE_COLUMN,
    ],
    cells: (o, now) => [o.metadata.name ?? '', str(o.type) || 'Opaque', countKeys(o.data), age(o, now)],
  },
  'coordination.k8s.io/Lease': {
    columns: [NAME_COLUMN, col('Holder', 'string', 'The holder of the lease.'), AGE_COLUMN],
    cells: (o, now) => [o.metadata.name ?? '', str(spec(o).holderIdentity), age(o, now)],
  },
  '/ServiceAccount': {
    columns: [NAME_COLUMN, col('Secrets', 'integer', 'Number of secrets the service account references.'), AGE_COLUMN],
    cells: (o, now) => [o.metadata.name ?? '', arr(o.secrets).length, age(o, now)],
  },
  '/Node': {
    columns: [
      NAME_COLUMN,
      col('Status', 'string', 'The status of the node.'),
      col('Roles', 'string', 'The roles of the node.'),
      AGE_COLUMN,
      col('Version', 'string', 'Kubelet version reported by the node.'),
      col('Internal-IP', 'string', 'The internal address of the node.', 1),
      col('External-IP', 'string', 'The external address of the node.', 1),
      col('OS-Image', 'string', 'The operating system image of the node.', 1),
      col('Kernel-Version', 'string', 'The kernel version of the node.', 1),
      col('Container-Runtime', 'string', 'The container runtime version of the node.', 1),
    ],
    cells: (o, now) => {
      const info = rec(status(o).nodeInfo);
      return [
        o.metadata.name ?? '',
        nodeStatus(o),
        nodeRoles(o),
        age(o, now),
        str(info.kubeletVersion),
        nodeAddress(o, 'InternalIP'),
        nodeAddress(o, 'ExternalIP'),
        str(info.osImage) || '<unknown>',
        str(info.kernelVersion) || '<unknown>',
        str(info.containerRuntimeVersion) || '<unknown>',
      ];
    },
  },
  'networking.k8s.io/NetworkPolicy': {
    columns: [NAME_COLUMN, col('Pod-Selector', 'string', 'The pods the policy applies to.'), AGE_COLUMN],
    cells: (o, now) => [o.metadata.name ?? '', formatLabelSelector(spec(o).podSelector), age(o, now)],
  },
  'apiextensions.k8s.io/CustomResourceDefinition': {
    columns: [NAME_COLUMN, col('Created At', 'date', 'When the object was created.')],
    cells: (o) => [o.metadata.name ?? '', rfc3339(o.metadata.creationTimestamp)],
  },
  'admissionregistration.k8s.io/MutatingWebhookConfiguration': {
    columns: [NAME_COLUMN, col('Webhooks', 'integer', 'Number of webhooks in the configuration.'), AGE_COLUMN],
    cells: (o, now) => [o.metadata.name ?? '', arr(o.webhooks).length, age(o, now)],
  },
  'admissionregistration.k8s.io/ValidatingWebhookConfiguration': {
    columns: [NAME_COLUMN, col('Webhooks', 'integer', 'Number of webhooks in the configuration.'), AGE_COLUMN],
    cells: (o, now) => [o.metadata.name ?? '', arr(o.webhooks).length, age(o, now)],
  },
};

const DEFAULT_PRINTER: Printer = {
  columns: [NAME_COLUMN, AGE_COLUMN],
  cells: (o, now) => [o.metadata.name ?? '', age(o, now)],
};

/** RFC 3339 in UTC with whole seconds, like Go's time.RFC3339 (zero time when absent). */
function rfc3339(value: unknown): string {
  const t = parseTimestamp(value);
  if (t === undefined) return '0001-01-01T00:00:00Z';
  return new Date(Math.floor(t / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

// ---------------------------------------------------------------------------
// Custom resources: CRD additionalPrinterColumns through JSONPath

const pathCache = new Map<string, string>();

/**
 * Kubernetes "simple JSONPath" (`.spec.x`, `.status.conditions[?(@.type=="Ready")].status`,
 * `{.a.b}`, `..name`, `.metadata.labels.app\.kubernetes\.io/name`) in jsonpath-plus syntax.
 */
export function toJsonPathPlus(k8sPath: string): string {
  const cached = pathCache.get(k8sPath);
  if (cached !== undefined) return cached;
  let p = k8sPath.trim();
  if (p.startsWith('{') && p.endsWith('}')) p = p.slice(1, -1).trim();
  if (p.startsWith('$')) p = p.slice(1);
  let out = '$';
  let i = 0;
  const field = (name: string): string =>
    /^[A-Za-z0-9_\-/]+$/.test(name) ? `.${name}` : `['${name.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}']`;
  while (i < p.length) {
    const ch = p[i]!;
    if (ch === '[') {
      // Copy a bracket expression verbatim, minding quotes and nested brackets in filters.
      let depth = 0;
      let quote: string | undefined;
      let j = i;
      for (; j < p.length; j++) {
        const c = p[j]!;
        if (quote) {
          if (c === '\\') j++;
          else if (c === quote) quote = undefined;
          continue;
        }
        if (c === '"' || c === "'") quote = c;
        else if (c === '[') depth++;
        else if (c === ']' && --depth === 0) break;
      }
      out += p.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    if (ch === '.') {
      if (p[i + 1] === '.') {
        out += '..';
        i += 2;
      } else {
        i += 1;
      }
      if (p[i] === '*') {
        out += out.endsWith('..') ? '*' : '.*';
        i++;
        continue;
      }
    }
    // A field name, up to the next unescaped '.' or '['.
    let name = '';
    while (i < p.length && p[i] !== '.' && p[i] !== '[') {
      if (p[i] === '\\' && i + 1 < p.length) {
        name += p[i + 1];
        i += 2;
      } else {
        name += p[i];
        i++;
      }
    }
    if (name) out += out.endsWith('..') ? field(name).replace(/^\./, '') : field(name);
  }
  pathCache.set(k8sPath, out);
  return out;
}

/** First value a Kubernetes JSONPath finds in `obj`, or undefined. */
function firstMatch(obj: KubeObject, k8sPath: string): unknown {
  try {
    const results = JSONPath({path: toJsonPathPlus(k8sPath), json: obj, wrap: true, eval: 'safe'}) as unknown[];
    return Array.isArray(results) && results.length > 0 ? results[0] : undefined;
  } catch {
    return undefined;
  }
}

/** Go encoding/json output: object keys sorted, HTML-sensitive characters escaped. */
function goJson(value: unknown): string {
  const sortKeys = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sortKeys);
    if (v !== null && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      return Object.fromEntries(
        Object.keys(o)
          .sort()
          .map((k) => [k, sortKeys(o[k])]),
      );
    }
    return v;
  };
  return JSON.stringify(sortKeys(value))
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** A number as Go's fmt prints it: integers plainly, other floats in shortest %g form. */
function goNumber(n: number): string {
  // Integers arrive as int64 from the apiserver's JSON decoding; the rest are float64 printed with %v.
  if (Number.isSafeInteger(n)) return String(n);
  if (!Number.isFinite(n)) return n > 0 ? '+Inf' : n < 0 ? '-Inf' : 'NaN';
  const [mantissa, expText] = n.toExponential().split('e');
  const exp = Number(expText);
  if (exp < -4 || exp >= 6) {
    const sign = exp < 0 ? '-' : '+';
    const digits = String(Math.abs(exp)).padStart(2, '0');
    return `${mantissa}e${sign}${digits}`;
  }
  return String(n);
}

function printerCell(column: PrinterColumn, value: unknown, now: Date): Cell {
  if (value === undefined || value === null) return null;
  switch (column.type) {
    case 'string':
      if (typeof value === 'string') return value;
      if (typeof value === 'number') return goNumber(value);
      if (typeof value === 'boolean') return String(value);
      return goJson(value);
    case 'integer':
      return typeof value === 'number' && Number.isFinite(value) ? Math.trunc(value) : null;
    case 'number':
      return typeof value === 'number' ? value : null;
    case 'boolean':
      return typeof value === 'boolean' ? value : null;
    case 'date': {
      if (value instanceof Date) return ageOf(value, now);
      if (typeof value !== 'string') return null;
      if (value === '' || value === 'null') return '<unknown>';
      const t = parseTimestamp(value);
      return t === undefined ? '<invalid>' : humanDuration(now.getTime() - t);
    }
    default:
      return null;
  }
}

const DEFAULT_CR_COLUMNS: PrinterColumn[] = [
  {name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp', description: AGE_DESCRIPTION},
];

function customPrinter(type: ResourceType, version: string): Printer {
  const defined = type.printerColumns?.[version];
  const printerColumns = defined && defined.length > 0 ? defined : DEFAULT_CR_COLUMNS;
  return {
    columns: [
      NAME_COLUMN,
      ...printerColumns.map((c) => col(c.name, c.type, c.description ?? '', c.priority ?? 0, c.format ?? '')),
    ],
    cells: (o, now) => [
      o.metadata.name ?? '',
      ...printerColumns.map((c) => printerCell(c, firstMatch(o, c.jsonPath), now)),
    ],
  };
}

function printerFor(type: ResourceType, version: string): Printer {
  if (!type.builtin) return customPrinter(type, version);
  return BUILTIN_PRINTERS[`${type.group}/${type.kind}`] ?? DEFAULT_PRINTER;
}

// ---------------------------------------------------------------------------
// The Table

function rowObject(obj: KubeObject, include: IncludeObject): Record<string, unknown> | undefined {
  if (include === 'None') return undefined;
  if (include === 'Object') return structuredClone(obj) as Record<string, unknown>;
  const {managedFields: _managedFields, ...metadata} = obj.metadata;
  return {
    kind: 'PartialObjectMetadata',
    apiVersion: 'meta.k8s.io/v1',
    metadata: structuredClone(metadata),
  };
}

/** The `meta.k8s.io/v1` Table a kube-apiserver returns for these objects of `type` at `version`. */
export function toTable(
  type: ResourceType,
  version: string,
  objects: KubeObject[],
  opts: TableOptions,
): Record<string, unknown> {
  const now = opts.now ?? new Date();
  const include = opts.includeObject ?? 'Metadata';
  const printer = printerFor(type, version);
  const metadata: Record<string, unknown> = {resourceVersion: opts.resourceVersion};
  if (opts.continueToken) metadata.continue = opts.continueToken;
  const rows = objects.map((obj) => {
    const row: Record<string, unknown> = {cells: printer.cells(obj, now)};
    const conditions = printer.conditions?.(obj);
    if (conditions) row.conditions = conditions;
    const object = rowObject(obj, include);
    if (object) row.object = object;
    return row;
  });
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata,
    columnDefinitions: printer.columns.map((c) => ({...c})),
    rows,
  };
}
