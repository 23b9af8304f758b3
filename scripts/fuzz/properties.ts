/**
 * What must hold for every generated cluster. Each check returns the problems it found (empty when the
 * property holds), each problem one line that starts with the property's name.
 *
 *   no-throw        audit and plan return, without throwing, within the per-case time limit;
 *   valid-objects   every object the plan creates or changes is valid for its kind (the simulator's CRD
 *                   validator for custom resources, with no field pruned; names and labels for built-ins);
 *   vs-fields       every field of a mesh VirtualService the plan handles is either carried into the
 *                   HTTPRoutes it creates or named in a route/untranslatable (or plan/...) finding;
 *   apply-revert    (a sample) the plan applied to the simulator and then reverted gives back the original
 *                   objects, namespace labels, pod templates and sidecars;
 *   traffic         (to come) see trafficEquivalence below.
 */
import {applyNamespace} from '../../source/core/apply/execute.ts';
import {RESTARTED_AT} from '../../source/core/apply/execute.ts';
import {revertNamespace} from '../../source/core/apply/revert.ts';
import {auditInventory} from '../../source/core/audit/audit.ts';
import {AUDIT_KINDS} from '../../source/core/audit/context.ts';
import type {AuditReport} from '../../source/core/audit/types.ts';
import {clusterIdentity} from '../../source/core/cluster-identity.ts';
import {CONVERTED_FROM} from '../../source/core/convert/metadata.ts';
import {escapeRegex} from '../../source/core/convert/problems.ts';
import {loadInventory, type Inventory} from '../../source/core/inventory.ts';
import {planMigration, type PlanOutcome} from '../../source/core/plan/planner.ts';
import type {Plan} from '../../source/core/plan/types.ts';
import {analyzeVirtualService, parseServiceHost} from '../../source/core/routes/translatability.ts';
import {newState, recordPlan} from '../../source/core/state/state.ts';
import type {KubeObject} from '../../source/kube/client.ts';
import {connect} from '../../source/kube/http-client.ts';
import {KINDS, type KindName, type KindRef} from '../../source/kube/kinds.ts';
import {startSimulator} from '../../source/sim/simulator.ts';
import {baseObjects, kindNameOf, podObjects, validatorFor, workloadObjects, type FuzzCase} from './cluster.ts';
import {mkdtempSync, rmSync} from 'node:fs';
import {isDeepStrictEqual} from 'node:util';
import {tmpdir} from 'node:os';
import path from 'node:path';

export const CLUSTER = {context: 'fuzz', server: 'https://fuzz.invalid', kubernetesVersion: 'v1.32.4'};

export interface CaseOptions {
  /** Per-case limit for audit + plan, in ms. */
  timeLimitMs: number;
}

export interface CaseOutcome {
  problems: string[];
  audit?: AuditReport;
  plan?: PlanOutcome;
  ms: number;
}

/** The inventory a LIST of every kind would give for this cluster (pods as the controllers would run them). */
export function inventoryOf(c: FuzzCase): Inventory {
  const inventory: Inventory = {objects: {}, unreadable: {}};
  for (const kind of AUDIT_KINDS) inventory.objects[kind] = [];
  let uid = 0;
  for (const object of [...baseObjects(), ...workloadObjects(c), ...podObjects(c), ...c.config]) {
    const kind = kindNameOf(object);
    if (!kind || !inventory.objects[kind]) continue;
    const copy = structuredClone(object);
    copy.metadata.uid ??= `uid-${++uid}`;
    inventory.objects[kind]!.push(copy);
  }
  return inventory;
}

/** The namespaces a case asks to migrate: every generated one. */
export const requestedNamespaces = (c: FuzzCase) => c.namespaces.map(n => n.name);

/** Audit and plan, and the properties that need no cluster. */
export function checkCase(c: FuzzCase, options: CaseOptions): CaseOutcome {
  const started = performance.now();
  const problems: string[] = [];
  const inventory = inventoryOf(c);
  let audit: AuditReport | undefined;
  let plan: PlanOutcome | undefined;
  try {
    audit = auditInventory(inventory, CLUSTER);
  } catch (error) {
    problems.push(`no-throw: audit threw ${describeError(error)}`);
  }
  try {
    plan = planMigration(inventory, CLUSTER, requestedNamespaces(c));
  } catch (error) {
    problems.push(`no-throw: plan threw ${describeError(error)}`);
  }
  const ms = performance.now() - started;
  if (ms > options.timeLimitMs) problems.push(`no-throw: audit and plan took ${Math.round(ms)} ms, over the ${options.timeLimitMs} ms limit`);
  if (plan) {
    problems.push(...validObjects(plan.plan), ...createsAreNew(inventory, plan.plan));
    problems.push(...virtualServiceFields(inventory, plan));
    problems.push(...trafficEquivalence(c, plan));
  }
  return {problems, audit, plan, ms};
}

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}${error.stack ? `\n${error.stack.split('\n').slice(1, 6).join('\n')}` : ''}` : String(error);
}

// ---- valid-objects ---------------------------------------------------------------------------------------

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS_LABEL_1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const LABEL_KEY = /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const PORT_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function labelProblems(where: string, labels: Record<string, unknown> | undefined): string[] {
  const out: string[] = [];
  for (const [key, value] of Object.entries(labels ?? {})) {
    if (!LABEL_KEY.test(key)) out.push(`${where}: label key ${JSON.stringify(key)} is not a valid label key`);
    if (typeof value !== 'string' || value.length > 63 || !LABEL_VALUE.test(value)) out.push(`${where}: label ${key}=${JSON.stringify(value)} is not a valid label value`);
  }
  return out;
}

/** Every object the plan writes, checked as the API server would check it. */
export function validObjects(plan: Plan): string[] {
  const out: string[] = [];
  for (const op of plan.operations) {
    const object = op.after;
    if (!object) continue;
    const where = `valid-objects: ${op.action} ${object.kind} ${object.metadata.namespace ?? ''}/${object.metadata.name} (${op.id})`;
    const name = object.metadata.name;
    if (typeof name !== 'string' || name.length > 253 || !DNS_SUBDOMAIN.test(name)) out.push(`${where}: metadata.name ${JSON.stringify(name)} is not a DNS subdomain`);
    out.push(...labelProblems(where, object.metadata.labels));
    for (const [key, value] of Object.entries(object.metadata.annotations ?? {})) if (typeof value !== 'string') out.push(`${where}: annotation ${key} is not a string`);
    const validator = validatorFor(object.apiVersion, object.kind);
    if (validator) {
      const outcome = validator.validate(object);
      for (const cause of outcome.causes) out.push(`${where}: ${cause.field}: ${cause.message}`);
      for (const field of outcome.unknownFields) out.push(`${where}: ${field} is not in the CRD schema and would be pruned`);
      continue;
    }
    if (object.kind === 'Service') {
      if (name.length > 63 || !DNS_LABEL_1035.test(name)) out.push(`${where}: a Service name must be a DNS-1035 label of at most 63 characters`);
      out.push(...labelProblems(`${where} spec.selector`, object.spec?.selector));
      const ports: any[] = object.spec?.ports ?? [];
      if (ports.length === 0 && object.spec?.type !== 'ExternalName') out.push(`${where}: spec.ports: Required value`);
      const names = new Set<string>();
      for (const [i, port] of ports.entries()) {
        if (!Number.isInteger(port.port) || port.port < 1 || port.port > 65535) out.push(`${where}: spec.ports[${i}].port ${port.port} is not in 1-65535`);
        if (ports.length > 1 && !port.name) out.push(`${where}: spec.ports[${i}].name is required when there are several ports`);
        if (port.name !== undefined && (port.name.length > 63 || !PORT_NAME.test(port.name))) out.push(`${where}: spec.ports[${i}].name ${JSON.stringify(port.name)} is not a DNS label`);
        if (port.name && names.has(port.name)) out.push(`${where}: spec.ports[${i}].name ${port.name} is duplicated`);
        names.add(port.name);
      }
    }
    if (object.kind === 'Deployment' || object.kind === 'StatefulSet' || object.kind === 'DaemonSet') out.push(...labelProblems(`${where} pod template`, object.spec?.template?.metadata?.labels));
  }
  return out;
}

/** valid-objects: a create names an object that does not exist yet (else apply would take it for done, or fail). */
export function createsAreNew(inventory: Inventory, plan: Plan): string[] {
  const existing = new Set<string>();
  for (const [kind, items] of Object.entries(inventory.objects)) {
    const ref = KINDS[kind as KindName];
    for (const o of items ?? []) existing.add(`${ref.group}/${ref.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`);
  }
  const out: string[] = [];
  const created = new Set<string>();
  for (const op of plan.operations) {
    if (op.action !== 'create') continue;
    const group = op.target.apiVersion.includes('/') ? op.target.apiVersion.split('/')[0] : '';
    const key = `${group}/${op.target.kind}/${op.target.namespace ?? ''}/${op.target.name}`;
    if (existing.has(key)) out.push(`valid-objects: ${op.id} creates ${op.target.kind} ${op.target.namespace}/${op.target.name}, which already exists`);
    // A waypoint Gateway makes Istio apply a Deployment and a Service of its name: those must be free too,
    // unless the plan refuses the namespace for it (a blocker stops apply).
    if (op.target.kind === 'Gateway' && op.after?.spec?.gatewayClassName === 'istio-waypoint') {
      const blocked = plan.findings.some(f => f.severity === 'blocker' && f.namespaces.includes(op.namespace));
      for (const kind of ['Service', 'Deployment']) {
        const child = `${kind === 'Service' ? '' : 'apps'}/${kind}/${op.target.namespace}/${op.target.name}`;
        const live = (inventory.objects[kind === 'Service' ? 'service' : 'deployment'] ?? []).find(o => o.metadata.namespace === op.target.namespace && o.metadata.name === op.target.name);
        if (existing.has(child) && !blocked && !live?.metadata.labels?.['gateway.istio.io/managed']) {
          out.push(`valid-objects: ${op.id} creates waypoint ${op.target.namespace}/${op.target.name}, whose ${kind} Istio would apply over the existing ${kind} of that name`);
        }
      }
    }
    if (created.has(key)) out.push(`valid-objects: ${op.id} creates ${op.target.kind} ${op.target.namespace}/${op.target.name} a second time`);
    created.add(key);
  }
  return out;
}

// ---- vs-fields -------------------------------------------------------------------------------------------

/**
 * Finding ids that name a VirtualService field the HTTPRoute does not carry as it is: untranslatable
 * (the VirtualService stays), a subset that cannot map, or a meaning change the user acknowledges (such
 * as a match the VirtualService never reaches, left out of the HTTPRoute).
 */
const NAMING_FINDINGS = new Set(['route/untranslatable', 'plan/virtualservice-kept', 'plan/subset-not-mapped', 'plan/route-meaning-changes', 'plan/virtualservices-share-host']);

/** Leaves of a JSON value, as paths in the converter's notation: `spec.http[0].match[1].uri.exact`. */
export function leaves(value: unknown, at: string, out: Array<{path: string; value: unknown}> = []): Array<{path: string; value: unknown}> {
  if (Array.isArray(value)) {
    if (value.length === 0) out.push({path: at, value});
    value.forEach((v, i) => leaves(v, `${at}[${i}]`, out));
  } else if (value && typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.length === 0) out.push({path: at, value});
    for (const [k, v] of entries) leaves(v, `${at}.${k}`, out);
  } else out.push({path: at, value});
  return out;
}

const covers = (named: string, path: string) => named === path || path.startsWith(`${named}.`) || path.startsWith(`${named}[`);

/** Proto3 zero values mean "not set": they need no carrying over. */
const isZero = (v: unknown) => v === false || v === 0 || v === '' || v === null || (Array.isArray(v) && v.length === 0) || (typeof v === 'object' && v !== null && Object.keys(v).length === 0);

/**
 * Fields whose meaning needs no value in the HTTPRoute: `mesh` in gateways (the Service parentRefs say it),
 * exportTo `*` (HTTPRoute's only visibility), rule and match names (labels for people).
 */
const STRUCTURAL: Array<(path: string, value: unknown) => boolean> = [
  (p, v) => /^spec\.gateways\[\d+\]$/.test(p) && v === 'mesh',
  (p, v) => /^spec\.exportTo\[\d+\]$/.test(p) && v === '*',
  p => /^spec\.http\[\d+\]\.name$/.test(p),
  p => /^spec\.http\[\d+\]\.match\[\d+\]\.name$/.test(p),
  // A prefix "/" match is what a rule without matches is.
  (p, v) => /\.uri\.prefix$/.test(p) && v === '/',
];

/** Where a field's value shows up, transformed, in the objects a conversion produced. */
function carried(path: string, value: unknown, text: string, vsNamespace: string): boolean {
  if (STRUCTURAL.some(f => f(path, value))) return true;
  const last = path.replace(/\[\d+\]/g, '').split('.').pop()!;
  if (typeof value === 'string') {
    const forms = [value, escapeRegex(value), value.toLowerCase()];
    if (/host$/.test(last) || /^spec\.hosts\[\d+\]$/.test(path)) {
      const svc = parseServiceHost(value, vsNamespace);
      if (svc) forms.push(svc.name);
    }
    // Durations are re-written (1.5s → 1500ms): the field they map to is there.
    if (['timeout', 'maxAge', 'perTryTimeout'].includes(last)) return text.includes(`"${last === 'timeout' ? 'request' : last}"`);
    return forms.some(f => text.includes(JSON.stringify(f).slice(1, -1)));
  }
  if (typeof value === 'number') {
    // mirrorPercentage 12.5 becomes a fraction or a percent.
    if (/mirrorPercentage\.value$|mirrorPercent$|mirror_percent$/.test(path)) return /"percent"|"fraction"/.test(text);
    return text.includes(`:${value}`) || text.includes(`"${value}"`) || text.includes(String(value));
  }
  if (value === true) return text.includes(`"${last}":true`) || text.includes(`"${last}"`);
  return false;
}

/**
 * vs-fields: for each mesh VirtualService the plan handles (in a namespace planned with a waypoint),
 * either the plan converts it and every field is carried, or a finding names why it stays.
 */
export function virtualServiceFields(inventory: Inventory, outcome: PlanOutcome): string[] {
  const out: string[] = [];
  const {plan, audit} = outcome;
  const waypointNamespaces = new Set(plan.operations.filter(o => o.step === 'waypoint' || o.target.kind === 'Gateway').map(o => o.namespace));
  for (const state of audit.namespaces) if (state.readiness === 'needs-waypoint' && plan.namespaces.includes(state.name)) waypointNamespaces.add(state.name);
  const findings = [...audit.findings, ...plan.findings];
  for (const vs of inventory.objects.virtualService ?? []) {
    const ns = vs.metadata.namespace!;
    if (!waypointNamespaces.has(ns) || !analyzeVirtualService(vs).mesh) continue;
    const ref = `VirtualService/${ns}/${vs.metadata.name}`;
    const named = findings
      .filter(f => NAMING_FINDINGS.has(f.id) && f.resource.kind === 'VirtualService' && f.resource.namespace === ns && f.resource.name === vs.metadata.name)
      .flatMap(f => [f.field ?? 'spec', ...(f.id === 'plan/virtualservice-kept' ? keptPaths(f.message) : [])]);
    // A rule whose every match is named (never reached, say) is named as a whole.
    (Array.isArray(vs.spec?.http) ? vs.spec.http : []).forEach((rule: any, i: number) => {
      const matches = Array.isArray(rule?.match) ? rule.match : [];
      if (matches.length > 0 && matches.every((_: unknown, k: number) => named.includes(`spec.http[${i}].match[${k}]`))) named.push(`spec.http[${i}]`);
    });
    const routes = plan.operations.filter(o => o.action === 'create' && o.target.kind === 'HTTPRoute' && o.after?.metadata.annotations?.[CONVERTED_FROM] === ref);
    // The version Services (and their DestinationRules) the routes send to are part of the conversion.
    const produced = [...routes, ...plan.operations.filter(o => o.action === 'create' && o.namespace === ns && o.step === 'policies' && (o.target.kind === 'Service' || o.target.kind === 'DestinationRule'))];
    // Deleted, or (bound to Istio Gateways too) kept for them with `mesh` dropped.
    const deleted = plan.operations.some(
      o => o.target.kind === 'VirtualService' && o.target.namespace === ns && o.target.name === vs.metadata.name && (o.action === 'delete' || (o.action === 'update' && !(o.after?.spec?.gateways ?? []).includes('mesh') && (o.after?.spec?.gateways ?? []).length > 0)),
    );
    if (routes.length === 0) {
      if (deleted) out.push(`vs-fields: ${ref} is deleted but no HTTPRoute replaces it`);
      const http = Array.isArray(vs.spec?.http) ? vs.spec.http : [];
      if (named.length === 0 && http.length > 0) out.push(`vs-fields: ${ref} is neither converted nor named in a route/untranslatable or plan/virtualservice-kept finding`);
      continue;
    }
    if (!deleted) out.push(`vs-fields: ${ref} is converted but the plan does not delete it (the mesh would get both)`);
    const text = JSON.stringify(produced.map(o => o.after));
    for (const leaf of leaves(vs.spec ?? {}, 'spec')) {
      if (isZero(leaf.value) || named.some(n => covers(n, leaf.path))) continue;
      // One destination takes all the traffic whatever its weight (Istio ignores it), so none is written.
      const lone = /^spec\.http\[(\d+)\]\.route\[0\]\.weight$/.exec(leaf.path);
      if (lone && vs.spec.http[Number(lone[1])].route.length === 1) continue;
      // A mirror percentage without a mirror does nothing; FROM_REQUEST_PORT without a scheme is what an
      // HTTPRoute redirect does anyway.
      const rule = /^spec\.http\[(\d+)\]\.(mirrorPercentage\.value|mirrorPercent|mirror_percent|redirect\.derivePort)$/.exec(leaf.path);
      if (rule && rule[2] !== 'redirect.derivePort' && vs.spec.http[Number(rule[1])].mirror === undefined) continue;
      // Istio reads mirrorPercentage first: the deprecated integer beside it does nothing.
      if (rule && rule[2] !== 'mirrorPercentage.value' && rule[2] !== 'redirect.derivePort' && vs.spec.http[Number(rule[1])].mirrorPercentage !== undefined) continue;
      // IGNORE is what Istio's HTTPRoute CORS filter does anyway (the other value is named in a warning).
      if (/\.corsPolicy\.unmatchedPreflights$/.test(leaf.path) && leaf.value === 'IGNORE') continue;
      if (rule && rule[2] === 'redirect.derivePort' && leaf.value === 'FROM_REQUEST_PORT' && vs.spec.http[Number(rule[1])].redirect.scheme === undefined) continue;
      if (!carried(leaf.path, leaf.value, text, ns)) out.push(`vs-fields: ${ref} ${leaf.path}=${JSON.stringify(leaf.value)} is neither converted nor named in a finding`);
    }
  }
  return out;
}

/** The paths a plan/virtualservice-kept message lists: "… stays a VirtualService (…): a, b cannot be expressed …". */
function keptPaths(message: string): string[] {
  const m = /\): (.*) cannot be expressed as an HTTPRoute$/.exec(message);
  return m ? m[1]!.split(', ') : [];
}

// ---- traffic --------------------------------------------------------------------------------------------

/**
 * TRAFFIC EQUIVALENCE: to be added when the traffic-equivalence module lands on main. It will compare,
 * for generated requests, where the sidecar mesh (VirtualServices, AuthorizationPolicies as the sidecars
 * enforce them) and the ambient mesh of the plan (HTTPRoutes, waypoint and ztunnel policies) send or deny
 * each request, and return one `traffic: ...` line per request that differs. Until then it checks nothing.
 */
export function trafficEquivalence(_c: FuzzCase, _plan: PlanOutcome): string[] {
  return [];
}

// ---- apply-revert ----------------------------------------------------------------------------------------

const COMPARED: KindName[] = ['service', 'httpRoute', 'gateway', 'virtualService', 'destinationRule', 'authorizationPolicy', 'peerAuthentication', 'requestAuthentication', 'sidecar', 'envoyFilter', 'wasmPlugin'];

function comparable(o: KubeObject): unknown {
  const {metadata, status: _status, ...body} = structuredClone(o);
  const annotations = {...(metadata.annotations ?? {})};
  delete annotations['kubectl.kubernetes.io/last-applied-configuration'];
  if (o.kind === 'Service' && body.spec) {
    delete (body.spec as any).clusterIP;
    delete (body.spec as any).clusterIPs;
  }
  return {name: metadata.name, labels: metadata.labels ?? {}, annotations, ...body};
}

async function snapshot(client: ReturnType<typeof connect>, namespace: string): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  const ns = await client.get(KINDS.namespace, undefined, namespace);
  out.namespace = {labels: ns?.metadata.labels ?? {}, annotations: ns?.metadata.annotations ?? {}};
  for (const kind of COMPARED) {
    const items = await client.list(KINDS[kind] as KindRef, {namespace});
    out[kind] = items.map(comparable).sort((a: any, b: any) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }
  const deployments = await client.list(KINDS.deployment, {namespace});
  out.deployments = deployments
    .map(d => {
      const template = structuredClone(d.spec.template);
      if (template.metadata?.annotations) {
        delete template.metadata.annotations[RESTARTED_AT];
        if (Object.keys(template.metadata.annotations).length === 0) delete template.metadata.annotations;
      }
      return {name: d.metadata.name, labels: d.metadata.labels, template};
    })
    .sort((a, b) => (a.name < b.name ? -1 : 1));
  const pods = await client.list(KINDS.pod, {namespace});
  out.pods = pods
    .filter(p => !p.metadata.deletionTimestamp)
    .map(p => `${p.metadata.labels?.app}/${p.metadata.labels?.version} ${(p.spec.containers ?? []).map((c: any) => c.name).sort().join(',')} redirection=${p.metadata.annotations?.['ambient.istio.io/redirection'] ?? '-'}`)
    .sort();
  return out;
}

/** Objects to seed a simulator with: the control plane, the workloads (no pods: its controllers run them), the config. */
export function seedObjects(c: FuzzCase): KubeObject[] {
  // The simulator installs the CRDs itself.
  return [...baseObjects().filter(o => o.kind !== 'CustomResourceDefinition'), ...workloadObjects(c), ...c.config];
}

/**
 * apply-revert: in a simulator seeded with the case, each namespace the plan can migrate (no refusal, no
 * plan blocker) is applied and reverted, and must then equal what it was.
 */
export async function checkApplyRevert(c: FuzzCase, options: {timeLimitMs: number}): Promise<{problems: string[]; namespaces: number; operations: number}> {
  const out: string[] = [];
  let namespaces = 0;
  let operations = 0;
  const tmp = mkdtempSync(path.join(tmpdir(), 'ambient-migrate-fuzz-'));
  const sim = await startSimulator({objects: seedObjects(c).map((object, i) => ({object: structuredClone(object), source: `fuzz#${i}`})), podTerminationMs: 0});
  const deadline = Date.now() + options.timeLimitMs;
  try {
    await sim.settled();
    const client = connect({kubeconfig: sim.writeKubeconfig(path.join(tmp, 'kubeconfig'))});
    const kubeSystem = await client.get(KINDS.namespace, undefined, 'kube-system');
    const identity = clusterIdentity(client.endpoint, kubeSystem ? [kubeSystem] : []);
    for (const namespace of requestedNamespaces(c)) {
      const inventory = await loadInventory(client, AUDIT_KINDS);
      const {plan, refused} = planMigration(inventory, {context: identity.context, server: identity.server, kubernetesVersion: 'v1.32.4'}, [namespace]);
      if (refused.length > 0 || plan.findings.some(f => f.severity === 'blocker')) continue;
      const ops = plan.operations.filter(o => o.namespace === namespace);
      if (ops.length === 0) continue;
      namespaces++;
      operations += ops.length;
      const before = await snapshot(client, namespace);
      const state = newState(identity, new Date());
      recordPlan(state, namespace, ops, new Date());
      let offset = 0;
      const deps = {
        client,
        now: () => new Date(Date.now() + offset),
        sleep: async (ms: number) => {
          offset += ms;
          if (Date.now() > deadline) throw new Error(`apply-revert: over the ${options.timeLimitMs} ms limit`);
          await new Promise(r => setTimeout(r, 5));
        },
        persist: async () => {},
        pollMs: 250,
      };
      try {
        await applyNamespace(state, namespace, deps);
      } catch (error) {
        out.push(`apply-revert: apply of ${namespace} failed: ${describeError(error)}`);
        continue;
      }
      try {
        const outcome = await revertNamespace(state, namespace, deps);
        if (outcome.skipped.length > 0) out.push(`apply-revert: revert of ${namespace} skipped ${outcome.skipped.map(s => `${s.operationId} (${s.reason})`).join(', ')}`);
      } catch (error) {
        out.push(`apply-revert: revert of ${namespace} failed: ${describeError(error)}`);
        continue;
      }
      await sim.settled();
      const after = await snapshot(client, namespace);
      for (const key of Object.keys(before)) {
        if (isDeepStrictEqual(before[key], after[key])) continue;
        const [a, b] = [JSON.stringify(before[key]), JSON.stringify(after[key])];
        out.push(`apply-revert: ${namespace} ${key} differs after apply and revert:\n  before ${a}\n  after  ${b}`);
      }
    }
  } finally {
    await sim.close();
    rmSync(tmp, {recursive: true, force: true});
  }
  return {problems: out, namespaces, operations};
}
