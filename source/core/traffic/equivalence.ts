import type {Inventory} from '../inventory.ts';
import type {Operation, Plan, Target} from '../plan/types.ts';
import {applyOperationInPlace, operationKeys} from './apply.ts';
import type {Authorize} from './authz/api.ts';
import {requestClasses} from './classes.ts';
import {evaluate} from './evaluate.ts';
import type {Outcome, RequestClass} from './types.ts';
import {World} from './world.ts';

/**
 * Does a plan keep every request's route and verdict, at every step? Each request class is evaluated on
 * the cluster as it is, after each operation, and after the whole plan. Work is reused across prefixes:
 * an evaluation records the dependency keys it read (`World.tracker`), and after an operation only the
 * classes whose keys the operation touches (`apply.ts` `operationKeys`) are evaluated again.
 */

export type Direction = 'opens' | 'closes' | 'reroutes';

export interface OutcomeSummary {
  backends: Array<{workload: string; namespace: string; weight: number; decision: string; decidedBy?: string; path: string[]}>;
  status?: number;
  routedBy: string[];
}

export interface Change {
  direction: Direction;
  request: {
    source: {namespace: string; serviceAccount?: string; mode: string; kind: string};
    destination: RequestClass['target'];
    method?: string;
    path?: string;
    headers?: Record<string, string>;
  };
  classId: string;
  before: OutcomeSummary;
  after: OutcomeSummary;
  /** First and last operation: for a final change, the first and last that changed this class; for a window, the one that opens it and the one that closes it. */
  operations: [string, string];
  /** Restarts executed while a window is open. */
  rollouts?: string[];
  /** The objects the responsible operations write. */
  objects: Target[];
  /** The destination does not exist before the plan (a Service the plan creates): compared with `baseline`. */
  newTarget?: true;
  /** For a new target: the existing Service whose answers for the same pods are the reference. */
  baseline?: string;
}

export interface EquivalenceReport {
  classes: number;
  /** How many class evaluations the walk took (at most classes × (operations + 1)). */
  evaluations: number;
  final: Change[];
  windows: Change[];
}

export interface EquivalenceOptions {
  /** Namespaces in scope for request classes; the plan's namespaces by default. */
  namespaces?: string[];
  /** false: evaluate every class after every operation (a check on the dependency tracking). */
  reuse?: boolean;
  /** A bound on the work (`performance.now()` milliseconds): past it the walk stops with `EquivalenceBudgetExceeded`. */
  deadline?: number;
}

/** The check would take longer than the caller allowed: it says so instead of hanging the command. */
export class EquivalenceBudgetExceeded extends Error {
  constructor(readonly classes: number, readonly evaluations: number, readonly operations: number) {
    super(`the traffic check of ${classes.toLocaleString('en-US')} request classes over ${operations.toLocaleString('en-US')} operations did not finish in time (${evaluations.toLocaleString('en-US')} evaluations done)`);
  }
}

export function summarise(outcome: Outcome): OutcomeSummary {
  return {
    backends: outcome.backends.map(b => ({
      workload: b.workload,
      namespace: b.namespace,
      weight: b.weight,
      decision: b.verdict.decision,
      ...(b.verdict.decidedBy ? {decidedBy: `${b.verdict.decidedBy.policy.namespace}/${b.verdict.decidedBy.policy.name}${b.verdict.decidedBy.rule !== undefined ? `#${b.verdict.decidedBy.rule}` : ''}`} : {}),
      path: b.path,
    })),
    ...(outcome.status !== undefined ? {status: outcome.status} : {}),
    routedBy: outcome.routedBy,
  };
}

/**
 * What matters for equivalence: backends, weights, decisions, and whether a policy decided (not which one:
 * a waypoint copy deciding instead of its original is the migration working; nor the path or the route
 * object's name).
 */
function signature(s: OutcomeSummary): string {
  let out = `${s.status ?? 0}`;
  for (const b of s.backends) out += `|${b.namespace}/${b.workload}:${b.weight}:${b.decision}:${b.decidedBy ? 1 : 0}`;
  return out;
}

/** `signature(summarise(o))` without building the summary (most evaluations change nothing). */
function outcomeSignature(o: Outcome): string {
  let out = `${o.status ?? 0}`;
  for (const b of o.backends) out += `|${b.namespace}/${b.workload}:${b.weight}:${b.verdict.decision}:${b.verdict.decidedBy ? 1 : 0}`;
  return out;
}

/** 0 nothing reaches, 1 some backends allow, 2 all allow. */
function openness(s: OutcomeSummary): number {
  if (s.backends.length === 0) return 0;
  const allowed = s.backends.filter(b => b.decision === 'allow').reduce((a, b) => a + b.weight, 0);
  const total = s.backends.reduce((a, b) => a + b.weight, 0);
  return allowed <= 0 ? 0 : allowed >= total - 1e-9 ? 2 : 1;
}

/**
 * `opens`: more of the class gets through, or a policy that decided it no longer does (an L7 rule no
 * longer enforced); `closes`: less gets through; `reroutes`: same verdicts, other backends or weights.
 */
export function direction(before: OutcomeSummary, after: OutcomeSummary): Direction | undefined {
  if (signature(before) === signature(after)) return undefined;
  const a = openness(before), b = openness(after);
  if (b > a) return 'opens';
  if (b < a) return 'closes';
  const decidedBefore = before.backends.some(x => x.decidedBy && x.decision === 'allow');
  const decidedAfter = after.backends.some(x => x.decidedBy);
  if (b > 0 && decidedBefore && !decidedAfter) return 'opens';
  // Same backends, weights and decisions: only "a policy decides" changed, towards a policy that allows
  // it (a new policy that lets this class through): nothing observable changed for the class.
  const route = (o: OutcomeSummary) => `${o.status ?? 0}|${o.backends.map(x => `${x.namespace}/${x.workload}:${x.weight}:${x.decision}`).join(',')}`;
  if (route(before) === route(after)) return undefined;
  return 'reroutes';
}

interface Timeline {
  /** (state index, summary) each time the class's outcome changed; state 0 is the original. */
  points: Array<{state: number; summary: OutcomeSummary; sig: string}>;
  /** The latest evaluation: the same signature can come with other details (path, deciding policy). */
  latest?: Outcome;
}

export function equivalence(inventory: Inventory, plan: Plan, authorize: Authorize, options: EquivalenceOptions = {}): EquivalenceReport {
  const ops = plan.operations;
  const world0 = World.fromInventory(inventory);
  // The final world is built once up front to generate classes for objects the plan creates.
  const last = world0.fork();
  ops.forEach((op, i) => applyOperationInPlace(last, op, i));
  const classes = requestClasses([world0, last], {namespaces: options.namespaces ?? plan.namespaces});

  const timelines: Timeline[] = classes.map(() => ({points: []}));
  const depsOf: Array<Set<string>> = classes.map(() => new Set());
  const byKey = new Map<string, Set<number>>();
  let evaluations = 0;
  const deadline = options.deadline;
  const evaluateAt = (world: World, i: number, state: number) => {
    evaluations++;
    if (deadline !== undefined && (evaluations & 63) === 0 && performance.now() > deadline) throw new EquivalenceBudgetExceeded(classes.length, evaluations, ops.length);
    world.tracker = new Set(['global']);
    const outcome = evaluate(world, classes[i]!, {authorize});
    const deps = world.tracker;
    world.tracker = null;
    const old = depsOf[i]!;
    let same = old.size === deps.size;
    if (same) for (const k of deps) if (!old.has(k)) {
      same = false;
      break;
    }
    if (!same) {
      for (const k of old) byKey.get(k)?.delete(i);
      depsOf[i] = deps;
      for (const k of deps) {
        let set = byKey.get(k);
        if (!set) byKey.set(k, (set = new Set()));
        set.add(i);
      }
    }
    const sig = outcomeSignature(outcome);
    const points = timelines[i]!.points;
    if (points.length === 0 || points[points.length - 1]!.sig !== sig) points.push({state, summary: summarise(outcome), sig});
    timelines[i]!.latest = outcome;
  };

  const world = world0.fork();
  classes.forEach((_, i) => evaluateAt(world, i, 0));
  ops.forEach((op, k) => {
    // Keys from the state before (the pods a restart replaces) and after (the Services that select the new ones).
    const keys = new Set(operationKeys(op, world));
    applyOperationInPlace(world, op, k);
    if (op.action === 'restart') for (const key of operationKeys(op, world)) keys.add(key);
    const affected = new Set<number>();
    if (options.reuse === false) classes.forEach((_, i) => affected.add(i));
    for (const key of keys) {
      if (key === 'global') classes.forEach((_, i) => affected.add(i));
      for (const i of byKey.get(key) ?? []) affected.add(i);
    }
    for (const i of [...affected].sort((a, b) => a - b)) evaluateAt(world, i, k + 1);
  });

  const final: Change[] = [];
  const windows: Change[] = [];
  const existed = (r: RequestClass) => r.target.kind === 'workload' || Boolean(world0.get(r.target.kind === 'service' ? 'service' : 'istioGateway', r.target.namespace, r.target.name));
  const byId = new Map(classes.map((c, i) => [c.id, i]));
  classes.forEach((request, i) => {
    const points = timelines[i]!.points;
    if (points.length === 1) return;
    if (!existed(request)) {
      newTargetChanges(request, points, timelines[i]!.latest);
      return;
    }
    const original = points[0]!;
    const end = points[points.length - 1]!;
    // Final change: against the state after the whole plan (shown as last evaluated).
    const dir = direction(original.summary, end.summary);
    if (dir) {
      const changers = points.slice(1).map(p => ops[p.state - 1]!);
      final.push(change(request, dir, original.summary, summarise(timelines[i]!.latest!), [changers[0]!.id, changers[changers.length - 1]!.id], changers));
    }
    // Windows: runs of intermediate states that differ from the original and from the final state. Each
    // change point holds until the next one; the last one holds through the end.
    for (let j = 1; j < points.length - 1; j++) {
      const inWindow = (q: (typeof points)[number]) => q.sig !== original.sig && q.sig !== end.sig;
      if (!inWindow(points[j]!)) continue;
      let k = j;
      while (k + 1 < points.length - 1 && inWindow(points[k + 1]!)) k++;
      const run = points.slice(j, k + 1);
      const judged = run.map(q => ({q, d: direction(original.summary, q.summary)}));
      const worst = judged.find(x => x.d === 'opens') ?? judged.find(x => x.d === 'closes') ?? judged.find(x => x.d);
      if (worst?.d) windows.push(windowOf(request, worst.d, original.summary, worst.q.summary, points[j]!.state, points[k + 1]!.state));
      j = k;
    }
  });

  /**
   * A Service the plan creates (a version Service) had no requests before. Its baseline is the same request
   * to the existing Service that selects a superset of its pods (the most specific one, e.g. `reviews` for
   * `reviews-v1`), restricted to the workloads the new Service reaches: what those pods answered before.
   * Only verdicts are compared (routing to a version Service differs by design).
   */
  function newTargetChanges(request: RequestClass, points: Timeline['points'], latest: Outcome | undefined) {
    if (request.target.kind !== 'service') return;
    const created = last.get('service', request.target.namespace, request.target.name);
    const selector = (created?.spec?.selector ?? {}) as Record<string, string>;
    const port = request.target.port;
    const standIn = world0
      .list('service', request.target.namespace)
      .filter(s => ((s.spec?.ports ?? []) as Array<{port: number}>).some(p => Number(p.port) === port))
      .filter(s => {
        const sel = (s.spec?.selector ?? {}) as Record<string, string>;
        return Object.keys(sel).length > 0 && Object.entries(sel).every(([k, v]) => selector[k] === v);
      })
      .sort((a, b) => Object.keys(b.spec.selector).length - Object.keys(a.spec.selector).length || (a.metadata.name < b.metadata.name ? -1 : 1))[0];
    if (!standIn) return;
    const twin = byId.get(request.id.replace(`svc:${request.target.namespace}/${request.target.name}:${port}`, `svc:${request.target.namespace}/${standIn.metadata.name}:${port}`));
    if (twin === undefined) return;
    const reached = new Set(points.flatMap(p => p.summary.backends.map(b => `${b.namespace}/${b.workload}`)));
    const base = timelines[twin]!.points[0]!.summary;
    const baseline: OutcomeSummary = {...base, backends: base.backends.filter(b => reached.has(`${b.namespace}/${b.workload}`))};
    if (baseline.backends.length === 0) return;
    const judge = (q: OutcomeSummary): Direction | undefined => {
      if (q.backends.length === 0) return undefined; // not created yet
      const before = new Map(baseline.backends.map(b => [`${b.namespace}/${b.workload}`, b]));
      let opens = false, closes = false;
      for (const b of q.backends) {
        const was = before.get(`${b.namespace}/${b.workload}`);
        if (!was) continue;
        if (was.decision !== 'allow' && b.decision === 'allow') opens = true;
        else if (was.decision === 'allow' && b.decision !== 'allow') closes = true;
        else if (was.decision === 'allow' && was.decidedBy && !b.decidedBy) opens = true;
      }
      return opens ? 'opens' : closes ? 'closes' : undefined;
    };
    const end = points[points.length - 1]!;
    const finalDir = judge(end.summary);
    const changers = points.slice(1).map(p => ops[p.state - 1]!);
    if (finalDir) final.push({...change(request, finalDir, baseline, summarise(latest!), [changers[0]!.id, changers[changers.length - 1]!.id], changers), newTarget: true, baseline: `Service ${standIn.metadata.namespace}/${standIn.metadata.name}`});
    for (let j = 1; j < points.length - 1; j++) {
      const d = judge(points[j]!.summary);
      if (!d || d === finalDir) continue;
      let k = j;
      while (k + 1 < points.length - 1 && judge(points[k + 1]!.summary) === d) k++;
      windows.push({...windowOf(request, d, baseline, points[j]!.summary, points[j]!.state, points[k + 1]!.state), newTarget: true, baseline: `Service ${standIn.metadata.namespace}/${standIn.metadata.name}`});
      j = k;
    }
  }

  function windowOf(request: RequestClass, d: Direction, before: OutcomeSummary, after: OutcomeSummary, startState: number, endState: number): Change {
    const opening = ops[startState - 1]!;
    const closing = ops[endState - 1]!;
    const spanned = ops.slice(startState - 1, endState).filter(o => o.action === 'restart').map(o => o.id);
    return {...change(request, d, before, after, [opening.id, closing.id], [opening, closing]), rollouts: spanned};
  }
  return {classes: classes.length, evaluations, final, windows};
}

function change(request: RequestClass, direction: Direction, before: OutcomeSummary, after: OutcomeSummary, operations: [string, string], responsible: Operation[]): Change {
  const objects = new Map<string, Target>();
  for (const op of responsible) objects.set(`${op.target.kind}/${op.target.namespace ?? ''}/${op.target.name}`, op.target);
  const c = request.caller;
  return {
    direction,
    request: {
      source: {namespace: c.namespace, ...(c.serviceAccount ? {serviceAccount: c.serviceAccount} : {}), mode: c.mode, kind: c.kind},
      destination: request.target,
      ...(request.http ? {method: request.http.method, path: request.http.path, headers: request.http.headers} : {}),
    },
    classId: request.id,
    before,
    after,
    operations,
    objects: [...objects.values()],
  };
}

/**
 * Two states of a cluster compared class by class, with no plan in between (for `verify`: the original
 * recorded in the state file against the live cluster). Changes carry no operations or objects.
 */
export function compare(before: Inventory, after: Inventory, authorize: Authorize, options: {namespaces?: string[]} = {}): {classes: number; changes: Array<Omit<Change, 'operations' | 'objects'>>} {
  const w0 = World.fromInventory(before);
  const w1 = World.fromInventory(after);
  const classes = requestClasses([w0, w1], {namespaces: options.namespaces});
  const changes: Array<Omit<Change, 'operations' | 'objects'>> = [];
  for (const request of classes) {
    const a = summarise(evaluate(w0, request, {authorize}));
    const b = summarise(evaluate(w1, request, {authorize}));
    const d = direction(a, b);
    if (!d) continue;
    const {operations: _o, objects: _j, ...rest} = change(request, d, a, b, ['', ''], []);
    changes.push(rest);
  }
  return {classes: classes.length, changes};
}
