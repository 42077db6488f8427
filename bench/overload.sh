#!/usr/bin/env bash
# Overload benchmark (SPEC §11, issue 15): Fanout at 10x its capacity with 20 ms upstreams, admission control on
# (the default adaptive limit, or what ADMISSION says) against the same jar with it off, one after the other.
#
#   bench/overload.sh                                   # builds nothing: uses target/fanout-*.jar
#   JAR=/tmp/x.jar VARIANTS="adaptive=adaptive fixed=200 off=off" bench/overload.sh
#
# Per variant (everything on 127.0.0.1, Fanout pinned to PEER_CPUS=1 with the harness peers' JVM options, the
# upstream simulator and hey on LOADGEN_CPUS=0, every step bounded):
#  1. start the jar with bench/fanout.yaml and --fanout.server.max-in-flight=<value>; warm up WARMUP s at 64 conns;
#  2. unloaded: UNLOADED_CONNS (16) connections for DURATION s: p50/p99 of the 200s;
#  3. capacity: CAPACITY_CONNS (256) connections for DURATION s: req/s (the box's capacity for this route);
#  4. overload: OVERLOAD_CONNS (10 x CAPACITY_CONNS) connections for DURATION s: admitted (200) and refused (503)
#     separately: count, req/s, p50/p99 each, and the admission metrics at the end.
# Needs hey (apt-get install hey) and the load harness (../shared/bench) for its upstream simulator.
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
HARNESS=${HARNESS:-$REPO/../shared/bench}
export BENCH_TMP=${BENCH_TMP:-/tmp/gwbench-overload}
export DELAY_MS=${DELAY_MS:-20}
export UPSTREAM_CPUS=${UPSTREAM_CPUS:-0}
PEER_CPUS=${PEER_CPUS:-1}
LOADGEN_CPUS=${LOADGEN_CPUS:-0}
JAR=${JAR:-$(ls "$REPO"/target/fanout-*.jar 2>/dev/null | grep -v original | head -1)}
VARIANTS=${VARIANTS:-adaptive=adaptive off=off}
WARMUP=${WARMUP:-60}
DURATION=${DURATION:-20}
UNLOADED_CONNS=${UNLOADED_CONNS:-16}
CAPACITY_CONNS=${CAPACITY_CONNS:-256}
OVERLOAD_CONNS=${OVERLOAD_CONNS:-$((CAPACITY_CONNS * 10))}
JDK25=${JDK25:-$(ls -d /usr/lib/jvm/*25* 2>/dev/null | head -1)}
JAVA_OPTS=${JAVA_OPTS:--Xms512m -Xmx512m -XX:+UseSerialGC --enable-native-access=ALL-UNNAMED}
URL_PATH=/users/42/overview
PORT=${PORT:-9020}

[ -f "$JAR" ] || { echo "no jar (./mvnw package -DskipTests, or JAR=...)" >&2; exit 1; }
[ -x "$JDK25/bin/java" ] || { echo "JDK 25 not found; set JDK25" >&2; exit 1; }
command -v hey >/dev/null || { echo "hey missing: apt-get install -y hey" >&2; exit 1; }
[ -f "$HARNESS/upstreams/up.sh" ] || { echo "no harness at $HARNESS" >&2; exit 1; }
ulimit -n 65536 2>/dev/null || true

H=$BENCH_TMP/harness
mkdir -p "$BENCH_TMP"
rm -rf "$H"; cp -r "$HARNESS" "$H"; chmod -R u+w "$H"
OUT=$BENCH_TMP/results/$(date +%Y%m%d-%H%M%S)
mkdir -p "$OUT"

pid=""
cleanup() {
  [ -n "$pid" ] && { kill "$pid" 2>/dev/null; sleep 2; kill -9 "$pid" 2>/dev/null; } || true
  "$H/upstreams/down.sh" >/dev/null 2>&1 || true
}
trap cleanup EXIT INT TERM
"$H/upstreams/up.sh"

# hey -o csv: response-time,DNS+dialup,DNS,Request-write,Response-delay,Response-read,status-code,offset
summarize() { # summarize CSV LABEL SECONDS
  python3 - "$1" "$2" "$3" <<'EOF'
import csv, sys
path, label, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
by = {}
for row in csv.reader(open(path)):
    if not row or row[0] == "response-time":
        continue
    by.setdefault(row[6], []).append(float(row[0]) * 1000)
def pct(v, p):
    v = sorted(v)
    return v[min(len(v) - 1, int(len(v) * p))]
for status, v in sorted(by.items()):
    print(f"| {label} | {status} | {len(v)} | {len(v) / seconds:.0f} | {pct(v, 0.5):.2f} | {pct(v, 0.99):.2f} |")
EOF
}

echo "| variant / phase | status | requests | req/s | p50 ms | p99 ms |" > "$OUT/table.md"
echo "|---|---|---:|---:|---:|---:|" >> "$OUT/table.md"
for spec in $VARIANTS; do
  name=${spec%%=*}; value=${spec#*=}
  log=$OUT/$name.log
  nohup taskset -c "$PEER_CPUS" "$JDK25/bin/java" $JAVA_OPTS -jar "$JAR" --fanout.config="$REPO/bench/fanout.yaml" \
    --server.port=$PORT --server.address=127.0.0.1 --fanout.server.max-in-flight="$value" > "$log" 2>&1 < /dev/null &
  pid=$!
  for _ in $(seq 1 300); do
    curl -fsS -o /dev/null --max-time 1 "http://127.0.0.1:$PORT/actuator/health" 2>/dev/null && break
    kill -0 "$pid" 2>/dev/null || { tail -30 "$log" >&2; exit 1; }
    sleep 0.3
  done
  url=http://127.0.0.1:$PORT$URL_PATH
  echo "== $name: warm-up ${WARMUP}s"
  timeout $((WARMUP + 30)) taskset -c "$LOADGEN_CPUS" hey -z "${WARMUP}s" -c 64 "$url" > /dev/null
  for phase in unloaded:$UNLOADED_CONNS capacity:$CAPACITY_CONNS overload:$OVERLOAD_CONNS; do
    label=${phase%%:*}; conns=${phase#*:}
    echo "== $name: $label, $conns connections, ${DURATION}s"
    timeout $((DURATION + 60)) taskset -c "$LOADGEN_CPUS" hey -z "${DURATION}s" -c "$conns" -t 30 -o csv "$url" \
      > "$OUT/$name-$label.csv" || true
    summarize "$OUT/$name-$label.csv" "$name / $label ($conns conns)" "$DURATION" | tee -a "$OUT/table.md"
    sleep 5
  done
  curl -fsS "http://127.0.0.1:$PORT/actuator/prometheus" | grep -E '^fanout_admission' > "$OUT/$name-admission.txt" || true
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
  sleep 3
done
echo
cat "$OUT/table.md"
echo "== table: $OUT/table.md  raw: $OUT/*.csv  admission metrics: $OUT/*-admission.txt"
