#!/usr/bin/env bash
# Starts the machine's PostgreSQL cluster when it is down (CI and fresh developer machines).
# The PostgreSQL test suites connect as the superuser through TEST_PG_URL (see README).
set -euo pipefail
if ! pg_lsclusters -h 2>/dev/null | grep -q online; then
  cluster=$(pg_lsclusters -h | awk 'NR==1 {print $1" "$2}')
  if [ -z "$cluster" ]; then
    echo "no PostgreSQL cluster on this machine" >&2
    exit 1
  fi
  # shellcheck disable=SC2086
  pg_ctlcluster $cluster start
fi
pg_lsclusters
