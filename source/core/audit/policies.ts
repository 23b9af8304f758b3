import type {KubeObject} from '../../kube/client.ts';
import {analyzeAuthorizationPolicy, attachmentOf, hasTargetRefs, hasWaypointClassPolicy} from '../authorization.ts';
import {isMeshInfrastructure} from '../dataplane.ts';
import {waypointIdentity} from '../plan/waypoint.ts';
import {waypointIdentityEffect, type WaypointIdentity, type WaypointIdentityEffect} from '../waypoint-identity.ts';
import {FINDINGS} from './catalogue.ts';
import {describe, refOf, selects, selectsApplicationPods, type AuditContext} from './context.ts';
import {makeFinding} from './finding.ts';
import type {Finding} from './types.ts';

/** What ztunnel makes of the policy if the sidecars go before a waypoint takes over. */
const WITHOUT_WAYPOINT: Record<string, string> = {
  unchanged: 'a waypoint must enforce them',
  'allow-rules-dropped': 'without a waypoint the rules using them never match, and callers they allowed are denied',
  'deny-all': 'without a waypoint no rule can match and the workloads deny all traffic',
  'deny-broadened': 'without a waypoint ztunnel drops those conditions and the DENY matches more than intended',
  'deny-rules-dropped': 'without a waypoint some DENY rules never match, so less is denied',
  'deny-fails-open': 'without a waypoint the DENY enforces nothing',
  'not-enforced': 'without a waypoint nothing enforces it',
};


/**
 * Where a policy applies, by Istio's rules: its own namespace; every mesh namespace for one in the root
 * namespace without a selector; and for one in the root namespace with a selector, every namespace with
 * pods it selects (a root-namespace selector is not limited to the root namespace's own pods).
 */
function appliesTo(ctx: AuditContext, policy: KubeObject): {namespaces: string[]; scope: Finding['scope']} {
  const matchLabels = policy.spec?.selector?.matchLabels as Record<string, string> | undefined;
  const hasSelector = Object.keys(matchLabels ?? {}).length > 0;
  if (policy.metadata.namespace !== ctx.rootNamespace) return {namespaces: [policy.metadata.namespace!], scope: hasSelector ? 'workload' : 'namespace'};
  if (!hasSelector) return {namespaces: ctx.meshNamespaces, scope: 'mesh'};
  const selected = ctx.meshNamespaces.filter(ns => ns === ctx.rootNamespace || selectsApplicationPods(ctx, policy, ns));
  return {namespaces: selected.length ? selected : [ctx.rootNamespace], scope: 'workload'};
}

/**
 * A policy of this namespace whose selector picks only Istio's gateways (an ingress gateway next to the
 * application): their own Envoy goes on enforcing it after the migration, so it needs no waypoint.
 */
function selectsOnlyGateways(ctx: AuditContext, policy: KubeObject): boolean {
  const matchLabels = policy.spec?.selector?.matchLabels as Record<string, string> | undefined;
  if (!matchLabels || Object.keys(matchLabels).length === 0 || policy.metadata.namespace === ctx.rootNamespace) return false;
  const selected = ctx.podsIn(policy.metadata.namespace!).filter(pod => selects(matchLabels, pod.metadata.labels));
  return selected.length > 0 && selected.every(isMeshInfrastructure);
}

/**
 * Policies that ztunnel cannot enforce once the sidecars are gone: L7 AuthorizationPolicies, CUSTOM and
 * AUDIT actions, RequestAuthentication and WasmPlugin. Each needs a waypoint and a targetRefs copy.
 */
export function policyFindings(ctx: AuditContext): Finding[] {
  const out: Finding[] = [];
  for (const policy of ctx.items('authorizationPolicy')) {
    const analysis = analyzeAuthorizationPolicy(policy, ctx.rootNamespace);
    if (analysis.attachment === 'targetRefs' || selectsOnlyGateways(ctx, policy)) continue;
    const where = {...appliesTo(ctx, policy), resource: refOf(policy)};
    if (analysis.action === 'CUSTOM' || analysis.action === 'AUDIT') {
      out.push(
        makeFinding(FINDINGS.customOrAudit, {
          ...where,
          message: `${describe(policy)} uses action ${analysis.action}: ztunnel rejects it, so it would stop being enforced (fail-open${analysis.action === 'CUSTOM' ? ' for external authorization' : ''})`,
          remedy: 'move it to the waypoint with targetRefs (the plan makes the copy)',
          field: 'spec.action',
        }),
      );
    } else if (analysis.layer === 'L7') {
      out.push(
        makeFinding(FINDINGS.l7Authorization, {
          ...where,
          message: `${describe(policy)} uses L7 fields ztunnel cannot enforce (${analysis.l7Fields.join(', ')}); ${WITHOUT_WAYPOINT[analysis.ambientEffect]}`,
          remedy: 'attach a copy to the waypoint with targetRefs and delete the original right after the pods restart without sidecars (the plan does both)',
          field: analysis.l7Fields[0]?.split('=')[0],
        }),
      );
      if (analysis.ambientEffect === 'deny-fails-open') {
        out.push(
          makeFinding(FINDINGS.l7DenyFailsOpen, {
            ...where,
            message: `${describe(policy)} is a DENY none of whose rules can match once ztunnel drops the L7 conditions: without a waypoint it stops enforcing (fail-open)`,
            remedy: 'keep the waypoint copy in place before the sidecars go; never leave this namespace in ambient without its waypoint',
          }),
        );
      }
    }
    if (analysis.reviewFields.length > 0) {
      out.push(
        makeFinding(FINDINGS.reviewPolicy, {
          ...where,
          message: `${describe(policy)} uses ${analysis.reviewFields.join(', ')}, which ztunnel neither converts nor reports`,
          remedy: 'check by hand what this policy should do in ambient mode; consider moving it to the waypoint',
          field: analysis.reviewFields[0],
        }),
      );
    }
    if (analysis.dryRun) {
      out.push(
        makeFinding(FINDINGS.dryRunPolicy, {
          ...where,
          message: `${describe(policy)} is a dry-run policy: ztunnel skips dry-run policies unless AMBIENT_ENABLE_DRY_RUN_AUTHORIZATION_POLICY is set`,
          remedy: 'nothing changes for traffic; its dry-run logs stop unless you enable the flag on ztunnel',
        }),
      );
    }
  }
  for (const auth of ctx.items('requestAuthentication')) {
    if (hasTargetRefs(auth.spec) || selectsOnlyGateways(ctx, auth)) continue;
    const {namespaces, scope} = appliesTo(ctx, auth);
    const root = scope === 'mesh';
    out.push(
      makeFinding(FINDINGS.requestAuthentication, {
        message: `${describe(auth)} validates JWTs in the sidecar: nothing validates them on ambient pods without a waypoint`,
        remedy: 'attach a copy to the waypoint with targetRefs (the plan makes it), and move requestPrincipals-based policies with it',
        namespaces,
        resource: refOf(auth),
        scope,
      }),
    );
  }
  for (const plugin of ctx.items('wasmPlugin')) {
    if (hasTargetRefs(plugin.spec) || selectsOnlyGateways(ctx, plugin)) continue;
    const {namespaces, scope} = appliesTo(ctx, plugin);
    const root = scope === 'mesh';
    out.push(
      makeFinding(FINDINGS.wasmPlugin, {
        message: `${describe(plugin)} runs in the sidecar: ambient pods have no Envoy to run it without a waypoint`,
        remedy: 'attach a copy to the waypoint with targetRefs (Alpha on waypoints; the plan makes it)',
        namespaces,
        resource: refOf(plugin),
        scope,
      }),
    );
  }
  return out;
}

/**
 * Identity-based L4 policies in namespaces that will get a waypoint: behind it, ztunnel sees the waypoint's
 * identity instead of the caller's (see waypoint-identity.ts for the four ways that goes wrong). Mesh-wide
 * policies (root namespace, no selector) apply to every workload, so to the pods behind every new waypoint.
 */
export function waypointIdentityFindings(ctx: AuditContext, waypointNamespaces: Set<string>): Finding[] {
  const out: Finding[] = [];
  const trustDomain = (ctx.meshConfig.trustDomain as string | undefined) ?? 'cluster.local';
  const check = (policy: KubeObject, namespace: string, where: PolicyReach, classCopy = false) => {
    const analysis = analyzeAuthorizationPolicy(policy, ctx.rootNamespace);
    // A dry run is enforced by nobody, before or after (risk/dry-run-policy says so).
    if (analysis.attachment === 'targetRefs' || analysis.layer !== 'L4' || analysis.dryRun) return;
    const result = identityFinding(policy, waypointIdentity(namespace, trustDomain), where);
    if (!result) return;
    // With a policy on every waypoint already, a mesh-wide policy that lets the waypoint in is taken care
    // of; one that would stop it still is not.
    const stopsWaypoint = result.effect === 'allow-rejects-waypoint' || result.effect === 'deny-blocks-waypoint';
    if (where === 'mesh' && classCopy && !stopsWaypoint) return;
    out.push(result.finding);
  };
  for (const policy of ctx.items('authorizationPolicy')) {
    if (waypointNamespaces.has(policy.metadata.namespace!) && policy.metadata.namespace !== ctx.rootNamespace && !selectsOnlyGateways(ctx, policy)) check(policy, policy.metadata.namespace!, 'local');
  }
  const rootPolicies = ctx.inNamespace('authorizationPolicy', ctx.rootNamespace);
  const meshWide = rootPolicies.filter(p => attachmentOf(p, ctx.rootNamespace) === 'root-namespace');
  const rootSelecting = rootPolicies.filter(p => attachmentOf(p, ctx.rootNamespace) === 'selector');
  const classCopy = hasWaypointClassPolicy(rootPolicies);
  for (const namespace of [...waypointNamespaces].sort()) {
    if (namespace === ctx.rootNamespace) continue;
    for (const policy of meshWide) check(policy, namespace, 'mesh', classCopy);
    for (const policy of rootSelecting) if (selectsApplicationPods(ctx, policy, namespace)) check(policy, namespace, 'selected');
  }
  return out;
}

/** A policy of the namespace itself, a mesh-wide one, or a root-namespace one whose selector picks pods here. */
type PolicyReach = 'local' | 'mesh' | 'selected';

function identityFinding(policy: KubeObject, waypoint: WaypointIdentity, reach: PolicyReach): {finding: Finding; effect: WaypointIdentityEffect} | undefined {
  const identity = waypointIdentityEffect(policy, waypoint);
  if (!identity) return undefined;
  const namespace = waypoint.namespace;
  const mesh = reach === 'mesh';
  const behind = `once ${namespace} has a waypoint, ztunnel sees the waypoint's identity (${waypoint.principal}) instead of the caller's`;
  // The plan changes what is in the namespace it migrates; a mesh-wide policy is the mesh owner's to change.
  const who = mesh ? 'in the root namespace (the plan does not change mesh-wide policies)' : '(the plan does this)';
  const text: Record<typeof identity.effect, {message: string; remedy: string}> = {
    'allow-rejects-waypoint': {
      message: `${describe(policy)} allows callers by identity; ${behind}, and this ALLOW would reject it`,
      remedy: mesh
        ? `add the waypoint principal ${waypoint.principal} to its sources ${who}, and attach a copy to GatewayClass istio-waypoint`
        : `add the waypoint principal ${waypoint.principal} to its sources and copy it to the waypoint, which sees the real callers (the plan does both)`,
    },
    'allow-admits-through-waypoint': {
      message: `${describe(policy)} lets the waypoint in; ${behind}, so callers it does not allow would get through the waypoint`,
      remedy: mesh ? `attach a copy to GatewayClass istio-waypoint ${who}` : 'copy it to the waypoint, which sees the real callers (the plan does this)',
    },
    'deny-fails-open': {
      message: `${describe(policy)} denies callers by identity; ${behind}, so it stops matching them (fail-open)`,
      remedy: mesh
        ? `attach a copy to GatewayClass istio-waypoint ${who}`
        : 'copy it to the waypoint, which sees the real callers; the original stays for traffic that reaches the pods directly (the plan does this)',
    },
    'deny-blocks-waypoint': {
      message: `${describe(policy)} denies every caller it does not except; ${behind}, and it would deny all traffic through the waypoint`,
      remedy: mesh
        ? `exempt ${waypoint.principal} in the rules that match it ${who}, and attach a copy to GatewayClass istio-waypoint`
        : `exempt ${waypoint.principal} in the rules that match it and copy the policy to the waypoint, which sees the real callers (the plan does both)`,
    },
  };
  // A root-namespace policy for these pods follows them to the waypoint only as a local copy.
  const localize = `copy it into ${namespace} keeping its selector (the plan then handles that copy), and narrow its selector in the root namespace so that it no longer selects pods in ${namespace}`;
  const finding = makeFinding(identity.effect.startsWith('allow') ? FINDINGS.l4AllowWaypointIdentity : FINDINGS.l4DenyWaypointIdentity, {
    message: text[identity.effect].message,
    remedy: reach === 'selected' ? localize : text[identity.effect].remedy,
    namespaces: [namespace],
    resource: refOf(policy),
    scope: mesh ? 'mesh' : Object.keys(policy.spec?.selector?.matchLabels ?? {}).length ? 'workload' : 'namespace',
  });
  return {finding, effect: identity.effect};
}
