import type {FindingDefinition} from './catalogue.ts';
import type {Finding, ResourceRef} from './types.ts';

/** A finding of a catalogued kind: severity comes from the catalogue, never from the caller. */
export function makeFinding(
  definition: FindingDefinition,
  details: {message: string; remedy: string; namespaces: string[]; resource: ResourceRef; scope: Finding['scope']; field?: string},
): Finding {
  return {
    id: definition.id,
    severity: definition.severity,
    message: details.message,
    remedy: details.remedy,
    namespaces: [...new Set(details.namespaces)].sort(),
    resource: details.resource,
    scope: details.scope,
    ...(details.field ? {field: details.field} : {}),
  };
}
