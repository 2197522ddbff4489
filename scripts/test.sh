#!/usr/bin/env bash
# Runs every test of the solution. Installs what the tests need that a fresh machine may lack
# (moto_server for the S3/SQS tests, cfn-lint for the template); the tests start those servers themselves.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v moto_server >/dev/null 2>&1; then
  echo "installing moto[server] (S3/SQS-compatible server used by the integration tests)"
  python3 -m pip install --quiet "moto[server]"
fi
if ! command -v cfn-lint >/dev/null 2>&1; then
  echo "installing cfn-lint (lints template.yaml)"
  python3 -m pip install --quiet cfn-lint
fi
if ! command -v chromium >/dev/null 2>&1; then
  echo "installing chromium (the browser test of the local host's page drives it)"
  if [ "$(id -u)" -eq 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; fi
fi
# pyenv shims need a rehash after an install to put new commands on PATH.
command -v pyenv >/dev/null 2>&1 && pyenv rehash || true

log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
# A test that hangs is stopped after 10 minutes and reported by name (the whole suite takes about 5), instead of
# holding CI until its own limit.
dotnet test SdServerless.sln -c Release --blame-hang-timeout 10m --blame-hang-dump-type none 2>&1 | tee "$log" || status=$?

# One closing line over all test assemblies ("Failed: F, Passed: P" per assembly from the console logger).
passed=$(grep -Eo 'Passed: *[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
failed=$(grep -Eo 'Failed: *[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
echo "tests: ${passed:-0} passed, ${failed:-0} failed"
if [ "${passed:-0}" -eq 0 ]; then
  echo "no test ran" >&2
  exit 1
fi
exit "$status"
