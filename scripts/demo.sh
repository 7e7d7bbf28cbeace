#!/usr/bin/env bash
# README command 1: Gatehouse in front of a real Prometheus, with data flowing through it.
#
#   backend Prometheus  <-- remote write --  Gatehouse  <-- remote write (token) -- Prometheus agent
#                       <-- queries ------  Gatehouse  <-- queries (token with a label policy)
#
# Everything listens on 127.0.0.1 on free ports and is stopped when the script ends.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh

source scripts/lib/processes.sh

backend_port=$(free_port); gh_port=$(free_port); gh_internal=$(free_port); agent_port=$(free_port)

echo "== starting the backend: a real Prometheus with the remote-write receiver (127.0.0.1:$backend_port)"
printf 'global: {}\n' > "$work/backend.yml"
prometheus --config.file="$work/backend.yml" --storage.tsdb.path="$work/backend" \
  --web.listen-address="127.0.0.1:$backend_port" --web.enable-remote-write-receiver \
  --log.level=warn >"$work/backend.log" 2>&1 &
pids+=($!)
wait_http "http://127.0.0.1:$backend_port/-/ready"

echo "== starting Gatehouse (API and gateway 127.0.0.1:$gh_port, internals 127.0.0.1:$gh_internal)"
cat > "$work/gatehouse.yaml" <<YAML
listen: 127.0.0.1:$gh_port
internalListen: 127.0.0.1:$gh_internal
dataDir: $work/gatehouse-data
regions:
  - slug: local
    metrics: { url: "http://127.0.0.1:$backend_port", tenancy: label, tenantLabel: tenant }
log: { level: warn }
YAML
node bin/gatehouse.js serve --config "$work/gatehouse.yaml" >"$work/gatehouse.log" 2>&1 &
pids+=($!)
wait_http "http://127.0.0.1:$gh_internal/ready"
admin=$(cat "$work/gatehouse-data/admin-token")
api="http://127.0.0.1:$gh_port"


echo "== creating a stack, a writer token and two reader tokens through the Cloud-style API"
stack_id=$(call POST /api/v1/stacks '{"name":"Demo","slug":"demo","region":"local","deleteProtection":false}' | json .id)
prom_user=$(call GET /api/instances/demo | json .hmInstancePromId)
policy() {
  call POST '/api/v1/accesspolicies?region=local' "{\"name\":\"$1\",\"scopes\":[\"$2\"],\"realms\":[{\"type\":\"stack\",\"identifier\":\"$stack_id\",\"labelPolicies\":$3}]}" | json .id
}
token() { call POST '/api/v1/tokens?region=local' "{\"accessPolicyId\":\"$1\",\"name\":\"$2\"}" | json .token; }
writer=$(token "$(policy demo-writer metrics:write '[]')" agent)
everything=$(token "$(policy demo-reader-all metrics:read "[]")" grafana-all)
team_a=$(token "$(policy demo-reader-team-a metrics:read '[{"selector":"{namespace=\"team-a\"}"}]')" grafana-team-a)
echo "   stack id $stack_id, metrics user (hmInstancePromId) $prom_user"

echo "== starting a Prometheus agent that scrapes two 'teams' and remote-writes through Gatehouse"
cat > "$work/agent.yml" <<YAML
global: { scrape_interval: 2s }
scrape_configs:
  - job_name: gatehouse
    static_configs: [{ targets: ["127.0.0.1:$gh_internal"], labels: { namespace: team-a } }]
  - job_name: backend
    static_configs: [{ targets: ["127.0.0.1:$backend_port"], labels: { namespace: team-b } }]
remote_write:
  - url: "$api/api/prom/push"
    basic_auth: { username: "$prom_user", password: "$writer" }
YAML
prometheus --enable-feature=agent --config.file="$work/agent.yml" --storage.agent.path="$work/agent" \
  --web.listen-address="127.0.0.1:$agent_port" --log.level=warn >"$work/agent.log" 2>&1 &
pids+=($!)

query() {
  curl -fsS -u "$prom_user:$1" "$api/api/prom/api/v1/query" --data-urlencode "query=$2" |
    node -e 'let d="";process.stdin.on("data",c=>d+=c).on("end",()=>{for(const r of JSON.parse(d).data.result)console.log("   ",JSON.stringify(r.metric),r.value[1])})'
}

echo "== waiting for samples to arrive through Gatehouse"
for _ in $(seq 1 60); do
  [ -n "$(query "$everything" 'up' 2>/dev/null)" ] && [ "$(query "$everything" 'up' | wc -l)" -ge 2 ] && break
  sleep 1
done

echo
echo "== query 'up' with the unrestricted reader token:"
query "$everything" 'up'
echo
echo "== the same query with the token whose policy is {namespace=\"team-a\"}:"
query "$team_a" 'up'
echo
echo "== 'count by (namespace) ({__name__=~\".+\"})', unrestricted vs team-a:"
query "$everything" 'count by (namespace) ({__name__=~".+"})'
echo "   --"
query "$team_a" 'count by (namespace) ({__name__=~".+"})'
echo
echo "== the writer token cannot read (403):"
curl -sS -u "$prom_user:$writer" "$api/api/prom/api/v1/query?query=up"; echo
echo
echo "demo finished; everything it started is being stopped."
