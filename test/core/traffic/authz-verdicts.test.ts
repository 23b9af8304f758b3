import {test} from 'node:test';
import assert from 'node:assert/strict';
import yaml from 'js-yaml';
import type {KubeObject} from '../../../source/kube/client.ts';
import {authorize} from '../../../source/core/traffic/authz/index.ts';
import type {AuthzConfig, AuthzRequest, Caller, EnforcementPoint, HttpAttributes, Verdict} from '../../../source/core/traffic/authz/api.ts';

/**
 * One row: a small cluster (AuthorizationPolicies and PeerAuthentications as YAML), an enforcement point, a
 * request, and the decision with the policy (and rule) that made it.
 */

const ROOT = 'istio-system';

const pod = (namespace: string, labels: Record<string, string>, name = 'p-0'): KubeObject => ({apiVersion: 'v1', kind: 'Pod', metadata: {name, namespace, labels}});
const reviews = pod('shop', {app: 'reviews'});
const gatewayObj = (namespace: string, name: string): KubeObject => ({
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'Gateway',
  metadata: {name, namespace},
  spec: {gatewayClassName: 'istio-waypoint'},
});
const service = (namespace: string, name: string): KubeObject => ({apiVersion: 'v1', kind: 'Service', metadata: {name, namespace}});

const sidecar = (p = reviews): EnforcementPoint => ({kind: 'sidecar', pod: p});
const ztunnel = (p = reviews, viaWaypoint?: {namespace: string; serviceAccount: string}): EnforcementPoint => ({kind: 'ztunnel', pod: p, viaWaypoint});
const waypoint = (svc: KubeObject | undefined = service('shop', 'reviews'), gw = gatewayObj('shop', 'waypoint')): EnforcementPoint => ({kind: 'waypoint', waypoint: gw, service: svc});

const frontend: Caller = {namespace: 'web', serviceAccount: 'frontend', mtls: true, ip: '10.1.2.3'};
const plaintext: Caller = {namespace: 'legacy', mtls: false, ip: '192.168.0.7'};
const get = (path = '/api/v1', extra: Partial<HttpAttributes> = {}): HttpAttributes => ({method: 'GET', path, host: 'reviews.shop.svc.cluster.local', headers: {}, ...extra});
const req = (caller: Caller = frontend, port = 9080, http: HttpAttributes = get(), more: Partial<AuthzRequest> = {}): AuthzRequest => ({caller, port, http, ...more});
/** A plain TCP connection: no HTTP attributes. */
const tcp = (caller: Caller = frontend, port = 9080): AuthzRequest => ({caller, port});

function config(docs: string): AuthzConfig {
  const objects = (yaml.loadAll(docs) as KubeObject[]).filter(Boolean);
  for (const o of objects) o.metadata.namespace ??= 'shop';
  return {
    authorizationPolicies: objects.filter(o => o.kind === 'AuthorizationPolicy'),
    peerAuthentications: objects.filter(o => o.kind === 'PeerAuthentication'),
    rootNamespace: ROOT,
  };
}

/** An AuthorizationPolicy in YAML (indented spec lines follow). */
const ap = (name: string, spec: string, meta = '') => `---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: ${name}
${meta}spec:
${spec}
`;
const pa = (name: string, spec: string, meta = '') => `---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata:
  name: ${name}
${meta}spec:
${spec}
`;
const inNs = (ns: string, extra = '') => `  namespace: ${ns}\n${extra}`;

interface Row {
  name: string;
  cluster: string;
  point: EnforcementPoint;
  request: AuthzRequest;
  decision: Verdict['decision'];
  /** `ns/name#rule` (rule optional), `pa:ns/name` for a PeerAuthentication, or undefined for none. */
  decidedBy?: string;
  /** Names of policies expected in `ignored`. */
  ignored?: string[];
  features?: AuthzConfig['features'];
  mesh?: Pick<AuthzConfig, 'trustDomain' | 'trustDomainAliases'>;
}

const allowPrincipal = (p: string) => ap('allow', `  selector: {matchLabels: {app: reviews}}\n  rules:\n  - from:\n    - source: {principals: ["${p}"]}`);

const rows: Row[] = [
  // --- sidecar: defaults and from.source -------------------------------------------------------------------
  {name: 'sidecar: no policy allows', cluster: '', point: sidecar(), request: req(), decision: 'allow'},
  {name: 'sidecar: principal exact', cluster: allowPrincipal('cluster.local/ns/web/sa/frontend'), point: sidecar(), request: req(), decision: 'allow', decidedBy: 'shop/allow#0'},
  {name: 'sidecar: principal exact, other caller', cluster: allowPrincipal('cluster.local/ns/web/sa/other'), point: sidecar(), request: req(), decision: 'deny'},
  {name: 'sidecar: principal prefix', cluster: allowPrincipal('cluster.local/ns/web/*'), point: sidecar(), request: req(), decision: 'allow', decidedBy: 'shop/allow#0'},
  {name: 'sidecar: principal suffix', cluster: allowPrincipal('*/sa/frontend'), point: sidecar(), request: req(), decision: 'allow', decidedBy: 'shop/allow#0'},
  {name: 'sidecar: principal * needs an identity', cluster: allowPrincipal('*'), point: sidecar(), request: req(plaintext), decision: 'deny'},
  {name: 'sidecar: principal * with identity', cluster: allowPrincipal('*'), point: sidecar(), request: req(), decision: 'allow', decidedBy: 'shop/allow#0'},
  {
    name: 'sidecar: principal with another trust domain',
    cluster: allowPrincipal('cluster.local/ns/web/sa/frontend'),
    point: sidecar(),
    request: req({...frontend, trustDomain: 'corp.example'}),
    decision: 'deny',
  },
  {
    name: 'sidecar: a cluster.local principal is rewritten to the mesh trust domain',
    cluster: allowPrincipal('cluster.local/ns/web/sa/frontend'),
    point: sidecar(),
    request: req(),
    decision: 'allow',
    decidedBy: 'shop/allow#0',
    mesh: {trustDomain: 'corp.example'},
  },
  {
    name: 'ztunnel: no trust domain rewriting',
    cluster: allowPrincipal('cluster.local/ns/web/sa/frontend'),
    point: ztunnel(),
    request: req(),
    decision: 'deny',
    mesh: {trustDomain: 'corp.example'},
  },
  {
    name: 'sidecar: trust domain aliases are accepted',
    cluster: allowPrincipal('old.example/ns/web/sa/frontend'),
    point: sidecar(),
    request: req(),
    decision: 'allow',
    decidedBy: 'shop/allow#0',
    mesh: {trustDomain: 'corp.example', trustDomainAliases: ['old.example']},
  },
  {
    name: 'sidecar: DENY notPrincipals matches plaintext',
    cluster: ap('deny', `  action: DENY\n  rules:\n  - from:\n    - source: {notPrincipals: ["cluster.local/ns/web/sa/frontend"]}`),
    point: sidecar(),
    request: req(plaintext),
    decision: 'deny',
    decidedBy: 'shop/deny#0',
  },
  {
    name: 'sidecar: DENY notPrincipals spares the named caller',
    cluster: ap('deny', `  action: DENY\n  rules:\n  - from:\n    - source: {notPrincipals: ["cluster.local/ns/web/sa/frontend"]}`),
    point: sidecar(),
    request: req(),
    decision: 'allow',
  },
  {
    name: 'sidecar: namespaces with wildcard',
    cluster: ap('allow', `  rules:\n  - from:\n    - source: {namespaces: ["we*"]}`),
    point: sidecar(),
    request: req(),
    decision: 'allow',
    decidedBy: 'shop/allow#0',
  },
  {
    name: 'sidecar: notNamespaces excludes',
    cluster: ap('allow', `  rules:\n  - from:\n    - source: {namespaces: ["*"], notNamespaces: ["web"]}`),
    point: sidecar(),
    request: req(),
    decision: 'deny',
  },
  {
    name: 'sidecar: serviceAccounts without namespace are the policy namespace',
    cluster: ap('allow', `  rules:\n  - from:\n    - source: {serviceAccounts: ["frontend"]}\n  - from:\n    - source: {serviceAccounts: ["web/frontend"]}`),
    point: sidecar(),
    request: req(),
    decision: 'allow',
    decidedBy: 'shop/allow#1',
  },
  {
    name: 'sidecar: ipBlocks CIDR',
    cluster: ap('allow', `  rules:\n  - from:\n    - source: {ipBlocks: ["10.1.0.0/16"], notIpBlocks: ["10.1.9.0/24"]}`),
    point: sidecar(),
    request: req(),
    decision: 'allow',
    decidedBy: 'shop/allow#0',
  },
  {
    name: 'sidecar: notIpBlocks excludes',
    cluster: ap('allow', `  rules:\n  - from:\n    - source: {ipBlocks: ["10.1.0.0/16"], notIpBlocks: ["10.1.2.0/24"]}`),
    point: sidecar(),
    request: req(),
    decision: 'deny',
  },
  {
    name: 'sidecar: remoteIpBlocks reads the original client',
    cluster: ap('deny', `  action: DENY\n  rules:\n  - from:\n    - source: {remoteIpBlocks: ["203.0.113.0/24"]}`),
    point: sidecar(),
    request: req({...frontend, remoteIp: '203.0.113.9'}),
    decision: 'deny',
    decidedBy: 'shop/deny#0',
  },
  {
    name: 'sidecar: requestPrincipals iss/sub',
    cluster: ap('allow', `  rules:\n  - from:\n    - source: {requestPrincipals: ["https://issuer.example/*"]}`),
    point: sidecar(),
    request: req({...frontend, requestPrincipal: 'https://issuer.example/alice'}),
    decision: 'allow',
    decidedBy: 'shop/allow#0',
  },
  {
    name: 'sidecar: requestPrincipals * needs a token',
    cluster: ap('allow', `  rules:\n  - from:\n    - source: {requestPrincipals: ["*"]}`),
    point: sidecar(),
    request: req(),
    decision: 'deny',
  },
  // --- sidecar: to.operation --------------------------------------------------------------------------------
  {
    name: 'sidecar: methods and exact path',
    cluster: ap('allow', `  rules:\n  - to:\n    - operation: {methods: ["GET"], paths: ["/api/v1"]}`),
    point: sidecar(),
    request: req(),
    decision: 'allow',
    decidedBy: 'shop/allow#0',
  },
  {
    name: 'sidecar: method mismatch',
    cluster: ap('allow', `  rules:\n  - to:\n    - operation: {methods: ["POST"]}`),
    point: sidecar(),
    request: req(),
    decision: 'deny',
  },
  {
    name: 'sidecar: path prefix ignores the query',
    cluster: ap('allow', `  rules:\n  - to:\n    - operation: {paths: ["/api/*"]}`),
    point: sidecar(),
    request: req(frontend, 9080, get('/api/v2?x=1')),
    decision: 'allow',
    decidedBy: 'shop/allow#0',
  },
  {
    name: 'sidecar: path suffix',
    cluster: ap('allow', `  rules:\n  - to:\n    - operation: {paths: ["*/health"]}`),
    point: sidecar(),
    request: req(frontend, 9080, get('/api/health')),
    decision: 'allow',
    decidedBy: 'shop/allow#0',
  },
  {
    name: 'sidecar: notPaths',
    cluster: ap('deny', `  action: DENY\n  rules:\n  - to:\n    - operation: {paths: ["*"], notPaths: ["/public/*"]}`),
    point: sidecar(),
    request: req(frontend, 9080, get('/public/x')),
    decision: 'allow',
  },
  {
    name: 'sidecar: hosts ignore case',
    cluster: ap('allow', `  rules:\n  - to:\n    - operation: {hosts: ["Reviews.shop.svc.cluster.local"]}`),
    point: sidecar(),
    request: req(),
    decision: 'allow',
    decidedBy: 'shop/allow#0',
  },
  {
    name: 'sidecar: ports and notPorts',
    cluster: ap('allow', `  rules:\n  - to:\n    - operation: {ports: ["9080"]}\n  - to:\n    - operation: {notPorts: ["9080"]}`),
    point: sidecar(),
    request: req(frontend, 9443),
    decision: 'allow',
    decidedBy: 'shop/allow#1',
  },
  // --- sidecar: when ----------------------------------------------------------------------------------------
  {
    name: 'sidecar: when request.headers values',
    cluster: ap('allow', `  rules:\n  - when:\n    - key: request.headers[X-User]\n      values: ["admin-*"]`),
    point: sidecar(),
    request: req(frontend, 9080, get('/', {headers: {'x-user': 'admin-bob'}})),
    decision: 'allow',
    decidedBy: 'shop/allow#0',
  },
  {
    name: 'sidecar: when request.headers notValues on a missing header',
    cluster: ap('deny', `  action: DENY\n  rules:\n  - when:\n    - key: request.headers[X-User]\n      notValues: ["admin"]`),
    point: sidecar(),
    request: req(),
    decision: 'deny',
    decidedBy: 'shop/deny#0',
  },
  {
    name: 'sidecar: when source.namespace and source.principal',
    cluster: ap('allow', `  rules:\n  - when:\n    - key: source.namespace\n      values: ["web"]\n    - key: source.principal\n      notValues: ["*/sa/admin"]`),
    point: sidecar(),
    request: req(),
    decision: 'allow',
    decidedBy: 'shop/allow#0',
  },
  {
    name: 'sidecar: when request.auth.claims nested',
    cluster: ap('allow', `  rules:\n  - when:\n    - key: request.auth.claims[realm][groups]\n      values: ["ops"]`),
    point: sidecar(),
    request: req({...frontend, requestPrincipal: 'iss/alice', claims: {realm: {groups: ['dev', 'ops']}}}),
    decision: 'allow',
    decidedBy: 'shop/allow#0',
  },
  {
    name: 'sidecar: when request.auth.audiences',
    cluster: ap('allow', `  rules:\n  - when:\n    - key: request.auth.audiences\n      values: ["reviews"]`),
    point: sidecar(),
    request: req({...frontend, claims: {aud: 'ratings'}}),
    decision: 'deny',
  },
  {
    name: 'sidecar: when destination.port and connection.sni',
    cluster: ap('allow', `  rules:\n  - when:\n    - key: destination.port\n      values: ["9080"]\n    - key: connection.sni\n      values: ["*.shop.svc.cluster.local"]`),
    point: sidecar(),
    request: req(frontend, 9080, get(), {sni: 'outbound_.9080_._.reviews.shop.svc.cluster.local'}),
    decision: 'allow',
    decidedBy: 'shop/allow#0',
  },
  {
    name: 'sidecar: an unknown when key makes the rule invalid',
    cluster: ap('deny', `  action: DENY\n  rules:\n  - when:\n    - key: request.bogus\n      values: ["x"]`),
    point: sidecar(),
    request: req(),
    decision: 'allow',
    ignored: ['deny'],
  },
  // --- sidecar: edge cases of rules ------------------------------------------------------------------------
  {name: 'sidecar: ALLOW with an empty rule allows all', cluster: ap('allow', `  rules:\n  - {}`), point: sidecar(), request: req(plaintext), decision: 'allow', decidedBy: 'shop/allow#0'},
  {name: 'sidecar: ALLOW with no rules denies all', cluster: ap('allow', `  rules: []`), point: sidecar(), request: req(), decision: 'deny'},
  {name: 'sidecar: ALLOW with no rules field denies all', cluster: ap('allow', `  action: ALLOW`), point: sidecar(), request: req(), decision: 'deny'},
  {name: 'sidecar: DENY with no rules denies nothing', cluster: ap('deny', `  action: DENY`), point: sidecar(), request: req(), decision: 'allow'},
  {name: 'sidecar: DENY with an empty rule denies all', cluster: ap('deny', `  action: DENY\n  rules:\n  - {}`), point: sidecar(), request: req(), decision: 'deny', decidedBy: 'shop/deny#0'},
  {
    name: 'sidecar: ALLOW rule with HTTP fields is skipped on TCP',
    cluster: ap('allow', `  rules:\n  - to:\n    - operation: {methods: ["GET"]}`),
    point: sidecar(),
    request: tcp(frontend, 3306),
    decision: 'deny',
    ignored: ['allow'],
  },
  {
    name: 'sidecar: DENY rule loses its HTTP fields on TCP (broader)',
    cluster: ap('deny', `  action: DENY\n  rules:\n  - to:\n    - operation: {methods: ["POST"], ports: ["3306"]}`),
    point: sidecar(),
    request: tcp(frontend, 3306),
    decision: 'deny',
    decidedBy: 'shop/deny#0',
  },
  {
    name: 'sidecar: a DENY whose only condition is HTTP denies every TCP connection',
    cluster: ap('deny', `  action: DENY\n  rules:\n  - when:\n    - key: request.headers[X-Block]\n      values: ["1"]`),
    point: sidecar(),
    request: tcp(frontend, 3306),
    decision: 'deny',
    decidedBy: 'shop/deny#0',
  },
  {
    name: 'ztunnel: the same DENY has no effect',
    cluster: ap('deny', `  action: DENY\n  rules:\n  - when:\n    - key: request.headers[X-Block]\n      values: ["1"]`),
    point: ztunnel(),
    request: tcp(frontend, 3306),
    decision: 'allow',
    ignored: ['deny'],
  },
  // --- sidecar: actions and precedence ---------------------------------------------------------------------
  {
    name: 'sidecar: CUSTOM before DENY',
    cluster:
      ap('ext', `  action: CUSTOM\n  provider: {name: opa}\n  rules:\n  - to:\n    - operation: {paths: ["/admin*"]}`) +
      ap('deny', `  action: DENY\n  rules:\n  - to:\n    - operation: {paths: ["/admin*"]}`),
    point: sidecar(),
    request: req(frontend, 9080, get('/admin/users')),
    decision: 'custom',
    decidedBy: 'shop/ext#0',
  },
  {
    name: 'sidecar: CUSTOM not matching falls through to DENY',
    cluster:
      ap('ext', `  action: CUSTOM\n  provider: {name: opa}\n  rules:\n  - to:\n    - operation: {paths: ["/ext*"]}`) +
      ap('deny', `  action: DENY\n  rules:\n  - to:\n    - operation: {paths: ["/admin*"]}`),
    point: sidecar(),
    request: req(frontend, 9080, get('/admin/users')),
    decision: 'deny',
    decidedBy: 'shop/deny#0',
  },
  {
    name: 'sidecar: DENY beats ALLOW',
    cluster: ap('allow', `  rules:\n  - {}`) + ap('deny', `  action: DENY\n  rules:\n  - from:\n    - source: {namespaces: ["web"]}`),
    point: sidecar(),
    request: req(),
    decision: 'deny',
    decidedBy: 'shop/deny#0',
  },
  {
    name: 'sidecar: one of several ALLOW policies suffices',
    cluster: allowPrincipal('cluster.local/ns/other/sa/x') + ap('allow-web', `  rules:\n  - from:\n    - source: {namespaces: ["web"]}`),
    point: sidecar(),
    request: req(),
    decision: 'allow',
    decidedBy: 'shop/allow-web#0',
  },
  {
    name: 'sidecar: dry-run DENY enforces nothing',
    cluster: ap('deny', `  action: DENY\n  rules:\n  - {}`, `  annotations: {istio.io/dry-run: "true"}\n`),
    point: sidecar(),
    request: req(),
    decision: 'allow',
    ignored: ['deny'],
  },
  {
    name: 'sidecar: dry-run ALLOW does not make others deny',
    cluster: ap('allow', `  rules: []`, `  annotations: {istio.io/dry-run: "true"}\n`),
    point: sidecar(),
    request: req(),
    decision: 'allow',
    ignored: ['allow'],
  },
  {name: 'sidecar: AUDIT enforces nothing', cluster: ap('audit', `  action: AUDIT\n  rules:\n  - {}`), point: sidecar(), request: req(), decision: 'allow', ignored: ['audit']},
  // --- sidecar: which policies apply -----------------------------------------------------------------------
  {
    name: 'sidecar: selector not matching the pod',
    cluster: ap('deny', `  action: DENY\n  selector: {matchLabels: {app: ratings}}\n  rules:\n  - {}`),
    point: sidecar(),
    request: req(),
    decision: 'allow',
  },
  {
    name: 'sidecar: policy of another namespace',
    cluster: ap('deny', `  action: DENY\n  rules:\n  - {}`, inNs('other')),
    point: sidecar(),
    request: req(),
    decision: 'allow',
  },
  {
    name: 'sidecar: root namespace without selector applies to every pod',
    cluster: ap('deny', `  action: DENY\n  rules:\n  - {}`, inNs(ROOT)),
    point: sidecar(),
    request: req(),
    decision: 'deny',
    decidedBy: 'istio-system/deny#0',
  },
  {
    name: 'sidecar: root namespace selector selects pods in any namespace',
    cluster: ap('deny', `  action: DENY\n  selector: {matchLabels: {app: reviews}}\n  rules:\n  - {}`, inNs(ROOT)),
    point: sidecar(),
    request: req(),
    decision: 'deny',
    decidedBy: 'istio-system/deny#0',
  },
  {
    name: 'sidecar: targetRefs policies do not apply',
    cluster: ap('deny', `  action: DENY\n  targetRefs:\n  - {kind: Service, group: "", name: reviews}\n  rules:\n  - {}`),
    point: sidecar(),
    request: req(),
    decision: 'allow',
  },
  {
    name: 'sidecar: a Gateway API gateway pod takes its Gateway targetRef',
    cluster: ap('deny', `  action: DENY\n  targetRefs:\n  - {kind: Gateway, group: gateway.networking.k8s.io, name: ingress}\n  rules:\n  - {}`),
    point: sidecar(pod('shop', {'gateway.networking.k8s.io/gateway-name': 'ingress'})),
    request: req(),
    decision: 'deny',
    decidedBy: 'shop/deny#0',
  },
  // --- sidecar: PeerAuthentication --------------------------------------------------------------------------
  {name: 'sidecar: no PeerAuthentication is PERMISSIVE', cluster: '', point: sidecar(), request: req(plaintext), decision: 'allow'},
  {name: 'sidecar: namespace STRICT refuses plaintext', cluster: pa('default', `  mtls: {mode: STRICT}`), point: sidecar(), request: req(plaintext), decision: 'deny', decidedBy: 'pa:shop/default'},
  {name: 'sidecar: STRICT accepts mTLS', cluster: pa('default', `  mtls: {mode: STRICT}`), point: sidecar(), request: req(), decision: 'allow'},
  {
    name: 'sidecar: mesh STRICT, namespace PERMISSIVE',
    cluster: pa('mesh', `  mtls: {mode: STRICT}`, inNs(ROOT)) + pa('default', `  mtls: {mode: PERMISSIVE}`),
    point: sidecar(),
    request: req(plaintext),
    decision: 'allow',
  },
  {
    name: 'sidecar: mesh STRICT, namespace UNSET inherits',
    cluster: pa('mesh', `  mtls: {mode: STRICT}`, inNs(ROOT)) + pa('default', `  mtls: {mode: UNSET}`),
    point: sidecar(),
    request: req(plaintext),
    decision: 'deny',
    decidedBy: 'pa:istio-system/mesh',
  },
  {
    name: 'sidecar: workload DISABLE over namespace STRICT',
    cluster: pa('default', `  mtls: {mode: STRICT}`) + pa('reviews', `  selector: {matchLabels: {app: reviews}}\n  mtls: {mode: DISABLE}`),
    point: sidecar(),
    request: req(plaintext),
    decision: 'allow',
  },
  {
    name: 'sidecar: DISABLE leaves RBAC without a peer identity',
    cluster: pa('default', `  mtls: {mode: DISABLE}`) + allowPrincipal('cluster.local/ns/web/sa/frontend'),
    point: sidecar(),
    request: req(),
    decision: 'deny',
  },
  {
    name: 'sidecar: port-level PERMISSIVE on the target port',
    cluster: pa('default', `  mtls: {mode: STRICT}`) + pa('reviews', `  selector: {matchLabels: {app: reviews}}\n  portLevelMtls:\n    9080: {mode: PERMISSIVE}`),
    point: sidecar(),
    request: req(plaintext, 9080),
    decision: 'allow',
  },
  {
    name: 'sidecar: port-level PERMISSIVE leaves other ports STRICT',
    cluster: pa('default', `  mtls: {mode: STRICT}`) + pa('reviews', `  selector: {matchLabels: {app: reviews}}\n  portLevelMtls:\n    9080: {mode: PERMISSIVE}`),
    point: sidecar(),
    request: req(plaintext, 9443),
    decision: 'deny',
    decidedBy: 'pa:shop/default',
  },
  {
    name: 'sidecar: port-level STRICT under PERMISSIVE',
    cluster: pa('reviews', `  selector: {matchLabels: {app: reviews}}\n  mtls: {mode: PERMISSIVE}\n  portLevelMtls:\n    9080: {mode: STRICT}`),
    point: sidecar(),
    request: req(plaintext, 9080),
    decision: 'deny',
    decidedBy: 'pa:shop/reviews',
  },
  {
    name: 'sidecar: a root-namespace selector PeerAuthentication is ignored',
    cluster: pa('mesh-reviews', `  selector: {matchLabels: {app: reviews}}\n  mtls: {mode: STRICT}`, inNs(ROOT)),
    point: sidecar(),
    request: req(plaintext),
    decision: 'allow',
  },
  // --- ztunnel ----------------------------------------------------------------------------------------------
  {name: 'ztunnel: L4 principal', cluster: allowPrincipal('cluster.local/ns/web/sa/frontend'), point: ztunnel(), request: req(), decision: 'allow', decidedBy: 'shop/allow#0'},
  {name: 'ztunnel: L4 principal of someone else', cluster: allowPrincipal('cluster.local/ns/web/sa/other'), point: ztunnel(), request: req(), decision: 'deny'},
  {
    name: 'ztunnel: serviceAccounts and ports',
    cluster: ap('allow', `  rules:\n  - from:\n    - source: {serviceAccounts: ["web/frontend"]}\n    to:\n    - operation: {ports: ["9080"]}`),
    point: ztunnel(),
    request: tcp(frontend, 9080),
    decision: 'allow',
    decidedBy: 'shop/allow#0',
  },
  {
    name: 'ztunnel: ALLOW rule with HTTP fields is dropped',
    cluster: ap('allow', `  rules:\n  - to:\n    - operation: {methods: ["GET"]}\n  - from:\n    - source: {namespaces: ["web"]}`),
    point: ztunnel(),
    request: req(),
    decision: 'allow',
    decidedBy: 'shop/allow#1',
    ignored: ['allow'],
  },
  {
    name: 'ztunnel: ALLOW with only HTTP rules denies everything',
    cluster: ap('allow', `  rules:\n  - to:\n    - operation: {methods: ["GET"]}`),
    point: ztunnel(),
    request: req(),
    decision: 'deny',
    ignored: ['allow'],
  },
  {
    name: 'ztunnel: DENY keeps its L4 part (broader)',
    cluster: ap('deny', `  action: DENY\n  rules:\n  - to:\n    - operation: {methods: ["POST"], ports: ["9080"]}`),
    point: ztunnel(),
    request: req(),
    decision: 'deny',
    decidedBy: 'shop/deny#0',
    ignored: ['deny'],
  },
  {
    name: 'ztunnel: DENY with only HTTP fields has no effect',
    cluster: ap('deny', `  action: DENY\n  rules:\n  - to:\n    - operation: {methods: ["POST"]}`),
    point: ztunnel(),
    request: req(),
    decision: 'allow',
    ignored: ['deny'],
  },
  {name: 'ztunnel: ALLOW with an empty rule allows all', cluster: ap('allow', `  rules:\n  - {}`), point: ztunnel(), request: req(plaintext), decision: 'allow', decidedBy: 'shop/allow#0'},
  {name: 'ztunnel: ALLOW with no rules denies all', cluster: ap('allow', `  rules: []`), point: ztunnel(), request: req(), decision: 'deny'},
  {name: 'ztunnel: DENY with no rules denies nothing', cluster: ap('deny', `  action: DENY`), point: ztunnel(), request: req(), decision: 'allow'},
  {
    name: 'ztunnel: ipBlocks',
    cluster: ap('deny', `  action: DENY\n  rules:\n  - from:\n    - source: {ipBlocks: ["192.168.0.0/24"]}`),
    point: ztunnel(),
    request: req(plaintext),
    decision: 'deny',
    decidedBy: 'shop/deny#0',
  },
  {
    name: 'ztunnel: CUSTOM, AUDIT and dry-run are not enforced',
    cluster:
      ap('ext', `  action: CUSTOM\n  provider: {name: opa}\n  rules:\n  - {}`) +
      ap('audit', `  action: AUDIT\n  rules:\n  - {}`) +
      ap('dry', `  action: DENY\n  rules:\n  - {}`, `  annotations: {istio.io/dry-run: "true"}\n`),
    point: ztunnel(),
    request: req(),
    decision: 'allow',
    ignored: ['ext', 'audit', 'dry'],
  },
  {
    name: 'ztunnel: root namespace policy is GLOBAL',
    cluster: ap('deny', `  action: DENY\n  rules:\n  - from:\n    - source: {namespaces: ["web"]}`, inNs(ROOT)),
    point: ztunnel(pod('other', {app: 'x'})),
    request: req(),
    decision: 'deny',
    decidedBy: 'istio-system/deny#0',
  },
  {
    name: 'ztunnel: targetRefs policies are not for ztunnel',
    cluster: ap('deny', `  action: DENY\n  targetRefs:\n  - {kind: Gateway, group: gateway.networking.k8s.io, name: waypoint}\n  rules:\n  - {}`),
    point: ztunnel(),
    request: req(),
    decision: 'allow',
  },
  {
    name: 'ztunnel: via waypoint the caller is the waypoint',
    cluster: allowPrincipal('cluster.local/ns/web/sa/frontend'),
    point: ztunnel(reviews, {namespace: 'shop', serviceAccount: 'waypoint'}),
    request: req(),
    decision: 'deny',
  },
  {
    name: 'ztunnel: via waypoint an ALLOW of the waypoint lets it in',
    cluster: allowPrincipal('cluster.local/ns/shop/sa/waypoint'),
    point: ztunnel(reviews, {namespace: 'shop', serviceAccount: 'waypoint'}),
    request: req(plaintext),
    decision: 'allow',
    decidedBy: 'shop/allow#0',
  },
  {
    name: 'ztunnel: via waypoint a DENY of the caller namespace no longer matches',
    cluster: ap('deny', `  action: DENY\n  rules:\n  - from:\n    - source: {namespaces: ["web"]}`),
    point: ztunnel(reviews, {namespace: 'shop', serviceAccount: 'waypoint'}),
    request: req(),
    decision: 'allow',
  },
  {
    name: 'ztunnel: when destination.port notValues and source.ip',
    cluster: ap('allow', `  rules:\n  - when:\n    - key: destination.port\n      notValues: ["15000"]\n    - key: source.ip\n      values: ["10.1.0.0/16"]`),
    point: ztunnel(),
    request: tcp(frontend, 9080),
    decision: 'allow',
    decidedBy: 'shop/allow#0',
  },
  {
    name: 'ztunnel: when destination.ip',
    cluster: ap('deny', `  action: DENY\n  rules:\n  - when:\n    - key: destination.ip\n      values: ["10.9.0.0/16"]`),
    point: ztunnel(),
    request: {...tcp(frontend, 9080), destinationIp: '10.9.1.1'},
    decision: 'deny',
    decidedBy: 'shop/deny#0',
  },
  {
    name: 'ztunnel: via waypoint the source address is not the caller\'s',
    cluster: ap('deny', `  action: DENY\n  rules:\n  - from:\n    - source: {ipBlocks: ["10.1.0.0/16"]}`),
    point: ztunnel(reviews, {namespace: 'shop', serviceAccount: 'waypoint'}),
    request: req(),
    decision: 'allow',
  },
  {
    name: 'ztunnel: a root-namespace selector policy selects pods in any namespace',
    cluster: ap('deny', `  action: DENY\n  selector: {matchLabels: {app: reviews}}\n  rules:\n  - {}`, inNs(ROOT)),
    point: ztunnel(),
    request: req(),
    decision: 'deny',
    decidedBy: 'istio-system/deny#0',
  },
  {
    name: 'ztunnel: a selector policy of another namespace does not apply',
    cluster: ap('deny', `  action: DENY\n  selector: {matchLabels: {app: reviews}}\n  rules:\n  - {}`, inNs('other')),
    point: ztunnel(),
    request: req(),
    decision: 'allow',
  },
  {name: 'ztunnel: namespace STRICT refuses plaintext', cluster: pa('default', `  mtls: {mode: STRICT}`), point: ztunnel(), request: req(plaintext), decision: 'deny', decidedBy: 'pa:shop/default'},
  {name: 'ztunnel: mesh STRICT refuses plaintext', cluster: pa('mesh', `  mtls: {mode: STRICT}`, inNs(ROOT)), point: ztunnel(), request: req(plaintext), decision: 'deny', decidedBy: 'pa:istio-system/mesh'},
  {name: 'ztunnel: STRICT accepts HBONE', cluster: pa('default', `  mtls: {mode: STRICT}`), point: ztunnel(), request: req(), decision: 'allow'},
  {name: 'ztunnel: PERMISSIVE accepts plaintext', cluster: pa('default', `  mtls: {mode: PERMISSIVE}`), point: ztunnel(), request: req(plaintext), decision: 'allow'},
  {
    name: 'ztunnel: workload PERMISSIVE with a STRICT port: refused on that port',
    cluster: pa('reviews', `  selector: {matchLabels: {app: reviews}}\n  mtls: {mode: PERMISSIVE}\n  portLevelMtls:\n    9090: {mode: STRICT}`),
    point: ztunnel(),
    request: req(plaintext, 9090),
    decision: 'deny',
    decidedBy: 'pa:shop/reviews',
  },
  {
    name: 'ztunnel: workload PERMISSIVE with a STRICT port: accepted elsewhere',
    cluster: pa('reviews', `  selector: {matchLabels: {app: reviews}}\n  mtls: {mode: PERMISSIVE}\n  portLevelMtls:\n    9090: {mode: STRICT}`),
    point: ztunnel(),
    request: req(plaintext, 9080),
    decision: 'allow',
  },
  {
    name: 'ztunnel: namespace STRICT with a PERMISSIVE port: accepted there',
    cluster: pa('default', `  mtls: {mode: STRICT}`) + pa('reviews', `  selector: {matchLabels: {app: reviews}}\n  portLevelMtls:\n    9080: {mode: PERMISSIVE}`),
    point: ztunnel(),
    request: req(plaintext, 9080),
    decision: 'allow',
  },
  {
    name: 'ztunnel: namespace STRICT with a PERMISSIVE port: refused elsewhere by the merged policy',
    cluster: pa('default', `  mtls: {mode: STRICT}`) + pa('reviews', `  selector: {matchLabels: {app: reviews}}\n  portLevelMtls:\n    9080: {mode: PERMISSIVE}`),
    point: ztunnel(),
    request: req(plaintext, 9443),
    decision: 'deny',
    decidedBy: 'pa:shop/reviews',
  },
  // istiod's convertPeerAuthentication skips a STRICT port when the mesh is STRICT and the namespace sets
  // nothing, without looking at the workload's own PERMISSIVE: ztunnel then accepts plaintext on that port,
  // where a sidecar refuses it.
  {
    name: 'sidecar: mesh STRICT, workload PERMISSIVE with a STRICT port: refused on that port',
    cluster: pa('mesh', `  mtls: {mode: STRICT}`, inNs(ROOT)) + pa('reviews', `  selector: {matchLabels: {app: reviews}}\n  mtls: {mode: PERMISSIVE}\n  portLevelMtls:\n    9090: {mode: STRICT}`),
    point: sidecar(),
    request: req(plaintext, 9090),
    decision: 'deny',
    decidedBy: 'pa:shop/reviews',
  },
  {
    name: 'ztunnel: mesh STRICT, workload PERMISSIVE with a STRICT port: accepted (istiod skips the port)',
    cluster: pa('mesh', `  mtls: {mode: STRICT}`, inNs(ROOT)) + pa('reviews', `  selector: {matchLabels: {app: reviews}}\n  mtls: {mode: PERMISSIVE}\n  portLevelMtls:\n    9090: {mode: STRICT}`),
    point: ztunnel(),
    request: req(plaintext, 9090),
    decision: 'allow',
  },
  // --- waypoint ---------------------------------------------------------------------------------------------
  {
    name: 'waypoint: targetRefs Gateway, L7 rule',
    cluster: ap('allow', `  targetRefs:\n  - {kind: Gateway, group: gateway.networking.k8s.io, name: waypoint}\n  rules:\n  - to:\n    - operation: {methods: ["GET"]}`),
    point: waypoint(),
    request: req(),
    decision: 'allow',
    decidedBy: 'shop/allow#0',
  },
  {
    name: 'waypoint: targetRefs Gateway, L7 mismatch',
    cluster: ap('allow', `  targetRefs:\n  - {kind: Gateway, group: gateway.networking.k8s.io, name: waypoint}\n  rules:\n  - to:\n    - operation: {methods: ["POST"]}`),
    point: waypoint(),
    request: req(),
    decision: 'deny',
  },
  {
    name: 'waypoint: targetRefs to another Gateway',
    cluster: ap('deny', `  action: DENY\n  targetRefs:\n  - {kind: Gateway, group: gateway.networking.k8s.io, name: other}\n  rules:\n  - {}`),
    point: waypoint(),
    request: req(),
    decision: 'allow',
  },
  {
    name: 'waypoint: targetRef (singular) to the Service, core group',
    cluster: ap('deny', `  action: DENY\n  targetRef: {kind: Service, group: "", name: reviews}\n  rules:\n  - from:\n    - source: {namespaces: ["web"]}`),
    point: waypoint(),
    request: req(),
    decision: 'deny',
    decidedBy: 'shop/deny#0',
  },
  {
    name: 'waypoint: targetRefs to the Service, group core',
    cluster: ap('deny', `  action: DENY\n  targetRefs:\n  - {kind: Service, group: core, name: reviews}\n  rules:\n  - {}`),
    point: waypoint(),
    request: req(),
    decision: 'deny',
    decidedBy: 'shop/deny#0',
  },
  {
    name: 'waypoint: targetRefs to another Service',
    cluster: ap('deny', `  action: DENY\n  targetRefs:\n  - {kind: Service, group: "", name: ratings}\n  rules:\n  - {}`),
    point: waypoint(),
    request: req(),
    decision: 'allow',
  },
  {
    name: 'waypoint: GatewayClass istio-waypoint from the root namespace',
    cluster: ap('deny', `  action: DENY\n  targetRefs:\n  - {kind: GatewayClass, group: gateway.networking.k8s.io, name: istio-waypoint}\n  rules:\n  - to:\n    - operation: {paths: ["/admin*"]}`, inNs(ROOT)),
    point: waypoint(),
    request: req(frontend, 9080, get('/admin')),
    decision: 'deny',
    decidedBy: 'istio-system/deny#0',
  },
  {
    name: 'waypoint: GatewayClass outside the root namespace binds nothing',
    cluster: ap('deny', `  action: DENY\n  targetRefs:\n  - {kind: GatewayClass, group: gateway.networking.k8s.io, name: istio-waypoint}\n  rules:\n  - {}`),
    point: waypoint(),
    request: req(),
    decision: 'allow',
  },
  {
    name: 'waypoint: selector policies never apply, even selecting the waypoint pods',
    cluster: ap('deny', `  action: DENY\n  selector: {matchLabels: {gateway.networking.k8s.io/gateway-name: waypoint}}\n  rules:\n  - {}`),
    point: {kind: 'waypoint', waypoint: pod('shop', {'gateway.networking.k8s.io/gateway-name': 'waypoint'}, 'waypoint-0'), service: service('shop', 'reviews')},
    request: req(),
    decision: 'allow',
  },
  {
    name: 'waypoint: layered policies on: a selector DENY of the waypoint pods applies at HBONE termination',
    cluster: ap('deny', `  action: DENY\n  selector: {matchLabels: {gateway.networking.k8s.io/gateway-name: waypoint}}\n  rules:\n  - from:\n    - source: {namespaces: ["web"]}`),
    point: waypoint(),
    request: req(),
    decision: 'deny',
    decidedBy: 'shop/deny#0',
    features: {layeredWaypointAuthorizationPolicies: true},
  },
  {
    name: 'waypoint: layered policies on: the termination layer is L4 (an HTTP-only ALLOW rule never matches)',
    cluster: ap('allow', `  rules:\n  - to:\n    - operation: {methods: ["GET"]}`),
    point: waypoint(),
    request: req(),
    decision: 'deny',
    ignored: ['allow'],
    features: {layeredWaypointAuthorizationPolicies: true},
  },
  {
    name: 'waypoint: layered policies on: termination allows, the Service layer decides',
    cluster:
      ap('allow-l4', `  rules:\n  - from:\n    - source: {namespaces: ["web"]}`) +
      ap('deny-admin', `  action: DENY\n  targetRefs:\n  - {kind: Service, group: "", name: reviews}\n  rules:\n  - to:\n    - operation: {paths: ["/admin"]}`),
    point: waypoint(),
    request: req(frontend, 9080, get('/admin')),
    decision: 'deny',
    decidedBy: 'shop/deny-admin#0',
    features: {layeredWaypointAuthorizationPolicies: true},
  },
  {
    name: 'waypoint: namespace-wide policies do not apply',
    cluster: ap('deny', `  action: DENY\n  rules:\n  - {}`),
    point: waypoint(),
    request: req(),
    decision: 'allow',
  },
  {
    name: 'waypoint: sees the original caller',
    cluster: ap('allow', `  targetRefs:\n  - {kind: Service, group: "", name: reviews}\n  rules:\n  - from:\n    - source: {principals: ["cluster.local/ns/web/sa/frontend"]}`),
    point: waypoint(),
    request: req(),
    decision: 'allow',
    decidedBy: 'shop/allow#0',
  },
  {
    name: 'waypoint: dry-run is ignored',
    cluster: ap('deny', `  action: DENY\n  targetRefs:\n  - {kind: Service, group: "", name: reviews}\n  rules:\n  - {}`, `  annotations: {istio.io/dry-run: "true"}\n`),
    point: waypoint(),
    request: req(),
    decision: 'allow',
    ignored: ['deny'],
  },
];

function decidedByText(v: Verdict): string | undefined {
  const d = v.decidedBy;
  if (!d) return undefined;
  const ref = `${d.policy.namespace}/${d.policy.name}`;
  if (d.kind === 'PeerAuthentication') return `pa:${ref}`;
  return d.rule === undefined ? ref : `${ref}#${d.rule}`;
}

for (const row of rows) {
  test(row.name, () => {
    const verdict = authorize({...config(row.cluster), features: row.features, ...row.mesh}, row.point, row.request);
    assert.equal(verdict.decision, row.decision, verdict.reason);
    assert.equal(decidedByText(verdict), row.decidedBy, verdict.reason);
    assert.deepEqual(verdict.ignored.map(i => i.policy.name).sort(), [...(row.ignored ?? [])].sort());
    assert.ok(verdict.reason.length > 0);
  });
}

test('a PeerAuthentication decides with action DENY', () => {
  const v = authorize(config(pa('default', `  mtls: {mode: STRICT}`)), sidecar(), req(plaintext));
  assert.deepEqual(v.decidedBy, {policy: {namespace: 'shop', name: 'default'}, action: 'DENY', kind: 'PeerAuthentication'});
  assert.match(v.reason, /plaintext refused by STRICT mTLS/);
});

test('the oldest of two namespace PeerAuthentications wins', () => {
  const cluster = pa('b-strict', `  mtls: {mode: STRICT}`, `  creationTimestamp: "2024-01-02T00:00:00Z"\n`) + pa('a-permissive', `  mtls: {mode: PERMISSIVE}`, `  creationTimestamp: "2024-01-01T00:00:00Z"\n`);
  assert.equal(authorize(config(cluster), sidecar(), req(plaintext)).decision, 'allow');
  assert.equal(authorize(config(cluster), ztunnel(), req(plaintext)).decision, 'allow');
});

test('the verdict is the same object shape for every point, and authorize is pure', () => {
  const cluster = config(allowPrincipal('cluster.local/ns/web/sa/frontend'));
  const before = JSON.stringify(cluster);
  for (const point of [sidecar(), ztunnel(), waypoint()]) authorize(cluster, point, req());
  assert.equal(JSON.stringify(cluster), before);
});
