#!/usr/bin/env bash
# Load test on loopback against the real Northamptonshire data:
#
#   bash scripts/loadtest.sh               # 200 connections, defaults below
#   CONNECTIONS=50 REQUESTS=5000 SECONDS_EACH=20 bash scripts/loadtest.sh
#
# Builds release `hotspot` and `hotspot-loadtest`, imports the 57 wards, their
# population and all 16 police.uk months from ../shared/data into a temporary
# SQLite database, creates an analyst account and API token with the CLI,
# starts `hotspot serve --rate-limit 0` on a free 127.0.0.1 port (the per-client
# rate limiter would otherwise refuse a load test from one address), warms up
# and runs each endpoint until REQUESTS requests or SECONDS_EACH seconds,
# whichever comes first. Prints a Markdown table. Not part of scripts/test.
# Traffic stays on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."

CONNECTIONS="${CONNECTIONS:-200}"
REQUESTS="${REQUESTS:-20000}"
SECONDS_EACH="${SECONDS_EACH:-30}"
WARMUP="${WARMUP:-400}"
. scripts/lib/northants.sh
require_northants loadtest.sh

# NO_BUILD=1 uses the release binaries already built.
if [ -z "${NO_BUILD:-}" ]; then
    cargo build --release --locked -p hotspot -p hotspot-loadtest
fi
target="${CARGO_TARGET_DIR:-target}/release"
hotspot="$target/hotspot"
loadtest="$target/hotspot-loadtest"

. scripts/lib/service.sh

db="sqlite:$work/northants.db"
run() { "$hotspot" --db "$db" "$@"; }

echo "importing the real Northamptonshire data into $work" >&2
northants_import "$hotspot" "$db"
HOTSPOT_PASSWORD="load test passphrase $$" run users add loadtest --role analyst >/dev/null
token=$(run users token loadtest --label loadtest 2>/dev/null)

serve_in_background "$hotspot" "$db" "$work" --rate-limit 0 --static-dir "$work/no-client"
echo "serving on $base" >&2

echo "machine: $(nproc) cores, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n 1);" \
    "load before the run: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
HOTSPOT_TOKEN="$token" "$loadtest" --url "$base" --connections "$CONNECTIONS" \
    --requests "$REQUESTS" --seconds "$SECONDS_EACH" --warmup "$WARMUP" \
    '/api/wards?period=2025-07..2025-12&compare=previous' \
    '/api/wards?group=serious-acquisitive' \
    '/api/hotspots?group=serious-acquisitive&bandwidth=400&cell=100' \
    '/api/density?format=grid&bandwidth=400&cell=200' \
    '/api/incidents?limit=1000'
