#!/usr/bin/env bash
# Does a saturated JDBC pool slow down HTTP-only endpoints on the same Fanout instance?
#
#   docs/bench/jdbc-saturation.sh            # from the repository root, after ./mvnw -DskipTests package
#
# Starts, all on 127.0.0.1 and all stopped at the end:
#   - a private nginx (echo module) as two HTTP upstreams, 18181 users and 18182 orders, answering after 20 ms;
#   - a database fanout_bench_jdbc on the local PostgreSQL (dropped at the end) as the "legacy" JDBC source;
#   - Fanout (target/fanout-*.jar) on :9110 with docs/bench/jdbc-saturation.yaml:
#       GET /http/{id}   two HTTP calls (users, orders)
#       GET /mixed/{id}  the same two HTTP calls + one JDBC call of pg_sleep(0.25) on a pool of 4
# Then, with wrk (closed loop, bounded by -d):
#   warm-up  WARMUP s of both endpoints
#   A        /http alone                      (HTTP_CONNS connections, DURATION s)
#   B        /http while /mixed saturates the JDBC pool (MIXED_CONNS more connections), same DURATION
#   A'       /http alone again (drift check)
# and prints wrk's latency distribution of /http in each phase plus Fanout's event-loop lag meters.
set -euo pipefail
cd "$(dirname "$0")/../.."
DURATION=${DURATION:-20}; WARMUP=${WARMUP:-20}; HTTP_CONNS=${HTTP_CONNS:-8}; MIXED_CONNS=${MIXED_CONNS:-16}
PORT=${PORT:-9110}; PG=${PG:-postgresql://postgres@127.0.0.1:5432}
TMP=${TMP:-/tmp/fanout-jdbc-bench}; DB=fanout_bench_jdbc
JAR=$(ls target/fanout-*.jar | grep -v plain | head -1)
mkdir -p "$TMP/logs"

cleanup() {
  [ -f "$TMP/fanout.pid" ] && kill "$(cat "$TMP/fanout.pid")" 2>/dev/null || true
  [ -f "$TMP/nginx.pid" ] && kill "$(cat "$TMP/nginx.pid")" 2>/dev/null || true
  psql -q "$PG/postgres" -c "drop database if exists $DB with (force)" >/dev/null 2>&1 || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

cat > "$TMP/nginx.conf" <<NGINX
load_module /usr/lib/nginx/modules/ngx_http_echo_module.so;
pid $TMP/nginx.pid;
worker_processes 1;
events { worker_connections 4096; }
http {
  access_log off;
  server { listen 127.0.0.1:18181; location / { echo_sleep 0.020; echo_exec /_b; }
           location = /_b { internal; default_type application/json; return 200 '{"id":42,"name":"Ada","accountId":1}'; } }
  server { listen 127.0.0.1:18182; location / { echo_sleep 0.020; echo_exec /_b; }
           location = /_b { internal; default_type application/json; return 200 '{"items":[{"id":1},{"id":2},{"id":3}]}'; } }
}
NGINX
nginx -p "$TMP" -c "$TMP/nginx.conf" -e "$TMP/logs/error.log"

psql -q "$PG/postgres" -c "drop database if exists $DB with (force)" -c "create database $DB"
psql -q "$PG/$DB" -c "create table accounts (id bigint primary key, tier text, balance numeric)" \
  -c "insert into accounts select i, 'gold', i * 1.5 from generate_series(1, 1000) i"

JDBC_URL="jdbc:postgresql://127.0.0.1:5432/$DB" java -Xms256m -Xmx256m -XX:+UseSerialGC -jar "$JAR" \
  --fanout.config=docs/bench/jdbc-saturation.yaml --server.port=$PORT --logging.level.root=WARN \
  > "$TMP/logs/fanout.log" 2>&1 &
echo $! > "$TMP/fanout.pid"
for _ in $(seq 60); do curl -sf "http://127.0.0.1:$PORT/actuator/health" >/dev/null && break; sleep 1; done

run() { # run NAME CONNS URL -> wrk output in $TMP/NAME.txt
  timeout $((DURATION + 30)) wrk -t1 -c"$2" -d"${DURATION}s" --timeout 5s --latency "$3" > "$TMP/$1.txt" 2>&1
}
summary() { # the wrk lines that matter
  grep -E "Requests/sec|Non-2xx|Socket errors| 50%| 90%| 99%|Latency  " "$TMP/$1.txt" | sed 's/^/    /'
}

echo "warm-up ${WARMUP}s"
DURATION=$WARMUP run warm-http 8 "http://127.0.0.1:$PORT/http/42" & load=$!
DURATION=$WARMUP run warm-mixed 16 "http://127.0.0.1:$PORT/mixed/42"
wait $load
load() { echo "   (load average before: $(cut -d' ' -f1-3 /proc/loadavg))"; }
echo "A: /http alone"; load;                      run a-http "$HTTP_CONNS" "http://127.0.0.1:$PORT/http/42"
echo "B: /http while /mixed saturates the pool"; load
run b-mixed "$MIXED_CONNS" "http://127.0.0.1:$PORT/mixed/42" & load=$!
run b-http "$HTTP_CONNS" "http://127.0.0.1:$PORT/http/42"
wait $load
echo "A': /http alone again"; load;               run a2-http "$HTTP_CONNS" "http://127.0.0.1:$PORT/http/42"

echo; echo "== /http alone (A)";                  summary a-http
echo "== /http beside saturated /mixed (B)";       summary b-http
echo "== /mixed in B";                             summary b-mixed
echo "== /http alone again (A')";                  summary a2-http
echo "== one /mixed answer during saturation"
curl -s "http://127.0.0.1:$PORT/mixed/42" | head -c 600; echo
echo "== Fanout meters after the run"
curl -s "http://127.0.0.1:$PORT/actuator/prometheus" \
  | grep -E '^fanout_(eventloop_lag_seconds_max|eventloop_stalls_total|upstream_bulkhead_rejected|calls_seconds_count\{.*call="account")' \
  | sed 's/^/    /' || true
