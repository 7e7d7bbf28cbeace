#!/usr/bin/env bash
# Benchmark: /api/prom/api/v1/query?query=up, side by side in one run on this machine:
#   direct Prometheus  vs  through Gatehouse (auth + 2-selector label policy)  vs  through vmauth.
# The backend Prometheus serves under /api/prom (--web.route-prefix), so each client uses the
# same path. Prints req/s, p50 and p99 latency, and the ratios. Everything runs on 127.0.0.1 and
# stops by itself. Tunables: DURATION (s, default 10), CONNECTIONS (default 32), THREADS (1).
set -euo pipefail
cd "$(dirname "$0")/.."
GATEHOUSE_WITH_BENCH=1 bash scripts/install-deps.sh >/dev/null

duration=${DURATION:-10}
connections=${CONNECTIONS:-32}
threads=${THREADS:-1}
source scripts/lib/processes.sh

prom_port=$(free_port); gh_port=$(free_port); gh_internal=$(free_port); vm_port=$(free_port)

# Backend with a little data: series in two namespaces, written once through its receiver.
printf 'global: {scrape_interval: 1s}\nscrape_configs:\n  - job_name: self\n    static_configs: [{targets: ["127.0.0.1:%s"], labels: {namespace: team-a, env: prod}}]\n    metrics_path: /api/prom/metrics\n' "$prom_port" > "$work/prom.yml"
prometheus --config.file="$work/prom.yml" --storage.tsdb.path="$work/prom" --web.listen-address="127.0.0.1:$prom_port" \
  --web.route-prefix=/api/prom --web.external-url="http://127.0.0.1:$prom_port/api/prom" --log.level=error >"$work/prom.log" 2>&1 &
pids+=($!); prom_pid=$!
wait_http "http://127.0.0.1:$prom_port/api/prom/-/ready"

cat > "$work/gatehouse.yaml" <<YAML
listen: 127.0.0.1:$gh_port
internalListen: 127.0.0.1:$gh_internal
dataDir: $work/gatehouse-data
regions:
  - slug: local
    metrics: { url: "http://127.0.0.1:$prom_port", readPrefix: /api/prom }
log: { level: ${GATEHOUSE_LOG_LEVEL:-info} }
YAML
node ${GATEHOUSE_NODE_FLAGS:-} bin/gatehouse.js serve --config "$work/gatehouse.yaml" >"$work/gatehouse.log" 2>&1 &
pids+=($!); gh_pid=$!
wait_http "http://127.0.0.1:$gh_internal/ready"
admin=$(cat "$work/gatehouse-data/admin-token")
api="http://127.0.0.1:$gh_port"
stack_id=$(call POST /api/v1/stacks '{"name":"Bench","slug":"bench","region":"local","deleteProtection":false}' | json .id)
user=$(call GET /api/instances/bench | json .hmInstancePromId)
policy=$(call POST '/api/v1/accesspolicies?region=local' "{\"name\":\"bench\",\"scopes\":[\"metrics:read\"],\"realms\":[{\"type\":\"stack\",\"identifier\":\"$stack_id\",\"labelPolicies\":[{\"selector\":\"{namespace=\\\"team-a\\\"}\"},{\"selector\":\"{env=\\\"prod\\\"}\"}]}]}" | json .id)
token=$(call POST '/api/v1/tokens?region=local' "{\"accessPolicyId\":\"$policy\",\"name\":\"bench\"}" | json .token)

cat > "$work/vmauth.yml" <<YAML
users:
  - username: bench
    password: bench
    url_prefix: "http://127.0.0.1:$prom_port"
YAML
vmauth -auth.config="$work/vmauth.yml" -httpListenAddr="127.0.0.1:$vm_port" -loggerLevel=ERROR >"$work/vmauth.log" 2>&1 &
pids+=($!); vm_pid=$!
wait_http -u bench:bench "http://127.0.0.1:$vm_port/api/prom/api/v1/query?query=up"

path='/api/prom/api/v1/query?query=up'
gh_auth="Authorization: Basic $(printf '%s:%s' "$user" "$token" | base64 -w0)"
vm_auth="Authorization: Basic $(printf 'bench:bench' | base64 -w0)"
for _ in $(seq 1 50); do # wait for the first scrapes, so `up` has data
  curl -fsS "http://127.0.0.1:$prom_port$path" | grep -q '"result":\[{' && break
  sleep 0.2
done

# Every answer must be a 200 with data, or the numbers mean nothing.
for target in "direct|http://127.0.0.1:$prom_port$path|" "gatehouse|http://127.0.0.1:$gh_port$path|$gh_auth" "vmauth|http://127.0.0.1:$vm_port$path|$vm_auth"; do
  IFS='|' read -r name url header <<<"$target"
  body=$(curl -fsS ${header:+-H "$header"} "$url")
  case "$body" in *'"result":[{'*) ;; *) echo "$name answered without data: $body" >&2; exit 1 ;; esac
done

cpu_ticks() { # utime + stime of a pid, in clock ticks
  [ -n "${1:-}" ] && awk '{print $14 + $15}' "/proc/$1/stat" || echo 0
}

run() { # name url [header] [proxy pid]
  wrk -t"$threads" -c"$connections" -d2s ${3:+-H "$3"} "$2" >/dev/null # warm-up
  local before; before=$(cpu_ticks "${4:-}")
  wrk -t"$threads" -c"$connections" -d"${duration}s" --latency ${3:+-H "$3"} "$2" >"$work/$1.txt"
  local ticks=$(( $(cpu_ticks "${4:-}") - before ))
  [ -n "${BENCH_KEEP:-}" ] && cp "$work/$1.txt" "$BENCH_KEEP.$1.txt"
  node -e '
    const t = require("fs").readFileSync(process.argv[1], "utf8");
    const ms = (s) => { const m = /([\d.]+)(us|ms|s)\b/.exec(s); return m ? +m[1] * { us: 1e-3, ms: 1, s: 1e3 }[m[2]] : NaN; };
    const rps = +/Requests\/sec:\s+([\d.]+)/.exec(t)[1];
    const p50 = ms(/^\s+50%\s+(\S+)/m.exec(t)[1]), p99 = ms(/^\s+99%\s+(\S+)/m.exec(t)[1]);
    const non2xx = (/Non-2xx or 3xx responses:\s+(\d+)/.exec(t) || [0, 0])[1];
    const requests = +/(\d+) requests in/.exec(t)[1];
    if (![rps, p50, p99].every(Number.isFinite)) { console.error(`cannot read wrk output:\n${t}`); process.exit(1); }
    // CPU the proxy itself spent per 1000 requests (clock ticks are 10 ms here).
    const cpuMs = process.argv[3] === "-" ? NaN : (+process.argv[3] * 10 * 1000) / requests;
    console.log(JSON.stringify({ name: process.argv[2], rps, p50, p99, non2xx: +non2xx, cpuMs }));
  ' "$work/$1.txt" "$1" "$([ -n "${4:-}" ] && echo "$ticks" || echo -)"
}

echo "benchmark: GET $path, ${duration}s per target, $connections connections, wrk $threads thread(s), $(nproc) cores"
targets=${TARGETS:-direct gatehouse vmauth}
results=$(
  for target in $targets; do
    case "$target" in
      direct) run direct "http://127.0.0.1:$prom_port$path" ;;
      gatehouse) run gatehouse "http://127.0.0.1:$gh_port$path" "$gh_auth" "$gh_pid" ;;
      vmauth) run vmauth "http://127.0.0.1:$vm_port$path" "$vm_auth" "$vm_pid" ;;
    esac
  done
)
node -e '
  const rows = process.argv[1].trim().split("\n").map((l) => JSON.parse(l));
  const by = Object.fromEntries(rows.map((r) => [r.name, r]));
  console.log("target       req/s     p50 ms   p99 ms   non-2xx   proxy CPU ms / 1000 req");
  for (const r of rows) console.log(`${r.name.padEnd(10)} ${r.rps.toFixed(0).padStart(8)} ${r.p50.toFixed(2).padStart(9)} ${r.p99.toFixed(2).padStart(8)} ${String(r.non2xx).padStart(9)}   ${Number.isFinite(r.cpuMs) ? r.cpuMs.toFixed(0).padStart(8) : "       -"}`);
  const ratio = (a, b) => {
    if (!by[a] || !by[b]) return;
    const x = by[a], y = by[b];
    console.log(`${a.padEnd(9)} / ${b.padEnd(9)} req/s: ${(x.rps / y.rps).toFixed(2)}x   p99: ${(x.p99 / y.p99).toFixed(2)}x`);
  };
  ratio("gatehouse", "vmauth");
  ratio("gatehouse", "direct");
  ratio("vmauth", "direct");
  if (rows.some((r) => r.non2xx > 0)) { console.log("some answers were not 2xx: the run is invalid"); process.exit(1); }
' "$results"
