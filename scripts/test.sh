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
export REDIS_URL="$(redis_url "${IFO_TEST_REDIS_DB:-1}")"
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
# A whole run (the gates on) lists its slowest tests, so the suite's time can be kept in check.
DURATIONS=()
if [ "${IFO_GATES:-1}" = 1 ]; then DURATIONS=(--durations=25); fi
exec uv run --frozen pytest -p no:cacheprovider "${DURATIONS[@]}" "$@"
