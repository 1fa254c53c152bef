#!/usr/bin/env bash
# Project-private PostgreSQL and Redis for `make run` and `make test`.
# Installs what is missing, starts the servers under .local/ on loopback
# ports that are not the defaults, and reuses them when they already run.
# Sourced by scripts/run.sh, scripts/test.sh and ./manage; prints the URLs to use.
# Every server belongs to this checkout: found by its data directory or pid file, never by its port alone,
# so a second checkout on the same machine (other IFO_PG_PORT/IFO_REDIS_PORT) neither uses nor stops ours.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LOCAL="$ROOT/.local"
PG_PORT="${IFO_PG_PORT:-54329}"
REDIS_PORT="${IFO_REDIS_PORT:-63799}"
REDIS_DIR="$LOCAL/redis"
REDIS_PIDFILE="$REDIS_DIR/redis.pid"
PG_OWNER=ifo_owner
PG_APP=ifo_app
export DEBIAN_FRONTEND=noninteractive

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
fail() { printf '\033[1;31m==> %s\033[0m\n' "$@" >&2; exit 1; }

port_in_use() {  # $1 = port on 127.0.0.1: does anything accept a connection there?
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

free_port_from() {  # the first port from $1 upwards that nothing listens on
  local port="$1"
  while port_in_use "$port"; do port=$((port + 1)); done
  echo "$port"
}

port_taken_message() {  # $1 = what (PostgreSQL/Redis), $2 = port
  local pg redis
  pg="$(free_port_from $((PG_PORT + 10)))"
  redis="$(free_port_from $((REDIS_PORT + 10)))"
  fail "Port $2 på 127.0.0.1 används redan av en annan server, troligen $1 för en annan utcheckning av IFO-stöd" \
    "på den här maskinen. Ge den här utcheckningen egna, lediga portar, till exempel:" \
    "    export IFO_PG_PORT=$pg IFO_REDIS_PORT=$redis" \
    "och kör sedan make run, make test, make stop och ./manage i samma skal (webben: WEB_PORT, standard 8000)."
}

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

uv_on_path() {
  # pip --user puts uv in ~/.local/bin, which a login shell may not have on PATH: look there first,
  # so a second run does not install it again.
  case ":$PATH:" in *":$HOME/.local/bin:"*) ;; *) export PATH="$HOME/.local/bin:$PATH" ;; esac
  if ! command -v uv >/dev/null; then
    log "Installerar uv från PyPI (i ~/.local/bin)"
    # Debian's own python3 refuses pip installs (PEP 668); uv alone in ~/.local touches no system package.
    python3 -m pip install --quiet --user uv 2>/dev/null \
      || python3 -m pip install --quiet --user --break-system-packages uv 2>/dev/null \
      || python3 -m pip install --quiet uv
    command -v uv >/dev/null || fail "uv kunde inte installeras: installera uv (https://docs.astral.sh/uv/) och kör igen."
  fi
}

ensure_uv() {
  uv_on_path
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

# WeasyPrint (the case summary as PDF) draws text with Pango through cffi; Debian splits it out.
ensure_pango_installed() {
  ldconfig -p 2>/dev/null | grep -q 'libpangoft2-1.0.so.0' || apt_install libpango-1.0-0 libpangoft2-1.0-0
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

pg_dir() {
  # The cluster's directory: .local/pg, unless IFO_PG_DIR says otherwise or the postgres system user (which
  # runs the server when we are root) cannot reach the checkout, as in root's 0700 home: then a directory of
  # its own under the postgres user's home, named after this checkout so that each checkout keeps its own.
  if [ -n "${IFO_PG_DIR:-}" ]; then echo "$IFO_PG_DIR"; return; fi
  if [ "$(id -u)" -ne 0 ]; then echo "$LOCAL/pg"; return; fi
  mkdir -p "$LOCAL"
  as_pg_user true
  if runuser -u postgres -- test -x "$LOCAL" 2>/dev/null; then echo "$LOCAL/pg"; return; fi
  local home
  home="$(getent passwd postgres | cut -d: -f6)"
  echo "${home:-/var/lib/postgresql}/ifo-$(printf %s "$ROOT" | sha1sum | cut -c1-12)"
}

pg_paths() {
  PG_DIR="$(pg_dir)"
  PG_DATA="$PG_DIR/data"
  PG_SOCK="$PG_DIR/run"
}

start_postgres() {
  ensure_pg_installed
  pg_paths
  mkdir -p "$PG_DIR" "$PG_SOCK"
  if [ "$(id -u)" -eq 0 ]; then as_pg_user true; chown -R postgres: "$PG_DIR"; fi
  if [ "$PG_DIR" != "$LOCAL/pg" ] && [ -z "${IFO_PG_DIR:-}" ]; then
    log "Systemanvändaren postgres kan inte läsa $ROOT: klustret ligger i $PG_DIR (IFO_PG_DIR väljer en annan plats)"
  fi
  if [ -s "$PG_DATA/PG_VERSION" ] && as_pg_user "$PG_BIN/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1; then
    local running_port
    running_port="$(sed -n 4p "$PG_DATA/postmaster.pid" 2>/dev/null || true)"
    if [ -n "$running_port" ] && [ "$running_port" != "$PG_PORT" ]; then
      fail "Den här utcheckningens PostgreSQL kör redan på port $running_port, inte $PG_PORT." \
        "Sätt IFO_PG_PORT=$running_port, eller kör make stop och starta igen."
    fi
    log "PostgreSQL kör redan på 127.0.0.1:$PG_PORT"
  else
    # Another checkout's server on our port would make pg_ctl fail with only "could not start server".
    if port_in_use "$PG_PORT"; then port_taken_message PostgreSQL "$PG_PORT"; fi
    if [ ! -s "$PG_DATA/PG_VERSION" ]; then
      log "Skapar ett projektprivat PostgreSQL-kluster i $PG_DIR"
      # trust on loopback only: a development cluster that no other host can reach.
      as_pg_user "$PG_BIN/initdb" -D "$PG_DATA" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
    fi
    log "Startar PostgreSQL på 127.0.0.1:$PG_PORT"
    as_pg_user "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_DIR/postgres.log" -w -t 60 \
      -o "-p $PG_PORT -k $PG_SOCK -c listen_addresses=127.0.0.1 -c fsync=${IFO_PG_FSYNC:-on}" start >/dev/null \
      || fail "PostgreSQL startade inte; se $PG_DIR/postgres.log."
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

redis_is_ours() {
  # The Redis on our port was started by this checkout: its pid file is ours (redis-server keeps the path).
  local answer
  answer="$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" config get pidfile 2>/dev/null | sed -n 2p || true)"
  [ "$answer" = "$REDIS_PIDFILE" ]
}

start_redis() {
  ensure_redis_installed
  mkdir -p "$REDIS_DIR"
  if redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1; then
    redis_is_ours || port_taken_message Redis "$REDIS_PORT"
    log "Redis kör redan på 127.0.0.1:$REDIS_PORT"
  else
    if port_in_use "$REDIS_PORT"; then port_taken_message Redis "$REDIS_PORT"; fi
    log "Startar Redis på 127.0.0.1:$REDIS_PORT"
    redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --daemonize yes \
      --dir "$REDIS_DIR" --pidfile "$REDIS_PIDFILE" --logfile "$REDIS_DIR/redis.log" \
      --save "" --appendonly no >/dev/null
    for _ in $(seq 50); do redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
  fi
}

our_redis_pid() {
  # The pid in our pid file, if that process is a redis-server working in our directory (not a reused pid).
  local pid
  pid="$(cat "$REDIS_PIDFILE" 2>/dev/null || true)"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
  [ "$(ps -o comm= -p "$pid" 2>/dev/null)" = redis-server ] || return 0
  [ "$(readlink "/proc/$pid/cwd" 2>/dev/null || echo "$REDIS_DIR")" = "$REDIS_DIR" ] || return 0
  echo "$pid"
}

stop_services() {
  # Only this checkout's servers, by their data directory and pid file; whatever else listens on the ports
  # (another checkout's servers) is left running.
  pg_paths
  if [ -s "$PG_DATA/postmaster.pid" ]; then
    ensure_pg_installed
    log "Stoppar PostgreSQL ($PG_DATA)"
    as_pg_user "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast stop >/dev/null 2>&1 || true
  fi
  local pid
  pid="$(our_redis_pid)"
  if [ -n "$pid" ]; then
    log "Stoppar Redis (pid $pid)"
    kill -TERM "$pid"
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
}

services_running() {  # this checkout's PostgreSQL and Redis both answer on the configured ports
  pg_paths
  [ -s "$PG_DATA/postmaster.pid" ] && [ "$(sed -n 4p "$PG_DATA/postmaster.pid")" = "$PG_PORT" ] \
    && port_in_use "$PG_PORT" && redis_is_ours
}

owner_url() { echo "postgres://$PG_OWNER@127.0.0.1:$PG_PORT/$1"; }
app_url() { echo "postgres://$PG_APP@127.0.0.1:$PG_PORT/$1"; }
redis_url() { echo "redis://127.0.0.1:$REDIS_PORT/$1"; }
