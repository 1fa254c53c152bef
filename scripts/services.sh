#!/usr/bin/env bash
# Project-private PostgreSQL and Redis for `make run` and `make test`.
# Installs what is missing, starts the servers under .local/ on loopback
# ports that are not the defaults, and reuses them when they already run.
# Sourced by scripts/run.sh and scripts/test.sh; prints the URLs to use.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LOCAL="$ROOT/.local"
PG_PORT="${IFO_PG_PORT:-54329}"
REDIS_PORT="${IFO_REDIS_PORT:-63799}"
PG_DATA="$LOCAL/pg/data"
PG_SOCK="$LOCAL/pg/run"
PG_OWNER=ifo_owner
PG_APP=ifo_app
export DEBIAN_FRONTEND=noninteractive

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

APT_UPDATED=0
apt_install() {
  if ! command -v apt-get >/dev/null; then
    log "Saknar apt-get: installera $* för hand"; exit 1
  fi
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo -n"
  if [ "$APT_UPDATED" -eq 0 ]; then $sudo apt-get update -qq; APT_UPDATED=1; fi
  log "Installerar $* med apt-get"
  $sudo apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

ensure_uv() {
  # pip --user puts uv in ~/.local/bin, which a login shell may not have on PATH: look there first,
  # so a second run does not install it again.
  case ":$PATH:" in *":$HOME/.local/bin:"*) ;; *) export PATH="$HOME/.local/bin:$PATH" ;; esac
  if ! command -v uv >/dev/null; then
    log "Installerar uv från PyPI"
    python3 -m pip install --quiet --user uv 2>/dev/null || python3 -m pip install --quiet uv
    export PATH="$HOME/.local/bin:$PATH"
  fi
  log "Synkar Python-beroenden (uv sync --frozen)"
  (cd "$ROOT" && uv sync --frozen --quiet)
}

pg_bin() {
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

ensure_pg_installed() {
  if [ -z "$(pg_bin)" ]; then apt_install postgresql postgresql-contrib; fi
  PG_BIN="$(pg_bin)"
}

ensure_redis_installed() {
  command -v redis-server >/dev/null || apt_install redis-server
}

ensure_chromium_installed() {
  command -v chromium >/dev/null || apt_install chromium
}

# initdb and postgres refuse to run as root; use the postgres system user then.
as_pg_user() {
  if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

psql_super() {
  PG_BIN="${PG_BIN:-$(pg_bin)}"
  "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U postgres "$@"
}

start_postgres() {
  ensure_pg_installed
  mkdir -p "$LOCAL/pg" "$PG_SOCK"
  if [ "$(id -u)" -eq 0 ]; then as_pg_user true; chown -R postgres: "$LOCAL/pg"; fi
  if [ ! -s "$PG_DATA/PG_VERSION" ]; then
    log "Skapar ett projektprivat PostgreSQL-kluster i .local/pg"
    # trust on loopback only: a development cluster that no other host can reach.
    as_pg_user "$PG_BIN/initdb" -D "$PG_DATA" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  if as_pg_user "$PG_BIN/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1; then
    log "PostgreSQL kör redan på 127.0.0.1:$PG_PORT"
  else
    log "Startar PostgreSQL på 127.0.0.1:$PG_PORT"
    as_pg_user "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$LOCAL/pg/postgres.log" -w -t 60 \
      -o "-p $PG_PORT -k $PG_SOCK -c listen_addresses=127.0.0.1 -c fsync=${IFO_PG_FSYNC:-on}" start >/dev/null
  fi
  psql_super -d postgres <<SQL
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$PG_OWNER') THEN
    CREATE ROLE $PG_OWNER LOGIN CREATEDB;
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$PG_APP') THEN
    CREATE ROLE $PG_APP LOGIN;
  END IF;
END \$\$;
GRANT $PG_APP TO $PG_OWNER;
SQL
}

ensure_database() {  # $1 = database name, owned by the owner role
  local db="$1"
  if [ -z "$(psql_super -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$db'")" ]; then
    psql_super -d postgres -c "CREATE DATABASE $db OWNER $PG_OWNER"
  fi
}

start_redis() {
  ensure_redis_installed
  mkdir -p "$LOCAL/redis"
  if redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1; then
    log "Redis kör redan på 127.0.0.1:$REDIS_PORT"
  else
    log "Startar Redis på 127.0.0.1:$REDIS_PORT"
    redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --daemonize yes \
      --dir "$LOCAL/redis" --pidfile "$LOCAL/redis/redis.pid" --logfile "$LOCAL/redis/redis.log" \
      --save "" --appendonly no >/dev/null
    for _ in $(seq 50); do redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
  fi
}

stop_services() {
  ensure_pg_installed
  as_pg_user "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast stop 2>/dev/null || true
  redis-cli -h 127.0.0.1 -p "$REDIS_PORT" shutdown nosave 2>/dev/null || true
}

owner_url() { echo "postgres://$PG_OWNER@127.0.0.1:$PG_PORT/$1"; }
app_url() { echo "postgres://$PG_APP@127.0.0.1:$PG_PORT/$1"; }
redis_url() { echo "redis://127.0.0.1:$REDIS_PORT/$1"; }
