#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster on 127.0.0.1 for the tests (installing PostgreSQL from Debian's packages
# if needed) and prints the line that points the tests at it:
#   eval "$(bash .ci/start-postgres.sh)"
# Idempotent: a cluster already running in the folder is reused. Progress goes to stderr.
#   --status   exits 0 when the cluster is running, starting nothing
#   --stop     stops the cluster if it runs
set -euo pipefail
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
fi
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
dir=${EVENKEEL_PG_DIR:-/tmp/evenkeel-postgres}
# Below Linux's ephemeral range (32768-60999): a port inside it can be held by any outgoing connection of the
# tests (local side), and the server then cannot bind it.
port=${EVENKEEL_PG_PORT:-25432}
as_postgres() { runuser -u postgres -- "$@"; }
case "${1:-}" in
  --status) exec runuser -u postgres -- "$bin/pg_ctl" -D "$dir/data" status ;;
  --stop)
    if as_postgres "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
      as_postgres "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >&2
    fi
    exit 0 ;;
esac
if ! as_postgres "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
  rm -rf "$dir"
  mkdir -p "$dir"
  chown postgres:postgres "$dir"
  echo evenkeel > "$dir/password"
  chown postgres:postgres "$dir/password"
  as_postgres "$bin/initdb" -D "$dir/data" -U postgres --auth=scram-sha-256 --pwfile="$dir/password" >/dev/null
  # fsync off: a test cluster that is thrown away needs speed, not crash safety.
  as_postgres "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c max_connections=200" start >&2
fi
echo "export EVENKEEL_TEST_POSTGRES_URL=postgres://postgres:evenkeel@127.0.0.1:$port/postgres"
