/**
 * The traffic model (issue 9 §1–3): how Istio treats a request before, during and after a migration plan.
 * The authorization half (`./authz/`) is injected as an `Authorize` function wherever a verdict is needed.
 */
export {World, WORLD_KINDS, workloadOf, serviceHost, fqdn} from './world.ts';
export {currentMode, decideMode, injectorWebhooks, namespaceRevision, revisionTags, type PodMode, type Decision} from './mode.ts';
export {serviceWaypoint, workloadWaypoint, ingressUsesWaypoint, waypointByName, type Waypoint} from './waypoints.ts';
export {route, routeListsFor, listsForHost, serviceRouteNames, subsetLabels, type RouteDecision, type RouteInput, type HttpAttrs} from './routes.ts';
export {evaluate} from './evaluate.ts';
export {requestClasses, type ClassOptions} from './classes.ts';
export {applyOperation, applyOperationInPlace, applyOperations, operationKeys, authzKeys, kindOf} from './apply.ts';
export {equivalence, compare, EquivalenceBudgetExceeded, direction, summarise, type Change, type EquivalenceReport, type OutcomeSummary, type Direction} from './equivalence.ts';
export type {RequestClass, CallerClass, Target, Outcome, Backend, Hop, EvaluateOptions} from './types.ts';
