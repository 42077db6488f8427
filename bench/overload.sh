#!/usr/bin/env bash
# Overload benchmark (SPEC §11, issue 15): Fanout at 10x its capacity with 20 ms upstreams, admission control on
# (the default adaptive limit, or what ADMISSION says) against the same jar with it off, one after the other.
#
#   bench/overload.sh                                   # builds nothing: uses target/fanout-*.jar
#   JAR=/tmp/x.jar VARIANTS="adaptive=adaptive fixed=200 off=off" bench/overload.sh
#   VARIANTS="t12=adaptive,--fanout.server.adaptive.rtt-tolerance=1.2" bench/overload.sh   # more options after commas
#   VARIANTS="io1=adaptive,-Dreactor.netty.ioWorkerCount=1" bench/overload.sh            # -D/-X: JVM options
#
# Everything on 127.0.0.1, Fanout pinned to PEER_CPUS=1 with the harness peers' JVM options, the upstream simulator
# and hey on LOADGEN_CPUS=0, every step bounded; each JVM warmed up WARMUP s at 64 connections first.
#  1. capacity probe (admission off): UNLOADED_CONNS (16) connections for DURATION s give the unloaded p50, then
#     CAPACITY_CONNS (256, enough to saturate the CPU) the saturated req/s; capacity in requests held at once =
#     req/s x unloaded p50 (Little's law), and the overload is 10x that many connections (or OVERLOAD_CONNS);
#  2. per variant (--fanout.server.max-in-flight=<value>): unloaded (p50/p99 of the 200s), then the overload twice,
#     admitted (200) and refused (503) counted and timed separately, and the admission metrics at the end:
#     - paced: that many clients that each wait what a refusal's Retry-After says before sending again
#       (bench/retry-after-client, Go; left out when Go is not installed);
#     - storm: that many hey connections, each sending again the moment it has an answer, Retry-After or not.
# PHASES (default "paced storm") picks the overload phases; JITTER (default 0) makes the paced clients wait
# Retry-After x (1 + JITTER x random) instead of exactly Retry-After.
# Needs hey (apt-get install hey) and the load harness (../shared/bench) for its upstream simulator.
set -euo pipefail

source "$(dirname "$0")/lib-jvm-bench.sh"
bench_defaults overload 20
VARIANTS=${VARIANTS:-adaptive=adaptive off=off}
WARMUP=${WARMUP:-60}
DURATION=${DURATION:-20}
UNLOADED_CONNS=${UNLOADED_CONNS:-16}
CAPACITY_CONNS=${CAPACITY_CONNS:-256}
JAVA_OPTS=${JAVA_OPTS:--Xms512m -Xmx512m -XX:+UseSerialGC --enable-native-access=ALL-UNNAMED}
PHASES=${PHASES:-paced storm}
JITTER=${JITTER:-0}
URL_PATH=/users/42/overview
PORT=${PORT:-9020}
command -v hey >/dev/null || { echo "hey missing: apt-get install -y hey" >&2; exit 1; }
# the paced phase's client population (bench/retry-after-client, Go): built here when Go is installed
PACED=$OUT/retry-after-client
if command -v go >/dev/null; then
  (cd "$REPO/bench/retry-after-client" && GOFLAGS=-mod=mod go build -o "$PACED" .)
else
  echo "go missing (apt-get install -y golang-go): the paced phase is left out" >&2
  PACED=""
fi
ulimit -n 65536 2>/dev/null || true
bench_start_upstreams

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

start_jar() { # start_jar NAME MAX_IN_FLIGHT[,--more.options=...]
  local extra=() jvm=() app=() opt
  IFS=, read -r -a extra <<< "$2"
  for opt in "${extra[@]:1}"; do # -D.../-X...: JVM options of this variant; the rest are application arguments
    case $opt in -D*|-X*) jvm+=("$opt") ;; *) app+=("$opt") ;; esac
  done
  # shellcheck disable=SC2086  # JAVA_OPTS is meant to split
  bench_start_jvm "$OUT/$1.log" "http://127.0.0.1:$PORT/actuator/health" $JAVA_OPTS "${jvm[@]}" -jar "$JAR" \
    --fanout.config="$REPO/bench/fanout.yaml" --server.port=$PORT --server.address=127.0.0.1 \
    --fanout.server.max-in-flight="${extra[@]:0:1}" "${app[@]}"
  echo "== $1: warm-up ${WARMUP}s"
  timeout $((WARMUP + 30)) taskset -c "$LOADGEN_CPUS" hey -z "${WARMUP}s" -c 64 "$url" > /dev/null
}
stop_jar() {
  bench_stop_jvm 3
}
run_phase() { # run_phase NAME LABEL CONNS
  echo "== $1: $2, $3 connections, ${DURATION}s"
  timeout $((DURATION + 60)) taskset -c "$LOADGEN_CPUS" hey -z "${DURATION}s" -c "$3" -t 30 -o csv "$url" \
    > "$OUT/$1-$2.csv" || true
  summarize "$OUT/$1-$2.csv" "$1 / $2 ($3 conns)" "$DURATION" | tee -a "$OUT/table.md"
  sleep 5
}
run_paced() { # run_paced NAME CLIENTS
  [ -n "$PACED" ] || return 0
  echo "== $1: paced, $2 clients honouring Retry-After (jitter $JITTER), $((DURATION + 3))s (the first 3 s not counted)"
  timeout $((DURATION + 90)) taskset -c "$LOADGEN_CPUS" "$PACED" -c "$2" -z "$((DURATION + 3))s" -skip 3s \
    -jitter "$JITTER" "$url" \
    > "$OUT/$1-paced.tsv" || true
  while IFS=$'\t' read -r status count rate p50 p99 _max; do
    echo "| $1 / paced ($2 clients, jitter $JITTER) | $status | $count | $rate | $p50 | $p99 |"
  done < "$OUT/$1-paced.tsv" | tee -a "$OUT/table.md"
  sleep 5
}
url=http://127.0.0.1:$PORT$URL_PATH

echo "| variant / phase | status | requests | req/s | p50 ms | p99 ms |" > "$OUT/table.md"
echo "|---|---|---:|---:|---:|---:|" >> "$OUT/table.md"
if [ -z "${OVERLOAD_CONNS:-}" ]; then
  # Capacity, measured with admission off: the req/s it serves when saturated (CAPACITY_CONNS) times the unloaded
  # p50 is how many requests it holds at full speed without queueing (Little's law); 10x that is the overload.
  start_jar probe off
  run_phase probe unloaded "$UNLOADED_CONNS"
  run_phase probe capacity "$CAPACITY_CONNS"
  stop_jar
  OVERLOAD_CONNS=$(python3 - "$OUT/probe-unloaded.csv" "$OUT/probe-capacity.csv" "$DURATION" <<'EOF'
import csv, math, sys
def ok(path):
    return sorted(float(r[0]) for r in csv.reader(open(path)) if r and r[0] != "response-time" and r[6] == "200")
unloaded, saturated = ok(sys.argv[1]), ok(sys.argv[2])
rate = len(saturated) / float(sys.argv[3])
p50 = unloaded[len(unloaded) // 2]
print(f"capacity: {rate:.0f} req/s saturated x unloaded p50 {p50 * 1000:.1f} ms = {rate * p50:.0f} in flight", file=sys.stderr)
print(max(1, math.ceil(rate * p50)) * 10)
EOF
  )
  echo "== overload = $OVERLOAD_CONNS connections (10x capacity)" | tee "$OUT/capacity.txt"
fi
for spec in $VARIANTS; do
  name=${spec%%=*}; value=${spec#*=}
  start_jar "$name" "$value"
  run_phase "$name" unloaded "$UNLOADED_CONNS"
  case " $PHASES " in *" paced "*) run_paced "$name" "$OVERLOAD_CONNS" ;; esac
  case " $PHASES " in *" storm "*) run_phase "$name" storm "$OVERLOAD_CONNS" ;; esac
  curl -fsS "http://127.0.0.1:$PORT/actuator/prometheus" | grep -E '^fanout_admission' > "$OUT/$name-admission.txt" || true
  stop_jar
done
echo
cat "$OUT/table.md"
echo "== table: $OUT/table.md  raw: $OUT/*.csv  admission metrics: $OUT/*-admission.txt"
