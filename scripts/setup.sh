#!/bin/sh
# Installs what numascope needs on a Debian/Ubuntu machine: the system libraries and
# tools (libnuma for the kernel calls, a C compiler for the test targets, numactl (with
# numastat) and util-linux's setpriv for the tests, Chromium for the end-to-end tests,
# prometheus (with promtool) for the metrics tests, redis-server (with redis-cli and
# redis-benchmark) for the workload scripts/screenshots.mjs pictures), then the npm
# packages (which also builds the code).
set -eu
cd "$(dirname "$0")/.."

case "${1:-}" in
  -h|--help)
    echo "usage: scripts/setup.sh"
    echo "  installs the Debian packages numascope needs (root or sudo), then runs npm install"
    exit 0 ;;
esac

packages="libnuma1 numactl gcc libc6-dev util-linux chromium prometheus redis-server"
missing=""
for package in $packages; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $package"
done
if [ -n "$missing" ]; then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "setup: please install:$missing (no apt-get on this machine)" >&2
    exit 1
  fi
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "setup: installing$missing"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing
fi

# The electron package downloads its binary from the internet; skip that here and let
# scripts/fetch-electron.mjs (run by npm's postinstall) try without failing the install.
ELECTRON_SKIP_BINARY_DOWNLOAD=1 npm install --no-audit --no-fund
