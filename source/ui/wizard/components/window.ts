/**
 * The slice of a long list that fits: keeps the cursor visible and renders only those rows, so a list of
 * thousands of namespaces costs what a screenful does.
 */
export function visibleWindow(total: number, cursor: number, height: number): {start: number; end: number} {
  if (total <= height) return {start: 0, end: total};
  const half = Math.floor(height / 2);
  const start = Math.max(0, Math.min(cursor - half, total - height));
  return {start, end: start + height};
}
