#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for rednas's database tests (and for trying `--storage` locally).
#
#   eval "$(scripts/postgres-test-server.sh start /tmp/rednas-pg)"   # prints the exports below
#   swift test -c release -Xswiftc -enable-testing --filter PostgresSearchTests
#   scripts/postgres-test-server.sh stop /tmp/rednas-pg
#
# start: initdb in DIR, a server on a free loopback port (password logins only, SCRAM), a role
#        `rednas` with a random password and a database `rednas_test` it owns; prints
#        REDNAS_TEST_POSTGRES_URL (no password), REDNAS_TEST_POSTGRES_PASSWORD and
#        REDNAS_TEST_POSTGRES_DIR for the tests.
# restart / stop: pg_ctl restart / stop (fast) of the cluster in DIR.
# Needs Debian's `postgresql` package (.ci/setup installs it). As root, the server runs as the
# `postgres` user (initdb refuses root).
set -euo pipefail
cmd=${1:?usage: $0 start|restart|stop DIR}
dir=${2:?usage: $0 start|restart|stop DIR}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$bin/initdb" ] || { echo "PostgreSQL server binaries not found in /usr/lib/postgresql/*/bin: apt-get install postgresql" >&2; exit 1; }
as_owner() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
pgctl() { as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" "$@"; }

case "$cmd" in
  start)
    mkdir -p "$dir"
    [ "$(id -u)" -eq 0 ] && chown postgres "$dir"
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    password=$(python3 -c 'import secrets; print(secrets.token_hex(12))')
    as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth-local=trust --auth-host=scram-sha-256 >"$dir/initdb.log"
    pgctl -w -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off" start >/dev/null
    as_owner "$bin/psql" -h "$dir" -p "$port" -U postgres -d postgres -q -v ON_ERROR_STOP=1 \
      -c "CREATE ROLE rednas LOGIN PASSWORD '$password'" -c "CREATE DATABASE rednas_test OWNER rednas" >/dev/null
    echo "export REDNAS_TEST_POSTGRES_URL=postgresql://rednas@127.0.0.1:$port/rednas_test"
    echo "export REDNAS_TEST_POSTGRES_PASSWORD=$password"
    echo "export REDNAS_TEST_POSTGRES_DIR=$dir"
    ;;
  restart) pgctl -w -m fast restart >/dev/null ;;
  stop) pgctl -w -m fast stop >/dev/null ;;
  *) echo "usage: $0 start|restart|stop DIR" >&2; exit 2 ;;
esac
