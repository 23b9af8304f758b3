import yaml from 'js-yaml';

/**
 * kubectl reads YAML with sigs.k8s.io/yaml (go-yaml, YAML 1.1), js-yaml writes YAML 1.2. js-yaml already
 * quotes `yes`, `on`, `0o12`, `1:20` and dates, but writes `1_000` or `0b101` bare, which YAML 1.1 reads as
 * numbers: a label value "1_000" would come back as an int and kubectl would reject the object. This
 * implicit type is never used to represent a value (predicate is always false); js-yaml only consults its
 * `resolve` to decide that such strings must be quoted.
 */
const yaml11Number = new yaml.Type('tag:ambient-migrate,2026:yaml11-number', {
  kind: 'scalar',
  resolve: (data: unknown) => typeof data === 'string' && /^[-+]?(0b[01]+|0o?[0-7]+|0x[0-9a-f]+|[0-9]*\.?[0-9]+(e[-+]?[0-9]+)?)$/i.test(data.replace(/_/g, '')),
  construct: (data: string) => data,
  predicate: () => false,
});

const SCHEMA = yaml.DEFAULT_SCHEMA.extend({implicit: [yaml11Number]});

/** YAML that `kubectl apply -f` reads back to exactly `value`; keys keep the order they were inserted in. */
export function toKubectlYaml(value: unknown): string {
  return yaml.dump(value, {noRefs: true, lineWidth: -1, sortKeys: false, schema: SCHEMA});
}
