// source/core/plan/objects.ts
var SERVER_METADATA = ["uid", "resourceVersion", "generation", "creationTimestamp", "managedFields", "selfLink", "deletionTimestamp"];
function userView(object) {
  const { status: _status, ...rest } = object;
  const metadata = { ...object.metadata };
  for (const field of SERVER_METADATA) delete metadata[field];
  if (object.metadata.annotations) {
    const { "kubectl.kubernetes.io/last-applied-configuration": _applied, ...annotations } = object.metadata.annotations;
    if (Object.keys(annotations).length === 0) delete metadata.annotations;
    else metadata.annotations = annotations;
  }
  return sortKeys({ ...rest, metadata });
}
function sortKeys(value) {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === "object") {
    const out = {};
    for (const key of Object.keys(value).sort()) out[key] = sortKeys(value[key]);
    return out;
  }
  return value;
}
function targetOf(object) {
  return {
    apiVersion: object.apiVersion,
    kind: object.kind,
    ...object.metadata.namespace ? { namespace: object.metadata.namespace } : {},
    name: object.metadata.name
  };
}
function operation(namespace, step, action, target, before, after, reason) {
  return {
    id: `${namespace}/${step}/${action}/${target.kind.toLowerCase()}/${target.name}`,
    namespace,
    step,
    action,
    target,
    before: before ? userView(before) : null,
    after: after ? userView(after) : null,
    reason
  };
}
function derivedName(base, suffix, max = 253) {
  const name = `${base}-${suffix}`;
  return name.length <= max ? name : `${base.slice(0, max - suffix.length - 1)}-${suffix}`;
}

export {
  userView,
  targetOf,
  operation,
  derivedName
};
