#!/usr/bin/env bash
# Start (or reuse) a throwaway PostgreSQL server for the test suite on 127.0.0.1 and print its URI.
# Installs Debian's postgresql first when it is missing and we are root (CI, a fresh machine).
# The cluster lives in $WIJKWERK_TEST_PGDATA (default /tmp/wijkwerk-test-pg) with fsync off: test
# data only. Stop it with: pg_ctl -D /tmp/wijkwerk-test-pg stop
set -euo pipefail
port=${WIJKWERK_TEST_PGPORT:-54329}
data=${WIJKWERK_TEST_PGDATA:-/tmp/wijkwerk-test-pg}

find_bindir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }
bindir=$(find_bindir)
if [[ -z "$bindir" ]]; then
  if [[ $(id -u) -ne 0 ]]; then
    echo "PostgreSQL is not installed; run: sudo apt-get install postgresql" >&2
    exit 1
  fi
  echo "installing PostgreSQL (Debian package)..." >&2
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
  bindir=$(find_bindir)
fi

as_owner=()
if [[ $(id -u) -eq 0 ]]; then
  as_owner=(runuser -u postgres --)  # initdb and postgres refuse to run as root
fi

if ! "$bindir/pg_isready" -q -h 127.0.0.1 -p "$port"; then
  if [[ ! -f "$data/PG_VERSION" ]]; then
    mkdir -p "$data"
    [[ $(id -u) -eq 0 ]] && chown postgres: "$data"
    "${as_owner[@]}" "$bindir/initdb" -D "$data" -U wijkwerk --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  "${as_owner[@]}" "$bindir/pg_ctl" -D "$data" -l "$data/server.log" -w -t 60 start \
    -o "-p $port -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" >&2
fi

psql=("$bindir/psql" -h 127.0.0.1 -p "$port" -U wijkwerk -d postgres -v ON_ERROR_STOP=1 -qtA)
if [[ -z $("${psql[@]}" -c "SELECT 1 FROM pg_database WHERE datname = 'wijkwerk_test'") ]]; then
  "${psql[@]}" -c "CREATE DATABASE wijkwerk_test" >/dev/null
fi
echo "postgresql+psycopg://wijkwerk@127.0.0.1:$port/wijkwerk_test"
