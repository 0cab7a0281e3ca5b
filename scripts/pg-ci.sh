#!/usr/bin/env bash
# Starts the machine's PostgreSQL cluster when it is down (CI and fresh developer machines) and
# creates the role the PostgreSQL test run uses (`npm run test:pg`): zielmonitor_test with
# CREATEDB, because every test makes its own throw-away database. Its URL is the default of
# TEST_DATABASE_URL (tests/helpers/db.ts); the last line printed is that URL as an export.
# Fails loudly when no cluster can be started.
set -euo pipefail
ROLE="${PG_TEST_ROLE:-zielmonitor_test}"
PASSWORD="${PG_TEST_PASSWORD:-zielmonitor_test}"

if ! command -v pg_lsclusters >/dev/null 2>&1; then
  echo "PostgreSQL is not installed (apt-get install postgresql; .ci/run does it)" >&2
  exit 1
fi
if [ -z "$(pg_lsclusters -h 2>/dev/null)" ]; then
  # A fresh install without a cluster (e.g. a container where postinst skipped it): create one.
  version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
  if [ -z "$version" ]; then
    echo "no PostgreSQL server binaries under /usr/lib/postgresql" >&2
    exit 1
  fi
  pg_createcluster "$version" main >&2
fi
if ! pg_lsclusters -h | grep -q online; then
  cluster=$(pg_lsclusters -h | awk 'NR==1 {print $1" "$2}')
  # shellcheck disable=SC2086
  pg_ctlcluster $cluster start >&2
fi
pg_lsclusters >&2
PORT=$(pg_lsclusters -h | awk '$4 == "online" {print $3; exit}')

for _ in $(seq 1 30); do
  pg_isready -q -h localhost -p "$PORT" && break
  sleep 1
done
pg_isready -h localhost -p "$PORT" >&2

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
