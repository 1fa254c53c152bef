#!/usr/bin/env bash
# `make bench`: the roll-up benchmark (issue 5, item 6). A database of its own (ifo_bench),
# dropped and recreated on every run, a synthetic large municipality, then timings and ratios
# to the Python reference. Then the load test (issue 12, item 4): the demo municipality in its own
# database (ifo_bench_load), gunicorn as `make run` starts it, locust with 50 users for 60 s.
# Prints figures; never fails on wall time, only on wrong results or failed requests.
# Issue 19: also the placement import (bench/importing.py, into the empty database, rolled back) and the pages
# (bench/pages.py: deadline report, intake statistics, Att göra, placement list, SIE import) beside references.
# --scale national builds the national set in SQL instead (bench/national.py: ~300 000 placements, 1 M cases)
# and runs every part on it; BENCH_DB names the database (default ifo_bench, national ifo_bench_national).
# ARGS: --load-only or --no-load pick a part; anything else goes to the roll-up bench (bench/run.py).
set -euo pipefail
source "$(dirname "$0")/services.sh"
cd "$ROOT"

SCALE=small

ensure_uv
start_postgres
start_redis

RUN_ROLLUP=1
RUN_LOAD=1
ROLLUP_ARGS=()
NEXT_IS_SCALE=0
for arg in "$@"; do
  if [ "$NEXT_IS_SCALE" = 1 ]; then SCALE="$arg"; NEXT_IS_SCALE=0; continue; fi
  case "$arg" in
    --load-only) RUN_ROLLUP=0 ;;
    --no-load) RUN_LOAD=0 ;;
    --scale) NEXT_IS_SCALE=1 ;;
    --scale=*) SCALE="${arg#--scale=}" ;;
    *) ROLLUP_ARGS+=("$arg") ;;
  esac
done
case "$SCALE" in
  small) BENCH_DB="${BENCH_DB:-ifo_bench}" ;;
  national) BENCH_DB="${BENCH_DB:-ifo_bench_national}" ;;
  *) fail "Okänd skala: $SCALE (small eller national)" ;;
esac

PG_BIN="${PG_BIN:-$(pg_bin)}"
owner_psql() { "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U "$PG_OWNER" "$@"; }
recreate_database() {
  log "Skapar om databasen $1"
  owner_psql -d postgres -c "DROP DATABASE IF EXISTS $1"
  owner_psql -d postgres -c "CREATE DATABASE $1"
}

export DJANGO_DEBUG=1
# The demo users log in with their password alone, as in `make run`: with the second factor on, every page of
# the load test was the code page and counted as a failure (the step that "died").
export IFO_REQUIRE_2FA=0
export DATABASE_APP_ROLE="$PG_APP"
export REDIS_URL="$(redis_url 2)"
export DB_CONN_MAX_AGE=0
status=0
# Every part appends its figures here; the closing table (bench/summary.py) prints them all with their ratios.
export BENCH_SUMMARY="$(mktemp -t ifo-bench-summary.XXXXXX)"
# A part that fails (wrong results, failed requests) is reported and the next part still runs: one bad figure
# should not hide the others. The exit status says that something failed.
run_part() {
  "$@" || { local rc=$?; log "Delen avslutades med fel (kod $rc): ${*: -3}"; status=1; }
}
summary() {
  log "Belastning (loadavg) vid slutet: $(cut -d' ' -f1-3 /proc/loadavg)"
  uv run --frozen python -m bench.summary "$BENCH_SUMMARY" || true
  rm -f "$BENCH_SUMMARY"
}
log "Belastning (loadavg) vid start: $(cut -d' ' -f1-3 /proc/loadavg)"

if [ "$SCALE" = national ]; then
  recreate_database "$BENCH_DB"
  log "Migrerar $BENCH_DB"
  DATABASE_URL="$(owner_url "$BENCH_DB")" uv run --frozen python manage.py migrate --noinput -v 0
  OWNER_URL="$(owner_url "$BENCH_DB")"
  log "Placeringsimport, 15 000 rader, i den tomma databasen"
  run_part env DATABASE_URL="$OWNER_URL" uv run --frozen python -m bench.importing --rows 15000
  log "Bygger den nationella datamängden i SQL"
  # Without the data set nothing else can be measured.
  env DATABASE_URL="$OWNER_URL" uv run --frozen python -m bench.national || { summary; exit 1; }
  run_part env DATABASE_URL="$OWNER_URL" uv run --frozen python -m bench.run --no-generate --runs 2 "${ROLLUP_ARGS[@]}"
  run_part env DATABASE_URL="$OWNER_URL" uv run --frozen python -m bench.pages --sie 500000
  if [ "$RUN_LOAD" = 1 ]; then
    run_part env DATABASE_URL="$(app_url "$BENCH_DB")" uv run --frozen python -m bench.load
  fi
  summary
  exit "$status"
fi

if [ "$RUN_ROLLUP" = 1 ]; then
  recreate_database "$BENCH_DB"
  log "Migrerar $BENCH_DB"
  # The owner role: the generator switches the dirty-month triggers off during the bulk load.
  DATABASE_URL="$(owner_url "$BENCH_DB")" uv run --frozen python manage.py migrate --noinput -v 0
  run_part env DATABASE_URL="$(owner_url "$BENCH_DB")" uv run --frozen python -m bench.importing --rows 3000
  run_part env DATABASE_URL="$(owner_url "$BENCH_DB")" uv run --frozen python -m bench.run "${ROLLUP_ARGS[@]}"
fi

if [ "$RUN_LOAD" = 1 ]; then
  LOAD_DB="${BENCH_LOAD_DB:-ifo_bench_load}"
  recreate_database "$LOAD_DB"
  DATABASE_URL="$(owner_url "$LOAD_DB")" uv run --frozen python manage.py migrate --noinput -v 0
  # The web logs in as the application's role, as in `make run`.
  export DATABASE_URL="$(app_url "$LOAD_DB")"
  log "Läser in demokommunen i $LOAD_DB"
  uv run --frozen python manage.py load_demo >/dev/null
  uv run --frozen python manage.py load_demo_placements >/dev/null
  uv run --frozen python manage.py load_demo_budget >/dev/null
  run_part uv run --frozen python -m bench.pages
  run_part uv run --frozen python -m bench.load
fi
summary
exit "$status"
