#!/usr/bin/env bash
# Orchestrator fan-out benchmark (not a test; tests/run.sh does not run it). One run prints:
#   (1) fan-out of a fleet recovery snapshot to N = 50, 200, 1,000 real lab agents over loopback gRPC with an
#       injected backend latency L = 1 s: wall/L (target <= 1.10 at N = 1,000, no concurrency cap) and orchestrator
#       CPU per host-task (target <= 2 ms), after a warm-up; the agents are complete AgentHosts, each on its own
#       127.0.0.1 port with its own connection, hosted in one child process so that the orchestrator's CPU is its own;
#   (2) the same no-op fan-out to 50 hosts with Debian's Ansible (`ansible all -m ping -f 50`, ansible_connection=local)
#       and with HvFleet (50 agents, L = 0), interleaved, with our ratio;
#   (3) the engine alone with in-process fake agents (no network), to tell engine overhead from transport and agents.
#
#   bash bench/fanout-bench.sh [extra HvFleet.Orchestrator.Benchmarks options, e.g. --hosts 50,200 --runs 5]
#
# Installs Debian's ansible package when /usr/bin/ansible is missing (root or passwordless sudo), builds Release,
# raises the open-file limit for 1,000 agents + 1,000 client connections, keeps the agents' data on tmpfs
# (/dev/shm) when there is one, so that 1,000 agents do not queue on one virtual disk as 1,000 hosts would not.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
log() { echo "==> $*" >&2; }

# --- Ansible (Debian's package) --------------------------------------------------------------------
if [[ ! -x /usr/bin/ansible ]]; then
  sudo=()
  [[ "$(id -u)" -eq 0 ]] || sudo=(sudo -n)
  log "apt-get install ansible"
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get update -q
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q --no-install-recommends ansible </dev/null
fi

# --- open files ------------------------------------------------------------------------------------
# Measured at N = 1,000: 6,268 descriptors in the agents process (listener, connection, job store with its WAL,
# audit log... about 6 per agent) and 1,165 in the orchestrator (one socket per agent). Each process needs its own
# limit; a common default of 1,024 fails at once.
needed=$((8 * 1000 + 2048))
soft="$(ulimit -Sn)"
hard="$(ulimit -Hn)"
if [[ "$soft" != unlimited ]] && ((soft < needed)); then
  if [[ "$hard" == unlimited ]] || ((hard >= needed)); then
    ulimit -Sn "$needed"
  else
    ulimit -Sn "$hard"
    log "open-file limit raised to the hard limit $hard only (1,000 agents want about $needed)"
  fi
fi
log "open-file limit: $(ulimit -Sn)"

# --- build and run ---------------------------------------------------------------------------------
log "building tests/HvFleet.Orchestrator.Benchmarks (Release)"
dotnet build -c Release -v quiet -nologo tests/HvFleet.Orchestrator.Benchmarks >&2
agents_dir=()
if [[ -d /dev/shm ]] && [[ "$(stat -f -c %T /dev/shm)" == tmpfs ]]; then
  # tmpfs is memory: never leave an interrupted run's agent directories behind.
  work="$(mktemp -d /dev/shm/hvfleet-fanout-bench.XXXXXX)"
  trap 'rm -rf "$work"' EXIT
  agents_dir=(--agents-dir "$work")
fi
dotnet tests/HvFleet.Orchestrator.Benchmarks/bin/Release/net10.0/HvFleet.Orchestrator.Benchmarks.dll "${agents_dir[@]}" "$@"
