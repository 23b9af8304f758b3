/**
 * Durations in the two APIs. Istio CRDs take Go/CEL durations ("1.5s", "1h30m", "250ms"); Gateway API
 * takes at most four whole-number parts of h/m/s/ms ("1h30m", "1500ms") with at most five digits each.
 */

const GO_UNITS_MS: Record<string, number> = {ns: 1e-6, us: 1e-3, 'µs': 1e-3, 'μs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000};
const GO_PART = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/y;

/** Milliseconds of a Go duration string (what Kubernetes CEL `duration()` accepts); undefined if malformed. */
export function parseGoDuration(text: unknown): number | undefined {
  if (typeof text !== 'string') return undefined;
  let s = text.trim();
  if (s.startsWith('+')) s = s.slice(1);
  if (s === '0') return 0;
  if (s === '' || s.startsWith('-')) return undefined;
  let total = 0;
  GO_PART.lastIndex = 0;
  while (GO_PART.lastIndex < s.length) {
    const at = GO_PART.lastIndex;
    const m = GO_PART.exec(s);
    if (!m || m.index !== at) return undefined;
    total += Number(m[1]) * GO_UNITS_MS[m[2]!]!;
  }
  return total;
}

const GATEWAY_DURATION = /^([0-9]{1,5}(h|m|s|ms)){1,4}$/;
const GATEWAY_PART = /([0-9]{1,5})(h|ms|m|s)/g;

/** Milliseconds of a Gateway API duration; undefined when the CRD pattern rejects it. */
export function parseGatewayDuration(text: unknown): number | undefined {
  if (typeof text !== 'string' || !GATEWAY_DURATION.test(text)) return undefined;
  let total = 0;
  for (const m of text.matchAll(GATEWAY_PART)) total += Number(m[1]) * GO_UNITS_MS[m[2]!]!;
  return total;
}

/**
 * The Gateway API spelling of a whole number of milliseconds: the largest units first ("1h30m", "2s",
 * "1500ms" is written "1s500ms"), so every part stays within the pattern's five digits.
 */
export function formatGatewayDuration(ms: number): string | undefined {
  if (!Number.isInteger(ms) || ms < 0) return undefined;
  const parts: Array<[number, string]> = [
    [Math.floor(ms / 3_600_000), 'h'],
    [Math.floor((ms % 3_600_000) / 60_000), 'm'],
    [Math.floor((ms % 60_000) / 1000), 's'],
    [ms % 1000, 'ms'],
  ];
  const text = parts
    .filter(([n]) => n > 0)
    .map(([n, unit]) => `${n}${unit}`)
    .join('');
  const out = text === '' ? '0s' : text;
  return GATEWAY_DURATION.test(out) ? out : undefined;
}
