#!/usr/bin/env bash
# Soak: runs the packaged jar for N minutes (default 10) in database mode against a loopback upstream that
# randomly hangs, resets, answers 503 with Retry-After, sends garbage and answers slowly (scripts/soak-chaos.py),
# with live traffic (hey), NDJSON and SSE streams, client cancellations and batch jobs running throughout. At the
# end it asserts that every bulkhead permit, rate-limit wait, coalescing entry and in-flight gauge is back to zero,
# that the heap after a full GC did not grow more than 10 % between minute 2 and the end, that no event-loop stall
# was logged, and that every job has exactly one result per item. Writes a markdown report (docs/soak/ by default)
# and exits non-zero when a check fails. Loopback only; not a CI test.
#
#   scripts/soak.sh [MINUTES]
# Environment: SOAK_JAR (default: target/fanout-*.jar, built with ./mvnw package -DskipTests if missing),
#   SOAK_PG (libpq URL of a PostgreSQL whose role may CREATE DATABASE; default postgresql://postgres@127.0.0.1:5432/postgres),
#   SOAK_OUT (report path; default docs/soak/soak-<UTC time>.md), SOAK_RATE (hey requests/s per worker, default 20),
#   SOAK_WORKERS (hey workers, default 8), SOAK_JOB_ITEMS (items per job, default 2000),
#   SOAK_STALL_THRESHOLD (fanout.stall.threshold, default 500ms: a shared, loaded machine pauses threads for
#   reasons of its own; lower it on a quiet one), SOAK_HEAP (default 256m).
set -euo pipefail
cd "$(dirname "$0")/.."

minutes=${1:-10}
rate=${SOAK_RATE:-20}
workers=${SOAK_WORKERS:-8}
job_items=${SOAK_JOB_ITEMS:-2000}
stall=${SOAK_STALL_THRESHOLD:-500ms}
heap=${SOAK_HEAP:-256m}
pg=${SOAK_PG:-postgresql://postgres@127.0.0.1:5432/postgres}
stamp=$(date -u +%Y%m%dT%H%M%SZ)
out=${SOAK_OUT:-docs/soak/soak-$stamp.md}
work=$(mktemp -d /tmp/fanout-soak.XXXXXX)
db="fanout_soak_$$"
token="soak-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
pids=()

for tool in java jcmd hey curl python3 psql; do
  command -v "$tool" >/dev/null || { echo "soak: $tool is needed" >&2; exit 2; }
done

free_port() {
  local port=$1
  while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
  echo "$port"
}

cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  [[ -n ${fanout_pid:-} ]] && kill "$fanout_pid" 2>/dev/null && wait "$fanout_pid" 2>/dev/null || true
  psql "$pg" -qc "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1 || true
  echo "soak: logs kept in $work"
}
trap cleanup EXIT

jar=${SOAK_JAR:-$(ls target/fanout-*.jar 2>/dev/null | grep -v original | head -1 || true)}
if [[ -z $jar ]]; then
  ./mvnw -B -ntp -q package -DskipTests
  jar=$(ls target/fanout-*.jar | grep -v original | head -1)
fi

chaos_port=$(free_port 19300)
port=$(free_port $((chaos_port + 1)))
base="http://127.0.0.1:$port"
psql "$pg" -qc "CREATE DATABASE $db" >/dev/null
pg_host_port=$(echo "$pg" | sed -E 's#^postgresql://([^@]*@)?([^/]*)/.*#\2#')
pg_user=$(echo "$pg" | sed -nE 's#^postgresql://([^:@]*)(:[^@]*)?@.*#\1#p')
pg_password=$(echo "$pg" | sed -nE 's#^postgresql://[^:@]*:([^@]*)@.*#\1#p')

python3 scripts/soak-chaos.py "$chaos_port" > "$work/chaos.log" 2>&1 &
pids+=($!)

cat > "$work/fanout.yaml" <<YAML
upstreams:
  chaos:
    url: http://127.0.0.1:$chaos_port
    timeout: 800ms
    bulkhead: { max-concurrent: 32, max-wait: 100ms }
    rate-limit: { rate: 400/s, burst: 50 }
    retry: { attempts: 2, backoff: 20ms, on: [503] }
    circuit-breaker: { min-calls: 50 }
    coalesce: true
  stable:
    url: http://127.0.0.1:$chaos_port
    timeout: 1s
endpoints:
  soak:
    path: /soak/{id}
    deadline: 2s
    on-failure: partial
    calls:
      own: { upstream: chaos, path: "/chaos/own/{path.id}", required: false }
      shared: { upstream: chaos, path: /chaos/shared, required: false }
      base: { upstream: stable, path: "/ok/{path.id}" }
  job:
    path: /job/{id}
    deadline: 3s
    calls:
      work: { upstream: chaos, path: "/chaos/job/{path.id}" }
YAML

FANOUT_ADMIN_TOKEN=$token FANOUT_JOBS_TOKEN=$token java -Xmx"$heap" -jar "$jar" --server.port="$port" \
  --fanout.config="$work/fanout.yaml" --fanout.stall.threshold="$stall" \
  --spring.r2dbc.url="r2dbc:postgresql://$pg_host_port/$db" --spring.r2dbc.username="${pg_user:-postgres}" \
  ${pg_password:+--spring.r2dbc.password="$pg_password"} > "$work/fanout.log" 2>&1 &
fanout_pid=$!
for _ in $(seq 1 120); do
  curl -fs "$base/actuator/health/readiness" >/dev/null 2>&1 && break
  kill -0 "$fanout_pid" 2>/dev/null || { tail -50 "$work/fanout.log"; echo "soak: Fanout did not start" >&2; exit 1; }
  sleep 1
done
curl -fs "$base/actuator/health/readiness" >/dev/null || { echo "soak: Fanout not ready after 120 s" >&2; exit 1; }
started=$(date +%s)
end=$((started + minutes * 60))
echo "soak: Fanout pid $fanout_pid on $base, chaos upstream on $chaos_port, $minutes min, logs in $work"

scrape() { curl -fs --max-time 10 "$base/actuator/prometheus"; }
metric_sum() { # sum of every sample of metric $1 in scrape file $2 (0 when absent)
  awk -v m="$1" '$1 == m || index($1, m "{") == 1 { s += $NF } END { printf "%g", s + 0 }' "$2"
}
heap_after_gc() { # KB used after a full GC
  jcmd "$fanout_pid" GC.run >/dev/null
  sleep 2
  jcmd "$fanout_pid" GC.heap_info | grep -oE 'used [0-9]+K' | head -1 | grep -oE '[0-9]+'
}

# live traffic: several hey runs on different ids (identical URLs coalesce), streams, cancellations, jobs
for id in 1 2 3 4; do
  hey -z "$((minutes * 60))s" -c "$((workers / 4 > 0 ? workers / 4 : 1))" -q "$rate" "$base/soak/$id" \
    > "$work/hey-$id.txt" 2>&1 &
  pids+=($!)
done
(while (( $(date +%s) < end )); do
   curl -s -N --max-time 10 -H 'Accept: application/x-ndjson' "$base/soak/$RANDOM" >/dev/null || true
   curl -s -N --max-time 10 -H 'Accept: text/event-stream' "$base/soak/$RANDOM" >/dev/null || true
 done) &
pids+=($!)
(while (( $(date +%s) < end )); do
   curl -s --max-time "0.$((RANDOM % 5 + 1))" "$base/soak/$RANDOM" >/dev/null || true
   curl -s -N --max-time "0.$((RANDOM % 5 + 1))" -H 'Accept: application/x-ndjson' "$base/soak/$RANDOM" \
     >/dev/null || true
 done) &
pids+=($!)

submit_job() {
  seq 1 "$job_items" | awk '{ printf "{\"id\":\"%d\"}\n", $1 }' > "$work/items.ndjson"
  curl -fs -D - -o /dev/null -H "Authorization: Bearer $token" -H 'Content-Type: application/x-ndjson' \
    --data-binary @"$work/items.ndjson" "$base/jobs?endpoint=job&concurrency=8" \
    | tr -d '\r' | awk -F'/jobs/' 'tolower($0) ~ /^location:/ { print $2 }'
}
job_state() {
  curl -fs -H "Authorization: Bearer $token" "$base/jobs/$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["state"])'
}
jobs=("$(submit_job)")
heap2=""
while (( $(date +%s) < end )); do
  sleep 5
  kill -0 "$fanout_pid" 2>/dev/null || { echo "soak: Fanout died" >&2; exit 1; }
  if [[ -z $heap2 ]] && (( $(date +%s) - started >= 120 )); then
    heap2=$(heap_after_gc)
    echo "soak: heap after GC at minute 2: ${heap2}K"
  fi
  # a job is always running: the next one starts when the last completes
  [[ $(job_state "${jobs[-1]}") == completed ]] && (( $(date +%s) < end - 30 )) && jobs+=("$(submit_job)")
done
[[ -z $heap2 ]] && heap2=$(heap_after_gc) # runs shorter than 2 minutes compare from here
echo "soak: traffic ends; waiting for the last job and for in-flight work to drain"
for p in "${pids[@]:1}"; do kill "$p" 2>/dev/null || true; done
wait "${pids[@]:1}" 2>/dev/null || true

for _ in $(seq 1 120); do [[ $(job_state "${jobs[-1]}") == completed ]] && break; sleep 2; done
gauges="fanout_upstream_bulkhead_in_use fanout_upstream_bulkhead_waiting fanout_upstream_bulkhead_batch_in_use
fanout_upstream_ratelimiter_waiting fanout_upstream_coalesce_in_flight fanout_admission_in_flight fanout_jobs_in_flight"
for _ in $(seq 1 30); do
  scrape > "$work/final.prom"
  busy=0
  for g in $gauges; do [[ $(metric_sum "$g" "$work/final.prom") == 0 ]] || busy=1; done
  (( busy == 0 )) && break
  sleep 2
done
heap_end=$(heap_after_gc)
curl -fs "http://127.0.0.1:$chaos_port/counts" > "$work/chaos-counts.json" || echo '{}' > "$work/chaos-counts.json"

failed=0
rows=()
check() { # name, ok (0/1), observed
  if [[ $2 == 1 ]]; then rows+=("| $1 | pass | $3 |"); else rows+=("| $1 | **FAIL** | $3 |"); failed=1; fi
}
for g in $gauges; do
  v=$(metric_sum "$g" "$work/final.prom")
  grep -qE "^$g[{ ]" "$work/final.prom" && present="" || present=" (no such meter in this run)"
  check "$g back to 0" "$([[ $v == 0 ]] && echo 1 || echo 0)" "$v$present"
done
growth=$(awk -v a="$heap2" -v b="$heap_end" 'BEGIN { printf "%.1f", (b - a) * 100 / a }')
check "heap after GC flat (end vs minute 2, at most +10 %)" \
  "$(awk -v g="$growth" 'BEGIN { print (g <= 10) ? 1 : 0 }')" "${heap2}K -> ${heap_end}K (${growth} %)"
stalls=$(grep -cE 'has run no task|ran no task' "$work/fanout.log" || true)
check "no event-loop stall logged (threshold $stall)" "$([[ $stalls == 0 ]] && echo 1 || echo 0)" "$stalls warnings"
oom=$(grep -c 'OutOfMemoryError' "$work/fanout.log" || true)
check "no OutOfMemoryError" "$([[ $oom == 0 ]] && echo 1 || echo 0)" "$oom"
check "process alive at the end" "$(kill -0 "$fanout_pid" 2>/dev/null && echo 1 || echo 0)" "pid $fanout_pid"
for job in "${jobs[@]}"; do
  state=$(job_state "$job")
  curl -fs -H "Authorization: Bearer $token" "$base/jobs/$job/results" > "$work/results-$job.ndjson"
  lines=$(wc -l < "$work/results-$job.ndjson")
  distinct=$(python3 -c 'import json,sys; print(len({json.loads(l)["item"] for l in open(sys.argv[1]) if l.strip()}))' \
    "$work/results-$job.ndjson")
  statuses=$(python3 -c 'import collections,json,sys; print(dict(collections.Counter(json.loads(l)["status"] for l in open(sys.argv[1]) if l.strip())))' \
    "$work/results-$job.ndjson")
  check "job $job: completed, exactly one result per item" \
    "$([[ $state == completed && $lines == "$job_items" && $distinct == "$job_items" ]] && echo 1 || echo 0)" \
    "$state, $lines lines, $distinct distinct items of $job_items; statuses $statuses"
done

requests=0
codes=""
for f in "$work"/hey-*.txt; do
  requests=$((requests + $(awk '/Requests\/sec/ { }  /^\s+\[[0-9]+\]/ { s += $2 } END { print s + 0 }' "$f")))
  codes+=$(awk '/Status code distribution/ { on = 1; next } on && /\[/ { printf "%s%s ", $1, $2 } on && !/\[/ { on = 0 }' "$f")
done
mkdir -p "$(dirname "$out")"
{
  echo "# Soak run $stamp"
  echo
  echo "$minutes minutes, jar \`$(basename "$jar")\`, heap -Xmx$heap, $(nproc) CPUs, database mode (local PostgreSQL)."
  echo "Traffic: 4 hey runs ($workers workers in all, $rate req/s each), NDJSON and SSE stream loop, a cancellation"
  echo "loop (clients giving up after 0.1-0.5 s), and ${#jobs[@]} job(s) of $job_items items one after another."
  echo "Chaos upstream behaviours drawn: \`$(cat "$work/chaos-counts.json")\`."
  echo "hey: $requests requests; status codes (from each run's distribution): $codes"
  echo "Admission at the end: limit $(metric_sum fanout_admission_limit "$work/final.prom"),"\
    "$(metric_sum fanout_admission_refused_total "$work/final.prom") refused in all."
  echo
  echo "| check | result | observed |"
  echo "| --- | --- | --- |"
  printf '%s\n' "${rows[@]}"
  echo
  echo "Produced by \`scripts/soak.sh $minutes\`; logs were in \`$work\`."
} > "$out"
cat "$out"
exit $failed
