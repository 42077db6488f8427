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

source "$(dirname "$0")/lib-jvm-bench.sh"
bench_defaults memory 0
CONFIG=${CONFIG:-$REPO/bench/fanout-policies.yaml}
WEBFLUX_JAR=${WEBFLUX_JAR:?the harness peer jar: bench/run-fanout.sh builds it under BENCH_TMP/harness/peers}
LOAD=${LOAD:-60}
JAVA_OPTS="-Xms512m -Xmx512m -XX:+UseSerialGC --enable-native-access=ALL-UNNAMED -XX:NativeMemoryTracking=summary"
bench_start_upstreams

measure() { # measure NAME PATH -- java args
  local name=$1 path=$2; shift 3
  # shellcheck disable=SC2086  # JAVA_OPTS is meant to split
  bench_start_jvm "$OUT/$name.log" "http://127.0.0.1:9040$path" $JAVA_OPTS "$@" --server.port=9040 \
    --server.address=127.0.0.1
  timeout $((LOAD + 30)) taskset -c "$LOADGEN_CPUS" wrk -t1 -c64 -d"${LOAD}s" "http://127.0.0.1:9040$path" \
    > "$OUT/$name-wrk.txt"
  "$JDK25/bin/jcmd" "$pid" VM.native_memory summary > "$OUT/$name-nmt.txt"
  awk '/VmRSS/ {print $2}' "/proc/$pid/status" > "$OUT/$name-rss.txt"
  bench_stop_jvm 2
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
