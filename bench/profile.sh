#!/usr/bin/env bash
# Where a request's CPU and allocation go (issue 16): async-profiler on the packaged jar under the harness's load.
#
#   bench/profile.sh                                   # target/fanout-*.jar with bench/fanout-policies.yaml
#   JAR=/tmp/x.jar CONFIG=bench/fanout.yaml ROUTE_PATH=/proxy/users/42 bench/profile.sh
#
# Same set-up as the harness (everything on 127.0.0.1): upstream simulator at DELAY_MS (0) and wrk (CONNS=64) on
# LOADGEN_CPUS=0, the jar on PEER_CPUS=1 with the peers' JVM options (JDK 25, -Xms512m -Xmx512m -XX:+UseSerialGC).
# After WARMUP (90) s of load, async-profiler (tools.profiler:async-profiler from Maven Central, loaded into the
# running JVM with jcmd JVMTI.agent_load) samples CPU (event=cpu, 1 ms) for PROFILE_SECONDS (30), then allocations
# (event=alloc) for as long. Writes collapsed stacks and flame graphs (HTML) to $OUT, and prints the CPU by layer
# (the frame nearest the leaf that belongs to a known layer) and the top self frames; bench/profile-summary.py
# does the summing.
set -euo pipefail

source "$(dirname "$0")/lib-jvm-bench.sh"
bench_defaults profile 0
CONFIG=${CONFIG:-$REPO/bench/fanout-policies.yaml}
ROUTE_PATH=${ROUTE_PATH:-/users/42/overview}
WARMUP=${WARMUP:-90}
SECONDS_PROFILED=${PROFILE_SECONDS:-30}
CONNS=${CONNS:-64}
PORT=${PORT:-9030}
AP_VERSION=${AP_VERSION:-4.2}
JAVA_OPTS=${JAVA_OPTS:--Xms512m -Xmx512m -XX:+UseSerialGC --enable-native-access=ALL-UNNAMED -XX:+EnableDynamicAgentLoading}
command -v wrk >/dev/null || { echo "wrk missing: apt-get install -y wrk" >&2; exit 1; }
AP_JAR=$HOME/.m2/repository/tools/profiler/async-profiler/$AP_VERSION/async-profiler-$AP_VERSION-linux-x64.jar
if [ ! -f "$AP_JAR" ]; then
  (cd "$REPO" && ./mvnw -q -B -ntp dependency:get -Dartifact="tools.profiler:async-profiler:$AP_VERSION:jar:linux-x64")
fi
mkdir -p "$OUT/ap"
(cd "$OUT/ap" && unzip -q -o "$AP_JAR")
LIB=$OUT/ap/linux-x64/libasyncProfiler.so
bench_start_upstreams

# shellcheck disable=SC2086  # JAVA_OPTS is meant to split
bench_start_jvm "$OUT/fanout.log" "http://127.0.0.1:$PORT/actuator/health" $JAVA_OPTS -jar "$JAR" \
  --fanout.config="$CONFIG" --server.port=$PORT --server.address=127.0.0.1
url=http://127.0.0.1:$PORT$ROUTE_PATH
curl -fsS -o /dev/null "$url"
echo "== warm-up ${WARMUP}s"
timeout $((WARMUP + 30)) taskset -c "$LOADGEN_CPUS" wrk -t1 -c"$CONNS" -d"${WARMUP}s" "$url" > /dev/null

# jcmd's argument parser splits at '=' unless the agent's options are one quoted string
profile() { # profile EVENT NAME INTERVAL EXTRA
  echo "== $2: ${SECONDS_PROFILED}s"
  "$JDK25/bin/jcmd" "$pid" JVMTI.agent_load "$LIB" "\"start,event=$1,interval=$3\"" > /dev/null
  timeout $((SECONDS_PROFILED + 30)) taskset -c "$LOADGEN_CPUS" wrk -t1 -c"$CONNS" -d"${SECONDS_PROFILED}s" "$url" \
    > "$OUT/$2-wrk.txt"
  "$JDK25/bin/jcmd" "$pid" JVMTI.agent_load "$LIB" "\"dump,file=$OUT/$2.html$4\"" > /dev/null
  "$JDK25/bin/jcmd" "$pid" JVMTI.agent_load "$LIB" "\"stop,file=$OUT/$2.collapsed,collapsed$4\"" > /dev/null
  grep -E "Requests/sec" "$OUT/$2-wrk.txt" || true
}
profile cpu cpu 1ms ""
profile alloc alloc 512k ",total"
python3 "$REPO/bench/profile-summary.py" "$OUT/cpu.collapsed" "$OUT/alloc.collapsed" \
  "$(sed -n 's/^ *\([0-9]*\) requests in.*/\1/p' "$OUT/alloc-wrk.txt")" | tee "$OUT/summary.md"
echo "== summary: $OUT/summary.md  raw: $OUT/*.collapsed"
