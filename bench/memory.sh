#!/usr/bin/env bash
# Where the resident memory goes (issue 16's RSS target): Fanout and webflux-naive, one after the other, each under
# the harness's load, then the JVM's Native Memory Tracking summary and the process's RSS.
#
#   WEBFLUX_JAR=/tmp/gwb-e/harness/peers/webflux-naive/target/webflux-naive.jar bench/memory.sh
#
# Same layout as the harness: upstreams (0 ms) and wrk (64 connections) on CPU 0, the JVM on CPU 1 with the peers'
# options plus -XX:NativeMemoryTracking=summary; LOAD (60) s of load before the snapshot. Writes one NMT summary
# per target to $OUT and prints a table of the committed sizes by NMT category beside the RSS.
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
HARNESS=${HARNESS:-$REPO/../shared/bench}
export BENCH_TMP=${BENCH_TMP:-/tmp/gwbench-memory}
export DELAY_MS=${DELAY_MS:-0}
export UPSTREAM_CPUS=${UPSTREAM_CPUS:-0}
JAR=${JAR:-$(ls "$REPO"/target/fanout-*.jar 2>/dev/null | grep -v original | head -1)}
CONFIG=${CONFIG:-$REPO/bench/fanout-policies.yaml}
WEBFLUX_JAR=${WEBFLUX_JAR:?the harness peer jar: bench/run-fanout.sh builds it under BENCH_TMP/harness/peers}
LOAD=${LOAD:-60}
JDK25=${JDK25:-$(ls -d /usr/lib/jvm/*25* 2>/dev/null | head -1)}
JAVA_OPTS="-Xms512m -Xmx512m -XX:+UseSerialGC --enable-native-access=ALL-UNNAMED -XX:NativeMemoryTracking=summary"
OUT=$BENCH_TMP/results/$(date +%Y%m%d-%H%M%S)
mkdir -p "$OUT"
H=$BENCH_TMP/harness
rm -rf "$H"; cp -r "$HARNESS" "$H"; chmod -R u+w "$H"

pid=""
cleanup() {
  [ -n "$pid" ] && { kill "$pid" 2>/dev/null; sleep 2; kill -9 "$pid" 2>/dev/null; } || true
  "$H/upstreams/down.sh" >/dev/null 2>&1 || true
}
trap cleanup EXIT INT TERM
"$H/upstreams/up.sh"

measure() { # measure NAME PATH -- java args
  local name=$1 path=$2; shift 3
  nohup taskset -c 1 "$JDK25/bin/java" $JAVA_OPTS "$@" --server.port=9040 --server.address=127.0.0.1 \
    > "$OUT/$name.log" 2>&1 < /dev/null &
  pid=$!
  for _ in $(seq 1 300); do
    curl -fsS -o /dev/null --max-time 1 "http://127.0.0.1:9040$path" 2>/dev/null && break
    kill -0 "$pid" 2>/dev/null || { tail -30 "$OUT/$name.log" >&2; exit 1; }
    sleep 0.3
  done
  timeout $((LOAD + 30)) taskset -c 0 wrk -t1 -c64 -d"${LOAD}s" "http://127.0.0.1:9040$path" > "$OUT/$name-wrk.txt"
  "$JDK25/bin/jcmd" "$pid" VM.native_memory summary > "$OUT/$name-nmt.txt"
  awk '/VmRSS/ {print $2}' "/proc/$pid/status" > "$OUT/$name-rss.txt"
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
  sleep 2
}
measure fanout /users/42/overview -- -jar "$JAR" --fanout.config="$CONFIG"
measure webflux-naive /users/42/overview -- -jar "$WEBFLUX_JAR" \
  --upstreams.users=http://127.0.0.1:18081 --upstreams.orders=http://127.0.0.1:18082 \
  --upstreams.recommendations=http://127.0.0.1:18083

python3 - "$OUT" <<'EOF'
import re, sys
out = sys.argv[1]
def nmt(name):
    rows = {}
    for line in open(f"{out}/{name}-nmt.txt"):
        m = re.match(r"-\s+(.+?) \(reserved=\d+KB, committed=(\d+)KB", line.strip())
        if m:
            rows[m.group(1).strip()] = int(m.group(2)) // 1024
    return rows, int(open(f"{out}/{name}-rss.txt").read()) // 1024
f, frss = nmt("fanout")
w, wrss = nmt("webflux-naive")
print("| NMT category (committed MiB) | fanout | webflux-naive |\n|---|---:|---:|")
for k in sorted(set(f) | set(w), key=lambda k: -max(f.get(k, 0), w.get(k, 0))):
    if max(f.get(k, 0), w.get(k, 0)) >= 1:
        print(f"| {k} | {f.get(k, 0)} | {w.get(k, 0)} |")
print(f"| **RSS** | **{frss}** | **{wrss}** |")
EOF
