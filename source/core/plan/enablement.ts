import type {KubeObject} from '../../kube/client.ts';
import {selects} from '../audit/context.ts';
import {DATAPLANE_LABEL, hasSidecar, INJECTION_LABEL, isLive, isMeshInfrastructure, REVISION_LABEL, WAYPOINT_MANAGED_LABEL} from '../dataplane.ts';
import {byCodeUnits, operation, targetOf} from './objects.ts';
import {WAYPOINT_NAME, type Operation} from './types.ts';

export const USE_WAYPOINT_LABEL = 'istio.io/use-waypoint';
const INJECT_OVERRIDE = 'sidecar.istio.io/inject';

function withLabels(namespace: KubeObject, change: Record<string, string | null>): KubeObject {
  const labels = {...(namespace.metadata.labels ?? {})};
  for (const [k, v] of Object.entries(change)) {
    if (v === null) delete labels[k];
    else labels[k] = v;
  }
  // A shallow copy is enough (only the labels change, and `operation` copies deeply): a structuredClone
  // per label step was a visible share of planning 1,000 namespaces.
  return {...namespace, metadata: {...namespace.metadata, labels}};
}

/** `sidecar.istio.io/inject: "false"` on a pod template or a pod, as a label or an annotation. */
function optsOut(meta: {labels?: Record<string, string>; annotations?: Record<string, string>} | undefined): boolean {
  return meta?.labels?.[INJECT_OVERRIDE] === 'false' || meta?.annotations?.[INJECT_OVERRIDE] === 'false';
}

const OUT_OF_MESH = {[DATAPLANE_LABEL]: 'none'};

/**
 * Pods that opted out of sidecar injection are out of the mesh today, and would be enrolled in ambient
 * mode by the namespace label: istio-cni redirects every pod of an ambient namespace that has no sidecar
 * unless the pod itself says `istio.io/dataplane-mode=none`; it never reads `sidecar.istio.io/inject`
 * (istio/istio cni/pkg/util/podutil.go, PodRedirectionEnabled). So before the namespace is enrolled, the
 * running pods get that label (no restart) and their workloads' pod templates too (so later pods keep it).
 */
function keepOptedOutPodsOut(namespace: string, workloads: KubeObject[], pods: KubeObject[]): Operation[] {
  const ops: Operation[] = [];
  for (const workload of [...workloads].sort((a, b) => byCodeUnits(`${a.kind}/${a.metadata.name}`, `${b.kind}/${b.metadata.name}`))) {
    const template = workload.spec?.template?.metadata;
    if (!optsOut(template) || template?.labels?.[DATAPLANE_LABEL] === 'none' || workload.metadata.labels?.[WAYPOINT_MANAGED_LABEL]) continue;
    const next = structuredClone(workload);
    next.spec.template.metadata.labels = {...(next.spec.template.metadata.labels ?? {}), ...OUT_OF_MESH};
    ops.push(operation(namespace, 'enroll', 'update', targetOf(workload), workload, next, `its pods opted out of the mesh (${INJECT_OVERRIDE}: "false"); ${DATAPLANE_LABEL}=none keeps them out of ambient mode too`));
  }
  for (const pod of [...pods].sort((a, b) => byCodeUnits(a.metadata.name, b.metadata.name))) {
    if (!isLive(pod) || hasSidecar(pod) || isMeshInfrastructure(pod) || pod.metadata.labels?.[DATAPLANE_LABEL] === 'none') continue;
    if (!optsOut(pod.metadata)) continue;
    const next = {...pod, metadata: {...pod.metadata, labels: {...(pod.metadata.labels ?? {}), ...OUT_OF_MESH}}};
    ops.push(operation(namespace, 'enroll', 'label', targetOf(pod), pod, next, `it opted out of the mesh (${INJECT_OVERRIDE}: "false"); ${DATAPLANE_LABEL}=none keeps it out of ambient mode when the namespace is enrolled`));
  }
  return ops;
}

/**
 * The namespace steps of the guide, in its strict order (§1.4): activate the waypoint, enroll, remove
 * injection (namespace labels and pod-template overrides), then restart. Each label operation starts
 * from the state the previous one left, so each can be undone on its own.
 */
export function planEnablement(input: {namespace: KubeObject; waypoint: boolean; workloads: KubeObject[]; pods: KubeObject[]}): Operation[] {
  const ops: Operation[] = [];
  const name = input.namespace.metadata.name;
  let current = input.namespace;
  const label = (step: Operation['step'], change: Record<string, string | null>, reason: string) => {
    const needed = Object.entries(change).some(([k, v]) => (v === null ? k in (current.metadata.labels ?? {}) : current.metadata.labels?.[k] !== v));
    if (!needed) return;
    const next = withLabels(current, change);
    ops.push(operation(name, step, 'label', targetOf(current), current, next, reason));
    current = next;
  };
  if (input.waypoint) label('use-waypoint', {[USE_WAYPOINT_LABEL]: WAYPOINT_NAME}, 'send the namespace\'s Service traffic through its waypoint');
  ops.push(...keepOptedOutPodsOut(name, input.workloads, input.pods));
  label('enroll', {[DATAPLANE_LABEL]: 'ambient'}, 'enroll the namespace in ambient mode (pods with sidecars keep them until restarted)');
  label('remove-injection', {[INJECTION_LABEL]: null, [REVISION_LABEL]: null}, 'stop injecting sidecars into new pods');

  const restart: KubeObject[] = [];
  for (const workload of [...input.workloads].sort((a, b) => byCodeUnits(`${a.kind}/${a.metadata.name}`, `${b.kind}/${b.metadata.name}`))) {
    if (workload.metadata.labels?.[WAYPOINT_MANAGED_LABEL]) continue;
    const template = workload.spec?.template?.metadata ?? {};
    const override = template.labels?.[INJECT_OVERRIDE] === 'true' || template.annotations?.[INJECT_OVERRIDE] === 'true' || Boolean(template.labels?.[REVISION_LABEL]);
    if (override && !template.annotations?.['inject.istio.io/templates']?.includes('gateway')) {
      const next = structuredClone(workload);
      const meta = next.spec.template.metadata;
      if (meta.labels?.[INJECT_OVERRIDE] === 'true') delete meta.labels[INJECT_OVERRIDE];
      if (meta.annotations?.[INJECT_OVERRIDE] === 'true') delete meta.annotations[INJECT_OVERRIDE];
      if (meta.labels?.[REVISION_LABEL]) delete meta.labels[REVISION_LABEL];
      ops.push(operation(name, 'remove-injection', 'update', targetOf(workload), workload, next, 'its pod template asks for a sidecar itself; the namespace label alone would not drop it'));
    }
    const selector = workload.spec?.selector?.matchLabels as Record<string, string> | undefined;
    // A gateway's proxy is its workload, not a sidecar: restarting it would change nothing but drop
    // connections at the edge of the mesh.
    // Its live pods decide; Terminating ones only when there is no live one yet (a Recreate or StatefulSet
    // rollout under way), not after a restart already done, whose old pods linger for their grace period.
    const own = selector ? input.pods.filter(p => selects(selector, p.metadata.labels)) : [];
    const live = own.filter(isLive);
    const runsSidecars = (live.length > 0 ? live : own).some(p => hasSidecar(p) && !isMeshInfrastructure(p));
    if (runsSidecars) restart.push(workload);
  }
  for (const workload of restart) {
    ops.push(operation(name, 'restart', 'restart', targetOf(workload), null, null, 'its pods run sidecars; new pods start without them, redirected by ztunnel'));
  }
  return ops;
}
