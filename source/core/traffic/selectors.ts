/**
 * Kubernetes label selectors (`matchLabels` + `matchExpressions`), as the API server evaluates a
 * webhook's `namespaceSelector`/`objectSelector` (k8s.io/apimachinery `pkg/apis/meta/v1/helpers.go`
 * `LabelSelectorAsSelector`): every requirement must hold; an empty selector selects everything.
 */

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{key: string; operator: string; values?: string[]}>;
}

export function matchesSelector(selector: LabelSelector | undefined | null, labels: Record<string, string> | undefined): boolean {
  if (!selector) return true;
  const own = labels ?? {};
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (own[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const present = Object.prototype.hasOwnProperty.call(own, e.key);
    const values = e.values ?? [];
    switch (e.operator) {
      case 'In':
        if (!present || !values.includes(own[e.key]!)) return false;
        break;
      case 'NotIn':
        if (present && values.includes(own[e.key]!)) return false;
        break;
      case 'Exists':
        if (!present) return false;
        break;
      case 'DoesNotExist':
        if (present) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

/** A plain label map (Service selector, Istio workload selector): all pairs must be present. */
export function matchesLabels(selector: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean {
  if (!selector) return true;
  for (const [k, v] of Object.entries(selector)) if (labels?.[k] !== v) return false;
  return true;
}
