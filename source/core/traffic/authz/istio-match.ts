/**
 * Small pieces of Istio's vocabulary shared by the authorization model and the older analyses
 * (`source/core/authorization.ts`, `source/core/waypoint-identity.ts`): string patterns, booleans as Go
 * parses them, label selectors, API groups, and IP addresses. Pure functions only.
 */

/**
 * Istio's string pattern: exact, `prefix*`, `*suffix`, or `*` for any value.
 * istio/istio pilot/pkg/security/authz/matcher/string.go (StringMatcherWithPrefix) for Envoy, and
 * pilot/pkg/serviceregistry/ambient/authorization.go (stringToMatch) for ztunnel.
 * `*` here accepts any value, even an empty one; where Envoy and ztunnel want a value to be present
 * (regex `.+`, ztunnel `Presence`), use {@link istioPatternMatch}.
 */
export function istioStringMatch(pattern: string, value: string): boolean {
  if (pattern === '*') return true;
  if (pattern.startsWith('*')) return value.endsWith(pattern.slice(1));
  if (pattern.endsWith('*')) return value.startsWith(pattern.slice(0, -1));
  return pattern === value;
}

/**
 * The same pattern as Envoy and ztunnel evaluate it: a missing or empty value matches nothing, not even `*`
 * (Envoy regex `.+`: istio/istio pilot/pkg/security/authz/matcher/string.go; ztunnel `Presence` is
 * `!check.is_empty()`: istio/ztunnel src/rbac.rs StringMatch::matches).
 */
export function istioPatternMatch(pattern: string, value: string | undefined, ignoreCase = false): boolean {
  if (value === undefined || value === '') return false;
  if (pattern === '*') return true;
  return ignoreCase ? istioStringMatch(pattern.toLowerCase(), value.toLowerCase()) : istioStringMatch(pattern, value);
}

/** Go's strconv.ParseBool, which istiod uses for the `istio.io/dry-run` annotation; unparsable is false. */
export function parseBool(value: string | undefined): boolean {
  return ['1', 't', 'T', 'true', 'TRUE', 'True'].includes(value ?? '');
}

/**
 * `when` keys istiod hands to ztunnel; every other key is an HTTP attribute there.
 * istio/istio pilot/pkg/serviceregistry/ambient/authorization.go (l4WhenAttributes).
 */
export const L4_WHEN_KEYS: ReadonlySet<string> = new Set(['source.ip', 'source.namespace', 'source.principal', 'destination.ip', 'destination.port']);

/** Source fields ztunnel cannot enforce: istio/istio pilot/pkg/serviceregistry/ambient/authorization.go (httpSources). */
export const HTTP_SOURCE_FIELDS: readonly string[] = ['requestPrincipals', 'notRequestPrincipals', 'remoteIpBlocks', 'notRemoteIpBlocks'];
/** Operation fields ztunnel cannot enforce: authorization.go (httpOperations). */
export const HTTP_OPERATION_FIELDS: readonly string[] = ['hosts', 'notHosts', 'methods', 'notMethods', 'paths', 'notPaths'];

/** labels.Instance.SubsetOf: every selector label is on the workload (an empty selector selects all). */
export function labelsSubset(selector: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean {
  return Object.entries(selector ?? {}).every(([k, v]) => labels?.[k] === v);
}

/** config.CanonicalGroup: the core group is spelled "" or "core". istio/istio pkg/config/model.go */
export function canonicalGroup(group: string | undefined): string {
  return group === undefined || group === '' ? 'core' : group;
}

/** Bytes of an IPv4 (4) or IPv6 (16) address, as Go's netip.Addr.AsSlice; undefined when unparsable. */
export function parseIp(text: string): number[] | undefined {
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(text)) {
    const parts = text.split('.').map(Number);
    // netip.ParseAddr rejects leading zeros and octets above 255.
    if (parts.some(p => p > 255) || text.split('.').some(p => p.length > 1 && p.startsWith('0'))) return undefined;
    return parts;
  }
  if (!text.includes(':') || text.includes('%')) return undefined;
  let head = text;
  const lastColon = text.lastIndexOf(':');
  if (text.slice(lastColon + 1).includes('.')) {
    // An embedded IPv4 tail (`::ffff:1.2.3.4`) stands for the last two groups.
    const v4 = parseIp(text.slice(lastColon + 1));
    if (!v4) return undefined;
    head = `${text.slice(0, lastColon + 1)}${((v4[0] << 8) | v4[1]).toString(16)}:${((v4[2] << 8) | v4[3]).toString(16)}`;
  }
  const halves = head.split('::');
  if (halves.length > 2) return undefined;
  const groups = (s: string) => (s === '' ? [] : s.split(':'));
  const left = groups(halves[0]);
  const right = halves.length === 2 ? groups(halves[1]) : [];
  if (left.concat(right).some(g => !/^[0-9a-fA-F]{1,4}$/.test(g))) return undefined;
  const missing = 8 - left.length - right.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const all = [...left, ...Array(halves.length === 2 ? missing : 0).fill('0'), ...right].map(g => parseInt(g, 16));
  return all.flatMap(g => [g >> 8, g & 0xff]);
}

/** An address block as `a.b.c.d` or `a.b.c.d/n` (IPv6 alike): bytes and prefix length, as netip.ParsePrefix/ParseAddr. */
export function parseCidr(text: string): {bytes: number[]; length: number} | undefined {
  const [addr, bits, ...rest] = text.split('/');
  if (rest.length > 0) return undefined;
  const bytes = parseIp(addr);
  if (!bytes) return undefined;
  if (bits === undefined) return {bytes, length: bytes.length * 8};
  if (!/^\d+$/.test(bits) || Number(bits) > bytes.length * 8 || (bits.length > 1 && bits.startsWith('0'))) return undefined;
  return {bytes, length: Number(bits)};
}

/** Whether an address lies in a block (same family; first `length` bits equal). */
export function cidrContains(block: {bytes: number[]; length: number}, ip: string | undefined): boolean {
  if (ip === undefined) return false;
  const bytes = parseIp(ip);
  if (!bytes || bytes.length !== block.bytes.length) return false;
  for (let bit = 0; bit < block.length; bit++) {
    const mask = 0x80 >> (bit % 8);
    if ((bytes[bit >> 3] & mask) !== (block.bytes[bit >> 3] & mask)) return false;
  }
  return true;
}
