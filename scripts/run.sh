#!/usr/bin/env bash
# `make run`: the whole system with demo data, until Ctrl-C.
set -euo pipefail
source "$(dirname "$0")/services.sh"
cd "$ROOT"

ensure_uv
ensure_pango_installed
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
  Demoinloggningar, alla med lösenordet demo-losen-2026 (varje handläggare har 30–60 pågående ärenden):
    handlaggare      Hanna Lind         Handläggare: Mottagning barn och unga, Utredning barn och unga
    handlaggare2     Omar Said          Handläggare: Vuxen missbruk och beroende, Mottagning vuxna
    handlaggare3     Johanna Ekström    Handläggare: Mottagning barn och unga
    handlaggare4     Mikael Sandberg    Handläggare: Mottagning barn och unga
    handlaggare5     Fatima Yilmaz      Handläggare: Utredning barn och unga
    handlaggare6     Jonas Wikström     Handläggare: Utredning barn och unga
    handlaggare7     Linnea Forsberg    Handläggare: Utredning barn och unga
    handlaggare8     Ahmed Osman        Handläggare: Utredning barn och unga
    handlaggare9     Karin Blom         Handläggare: Utredning barn och unga
    handlaggare10    Patrik Nyström     Handläggare: Utredning barn och unga
    handlaggare11    Sofia Lundqvist    Handläggare: Utredning barn och unga
    handlaggare12    Erik Hedlund       Handläggare: Familjehemsenheten, Utredning barn och unga
    handlaggare13    Maria Sjöberg      Handläggare: Mottagning vuxna, Vuxen missbruk och beroende
    handlaggare14    Daniel Engström    Handläggare: Vuxen missbruk och beroende
    handlaggare15    Elin Holmberg      Handläggare: Utredning barn och unga
    handlaggare16    Mattias Lundgren   Handläggare: Utredning barn och unga
    handlaggare17    Nora Abdi          Handläggare: Utredning barn och unga
    handlaggare18    Viktor Dahl        Handläggare: Utredning barn och unga
    handlaggare19    Emma Jakobsson     Handläggare: Utredning barn och unga
    handlaggare20    Sanna Bergström    Handläggare: Vuxen missbruk och beroende
    handlaggare21    Hassan Mahmoud     Handläggare: Vuxen missbruk och beroende
    enhetschef       Eva Berg           Enhetschef: Mottagning barn och unga, Utredning barn och unga, Familjehemsenheten
    enhetschef2      Anders Holmgren    Enhetschef: Vuxen missbruk och beroende, Mottagning vuxna
    controller       Carl Ek            Controller: alla verksamheters ekonomi
    systemforvaltare Sara Holm          Systemförvaltare: användare och enheter, med adminsidan
  E-tjänsten "Orosanmälan via kommunens webbplats" (till Mottagning barn och unga) postar med token
    $(cat var/etjanst-demo-token-ifo.txt 2>/dev/null || echo "(saknas: kör python manage.py load_demo)")
    till http://127.0.0.1:$WEB_PORT/api/e-tjanst/orosanmalningar/ (bara för utveckling; se var/).
  Avsluta med Ctrl-C.

MSG
exec uv run --frozen honcho start -f Procfile
