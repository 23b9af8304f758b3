import {badRequest} from './status.ts';
import type {KubeObject} from './types.ts';

export type Predicate = (object: KubeObject) => boolean;

interface Requirement {
  key: string;
  op: 'in' | 'notin' | 'exists' | '!exists' | '=' | '!=';
  values: string[];
}

/** Parses the label selector grammar kubectl and client-go send (`a=b,c!=d,e in (x,y),!f,g`). */
export function parseLabelSelector(selector: string | null | undefined): Predicate {
  if (!selector || !selector.trim()) return () => true;
  const requirements = splitTopLevel(selector).map(parseRequirement);
  return object => {
    const labels = object.metadata.labels ?? {};
    return requirements.every(r => matches(r, labels));
  };
}

function splitTopLevel(selector: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of selector) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(current.trim());
      current = '';
    } else current += ch;
  }
  if (current.trim()) parts.push(current.trim());
  return parts;
}

function parseRequirement(text: string): Requirement {
  let m = /^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(text);
  if (m) return {key: m[1]!, op: m[2] as 'in' | 'notin', values: m[3]!.split(',').map(v => v.trim())};
  m = /^([^=!\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(text);
  if (m) return {key: m[1]!, op: m[2] === '!=' ? '!=' : '=', values: [m[3]!]};
  m = /^!\s*(\S+)$/.exec(text);
  if (m) return {key: m[1]!, op: '!exists', values: []};
  m = /^([A-Za-z0-9._\/-]+)$/.exec(text);
  if (m) return {key: m[1]!, op: 'exists', values: []};
  throw badRequest(`unable to parse requirement: found '${text}', expected: in, notin, =, ==, !=, gt, lt`);
}

function matches(r: Requirement, labels: Record<string, string>): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, r.key);
  const value = labels[r.key];
  switch (r.op) {
    case 'exists':
      return has;
    case '!exists':
      return !has;
    case '=':
      return has && value === r.values[0];
    case '!=':
      return !has || value !== r.values[0];
    case 'in':
      return has && r.values.includes(value!);
    case 'notin':
      return !has || !r.values.includes(value!);
  }
}

/**
 * Field selectors: a real server supports a per-kind list; metadata.name and metadata.namespace work for
 * every kind, and the few kind-specific ones clients use (status.phase, spec.nodeName, type) are read
 * from the object by path, which gives the same answers.
 */
export function parseFieldSelector(selector: string | null | undefined): Predicate {
  if (!selector || !selector.trim()) return () => true;
  const terms = selector.split(',').map(term => {
    const m = /^([A-Za-z0-9.]+)\s*(==|=|!=)\s*(.*)$/.exec(term.trim());
    if (!m) throw badRequest(`invalid selector: '${selector}'; can't understand '${term}'`);
    return {path: m[1]!.split('.'), negate: m[2] === '!=', value: m[3]!};
  });
  return object =>
    terms.every(t => {
      let cursor: unknown = object;
      for (const segment of t.path) cursor = (cursor as Record<string, unknown> | undefined)?.[segment];
      const actual = cursor === undefined || cursor === null ? '' : String(cursor);
      return t.negate ? actual !== t.value : actual === t.value;
    });
}
