import type {KubeObject} from '../../../kube/client.ts';
import type {AuthzConfig, AuthzRequest, Authorize, Caller, PolicyRef, Verdict} from './api.ts';
import {compileRule, matchingRule, type CompiledRule, type EnvoyAction, type EnvoyRequest} from './envoy.ts';
import {labelsSubset, parseBool} from './istio-match.ts';
import {sidecarMtls} from './peer-authn.ts';
import {listAuthorizationPolicies, podMatcher, refOf, sortByCreation, targetRefsOf, waypointMatcher, type PolicyMatcher} from './select.ts';
import {
  convertAuthorizationPolicy,
  convertPeerAuthentication,
  oldestNamespacePeerAuthentication,
  staticStrictPolicy,
  workloadPeerAuthentication,
  ztunnelMatch,
  type ZAuthorization,
  type ZConnection,
} from './ztunnel.ts';

export type * from './api.ts';
export {convertAuthorizationPolicy, convertPeerAuthentication, protoShape, ztunnelMatch} from './ztunnel.ts';
export {compileRule} from './envoy.ts';
export {sidecarMtls} from './peer-authn.ts';
export {listAuthorizationPolicies, shouldAttachPolicy} from './select.ts';

const DEFAULT_TRUST_DOMAIN = 'cluster.local';
const key = (r: PolicyRef) => `${r.namespace}/${r.name}`;

/**
 * How Istio treats one request at one enforcement point: the destination's sidecar, the ztunnel in front of an
 * ambient pod, or a waypoint. Pure: reads only its arguments.
 */
export const authorize: Authorize = (config, point, request) => {
  switch (point.kind) {
    case 'sidecar':
      return authorizeEnvoy(config, podMatcher(point.pod, config.rootNamespace), request, point.pod);
    case 'waypoint':
      // PeerAuthentication is not checked here: a waypoint is reached over HBONE, always mutual TLS
      // (istio/istio pilot/pkg/networking/core/listener_waypoint.go, the connect_terminate listener).
      return authorizeEnvoy(config, waypointMatcher(point.waypoint, point.service, config.rootNamespace), request, undefined);
    case 'ztunnel':
      return authorizeZtunnel(config, point.pod, request, point.viaWaypoint);
  }
};

function envoyRequest(config: AuthzConfig, request: AuthzRequest): EnvoyRequest {
  const c = request.caller;
  return {
    // The authenticated peer: the URI SAN of the client certificate, only over mutual TLS (principal
    // matchers are `authenticated` ones: istio/istio pilot/pkg/security/authz/model/generator.go principalAuthenticated).
    // A caller without service account has no identity Istio policies can name.
    principal: c.mtls && c.serviceAccount ? `spiffe://${c.trustDomain ?? config.trustDomain ?? DEFAULT_TRUST_DOMAIN}/ns/${c.namespace}/sa/${c.serviceAccount}` : undefined,
    sourceIp: c.ip,
    remoteIp: c.remoteIp ?? c.ip,
    destinationIp: request.destinationIp,
    port: request.port,
    sni: request.sni,
    http: request.http,
    requestPrincipal: c.requestPrincipal,
    claims: c.claims,
  };
}

/** The `istio.io/dry-run` annotation: istio/istio pilot/pkg/security/authz/builder/builder.go (isDryRun) turns such a policy into shadow rules. */
const isDryRun = (p: KubeObject) => parseBool(p.metadata.annotations?.['istio.io/dry-run']);

interface Built {
  policy: KubeObject;
  compiled: CompiledRule[];
}

/**
 * Sidecars, gateways and waypoints (Envoy). mTLS (PeerAuthentication) is settled first, at the TLS handshake,
 * on sidecars only. A waypoint with ENABLE_LAYERED_WAYPOINT_AUTHORIZATION_POLICIES (istio/istio
 * pilot/pkg/features/ambient.go, default off) first applies, at its HBONE termination, the policies a workload
 * with its labels would take, built as TCP rules (istio/istio pilot/pkg/networking/core/listener_waypoint.go,
 * pilot/pkg/networking/plugin/authz/authorization.go NewWaypointTerminationBuilder: IsWaypoint false,
 * BuildTCPRulesAsHTTPFilter).
 */
function authorizeEnvoy(config: AuthzConfig, matcher: PolicyMatcher, request: AuthzRequest, pod: KubeObject | undefined): Verdict {
  if (pod) {
    // istio/istio pilot/pkg/security/authn/policy_applier.go
    const mtls = sidecarMtls(config.peerAuthentications, pod, request.port, config.rootNamespace);
    if (mtls.mode === 'DISABLE' && request.caller.mtls) {
      // A DISABLE port has only plaintext filter chains (pilot/pkg/networking/core/listener_inbound.go) and
      // auto mTLS clients send it plaintext (pilot/pkg/networking/core/cluster_tls.go): RBAC sees no peer identity.
      const verdict = authorizeEnvoy(config, matcher, {...request, caller: {...request.caller, mtls: false}}, pod);
      return {...verdict, reason: `${verdict.reason} (mTLS DISABLE on port ${request.port}: no peer identity)`};
    }
    if (mtls.mode === 'STRICT' && !request.caller.mtls) {
      const verdict = envoyLayer(config, matcher, request, !request.http, true);
      return {
        decision: 'deny',
        decidedBy: {policy: refOf(mtls.from!), action: 'DENY', kind: 'PeerAuthentication'},
        reason: `plaintext refused by STRICT mTLS (PeerAuthentication ${key(refOf(mtls.from!))}, port ${request.port})`,
        ignored: verdict.ignored,
      };
    }
  }
  if (matcher.isWaypoint && config.features?.layeredWaypointAuthorizationPolicies) {
    const termination = envoyLayer(config, {...matcher, isWaypoint: false, service: undefined}, request, true, false);
    const service = envoyLayer(config, matcher, request, !request.http, true);
    const ignored = [...termination.ignored, ...service.ignored].filter((e, i, all) => all.findIndex(o => key(o.policy) === key(e.policy) && o.why === e.why) === i);
    if (termination.decision === 'deny') return {...termination, reason: `at the waypoint's HBONE termination (layered policies): ${termination.reason}`, ignored};
    return {...service, ignored};
  }
  return envoyLayer(config, matcher, request, !request.http, true);
}

/**
 * One Envoy authorization layer. Order of the filters istiod builds (istio/istio
 * pilot/pkg/networking/core/listener_waypoint.go buildWaypointHTTPFilters, pilot/pkg/networking/core/networkfilter.go;
 * pilot/pkg/security/authz/builder/builder.go build): CUSTOM (ext_authz, asked only for requests its rules
 * match), then DENY, then ALLOW; AUDIT only logs and dry-run policies are shadow rules. A policy with
 * `rules: []` never matches (builder.go rbacPolicyMatchNever): as an ALLOW it still makes the workload deny
 * whatever no other ALLOW matches; as a DENY it denies nothing. A rule with no from/to/when matches everything
 * (model.go: "any" permission and principal).
 */
function envoyLayer(config: AuthzConfig, matcher: PolicyMatcher, request: AuthzRequest, forTCP: boolean, withCustom: boolean): Verdict {
  const ignored: Verdict['ignored'] = [];
  const buckets: Record<EnvoyAction, Built[]> = {CUSTOM: [], DENY: [], ALLOW: []};
  for (const policy of listAuthorizationPolicies(config.authorizationPolicies, matcher)) {
    const ref = refOf(policy);
    const action = String(policy.spec?.action ?? 'ALLOW');
    if (action === 'CUSTOM' && !withCustom) continue;
    if (isDryRun(policy)) {
      ignored.push({policy: ref, why: 'istio.io/dry-run: shadow rules, logged only'});
      continue;
    }
    if (action === 'AUDIT') {
      ignored.push({policy: ref, why: 'AUDIT only logs'});
      continue;
    }
    if (action !== 'ALLOW' && action !== 'DENY' && action !== 'CUSTOM') {
      ignored.push({policy: ref, why: `unsupported action ${action}`});
      continue;
    }
    const rules: unknown[] = Array.isArray(policy.spec?.rules) ? policy.spec.rules : [];
    const bundle = [config.trustDomain ?? DEFAULT_TRUST_DOMAIN, ...(config.trustDomainAliases ?? [])];
    const compiled = rules.map(rule => compileRule(rule ?? {}, ref.namespace, forTCP, action, bundle));
    const skipped = compiled.flatMap((c, i) => (c.kind === 'skipped' ? [`rule ${i}: ${c.why}`] : []));
    if (skipped.length) ignored.push({policy: ref, why: `rules never match${forTCP ? ' on a TCP connection' : ''}: ${skipped.join('; ')}`});
    buckets[action].push({policy, compiled});
  }

  const req = envoyRequest(config, request);
  const first = (list: Built[]) => {
    for (const b of list) {
      const rule = matchingRule(b.compiled, req);
      if (rule !== undefined) return {policy: refOf(b.policy), rule};
    }
    return undefined;
  };
  const custom = first(buckets.CUSTOM);
  if (custom) {
    const provider = buckets.CUSTOM.find(b => key(refOf(b.policy)) === key(custom.policy))?.policy.spec?.provider?.name;
    return {decision: 'custom', decidedBy: {...custom, action: 'CUSTOM'}, reason: `CUSTOM rule ${custom.rule} of ${key(custom.policy)} matches: the external authorizer${provider ? ` ${provider}` : ''} decides`, ignored};
  }
  const deny = first(buckets.DENY);
  if (deny) return {decision: 'deny', decidedBy: {...deny, action: 'DENY'}, reason: `DENY rule ${deny.rule} of ${key(deny.policy)} matches`, ignored};
  if (buckets.ALLOW.length === 0) return {decision: 'allow', reason: 'no ALLOW policy applies', ignored};
  const allow = first(buckets.ALLOW);
  if (allow) return {decision: 'allow', decidedBy: {...allow, action: 'ALLOW'}, reason: `ALLOW rule ${allow.rule} of ${key(allow.policy)} matches`, ignored};
  return {decision: 'deny', reason: `no ALLOW rule matches (${buckets.ALLOW.map(b => key(refOf(b.policy))).join(', ')})`, ignored};
}

/**
 * Does ztunnel consider this AuthorizationPolicy for the pod? By the scope istiod gives it
 * (istio/istio pilot/pkg/serviceregistry/ambient/authorization.go convertAuthorizationPolicy) and how each
 * scope reaches a workload: GLOBAL everywhere, NAMESPACE in its namespace (istio/ztunnel src/state/policy.rs,
 * src/state.rs assert_rbac), WORKLOAD_SELECTOR in its namespace or from the root namespace when the labels
 * match (istio/istio pilot/pkg/serviceregistry/ambient/workloads.go buildWorkloadPolicies).
 */
function reachesPod(policy: KubeObject, pod: KubeObject, rootNamespace: string): boolean {
  const ns = policy.metadata.namespace ?? '';
  const podNs = pod.metadata.namespace ?? '';
  if (ns !== rootNamespace && ns !== podNs) return false;
  const selector = policy.spec?.selector;
  return !selector || labelsSubset(selector.matchLabels, pod.metadata.labels ?? {});
}

interface ZEntry {
  authorization: ZAuthorization;
  policy: PolicyRef;
  kind: 'AuthorizationPolicy' | 'PeerAuthentication';
  groupRules?: number[];
}

/**
 * ztunnel: DENY policies first (any match denies), then ALLOW (none: allow; one matching: allow; else deny),
 * dry-run ones only logged (istio/ztunnel src/state.rs assert_rbac). PeerAuthentication arrives as DENY
 * policies too (the static STRICT policy and converted workload policies).
 */
function authorizeZtunnel(config: AuthzConfig, pod: KubeObject, request: AuthzRequest, viaWaypoint: {namespace: string; serviceAccount: string} | undefined): Verdict {
  const root = config.rootNamespace;
  const ignored: Verdict['ignored'] = [];
  const entries: ZEntry[] = [];
  for (const policy of sortByCreation(config.authorizationPolicies)) {
    if (targetRefsOf(policy.spec).length > 0 || !reachesPod(policy, pod, root)) continue;
    const conv = convertAuthorizationPolicy(root, policy);
    const ref = refOf(policy);
    if (!conv.authorization) {
      ignored.push({policy: ref, why: conv.status ?? 'not sent to ztunnel'});
      continue;
    }
    if (conv.httpAttributes.length) {
      const dropped = conv.droppedRules.length ? `; ALLOW rules ${conv.droppedRules.join(', ')} dropped` : '; DENY rules kept without them';
      ignored.push({policy: ref, why: `HTTP attributes ztunnel does not enforce: ${conv.httpAttributes.join(', ')}${dropped}`});
    }
    entries.push({authorization: conv.authorization, policy: ref, kind: 'AuthorizationPolicy', groupRules: conv.groupRules});
  }
  const pa = workloadPeerAuthentication(config.peerAuthentications, pod, root);
  // The static STRICT policy exists only once some PeerAuthentication does (policies.go DefaultPolicy).
  if (pa.staticStrict && config.peerAuthentications.length > 0 && pa.strictFrom) {
    entries.push({authorization: staticStrictPolicy(root), policy: refOf(pa.strictFrom), kind: 'PeerAuthentication'});
  }
  if (pa.converted) {
    const ns = pa.converted.metadata.namespace ?? '';
    const converted = convertPeerAuthentication(root, pa.converted, oldestNamespacePeerAuthentication(config.peerAuthentications, ns), oldestNamespacePeerAuthentication(config.peerAuthentications, root));
    if (converted) entries.push({authorization: converted, policy: refOf(pa.converted), kind: 'PeerAuthentication'});
  }

  // Behind a waypoint, ztunnel sees the waypoint's identity (the HBONE peer certificate) and address, not the
  // caller's; plaintext reaches it without identity (istio/ztunnel src/proxy/inbound.rs, inbound_passthrough.rs).
  const caller: Caller = viaWaypoint ? {namespace: viaWaypoint.namespace, serviceAccount: viaWaypoint.serviceAccount, trustDomain: request.caller.trustDomain, mtls: true} : request.caller;
  const conn: ZConnection = {
    // istiod hands ztunnel principals as written: no trust-domain rewriting (authorization.go stringToMatch).
    srcIdentity: caller.mtls && caller.serviceAccount ? {trustDomain: caller.trustDomain ?? config.trustDomain ?? DEFAULT_TRUST_DOMAIN, namespace: caller.namespace, serviceAccount: caller.serviceAccount} : undefined,
    srcIp: caller.ip,
    dstIp: request.destinationIp,
    dstPort: request.port,
  };
  const enforced = entries.filter(e => {
    if (e.authorization.dryRun) ignored.push({policy: e.policy, why: 'dry-run: ztunnel only logs it'});
    return !e.authorization.dryRun;
  });
  const decided = (e: ZEntry, group: number): NonNullable<Verdict['decidedBy']> => ({
    policy: e.policy,
    action: e.authorization.action,
    ...(e.groupRules ? {rule: e.groupRules[group]} : {}),
    ...(e.kind === 'PeerAuthentication' ? {kind: e.kind} : {}),
  });
  for (const e of enforced.filter(e => e.authorization.action === 'DENY')) {
    const group = ztunnelMatch(e.authorization, conn);
    if (group === undefined) continue;
    const reason =
      e.kind === 'PeerAuthentication'
        ? `plaintext refused by STRICT mTLS (PeerAuthentication ${key(e.policy)} as ztunnel policy ${e.authorization.name}, port ${request.port})`
        : `DENY rule ${e.groupRules![group]} of ${key(e.policy)} matches at ztunnel`;
    return {decision: 'deny', decidedBy: decided(e, group), reason, ignored};
  }
  const allows = enforced.filter(e => e.authorization.action === 'ALLOW');
  if (allows.length === 0) return {decision: 'allow', reason: 'no ALLOW policy applies at ztunnel', ignored};
  for (const e of allows) {
    const group = ztunnelMatch(e.authorization, conn);
    if (group !== undefined) return {decision: 'allow', decidedBy: decided(e, group), reason: `ALLOW rule ${e.groupRules![group]} of ${key(e.policy)} matches at ztunnel`, ignored};
  }
  return {decision: 'deny', reason: `no ALLOW rule matches at ztunnel (${allows.map(e => key(e.policy)).join(', ')})`, ignored};
}
