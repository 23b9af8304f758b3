import type {Inventory} from '../inventory.ts';
import type {Plan} from '../plan/types.ts';
import {authorize as realAuthorize} from './authz/index.ts';
import type {Authorize} from './authz/api.ts';
import {compare, equivalence, EquivalenceBudgetExceeded, type Change, type Direction} from './equivalence.ts';

/**
 * The equivalence check (issue 9 §4) as people read it: the plan's changes grouped by direction, caller
 * (class and mode) and destination, each group with a stable id (`opens:sidecar:bookinfo/bookinfo-productpage->bookinfo/reviews:9080`)
 * that `apply --accept` and the wizard take, a one-line summary, and which groups are the guide's known
 * limitations. Pure: the inventory and the plan in, the report out.
 */

/** The guide's documented limitations, recognised from the change's path, never from names. */
export type KnownLimitation = 'sidecar-bypass' | 'ingress-bypass' | 'out-of-mesh-bypass';

export const KNOWN_LIMITATIONS = 'known-limitations';

const LIMITATION_TEXT: Record<KnownLimitation, string> = {
  'sidecar-bypass': 'known limitation: callers that keep a sidecar skip the waypoint, so its policies do not apply to them',
  'ingress-bypass': 'known limitation: the ingress gateway skips the waypoint, so its policies do not apply to that traffic',
  'out-of-mesh-bypass': 'known limitation: callers outside the mesh reach the pods through ztunnel only, never the waypoint',
};

export type ReportedChange = Change & {group: string};

export interface ChangeGroup {
  id: string;
  direction: Direction;
  /** A window while the plan runs (acknowledged), or a change that stays after it (final). */
  window: boolean;
  caller: string;
  mode: string;
  destination: string;
  count: number;
  knownLimitation?: KnownLimitation;
  /** One sentence: what changes for these requests, and why. */
  meaning: string;
  operations: string[];
}

export interface TrafficReport {
  classes: number;
  final: ReportedChange[];
  windows: ReportedChange[];
  groups: ChangeGroup[];
  windowGroups: ChangeGroup[];
  summary: string;
  /** Wall time of the check. */
  ms: number;
  /** The check did not run to the end (too large for the bound): why. Everything else is empty. */
  skipped?: string;
}

export interface ReportOptions {
  authorize?: Authorize;
  /** Milliseconds the check may take; past it the report says so (`skipped`) instead of hanging. */
  budgetMs?: number;
}

/** The bound the CLI and the wizard give the check. */
export const DEFAULT_BUDGET_MS = 60_000;

const count = (n: number) => n.toLocaleString('en-US');
const plural = (n: number, one: string, many = `${one}s`) => `${count(n)} ${n === 1 ? one : many}`;

function callerLabel(c: Change['request']['source']): string {
  switch (c.kind) {
    case 'workload':
    case 'ingress':
      return `${c.namespace}/${c.serviceAccount ?? 'default'}`;
    case 'other':
      return 'any-mesh-identity';
    case 'plaintext':
      return 'out-of-mesh';
  }
  return c.namespace;
}

function destinationLabel(d: Change['request']['destination']): string {
  if (d.kind === 'service') return `${d.namespace}/${d.name}:${d.port}`;
  if (d.kind === 'gateway') return `gateway/${d.namespace}/${d.name}:${d.port}`;
  return `pods/${d.namespace}/${d.name}:${d.port}`;
}

/** The group a change belongs to: `[window:]direction:mode:caller->destination`. */
export function groupId(change: Change, window = false): string {
  const s = change.request.source;
  return `${window ? 'window:' : ''}${change.direction}:${s.mode}:${callerLabel(s)}->${destinationLabel(change.request.destination)}`;
}

/**
 * A final opening the guide documents: after the plan, the request reaches its pods without passing a
 * waypoint (and no longer through a destination sidecar that enforced it), from a caller that is not in
 * ambient mode: a sidecar, the ingress gateway, or a plaintext caller outside the mesh.
 */
export function knownLimitation(change: Change): KnownLimitation | undefined {
  if (change.direction !== 'opens') return undefined;
  const after = change.after.backends;
  if (after.length === 0 || after.some(b => b.path.includes('waypoint') || b.path.includes('destination-sidecar'))) return undefined;
  const s = change.request.source;
  if (s.mode === 'gateway' || s.kind === 'ingress') return 'ingress-bypass';
  if (s.mode === 'none' || s.kind === 'plaintext') return after.every(b => !b.path.includes('client-sidecar')) ? 'out-of-mesh-bypass' : undefined;
  if (s.mode === 'sidecar') return after.every(b => b.path.includes('client-sidecar')) ? 'sidecar-bypass' : undefined;
  return undefined;
}

function verdicts(backends: Change['before']['backends'], status?: number): string {
  if (backends.length === 0) return status ? `answered ${status} by a proxy` : 'reaches nothing';
  const parts = new Set(backends.map(b => `${b.decision === 'allow' ? 'allowed' : 'denied'}${b.decidedBy ? ` by ${b.decidedBy.replace(/#\d+$/, '')}` : b.decision === 'allow' ? ' (no policy decides)' : ''}`));
  const to = [...new Set(backends.map(b => b.workload))].join(', ');
  const path = [...new Set(backends.map(b => b.path.join('>')))].join(' | ');
  return `${[...parts].join(', ')} at ${to} via ${path || 'no proxy'}`;
}

function requestSample(changes: Change[]): string {
  const samples = [...new Set(changes.map(c => (c.request.method ? `${c.request.method} ${c.request.path ?? '/'}` : 'TCP')))];
  return samples.length <= 3 ? samples.join(', ') : `${samples.slice(0, 3).join(', ')}, …`;
}

function meaningOf(direction: Direction, window: boolean, changes: Change[], limitation?: KnownLimitation): string {
  const first = changes[0]!;
  const one = changes.length === 1;
  const what = direction === 'opens' ? `get${one ? 's' : ''} through where a policy denied or checked ${one ? 'it' : 'them'}` : direction === 'closes' ? `${one ? 'is' : 'are'} denied where ${one ? 'it was' : 'they were'} allowed` : `reach${one ? 'es' : ''} other backends or weights`;
  const when = window ? ` while the plan runs (from ${first.operations[0]} to ${first.operations[1]})` : ' after the migration';
  const text = `${plural(changes.length, 'request class', 'request classes')} (${requestSample(changes)}) ${what}${when}: before ${verdicts(first.before.backends, first.before.status)}; after ${verdicts(first.after.backends, first.after.status)}`;
  return limitation ? `${text}. ${LIMITATION_TEXT[limitation]}` : text;
}

export function groupChanges(changes: Change[], window: boolean): {changes: ReportedChange[]; groups: ChangeGroup[]} {
  const byId = new Map<string, Change[]>();
  const reported: ReportedChange[] = [];
  for (const c of changes) {
    const id = groupId(c, window);
    reported.push({...c, group: id});
    let list = byId.get(id);
    if (!list) byId.set(id, (list = []));
    list.push(c);
  }
  const groups: ChangeGroup[] = [...byId].map(([id, list]) => {
    const first = list[0]!;
    const limitations = new Set(list.map(c => (window ? undefined : knownLimitation(c))));
    const limitation = limitations.size === 1 ? [...limitations][0] : undefined;
    return {
      id,
      direction: first.direction,
      window,
      caller: callerLabel(first.request.source),
      mode: first.request.source.mode,
      destination: destinationLabel(first.request.destination),
      count: list.length,
      ...(limitation ? {knownLimitation: limitation} : {}),
      meaning: meaningOf(first.direction, window, list, limitation),
      operations: [...new Set(list.flatMap(c => c.operations))].filter(Boolean),
    };
  });
  const rank: Record<Direction, number> = {opens: 0, closes: 1, reroutes: 2};
  groups.sort((a, b) => rank[a.direction] - rank[b.direction] || Number(Boolean(a.knownLimitation)) - Number(Boolean(b.knownLimitation)) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return {changes: reported, groups};
}

/** "540 request classes: 305 change after the migration (269 open, 0 close, 36 reroute); 77 in windows while it runs". */
export function summaryLine(classes: number, final: Change[], windows: Change[], groups: ChangeGroup[] = [], windowGroups: ChangeGroup[] = []): string {
  const by = (d: Direction) => final.filter(c => c.direction === d).length;
  const head = `${plural(classes, 'request class', 'request classes')}: `;
  const finalText =
    final.length === 0
      ? 'none changes after the migration'
      : `${count(final.length)} change${final.length === 1 ? 's' : ''} after the migration (${count(by('opens'))} open, ${count(by('closes'))} close, ${count(by('reroutes'))} reroute; ${plural(groups.length, 'group')}${groups.some(g => g.knownLimitation) ? `, ${count(groups.filter(g => g.knownLimitation).length)} of them known limitations` : ''})`;
  const windowText = windows.length === 0 ? 'no window while it runs' : `${count(windows.length)} in windows while it runs (${plural(windowGroups.length, 'group')})`;
  return `${head}${finalText}; ${windowText}`;
}

/** Runs the check for a plan with the real authorizer, for the plan's namespaces only. */
export function trafficReport(inventory: Inventory, plan: Plan, options: ReportOptions = {}): TrafficReport {
  const started = performance.now();
  if (plan.operations.length === 0) return {classes: 0, final: [], windows: [], groups: [], windowGroups: [], summary: 'no operation: traffic is unchanged', ms: 0};
  try {
    const report = equivalence(inventory, plan, options.authorize ?? realAuthorize, {
      namespaces: plan.namespaces,
      ...(options.budgetMs !== undefined ? {deadline: started + options.budgetMs} : {}),
    });
    const final = groupChanges(report.final, false);
    const windows = groupChanges(report.windows, true);
    return {
      classes: report.classes,
      final: final.changes,
      windows: windows.changes,
      groups: final.groups,
      windowGroups: windows.groups,
      summary: summaryLine(report.classes, report.final, report.windows, final.groups, windows.groups),
      ms: Math.round(performance.now() - started),
    };
  } catch (error) {
    if (!(error instanceof EquivalenceBudgetExceeded)) throw error;
    const ms = Math.round(performance.now() - started);
    return {classes: error.classes, final: [], windows: [], groups: [], windowGroups: [], summary: `traffic check not run to the end: ${error.message} (${(ms / 1000).toFixed(0)} s); plan fewer namespaces at a time to get it`, ms, skipped: error.message};
  }
}

/** The final opening groups not accepted: `accepted` holds group ids, or `known-limitations` for the documented ones. */
export function unacceptedOpenings(report: Pick<TrafficReport, 'groups'>, accepted: string[]): ChangeGroup[] {
  const all = new Set(accepted);
  return report.groups.filter(g => g.direction === 'opens' && !all.has(g.id) && !(g.knownLimitation && all.has(KNOWN_LIMITATIONS)));
}

/** The ids `accepted` resolves to in this report (what the state file records). */
export function acceptedGroupIds(report: Pick<TrafficReport, 'groups'>, accepted: string[]): string[] {
  const all = new Set(accepted);
  return report.groups.filter(g => g.direction === 'opens' && (all.has(g.id) || (g.knownLimitation && all.has(KNOWN_LIMITATIONS)))).map(g => g.id);
}

/** Text lines: the summary, then each group on one line and its meaning below it. */
export function reportLines(report: TrafficReport, options: {accepted?: string[]; acceptHint?: string} = {}): Array<{text: string; tone?: 'red' | 'yellow' | 'dim' | 'bold'}> {
  const out: Array<{text: string; tone?: 'red' | 'yellow' | 'dim' | 'bold'}> = [{text: `Traffic: ${report.summary}`, tone: 'bold'}];
  if (report.skipped) return out;
  const accepted = new Set(options.accepted ? acceptedGroupIds(report, options.accepted) : []);
  for (const g of report.groups) {
    const blocker = g.direction === 'opens' && !accepted.has(g.id);
    const mark = g.direction === 'opens' ? (accepted.has(g.id) ? 'accepted' : (options.acceptHint ?? 'needs --accept')) : 'acknowledge';
    out.push({text: `  ${g.id}  (${plural(g.count, 'class', 'classes')}, ${mark})`, tone: blocker ? 'red' : 'yellow'});
    out.push({text: `      ${g.meaning}`, tone: 'dim'});
  }
  for (const g of report.windowGroups) {
    out.push({text: `  ${g.id}  (${plural(g.count, 'class', 'classes')})`, tone: 'yellow'});
    out.push({text: `      ${g.meaning}`, tone: 'dim'});
  }
  return out;
}

/**
 * `verify`: the live cluster against the original, grouped the same way; a change is "expected" when
 * its group is one the plan predicted (recorded with the plan), else it is beyond what was accepted.
 * Requests to destinations the original did not have (Services the migration created) have no original
 * answer and are not compared.
 */
export function verifyReport(original: Inventory, live: Inventory, namespaces: string[], expected: string[], authorize: Authorize = realAuthorize) {
  const started = performance.now();
  const {classes, changes} = compare(original, live, authorize, {namespaces});
  const existed = new Set((original.objects.service ?? []).map(s => `${s.metadata.namespace}/${s.metadata.name}`));
  const comparable = changes.filter(c => c.request.destination.kind !== 'service' || existed.has(`${c.request.destination.namespace}/${c.request.destination.name}`)) as Change[];
  const {changes: reported, groups} = groupChanges(comparable.map(c => ({...c, operations: ['', ''] as [string, string], objects: []})), false);
  const known = new Set(expected);
  const beyond = groups.filter(g => !known.has(g.id));
  return {classes, changes: reported, groups, beyond, same: beyond.length === 0, ms: Math.round(performance.now() - started)};
}

/** A change as `plan -o json` prints it: the fields issue 9 §4 lists, plus its group id. */
export function changeForOutput(c: ReportedChange) {
  const s = c.request.source;
  const d = c.request.destination;
  const destination =
    d.kind === 'service' ? {service: `${d.namespace}/${d.name}`, port: d.port} : d.kind === 'gateway' ? {gateway: `${d.namespace}/${d.name}`, host: d.host, port: d.port} : {workload: `${d.namespace}/${d.name}`, port: d.port};
  return {
    group: c.group,
    direction: c.direction,
    request: {
      source: {namespace: s.namespace, ...(s.serviceAccount ? {serviceAccount: s.serviceAccount} : {}), mode: s.mode},
      destination,
      ...(c.request.method !== undefined ? {method: c.request.method, path: c.request.path, headers: c.request.headers ?? {}} : {}),
    },
    before: c.before,
    after: c.after,
    operations: c.operations,
    objects: c.objects,
  };
}

/** `"equivalence": {"classes", "final", "windows"}` (and `skipped` when the check did not run to the end). */
export function equivalenceForOutput(r: TrafficReport) {
  return {classes: r.classes, final: r.final.map(changeForOutput), windows: r.windows.map(changeForOutput), ...(r.skipped ? {skipped: r.skipped} : {})};
}
