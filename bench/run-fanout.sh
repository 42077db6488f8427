#!/usr/bin/env bash
# Fanout beside the peers of the load harness (../shared/bench by default), one interleaved run, one table.
#
#   bench/run-fanout.sh                     # fan-out of three, 0 ms upstreams: fanout, fanout-policies,
#                                           # webflux-naive, nginx-lua
#   FANOUT_CONFIGS="fanout=bench/fanout.yaml" bench/run-fanout.sh    # without the policies target
#   PEERS="webflux-naive nginx-lua mvc-vt" ROUTE=proxy DELAY_MS=20 bench/run-fanout.sh
#   FANOUT_JARS="before=/tmp/old.jar after=target/fanout-0.1.0-SNAPSHOT.jar" bench/run-fanout.sh
#
# What it does, in order (every step bounded; everything on 127.0.0.1):
#  1. copies the harness into $BENCH_TMP/harness (the shared copy is read-only and the peers need a target/ dir)
#     and builds the Java peers named in PEERS there with the repo's Maven wrapper on JDK 25
#     (-Dboot.version=$PEER_BOOT, default 4.1.0: the Boot that Fanout uses and that resolves here);
#  2. builds Fanout's jar (./mvnw package -DskipTests) unless FANOUT_JARS names jars;
#  3. starts the upstream simulator (DELAY_MS, pinned to UPSTREAM_CPUS=0), the peers and every Fanout jar once per
#     config of FANOUT_CONFIGS (by default without policies, `fanout`, and with every policy on every upstream,
#     `fanout-policies`: bench/fanout-policies.yaml, issue 16), each pinned to PEER_CPUS=1 with the peers' JVM
#     options (JDK 25, -Xms512m -Xmx512m -XX:+UseSerialGC);
#  4. runs the harness driver (run.sh) over all targets in interleaved rounds, wrk pinned to LOADGEN_CPUS=0,
#     ratios relative to BASELINE (webflux-naive);
#  5. stops everything it started (also on failure or Ctrl-C) and prints where the table and raw data are.
#
# Environment (defaults in brackets):
#   HARNESS [<repo>/../shared/bench]   BENCH_TMP [/tmp/gwbench-fanout]   DELAY_MS [0]   ROUTE [overview|proxy]
#   PEERS [webflux-naive nginx-lua]    FANOUT_JARS ["fanout=<built jar>"]
#   FANOUT_CONFIGS ["fanout=bench/fanout.yaml fanout-policies=bench/fanout-policies.yaml"]: NAME=FILE pairs; every
#     jar runs every config, as target "<config name>" for a single jar named fanout, else "<jar>-<config name>"
#   FANOUT_JARS entries may end in +--arg=value,--arg2=value2: application arguments for that jar only (-D/-X ones
#     are JVM options of that jar), and then
#     in @CONFIG_NAME: that entry runs that one config of FANOUT_CONFIGS only
#   WRK_HEADERS [unset]: "Name: value;…" sent with every request (bench/fanout-auth.yaml wants "X-Api-Key: benchkey")
#   FANOUT_CONFIG [unset]: one config file instead (the old knob; same as FANOUT_CONFIGS="fanout=FILE")
#   PEER_BOOT [4.1.0]   UPSTREAM_CPUS [0]  PEER_CPUS [1]  LOADGEN_CPUS [0]  BASELINE [webflux-naive]
#   and everything run.sh reads: WARMUP [60] WARMUP_MAX [150] WARMUP_TOL [8] ROUNDS [3] DURATION [10] CONNS [64]
#   QUIET_MAX_WAIT [10] NOISY_RETRIES [1] NOISE_PCT [20] (the box is shared: short quiet waits, one retry)
#   MAX_SECONDS [1600]  hard bound on the driver run (3 targets x 3 rounds took ~15 min on a busy box; 4 are default now)
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
HARNESS=${HARNESS:-$REPO/../shared/bench}
export BENCH_TMP=${BENCH_TMP:-/tmp/gwbench-fanout}
export DELAY_MS=${DELAY_MS:-0}
ROUTE=${ROUTE:-overview}
PEERS=${PEERS:-webflux-naive nginx-lua}
if [ -n "${FANOUT_CONFIG:-}" ]; then
  FANOUT_CONFIGS=${FANOUT_CONFIGS:-fanout=$FANOUT_CONFIG}
fi
FANOUT_CONFIGS=${FANOUT_CONFIGS:-fanout=$REPO/bench/fanout.yaml fanout-policies=$REPO/bench/fanout-policies.yaml}
PEER_BOOT=${PEER_BOOT:-4.1.0}
export UPSTREAM_CPUS=${UPSTREAM_CPUS:-0} PEER_CPUS=${PEER_CPUS:-1} LOADGEN_CPUS=${LOADGEN_CPUS:-0}
export BASELINE=${BASELINE:-webflux-naive}
export WARMUP=${WARMUP:-60} WARMUP_MAX=${WARMUP_MAX:-150} WARMUP_TOL=${WARMUP_TOL:-8}
export ROUNDS=${ROUNDS:-3} DURATION=${DURATION:-10} CONNS=${CONNS:-64}
export QUIET_MAX_WAIT=${QUIET_MAX_WAIT:-10} NOISY_RETRIES=${NOISY_RETRIES:-1} NOISE_PCT=${NOISE_PCT:-20}
MAX_SECONDS=${MAX_SECONDS:-1600}
JDK25=${JDK25:-$(ls -d /usr/lib/jvm/*25* 2>/dev/null | head -1)}
export JDK25
JAVA_OPTS=${JAVA_OPTS:--Xms512m -Xmx512m -XX:+UseSerialGC --enable-native-access=ALL-UNNAMED}
export JAVA_OPTS

[ -x "$JDK25/bin/java" ] || { echo "JDK 25 not found; set JDK25=/path/to/jdk" >&2; exit 1; }
[ -f "$HARNESS/run.sh" ] || { echo "no harness at $HARNESS (set HARNESS)" >&2; exit 1; }
for tool in nginx wrk taskset curl ss; do
  command -v "$tool" >/dev/null || [ -x "/usr/sbin/$tool" ] || {
    echo "$tool missing: apt-get install -y nginx-core libnginx-mod-http-echo libnginx-mod-http-lua wrk" >&2; exit 1; }
done
case "$ROUTE" in
  overview) PATH_OF_ROUTE=/users/42/overview ;;
  proxy) PATH_OF_ROUTE=/proxy/users/42 ;;
  *) echo "ROUTE must be overview or proxy" >&2; exit 2 ;;
esac

# ---- 1. private, writable copy of the harness; Java peers built there ---------------------------------------
H=$BENCH_TMP/harness
mkdir -p "$BENCH_TMP"
if [ ! -f "$H/run.sh" ] || [ -n "$(cd "$HARNESS" && find . -newer "$H/.copied" -type f 2>/dev/null | head -1)" ]; then
  rm -rf "$H"; cp -r "$HARNESS" "$H"; chmod -R u+w "$H"; touch "$H/.copied"
fi
# WRK_HEADERS="Name: value;Name2: value2" is sent with every request to every target (the peers ignore what
# they do not know): set once in the wrk script's init, so no per-request Lua runs
{
  IFS=';' read -r -a wrk_headers <<< "${WRK_HEADERS:-}"
  for h in "${wrk_headers[@]}"; do
    [ -n "$h" ] && printf 'wrk.headers["%s"] = "%s"\n' "$(echo "${h%%:*}" | xargs)" "$(echo "${h#*:}" | xargs)"
  done
  cat "$HARNESS/lib/report.lua"
} > "$H/lib/report.lua"
curl_headers=() # the same headers for the start-up probe (an endpoint with auth answers 401 without them)
IFS=';' read -r -a wrk_headers <<< "${WRK_HEADERS:-}"
for h in "${wrk_headers[@]}"; do
  [ -n "$h" ] && curl_headers+=(-H "$(echo "$h" | xargs)")
done
for p in $PEERS; do
  [ "$p" = nginx-lua ] && continue
  if [ ! -f "$H/peers/$p/target/$p.jar" ]; then
    echo "== building peer $p (Boot $PEER_BOOT, JDK 25)"
    (cd "$H/peers/$p" && JAVA_HOME=$JDK25 MAVEN_OPTS="--sun-misc-unsafe-memory-access=allow" \
      "$REPO/mvnw" -q -B -ntp -Dstyle.color=never -Dboot.version="$PEER_BOOT" package)
  fi
done

# ---- 2. Fanout jar(s) ---------------------------------------------------------------------------------------
if [ -z "${FANOUT_JARS:-}" ]; then
  echo "== building Fanout"
  (cd "$REPO" && ./mvnw -q -B -ntp package -DskipTests)
  FANOUT_JARS="fanout=$(ls "$REPO"/target/fanout-*.jar | grep -v original | head -1)"
fi

# ---- 3. start everything, stop it on exit ---------------------------------------------------------------------
STOPS=()
cleanup() {
  local i
  for ((i = ${#STOPS[@]} - 1; i >= 0; i--)); do eval "${STOPS[$i]}" >/dev/null 2>&1 || true; done
}
trap cleanup EXIT INT TERM

"$H/upstreams/up.sh"
STOPS+=("'$H/upstreams/down.sh'")

TARGETS=()
port=9001
for p in $PEERS; do
  if [ "$p" = nginx-lua ]; then
    "$H/peers/nginx-lua/start.sh" "$port"
  else
    "$H/peers/$p/start.sh" "$port"
  fi
  STOPS+=("'$H/peers/$p/stop.sh' $port")
  TARGETS+=("$p=http://127.0.0.1:$port$PATH_OF_ROUTE")
  port=$((port + 1))
done

port=9010
jar_count=$(wc -w <<< "$FANOUT_JARS")
for spec in $FANOUT_JARS; do
  jar_name=${spec%%=*}; jar=${spec#*=}
  # NAME=JAR+--a=b,--c=d: extra application arguments for that jar only (e.g. tracing off, admission off)
  # NAME=JAR@CONFIG_NAME: that jar runs that config of FANOUT_CONFIGS only
  only=""; if [[ "$jar" == *@* ]]; then only=${jar##*@}; jar=${jar%@*}; fi
  extra=""; if [[ "$jar" == *+* ]]; then extra=${jar#*+}; extra=${extra//,/ }; jar=${jar%%+*}; fi
  # -D.../-X... among them are JVM options of that jar (e.g. +-Dreactor.netty.ioWorkerCount=1)
  jvm_extra=""; app_extra=""
  for opt in $extra; do case $opt in -D*|-X*) jvm_extra+=" $opt" ;; *) app_extra+=" $opt" ;; esac; done
  [ -f "$jar" ] || { echo "no jar $jar for $jar_name" >&2; exit 1; }
  for cspec in $FANOUT_CONFIGS; do
  config_name=${cspec%%=*}; config=${cspec#*=}
  [ -z "$only" ] || [ "$only" = "$config_name" ] || continue
  [ -f "$config" ] || config=$REPO/$config
  [ -f "$config" ] || { echo "no config ${cspec#*=} for $config_name" >&2; exit 1; }
  if [ "$jar_count" = 1 ] && [ "$jar_name" = fanout ]; then name=$config_name
  elif [ "$config_name" = fanout ]; then name=$jar_name
  else name=$jar_name-$config_name; fi
  log=$BENCH_TMP/$name-$port.log pidfile=$BENCH_TMP/$name-$port.pid
  # shellcheck disable=SC2086  # JAVA_OPTS is meant to split
  nohup taskset -c "$PEER_CPUS" "$JDK25/bin/java" $JAVA_OPTS ${FANOUT_JAVA_OPTS:-} $jvm_extra -jar "$jar" \
    --fanout.config="$config" --server.port="$port" --server.address=127.0.0.1 $app_extra > "$log" 2>&1 < /dev/null &
  echo $! > "$pidfile"
  STOPS+=("kill \$(cat '$pidfile'); sleep 2; kill -9 \$(cat '$pidfile'); rm -f '$pidfile'")
  ok=no
  for _ in $(seq 1 300); do
    if curl -fsS -o /dev/null --max-time 1 "http://127.0.0.1:$port/actuator/health" 2>/dev/null; then ok=yes; break; fi
    kill -0 "$(cat "$pidfile")" 2>/dev/null || break
    sleep 0.3
  done
  [ "$ok" = yes ] || { tail -30 "$log" >&2; echo "$name did not start" >&2; exit 1; }
  curl -fsS -o /dev/null "${curl_headers[@]}" "http://127.0.0.1:$port$PATH_OF_ROUTE" ||
    { echo "$name: $PATH_OF_ROUTE failed" >&2; exit 1; }
  echo "$name up on $port pid=$(cat "$pidfile") cpus=$PEER_CPUS jar=$jar config=$config log=$log"
  TARGETS+=("$name=http://127.0.0.1:$port$PATH_OF_ROUTE")
  port=$((port + 1))
  done
done

# ---- 4. one interleaved run -----------------------------------------------------------------------------------
export OUT=${OUT:-$BENCH_TMP/results/$(date +%Y%m%d-%H%M%S)-$ROUTE-${DELAY_MS}ms}
export TITLE=${TITLE:-"$ROUTE, upstream delay ${DELAY_MS} ms"}
echo "== run.sh ${TARGETS[*]}"
timeout -k 10 "$MAX_SECONDS" "$H/run.sh" "${TARGETS[@]}"
echo "== table: $OUT/table.md   per-run rows: $OUT/runs.tsv   raw: $OUT/raw/"
