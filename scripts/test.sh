#!/usr/bin/env bash
# `make test`: the same set-up as `make run`, throw-away databases, then the
# gates (ruff, migrations) and the whole pytest suite, browser tests included.
set -euo pipefail
source "$(dirname "$0")/services.sh"
cd "$ROOT"

ensure_uv
ensure_chromium_installed
ensure_pango_installed
IFO_PG_FSYNC=off start_postgres
start_redis

export DJANGO_DEBUG=1
# Tests log in with a password (or force_login) without a second factor; the tests of two-factor turn it on
# themselves, and tests/socialtjanst/test_two_factor_settings.py checks production's default is on.
export IFO_REQUIRE_2FA=0
export DATABASE_APP_ROLE="$PG_APP"
# pytest-django creates and drops test_ifo_test as the owner role.
# IFO_TEST_DB and IFO_TEST_REDIS_DB let two suites run side by side on one machine.
TEST_DB="${IFO_TEST_DB:-ifo_test}"
export DATABASE_URL="$(owner_url "$TEST_DB")"
export DATABASE_APP_URL="$(app_url "$TEST_DB")"
REDIS_DB="${IFO_TEST_REDIS_DB:-1}"
export REDIS_URL="$(redis_url "$REDIS_DB")"
# A whole run has two pytest-xdist workers (IFO_TEST_WORKERS); each takes one of these Redis databases
# (tests/xdist_env.py: IFO_TEST_REDIS_DB and the one 8 on, round Redis' 16) and pytest-django gives each its
# own test database (test_<name>_gw0, _gw1).
export IFO_TEST_REDIS_DBS="${IFO_TEST_REDIS_DBS:-$REDIS_DB,$(( (REDIS_DB + 8) % 16 ))}"
export CHROMIUM_PATH="${CHROMIUM_PATH:-$(command -v chromium)}"
export DJANGO_ALLOW_ASYNC_UNSAFE=true
export DB_CONN_MAX_AGE=0

# IFO_GATES=0 skips the gates when running a subset of tests during development.
if [ "${IFO_GATES:-1}" = 1 ]; then
  log "ruff"
  uv run --frozen ruff check .
  log "makemigrations --check"
  uv run --frozen python manage.py makemigrations --check --dry-run >/dev/null
fi
log "pytest"
# A whole run (the gates on) runs its tests on two processes and lists its slowest tests, so the suite's time can
# be kept in check. Tests are handed out one by one in pytest-django's order (each process runs the tests that
# roll back before those that commit and flush, which would empty the migrations' data); a module whose fixture
# must be made once is listed in tests/xdist_env.py.
WHOLE_RUN=()
if [ "${IFO_GATES:-1}" = 1 ]; then
  WHOLE_RUN=(--durations=25 -n "${IFO_TEST_WORKERS:-2}" --dist load)
fi
# tests.xdist_env must load before Django's settings, so as a plugin (-p), importable from the checkout.
export PYTHONPATH="$ROOT${PYTHONPATH:+:$PYTHONPATH}"
exec uv run --frozen pytest -p no:cacheprovider -p tests.xdist_env "${WHOLE_RUN[@]}" "$@"
