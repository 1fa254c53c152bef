#!/usr/bin/env bash
# Runs a command and starts it again whenever it exits on its own, waiting 1, 2, 4 … at most 30 s
# between starts (back to 1 s after a run that lasted a minute). honcho, which `make run` uses,
# restarts nothing: without this one Celery worker crash stops all background work until someone
# notices. A TERM or INT (Ctrl-C, honcho stopping) is passed on to the command and ends the loop.
#   usage: scripts/supervise.sh celery -A config worker ...
set -uo pipefail

child=0
stopping=0
stop() {
  stopping=1
  if [ "$child" -ne 0 ]; then kill -TERM "$child" 2>/dev/null; fi
}
trap stop TERM INT

delay=1
while :; do
  started=$(date +%s)
  "$@" &
  child=$!
  # wait returns early when a signal arrives; wait again until the child has really exited.
  while kill -0 "$child" 2>/dev/null; do wait "$child"; done
  wait "$child" 2>/dev/null
  status=$?
  child=0
  [ "$stopping" -eq 1 ] && exit 0
  if [ $(( $(date +%s) - started )) -ge 60 ]; then delay=1; fi
  echo "supervise: '$1' avslutades med status $status; startar om om $delay s" >&2
  sleep "$delay" & wait $!
  [ "$stopping" -eq 1 ] && exit 0
  delay=$(( delay * 2 > 30 ? 30 : delay * 2 ))
done
