#!/usr/bin/env bash
# Installs what the tests need on a fresh Debian 12 machine (the .NET 10 SDK, node 20 and npm are
# already there): Debian's grpcio/protobuf/protoc with the well-known .proto files (libprotobuf-dev:
# google/protobuf/timestamp.proto and friends, which protoc needs for the agent protos), nghttp2-client
# (wire checks), and the npm modules of tests/interop/node (grpc-js, proto-loader, buf) exactly as
# locked. The grpcio and grpc-js clients of tests/HvFleet.ExternalClients.Tests use exactly these (protobufjs,
# for reflection's descriptors, comes with proto-loader). Idempotent: what is installed already is left alone. Called by tests/run.sh.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export DEBIAN_FRONTEND=noninteractive

apt_packages=(python3-grpcio python3-protobuf protobuf-compiler libprotobuf-dev nghttp2-client)
missing=()
for pkg in "${apt_packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done
if ((${#missing[@]} > 0)); then
  sudo=()
  if [[ "$(id -u)" -ne 0 ]]; then
    sudo=(sudo -n)
  fi
  echo "==> apt-get install ${missing[*]}"
  "${sudo[@]}" apt-get update -q
  "${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}" </dev/null
fi

if [[ ! -d tests/interop/node/node_modules ]] || ! (cd tests/interop/node && npm ls --silent >/dev/null 2>&1); then
  echo "==> npm ci (tests/interop/node)"
  (cd tests/interop/node && npm ci --no-audit --no-fund </dev/null)
fi

# deploy/'s checks (tests/HvFleet.Deploy.Tests): systemd-analyze (Debian's systemd) and dockerfilelint
# (npm, locked in deploy/tools).
bash deploy/ci-check.sh --install
