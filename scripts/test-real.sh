#!/usr/bin/env bash
# The real-server tier: builds (or reuses) the real control plane of test/real-cluster/ and runs the
# conformance suites against it, unchanged. Each suite's helper starts a fresh real cluster, installs
# the Istio and Gateway API CRDs from fixtures/crds/ and creates the suite's fixtures (see
# test/helpers/real-cluster.ts). Without Go the tier says it is skipped, and why.
set -euo pipefail
cd "$(dirname "$0")/.."
set +e
binary="$(bash test/real-cluster/build.sh | tail -n 1)"
status=${PIPESTATUS[0]}
set -e
if [ "$status" -eq 3 ]; then
  echo "test:real skipped: Go is not installed, so the real control plane cannot be built"
  exit 0
fi
[ "$status" -eq 0 ] || { echo "test:real: building the real control plane failed" >&2; exit "$status"; }
files=("$@")
[ "${#files[@]}" -gt 0 ] || files=(test/sim/kubectl-conformance.test.ts test/sim/client-node-conformance.test.ts)
export AMBIENT_MIGRATE_REAL_CLUSTER="$binary"
exec node --import tsx --test --test-reporter=spec --test-concurrency=1 "${files[@]}"
