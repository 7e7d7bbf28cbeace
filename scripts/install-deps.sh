#!/usr/bin/env bash
# Installs what Gatehouse's demo and tests need on Debian 12: the backends from Debian's
# packages and the npm dependencies (which also builds Gatehouse through `npm ci`'s prepare).
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(prometheus victoria-metrics)
[ "${GATEHOUSE_WITH_BENCH:-0}" = 1 ] && packages+=(wrk)

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done

if [ "${#missing[@]}" -gt 0 ]; then
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  echo "installing Debian packages: ${missing[*]}"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The Debian package starts a system Prometheus on :9090; Gatehouse's scripts start their own.
if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet prometheus 2>/dev/null; then
  echo "note: a system Prometheus is running; the demo and tests use their own instances"
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
else
  npm run --silent build
fi
