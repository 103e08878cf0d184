#!/usr/bin/env bash
# Regional scale benchmark (issue #13): 1M and 10M synthetic police.uk incidents.
#
#   bash scripts/scale-bench.sh            # both sizes
#   bash scripts/scale-bench.sh 1m         # or 10m
#
# Builds release `hotspot` and `hotspot-region` (NO_BUILD=1 reuses them),
# writes a seeded 60 km x 60 km region with 289 wards and N incidents over 24
# months (`hotspot-region`; kept in SCALE_DATA, default $TMPDIR/hotspot-scale,
# and reused by later runs), then for each size, into a fresh SQLite
# database: imports the wards, their population and the street files
# (`hotspot import police-uk`, timed end to end with its peak RSS from
# /usr/bin/time), creates an analyst token, starts `hotspot serve` and times
# it until /api/health answers (resident memory from /proc then), twice:
# the first start reads the store and writes the snapshot file, the restart
# maps it; on the restart it asks
# each endpoint twice over HTTP on loopback with curl: first (uncached) and
# repeated (the response cache), then incident vector tiles at zooms 8-16
# (median and max over about 20 tiles). Prints a Markdown table, 1M beside 10M.
# Not part of scripts/test: the 10M run takes several minutes and ~6 GB of disk.
set -euo pipefail
cd "$(dirname "$0")/.."

case "${1:-both}" in
both) sizes=(1m 10m) ;;
1m | 10m) sizes=("$1") ;;
*)
    echo "usage: scale-bench.sh [1m|10m|both]" >&2
    exit 2
    ;;
esac
SEED="${SEED:-27700}"
SCALE_DATA="${SCALE_DATA:-${TMPDIR:-/tmp}/hotspot-scale}"

if [ -z "${NO_BUILD:-}" ]; then
    cargo build --release --locked -p hotspot -p hotspot-loadtest >&2
fi
target="${CARGO_TARGET_DIR:-target}/release"
hotspot="$target/hotspot"
region="$target/hotspot-region"

# The endpoints, as in the issue's table (analyst token; evaluate trains on
# the first 12 months and tests on the last 12), with what the map client
# asks for Gi* (format=grid), density over the issue's 20 km box (the
# region's middle) and an incident page filtered by a group.
endpoints=(
    '/api/wards'
    '/api/density?format=grid&bandwidth=400&cell=50'
    '/api/density?format=grid&bandwidth=400&cell=50&bbox=-1.41,52.15,-1.12,52.33'
    '/api/hotspots?bandwidth=400&cell=100'
    '/api/gistar?cell=100'
    '/api/gistar?cell=100&format=grid'
    '/api/emerging'
    '/api/evaluate?train=2024-01..2024-12&test=2025-01..2025-12'
    '/api/temporal'
    '/api/categories'
    '/api/incidents?limit=1000'
    '/api/incidents?limit=1000&group=asb'
)

. scripts/lib/service.sh

declare -A result
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
gb() { awk -v k="$1" 'BEGIN { printf "%.2f", k / 1048576 }'; } # kB -> GB (GiB)

# Incident tiles (#13): the tiles at zooms 8, 9, ..., 16, 8, ... of 24
# incident locations spread through a street file ($1), distinct, with the
# query string $2; each printed as a path.
tile_paths() {
    awk -F, -v query="$2" '
        function tile(lon, lat, z,   n, r, pi) {
            pi = 3.14159265358979; n = 2 ^ z; r = lat * pi / 180
            return z "/" int((lon + 180) / 360 * n) "/" \
                int((1 - log(sin(r) / cos(r) + 1 / cos(r)) / pi) / 2 * n)
        }
        NR > 1 && $5 != "" && NR % 1200 == 0 && k < 24 {
            print "/api/tiles/incidents/" tile($5, $6, 8 + k % 9) ".mvt" query; k++
        }' "$1" | awk '!seen[$0]++'
}
tile_rows=('tiles' 'tiles?type=Burglary,Shoplifting&period=2025-01..2025-06')
tile_query() { case $1 in tiles) echo "" ;; *) echo "?${1#tiles\?}" ;; esac; }

# Asks each tile path (after the first two arguments: size, row) in turn,
# first uncached and then repeated; keeps "median … max …" per pass.
time_tiles() {
    local size=$1 row=$2 pass p out code t bytes
    shift 2
    for pass in first repeated; do
        local times=() total=0 empty=0
        for p in "$@"; do
            out=$(curl -s -o /dev/null -H "Authorization: Bearer $token" \
                -w '%{http_code} %{time_total} %{size_download}' "$base$p")
            read -r code t bytes <<<"$out"
            case $code in
            200) ;;
            204) empty=$((empty + 1)) ;;
            *) echo "$p: HTTP $code" >&2 ;;
            esac
            times+=("$t")
            total=$((total + bytes))
        done
        result[$size,$row,$pass]=$(printf '%s\n' "${times[@]}" | sort -g | awk \
            -v p="$pass" -v e="$empty" -v b="$total" '{ t[NR] = $1 * 1000 } END {
                m = NR % 2 ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2
                printf "median %.1f ms, max %.1f ms", m, t[NR]
                if (p == "first") printf " (%d tiles, %d empty, %.0f kB)", NR, e, b / 1e3 }')
        echo "$row $pass: ${result[$size,$row,$pass]}" >&2
    done
}

# start_timed SIZE KEY DB: starts the service on DB and waits until
# /api/health answers; keeps the time and resident memory in result[SIZE,KEY]
# and sets server_pid and base.
start_timed() {
    local size=$1 key=$2 db=$3 t0 t1 code=""
    : >"$work/serve.out"
    base=""
    t0=$(now)
    "$hotspot" --db "$db" serve --addr 127.0.0.1:0 --no-sample --rate-limit 0 \
        --refresh-seconds 0 --static-dir "$work/no-client" >"$work/serve.out" 2>>"$work/serve-$size.log" &
    server_pid=$!
    while :; do
        kill -0 "$server_pid" 2>/dev/null || {
            cat "$work/serve-$size.log" >&2
            exit 1
        }
        if [ -z "$base" ]; then
            base=$(sed -n 's|.*listening on \(http://127\.0\.0\.1:[0-9]*\)/.*|\1|p' "$work/serve.out" | head -n 1)
        fi
        if [ -n "$base" ]; then
            code=$(curl -s -o /dev/null -w '%{http_code}' "$base/api/health" || true)
            [ "$code" = 200 ] && break
        fi
        sleep 0.05
    done
    t1=$(now)
    local vmrss vmhwm
    vmrss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$server_pid/status")
    vmhwm=$(awk '/^VmHWM:/ { print $2 }' "/proc/$server_pid/status")
    result[$size,$key]="$(secs "$t0" "$t1") s, $(gb "$vmrss") GB resident ($(gb "$vmhwm") GB peak, $(awk -v k="$vmrss" -v n="$accepted" 'BEGIN { printf "%.0f", k * 1024 / n }') B/incident)"
}

# Every month range a..b of the 24 months, with no group and each of the
# default groups: 3,000 different ward selections, as paths (prefix $1).
different_selections() {
    awk -v prefix="$1" 'BEGIN {
        split("all serious-acquisitive violence-sexual asb criminal-damage-arson public-order shoplifting drugs other-theft weapons-other", g, " ")
        for (a = 0; a < 24; a++) for (b = a; b < 24; b++) for (i = 1; i <= 10; i++) {
            period = sprintf("%d-%02d..%d-%02d", 2024 + int(a / 12), a % 12 + 1, 2024 + int(b / 12), b % 12 + 1)
            print prefix "period=" period (g[i] == "all" ? "" : "&group=" g[i])
        }
    }'
}

# Cache-miss load (#13): 200 connections, every request a different
# selection, none cached: 3,000 ward requests, and 400 hotspot maps (past
# --analysis-queue these are refused with 503 and Retry-After, which the
# table counts as errors).
cache_miss_load() {
    local size=$1 out
    different_selections '/api/wards?' >"$work/wards.paths"
    different_selections '/api/hotspots?bandwidth=400&cell=100&' | awk 'NR % 7 == 1' >"$work/hotspots.paths"
    out=$("$target/hotspot-loadtest" --url "$base" --token "$token" --connections 200 --requests 3000 \
        --seconds 120 "@$work/wards.paths" 2>/dev/null || true)
    result[$size,load_wards]=$(echo "$out" | awk -F'|' '$2 ~ /wards/ {
        printf "%d requests, %d errors, p50 %s ms, p99 %s ms", $3, $4, $7, $9 }')
    out=$("$target/hotspot-loadtest" --url "$base" --token "$token" --connections 200 --requests 400 \
        --seconds 120 "@$work/hotspots.paths" 2>/dev/null || true)
    result[$size,load_hotspots]=$(echo "$out" | awk -F'|' '$2 ~ /hotspots/ {
        printf "%d requests, %d errors (503), p50 %s ms, p99 %s ms", $3, $4, $7, $9 }')
    echo "cache-miss load: wards ${result[$size,load_wards]}; hotspots ${result[$size,load_hotspots]}" >&2
}

bench_size() {
    local size=$1 n
    case $size in
    1m) n=1000000 ;;
    10m) n=10000000 ;;
    esac
    local data="$SCALE_DATA/region-$size-seed$SEED"
    if [ ! -f "$data/.complete" ]; then
        echo "== $size: writing the region into $data" >&2
        rm -rf "$data"
        "$region" --out "$data" --incidents "$n" --seed "$SEED" >&2
        touch "$data/.complete"
    fi
    local db="sqlite:$work/scale-$size.db"
    run() { "$hotspot" --db "$db" "$@"; }
    echo "== $size: importing" >&2
    run import boundaries "$data/wards.geojson" >/dev/null
    run import population "$data/population.csv" >/dev/null

    local t0 t1
    t0=$(now)
    /usr/bin/time -v -o "$work/import-$size.time" \
        "$hotspot" --db "$db" import police-uk "$data/policeuk" >"$work/import-$size.out" \
        2>"$work/import-$size.err" || {
        tail -c 2000 "$work/import-$size.err" >&2
        exit 1
    }
    t1=$(now)
    local rss accepted
    rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$work/import-$size.time")
    accepted=$(sed -n 's/^import [0-9]*: \([0-9]*\) accepted.*/\1/p' "$work/import-$size.out")
    grep '^import ' "$work/import-$size.out" >&2
    result[$size,import]="$(secs "$t0" "$t1") s ($(awk -v n="$accepted" -v a="$t0" -v b="$t1" \
        'BEGIN { printf "%.0fk rows/s", n / (b - a) / 1000 }')), $(gb "$rss") GB peak"
    echo "import: ${result[$size,import]}" >&2

    HOTSPOT_PASSWORD="scale bench passphrase $$" run users add scalebench --role analyst >/dev/null
    local token
    token=$(run users token scalebench --label scale-bench 2>/dev/null)

    # The first start reads the store and writes the snapshot file; the
    # second maps that file, as every later start does. The requests are
    # timed on the second.
    start_timed "$size" serve_first "$db"
    echo "serve, first start: ${result[$size,serve_first]}" >&2
    kill "$server_pid"
    wait "$server_pid" 2>/dev/null || true
    # The import and the first start leave gigabytes of dirty pages (the
    # database and the snapshot file); writing them back during the timed
    # requests would slow them by a half. Flushed here, so the requests are
    # timed as on a service that has been up a while.
    sync
    start_timed "$size" serve "$db"
    echo "serve, restart: ${result[$size,serve]}" >&2

    local path first second out
    for path in "${endpoints[@]}"; do
        for pass in first repeated; do
            out=$(curl -s -o /dev/null -H "Authorization: Bearer $token" \
                -w '%{http_code} %{time_total} %{size_download}' "$base$path")
            read -r code t bytes <<<"$out"
            if [ "$code" != 200 ]; then
                echo "$path: HTTP $code" >&2
                result[$size,$path,$pass]="HTTP $code"
                continue
            fi
            result[$size,$path,$pass]=$(awk -v t="$t" -v b="$bytes" -v p="$pass" 'BEGIN {
                if (t < 0.01) printf "%.1f ms", t * 1000
                else if (t < 1) printf "%.0f ms", t * 1000
                else printf "%.2f s", t
                if (p == "first") printf " (%s)", (b >= 1e6 ? sprintf("%.1f MB", b / 1e6) : sprintf("%.0f kB", b / 1e3)) }')
            [ "$pass" = first ] && echo "$path: $(awk -v t="$t" 'BEGIN { printf "%.3f s", t }'), $bytes bytes" >&2
        done
    done
    local row paths
    for row in "${tile_rows[@]}"; do
        mapfile -t paths < <(tile_paths "$(ls "$data"/policeuk/*.csv | head -n 1)" "$(tile_query "$row")")
        time_tiles "$size" "$row" "${paths[@]}"
    done
    cache_miss_load "$size"
    result[$size,rss_after]="$(gb "$(awk '/^VmRSS:/ { print $2 }' "/proc/$server_pid/status")") GB"
    kill "$server_pid"
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
    result[$size,snapshot_file]="$(du -m "${db#sqlite:}.snapshot" | cut -f1) MB"
    rm -f "${db#sqlite:}"*
}

for size in "${sizes[@]}"; do
    bench_size "$size"
done

echo "machine: $(nproc) cores, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n 1)," \
    "$(awk '/MemTotal/ { printf "%.0f GB", $2 / 1048576 }' /proc/meminfo) RAM;" \
    "load after the run: $(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%Y-%m-%d)"
echo
header="| step |"
rule="|---|"
for size in "${sizes[@]}"; do
    S=${size^^}
    header+=" $S first | $S repeated |"
    rule+="---:|---:|"
done
echo "$header"
echo "$rule"
row() {
    local label=$1 key=$2
    local line="| $label |"
    for size in "${sizes[@]}"; do
        line+=" ${result[$size,$key]} | |"
    done
    echo "$line"
}
row '`hotspot import police-uk`' import
row '`serve` until `/api/health` answers, first start (reads the store, writes the snapshot file)' serve_first
row '`serve` until `/api/health` answers, restart (maps the snapshot file)' serve
for path in "${endpoints[@]}"; do
    line="| \`$path\` |"
    for size in "${sizes[@]}"; do
        line+=" ${result[$size,$path,first]} | ${result[$size,$path,repeated]} |"
    done
    echo "$line"
done
for r in "${tile_rows[@]}"; do
    line="| \`/api/tiles/incidents/{z}/{x}/{y}.mvt$(tile_query "$r")\`, zooms 8-16 |"
    for size in "${sizes[@]}"; do
        line+=" ${result[$size,$r,first]} | ${result[$size,$r,repeated]} |"
    done
    echo "$line"
done
row 'cache-miss load, 200 connections: `/api/wards`, each request a different selection' load_wards
row 'cache-miss load, 200 connections: `/api/hotspots`, each request a different selection' load_hotspots
row 'resident memory after the requests' rss_after
row 'snapshot file on disk' snapshot_file
