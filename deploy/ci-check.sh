#!/usr/bin/env bash
# Checks deploy/ with the tools our registries offer. Called by CI (.ci/run: `--install` first)
# and by tests/HvFleet.Deploy.Tests (the check itself).
#
#   deploy/ci-check.sh --install   install what the checks need, if missing (idempotent), and exit
#   deploy/ci-check.sh             run every check; prints PASS/FAIL per check, exits 1 on any FAIL
#
# Checks: systemd-analyze verify on deploy/linux/*.service (Debian's systemd; any warning fails),
# dockerfilelint on deploy/container/Dockerfile (npm, locked in deploy/tools), bash -n on every script.
set -uo pipefail

tools="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/tools"
# HVFLEET_DEPLOY_DIR checks another copy of deploy/ (the tests use it to prove a broken unit fails).
here="$(cd "${HVFLEET_DEPLOY_DIR:-$(dirname "${BASH_SOURCE[0]}")}" && pwd)"

install() {
  if ! command -v systemd-analyze >/dev/null 2>&1; then
    local sudo=()
    if [[ "$(id -u)" -ne 0 ]]; then
      sudo=(sudo -n)
    fi
    echo "==> apt-get install systemd (for systemd-analyze)"
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get update -q &&
      DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q --no-install-recommends systemd </dev/null || return 1
  fi
  if [[ ! -x "$tools/node_modules/.bin/dockerfilelint" ]]; then
    echo "==> npm ci (deploy/tools)"
    (cd "$tools" && npm ci --no-audit --no-fund </dev/null) || return 1
  fi
}

if [[ "${1:-}" == "--install" ]]; then
  install
  exit $?
elif [[ $# -gt 0 ]]; then
  echo "ci-check.sh: unknown argument '$1' (use --install or nothing)" >&2
  exit 2
fi

failed=0
pass() { echo "PASS $1"; }
fail() { echo "FAIL $1"; failed=$((failed + 1)); }

# systemd-analyze verify resolves ExecStart= and the units' dependencies inside --root: a throwaway
# root holds the distribution's units, the two units, and stand-ins for their executables.
if command -v systemd-analyze >/dev/null 2>&1; then
  sdroot="$(mktemp -d "${TMPDIR:-/tmp}/hvfleet-sdroot.XXXXXX")"
  trap 'rm -rf "$sdroot"' EXIT
  mkdir -p "$sdroot/etc/systemd/system" "$sdroot/usr/lib/systemd"
  cp -a /usr/lib/systemd/system "$sdroot/usr/lib/systemd/"
  for unit in "$here"/linux/*.service; do
    name="$(basename "$unit")"
    cp "$unit" "$sdroot/etc/systemd/system/$name"
    exe="$(sed -n 's/^ExecStart=\([^ ]*\).*/\1/p' "$unit")"
    mkdir -p "$sdroot$(dirname "$exe")"
    printf '#!/bin/sh\n' >"$sdroot$exe"
    chmod 0755 "$sdroot$exe"
    # verify exits 0 on unknown keys and bad values (it only warns), so any output is a failure.
    out="$(systemd-analyze verify --root="$sdroot" "/etc/systemd/system/$name" 2>&1)"
    rc=$?
    if [[ $rc -eq 0 && -z "$out" ]]; then
      pass "systemd-analyze verify $name"
    else
      echo "$out"
      fail "systemd-analyze verify $name"
    fi
  done
else
  fail "systemd-analyze not installed (run deploy/ci-check.sh --install)"
fi

lint="$tools/node_modules/.bin/dockerfilelint"
if [[ -x "$lint" ]]; then
  if "$lint" "$here/container/Dockerfile"; then
    pass "dockerfilelint container/Dockerfile"
  else
    fail "dockerfilelint container/Dockerfile"
  fi
else
  fail "dockerfilelint not installed (run deploy/ci-check.sh --install)"
fi

while IFS= read -r script; do
  if bash -n "$script"; then
    pass "bash -n ${script#"$here"/}"
  else
    fail "bash -n ${script#"$here"/}"
  fi
done < <(find "$here" -name '*.sh' -not -path '*/node_modules/*' | LC_ALL=C sort)

echo "ci-check: $failed failed"
[[ $failed -eq 0 ]]
