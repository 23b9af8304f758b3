// Compiles source/ to dist/ with esbuild; `npm ci` runs it through `prepare`, `npm pack` through `prepack`.
// esbuild rather than tsc: it builds the whole tool in well under a second (so `npm start` and `npm test`
// can rebuild every time and never run stale code), and it bundles each command's code into its own
// chunk behind the CLI's dynamic imports, so a command loads only its own modules. Type checking stays
// with tsc (`npm run typecheck`, run by `npm test`). Dependencies are not bundled: they load from
// node_modules, only when a command imports them.
import {build} from 'esbuild';
import {readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import yaml from 'js-yaml';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const quiet = process.argv.includes('--quiet');
const started = performance.now();
rmSync(path.join(root, 'dist'), {recursive: true, force: true});
const result = await build({
  absWorkingDir: root,
  entryPoints: ['source/cli.tsx'],
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  jsx: 'automatic',
  chunkNames: 'chunks/[name]-[hash]',
  legalComments: 'none',
  logLevel: 'warning',
  metafile: true,
});
// The CRDs every simulated cluster installs, as JSON: the demo starts without parsing 2 MB of YAML.
// The same shape as the simulator's seed documents (source/sim/seed.ts reads it).
const crdDir = path.join(root, 'fixtures', 'crds');
const crdFiles = readdirSync(crdDir, {recursive: true}).filter(f => /\.ya?ml$/.test(f)).sort();
const crds = crdFiles.flatMap(f => {
  const file = path.join(crdDir, f);
  return yaml.loadAll(readFileSync(file, 'utf8')).filter(Boolean).map(object => ({object, source: file}));
});
writeFileSync(path.join(root, 'dist', 'crds.json'), JSON.stringify(crds));
if (!quiet) {
  const files = Object.keys(result.metafile.outputs).length;
  console.log(`built dist/ (${files} files) in ${Math.round(performance.now() - started)} ms`);
}
