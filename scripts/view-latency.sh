#!/usr/bin/env bash
# How fast the hotspot layer follows the map, on the real Northamptonshire
# data, as an officer waits for it:
#
#   bash scripts/view-latency.sh                    # hotspots over wards
#   LAYERS=wards,hotspots,density bash scripts/view-latency.sh
#
# Builds the map client and release `hotspot`, imports the 57 wards, their
# population and the 16 police.uk months from ../shared/data into a
# temporary SQLite database, serves it with the client (anonymous callers
# act as partners), and runs frontend/tests/view-latency.mjs in Debian's
# headless Chromium: from the map settling on each of eight views (district
# to street and back) to the map drawn with that view's layer. Prints a
# Markdown table; not part of scripts/test. NO_BUILD=1 uses what is built.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/northants.sh
require_northants view-latency.sh

if [ -z "${NO_BUILD:-}" ]; then
    bash frontend/setup.sh --browser
    bash frontend/build.sh
    cargo build --release --locked -p hotspot
fi
hotspot="${CARGO_TARGET_DIR:-target}/release/hotspot"

. scripts/lib/service.sh

db="sqlite:$work/northants.db"
echo "importing the real Northamptonshire data into $work" >&2
northants_import "$hotspot" "$db"
serve_in_background "$hotspot" "$db" "$work" --anonymous-role partner \
    --static-dir frontend/dist
echo "serving on $base; machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
(cd frontend && HOTSPOT_URL="$base" node tests/view-latency.mjs)
