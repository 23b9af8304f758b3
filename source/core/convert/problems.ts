/** What a conversion step could not carry over (`untranslatable`) or carried over with a caveat (`warnings`). */
export interface Finding {
  path: string;
  reason: string;
}

export class Problems {
  readonly untranslatable: Finding[] = [];
  readonly warnings: Finding[] = [];
  untranslatableAt(path: string, reason: string): void {
    this.untranslatable.push({path, reason});
  }
  warn(path: string, reason: string): void {
    this.warnings.push({path, reason});
  }
}

/** Header and query parameter names as the HTTPRoute CRD accepts them (RFC 7230 tokens). */
export const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+\-.^_`|~]+$/;
/** HTTPRoute hostnames (URLRewrite / RequestRedirect): lower-case DNS names, no port. */
export const HOSTNAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** Names of Services (DNS-1035 labels). */
export const SERVICE_NAME = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/** Escapes RE2 metacharacters so that a literal string matches itself. */
export function escapeRegex(literal: string): string {
  return literal.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}

export const isObject = (x: unknown): x is Record<string, any> => typeof x === 'object' && x !== null && !Array.isArray(x);
