#!/usr/bin/env bash
# `make run`: the portal on the embedded default, with nothing else to install or start.
#
# SQLite in var/, Celery's filesystem broker in var/celery-broker (no server), console email.
# Migrates, loads the demo data (idempotent), starts one Celery worker with embedded beat in
# the background, then serves on 127.0.0.1:$PORT. var/worker.log is the log of every email: each
# run appends to it under a line with its start time, so earlier runs' emails are kept.
# Ctrl-C, or a SIGTERM or SIGHUP (a closed terminal, `kill`), stops the web server and the
# worker together.
set -euo pipefail
cd "$(dirname "$0")/.."

export DEBUG="${DEBUG:-1}"
HOST="${HOST:-127.0.0.1}"
PORT="${PORT:-8000}"
export SITE_URL="${SITE_URL:-http://$HOST:$PORT}"
# The settings read PORTAL_VAR_DIR too, so the database, broker and log stay together.
export PORTAL_VAR_DIR="${PORTAL_VAR_DIR:-$PWD/var}"
mkdir -p "$PORTAL_VAR_DIR"
LOG="$PORTAL_VAR_DIR/worker.log"
PY=.venv/bin/python

echo "=== Migrating the database"
$PY manage.py migrate --noinput
echo
echo "=== Loading demo data"
$PY manage.py load_demo
echo

echo "=== Starting the Celery worker with embedded beat (log: $LOG)"
printf '\n===== make run started %s =====\n\n' "$(date '+%Y-%m-%d %H:%M:%S %Z')" >>"$LOG"

# Each background process leads a process group of its own, so that stopping it reaches the
# children it starts too (runserver's reloader runs the server as a child; the worker runs
# beat in one). Not `set -m`: that would hand the terminal to each foreground command.
IN_OWN_GROUP=(
    "$PY" -c 'import os, sys; os.setpgid(0, 0); os.execvp(sys.argv[1], sys.argv[1:])'
)
SERVER_PID=""
WORKER_PID=""

stop() { # pid, what, seconds to wait, whom to TERM (the "group" or the "leader")
    local pid=$1 what=$2 seconds=$3 target=$1
    [[ -n $pid ]] || return 0
    [[ $4 == group ]] && target="-$pid"
    if kill -0 -- "-$pid" 2>/dev/null; then
        echo "=== Stopping the $what (pid $pid)"
        kill -TERM -- "$target" 2>/dev/null || true
        for _ in $(seq 1 $((seconds * 2))); do
            kill -0 -- "-$pid" 2>/dev/null || break
            sleep 0.5
        done
        # Whatever of the group outlived the wait (a hung child) goes now.
        kill -KILL -- "-$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
}

stop_all() {
    trap - EXIT INT TERM HUP
    echo
    # runserver's reloader and the server it runs as a child both need the signal.
    stop "$SERVER_PID" "web server" 5 group
    # The worker alone: a warm shutdown finishes the task in hand, then stops its own beat.
    stop "$WORKER_PID" "Celery worker" 10 leader
}
trap stop_all EXIT
# Any of these means "stop": leave quietly (the EXIT trap stops the server and the worker).
trap 'exit 0' INT TERM HUP

# --pool=solo: one process, enough for a laptop; -B runs beat inside it (there must only ever
# be one beat, and here there is one worker).
"${IN_OWN_GROUP[@]}" .venv/bin/celery -A portal worker -B --pool=solo --loglevel=INFO \
    --schedule="$PORTAL_VAR_DIR/celerybeat-schedule" >>"$LOG" 2>&1 &
WORKER_PID=$!

sleep 2
if ! kill -0 "$WORKER_PID" 2>/dev/null; then
    echo "ERROR: the Celery worker did not start; see $LOG:" >&2
    tail -20 "$LOG" >&2
    exit 1
fi

cat <<BANNER

=====================================================================
  The compliance portal is at  $SITE_URL/
  Sign in with any demo login above; the password is printed above
  (set DEMO_PASSWORD before the first run to choose your own).
  Emails are printed in $LOG (console email backend).
  Django admin: $SITE_URL/django-admin/ (the system administrator).
  Two-step sign-in: the demo people with privileged roles (DPO, Chief
  Executive, system administrators…) have an authenticator set up. When
  the portal asks for their code, get it with:
      .venv/bin/python manage.py demo_code EMAIL
  (with DEBUG=1, as make run sets; it refuses on a real portal).
  Press Ctrl-C to stop the web server and the worker.
=====================================================================

BANNER

# In the background and waited for, so that a signal is acted on at once: bash runs a trap only
# once the foreground command has finished, and runserver never would.
"${IN_OWN_GROUP[@]}" "$PY" manage.py runserver "$HOST:$PORT" &
SERVER_PID=$!
wait "$SERVER_PID"
