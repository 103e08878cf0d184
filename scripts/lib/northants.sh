# Sourced by the benchmarks and tests that run on the real Northamptonshire
# data (loadtest.sh, view-latency.sh, frontend/test.sh): where it is and how
# it is imported. Expects `set -euo pipefail`.

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
