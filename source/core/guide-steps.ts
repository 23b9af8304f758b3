/**
 * The steps of Istio's "Migrate from Sidecar to Ambient" guide as the wizard walks them, in order.
 * The wizard, the docs and the tests read the list from here.
 */
export interface GuideStep {
  id: string;
  title: string;
  summary: string;
}

export const GUIDE_STEPS: readonly GuideStep[] = [
  {id: 'backup', title: 'Back up', summary: 'Save every Istio, Gateway API and namespace object the migration may touch'},
  {id: 'verify', title: 'Verify the environment', summary: 'Istio version, ambient profile, ztunnel, istio-cni, Gateway API CRDs, HBONE-ready sidecars'},
  {id: 'blockers', title: 'Blockers and limitations', summary: 'VM workloads, SPIRE, PeerAuthentication DISABLE, primary-remote, EnvoyFilters, waypoint bypass'},
  {id: 'choose', title: 'Choose namespaces', summary: 'Pick the namespaces to move, with their readiness'},
  {id: 'preview', title: 'Preview', summary: 'Waypoints, HTTPRoutes, per-version Services, targetRefs policies, labels, restarts'},
  {id: 'apply', title: 'Apply', summary: 'Per namespace in the guide order, journaled, resumable'},
  {id: 'revert', title: 'Revert', summary: 'Put any namespace back exactly as it was'},
  {id: 'done', title: 'Done', summary: 'What changed and the follow-ups the guide leaves to you'},
];
