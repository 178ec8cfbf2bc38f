#!/usr/bin/env bash
# HvFleet's test command (README): bash tests/run.sh
#
# 0. tests/setup.sh installs the prerequisites if missing (Debian packages, npm lockfile),
# 1. buf lint of protos/ (counts as one test),
# 2. dotnet build HvFleet.slnx -c Release, once,
# 3. dotnet test HvFleet.slnx --no-build -c Release, results read from TRX files,
# 4. every benchmark's --quick mode as a smoke test (must exit 0; figures not asserted).
# The last line printed is exactly "N passed, N failed, N skipped" for the whole run; the exit
# code is non-zero if anything failed (a build failure or a crashed test host counts as failed).
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

passed=0
failed=0
skipped=0
results="$(mktemp -d "${TMPDIR:-/tmp}/hvfleet-tests.XXXXXX")"
trap 'rm -rf "$results"' EXIT

summary() {
  echo "${passed} passed, ${failed} failed, ${skipped} skipped"
}

section() {
  echo
  echo "==> $*"
}

# Prerequisites (Debian packages, npm modules from the lockfile), installed only if missing.
section "setup (tests/setup.sh)"
if ! bash tests/setup.sh; then
  echo "FAIL setup: could not install the test prerequisites"
  failed=$((failed + 1))
fi

node_dir="tests/interop/node"
section "buf lint (protos/)"
buf="$root/$node_dir/node_modules/.bin/buf"
if [[ -x "$buf" ]] && (cd protos && "$buf" lint); then
  echo "PASS buf lint"
  passed=$((passed + 1))
else
  echo "FAIL buf lint"
  failed=$((failed + 1))
fi

section "dotnet build HvFleet.slnx -c Release"
if ! dotnet build HvFleet.slnx -c Release -nologo -clp:ErrorsOnly; then
  echo "FAIL dotnet build"
  failed=$((failed + 1))
  summary
  exit 1
fi

section "dotnet test HvFleet.slnx --no-build -c Release"
# --blame-hang-timeout turns a hung test into a failure with a dump instead of eating CI's time.
dotnet test HvFleet.slnx --no-build -c Release -nologo \
  --logger "trx" --logger "console;verbosity=normal" --results-directory "$results" \
  --blame-hang-timeout 10m
test_rc=$?

# Count every test result in every TRX file: Passed, Failed (and Error/Timeout/Aborted), and
# NotExecuted (skipped) are told apart; nothing skipped is reported as passed.
read -r t_passed t_failed t_skipped < <(
  /usr/bin/env python3 - "$results" <<'PY'
import glob, sys, xml.etree.ElementTree as ET
ns = "{http://microsoft.com/schemas/VisualStudio/TeamTest/2010}"
p = f = s = 0
for path in glob.glob(f"{sys.argv[1]}/**/*.trx", recursive=True):
    for result in ET.parse(path).getroot().iter(f"{ns}UnitTestResult"):
        outcome = result.get("outcome", "")
        if outcome == "Passed":
            p += 1
        elif outcome in ("NotExecuted", "Inconclusive", "Pending", "Disconnected"):
            s += 1
        else:
            f += 1
print(p, f, s)
PY
)
passed=$((passed + ${t_passed:-0}))
failed=$((failed + ${t_failed:-0}))
skipped=$((skipped + ${t_skipped:-0}))

if [[ $test_rc -ne 0 && ${t_failed:-0} -eq 0 ]]; then
  # dotnet test failed without a failed result: a test host crashed or a run was aborted.
  echo "FAIL dotnet test exited with $test_rc without reporting a failed test (crashed or aborted run)"
  failed=$((failed + 1))
fi

# Benchmarks are not tests (their figures are never asserted), but each one's quick mode runs here as a
# smoke test so that none rots: it must finish and exit 0. One result per benchmark.
section "benchmark smoke runs (--quick)"
for bench in HvFleet.Benchmarks.Agent HvFleet.Benchmarks.Export HvFleet.Benchmarks.Jobs HvFleet.Orchestrator.Benchmarks HvFleet.Fuzz.Agent; do
  dll="tests/$bench/bin/Release/net10.0/$bench.dll"
  log="$results/$bench-quick.log"
  if [[ -f "$dll" ]] && timeout 600 dotnet "$dll" --quick >"$log" 2>&1; then
    echo "PASS $bench --quick"
    passed=$((passed + 1))
  else
    echo "FAIL $bench --quick (last lines of its output follow)"
    tail -n 30 "$log" 2>/dev/null
    failed=$((failed + 1))
  fi
done

summary
[[ $failed -eq 0 ]]
