/**
 * `--request-timeout` as kubectl reads it: `0` waits for ever, a bare number is seconds, otherwise a
 * duration such as `30s`, `1m`, `500ms` or `1m30s`. Returns milliseconds, or undefined when the value is
 * not one of those.
 */
export function parseRequestTimeout(value: string): number | undefined {
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  if (!/^(\d+(\.\d+)?(ms|s|m|h))+$/.test(text)) return undefined;
  const unit = {ms: 1, s: 1000, m: 60_000, h: 3_600_000} as const;
  let total = 0;
  for (const [, amount, suffix] of text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) total += Number(amount) * unit[suffix as keyof typeof unit];
  return Math.round(total);
}
