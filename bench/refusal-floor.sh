#!/usr/bin/env bash
# The floor under any refusal: one nginx worker on Fanout's CPU (PEER_CPUS=1) that answers every request with a
# constant 503 problem of the size Fanout's refusal has (Retry-After, ~250 bytes), loaded as bench/overload.sh loads
# Fanout: CONNS hey connections resending at once (storm) and, when Go is installed, CONNS clients honouring
# Retry-After (paced). Whatever a gateway does, its refusals cannot be answered faster than this on this machine.
#
#   CONNS=1010 DURATION=20 bench/refusal-floor.sh
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
CONNS=${CONNS:-1010}
DURATION=${DURATION:-20}
PEER_CPUS=${PEER_CPUS:-1}
LOADGEN_CPUS=${LOADGEN_CPUS:-0}
PORT=${PORT:-9030}
BENCH_TMP=${BENCH_TMP:-/tmp/gwbench-floor}
OUT=$BENCH_TMP/results/$(date +%Y%m%d-%H%M%S)
command -v nginx >/dev/null || { echo "nginx missing: apt-get install -y nginx-core" >&2; exit 1; }
command -v hey >/dev/null || { echo "hey missing: apt-get install -y hey" >&2; exit 1; }
mkdir -p "$OUT" "$BENCH_TMP/nginx/logs" "$BENCH_TMP/nginx/tmp"
ulimit -n 65536 2>/dev/null || true

body='{"type":"about:blank","title":"Service Unavailable","status":503,"detail":"overloaded: 100 composite requests are in flight on this instance (fanout.server.max-in-flight); retry after 1 s","requestId":"0123456789abcdef0123456789abcdef"}'
cat > "$BENCH_TMP/nginx/nginx.conf" <<EOF
worker_processes 1;
pid $BENCH_TMP/nginx/nginx.pid;
error_log $BENCH_TMP/nginx/logs/error.log warn;
events { worker_connections 16384; multi_accept on; }
http {
    access_log off;
    keepalive_requests 1000000;
    client_body_temp_path $BENCH_TMP/nginx/tmp;
    server {
        listen 127.0.0.1:$PORT backlog=4096;
        location / {
            default_type application/problem+json;
            add_header Retry-After 1 always;
            return 503 '$body';
        }
    }
}
EOF
taskset -c "$PEER_CPUS" nginx -p "$BENCH_TMP/nginx" -c "$BENCH_TMP/nginx/nginx.conf"
trap 'nginx -p "$BENCH_TMP/nginx" -c "$BENCH_TMP/nginx/nginx.conf" -s stop 2>/dev/null || true' EXIT INT TERM
sleep 1
url=http://127.0.0.1:$PORT/users/42/overview

echo "| phase | status | requests | req/s | p50 ms | p99 ms |" > "$OUT/table.md"
echo "|---|---|---:|---:|---:|---:|" >> "$OUT/table.md"
if command -v go >/dev/null; then
  (cd "$REPO/bench/retry-after-client" && GOFLAGS=-mod=mod go build -o "$OUT/retry-after-client" .)
  for jitter in 0 0.5; do
    timeout $((DURATION + 90)) taskset -c "$LOADGEN_CPUS" "$OUT/retry-after-client" -c "$CONNS" \
      -z "$((DURATION + 3))s" -skip 3s -jitter "$jitter" "$url" > "$OUT/paced-$jitter.tsv" || true
    while IFS=$'\t' read -r status count rate p50 p99 _max; do
      echo "| paced ($CONNS clients, jitter $jitter) | $status | $count | $rate | $p50 | $p99 |"
    done < "$OUT/paced-$jitter.tsv" | tee -a "$OUT/table.md"
    sleep 3
  done
fi
timeout $((DURATION + 60)) taskset -c "$LOADGEN_CPUS" hey -z "${DURATION}s" -c "$CONNS" -t 30 -o csv "$url" \
  > "$OUT/storm.csv" || true
python3 - "$OUT/storm.csv" "$CONNS" "$DURATION" <<'PY' | tee -a "$OUT/table.md"
import csv, sys
v = sorted(float(r[0]) * 1000 for r in csv.reader(open(sys.argv[1])) if r and r[0] != "response-time")
print(f"| storm ({sys.argv[2]} conns) | 503 | {len(v)} | {len(v) / float(sys.argv[3]):.0f} | "
      f"{v[len(v) // 2]:.2f} | {v[min(len(v) - 1, int(len(v) * 0.99))]:.2f} |")
PY
echo "== table: $OUT/table.md"
