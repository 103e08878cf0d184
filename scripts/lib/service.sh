# Sourced by the benchmarks (loadtest.sh, view-latency.sh, scale-bench.sh):
# a scratch folder in `work`, removed on exit after stopping the service
# started in the background (`server_pid`). Expects `set -euo pipefail`.

work=$(mktemp -d)
server_pid=""
cleanup() {
    if [ -n "$server_pid" ]; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

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
