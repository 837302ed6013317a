#!/usr/bin/env bash
# `make run`: the portal on the embedded default, with nothing else to install or start.
#
# SQLite in var/, Celery's filesystem broker in var/celery-broker (no server), console email.
# Migrates, loads the demo data (idempotent), starts one Celery worker with embedded beat in the
# background (log in var/worker.log: the emails appear there), then serves on 127.0.0.1:$PORT.
# Ctrl-C stops the web server and the worker together.
set -euo pipefail
cd "$(dirname "$0")/.."

export DEBUG="${DEBUG:-1}"
HOST="${HOST:-127.0.0.1}"
PORT="${PORT:-8000}"
export SITE_URL="${SITE_URL:-http://$HOST:$PORT}"
mkdir -p var
PY=.venv/bin/python

echo "=== Migrating the database"
$PY manage.py migrate --noinput
echo
echo "=== Loading demo data"
$PY manage.py load_demo
echo

echo "=== Starting the Celery worker with embedded beat (log: var/worker.log)"
: >var/worker.log
# --pool=solo: one process, enough for a laptop; -B runs beat inside it (there must only ever
# be one beat, and here there is one worker).
.venv/bin/celery -A portal worker -B --pool=solo --loglevel=INFO \
    --schedule=var/celerybeat-schedule >>var/worker.log 2>&1 &
WORKER_PID=$!

stop_worker() {
    trap - EXIT INT TERM
    if kill -0 "$WORKER_PID" 2>/dev/null; then
        echo
        echo "=== Stopping the Celery worker (pid $WORKER_PID)"
        kill -TERM "$WORKER_PID" 2>/dev/null || true
        # A warm shutdown finishes the task in hand; give it ten seconds, then insist.
        for _ in $(seq 1 20); do
            kill -0 "$WORKER_PID" 2>/dev/null || break
            sleep 0.5
        done
        kill -KILL "$WORKER_PID" 2>/dev/null || true
        wait "$WORKER_PID" 2>/dev/null || true
    fi
}
trap stop_worker EXIT
# Ctrl-C is the normal way to stop: leave quietly (the EXIT trap stops the worker).
trap 'exit 0' INT TERM

sleep 2
if ! kill -0 "$WORKER_PID" 2>/dev/null; then
    echo "ERROR: the Celery worker did not start; see var/worker.log:" >&2
    tail -20 var/worker.log >&2
    exit 1
fi

cat <<BANNER

=====================================================================
  The compliance portal is at  $SITE_URL/
  Sign in with any demo login above; the password is printed above
  (set DEMO_PASSWORD before the first run to choose your own).
  Emails are printed in var/worker.log (console email backend).
  Django admin: $SITE_URL/django-admin/ (the system administrator).
  Press Ctrl-C to stop the web server and the worker.
=====================================================================

BANNER

$PY manage.py runserver "$HOST:$PORT"
