import type {StatusCause} from './types.ts';

/** An error the server turns into a `Status` body with the matching HTTP code. */
export class StatusError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: {name?: string; group?: string; kind?: string; causes?: StatusCause[]},
  ) {
    super(message);
  }

  toStatus(): Record<string, unknown> {
    return statusBody(this.code, this.reason, this.message, this.details);
  }
}

export function statusBody(
  code: number,
  reason: string,
  message: string,
  details?: Record<string, unknown>,
): Record<string, unknown> {
  const body: Record<string, unknown> = {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: code < 400 ? 'Success' : 'Failure',
    message,
    reason,
    code,
  };
  if (details && Object.keys(details).length > 0) body.details = details;
  return body;
}

/** `pods "x" not found` names the resource the way kubectl users know it: plural, with group. */
export function qualifiedResource(plural: string, group: string): string {
  return group ? `${plural}.${group}` : plural;
}

export const notFound = (plural: string, group: string, name: string) =>
  new StatusError(404, 'NotFound', `${qualifiedResource(plural, group)} "${name}" not found`, {
    name,
    group: group || undefined,
    kind: plural,
  });

export const alreadyExists = (plural: string, group: string, name: string) =>
  new StatusError(409, 'AlreadyExists', `${qualifiedResource(plural, group)} "${name}" already exists`, {
    name,
    group: group || undefined,
    kind: plural,
  });

export const conflict = (plural: string, group: string, name: string) =>
  new StatusError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualifiedResource(plural, group)} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
    {name, group: group || undefined, kind: plural},
  );

export const badRequest = (message: string) => new StatusError(400, 'BadRequest', message);

export const invalid = (kind: string, group: string, name: string, causes: StatusCause[]) =>
  new StatusError(
    422,
    'Invalid',
    `${kind}${group ? `.${group}` : ''} "${name}" is invalid: ${causes.map(c => `${c.field}: ${c.message}`).join(', ')}`,
    {name, group: group || undefined, kind, causes},
  );
