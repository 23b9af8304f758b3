import {qualifiedResource} from './status.ts';

/**
 * Fault injection and the request journal: how tests make the simulator misbehave the way a real
 * cluster does (conflicts, throttling, RBAC, dropped connections) and check what clients sent.
 */

export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';

/** What a request is, in the terms fault rules and RBAC match on. */
export interface RequestAttributes {
  verb: Verb;
  group: string;
  resource: string;
  subresource?: string;
  namespace?: string;
  name?: string;
}

export interface FaultRule {
  /** Matches when every given field is equal; omitted fields match anything. */
  verb?: Verb;
  group?: string;
  resource?: string;
  namespace?: string;
  name?: string;
  /** Fire on the nth matching request (1-based) only; default: from the first. */
  nth?: number;
  /** How many times it fires; default 1. Use Infinity (or -1 over HTTP) for always. */
  times?: number;
  /** Respond with this status and a Status body instead of handling the request. */
  status?: number;
  reason?: string;
  message?: string;
  retryAfterSeconds?: number;
  /** Wait before doing anything (response or drop). */
  delayMs?: number;
  /** `before`: close the connection without processing. `after`: process (commit) the request, then close. */
  drop?: 'before' | 'after';
  /**
   * Pause the request at this point until the gate is released (see `FaultInjector.hold`): how tests
   * reach a kill point without timing. The request then goes on (its other fault fields apply), whether
   * or not its client is still there, as a real server commits a write its client gave up on.
   */
  gate?: Gate;
}

/** A request held by the simulator: `reached` resolves when one arrives; `release` lets it (and later ones) go. */
export interface Gate {
  reached: Promise<RequestAttributes>;
  release(): void;
  /** Used by the server: resolves `reached`, then waits for `release`. */
  pass(attributes: RequestAttributes): Promise<void>;
}

export function newGate(): Gate {
  let arrived!: (a: RequestAttributes) => void;
  let open!: () => void;
  const reached = new Promise<RequestAttributes>(r => (arrived = r));
  const released = new Promise<void>(r => (open = r));
  return {
    reached,
    release: () => open(),
    pass: attributes => {
      arrived(attributes);
      return released;
    },
  };
}

export interface DenyRule {
  verb?: Verb;
  group?: string;
  resource: string;
  namespace?: string;
}

export interface JournalEntry {
  time: string;
  method: string;
  path: string;
  query: string;
  contentType?: string;
  accept?: string;
  userAgent?: string;
  status?: number;
  attributes?: RequestAttributes;
  fault?: string;
}

interface ActiveRule {
  rule: FaultRule;
  seen: number;
  fired: number;
}

export class FaultInjector {
  private rules: ActiveRule[] = [];
  private denies: DenyRule[] = [];

  add(rule: FaultRule): void {
    this.rules.push({rule: {...rule, times: rule.times === -1 ? Infinity : rule.times}, seen: 0, fired: 0});
  }

  /** Holds the matching request (by default the first) until the returned gate is released. */
  hold(rule: Omit<FaultRule, 'gate'>): Gate {
    const gate = newGate();
    this.add({...rule, gate});
    return gate;
  }

  deny(rule: DenyRule): void {
    this.denies.push(rule);
  }

  clear(): void {
    // A request still held would never finish: let it go.
    for (const active of this.rules) active.rule.gate?.release();
    this.rules = [];
    this.denies = [];
  }

  /** The fault to apply to this request, if any; counts the request against each matching rule. */
  match(attributes: RequestAttributes): FaultRule | undefined {
    let chosen: FaultRule | undefined;
    for (const active of this.rules) {
      const {rule} = active;
      if (!matchesRule(rule, attributes)) continue;
      active.seen++;
      if (rule.nth !== undefined && active.seen < rule.nth) continue;
      if (active.fired >= (rule.times ?? 1)) continue;
      if (!chosen) {
        active.fired++;
        chosen = rule;
      }
    }
    return chosen;
  }

  /** The RBAC message a real server writes, or undefined when the request is allowed. */
  forbidden(attributes: RequestAttributes, user = 'system:admin'): string | undefined {
    const denied = this.denies.some(
      d =>
        d.resource === attributes.resource &&
        (d.group === undefined || d.group === attributes.group) &&
        (d.verb === undefined || d.verb === attributes.verb) &&
        (d.namespace === undefined || d.namespace === attributes.namespace),
    );
    if (!denied) return undefined;
    // kube-apiserver's NewForbidden names the group-qualified resource (`virtualservices.networking.istio.io`),
    // as NotFound does; only core resources stay bare.
    const qualified = qualifiedResource(attributes.resource, attributes.group);
    const subject = attributes.name ? `${qualified} "${attributes.name}"` : qualified;
    const scope = attributes.namespace ? `in the namespace "${attributes.namespace}"` : 'at the cluster scope';
    const resource = attributes.subresource ? `${attributes.resource}/${attributes.subresource}` : attributes.resource;
    return `${subject} is forbidden: User "${user}" cannot ${attributes.verb} resource "${resource}" in API group "${attributes.group}" ${scope}`;
  }
}

function matchesRule(rule: FaultRule, a: RequestAttributes): boolean {
  return (
    (rule.verb === undefined || rule.verb === a.verb) &&
    (rule.group === undefined || rule.group === a.group) &&
    (rule.resource === undefined || rule.resource === a.resource) &&
    (rule.namespace === undefined || rule.namespace === a.namespace) &&
    (rule.name === undefined || rule.name === a.name)
  );
}

/** A bounded log of every request, for tests and the benchmark's request count. */
export class RequestJournal {
  private entries: JournalEntry[] = [];
  private total = 0;

  constructor(private readonly capacity = 100_000) {}

  record(entry: JournalEntry): JournalEntry {
    this.total++;
    this.entries.push(entry);
    if (this.entries.length > this.capacity) this.entries.splice(0, this.entries.length - this.capacity);
    return entry;
  }

  all(): JournalEntry[] {
    return [...this.entries];
  }

  get count(): number {
    return this.total;
  }

  clear(): void {
    this.entries = [];
    this.total = 0;
  }
}
