#!/usr/bin/env bash
# `make run`: the whole system with demo data, until Ctrl-C.
set -euo pipefail
source "$(dirname "$0")/services.sh"
cd "$ROOT"

ensure_uv
start_postgres
start_redis
ensure_database ifo

export DJANGO_DEBUG=1
# The demo's accounts log in with a password only; production requires two-factor (README "Tvåfaktor").
export IFO_REQUIRE_2FA=0
export DATABASE_APP_ROLE="$PG_APP"
export REDIS_URL="$(redis_url 0)"
export WEB_PORT="${WEB_PORT:-8000}"

log "Migrerar databasen"
DATABASE_URL="$(owner_url ifo)" uv run --frozen python manage.py migrate --noinput -v 0
export DATABASE_URL="$(app_url ifo)"
log "Läser in referensdata och demokommunen"
uv run --frozen python manage.py load_demo
uv run --frozen python manage.py load_demo_placements
uv run --frozen python manage.py load_demo_budget

cat <<MSG

  IFO-stöd kör på http://127.0.0.1:$WEB_PORT/
  Demoinloggningar (lösenord: demo-losen-2026):
    handlaggare   (Handläggare, Mottagning barn och Utredning barn)
    enhetschef    (Enhetschef, Mottagning barn och Utredning barn)
    controller    (Controller)
    systemforvaltare (Systemförvaltare, med adminsidan)
  Avsluta med Ctrl-C.

MSG
exec uv run --frozen honcho start -f Procfile
