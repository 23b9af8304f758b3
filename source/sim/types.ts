// Shapes shared by every part of the simulated API server.

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
  managedFields?: ManagedFieldsEntry[];
  [key: string]: unknown;
}

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface ManagedFieldsEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time?: string;
  fieldsType?: 'FieldsV1';
  fieldsV1?: Record<string, unknown>;
  subresource?: string;
}

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [key: string]: unknown;
}

export interface PrinterColumn {
  name: string;
  type: string; // string | integer | number | boolean | date
  format?: string;
  description?: string;
  priority?: number;
  jsonPath: string;
}

/** One kind the server serves, built in or registered from a CRD. */
export interface ResourceType {
  group: string; // "" for the core group
  /** Served versions, preferred (storage) first. */
  versions: string[];
  kind: string;
  listKind: string;
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  verbs: string[];
  subresources: string[];
  /** Built-in kinds accept strategic merge patch; custom resources answer 415. */
  builtin: boolean;
  /** CRD printer columns per version (custom resources only). */
  printerColumns?: Record<string, PrinterColumn[]>;
  /** openAPIV3Schema per version (custom resources only). */
  schemas?: Record<string, Record<string, unknown>>;
}

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

/** A `details.causes[]` entry of a Status, as a real apiserver writes it. */
export interface StatusCause {
  reason: string; // FieldValueTypeInvalid | FieldValueRequired | FieldValueInvalid | FieldValueNotSupported | FieldManagerConflict ...
  message: string;
  field: string;
}
