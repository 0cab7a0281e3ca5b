#!/usr/bin/env bash
# `npm run test:pg` (the second half of `npm test`): the API, ETL, alert and reliability suites on
# PostgreSQL. Without TEST_DATABASE_URL, as root (CI, a fresh machine), it first starts the machine's
# PostgreSQL and creates the test role (scripts/pg-ci.sh), so `npm test` alone runs everything.
# Otherwise the tests use TEST_DATABASE_URL or its default and fail loudly when it is unreachable.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
if [ -z "${TEST_DATABASE_URL:-}" ] && [ "$(id -u)" = "0" ]; then
  pg_env="$(bash "$here/pg-ci.sh" | tail -n 1)"
  eval "$pg_env"
fi
exec npx vitest run --config tests/support/vitest.pg.ts "$@"
