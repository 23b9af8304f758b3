/**
 * Orders strings by UTF-16 code units. Not localeCompare: its order follows the machine's locale (under
 * LANG=da_DK "aa" sorts after "z"), so the same cluster gave a different plan or audit on another machine.
 */
export function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
