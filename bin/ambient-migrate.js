#!/usr/bin/env node
// Entry point, also installed as `kubectl-ambient_migrate` (so `kubectl ambient-migrate ...` works).
// chalk (through Ink) reads the colour level once at import and ignores NO_COLOR, so NO_COLOR becomes
// FORCE_COLOR=0 before anything is loaded. The code runs compiled: `npm ci` and `npm pack` build dist/.
if (process.env.NO_COLOR && !process.env.FORCE_COLOR) process.env.FORCE_COLOR = '0';

let cli;
try {
  cli = await import('../dist/cli.js');
} catch (error) {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !String(error.message).includes('dist/cli.js')) throw error;
  process.stderr.write("ambient-migrate: the compiled code (dist/) is missing: run 'npm run build' (npm ci does it for you)\n");
  process.exit(1);
}
process.exitCode = await cli.main(process.argv.slice(2));
