#!/usr/bin/env bash
# gRPC server benchmark (not a test): serves bench.v1.Echo from
#   (a) HvFleet's server (tests/HvFleet.Interop.Server: Grpc.AspNetCore on Kestrel, Release build),
#   (b) a C++ gRPC server on Debian's libgrpc++-dev, callback API (bench/cpp/echo_server.cc),
#   (c) a grpcio asyncio server (bench/python/echo_server.py),
# plus, as a floor, the same unary calls answered on bare Kestrel inside (a) without grpc-dotnet,
# each pinned to core 0 while h2load runs on core 1, and prints req/s, p50/p99 latency and our
# ratio to each, plus server-streaming messages/s and HvFleet's bytes allocated per call, all from
# one run of interleaved rounds (medians reported). h2load counts HTTP statuses only, so every measured run is validated by its DATA byte
# total: n x (5 + reply size) for unary calls (reference grpc-over-http2.md section 7.3).
#
#   bash bench/grpc-bench.sh
# Knobs (environment): BENCH_REQUESTS (200000), BENCH_WARMUP (30000), BENCH_CONNECTIONS (16),
# BENCH_STREAMS (32 per connection), BENCH_SIZE (32: request payload and reply size in bytes),
# BENCH_STREAM_CALLS (400), BENCH_STREAM_COUNT (1000 replies per streaming call), BENCH_ROUNDS (3),
# BENCH_SERVERS ("hvfleet cpp grpcio": hvfleet and cpp are always run), BENCH_SERVER_ENV (extra
# VAR=value words for our server's environment, to try a setting: DOTNET_gcServer=0,
# Kestrel__Limits__Http2__MaxFrameSize=65536, Logging__LogLevel__Default=Information, ...).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
requests="${BENCH_REQUESTS:-200000}"
warmup="${BENCH_WARMUP:-30000}"
connections="${BENCH_CONNECTIONS:-16}"
streams="${BENCH_STREAMS:-32}"
size="${BENCH_SIZE:-32}"
stream_calls="${BENCH_STREAM_CALLS:-400}"
stream_count="${BENCH_STREAM_COUNT:-1000}"
rounds="${BENCH_ROUNDS:-3}"
read -r -a server_env <<<"${BENCH_SERVER_ENV:-}"
work="$root/artifacts/bench"
mkdir -p "$work"
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1

log() { echo "==> $*" >&2; }

# --- tools ---------------------------------------------------------------------------------------
apt_packages=(libgrpc++-dev libprotobuf-dev protobuf-compiler protobuf-compiler-grpc g++ pkg-config
  python3-grpcio python3-protobuf nghttp2-client)
missing=()
for pkg in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]} > 0)); then
  sudo=()
  [[ "$(id -u)" -eq 0 ]] || sudo=(sudo -n)
  log "apt-get install ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get update -q
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}" </dev/null
fi

# --- build the servers ----------------------------------------------------------------------------
cpp_dir="$work/cpp"
cpp_server="$cpp_dir/echo_server"
if [[ ! -x "$cpp_server" || bench/cpp/echo_server.cc -nt "$cpp_server" || tests/interop/protos/bench/v1/echo.proto -nt "$cpp_server" ]]; then
  log "building the C++ echo server"
  mkdir -p "$cpp_dir"
  protoc -I tests/interop/protos --cpp_out="$cpp_dir" --grpc_out="$cpp_dir" \
    --plugin=protoc-gen-grpc="$(command -v grpc_cpp_plugin)" bench/v1/echo.proto
  # shellcheck disable=SC2046  # pkg-config prints several flags on purpose
  g++ -O2 -std=c++17 -I "$cpp_dir" bench/cpp/echo_server.cc "$cpp_dir/bench/v1/echo.pb.cc" \
    "$cpp_dir/bench/v1/echo.grpc.pb.cc" $(pkg-config --cflags --libs grpc++ protobuf) -o "$cpp_server"
fi

log "building HvFleet.Interop.Server (Release)"
dotnet build tests/HvFleet.Interop.Server/HvFleet.Interop.Server.csproj -c Release -nologo -clp:ErrorsOnly >&2
our_dll="$root/tests/HvFleet.Interop.Server/bin/Release/net10.0/HvFleet.Interop.Server.dll"

# --- request bodies (reference 7.3: protoc --encode, then flag 00 and a 4-byte length) -----------
frame() { # frame MESSAGE_FILE OUT_FILE
  local len
  len=$(stat -c %s "$1")
  {
    printf '\000'
    for shift in 24 16 8 0; do
      # shellcheck disable=SC2059  # the format is the byte being built
      printf "\\$(printf '%03o' $(((len >> shift) & 255)))"
    done
    cat "$1"
  } >"$2"
}
encode() { # encode TYPE TEXT OUT_FILE
  printf '%s' "$2" | protoc -I tests/interop/protos --encode="$1" bench/v1/echo.proto >"$3"
}
payload_text="$(printf 'a%.0s' $(seq "$size"))"
encode bench.v1.EchoRequest "payload: \"$payload_text\" response_size: $size" "$work/unary.msg"
frame "$work/unary.msg" "$work/unary.bin"
encode bench.v1.EchoStreamRequest "count: $stream_count response_size: $size" "$work/stream.msg"
frame "$work/stream.msg" "$work/stream.bin"
# The expected reply, to validate DATA byte totals.
encode bench.v1.EchoReply "payload: \"$payload_text\"" "$work/reply.msg"
reply_frame=$((5 + $(stat -c %s "$work/reply.msg")))

# --- running servers and h2load ------------------------------------------------------------------
# All three servers run at once, each pinned to core 0 (idle ones cost nothing), and the measured
# runs are interleaved round by round, so a change in the machine's background load hits every
# server alike; each figure is the median over the rounds.
declare -A pid port
stop_servers() {
  local name
  for name in "${!pid[@]}"; do
    if kill -0 "${pid[$name]}" 2>/dev/null; then
      kill "${pid[$name]}" 2>/dev/null || true
      wait "${pid[$name]}" 2>/dev/null || true
    fi
  done
}
trap stop_servers EXIT

start_server() { # start_server NAME COMMAND...
  local name="$1" p=""
  shift
  log "$name: starting (core 0)"
  # Emptied first: the background redirection may open the file only after the first read below,
  # which would then find the LISTENING line of an earlier run.
  : >"$work/$name.out"
  taskset -c 0 "$@" >"$work/$name.out" 2>"$work/$name.err" </dev/null &
  pid[$name]=$!
  for _ in $(seq 600); do
    p="$(awk '/^LISTENING /{print $2; exit}' "$work/$name.out")"
    if [[ -n "$p" ]]; then
      port[$name]="$p"
      return 0
    fi
    kill -0 "${pid[$name]}" 2>/dev/null || break
    sleep 0.1
  done
  echo "server $name did not start; stderr:" >&2
  cat "$work/$name.err" >&2
  exit 1
}

h2load_run() { # h2load_run SERVER OUT_PREFIX PATH BODY N CONNECTIONS STREAMS [--log-file F]
  local server="$1" out="$2" path="$3" body="$4" n="$5" c="$6" m="$7"
  shift 7
  taskset -c 1 h2load -n "$n" -c "$c" -m "$m" -t 1 -d "$body" \
    -H 'content-type: application/grpc' -H 'te: trailers' "$@" \
    "http://127.0.0.1:${port[$server]}$path" >"$out.txt"
}

field() { # field FILE: prints "reqs_per_s succeeded data_bytes"
  awk '
    /^finished in/ { rps = $4 }
    /^requests:/ { ok = $8 }
    /^traffic:/ { for (i = 1; i <= NF; i++) if ($i == "data") { d = $(i - 1) } }
    END { gsub(/[()]/, "", d); print rps, ok, d }' "$1"
}

percentile() { # percentile LOG P: latency in ms at percentile P of h2load --log-file
  sort -n -k3,3 "$1" | awk -v p="$2" '{ v[NR] = $3 } END { i = int(NR * p / 100); if (i < 1) i = 1; printf "%.2f", v[i] / 1000 }'
}

median() { # median VALUES...: the middle value (lower middle for an even count)
  printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

# Per name: space-separated values, one per round.
declare -A rps p50 p99 mps alloc

unary_run() { # unary_run SERVER NAME PATH ROUND: one measured, validated unary run
  local server="$1" name="$2" path="$3" round="$4" r ok data
  local out="$work/$name.unary.$round"
  log "round $round, $name: $requests unary calls, -c $connections -m $streams (h2load on core 1)"
  h2load_run "$server" "$out" "$path" "$work/unary.bin" "$requests" "$connections" "$streams" --log-file "$out.log"
  read -r r ok data < <(field "$out.txt")
  local expected=$((requests * reply_frame))
  if [[ "$ok" != "$requests" || "$data" != "$expected" ]]; then
    echo "$name: INVALID unary run: $ok of $requests succeeded, $data DATA bytes (expected $expected)" >&2
    exit 1
  fi
  rps[$name]+="$r "
  p50[$name]+="$(percentile "$out.log" 50) "
  p99[$name]+="$(percentile "$out.log" 99) "
  rm -f "$out.log"
}

stream_run() { # stream_run SERVER ROUND: one measured, validated server-streaming run
  local server="$1" round="$2" r ok data
  local out="$work/$server.stream.$round"
  log "round $round, $server: $stream_calls streaming calls x $stream_count replies"
  h2load_run "$server" "$out" /bench.v1.Echo/Stream "$work/stream.bin" "$stream_calls" 4 8
  read -r r ok data < <(field "$out.txt")
  local expected=$((stream_calls * stream_count * reply_frame))
  if [[ "$ok" != "$stream_calls" || "$data" != "$expected" ]]; then
    echo "$server: INVALID streaming run: $ok of $stream_calls succeeded, $data DATA bytes (expected $expected)" >&2
    exit 1
  fi
  mps[$server]+="$(awk -v r="$r" -v n="$stream_count" 'BEGIN { printf "%.0f", r * n }') "
}

servers=(hvfleet cpp)
[[ " ${BENCH_SERVERS:-hvfleet cpp grpcio} " == *" grpcio "* ]] && servers+=(grpcio)
((${#server_env[@]} > 0)) && log "hvfleet environment: ${server_env[*]}"
start_server hvfleet env "${server_env[@]}" dotnet "$our_dll" --port 0 --bench-stats
start_server cpp "$cpp_server" --port 0
[[ " ${servers[*]} " == *" grpcio "* ]] && start_server grpcio /usr/bin/python3 bench/python/echo_server.py --port 0
for server in "${servers[@]}"; do
  log "$server: warm-up, $warmup unary calls"
  h2load_run "$server" "$work/$server.warmup" /bench.v1.Echo/Unary "$work/unary.bin" "$warmup" "$connections" "$streams"
done
h2load_run hvfleet "$work/floor.warmup" /bench.floor/Unary "$work/unary.bin" "$warmup" "$connections" "$streams"

load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
for round in $(seq "$rounds"); do
  for server in "${servers[@]}"; do
    if [[ "$server" == hvfleet ]]; then
      # The same process answering the same calls straight on Kestrel, without grpc-dotnet.
      unary_run hvfleet kestrel-floor /bench.floor/Unary "$round"
      before="$(nghttp "http://127.0.0.1:${port[hvfleet]}/_bench/allocated")"
      unary_run hvfleet hvfleet /bench.v1.Echo/Unary "$round"
      after="$(nghttp "http://127.0.0.1:${port[hvfleet]}/_bench/allocated")"
      alloc[hvfleet]+="$(((after - before) / requests)) "
    else
      unary_run "$server" "$server" /bench.v1.Echo/Unary "$round"
    fi
    stream_run "$server" "$round"
  done
done
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"
stop_servers

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
# shellcheck disable=SC2086  # the per-round values are meant to split
m() { median ${1}; }
echo
echo "bench.v1.Echo/Unary: $requests calls per run, ${size}-byte request payload and reply, h2load -c $connections -m $streams -t 1;"
echo "server streaming: $stream_calls calls x $stream_count replies, -c 4 -m 8. Medians of $rounds interleaved rounds."
echo "(servers pinned to core 0, h2load to core 1; every run validated by its DATA byte total;"
echo " load average before/after: $load_before / $load_after on $(nproc) cores: other work on the machine skews every figure)"
printf '%-14s %12s %9s %9s %16s   %s\n' server "req/s" "p50 ms" "p99 ms" "stream msgs/s" "unary req/s per round"
((${#server_env[@]} > 0)) && echo "hvfleet environment: ${server_env[*]}"
for name in hvfleet cpp grpcio kestrel-floor; do
  [[ -n "${rps[$name]:-}" ]] || continue
  printf '%-14s %12.0f %9s %9s %16s   %s\n' "$name" "$(m "${rps[$name]}")" "$(m "${p50[$name]}")" "$(m "${p99[$name]}")" \
    "$(if [[ -n "${mps[$name]:-}" ]]; then m "${mps[$name]}"; else echo -; fi)" "${rps[$name]}"
done
versus_grpcio() { # versus_grpcio ARRAY_NAME: "; hvfleet/grpcio: R" when grpcio ran
  local -n values="$1"
  [[ -n "${values[grpcio]:-}" ]] && echo "; hvfleet/grpcio: $(ratio "$(m "${values[hvfleet]}")" "$(m "${values[grpcio]}")")"
  return 0
}
echo "hvfleet/cpp unary ratio: $(ratio "$(m "${rps[hvfleet]}")" "$(m "${rps[cpp]}")")$(versus_grpcio rps)"
echo "hvfleet/cpp streaming ratio: $(ratio "$(m "${mps[hvfleet]}")" "$(m "${mps[cpp]}")")$(versus_grpcio mps)"
echo "hvfleet/kestrel-floor unary ratio: $(ratio "$(m "${rps[hvfleet]}")" "$(m "${rps[kestrel-floor]}")") (kestrel-floor: the same process answering on bare Kestrel, without grpc-dotnet)"
echo "hvfleet bytes allocated per unary call (whole process, measured runs): $(m "${alloc[hvfleet]}")"
