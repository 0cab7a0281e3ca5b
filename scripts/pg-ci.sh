#!/bin/sh
# Starts the machine's PostgreSQL 15 (Debian cluster "15 main") when it is down and creates the
# role the PostgreSQL test suite uses (CREATEDB: every test file makes its own throw-away database).
# Prints the URL to export as TEST_DATABASE_URL. Fails loudly when PostgreSQL cannot be started.
#
#   eval "$(scripts/pg-ci.sh)"   # exports TEST_DATABASE_URL
set -eu
ROLE="${PG_TEST_ROLE:-zielmonitor_test}"
PASSWORD="${PG_TEST_PASSWORD:-zielmonitor_test}"
PORT="${PG_PORT:-5432}"

if ! pg_isready -q -h localhost -p "$PORT"; then
  pg_ctlcluster 15 main start >&2
  i=0
  until pg_isready -q -h localhost -p "$PORT"; do
    i=$((i + 1))
    if [ "$i" -gt 30 ]; then
      echo "pg-ci: PostgreSQL did not come up on port $PORT" >&2
      exit 1
    fi
    sleep 1
  done
fi

su postgres -c "psql -v ON_ERROR_STOP=1 -q -p $PORT" >&2 <<SQL
do \$\$
begin
  if not exists (select 1 from pg_roles where rolname = '$ROLE') then
    create role "$ROLE" login createdb password '$PASSWORD';
  else
    alter role "$ROLE" login createdb password '$PASSWORD';
  end if;
end
\$\$;
-- drop database … with (force) of the throw-away test databases ends leftover sessions.
grant pg_signal_backend to "$ROLE";
SQL

echo "export TEST_DATABASE_URL=postgres://$ROLE:$PASSWORD@localhost:$PORT/postgres"
