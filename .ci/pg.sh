#!/usr/bin/env bash
# Start (or stop) a throwaway PostgreSQL server on loopback for tests and benchmarks.
#   eval "$(bash .ci/pg.sh start)"   -> exports ASYNCFACTORIES_TEST_PG_URL and PGDATA_DIR
#   bash .ci/pg.sh stop DIR
# PostgreSQL refuses to run as root, so under root it runs as the `postgres` user.
set -euo pipefail

find_bin() {
  if command -v initdb >/dev/null 2>&1; then dirname "$(readlink -f "$(command -v initdb)")"; return; fi
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

as_owner() {
  if [ "$(id -u)" = "0" ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "${1:-start}" in
  start)
    bin=$(find_bin)
    if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
      echo "pg.sh: no PostgreSQL server binaries (initdb) found" >&2; exit 1
    fi
    if [ "$(id -u)" = "0" ] && ! id postgres >/dev/null 2>&1; then
      useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
    fi
    dir=$(mktemp -d /tmp/asyncfactories-pg.XXXXXX)
    chmod 755 "$dir"
    [ "$(id -u)" = "0" ] && chown postgres "$dir"
    port=${PGPORT_WANTED:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
    as_owner "$bin/initdb" -D "$dir/data" -A trust -U postgres --no-sync >/dev/null
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w -o \
      "-h 127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
      start >/dev/null
    echo "export ASYNCFACTORIES_TEST_PG_URL=postgresql+asyncpg://postgres@127.0.0.1:$port/postgres"
    echo "export PGDATA_DIR=$dir"
    ;;
  stop)
    dir=${2:?usage: pg.sh stop DIR}
    bin=$(find_bin)
    as_owner "$bin/pg_ctl" -D "$dir/data" -m fast stop >/dev/null 2>&1 || true
    rm -rf "$dir"
    ;;
  *)
    echo "usage: pg.sh start | stop DIR" >&2; exit 2
    ;;
esac
