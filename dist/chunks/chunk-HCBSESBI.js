// source/app/output.ts
async function writeStructured(stdout, format, value) {
  if (format === "json") {
    stdout.write(`${JSON.stringify(value, null, 2)}
`);
    return;
  }
  const { default: yaml } = await import("js-yaml");
  stdout.write(yaml.dump(JSON.parse(JSON.stringify(value)), { noRefs: true, lineWidth: -1, sortKeys: false }));
}

export {
  writeStructured
};
