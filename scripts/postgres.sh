#!/usr/bin/env bash
# A PostgreSQL + PostGIS server on loopback for the PostGIS store's tests.
#
#   bash scripts/postgres.sh            # install if missing, start, create role and database
#   . scripts/postgres.sh               # the same, and export HOTSPOT_TEST_POSTGRES_URL
#
# Installs Debian's postgresql and postgresql-N-postgis-3 when they are missing
# (apt-get, as root or through sudo), then runs a cluster of its own in
# $HOTSPOT_PG_DIR (default /var/tmp/hotspot-postgres) as the postgres user,
# listening on 127.0.0.1:$HOTSPOT_PG_PORT (default 5432) and a Unix socket in
# that folder. No systemd needed. Creates the role hotspot (password hotspot)
# and the database hotspot_test it owns, with the postgis extension created by
# the superuser. Fast when all of that is already there.
#
# This cluster is for tests only: fsync is off.
# Prints the URL on its last line: postgres://hotspot:hotspot@127.0.0.1:PORT/hotspot_test

_hotspot_pg_main() {
    set -euo pipefail
    local port="${HOTSPOT_PG_PORT:-5432}"
    local dir="${HOTSPOT_PG_DIR:-/var/tmp/hotspot-postgres}"
    local sudo=""
    if [ "$(id -u)" != 0 ]; then
        sudo="sudo"
    fi

    _pg_bindir() {
        # The newest installed server version's binaries.
        local d
        d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
        [ -n "$d" ] && [ -x "$d/initdb" ] && echo "$d"
    }
    _apt_install() {
        # Debian's postinst would start its own main cluster on port 5432 (no
        # systemd: through invoke-rc.d); this script runs its own cluster
        # instead, so keep services from starting during the install.
        local policy=""
        if [ ! -e /usr/sbin/policy-rc.d ]; then
            policy=/usr/sbin/policy-rc.d
            printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" >/dev/null
            $sudo chmod +x "$policy"
        fi
        local rc=0
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
            "$@" </dev/null >/dev/null || rc=$?
        [ -n "$policy" ] && $sudo rm -f "$policy"
        return $rc
    }
    _postgis_installed() {
        local v="$1"
        ls /usr/share/postgresql/"$v"/extension/postgis.control >/dev/null 2>&1
    }

    local bindir version
    bindir=$(_pg_bindir || true)
    if [ -z "$bindir" ]; then
        echo "postgres.sh: installing postgresql (apt-get)" >&2
        $sudo apt-get update -qq
        _apt_install postgresql postgresql-contrib
        bindir=$(_pg_bindir)
    fi
    version=$(basename "$(dirname "$bindir")")
    if ! _postgis_installed "$version"; then
        echo "postgres.sh: installing postgresql-$version-postgis-3 (apt-get)" >&2
        # Without package lists, or with stale ones (a 404), update them first.
        if ! apt-cache show "postgresql-$version-postgis-3" >/dev/null 2>&1 ||
            ! _apt_install "postgresql-$version-postgis-3"; then
            $sudo apt-get update -qq
            _apt_install "postgresql-$version-postgis-3"
        fi
    fi

    # Run the server as the postgres user when we are root (initdb refuses root).
    local as_pg=()
    if [ "$(id -u)" = 0 ]; then
        id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
        as_pg=(runuser -u postgres --)
    fi

    if [ ! -f "$dir/PG_VERSION" ]; then
        echo "postgres.sh: creating a cluster in $dir" >&2
        mkdir -p "$dir"
        [ "$(id -u)" = 0 ] && chown postgres:postgres "$dir"
        chmod 700 "$dir"
        "${as_pg[@]}" "$bindir/initdb" -D "$dir" -U postgres --auth-local=trust \
            --auth-host=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 >"$dir.initdb.log" 2>&1 || {
            cat "$dir.initdb.log" >&2
            return 1
        }
    fi

    if ! "${as_pg[@]}" "$bindir/pg_ctl" -D "$dir" status >/dev/null 2>&1; then
        if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            echo "postgres.sh: something else already listens on 127.0.0.1:$port" \
                "(Debian's own cluster? \`pg_lsclusters\`); stop it or set HOTSPOT_PG_PORT" >&2
            return 1
        fi
        echo "postgres.sh: starting PostgreSQL $version on 127.0.0.1:$port" >&2
        "${as_pg[@]}" "$bindir/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 60 \
            -o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories=$dir \
                -c fsync=off -c synchronous_commit=off -c full_page_writes=off \
                -c max_connections=300" start >/dev/null || {
            tail -n 30 "$dir/server.log" >&2
            return 1
        }
    fi

    local psql=("${as_pg[@]}" "$bindir/psql" -h "$dir" -p "$port" -U postgres -v ON_ERROR_STOP=1 -qtA)
    if [ "$("${psql[@]}" -d postgres -c "SELECT 1 FROM pg_roles WHERE rolname = 'hotspot'")" != 1 ]; then
        "${psql[@]}" -d postgres -c "CREATE ROLE hotspot LOGIN PASSWORD 'hotspot'"
    fi
    if [ "$("${psql[@]}" -d postgres -c "SELECT 1 FROM pg_database WHERE datname = 'hotspot_test'")" != 1 ]; then
        "${psql[@]}" -d postgres -c "CREATE DATABASE hotspot_test OWNER hotspot"
    fi
    # PostGIS needs a superuser to install; the tests' role then only uses it.
    "${psql[@]}" -d hotspot_test -c "SET client_min_messages = warning; CREATE EXTENSION IF NOT EXISTS postgis"

    HOTSPOT_TEST_POSTGRES_URL="postgres://hotspot:hotspot@127.0.0.1:$port/hotspot_test"
    echo "$HOTSPOT_TEST_POSTGRES_URL"
}

if [ "${BASH_SOURCE[0]}" != "$0" ]; then
    # Sourced: run in a process of its own, so that `set -e` works there and
    # the caller's shell options are left alone, then export the URL.
    unset -f _hotspot_pg_main
    if ! HOTSPOT_TEST_POSTGRES_URL=$(bash "${BASH_SOURCE[0]}" | tail -n 1) ||
        [ -z "$HOTSPOT_TEST_POSTGRES_URL" ]; then
        echo "postgres.sh: could not start PostgreSQL/PostGIS" >&2
        return 1
    fi
    export HOTSPOT_TEST_POSTGRES_URL
else
    _hotspot_pg_main
fi
