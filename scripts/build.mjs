// Compiles source/ to dist/ with esbuild; `npm ci` runs it through `prepare`, `npm pack` through `prepack`.
// esbuild rather than tsc: it builds the whole tool in well under a second (so `npm start` and `npm test`
// can rebuild every time and never run stale code), and it bundles each command's code into its own
// chunk behind the CLI's dynamic imports, so a command loads only its own modules. Type checking stays
// with tsc (`npm run typecheck`, run by `npm test`). Dependencies are not bundled: they load from
// node_modules, only when a command imports them.
import {build} from 'esbuild';
import {rmSync} from 'node:fs';
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
if (!quiet) {
  const files = Object.keys(result.metafile.outputs).length;
  console.log(`built dist/ (${files} files) in ${Math.round(performance.now() - started)} ms`);
}
