#!/usr/bin/env bash
# Builds the map client into frontend/dist/ (served by `hotspot serve` at /):
#   Rust → wasm32 (cargo) → JS bindings (wasm-bindgen-cli, exact version) →
#   size optimisation (wasm-opt from npm binaryen) → copy the page, MapLibre
#   GL JS, its worker and CSS, and the fonts. Nothing is fetched at run time.
# Prerequisites (frontend/setup.sh installs them): the wasm32-unknown-unknown
# target, wasm-bindgen-cli of WASM_BINDGEN_VERSION, and `npm ci` here.
set -euo pipefail
cd "$(dirname "$0")"
FRONTEND="$PWD"
ROOT="$(cd .. && pwd)"
WASM_BINDGEN_VERSION=0.2.130
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
PROFILE=release

say() { printf '\n==> %s\n' "$*"; }

command -v wasm-bindgen >/dev/null 2>&1 || { echo "wasm-bindgen not found: cargo install wasm-bindgen-cli --version $WASM_BINDGEN_VERSION" >&2; exit 1; }
have="$(wasm-bindgen --version | awk '{print $2}')"
if [ "$have" != "$WASM_BINDGEN_VERSION" ]; then
    echo "wasm-bindgen-cli $have found, $WASM_BINDGEN_VERSION needed (it must match the wasm-bindgen crate exactly)" >&2
    exit 1
fi
[ -d node_modules/maplibre-gl ] || { echo "node_modules missing: run 'npm ci' in frontend/" >&2; exit 1; }

say "cargo build (wasm32-unknown-unknown, $PROFILE, size-optimised)"
# The bundle is downloaded by every visitor and its code is UI glue, so this
# one build trades speed for size: opt-level z, fat LTO, one codegen unit and
# no debug info (about 22% smaller gzipped than the workspace's release
# profile). The variables apply to this cargo call only; the server's builds
# keep the workspace profile.
(cd "$ROOT" && CARGO_PROFILE_RELEASE_OPT_LEVEL=z CARGO_PROFILE_RELEASE_LTO=fat \
    CARGO_PROFILE_RELEASE_CODEGEN_UNITS=1 CARGO_PROFILE_RELEASE_DEBUG=0 \
    cargo build -p hotspot-frontend --target wasm32-unknown-unknown --$PROFILE --locked)

say "wasm-bindgen $WASM_BINDGEN_VERSION"
rm -rf dist
mkdir -p dist/pkg dist/vendor dist/fonts
wasm-bindgen --target web --no-typescript --out-dir dist/pkg \
    "$TARGET_DIR/wasm32-unknown-unknown/$PROFILE/hotspot_frontend.wasm"

say "wasm-opt -Oz (npm binaryen $(node -p "require('./node_modules/binaryen/package.json').version"))"
before=$(stat -c %s dist/pkg/hotspot_frontend_bg.wasm)
node_modules/.bin/wasm-opt -Oz \
    --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-mutable-globals --enable-reference-types --enable-multivalue \
    dist/pkg/hotspot_frontend_bg.wasm -o dist/pkg/hotspot_frontend_bg.opt.wasm
mv dist/pkg/hotspot_frontend_bg.opt.wasm dist/pkg/hotspot_frontend_bg.wasm
echo "wasm: $before bytes before wasm-opt"

say "page, MapLibre GL JS $(node -p "require('./node_modules/maplibre-gl/package.json').version"), fonts"
cp web/index.html web/boot.js web/app.css web/config.json dist/
ML=node_modules/maplibre-gl
cp "$ML/dist/maplibre-gl.mjs" "$ML/dist/maplibre-gl-worker.mjs" "$ML/dist/maplibre-gl.css" "$ML/LICENSE.txt" dist/vendor/
mv dist/vendor/LICENSE.txt dist/vendor/maplibre-gl-LICENSE.txt
# PMTiles (BSD-3-Clause): reads a self-hosted basemap archive with HTTP
# Range requests (`hotspot serve --basemap FILE.pmtiles`).
cp node_modules/pmtiles/dist/pmtiles.js dist/vendor/
FS=node_modules/@fontsource/noto-sans
cp "$FS/files/noto-sans-latin-400-normal.woff2" "$FS/files/noto-sans-latin-700-normal.woff2" dist/fonts/
cp "$FS/LICENSE" dist/fonts/noto-sans-OFL.txt

say "sizes"
gz() { gzip -9 -c "$1" | wc -c; }
wasm=dist/pkg/hotspot_frontend_bg.wasm
glue=dist/pkg/hotspot_frontend.js
printf '%-44s %10s %10s\n' file bytes gzip-9
for f in "$wasm" "$glue" dist/vendor/maplibre-gl.mjs dist/vendor/maplibre-gl-worker.mjs dist/vendor/maplibre-gl.css dist/vendor/pmtiles.js dist/app.css; do
    printf '%-44s %10s %10s\n' "$f" "$(stat -c %s "$f")" "$(gz "$f")"
done
# Gzipped copies beside the large files: the service sends them to browsers
# that accept gzip (ServeDir's precompressed_gzip) without compressing
# 2.5 MB on every cold load.
for f in "$wasm" "$glue" dist/vendor/maplibre-gl.mjs dist/vendor/maplibre-gl-worker.mjs dist/vendor/maplibre-gl.css dist/vendor/pmtiles.js dist/app.css dist/index.html; do
    gzip -9 -n -k -f "$f"
done
rust_gz=$(( $(gz "$wasm") + $(gz "$glue") ))
echo "Rust part (wasm + bindings), gzipped: $rust_gz bytes"
echo "$rust_gz" > dist/.rust-gzip-bytes
echo "built $FRONTEND/dist"
