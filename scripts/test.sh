#!/usr/bin/env bash
# Runs every test file with node's test runner. Node 20's --test does not expand globs, so the files
# are listed here; an empty list is an error, never a silent green run.
set -euo pipefail
cd "$(dirname "$0")/.."
# The tests run the compiled CLI, as users do: build it first, and type-check (esbuild does not).
node scripts/build.mjs
npx tsc --noEmit -p .
mapfile -t files < <(find test -name '*.test.ts' -o -name '*.test.tsx' | sort)
if [ "${#files[@]}" -eq 0 ]; then
  echo "no test files found under test/" >&2
  exit 1
fi
# Two files at a time: most tests wait on child processes and servers, so this halves the wall time.
exec node --import tsx --test --test-reporter=spec --test-concurrency=2 "$@" "${files[@]}"
