#!/usr/bin/env bash
# The docker compose stack as a test: build the images, bring the stack up, check that both instances serve the
# demo endpoint, make an admin change on instance 1 and check that instance 2 serves it, then tear everything down
# (also on failure: the logs of every service are printed first). Every step is bounded in time.
#   scripts/compose-smoke.sh               # needs a Docker engine (on our machines: ../shared/docker/engine.sh start)
# Environment: SMOKE_BUILD_TIMEOUT (s, default 1500), SMOKE_UP_TIMEOUT (default 240), SMOKE_CROSS_TIMEOUT (default 30),
# SMOKE_KEEP=1 leaves the stack running for a look (then: docker compose -p <project> down -v).
set -euo pipefail
cd "$(dirname "$0")/.."

build_timeout=${SMOKE_BUILD_TIMEOUT:-1500}
up_timeout=${SMOKE_UP_TIMEOUT:-240}
cross_timeout=${SMOKE_CROSS_TIMEOUT:-30}
project="fanout-smoke-$$"

if docker compose version >/dev/null 2>&1; then
  compose=(docker compose -p "$project")
elif command -v docker-compose >/dev/null 2>&1; then
  compose=(docker-compose -p "$project")
else
  echo "compose-smoke: neither 'docker compose' nor 'docker-compose' is installed" >&2
  exit 2
fi
docker info >/dev/null 2>&1 || { echo "compose-smoke: no Docker engine answers" >&2; exit 2; }

free_port() { # the first port from $1 up that nothing listens on
  local port=$1
  while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
  echo "$port"
}
export FANOUT_1_PORT FANOUT_2_PORT FANOUT_ADMIN_TOKEN
FANOUT_1_PORT=$(free_port 18080)
FANOUT_2_PORT=$(free_port $((FANOUT_1_PORT + 1)))
FANOUT_ADMIN_TOKEN="smoke-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
one="http://127.0.0.1:$FANOUT_1_PORT"
two="http://127.0.0.1:$FANOUT_2_PORT"

started=$(date +%s)
step_started=$started
step() { # ends the previous step with its time, names the next
  local now; now=$(date +%s)
  [ -n "${current:-}" ] && echo "compose-smoke: ok   $current ($((now - step_started)) s)"
  current="$1"; step_started=$now
  [ -n "$current" ] && echo "compose-smoke: ...  $current"
  return 0
}

cleanup() {
  local status=$?
  if [ $status -ne 0 ]; then
    echo "compose-smoke: FAILED at: ${current:-start} (exit $status); service logs follow" >&2
    timeout 60 "${compose[@]}" ps >&2 || true
    timeout 60 "${compose[@]}" logs --no-color --tail=80 >&2 || true
  fi
  timeout 120 "${compose[@]}" down -v --remove-orphans >/dev/null 2>&1 \
    || echo "compose-smoke: 'down' failed; remove project $project by hand" >&2
  echo "compose-smoke: $([ $status -eq 0 ] && echo PASSED || echo FAILED) in $(($(date +%s) - started)) s"
  exit $status
}
trap cleanup EXIT

# polls until "$@" succeeds or $1 seconds pass
within() {
  local limit=$1; shift
  local deadline=$(($(date +%s) + limit))
  until "$@" >/dev/null 2>&1; do
    if [ "$(date +%s)" -ge "$deadline" ]; then echo "compose-smoke: not within ${limit}s: $*" >&2; return 1; fi
    sleep 1
  done
}
status_is() { # status_is CODE URL [curl args]
  local code=$1 url=$2; shift 2
  [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$@" "$url")" = "$code" ]
}

step "build the images (docker compose build)"
timeout "$build_timeout" "${compose[@]}" build

step "bring the stack up"
timeout "$up_timeout" "${compose[@]}" up -d

step "both instances ready (/actuator/health/readiness)"
within "$up_timeout" status_is 200 "$one/actuator/health/readiness"
within "$up_timeout" status_is 200 "$two/actuator/health/readiness"

step "both instances serve the demo endpoint"
for base in "$one" "$two"; do
  body=$(curl -sf --max-time 10 "$base/v1/users/42/overview")
  echo "$body" | grep -q '"data"' || { echo "no data from $base: $body" >&2; exit 1; }
  echo "$body" | grep -q '"user"' || { echo "no user call in $base's answer: $body" >&2; exit 1; }
done

step "an admin change on instance 1 is served by instance 2"
status_is 404 "$two/v1/smoke/7" || { echo "instance 2 already serves /v1/smoke/7" >&2; exit 1; }
etag=$(curl -sfI --max-time 10 -H "Authorization: Bearer $FANOUT_ADMIN_TOKEN" "$one/admin/config" \
  | tr -d '\r' | awk -F': ' 'tolower($1) == "etag" {print $2}')
[ -n "$etag" ] || { echo "no ETag from GET /admin/config" >&2; exit 1; }
changed_at=$(date +%s%N)
code=$(curl -s -o /tmp/compose-smoke-put.$$ -w '%{http_code}' --max-time 10 -X PUT "$one/admin/endpoints/smoke" \
  -H "Authorization: Bearer $FANOUT_ADMIN_TOKEN" -H 'Content-Type: application/yaml' -H "If-Match: $etag" \
  -H 'Fanout-Reason: compose smoke test' \
  --data-binary $'path: /v1/smoke/{id}\ncalls:\n  user: { upstream: users, path: "/users/{path.id}" }\n')
[ "$code" = 201 ] || { echo "PUT /admin/endpoints/smoke answered $code: $(cat /tmp/compose-smoke-put.$$)" >&2; exit 1; }
rm -f /tmp/compose-smoke-put.$$
within "$cross_timeout" status_is 200 "$two/v1/smoke/7"
echo "compose-smoke: instance 2 served the change $((($(date +%s%N) - changed_at) / 1000000)) ms after the PUT on instance 1"
curl -sf --max-time 10 "$two/v1/smoke/7" | grep -q '"user"'

trap - EXIT
if [ "${SMOKE_KEEP:-}" = 1 ]; then
  step ""
  echo "compose-smoke: left running as project $project (ports $FANOUT_1_PORT, $FANOUT_2_PORT)"
else
  step "tear down"
  timeout 120 "${compose[@]}" down -v --remove-orphans >/dev/null
  step ""
fi
echo "compose-smoke: PASSED in $(($(date +%s) - started)) s"
