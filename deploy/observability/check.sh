#!/usr/bin/env bash
# Checks what can be checked of the observability profile without pulling its images: the Prometheus config and
# every PromQL expression of the Grafana dashboard, with promtool (Debian package `prometheus`). Whether each metric
# the dashboard queries exists is DashboardMetricsIntegrationTests' job (a real scrape after a representative run).
set -euo pipefail
cd "$(dirname "$0")"
promtool check config prometheus.yml
rules=$(mktemp --suffix=.yml)
trap 'rm -f "$rules"' EXIT
python3 - "$rules" <<'PY'
import json, sys
dash = json.load(open("grafana/dashboards/fanout.json"))
exprs = [t["expr"] for p in dash["panels"] for t in p.get("targets", [])]
with open(sys.argv[1], "w") as out:
    out.write("groups:\n  - name: dashboard\n    rules:\n")
    for i, e in enumerate(exprs):
        e = e.replace("$__rate_interval", "1m").replace("$endpoint", ".*").replace("$upstream", ".*")
        out.write(f"      - record: dashboard:expr{i}\n        expr: {json.dumps(e)}\n")
print(f"{len(exprs)} dashboard expressions", file=sys.stderr)
PY
promtool check rules "$rules"
