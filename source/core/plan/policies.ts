import type {KubeObject} from '../../kube/client.ts';
import {FINDINGS} from '../audit/catalogue.ts';
import {describe, refOf, selects} from '../audit/context.ts';
import {makeFinding} from '../audit/finding.ts';
import type {Finding} from '../audit/types.ts';
import {analyzeAuthorizationPolicy, hasTargetRefs} from '../authorization.ts';
import {attachmentFor, type PodTemplateUnit} from './attachment.ts';
import {byCodeUnits, derivedName, operation, targetOf} from './objects.ts';
import {MANAGED_BY, SOURCE_ANNOTATION, WAYPOINT_NAME, type Operation} from './types.ts';
import {exemptWaypoint, waypointIdentityEffect, withoutCallerConditions} from '../waypoint-identity.ts';
import {waypointIdentity, waypointRef} from './waypoint.ts';

export interface PolicyInputs {
  namespace: string;
  rootNamespace: string;
  trustDomain: string;
  authorizationPolicies: KubeObject[];
  /** The root namespace's AuthorizationPolicies, RequestAuthentications and WasmPlugins without a selector: they apply to every workload of the mesh. */
  meshPolicies: KubeObject[];
  /** Root-namespace AuthorizationPolicies, RequestAuthentications and WasmPlugins whose selector picks pods here. */
  rootSelected: KubeObject[];
  /** The root namespace has a policy attached to every waypoint (targetRefs GatewayClass istio-waypoint). */
  waypointClassPolicy: boolean;
  requestAuthentications: KubeObject[];
  wasmPlugins: KubeObject[];
  services: KubeObject[];
  units: PodTemplateUnit[];
}

export interface PolicyPlan {
  operations: Operation[];
  /** Originals to delete right after the restart, once the waypoint copies are in force. */
  replaced: KubeObject[];
  findings: Finding[];
}


const USE_WAYPOINT = 'istio.io/use-waypoint';
const USE_WAYPOINT_NAMESPACE = 'istio.io/use-waypoint-namespace';

/** The Service will use this namespace's waypoint once the namespace is labelled (no label of its own says otherwise). */
function boundToOwnWaypoint(service: KubeObject, namespace: string): boolean {
  const labels = service.metadata.labels ?? {};
  const name = labels[USE_WAYPOINT];
  if (name === undefined) return true;
  return name === WAYPOINT_NAME && (labels[USE_WAYPOINT_NAMESPACE] ?? namespace) === namespace;
}

/** The Service fronts pods the selector picks (every pod, without a selector). */
function frontsSelected(service: KubeObject, units: PodTemplateUnit[], selector: Record<string, string> | undefined): boolean {
  const serviceSelector = service.spec?.selector as Record<string, string> | undefined;
  if (!serviceSelector || Object.keys(serviceSelector).length === 0) return false;
  return units.some(u => selects(serviceSelector, u.labels) && (!selector || selects(selector, u.labels)));
}

function selectorOf(object: KubeObject): Record<string, string> | undefined {
  // AuthorizationPolicy and RequestAuthentication use `selector.matchLabels`; WasmPlugin too.
  return object.spec?.selector?.matchLabels;
}

/** Where a copy attached to the whole waypoint (a Gateway, not a Service) is recorded. */
const WAYPOINT_TARGET = 'Gateway/waypoint';

/** Annotations that change what a policy does, which its copy must keep: a dry run stays a dry run. */
const BEHAVIOUR_ANNOTATIONS = ['istio.io/dry-run'];

/** The same policy attached to the waypoint with targetRefs instead of a selector (optionally fewer rules). */
function waypointCopy(original: KubeObject, targetRefs: Array<Record<string, string>>, rules: unknown[] | undefined, name: string): KubeObject {
  const spec = structuredClone(original.spec ?? {});
  delete spec.selector;
  delete spec.targetRef;
  spec.targetRefs = targetRefs;
  if (rules) spec.rules = structuredClone(rules);
  const kept = Object.fromEntries(BEHAVIOUR_ANNOTATIONS.filter(a => original.metadata.annotations?.[a] !== undefined).map(a => [a, original.metadata.annotations![a]!]));
  return {
    apiVersion: original.apiVersion,
    kind: original.kind,
    metadata: {
      name,
      namespace: original.metadata.namespace,
      labels: {...(original.metadata.labels ?? {}), ...MANAGED_BY},
      annotations: {...kept, [SOURCE_ANNOTATION]: `${original.kind}/${original.metadata.namespace}/${original.metadata.name}`},
    },
    spec,
  };
}

/**
 * Policies that only a waypoint can enforce get a targetRefs copy (the originals are deleted after the
 * restart); L4 ALLOW policies that name their callers also let the waypoint's identity in, and get a copy
 * so the waypoint keeps checking the real callers.
 */
export function planPolicies(input: PolicyInputs): PolicyPlan {
  const plan: PolicyPlan = {operations: [], replaced: [], findings: []};
  const {namespace} = input;
  // Names already used in the namespace, per kind: a copy named like an existing policy (someone's own
  // `reviews-waypoint`) would stop apply half-way with "already exists", so it takes the next free name.
  // A copy this tool made earlier for the same original keeps its name (apply recognises it as done).
  const taken = new Set<string>();
  for (const o of [...input.authorizationPolicies, ...input.requestAuthentications, ...input.wasmPlugins]) taken.add(`${o.kind}/${o.metadata.name}`);
  const copyName = (original: KubeObject): string => {
    const source = `${original.kind}/${original.metadata.namespace}/${original.metadata.name}`;
    const ours = (name: string) =>
      [...input.authorizationPolicies, ...input.requestAuthentications, ...input.wasmPlugins].some(
        o => o.kind === original.kind && o.metadata.name === name && o.metadata.labels?.[Object.keys(MANAGED_BY)[0]!] === Object.values(MANAGED_BY)[0] && o.metadata.annotations?.[SOURCE_ANNOTATION] === source,
      );
    let name = derivedName(original.metadata.name, 'waypoint');
    for (let n = 2; taken.has(`${original.kind}/${name}`) && !ours(name); n++) name = derivedName(original.metadata.name, `waypoint-${n}`);
    taken.add(`${original.kind}/${name}`);
    return name;
  };
  /** Creates the copy and returns where it attaches (Service names, or WAYPOINT_TARGET), or undefined. */
  /**
   * `replaces`: the original is deleted once its copy is in force, because only a waypoint can enforce it
   * (L7 rules, CUSTOM, AUDIT, JWT validation, Wasm).
   */
  const copyToWaypoint = (original: KubeObject, why: string, rules?: unknown[], replaces = false): string[] | undefined => {
    if (original.metadata.namespace === input.rootNamespace && !selectorOf(original)) {
      plan.findings.push(
        makeFinding(FINDINGS.meshWidePolicy, {
          message: `${describe(original)} applies to the whole mesh; its waypoint copy must target GatewayClass istio-waypoint from the root namespace, which a per-namespace plan does not do`,
          remedy: `create a copy of ${original.metadata.name} in ${input.rootNamespace} with targetRefs [{group: gateway.networking.k8s.io, kind: GatewayClass, name: istio-waypoint}]`,
          namespaces: [namespace],
          resource: refOf(original),
          scope: 'mesh',
        }),
      );
      return undefined;
    }
    const attachment = attachmentFor(selectorOf(original), input.units, input.services);
    if (attachment.kind === 'nothing') {
      plan.findings.push(
        makeFinding(FINDINGS.policySelectsNothing, {
          message: `${describe(original)} selects no workload behind a Service; no waypoint copy is needed`,
          remedy: 'nothing to do; delete it if it is stale',
          namespaces: [namespace],
          resource: refOf(original),
          scope: 'workload',
        }),
      );
      return undefined;
    }
    if (attachment.kind === 'unfronted') {
      // The original stays for ztunnel, which sees the real callers of pods reached directly. Only a policy
      // a waypoint alone can enforce is lost: ztunnel drops its L7 rules (an ALLOW left with none denies
      // everything, a DENY with none denies nothing: istio/istio pilot/pkg/serviceregistry/ambient/authorization.go).
      if (!replaces) return undefined;
      plan.findings.push(
        makeFinding(FINDINGS.policyPodsWithoutService, {
          message: `${describe(original)} selects ${attachment.selected.join(', ')}, which no Service fronts: their traffic never goes through the waypoint, and without sidecars nothing can enforce what only a waypoint can (ztunnel would ${(original.spec?.action ?? 'ALLOW') === 'ALLOW' && original.kind === 'AuthorizationPolicy' ? 'deny everything this ALLOW allows' : 'ignore it'})`,
          remedy: `put those pods behind a Service (the copy then attaches to it), or give them a workload waypoint (istio.io/waypoint-for: workload), or leave ${namespace} in sidecar mode; then plan again`,
          namespaces: [namespace],
          resource: refOf(original),
          scope: 'workload',
        }),
      );
      return undefined;
    }
    if (attachment.kind === 'part-of-service') {
      plan.findings.push(
        makeFinding(FINDINGS.policySelectsPartOfService, {
          message: `${describe(original)} selects ${attachment.selected.join(', ')} but not ${attachment.missed.join(', ')} behind Service ${attachment.service}: a Service target would apply it to all of them`,
          remedy: `create a Service for just those pods and target it, or use a workload waypoint (istio.io/waypoint-for: workload); then plan again`,
          namespaces: [namespace],
          resource: refOf(original),
          scope: 'workload',
        }),
      );
      return undefined;
    }
    // A Service bound to no waypoint (`istio.io/use-waypoint: none`) or to another one keeps that binding
    // when the namespace is labelled: Service labels win over namespace labels (istio/istio
    // pilot/pkg/serviceregistry/kube/controller/ambient/waypoints.go, fetchWaypointForService). A copy there
    // would never be enforced by this waypoint, and deleting the original would leave the pods unprotected.
    const covered = attachment.kind === 'waypoint' ? input.services : input.services.filter(s => attachment.services.includes(s.metadata.name));
    const off = covered.filter(s => !boundToOwnWaypoint(s, namespace)).filter(s => attachment.kind !== 'waypoint' || frontsSelected(s, input.units, selectorOf(original)));
    if (off.length > 0) {
      plan.findings.push(
        makeFinding(FINDINGS.policyServiceOffWaypoint, {
          message: `${describe(original)} protects ${off.map(s => `Service ${s.metadata.name} (${USE_WAYPOINT}: ${s.metadata.labels?.[USE_WAYPOINT] ?? ''}${s.metadata.labels?.[USE_WAYPOINT_NAMESPACE] ? `, ${USE_WAYPOINT_NAMESPACE}: ${s.metadata.labels[USE_WAYPOINT_NAMESPACE]}` : ''})`).join(', ')}, which will not go through the waypoint of ${namespace}: no waypoint copy would be enforced there, and without sidecars nothing would enforce ${original.metadata.name}`,
          remedy: `remove the ${USE_WAYPOINT} label from ${off.map(s => s.metadata.name).join(', ')} (or point it at the waypoint "${WAYPOINT_NAME}" of ${namespace}), or attach a copy of ${original.metadata.name} to the waypoint it uses; then plan again`,
          namespaces: [namespace],
          resource: refOf(original),
          scope: 'workload',
        }),
      );
      return undefined;
    }
    const refs =
      attachment.kind === 'waypoint'
        ? [waypointRef]
        : attachment.services.map(name => ({group: '', kind: 'Service', name}));
    const copy = waypointCopy(original, refs, rules, copyName(original));
    plan.operations.push(operation(namespace, 'policies', 'create', targetOf(copy), null, copy, why));
    return attachment.kind === 'waypoint' ? [WAYPOINT_TARGET] : attachment.services;
  };

  // ALLOW copies by where they attach: at the waypoint, an ALLOW denies whatever no ALLOW there allows.
  const allowCopies: Array<{policy: KubeObject; refs: string[]}> = [];
  const copyPolicy = (policy: KubeObject, why: string, rules?: unknown[], replaces = false): boolean => {
    const copied = copyToWaypoint(policy, why, rules, replaces);
    if (copied && (policy.spec?.action ?? 'ALLOW') === 'ALLOW') allowCopies.push({policy, refs: copied});
    return Boolean(copied);
  };
  const waypoint = waypointIdentity(namespace, input.trustDomain);

  for (const policy of input.authorizationPolicies) {
    if (hasTargetRefs(policy.spec)) continue;
    const analysis = analyzeAuthorizationPolicy(policy, input.rootNamespace);
    if (analysis.layer === 'L7' || analysis.action === 'CUSTOM' || analysis.action === 'AUDIT') {
      if (copyPolicy(policy, `${describe(policy)} has L7 rules only a waypoint can enforce`, undefined, true)) {
        plan.replaced.push(policy);
        // Until the clean-up deletes it, the original selects pods that are already restarted into ambient
        // mode, where ztunnel drops its L7 rules: an ALLOW left with none denies everything, the traffic the
        // waypoint has just checked included. Letting the waypoint's identity through keeps that traffic
        // flowing (at a sidecar not yet restarted too, which sees the waypoint as the caller); callers that
        // bypass the waypoint are still checked by the original's own rules where a sidecar remains.
        if (analysis.action === 'ALLOW' && !analysis.dryRun) {
          const rules = (Array.isArray(policy.spec?.rules) ? policy.spec.rules : []) as unknown[];
          const updated = structuredClone(policy);
          updated.spec = {...updated.spec, rules: [...rules, {from: [{source: {principals: [waypoint.principal]}}]}]};
          plan.operations.push(
            operation(namespace, 'policies', 'update', targetOf(policy), policy, updated, `lets the waypoint (${waypoint.principal}) through while the pods restart: the waypoint enforces the copy, and ztunnel, which drops L7 rules, would otherwise deny everything ${policy.metadata.name} allows`),
          );
        }
      }
      continue;
    }
    const identity = waypointIdentityEffect(policy, waypoint);
    if (!identity) continue;
    const rules = (Array.isArray(policy.spec?.rules) ? policy.spec.rules : []) as any[];
    const name = policy.metadata.name;
    // A dry-run policy is enforced by nobody (ztunnel skips it): there is no traffic to keep flowing at
    // ztunnel, and its copy stays a dry run.
    if (!analysis.dryRun && identity.effect === 'allow-rejects-waypoint') {
      // ztunnel will see the waypoint instead of the caller: allow it on the same ports and conditions.
      const waypointRules = identity.rules.map(i => ({from: [{source: {principals: [waypoint.principal]}}], ...withoutCallerConditions(rules[i] ?? {})}));
      const unique = [...new Map(waypointRules.map(r => [JSON.stringify(r), r])).values()];
      const updated = structuredClone(policy);
      updated.spec = {...updated.spec, rules: [...rules, ...unique]};
      plan.operations.push(operation(namespace, 'policies', 'update', targetOf(policy), policy, updated, `ztunnel will see the waypoint's identity (${waypoint.principal}) instead of the caller's`));
    }
    if (!analysis.dryRun && identity.effect === 'deny-blocks-waypoint') {
      const updated = structuredClone(policy);
      updated.spec = {...updated.spec, rules: rules.map((r, i) => (identity.rules.includes(i) ? exemptWaypoint(r ?? {}, waypoint, namespace) : r))};
      plan.operations.push(operation(namespace, 'policies', 'update', targetOf(policy), policy, updated, `ztunnel would deny the waypoint itself (${waypoint.principal}), and with it everything that goes through it: the waypoint is exempted`));
    }
    const why: Record<typeof identity.effect, string> = {
      'allow-rejects-waypoint': `keeps checking the real callers at the waypoint, now that ${name} lets the waypoint through`,
      'allow-admits-through-waypoint': `keeps out, at the waypoint, the callers ${name} does not allow, which ztunnel would let through with the waypoint's identity`,
      'deny-fails-open': `keeps denying the callers ${name} names, which ztunnel no longer sees behind the waypoint`,
      'deny-blocks-waypoint': `keeps denying, at the waypoint, the callers ${name} denies, now that ztunnel lets the waypoint through`,
    };
    // The original stays for traffic that reaches the pods directly; the copy sees the real callers. Rules
    // written for the waypoint stay out of it: at the waypoint no caller is the waypoint.
    copyPolicy(policy, why[identity.effect], rules.filter((_, i) => !identity.forWaypoint.includes(i)));
  }

  // Under sidecars every ALLOW that selects a pod counts together; at the waypoint, only those attached
  // there do. Once one ALLOW has a copy on a Service (or on the whole waypoint), each other ALLOW on the
  // same pods needs one too, or the traffic only it allows is denied at the waypoint.
  const copied = new Set(allowCopies.map(c => c.policy));
  const onWaypoint = allowCopies.some(c => c.refs.includes(WAYPOINT_TARGET));
  const onServices = new Set(allowCopies.flatMap(c => c.refs));
  const alongside = allowCopies.map(c => c.policy.metadata.name).sort(byCodeUnits).join(', ');
  /** Does the policy select pods behind a Service (or the waypoint) that an ALLOW copy is attached to? */
  const sharesPodsWithCopies = (policy: KubeObject): boolean => {
    const attachment = attachmentFor(selectorOf(policy), input.units, input.services);
    return (
      attachment.kind === 'waypoint' ||
      onWaypoint ||
      (attachment.kind === 'services' && attachment.services.some(name => onServices.has(name))) ||
      (attachment.kind === 'part-of-service' && onServices.has(attachment.service))
    );
  };
  for (const policy of input.authorizationPolicies) {
    if (copied.has(policy) || hasTargetRefs(policy.spec) || (policy.spec?.action ?? 'ALLOW') !== 'ALLOW' || allowCopies.length === 0) continue;
    if (!sharesPodsWithCopies(policy)) continue;
    copyToWaypoint(policy, `at the waypoint an ALLOW denies what no ALLOW there allows: copied next to ${alongside} so that what ${policy.metadata.name} allows stays allowed`);
  }
  // Root-namespace policies apply here too: without a selector to every workload of the mesh, with one to
  // the pods it selects. The plan changes only what lives in this namespace, so none of them is moved; one
  // that the move to ambient would break stops the plan, with the way to bring it into the namespace.
  const localize = `copy it into ${namespace} keeping its selector (the plan then handles that copy like the namespace's own policies), and narrow its selector in ${input.rootNamespace} so that it no longer selects pods in ${namespace}; then plan again`;
  const perNamespace = `replace it with a copy in each namespace, without a selector (the plan then handles each like the namespace's own policies); then plan again`;
  for (const policy of [...input.meshPolicies, ...input.rootSelected]) {
    const mesh = input.meshPolicies.includes(policy);
    const analysis = policy.kind === 'AuthorizationPolicy' ? analyzeAuthorizationPolicy(policy, input.rootNamespace) : undefined;
    if (analysis?.dryRun) continue;
    const where = mesh ? 'applies to every workload' : `selects pods in ${namespace}`;
    const onlyWaypoint = !analysis || analysis.layer === 'L7' || analysis.action === 'CUSTOM' || analysis.action === 'AUDIT';
    if (onlyWaypoint) {
      plan.findings.push(
        makeFinding(FINDINGS.rootPolicySelectsNamespace, {
          message: `${describe(policy)} ${where} from the root namespace, and only a waypoint can enforce it; once the pods of ${namespace} lose their sidecars it would not be enforced as written`,
          remedy: mesh ? perNamespace : localize,
          namespaces: [namespace],
          resource: refOf(policy),
          scope: mesh ? 'mesh' : 'workload',
        }),
      );
      continue;
    }
    const identity = waypointIdentityEffect(policy, waypoint);
    const stops = identity?.effect === 'allow-rejects-waypoint' || identity?.effect === 'deny-blocks-waypoint';
    // An ALLOW counts together with the ALLOWs copied to the waypoint above; there, only those attached to
    // the waypoint count, so what only this one allows would be denied.
    const allow = (policy.spec?.action ?? 'ALLOW') === 'ALLOW';
    const besideCopies = allow && allowCopies.length > 0 && (mesh ? !input.waypointClassPolicy : sharesPodsWithCopies(policy));
    if (!mesh && (identity || besideCopies)) {
      // Specific to these pods: the waypoint would need its own copy, which only a local policy gets.
      const why = identity
        ? `names callers; behind the waypoint of ${namespace} ztunnel sees ${waypoint.principal} instead, so it would ${stops ? 'stop the traffic through the waypoint' : 'no longer keep out the callers it means to'}`
        : `allows traffic that, once ${alongside} ${allowCopies.length === 1 ? 'is' : 'are'} copied to the waypoint, the waypoint would deny (there an ALLOW denies what no ALLOW attached to it allows)`;
      plan.findings.push(
        makeFinding(FINDINGS.rootPolicySelectsNamespace, {message: `${describe(policy)} ${where} and ${why}`, remedy: localize, namespaces: [namespace], resource: refOf(policy), scope: 'workload'}),
      );
      continue;
    }
    if (!mesh) continue;
    if (!stops && besideCopies) {
      plan.findings.push(
        makeFinding(FINDINGS.rootPolicySelectsNamespace, {
          message: `${describe(policy)} ${where} and allows traffic that, once ${alongside} ${allowCopies.length === 1 ? 'is' : 'are'} copied to the waypoint of ${namespace}, the waypoint would deny (there an ALLOW denies what no ALLOW attached to it allows)`,
          remedy: `attach a copy to GatewayClass istio-waypoint (targetRefs) in ${input.rootNamespace}, so that waypoints allow what it allows; then plan again`,
          namespaces: [namespace],
          resource: refOf(policy),
          scope: 'mesh',
        }),
      );
      continue;
    }
    // Mesh-wide: the audit warns when it only loses its effect; one that would stop the waypoint blocks.
    if (!stops || !identity) continue;
    const fix = identity.effect === 'allow-rejects-waypoint' ? `add ${waypoint.principal} to its sources` : `exempt ${waypoint.principal} (notPrincipals) in the rules that match it`;
    // Letting the waypoint in alone would let every caller through it: the waypoint enforces only policies
    // attached to it, so the mesh-wide rules need a copy on GatewayClass istio-waypoint too.
    const copy = 'and attach a copy to GatewayClass istio-waypoint (targetRefs) so that waypoints check the real callers';
    plan.findings.push(
      makeFinding(FINDINGS.meshWidePolicyBlocksWaypoint, {
        message: `${describe(policy)} ${where} and names callers; behind the waypoint of ${namespace} ztunnel sees ${waypoint.principal}, which it would ${identity.effect === 'allow-rejects-waypoint' ? 'reject' : 'deny'}: all traffic through the waypoint would stop`,
        remedy: `${fix} in ${input.rootNamespace}, ${copy}; then plan again`,
        namespaces: [namespace],
        resource: refOf(policy),
        scope: 'mesh',
      }),
    );
  }
  for (const auth of input.requestAuthentications) {
    if (hasTargetRefs(auth.spec)) continue;
    if (copyToWaypoint(auth, `${describe(auth)} validates JWTs, which only a waypoint can do in ambient mode`, undefined, true)) plan.replaced.push(auth);
  }
  for (const plugin of input.wasmPlugins) {
    if (hasTargetRefs(plugin.spec)) continue;
    if (copyToWaypoint(plugin, `${describe(plugin)} runs in Envoy, which only a waypoint has in ambient mode`, undefined, true)) plan.replaced.push(plugin);
  }
  return plan;
}
