import type {KubeObject} from '../../kube/client.ts';
import type {Finding} from '../audit/types.ts';

/** The guide's order within a namespace; operations run step by step in exactly this order. */
export const STEPS = ['waypoint', 'policies', 'use-waypoint', 'enroll', 'remove-injection', 'restart', 'cleanup'] as const;
export type Step = (typeof STEPS)[number];

export type Action = 'create' | 'update' | 'delete' | 'label' | 'restart';

export interface Target {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
}

/**
 * One write the migration makes. `before` is the object as it is now (null when it is created) and
 * `after` as it will be (null when it is deleted); a restart has neither: its effect is new pods.
 */
export interface Operation {
  id: string;
  namespace: string;
  step: Step;
  action: Action;
  target: Target;
  before: KubeObject | null;
  after: KubeObject | null;
  /** One line for people: why this write is part of the migration. */
  reason: string;
}

export interface Plan {
  namespaces: string[];
  operations: Operation[];
  /** Audit findings for the planned namespaces, plus what planning itself found (ids `plan/...`). */
  findings: Finding[];
}

export const MANAGED_BY = {'app.kubernetes.io/managed-by': 'ambient-migrate'} as const;
export const SOURCE_ANNOTATION = 'ambient-migrate.io/converted-from';
export const WAYPOINT_NAME = 'waypoint';
