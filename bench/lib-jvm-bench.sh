# shellcheck shell=bash
# Shared by bench/overload.sh, bench/profile.sh and bench/memory.sh: their defaults, a private copy of the load
# harness with its upstream simulator up, one JVM at a time pinned to a CPU, and everything stopped on exit.
#   source "$(dirname "$0")/lib-jvm-bench.sh"; bench_defaults NAME DEFAULT_DELAY_MS

bench_defaults() { # bench_defaults NAME DELAY_MS: REPO HARNESS BENCH_TMP DELAY_MS *_CPUS JAR JDK25 OUT
  REPO=$(cd "$(dirname "$0")/.." && pwd)
  HARNESS=${HARNESS:-$REPO/../shared/bench}
  export BENCH_TMP=${BENCH_TMP:-/tmp/gwbench-$1}
  export DELAY_MS=${DELAY_MS:-$2}
  export UPSTREAM_CPUS=${UPSTREAM_CPUS:-0}
  PEER_CPUS=${PEER_CPUS:-1}
  LOADGEN_CPUS=${LOADGEN_CPUS:-0}
  JAR=${JAR:-$(ls "$REPO"/target/fanout-*.jar 2>/dev/null | grep -v original | head -1)}
  JDK25=${JDK25:-$(ls -d /usr/lib/jvm/*25* 2>/dev/null | head -1)}
  OUT=$BENCH_TMP/results/$(date +%Y%m%d-%H%M%S)
  [ -f "$JAR" ] || { echo "no jar (./mvnw package -DskipTests, or JAR=...)" >&2; exit 1; }
  [ -x "$JDK25/bin/java" ] || { echo "JDK 25 not found; set JDK25" >&2; exit 1; }
  [ -f "$HARNESS/upstreams/up.sh" ] || { echo "no harness at $HARNESS" >&2; exit 1; }
  mkdir -p "$OUT"
}

bench_cleanup() {
  [ -n "${pid:-}" ] && { kill "$pid" 2>/dev/null; sleep 2; kill -9 "$pid" 2>/dev/null; } || true
  "$H/upstreams/down.sh" >/dev/null 2>&1 || true
}

bench_start_upstreams() { # copies the harness to $BENCH_TMP/harness and starts its upstreams (stopped on exit)
  H=$BENCH_TMP/harness
  rm -rf "$H"; cp -r "$HARNESS" "$H"; chmod -R u+w "$H"
  pid=""
  trap bench_cleanup EXIT INT TERM
  "$H/upstreams/up.sh"
}

bench_start_jvm() { # bench_start_jvm LOG READY_URL JAVA_ARGS...: on $PEER_CPUS as $pid, waits until READY_URL answers
  local log=$1 ready=$2; shift 2
  nohup taskset -c "$PEER_CPUS" "$JDK25/bin/java" "$@" > "$log" 2>&1 < /dev/null &
  pid=$!
  for _ in $(seq 1 300); do
    curl -fsS -o /dev/null --max-time 1 "$ready" 2>/dev/null && return 0
    kill -0 "$pid" 2>/dev/null || { tail -30 "$log" >&2; exit 1; }
    sleep 0.3
  done
  echo "not ready after 90 s: $ready" >&2
  exit 1
}

bench_stop_jvm() { # bench_stop_jvm [PAUSE_SECONDS]
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
  sleep "${1:-3}"
}
