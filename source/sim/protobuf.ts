import type {KubeObject} from './types.ts';

/**
 * `kubectl create namespace` and a few other generator commands send built-ins as Kubernetes protobuf
 * and do not fall back to JSON. Decoding every built-in type would mean shipping their proto schemas;
 * the simulator decodes the envelope and the ObjectMeta-only kinds (Namespace, ServiceAccount), which
 * covers the commands people type during a migration, and refuses the rest with 415.
 */

const MAGIC = [0x6b, 0x38, 0x73, 0x00]; // "k8s\0"

type Field = {number: number; wire: number; value: bigint | Uint8Array};

function readVarint(buf: Uint8Array, pos: number): [bigint, number] {
  let result = 0n;
  let shift = 0n;
  for (;;) {
    const byte = buf[pos++];
    if (byte === undefined) throw new Error('truncated varint');
    result |= BigInt(byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) return [result, pos];
    shift += 7n;
  }
}

function fields(buf: Uint8Array): Field[] {
  const out: Field[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const [tag, next] = readVarint(buf, pos);
    pos = next;
    const number = Number(tag >> 3n);
    const wire = Number(tag & 7n);
    if (wire === 0) {
      const [value, after] = readVarint(buf, pos);
      out.push({number, wire, value});
      pos = after;
    } else if (wire === 2) {
      const [length, after] = readVarint(buf, pos);
      const end = after + Number(length);
      out.push({number, wire, value: buf.subarray(after, end)});
      pos = end;
    } else if (wire === 1) pos += 8;
    else if (wire === 5) pos += 4;
    else throw new Error(`unsupported wire type ${wire}`);
  }
  return out;
}

const text = (value: bigint | Uint8Array) => Buffer.from(value as Uint8Array).toString('utf8');
const bytesOf = (all: Field[], n: number) => all.filter(f => f.number === n && f.wire === 2).map(f => f.value as Uint8Array);

function decodeMap(entries: Uint8Array[]): Record<string, string> | undefined {
  if (entries.length === 0) return undefined;
  const out: Record<string, string> = {};
  for (const entry of entries) {
    const parts = fields(entry);
    out[text(bytesOf(parts, 1)[0] ?? new Uint8Array())] = text(bytesOf(parts, 2)[0] ?? new Uint8Array());
  }
  return out;
}

function decodeObjectMeta(buf: Uint8Array): KubeObject['metadata'] {
  const all = fields(buf);
  const str = (n: number) => {
    const b = bytesOf(all, n)[0];
    return b ? text(b) : undefined;
  };
  const metadata: KubeObject['metadata'] = {};
  if (str(1)) metadata.name = str(1);
  if (str(2)) metadata.generateName = str(2);
  if (str(3)) metadata.namespace = str(3);
  const labels = decodeMap(bytesOf(all, 11));
  const annotations = decodeMap(bytesOf(all, 12));
  if (labels) metadata.labels = labels;
  if (annotations) metadata.annotations = annotations;
  return metadata;
}

const METADATA_ONLY_KINDS = new Set(['Namespace', 'ServiceAccount']);

export function isProtobuf(body: Buffer): boolean {
  return MAGIC.every((b, i) => body[i] === b);
}

/** The object in a protobuf request body, or undefined when its kind is not one we can decode. */
export function decodeProtobufObject(body: Buffer): KubeObject | undefined {
  const envelope = fields(body.subarray(MAGIC.length));
  const typeMeta = fields(bytesOf(envelope, 1)[0] ?? new Uint8Array());
  const apiVersion = text(bytesOf(typeMeta, 1)[0] ?? new Uint8Array());
  const kind = text(bytesOf(typeMeta, 2)[0] ?? new Uint8Array());
  const raw = fields(bytesOf(envelope, 2)[0] ?? new Uint8Array());
  // `kubectl auth can-i` sends its SelfSubjectAccessReview as protobuf only; without it the command fails with 415.
  if (kind === 'SelfSubjectAccessReview') return {apiVersion, kind, metadata: {}, spec: decodeAccessReviewSpec(bytesOf(raw, 2)[0])};
  if (!METADATA_ONLY_KINDS.has(kind)) return undefined;
  const metadata = decodeObjectMeta(bytesOf(raw, 1)[0] ?? new Uint8Array());
  return {apiVersion, kind, metadata};
}

/** authorization/v1 SelfSubjectAccessReviewSpec: resourceAttributes = 1, nonResourceAttributes = 2. */
function decodeAccessReviewSpec(buf: Uint8Array | undefined): Record<string, unknown> {
  const spec = fields(buf ?? new Uint8Array());
  const strings = (b: Uint8Array | undefined, names: string[]) => {
    const all = fields(b ?? new Uint8Array());
    const out: Record<string, string> = {};
    names.forEach((name, i) => {
      const value = bytesOf(all, i + 1)[0];
      if (value && name) out[name] = text(value);
    });
    return out;
  };
  const resource = bytesOf(spec, 1)[0];
  const nonResource = bytesOf(spec, 2)[0];
  return {
    ...(resource ? {resourceAttributes: strings(resource, ['namespace', 'verb', 'group', 'version', 'resource', 'subresource', 'name'])} : {}),
    ...(nonResource ? {nonResourceAttributes: strings(nonResource, ['path', 'verb'])} : {}),
  };
}
