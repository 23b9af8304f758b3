import type {ResourceType} from './types.ts';

const crud = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

function builtin(
  group: string,
  version: string,
  kind: string,
  plural: string,
  namespaced: boolean,
  extra: Partial<ResourceType> = {},
): ResourceType {
  return {
    group,
    versions: [version],
    kind,
    listKind: `${kind}List`,
    plural,
    singular: kind.toLowerCase(),
    namespaced,
    shortNames: [],
    categories: [],
    verbs: crud,
    subresources: [],
    builtin: true,
    ...extra,
  };
}

/**
 * The built-in kinds a migration touches or reads. Anything else a real cluster has is out of scope:
 * the tool never asks for it, and kubectl only needs what its commands name.
 */
export const BUILTIN_TYPES: ResourceType[] = [
  builtin('', 'v1', 'Namespace', 'namespaces', false, {shortNames: ['ns'], subresources: ['status', 'finalize']}),
  builtin('', 'v1', 'Node', 'nodes', false, {shortNames: ['no'], subresources: ['status']}),
  builtin('', 'v1', 'Pod', 'pods', true, {shortNames: ['po'], categories: ['all'], subresources: ['status']}),
  builtin('', 'v1', 'Service', 'services', true, {shortNames: ['svc'], categories: ['all'], subresources: ['status']}),
  builtin('', 'v1', 'Endpoints', 'endpoints', true, {shortNames: ['ep']}),
  builtin('', 'v1', 'ConfigMap', 'configmaps', true, {shortNames: ['cm']}),
  builtin('', 'v1', 'Secret', 'secrets', true),
  builtin('', 'v1', 'ServiceAccount', 'serviceaccounts', true, {shortNames: ['sa']}),
  builtin('', 'v1', 'Event', 'events', true, {shortNames: ['ev']}),
  builtin('apps', 'v1', 'Deployment', 'deployments', true, {
    shortNames: ['deploy'],
    categories: ['all'],
    subresources: ['status', 'scale'],
  }),
  builtin('apps', 'v1', 'ReplicaSet', 'replicasets', true, {
    shortNames: ['rs'],
    categories: ['all'],
    subresources: ['status', 'scale'],
  }),
  builtin('apps', 'v1', 'StatefulSet', 'statefulsets', true, {
    shortNames: ['sts'],
    categories: ['all'],
    subresources: ['status', 'scale'],
  }),
  builtin('apps', 'v1', 'DaemonSet', 'daemonsets', true, {
    shortNames: ['ds'],
    categories: ['all'],
    subresources: ['status'],
  }),
  builtin('apiextensions.k8s.io', 'v1', 'CustomResourceDefinition', 'customresourcedefinitions', false, {
    shortNames: ['crd', 'crds'],
    subresources: ['status'],
  }),
  builtin('admissionregistration.k8s.io', 'v1', 'MutatingWebhookConfiguration', 'mutatingwebhookconfigurations', false),
  builtin(
    'admissionregistration.k8s.io',
    'v1',
    'ValidatingWebhookConfiguration',
    'validatingwebhookconfigurations',
    false,
  ),
  builtin('networking.k8s.io', 'v1', 'NetworkPolicy', 'networkpolicies', true, {shortNames: ['netpol']}),
  builtin('discovery.k8s.io', 'v1', 'EndpointSlice', 'endpointslices', true),
  builtin('storage.k8s.io', 'v1', 'CSIDriver', 'csidrivers', false),
  // What ambient-migrate takes while it applies or reverts a namespace, as leader election does.
  builtin('coordination.k8s.io', 'v1', 'Lease', 'leases', true),
  builtin('authorization.k8s.io', 'v1', 'SelfSubjectAccessReview', 'selfsubjectaccessreviews', false, {
    verbs: ['create'],
  }),
];
