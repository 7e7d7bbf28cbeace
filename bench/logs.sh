#!/usr/bin/env bash
# Benchmark: logs through Gatehouse vs straight into the same fake Loki (bench/fake-loki.mjs, a
# small in-memory stand-in, so the numbers measure Gatehouse and not Loki's storage):
#   push        POST /loki/api/v1/push, a prepared JSON body of LINES lines (wrk + Lua)  → lines/s
#   query_range GET /loki/api/v1/query_range?query={app="bench"}&limit=100               → p50/p99
# Through Gatehouse the token's policy has two label selectors, so every query_range fans out to
# two upstream queries and a merge. Prints req/s, lines/s, p50/p99 latency and the ratios.
# Everything runs on 127.0.0.1 and stops by itself. Tunables: DURATION (s, default 10: the total
# measuring time, split over the four measurements, plus a 1 s warm-up of Gatehouse per kind),
# CONNECTIONS (default 16), THREADS (1), LINES (lines per push body, default 100).
set -euo pipefail
cd "$(dirname "$0")/.."
GATEHOUSE_WITH_BENCH=1 bash scripts/install-deps.sh >/dev/null

duration=${DURATION:-10}
each=$((duration / 4)); [ "$each" -lt 1 ] && each=1
connections=${CONNECTIONS:-16}
threads=${THREADS:-1}
lines=${LINES:-100}
source scripts/lib/processes.sh

loki_port=$(free_port); gh_port=$(free_port); gh_internal=$(free_port)
loki="http://127.0.0.1:$loki_port"
gh="http://127.0.0.1:$gh_port"

node bench/fake-loki.mjs "$loki_port" >"$work/fake-loki.log" 2>&1 &
pids+=($!)
wait_http "$loki/ready"

cat > "$work/gatehouse.yaml" <<YAML
listen: 127.0.0.1:$gh_port
internalListen: 127.0.0.1:$gh_internal
dataDir: $work/gatehouse-data
regions:
  - slug: local
    logs: { url: "$loki", tenancy: header }
log: { level: ${GATEHOUSE_LOG_LEVEL:-info} }
YAML
node ${GATEHOUSE_NODE_FLAGS:-} bin/gatehouse.js serve --config "$work/gatehouse.yaml" >"$work/gatehouse.log" 2>&1 &
pids+=($!)
wait_http "http://127.0.0.1:$gh_internal/ready"
[ -f "$work/gatehouse-data/admin-token" ] || { echo "Gatehouse wrote no admin token; its log:"; cat "$work/gatehouse.log"; exit 1; } >&2
admin=$(cat "$work/gatehouse-data/admin-token")
api="$gh"
stack_id=$(call POST /api/v1/stacks '{"name":"Bench","slug":"bench","region":"local","deleteProtection":false}' | json .id)
user=$(call GET /api/instances/bench | json .hlInstanceId)
policy=$(call POST '/api/v1/accesspolicies?region=local' "{\"name\":\"bench\",\"scopes\":[\"logs:read\",\"logs:write\"],\"realms\":[{\"type\":\"stack\",\"identifier\":\"$stack_id\",\"labelPolicies\":[{\"selector\":\"{namespace=\\\"team-a\\\"}\"},{\"selector\":\"{env=\\\"prod\\\"}\"}]}]}" | json .id)
token=$(call POST '/api/v1/tokens?region=local' "{\"accessPolicyId\":\"$policy\",\"name\":\"bench\"}" | json .token)
gh_auth="Authorization: Basic $(printf '%s:%s' "$user" "$token" | base64 -w0)"

# One push body: LINES lines over 8 streams (namespace team-a/b/c/d x env prod/dev), pushed once
# straight into the fake so query_range has data before anything is measured.
node -e '
  const lines = Number(process.argv[1]), now = BigInt(Date.now()) * 1000000n;
  const streams = [];
  for (const namespace of ["team-a", "team-b", "team-c", "team-d"])
    for (const env of ["prod", "dev"]) streams.push({ stream: { app: "bench", namespace, env }, values: [] });
  for (let i = 0; i < lines; i++)
    streams[i % streams.length].values.push([String(now + BigInt(i)), `level=info msg="request served" i=${i} path=/api/v1/items status=200`]);
  process.stdout.write(JSON.stringify({ streams: streams.filter((s) => s.values.length > 0) }));
' "$lines" > "$work/push.json"
curl -fsS -H 'content-type: application/json' --data-binary @"$work/push.json" "$loki/loki/api/v1/push"

cat > "$work/push.lua" <<'LUA'
local file = assert(io.open(os.getenv("PUSH_BODY"), "rb"))
wrk.method = "POST"
wrk.body = file:read("*a")
file:close()
wrk.headers["Content-Type"] = "application/json"
LUA

query_path="/loki/api/v1/query_range?query=$(node -p 'encodeURIComponent(`{app="bench"}`)')&limit=100"

# Every answer must succeed with data, or the numbers mean nothing.
check() { # name url [header]
  local body; body=$(curl -fsS ${3:+-H "$3"} "$2")
  case "$body" in *'"result":[{'*) ;; *) echo "$1 answered query_range without data: $body" >&2; exit 1 ;; esac
  printf '%s' "$body" | node -e '
    let d = ""; process.stdin.on("data", (c) => (d += c)).on("end", () => {
      const outside = JSON.parse(d).data.result.filter((s) => s.stream.namespace !== "team-a" && s.stream.env !== "prod");
      if (process.argv[1] === "gatehouse" && outside.length > 0) { console.error("Gatehouse returned streams outside the policy"); process.exit(1); }
    });' "$1"
}
check direct "$loki$query_path"
check gatehouse "$gh$query_path" "$gh_auth"
curl -fsS -o /dev/null -w '' -H "$gh_auth" -H 'content-type: application/json' --data-binary @"$work/push.json" "$gh/loki/api/v1/push"

run() { # name seconds url [header] [lua]
  local name=$1 seconds=$2 url=$3 header=${4:-} lua=${5:-}
  PUSH_BODY="$work/push.json" wrk -t"$threads" -c"$connections" -d"${seconds}s" --latency \
    ${header:+-H "$header"} ${lua:+-s "$lua"} "$url" >"$work/$name.txt"
  [ -n "${BENCH_KEEP:-}" ] && cp "$work/$name.txt" "$BENCH_KEEP.$name.txt"
  node -e '
    const t = require("fs").readFileSync(process.argv[1], "utf8");
    const ms = (s) => { const m = /([\d.]+)(us|ms|s)\b/.exec(s); return m ? +m[1] * { us: 1e-3, ms: 1, s: 1e3 }[m[2]] : NaN; };
    const rps = +/Requests\/sec:\s+([\d.]+)/.exec(t)[1];
    const p50 = ms(/\b50%\s+(\S+)/.exec(t)[1]), p99 = ms(/\b99%\s+(\S+)/.exec(t)[1]);
    const non2xx = +((/Non-2xx or 3xx responses:\s+(\d+)/.exec(t) || [0, 0])[1]);
    const errors = /Socket errors:.*/.exec(t)?.[0] ?? "";
    if (![rps, p50, p99].every(Number.isFinite)) { console.error(`cannot read wrk output:\n${t}`); process.exit(1); }
    console.log(JSON.stringify({ name: process.argv[2], rps, p50, p99, non2xx, errors }));
  ' "$work/$name.txt" "$name"
}

echo "benchmark: logs push and query_range, ${each}s per measurement, $connections connections, wrk $threads thread(s), $(nproc) cores"
echo "push body: $lines lines in $(wc -c <"$work/push.json") bytes; query_range: {app=\"bench\"} limit=100, policy {namespace=\"team-a\"} or {env=\"prod\"}"
run warm-push 1 "$gh/loki/api/v1/push" "$gh_auth" "$work/push.lua" >/dev/null
run warm-query 1 "$gh$query_path" "$gh_auth" >/dev/null
results=$(
  run push-direct "$each" "$loki/loki/api/v1/push" "" "$work/push.lua"
  run push-gatehouse "$each" "$gh/loki/api/v1/push" "$gh_auth" "$work/push.lua"
  run query_range-direct "$each" "$loki$query_path"
  run query_range-gatehouse "$each" "$gh$query_path" "$gh_auth"
)
pushed=$(curl -fsS "$loki/stats" | json .pushedLines)

node -e '
  const [text, lines, pushed] = [process.argv[1], +process.argv[2], +process.argv[3]];
  const rows = text.trim().split("\n").map((l) => JSON.parse(l));
  const by = Object.fromEntries(rows.map((r) => [r.name, r]));
  const cell = (v, w, d = 0) => v.toFixed(d).padStart(w);
  console.log("measurement      target         req/s     lines/s   p50 ms   p99 ms  non-2xx");
  for (const r of rows) {
    const [kind, target] = r.name.split("-");
    const perSec = kind === "push" ? cell(r.rps * lines, 11) : "-".padStart(11);
    console.log(`${kind.padEnd(16)} ${target.padEnd(10)} ${cell(r.rps, 10)} ${perSec} ${cell(r.p50, 8, 2)} ${cell(r.p99, 8, 2)} ${String(r.non2xx).padStart(8)}${r.errors ? "  " + r.errors : ""}`);
  }
  const ratio = (a, b, key) => (by[a][key] / by[b][key]).toFixed(2) + "x";
  console.log(`gatehouse / direct  push lines/s: ${ratio("push-gatehouse", "push-direct", "rps")}   push p99: ${ratio("push-gatehouse", "push-direct", "p99")}`);
  console.log(`gatehouse / direct  query_range req/s: ${ratio("query_range-gatehouse", "query_range-direct", "rps")}   p50: ${ratio("query_range-gatehouse", "query_range-direct", "p50")}   p99: ${ratio("query_range-gatehouse", "query_range-direct", "p99")}`);
  console.log(`lines received by the fake Loki over the whole run: ${pushed}`);
  if (rows.some((r) => r.non2xx > 0)) { console.log("some answers were not 2xx: the run is invalid"); process.exit(1); }
' "$results" "$lines" "$pushed"
