# Shared by the demo and the benchmarks: processes started in the background on 127.0.0.1, and
# stopped by their process ids when the script ends. Source it after `set -euo pipefail`.

work=$(mktemp -d)
pids=()

# SIGTERM, up to 5 s to exit (a Prometheus agent can be slow), then SIGKILL; each process is
# waited for by its id, so the shell reports no "Killed" job line.
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for _ in $(seq 1 25); do
    alive=0
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && break
    sleep 0.2
  done
  for pid in "${pids[@]}"; do
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT

free_port() {
  node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

# json '<accessor>' < document: prints one value, e.g. json .data.result[0].value[1]
json() {
  node -e 'let d="";process.stdin.on("data",c=>d+=c).on("end",()=>{const v=JSON.parse(d);console.log(eval("v"+process.argv[1]))})' "$1"
}

# wait_http [curl options] URL: until the URL answers 2xx, at most 20 s.
wait_http() {
  for _ in $(seq 1 100); do curl -fsS -o /dev/null "$@" 2>/dev/null && return 0; sleep 0.2; done
  echo "timed out waiting for: $*" >&2
  return 1
}

# call METHOD PATH [JSON]: the management API at $api with the token in $admin; prints the
# answer, or fails loudly with the API's own error message.
call() {
  local args=(-sS -X "$1" -H "authorization: Bearer $admin" -H 'content-type: application/json' -w '\n%{http_code}')
  [ $# -ge 3 ] && args+=(--data-raw "$3")
  local out; out=$(curl "${args[@]}" "$api$2")
  [ "${out##*$'\n'}" = 200 ] || { echo "API call $1 $2 failed: ${out%$'\n'*}" >&2; return 1; }
  printf '%s\n' "${out%$'\n'*}"
}
