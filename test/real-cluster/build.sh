#!/usr/bin/env bash
# Builds the real control plane (test/real-cluster) once per version of its sources and module checksums,
# into a git-ignored cache: a warm run only hashes and prints. The binary's path is the last line on
# stdout; everything else goes to stderr. Exit 3: Go is not installed (the caller reports the skip).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cache="$here/.bin"
if ! command -v go >/dev/null 2>&1; then
  echo "real-cluster: go is not installed; cannot build the real control plane" >&2
  exit 3
fi
export GOTOOLCHAIN=local GOFLAGS=-buildvcs=false
# Must match the k8s.io/kubernetes requirement in go.mod.
K8S_VERSION=v1.36.3
K8S_VERSION_MINOR=1.36
grep -q "k8s.io/kubernetes $K8S_VERSION\$" "$here/go.mod" || { echo "real-cluster: build.sh says $K8S_VERSION, go.mod does not" >&2; exit 1; }
key="$(cd "$here" && { go version; cat build.sh go.mod go.sum; for f in $(ls ./*.go | sort); do echo "$f"; cat "$f"; done; } | sha256sum | cut -c1-16)"
binary="$cache/$key/real-cluster"
if [ -x "$binary" ]; then
  echo "real-cluster: cached build $key" >&2
  echo "$binary"
  exit 0
fi
echo "real-cluster: building $key (etcd v3.6.8, kube-apiserver, kube-controller-manager, kube-scheduler at Kubernetes $K8S_VERSION, kwok v0.8.0) with $(go version | cut -d' ' -f3)..." >&2
start=$(date +%s)
mkdir -p "$cache"
tmp="$(mktemp -d "$cache/.build.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
# The version the components report (kubectl and clients parse /version), as upstream's build stamps it.
ldflags="-s -w"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  ldflags="$ldflags -X $pkg.gitVersion=$K8S_VERSION -X $pkg.gitMajor=${K8S_VERSION_MINOR%%.*} -X $pkg.gitMinor=${K8S_VERSION_MINOR#*.} -X $pkg.gitTreeState=clean"
done
(cd "$here" && nice -n 19 go build -ldflags="$ldflags" -o "$tmp/real-cluster" .)
# Keep only this build: older keys are stale sources.
find "$cache" -mindepth 1 -maxdepth 1 -type d ! -name '.build.*' -exec rm -rf {} +
mkdir -p "$cache/$key"
mv "$tmp/real-cluster" "$binary"
echo "real-cluster: built $key in $(( $(date +%s) - start ))s" >&2
echo "$binary"
