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
#        REDNAS_TEST_POSTGRES_DIR for the tests. TLS is on: a throwaway CA (DIR/ca.crt) signs the
#        server's certificate for the name `localhost` (not for 127.0.0.1); a second database,
#        `rednas_tls`, accepts TLS connections only (pg_hba `hostssl`).
# restart / stop: pg_ctl restart / stop (fast) of the cluster in DIR.
# Needs Debian's `postgresql` and `openssl` packages (.ci/setup installs them). As root, the
# server runs as the `postgres` user (initdb refuses root).
set -euo pipefail
cmd=${1:?usage: $0 start|restart|stop DIR}
dir=${2:?usage: $0 start|restart|stop DIR}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$bin/initdb" ] || { echo "PostgreSQL server binaries not found in /usr/lib/postgresql/*/bin: apt-get install postgresql" >&2; exit 1; }
as_owner() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
# The server must not inherit this script's open files (a caller's pipes would stay open as long as
# the server runs, and a reader waiting for their end would wait for ever): only 0–2 are passed on,
# and those go to /dev/null or the log.
pgctl() (
  for fd in $(ls /proc/$BASHPID/fd); do
    if [ "$fd" -gt 2 ] && [ "$fd" -lt 255 ]; then eval "exec $fd>&-"; fi
  done 2>/dev/null
  as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" "$@" </dev/null >/dev/null 2>>"$dir/pg_ctl.log"
)
# A CA and a server certificate for `localhost` signed by it, in DIR (the key readable by the server only).
make_certificates() {
  openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=rednas test CA" \
    -keyout "$dir/ca.key" -out "$dir/ca.crt" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout "$dir/server.key" -out "$dir/server.csr" 2>/dev/null
  printf 'subjectAltName=DNS:localhost\n' >"$dir/server.ext"
  openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" -CAcreateserial -days 30 \
    -extfile "$dir/server.ext" -out "$dir/server.crt" 2>/dev/null
  chmod 600 "$dir/server.key"
  if [ "$(id -u)" -eq 0 ]; then chown postgres "$dir/server.key" "$dir/server.crt"; fi
}

case "$cmd" in
  start)
    mkdir -p "$dir"
    [ "$(id -u)" -eq 0 ] && chown postgres "$dir"
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    password=$(python3 -c 'import secrets; print(secrets.token_hex(12))')
    as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth-local=trust --auth-host=scram-sha-256 >"$dir/initdb.log"
    make_certificates
    # rednas_tls only over TLS; everything else with or without it.
    printf '%s\n' "local all all trust" "hostssl rednas_tls all 127.0.0.1/32 scram-sha-256" \
      "hostnossl rednas_tls all 127.0.0.1/32 reject" "host all all 127.0.0.1/32 scram-sha-256" \
      | as_owner tee "$dir/data/pg_hba.conf" >/dev/null
    pgctl -w -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off -c ssl=on \
      -c ssl_cert_file=$dir/server.crt -c ssl_key_file=$dir/server.key" start
    as_owner "$bin/psql" -h "$dir" -p "$port" -U postgres -d postgres -q -v ON_ERROR_STOP=1 \
      -c "CREATE ROLE rednas LOGIN PASSWORD '$password'" -c "CREATE DATABASE rednas_test OWNER rednas" \
      -c "CREATE DATABASE rednas_tls OWNER rednas" >/dev/null
    echo "export REDNAS_TEST_POSTGRES_URL=postgresql://rednas@127.0.0.1:$port/rednas_test"
    echo "export REDNAS_TEST_POSTGRES_PASSWORD=$password"
    echo "export REDNAS_TEST_POSTGRES_DIR=$dir"
    ;;
  restart) pgctl -w -m fast restart ;;
  stop) pgctl -w -m fast stop ;;
  *) echo "usage: $0 start|restart|stop DIR" >&2; exit 2 ;;
esac
