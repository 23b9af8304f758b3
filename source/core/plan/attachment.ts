import type {KubeObject} from '../../kube/client.ts';
import {selects} from '../audit/context.ts';
import {isInfrastructureWorkload, isMeshInfrastructure} from '../dataplane.ts';
import {byCodeUnits} from './objects.ts';

/** A unit of pods that share a template: a workload's pod template, or a pod nobody controls. */
export interface PodTemplateUnit {
  owner: KubeObject;
  labels: Record<string, string>;
}

export type Attachment =
  | {kind: 'services'; services: string[]}
  | {kind: 'waypoint'}
  | {kind: 'part-of-service'; service: string; selected: string[]; missed: string[]}
  | {kind: 'nothing'}
  /** It selects pods, but no Service fronts them: their traffic never goes through a (Service) waypoint. */
  | {kind: 'unfronted'; selected: string[]};

/**
 * The application's pod templates. Gateways and waypoints are left out: a gateway keeps its own Envoy,
 * which goes on enforcing the policies that select it, so they need no waypoint copy (and must not lose
 * their original to one).
 */
export function podTemplateUnits(workloads: KubeObject[], pods: KubeObject[]): PodTemplateUnit[] {
  const units: PodTemplateUnit[] = workloads.filter(w => !isInfrastructureWorkload(w)).map(w => ({owner: w, labels: w.spec?.template?.metadata?.labels ?? {}}));
  for (const pod of pods) {
    if ((pod.metadata.ownerReferences ?? []).some(r => r.controller) || isMeshInfrastructure(pod)) continue;
    units.push({owner: pod, labels: pod.metadata.labels ?? {}});
  }
  return units;
}

/**
 * Where a selector-based policy goes on the waypoint (§3.6.3): a namespace-wide policy to the waypoint
 * Gateway; a selector that picks exactly the pods of one or more Services to those Services. A selector
 * that picks only some of a Service's pods (a version, say) cannot be expressed with a Service target.
 */
export function attachmentFor(selector: Record<string, string> | undefined, units: PodTemplateUnit[], services: KubeObject[]): Attachment {
  if (!selector || Object.keys(selector).length === 0) return {kind: 'waypoint'};
  const name = (u: PodTemplateUnit) => `${u.owner.kind}/${u.owner.metadata.name}`;
  const selected = new Set(units.filter(u => selects(selector, u.labels)).map(name));
  if (selected.size === 0) return {kind: 'nothing'};
  const targets: string[] = [];
  const covered = new Set<string>();
  for (const service of [...services].sort((a, b) => byCodeUnits(a.metadata.name, b.metadata.name))) {
    const serviceSelector = service.spec?.selector as Record<string, string> | undefined;
    if (!serviceSelector || Object.keys(serviceSelector).length === 0) continue;
    const backing = units.filter(u => selects(serviceSelector, u.labels)).map(name);
    if (backing.length === 0) continue;
    const inside = backing.filter(b => selected.has(b));
    if (inside.length === 0) continue;
    if (inside.length < backing.length) {
      return {kind: 'part-of-service', service: service.metadata.name, selected: inside, missed: backing.filter(b => !selected.has(b))};
    }
    targets.push(service.metadata.name);
    for (const b of backing) covered.add(b);
  }
  // Pods the policy selects that no Service fronts receive no Service traffic through a waypoint.
  if (targets.length === 0) return {kind: 'unfronted', selected: [...selected].sort(byCodeUnits)};
  return {kind: 'services', services: targets};
}
