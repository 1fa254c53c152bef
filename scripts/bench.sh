#!/usr/bin/env bash
# `make bench`: the roll-up benchmark (issue 5, item 6). A database of its own (ifo_bench),
# dropped and recreated on every run, a synthetic large municipality, then timings and ratios
# to the Python reference. Prints figures; never fails on wall time, only on wrong results.
set -euo pipefail
source "$(dirname "$0")/services.sh"
cd "$ROOT"

BENCH_DB=ifo_bench

ensure_uv
start_postgres
start_redis

log "Skapar om databasen $BENCH_DB"
PG_BIN="${PG_BIN:-$(pg_bin)}"
owner_psql() { "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U "$PG_OWNER" "$@"; }
owner_psql -d postgres -c "DROP DATABASE IF EXISTS $BENCH_DB"
owner_psql -d postgres -c "CREATE DATABASE $BENCH_DB"

export DJANGO_DEBUG=1
export DATABASE_APP_ROLE="$PG_APP"
export REDIS_URL="$(redis_url 2)"
export DB_CONN_MAX_AGE=0
# The owner role: the generator switches the dirty-month triggers off during the bulk load.
export DATABASE_URL="$(owner_url "$BENCH_DB")"

log "Migrerar $BENCH_DB"
uv run --frozen python manage.py migrate --noinput -v 0
exec uv run --frozen python -m bench.run "$@"
