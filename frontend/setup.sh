#!/usr/bin/env bash
# Installs what building the map client needs, when missing (idempotent):
# the wasm32 target, wasm-bindgen-cli of the exact version the crate pins,
# and the npm packages (MapLibre GL JS, fonts, binaryen's wasm-opt).
# With --browser also Debian's chromium and chromium-driver, for the tests.
set -euo pipefail
cd "$(dirname "$0")"
WASM_BINDGEN_VERSION=0.2.130
export PATH="$HOME/.cargo/bin:$PATH"

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo -n "$@"; fi; }

if [ "${1:-}" = "--browser" ] && [ ! -x /usr/bin/chromium ]; then
    echo "installing Debian chromium and chromium-driver"
    as_root apt-get update
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y --no-install-recommends chromium chromium-driver
fi
if command -v rustup >/dev/null 2>&1; then
    rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
fi
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$WASM_BINDGEN_VERSION" ]; then
    echo "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (a few minutes)"
    cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi
wasm-bindgen --version
command -v node >/dev/null 2>&1 || { echo "node (>= 18) and npm are needed to build the map client" >&2; exit 1; }
# npm ci when node_modules is missing or was installed from another lock file.
if ! cmp -s package-lock.json node_modules/.hotspot-installed-lock 2>/dev/null; then
    npm ci --no-audit --no-fund
    cp package-lock.json node_modules/.hotspot-installed-lock
fi
