import {isDeepStrictEqual} from 'node:util';
import fastJsonPatch from 'fast-json-patch';
import yaml from 'js-yaml';
import {listSemanticsFor} from './list-semantics.ts';
import {recordUpdate, serverSideApply} from './managed-fields.ts';
import {apiVersionOf, splitApiVersion, TypeRegistry, typeKey} from './registry.ts';
import {compileSchema, type SchemaValidator} from './schema-validation.ts';
import {parseFieldSelector, parseLabelSelector} from './selectors.ts';
import {
  alreadyExists,
  badRequest,
  conflict,
  invalid,
  notFound,
  qualifiedResource,
  StatusError,
} from './status.ts';
import {ObjectStore, type StoreSnapshot} from './store.ts';
import {strategicMergePatch, supportsStrategicMerge} from './strategic-merge.ts';
import type {FieldValidation, KubeObject, ResourceType, StatusCause} from './types.ts';

export interface WriteOptions {
  dryRun?: boolean;
  fieldManager?: string;
  fieldValidation?: FieldValidation;
  subresource?: string;
  force?: boolean;
}

export interface WriteResult {
  object: KubeObject;
  created: boolean;
  warnings: string[];
}

export interface ListOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continueToken?: string;
}

export interface ListResult {
  items: KubeObject[];
  resourceVersion: string;
  continueToken?: string;
  remainingItemCount?: number;
}

export type PropagationPolicy = 'Background' | 'Foreground' | 'Orphan';

/** Runs on every create before it is stored, as mutating admission webhooks do (sidecar injection). */
export type AdmissionHook = (type: ResourceType, object: KubeObject, cluster: SimCluster) => void;

export const PATCH_TYPES = {
  json: 'application/json-patch+json',
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
} as const;

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/**
 * The API semantics of a kube-apiserver over an in-memory store: the verbs, resourceVersion checks,
 * validation, managedFields, generation, garbage collection. Transport-free, so controllers and
 * tests call it directly and the HTTP layer stays a thin translation.
 */
export class SimCluster {
  readonly registry = new TypeRegistry();
  readonly store = new ObjectStore();
  readonly admissionHooks: AdmissionHook[] = [];
  /** Pods on a node go through Terminating when deleted; only when a kubelet controller runs to end it. */
  gracefulPodDeletion = false;
  /** The clock; tests may replace it. */
  now: () => Date = () => new Date();
  private readonly validators = new Map<string, SchemaValidator>();
  private nextClusterIp = 10;

  /** Brings back a cluster saved with `store.snapshot()`: its objects and the kinds its CRDs define. */
  restore(snapshot: StoreSnapshot): void {
    this.store.restore(snapshot);
    for (const object of this.store.list(typeKey('apiextensions.k8s.io', 'customresourcedefinitions'))) this.registry.registerCrd(object);
  }

  typeFor(group: string, plural: string): ResourceType {
    const type = this.registry.byResource(group, plural);
    if (!type) throw new StatusError(404, 'NotFound', 'the server could not find the requested resource');
    return type;
  }

  typeForKind(apiVersion: string, kind: string): ResourceType {
    const {group} = splitApiVersion(apiVersion);
    const type = this.registry.byKind(group, kind);
    if (!type) throw badRequest(`no matches for kind "${kind}" in version "${apiVersion}"`);
    return type;
  }

  // ---- reads -------------------------------------------------------------------------------------

  get(type: ResourceType, namespace: string, name: string, version = type.versions[0]!): KubeObject {
    const object = this.store.get(typeKey(type.group, type.plural), type.namespaced ? namespace : '', name);
    if (!object) throw notFound(type.plural, type.group, name);
    return this.present(type, object, version);
  }

  tryGet(type: ResourceType, namespace: string, name: string): KubeObject | undefined {
    return this.store.get(typeKey(type.group, type.plural), type.namespaced ? namespace : '', name);
  }

  list(type: ResourceType, options: ListOptions = {}, version = type.versions[0]!): ListResult {
    const labels = parseLabelSelector(options.labelSelector);
    const fields = parseFieldSelector(options.fieldSelector);
    const all = this.store.list(typeKey(type.group, type.plural), type.namespaced ? options.namespace : undefined);
    let start = 0;
    let listVersion = String(this.store.resourceVersion);
    if (options.continueToken) {
      const token = decodeContinue(options.continueToken);
      listVersion = token.rv;
      start = lowerBound(all, token.start);
    }
    const items: KubeObject[] = [];
    let index = start;
    const limit = options.limit && options.limit > 0 ? options.limit : Infinity;
    for (; index < all.length && items.length < limit; index++) {
      const object = all[index]!;
      if (labels(object) && fields(object)) items.push(this.present(type, object, version));
    }
    // A real server answers a continue token only when more items may follow.
    let continueToken: string | undefined;
    let remainingItemCount: number | undefined;
    if (index < all.length) {
      const rest = all.slice(index).filter(o => labels(o) && fields(o)).length;
      if (rest > 0) {
        continueToken = encodeContinue(listVersion, keyOf(all[index]!));
        if (!options.labelSelector && !options.fieldSelector) remainingItemCount = rest;
      }
    }
    return {items, resourceVersion: listVersion, continueToken, remainingItemCount};
  }

  /** The stored object shown at the requested version: Istio and Gateway API CRDs convert with `None`. */
  present(type: ResourceType, object: KubeObject, version: string): KubeObject {
    const copy = structuredClone(object);
    copy.apiVersion = apiVersionOf(type.group, version);
    copy.kind = type.kind;
    return copy;
  }

  // ---- writes ------------------------------------------------------------------------------------

  create(type: ResourceType, namespace: string, body: KubeObject, options: WriteOptions = {}): WriteResult {
    const version = this.versionOf(type, body);
    const object = structuredClone(body);
    object.metadata ??= {};
    this.checkNamespace(type, namespace, object);
    if (!object.metadata.name && object.metadata.generateName) {
      object.metadata.name = `${object.metadata.generateName}${randomSuffix()}`;
    }
    const name = object.metadata.name;
    if (!name) {
      throw invalid(type.kind, type.group, '', [
        {reason: 'FieldValueRequired', field: 'metadata.name', message: 'Required value: name or generateName is required'},
      ]);
    }
    this.checkName(type, name);
    if (this.tryGet(type, namespace, name)) throw alreadyExists(type.plural, type.group, name);

    // metav1.Time is RFC 3339 with whole seconds: the create's managedFields time must not carry milliseconds.
    const now = this.now().toISOString().replace(/\.\d+Z$/, 'Z');
    object.apiVersion = apiVersionOf(type.group, version);
    object.kind = type.kind;
    object.metadata.uid = this.store.newUid();
    object.metadata.creationTimestamp = now;
    object.metadata.generation = 1;
    delete object.metadata.resourceVersion;
    delete object.metadata.deletionTimestamp;
    delete object.metadata.deletionGracePeriodSeconds;
    if (type.namespaced) object.metadata.namespace = namespace;
    else delete object.metadata.namespace;
    // Status is written through its subresource; a create keeps what it is given only for built-ins
    // that have no controller here to write it.
    if (!type.builtin && type.subresources.includes('status')) delete object.status;

    const warnings = this.validate(type, version, object, options);
    const validated = warnings.object;
    this.applyBuiltinDefaults(type, validated);
    for (const hook of this.admissionHooks) hook(type, validated, this);
    const recorded = recordUpdate({
      before: undefined,
      after: validated,
      manager: options.fieldManager ?? 'unknown',
      apiVersion: validated.apiVersion,
      semantics: listSemanticsFor(type, version),
      now,
    });
    if (options.dryRun) return {object: recorded, created: true, warnings: warnings.messages};
    const stored = this.store.put(typeKey(type.group, type.plural), recorded);
    this.afterWrite(type, undefined, stored);
    return {object: this.present(type, stored, version), created: true, warnings: warnings.messages};
  }

  update(type: ResourceType, namespace: string, name: string, body: KubeObject, options: WriteOptions = {}): WriteResult {
    const current = this.tryGet(type, namespace, name);
    if (!current) throw notFound(type.plural, type.group, name);
    if (body.metadata?.name && body.metadata.name !== name) {
      throw badRequest(`the name of the object (${body.metadata.name}) does not match the name on the URL (${name})`);
    }
    const rv = body.metadata?.resourceVersion;
    if (rv && rv !== current.metadata.resourceVersion) throw conflict(type.plural, type.group, name);
    return this.replace(type, current, structuredClone(body), options);
  }

  patch(
    type: ResourceType,
    namespace: string,
    name: string,
    contentType: string,
    patchBody: string,
    options: WriteOptions = {},
  ): WriteResult {
    const current = this.tryGet(type, namespace, name);
    const mediaType = contentType.split(';')[0]!.trim();
    if (mediaType === PATCH_TYPES.apply) return this.apply(type, namespace, name, current, patchBody, options);
    if (!current) throw notFound(type.plural, type.group, name);
    const version = this.versionFromOptions(type, options);
    const base = this.present(type, current, version);
    let patched: KubeObject;
    const body = parseJson(patchBody);
    switch (mediaType) {
      case PATCH_TYPES.merge:
        patched = mergePatch(base, body) as KubeObject;
        break;
      case PATCH_TYPES.json: {
        if (!Array.isArray(body)) throw badRequest('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
        try {
          patched = fastJsonPatch.applyPatch(base, body as fastJsonPatch.Operation[], true, false).newDocument;
        } catch (error) {
          throw new StatusError(422, 'Invalid', `the server rejected our request due to an error in our request: ${(error as Error).message.split('\n')[0]}`);
        }
        break;
      }
      case PATCH_TYPES.strategic:
        if (!type.builtin || !supportsStrategicMerge(type.kind)) {
          throw new StatusError(
            415,
            'UnsupportedMediaType',
            'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml',
          );
        }
        patched = strategicMergePatch(base, body as Record<string, unknown>, type.kind) as KubeObject;
        break;
      default:
        throw new StatusError(
          415,
          'UnsupportedMediaType',
          `the body of the request was in an unknown format - accepted media types include: ${Object.values(PATCH_TYPES).join(', ')}`,
        );
    }
    // Every patch type carries a resourceVersion precondition through the patched result.
    const rv = patched.metadata?.resourceVersion;
    if (rv && rv !== current.metadata.resourceVersion) throw conflict(type.plural, type.group, name);
    if (patched.metadata?.name !== name) throw badRequest('metadata.name: Invalid value: the name of a patched object cannot change');
    return this.replace(type, current, patched, options);
  }

  /**
   * The `scale` subresource as an autoscaling/v1 Scale: `kubectl scale` PATCHes `.../scale` and decodes the
   * answer as a Scale, failing with "no kind Deployment is registered" when it gets the workload back.
   */
  getScale(type: ResourceType, namespace: string, name: string): KubeObject {
    const object = this.tryGet(type, namespace, name);
    if (!object) throw notFound(type.plural, type.group, name);
    return toScale(object);
  }

  /** PUT (contentType undefined) or PATCH of a Scale: only `spec.replicas` reaches the workload. */
  writeScale(type: ResourceType, namespace: string, name: string, contentType: string | undefined, body: string, options: WriteOptions = {}): WriteResult {
    const current = this.tryGet(type, namespace, name);
    if (!current) throw notFound(type.plural, type.group, name);
    const scale = toScale(current);
    const parsed = parseJson(body);
    const mediaType = contentType?.split(';')[0]!.trim();
    let next: KubeObject;
    if (mediaType === undefined || mediaType === PATCH_TYPES.merge || mediaType === PATCH_TYPES.strategic) {
      // A Scale has no lists, so a strategic merge patch is a merge patch.
      next = (mediaType === undefined ? parsed : mergePatch(scale, parsed)) as KubeObject;
    } else if (mediaType === PATCH_TYPES.json && Array.isArray(parsed)) {
      try {
        next = fastJsonPatch.applyPatch(scale, parsed as fastJsonPatch.Operation[], true, false).newDocument;
      } catch (error) {
        throw new StatusError(422, 'Invalid', `the server rejected our request due to an error in our request: ${(error as Error).message.split('\n')[0]}`);
      }
    } else {
      throw new StatusError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: ${PATCH_TYPES.json}, ${PATCH_TYPES.merge}, ${PATCH_TYPES.strategic}`);
    }
    const rv = next?.metadata?.resourceVersion;
    if (rv && rv !== current.metadata.resourceVersion) throw conflict(type.plural, type.group, name);
    // Scale.spec.replicas is `omitempty`: client-go's PUT of a scale to zero leaves it out.
    const replicas = (next?.spec as {replicas?: unknown} | undefined)?.replicas ?? 0;
    if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
      throw invalid('Scale', 'autoscaling', name, [
        {reason: 'FieldValueInvalid', field: 'spec.replicas', message: `Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`},
      ]);
    }
    const result = this.patch(type, namespace, name, PATCH_TYPES.merge, JSON.stringify({spec: {replicas}}), {...options, subresource: 'scale'});
    return {...result, object: toScale(result.object)};
  }

  private apply(
    type: ResourceType,
    namespace: string,
    name: string,
    current: KubeObject | undefined,
    patchBody: string,
    options: WriteOptions,
  ): WriteResult {
    if (!options.fieldManager) {
      throw badRequest('PATCH, application/apply-patch+yaml requires fieldManager to be set');
    }
    let applied: KubeObject;
    try {
      applied = yaml.load(patchBody) as KubeObject;
    } catch (error) {
      throw badRequest(`error decoding YAML: ${(error as Error).message}`);
    }
    if (!applied || typeof applied !== 'object') throw badRequest('the apply configuration is empty');
    if (!applied.apiVersion || !applied.kind) throw badRequest('apiVersion and kind must be set in an apply configuration');
    if (applied.metadata?.name && applied.metadata.name !== name) {
      throw badRequest(`the name of the object (${applied.metadata.name}) does not match the name on the URL (${name})`);
    }
    applied.metadata = {...applied.metadata, name};
    if (type.namespaced) applied.metadata.namespace = namespace;
    const version = this.versionOf(type, applied);
    const rv = applied.metadata.resourceVersion;
    if (rv && current && rv !== current.metadata.resourceVersion) throw conflict(type.plural, type.group, name);
    delete applied.metadata.resourceVersion;
    const merged = serverSideApply({
      live: current ? this.present(type, current, version) : undefined,
      applied,
      manager: options.fieldManager,
      force: options.force ?? false,
      apiVersion: apiVersionOf(type.group, version),
      semantics: listSemanticsFor(type, version),
      subresource: options.subresource,
      now: this.now().toISOString().replace(/\.\d+Z$/, 'Z'),
    });
    if (!current) {
      // The managedFields computed above are the create's; keep them rather than an Update entry.
      const result = this.create(type, namespace, merged, {...options, fieldManager: options.fieldManager});
      const fields = merged.metadata.managedFields;
      if (!options.dryRun) {
        const stored = this.tryGet(type, namespace, name)!;
        const withFields = {...stored, metadata: {...stored.metadata, managedFields: fields}};
        this.store.put(typeKey(type.group, type.plural), withFields);
        return {...result, object: this.present(type, withFields, version)};
      }
      return {...result, object: {...result.object, metadata: {...result.object.metadata, managedFields: fields}}};
    }
    return this.replace(type, current, merged, {...options, fieldManager: undefined}, merged.metadata.managedFields);
  }

  /** The common tail of update and patch: status handling, validation, generation, managedFields. */
  private replace(
    type: ResourceType,
    current: KubeObject,
    next: KubeObject,
    options: WriteOptions,
    managedFieldsFromApply?: KubeObject['metadata']['managedFields'],
  ): WriteResult {
    const version = this.versionOf(type, next);
    next.apiVersion = apiVersionOf(type.group, version);
    next.kind = type.kind;
    next.metadata = {
      ...next.metadata,
      name: current.metadata.name,
      namespace: current.metadata.namespace,
      uid: current.metadata.uid,
      creationTimestamp: current.metadata.creationTimestamp,
      generation: current.metadata.generation,
      resourceVersion: current.metadata.resourceVersion,
    };
    if (current.metadata.deletionTimestamp) next.metadata.deletionTimestamp = current.metadata.deletionTimestamp;
    if (current.metadata.deletionGracePeriodSeconds !== undefined) next.metadata.deletionGracePeriodSeconds = current.metadata.deletionGracePeriodSeconds;
    else delete next.metadata.deletionGracePeriodSeconds;
    if (!current.metadata.namespace) delete next.metadata.namespace;
    const hasStatus = type.subresources.includes('status');
    if (options.subresource === 'status') {
      // Only status changes through the status subresource.
      next = {...structuredClone(current), status: next.status, metadata: {...current.metadata}} as KubeObject;
      if (managedFieldsFromApply) next.metadata.managedFields = managedFieldsFromApply;
    } else if (hasStatus) {
      if (current.status === undefined) delete next.status;
      else next.status = structuredClone(current.status);
    }
    const checked = this.validate(type, version, next, options);
    next = checked.object;
    this.applyBuiltinDefaults(type, next);
    if (specChanged(current, next)) next.metadata.generation = (current.metadata.generation ?? 1) + 1;
    const now = this.now().toISOString().replace(/\.\d+Z$/, 'Z');
    if (managedFieldsFromApply) {
      next.metadata.managedFields = managedFieldsFromApply;
    } else {
      next = recordUpdate({
        before: current,
        after: next,
        manager: options.fieldManager ?? 'unknown',
        apiVersion: next.apiVersion,
        semantics: listSemanticsFor(type, version),
        subresource: options.subresource,
        now,
      });
    }
    if (isDeepStrictEqual(stripVolatile(next), stripVolatile(current))) {
      // A no-op write does not bump resourceVersion, as on a real server.
      return {object: this.present(type, current, version), created: false, warnings: checked.messages};
    }
    if (options.dryRun) return {object: next, created: false, warnings: checked.messages};
    // The write that removes the last finalizer of an object being deleted completes the deletion. Any
    // other write (a label on a pod that is Terminating) leaves it where it is.
    const lastFinalizerRemoved = (current.metadata.finalizers ?? []).length > 0 && (next.metadata.finalizers ?? []).length === 0;
    if (next.metadata.deletionTimestamp && lastFinalizerRemoved && !next.metadata.deletionGracePeriodSeconds) {
      this.removeNow(type, next);
      return {object: this.present(type, next, version), created: false, warnings: checked.messages};
    }
    const stored = this.store.put(typeKey(type.group, type.plural), next);
    this.afterWrite(type, current, stored);
    return {object: this.present(type, stored, version), created: false, warnings: checked.messages};
  }

  delete(
    type: ResourceType,
    namespace: string,
    name: string,
    options: {dryRun?: boolean; propagationPolicy?: PropagationPolicy; preconditions?: {uid?: string; resourceVersion?: string}; gracePeriodSeconds?: number} = {},
  ): KubeObject {
    const current = this.tryGet(type, namespace, name);
    if (!current) throw notFound(type.plural, type.group, name);
    const pre = options.preconditions;
    if (pre?.resourceVersion && pre.resourceVersion !== current.metadata.resourceVersion) {
      throw conflict(type.plural, type.group, name);
    }
    if (pre?.uid && pre.uid !== current.metadata.uid) {
      throw new StatusError(
        409,
        'Conflict',
        `Operation cannot be fulfilled on ${qualifiedResource(type.plural, type.group)} "${name}": Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${current.metadata.uid}`,
      );
    }
    if (options.dryRun) return this.present(type, current, type.versions[0]!);
    // A pod on a node is deleted gracefully: marked, and left Terminating until its kubelet removes it
    // (the kubelet controller). A grace period of 0 (the kubelet's own call, or --force) removes it now.
    const grace = options.gracePeriodSeconds ?? (current.spec as {terminationGracePeriodSeconds?: number} | undefined)?.terminationGracePeriodSeconds ?? 30;
    if (type.group === '' && type.plural === 'pods' && (current.spec as {nodeName?: string} | undefined)?.nodeName && grace > 0 && this.gracefulPodDeletion) {
      if (current.metadata.deletionTimestamp) return this.present(type, current, type.versions[0]!);
      const marked = structuredClone(current);
      marked.metadata.deletionTimestamp = new Date(this.now().getTime() + grace * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
      marked.metadata.deletionGracePeriodSeconds = grace;
      const stored = this.store.put(typeKey(type.group, type.plural), marked);
      return this.present(type, stored, type.versions[0]!);
    }
    if ((current.metadata.finalizers ?? []).length > 0) {
      if (current.metadata.deletionTimestamp) return this.present(type, current, type.versions[0]!);
      const marked = structuredClone(current);
      marked.metadata.deletionTimestamp = this.now().toISOString().replace(/\.\d+Z$/, 'Z');
      const stored = this.store.put(typeKey(type.group, type.plural), marked);
      return this.present(type, stored, type.versions[0]!);
    }
    const removed = this.removeNow(type, current, options.propagationPolicy ?? 'Background');
    return this.present(type, removed, type.versions[0]!);
  }

  private removeNow(type: ResourceType, object: KubeObject, policy: PropagationPolicy = 'Background'): KubeObject {
    const key = typeKey(type.group, type.plural);
    const removed = this.store.remove(key, object.metadata.namespace ?? '', object.metadata.name!)!;
    this.collectDependents(object.metadata.uid!, policy);
    if (type.kind === 'Namespace') this.emptyNamespace(object.metadata.name!);
    if (type.kind === 'CustomResourceDefinition') this.dropCustomResources(object);
    return removed;
  }

  /** What the garbage collector does for objects whose owner is gone. */
  private collectDependents(ownerUid: string, policy: PropagationPolicy): void {
    const dependents: Array<[string, KubeObject]> = [];
    for (const [key, object] of this.store.entries()) {
      if (object.metadata.ownerReferences?.some(ref => ref.uid === ownerUid)) dependents.push([key, object]);
    }
    for (const [key, object] of dependents) {
      const type = this.registry.all().find(t => typeKey(t.group, t.plural) === key);
      if (!type) continue;
      if (policy === 'Orphan') {
        const orphan = structuredClone(object);
        orphan.metadata.ownerReferences = orphan.metadata.ownerReferences!.filter(ref => ref.uid !== ownerUid);
        this.store.put(key, orphan);
      } else if (this.tryGet(type, object.metadata.namespace ?? '', object.metadata.name!)) {
        this.removeNow(type, object, policy);
      }
    }
  }

  private emptyNamespace(namespace: string): void {
    const doomed: Array<[string, KubeObject]> = [];
    for (const [key, object] of this.store.entries()) if (object.metadata.namespace === namespace) doomed.push([key, object]);
    for (const [key, object] of doomed) {
      if (this.store.get(key, namespace, object.metadata.name!)) {
        this.store.remove(key, namespace, object.metadata.name!);
        this.collectDependents(object.metadata.uid!, 'Background');
      }
    }
  }

  private dropCustomResources(crd: KubeObject): void {
    const spec = crd.spec as {group: string; names: {plural: string}};
    const key = typeKey(spec.group, spec.names.plural);
    for (const object of this.store.list(key)) this.store.remove(key, object.metadata.namespace ?? '', object.metadata.name!);
    this.registry.unregisterCrd(crd);
  }

  // ---- helpers -----------------------------------------------------------------------------------

  private afterWrite(type: ResourceType, _before: KubeObject | undefined, after: KubeObject): void {
    if (type.kind === 'CustomResourceDefinition') {
      this.registry.registerCrd(after);
      for (const key of [...this.validators.keys()]) if (key.startsWith(`${(after.spec as {names: {plural: string}}).names.plural}.`)) this.validators.delete(key);
      const established = structuredClone(after);
      const names = (after.spec as {names: Record<string, unknown>}).names;
      const conditions = [
        {type: 'NamesAccepted', status: 'True', reason: 'NoConflicts', message: 'no conflicts found', lastTransitionTime: after.metadata.creationTimestamp},
        {type: 'Established', status: 'True', reason: 'InitialNamesAccepted', message: 'the initial names have been accepted', lastTransitionTime: after.metadata.creationTimestamp},
      ];
      const status = {acceptedNames: names, conditions, storedVersions: [((after.spec as {versions: Array<{name: string; storage?: boolean}>}).versions.find(v => v.storage) ?? {name: ''}).name]};
      if (!isDeepStrictEqual(after.status, status)) {
        established.status = status;
        this.store.put(typeKey(type.group, type.plural), established);
      }
    }
  }

  private checkNamespace(type: ResourceType, namespace: string, object: KubeObject): void {
    if (!type.namespaced) return;
    if (object.metadata.namespace && object.metadata.namespace !== namespace) {
      throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    const ns = this.store.get(typeKey('', 'namespaces'), '', namespace);
    if (!ns) throw notFound('namespaces', '', namespace);
    if (ns.metadata.deletionTimestamp) {
      throw new StatusError(403, 'Forbidden', `unable to create new content in namespace ${namespace} because it is being terminated`);
    }
  }

  private checkName(type: ResourceType, name: string): void {
    if (name.length > 253 || !DNS_SUBDOMAIN.test(name)) {
      throw invalid(type.kind, type.group, name, [
        {
          reason: 'FieldValueInvalid',
          field: 'metadata.name',
          message: `Invalid value: "${name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
        },
      ]);
    }
  }

  private versionOf(type: ResourceType, object: Partial<KubeObject>): string {
    if (!object.apiVersion) return type.versions[0]!;
    const {group, version} = splitApiVersion(object.apiVersion);
    if (group !== type.group || !type.versions.includes(version) || (object.kind && object.kind !== type.kind)) {
      throw badRequest(
        `the API version in the data (${object.apiVersion}) does not match the expected API version (${apiVersionOf(type.group, type.versions[0]!)})`,
      );
    }
    return version;
  }

  private versionFromOptions(type: ResourceType, _options: WriteOptions): string {
    return type.versions[0]!;
  }

  /** Schema validation for custom resources: defaults, pruning, and the fieldValidation mode. */
  private validate(
    type: ResourceType,
    version: string,
    object: KubeObject,
    options: WriteOptions,
  ): {object: KubeObject; messages: string[]} {
    this.validateLabels(type, object);
    if (type.builtin) return {object, messages: []};
    const validator = this.validatorFor(type, version);
    const outcome = validator.validate(object);
    if (outcome.causes.length > 0) throw invalid(type.kind, type.group, object.metadata.name ?? '', outcome.causes);
    const mode = options.fieldValidation ?? 'Warn';
    if (outcome.unknownFields.length > 0 && mode === 'Strict') {
      throw badRequest(
        `${type.kind} in version "${version}" cannot be handled as a ${type.kind}: strict decoding error: ${outcome.unknownFields.map(f => `unknown field "${f}"`).join(', ')}`,
      );
    }
    const messages = mode === 'Warn' ? outcome.unknownFields.map(f => `unknown field "${f}"`) : [];
    return {object: outcome.object, messages};
  }

  private validateLabels(type: ResourceType, object: KubeObject): void {
    const causes: StatusCause[] = [];
    for (const [key, value] of Object.entries(object.metadata.labels ?? {})) {
      if (typeof value !== 'string' || value.length > 63 || !/^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/.test(value)) {
        causes.push({
          reason: 'FieldValueInvalid',
          field: `metadata.labels`,
          message: `Invalid value: "${String(value)}": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`,
        });
      }
      if (!/^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/.test(key)) {
        causes.push({reason: 'FieldValueInvalid', field: 'metadata.labels', message: `Invalid value: "${key}": name part must consist of alphanumeric characters, '-', '_' or '.'`});
      }
    }
    if (causes.length > 0) throw invalid(type.kind, type.group, object.metadata.name ?? '', causes);
  }

  private validatorFor(type: ResourceType, version: string): SchemaValidator {
    const key = `${type.plural}.${type.group}@${version}`;
    let validator = this.validators.get(key);
    if (!validator) {
      validator = compileSchema(type.schemas?.[version] ?? {type: 'object', 'x-kubernetes-preserve-unknown-fields': true});
      this.validators.set(key, validator);
    }
    return validator;
  }

  /** The handful of defaults a real server fills in that clients and controllers rely on. */
  private applyBuiltinDefaults(type: ResourceType, object: KubeObject): void {
    const spec = object.spec as Record<string, any> | undefined;
    switch (type.kind) {
      case 'Namespace':
        object.metadata.labels = {...object.metadata.labels, 'kubernetes.io/metadata.name': object.metadata.name!};
        object.spec = {finalizers: ['kubernetes'], ...(spec ?? {})};
        object.status = {phase: 'Active', ...((object.status as object) ?? {})};
        break;
      case 'Service':
        if (!spec) break;
        spec.type ??= 'ClusterIP';
        spec.sessionAffinity ??= 'None';
        if (spec.type !== 'ExternalName' && !spec.clusterIP) {
          const n = this.nextClusterIp++;
          spec.clusterIP = `10.96.${Math.floor(n / 250)}.${(n % 250) + 1}`;
        }
        if (spec.clusterIP && !spec.clusterIPs) spec.clusterIPs = [spec.clusterIP];
        for (const port of spec.ports ?? []) {
          port.protocol ??= 'TCP';
          port.targetPort ??= port.port;
        }
        break;
      case 'Deployment':
      case 'StatefulSet':
      case 'ReplicaSet':
        if (!spec) break;
        spec.replicas ??= 1;
        if (type.kind === 'Deployment') {
          spec.revisionHistoryLimit ??= 10;
          spec.progressDeadlineSeconds ??= 600;
          spec.strategy ??= {type: 'RollingUpdate', rollingUpdate: {maxSurge: '25%', maxUnavailable: '25%'}};
        }
        if (type.kind === 'StatefulSet') {
          // kubectl rollout status refuses a StatefulSet without an update strategy; apps/v1 defaults it.
          spec.updateStrategy ??= {type: 'RollingUpdate', rollingUpdate: {partition: 0}};
          spec.podManagementPolicy ??= 'OrderedReady';
          spec.revisionHistoryLimit ??= 10;
        }
        defaultPodSpec(spec.template?.spec);
        break;
      case 'DaemonSet':
        if (spec) {
          spec.updateStrategy ??= {type: 'RollingUpdate', rollingUpdate: {maxUnavailable: 1, maxSurge: 0}};
          spec.revisionHistoryLimit ??= 10;
        }
        defaultPodSpec(spec?.template?.spec);
        break;
      case 'Pod':
        defaultPodSpec(spec);
        break;
    }
  }
}

function defaultPodSpec(spec: Record<string, any> | undefined): void {
  if (!spec) return;
  spec.restartPolicy ??= 'Always';
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.terminationGracePeriodSeconds ??= 30;
  for (const container of [...(spec.containers ?? []), ...(spec.initContainers ?? [])]) {
    for (const port of container.ports ?? []) port.protocol ??= 'TCP';
    container.imagePullPolicy ??= 'IfNotPresent';
  }
}

function toScale(object: KubeObject): KubeObject {
  const spec = object.spec as {replicas?: number; selector?: LabelSelector} | undefined;
  const status = object.status as {replicas?: number} | undefined;
  const {name, namespace, uid, resourceVersion, creationTimestamp} = object.metadata;
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {name, namespace, uid, resourceVersion, creationTimestamp},
    spec: {replicas: spec?.replicas ?? 0},
    status: {replicas: status?.replicas ?? 0, selector: selectorString(spec?.selector)},
  };
}

interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{key: string; operator: string; values?: string[]}>;
}

/** metav1.FormatLabelSelector: what Scale.status.selector carries. */
function selectorString(selector: LabelSelector | undefined): string {
  const parts = Object.entries(selector?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const {key, operator, values = []} of selector?.matchExpressions ?? []) {
    if (operator === 'In') parts.push(`${key} in (${values.join(',')})`);
    else if (operator === 'NotIn') parts.push(`${key} notin (${values.join(',')})`);
    else if (operator === 'Exists') parts.push(key);
    else if (operator === 'DoesNotExist') parts.push(`!${key}`);
  }
  return parts.join(',');
}

/** Generation follows changes to anything but metadata and status. */
function specChanged(before: KubeObject, after: KubeObject): boolean {
  const strip = (o: KubeObject) => {
    const {metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest} = o;
    return rest;
  };
  return !isDeepStrictEqual(strip(before), strip(after));
}

function stripVolatile(object: KubeObject): unknown {
  const {managedFields: _f, resourceVersion: _rv, ...metadata} = object.metadata;
  const managers = (object.metadata.managedFields ?? []).map(({time: _t, ...rest}) => rest);
  return {...object, apiVersion: undefined, metadata: {...metadata, managers}};
}

/** RFC 7386 JSON merge patch. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return structuredClone(patch);
  const out: Record<string, unknown> =
    typeof target === 'object' && target !== null && !Array.isArray(target) ? {...(target as Record<string, unknown>)} : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = mergePatch(out[key], value);
  }
  return out;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw badRequest(`error decoding patch: ${(error as Error).message}`);
  }
}

function keyOf(object: KubeObject): string {
  return `${object.metadata.namespace ?? ''}/${object.metadata.name}`;
}

function lowerBound(sorted: KubeObject[], key: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (keyOf(sorted[mid]!) < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function encodeContinue(rv: string, start: string): string {
  return Buffer.from(JSON.stringify({v: 'meta.k8s.io/v1', rv: Number(rv), start})).toString('base64url');
}

function decodeContinue(token: string): {rv: string; start: string} {
  try {
    const decoded = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as {rv: number; start: string};
    if (typeof decoded.start !== 'string') throw new Error('bad token');
    return {rv: String(decoded.rv), start: decoded.start};
  } catch {
    throw badRequest('continue key is not valid: invalid continue token');
  }
}

function randomSuffix(): string {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  let out = '';
  for (let i = 0; i < 5; i++) out += alphabet[Math.floor(Math.random() * alphabet.length)];
  return out;
}
