# Sourced by the benchmarks that run on the real Northamptonshire data
# (loadtest.sh, view-latency.sh): where it is, how it is imported, and
# how the service is started on it. Expects `set -euo pipefail`.

SHARED="${HOTSPOT_SHARED_DATA:-../shared/data}"

# Exits quietly (0) with a SKIPPED line when the real data is absent: a
# benchmark, not a test, so nothing fails without it.
require_northants() {
    if [ ! -f "$SHARED/SOURCES.md" ]; then
        echo "$1: SKIPPED: $SHARED is absent (the real Northamptonshire data;" \
            "set HOTSPOT_SHARED_DATA)" >&2
        exit 0
    fi
}

# northants_import HOTSPOT DB: the 57 wards, their population and all 16
# police.uk months.
northants_import() {
    local hotspot=$1 db=$2
    "$hotspot" --db "$db" import boundaries "$SHARED/boundaries/northants_wards2022.geojson" >/dev/null
    "$hotspot" --db "$db" import population \
        "$SHARED/population/northants_wards2022_population_census2011_derived.csv" \
        --population-column persons_areal >/dev/null
    "$hotspot" --db "$db" import police-uk "$SHARED/policeuk/northamptonshire" | tail -n 1 >&2
}

# serve_in_background HOTSPOT DB WORK [serve options...]: starts `hotspot
# serve` on a free 127.0.0.1 port, logs in WORK; sets server_pid and base.
serve_in_background() {
    local hotspot=$1 db=$2 work=$3
    shift 3
    "$hotspot" --db "$db" serve --addr 127.0.0.1:0 --no-sample "$@" \
        >"$work/serve.out" 2>"$work/serve.log" &
    server_pid=$!
    base=""
    for _ in $(seq 1 600); do
        base=$(sed -n 's|.*listening on \(http://127\.0\.0\.1:[0-9]*\)/.*|\1|p' "$work/serve.out" | head -n 1)
        [ -n "$base" ] && return 0
        kill -0 "$server_pid" 2>/dev/null || {
            cat "$work/serve.log" >&2
            exit 1
        }
        sleep 0.1
    done
    echo "the service did not start" >&2
    exit 1
}
