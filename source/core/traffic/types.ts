import type {Authorize, Verdict} from './authz/api.ts';
import type {HttpAttrs} from './routes.ts';

/** How the caller's traffic leaves it. `gateway` = an Istio ingress gateway (Envoy, routes by its Gateway). */
export type CallerMode = 'sidecar' | 'ambient' | 'none' | 'gateway';

export interface CallerClass {
  /** `workload` = a ServiceAccount some rule names; `other` = a mesh identity no rule names. */
  kind: 'workload' | 'other' | 'plaintext' | 'ingress';
  namespace: string;
  serviceAccount?: string;
  mode: CallerMode;
  /** Pod labels the caller carries (VirtualService `sourceLabels`). */
  labels?: Record<string, string>;
}

export type Target =
  | {kind: 'service'; namespace: string; name: string; port: number}
  /** Entering through an Istio Gateway server (ingress VirtualServices). */
  | {kind: 'gateway'; namespace: string; name: string; port: number; host: string}
  /** Addressed to a workload's pods directly (pods no Service fronts, that a policy selects). */
  | {kind: 'workload'; namespace: string; name: string; port: number};

export interface RequestClass {
  id: string;
  caller: CallerClass;
  target: Target;
  /** Absent for plain TCP. */
  http?: HttpAttrs;
}

export type Hop = 'client-sidecar' | 'ingress-gateway' | 'waypoint' | 'ztunnel' | 'destination-sidecar';

export interface Backend {
  /** Owner-derived name (Deployment, StatefulSet, ...). */
  workload: string;
  namespace: string;
  /** Share of the class's requests, 0..1, rounded to 4 places. */
  weight: number;
  verdict: Verdict;
  path: Hop[];
}

export interface Outcome {
  backends: Backend[];
  /** The first denying backend's verdict, else the first backend's; a request with no backend is denied. */
  verdict: Verdict;
  path: Hop[];
  /** Which route decided, when one did (`kind ns/name#rule`). */
  routedBy: string[];
  /** Answered by a proxy (404 no route matched, redirect, direct response, 503 no endpoints). */
  status?: number;
}

export interface EvaluateOptions {
  authorize: Authorize;
}
