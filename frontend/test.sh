#!/usr/bin/env bash
# The map client's whole check, from a fresh clone, as root or not, with
# CI=true and no stdin:
#   1. prerequisites (setup.sh --browser, idempotent): Debian chromium +
#      chromium-driver, the wasm32 target, wasm-bindgen-cli of the exact
#      crate version, npm ci;
#   2. the frontend crate's own wasm32 lint (the host lint is the workspace's);
#   3. the bundle (frontend/build.sh) and the `hotspot` binary;
#   4. `hotspot serve` on a temporary database with the sample data, after
#      creating an analyst and a partner account with the CLI; anonymous
#      callers get the server's default role (public);
#   5. the browser tests (node --test) against it, then the server stops.
# It prints the gzipped WASM size and the first-map time.
set -euo pipefail
cd "$(dirname "$0")"
FRONTEND="$PWD"
ROOT="$(cd .. && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
export PATH="$HOME/.cargo/bin:$PATH"

say() { printf '\n=== %s\n' "$*"; }

say "prerequisites"
bash "$FRONTEND/setup.sh" --browser

say "lint the client for wasm32"
(cd "$ROOT" && cargo clippy -p hotspot-frontend --target wasm32-unknown-unknown --locked -- -D warnings)

say "build the bundle"
./build.sh
RUST_GZ="$(cat dist/.rust-gzip-bytes)"

say "build the hotspot binary"
(cd "$ROOT" && cargo build -p hotspot --locked)
BIN="$CARGO_TARGET_DIR/debug/hotspot"

say "start hotspot serve on the sample data"
WORK="$(mktemp -d)"
SERVER_PID=""
cleanup() {
    if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT
# Test accounts (passwords of 12+ characters, from the environment, never an
# argument). The browser tests sign in through the page with them.
ANALYST_PASSWORD="analyst-test-$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')"
PARTNER_PASSWORD="partner-test-$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')"
(cd "$ROOT" && HOTSPOT_PASSWORD="$ANALYST_PASSWORD" "$BIN" --db "sqlite:$WORK/hotspot.db" users add analyst --role analyst </dev/null)
(cd "$ROOT" && HOTSPOT_PASSWORD="$PARTNER_PASSWORD" "$BIN" --db "sqlite:$WORK/hotspot.db" users add partner --role partner </dev/null)
# start_server NAME [serve options...]: `hotspot serve` on a free port in
# the background, logs in $WORK/NAME.*; sets SERVER_PID and URL ("" when
# it did not start).
start_server() {
    local name=$1 line=""
    shift
    (cd "$ROOT" && exec "$BIN" serve --addr 127.0.0.1:0 --static-dir "$FRONTEND/dist" "$@") \
        >"$WORK/$name.out" 2>"$WORK/$name.err" </dev/null &
    SERVER_PID=$!
    URL=""
    for _ in $(seq 1 600); do
        line="$(head -n1 "$WORK/$name.out" 2>/dev/null || true)"
        if [[ "$line" =~ (http://[0-9.:]+/) ]]; then URL="${BASH_REMATCH[1]}"; break; fi
        kill -0 "$SERVER_PID" 2>/dev/null || break
        sleep 0.1
    done
    if [ -z "$URL" ]; then
        echo "the server did not start:" >&2
        cat "$WORK/$name.err" >&2
    else
        echo "$line"
    fi
}
# No --anonymous-role: anonymous visitors are public, as in production.
# A made-up harm index, so the page offers harm weighting.
start_server sample --db "sqlite:$WORK/hotspot.db" --sample-dir "$ROOT/data" \
    --harm-index "$FRONTEND/tests/harm-index.csv"
[ -n "$URL" ] || exit 1

say "browser tests (headless Chromium)"
mkdir -p "$ROOT/tests/artifacts" "$ROOT/docs"
status=0
# UPDATE_SCREENSHOT=1 also refreshes the README's docs/screenshot.png.
HOTSPOT_URL="$URL" ARTIFACTS="$ROOT/tests/artifacts" \
    HOTSPOT_ANALYST=analyst HOTSPOT_ANALYST_PASSWORD="$ANALYST_PASSWORD" \
    HOTSPOT_PARTNER=partner HOTSPOT_PARTNER_PASSWORD="$PARTNER_PASSWORD" \
    node --test --test-concurrency=1 tests/browser.test.mjs || status=$?
kill "$SERVER_PID" 2>/dev/null || true
wait "$SERVER_PID" 2>/dev/null || true

say "browser test of a self-hosted PMTiles basemap"
node tests/fixture-pmtiles.mjs "$WORK/basemap.pmtiles"
start_server basemap --db "sqlite:$WORK/hotspot.db" --basemap "$WORK/basemap.pmtiles"
if [ -z "$URL" ]; then
    status=1
else
    HOTSPOT_URL="${URL%/}" ARTIFACTS="$ROOT/tests/artifacts" \
        node --test --test-concurrency=1 tests/basemap.test.mjs || status=$?
fi
kill "$SERVER_PID" 2>/dev/null || true
wait "$SERVER_PID" 2>/dev/null || true

# The real Northamptonshire data (../shared/data), where the sample hides
# the county-sized extent, stacked snap points and real street names.
# Missing data fails under CI; elsewhere the summary says it was skipped.
SHARED="${HOTSPOT_SHARED_DATA:-$ROOT/../shared/data}"
real_status="skipped: $SHARED is absent (set HOTSPOT_SHARED_DATA)"
if [ -f "$SHARED/SOURCES.md" ]; then
    say "browser tests on the real Northamptonshire data"
    (cd "$ROOT" && . scripts/lib/northants.sh && northants_import "$BIN" "sqlite:$WORK/northants.db")
    # Anonymous callers act as analysts: these tests are about the map on
    # real data, the sample's tests cover the roles.
    start_server real --db "sqlite:$WORK/northants.db" --no-sample --anonymous-role analyst
    if [ -z "$URL" ]; then
        real_status="FAILED: the server did not start"
        status=1
    else
        # UPDATE_SCREENSHOT=1 also refreshes the README's docs/screenshot.png.
        if HOTSPOT_URL="${URL%/}" ARTIFACTS="$ROOT/tests/artifacts" \
            SCREENSHOT="${UPDATE_SCREENSHOT:+$ROOT/docs/screenshot.png}" \
            node --test --test-concurrency=1 tests/real.test.mjs; then
            real_status="passed"
        else
            real_status="FAILED"
            status=1
        fi
    fi
elif [ -n "${CI:-}" ]; then
    echo "CI: the real-data browser tests need $SHARED" >&2
    real_status="FAILED: $SHARED is absent"
    status=1
fi

say "summary"
echo "WASM bundle (Rust part: .wasm + JS bindings), gzipped: $RUST_GZ bytes ($(( RUST_GZ / 1024 )) KiB)"
echo "browser tests on the real data: $real_status"
if [ -f "$ROOT/tests/artifacts/real-metrics.json" ]; then
    echo "real data: $(node -p "const m = require('$ROOT/tests/artifacts/real-metrics.json'); \`first map \${m.firstMapMs} ms, pan at street zoom to the hotspot data \${m.panToHotspotsMs} ms\`")"
fi
if [ -f "$ROOT/tests/artifacts/metrics.json" ]; then
    echo "first meaningful map (ward layer rendered), cold load: $(node -p "require('$ROOT/tests/artifacts/metrics.json').firstMapMs") ms after navigation start"
fi
exit $status
