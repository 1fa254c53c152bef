#!/usr/bin/env bash
# `make drill`: the e-tjänst drill (issue 12, point 3). A database of its own (ifo_drill, or DRILL_DB),
# recreated each run, with the demo units; then bench/etjanst_drill.py starts the Procfile's web (gunicorn)
# and worker on loopback and lets 8 clients post 9 000 reports. Fails on any 5xx, never on wall time.
set -euo pipefail
source "$(dirname "$0")/services.sh"
cd "$ROOT"

DRILL_DB="${DRILL_DB:-ifo_drill}"

ensure_uv
start_postgres
start_redis

log "Skapar om databasen $DRILL_DB"
PG_BIN="${PG_BIN:-$(pg_bin)}"
owner_psql() { "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U "$PG_OWNER" "$@"; }
owner_psql -d postgres -c "DROP DATABASE IF EXISTS $DRILL_DB"
owner_psql -d postgres -c "CREATE DATABASE $DRILL_DB"

export DJANGO_DEBUG=1
export DATABASE_APP_ROLE="$PG_APP"
export REDIS_URL="$(redis_url "${DRILL_REDIS_DB:-3}")"
unset DB_CONN_MAX_AGE DB_POOL_MAX
DATABASE_URL="$(owner_url "$DRILL_DB")" uv run --frozen python manage.py migrate --noinput -v 0
export DATABASE_URL="$(app_url "$DRILL_DB")"
uv run --frozen python manage.py load_demo
exec uv run --frozen python -m bench.etjanst_drill "$@"
