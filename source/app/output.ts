/** `-o json|yaml` (and `--json`), written as kubectl writes them. */
export type OutputFormat = 'json' | 'yaml';

export async function writeStructured(stdout: NodeJS.WritableStream, format: OutputFormat, value: unknown): Promise<void> {
  if (format === 'json') {
    stdout.write(`${JSON.stringify(value, null, 2)}\n`);
    return;
  }
  // js-yaml only for -o yaml: the text and JSON outputs never load it.
  const {default: yaml} = await import('js-yaml');
  stdout.write(yaml.dump(JSON.parse(JSON.stringify(value)), {noRefs: true, lineWidth: -1, sortKeys: false}));
}
