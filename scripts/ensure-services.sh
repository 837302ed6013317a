#!/usr/bin/env bash
# Make sure PostgreSQL (127.0.0.1:5432) and Redis (127.0.0.1:6379) answer, and optionally that
# Debian's Chromium and Node.js are installed, for `make test` and `make bench`.
#
# A fresh Debian machine has no systemd and apt does not start services, so this starts them by
# hand: first if they are installed but stopped, installing them with apt only when absent.
#
# Usage: scripts/ensure-services.sh [postgres] [redis] [chromium] [node] [wrk]
# (none: the first four)
#
# Under CI=true anything that cannot be made to work fails the run (exit 1). Otherwise it only
# warns: the test settings then fall back to SQLite and an in-memory broker, and `make test`
# leaves out the browser tests.
set -euo pipefail

CI="${CI:-false}"
PG_HOST=127.0.0.1
PG_PORT=5432
REDIS_PORT=6379
CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"
WANT=("$@")
[ ${#WANT[@]} -eq 0 ] && WANT=(postgres redis chromium node)

say() { printf '    %s\n' "$*"; }
problem() {
    if [ "$CI" = "true" ]; then
        printf 'ERROR: %s\n' "$*" >&2
        exit 1
    fi
    printf 'WARNING: %s\n' "$*" >&2
}

as_root() {
    if [ "$(id -u)" = "0" ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo -n "$@"
    else
        return 1
    fi
}

APT_UPDATED=0
apt_install() {
    # apt-get update once per run: a fresh machine's package lists are empty or stale.
    if [ "$APT_UPDATED" = "0" ]; then
        say "apt-get update"
        as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq || return 1
        APT_UPDATED=1
    fi
    say "apt-get install $*"
    as_root env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -qq --no-install-recommends "$@" >/dev/null || return 1
}

wait_for() {
    # wait_for SECONDS COMMAND...: poll until the command succeeds.
    local seconds=$1
    shift
    for _ in $(seq 1 "$((seconds * 2))"); do
        "$@" >/dev/null 2>&1 && return 0
        sleep 0.5
    done
    return 1
}

# ---------------------------------------------------------------------------- PostgreSQL
pg_up() { pg_isready -q -h "$PG_HOST" -p "$PG_PORT"; }
pg_tcp_ok() { psql -h "$PG_HOST" -p "$PG_PORT" -U postgres -d postgres -Atqc 'select 1' -w >/dev/null 2>&1; }

pg_version() { ls /usr/lib/postgresql 2>/dev/null | sort -V | tail -1; }

ensure_postgres() {
    echo "--- PostgreSQL on $PG_HOST:$PG_PORT"
    if ! command -v pg_isready >/dev/null 2>&1 || [ -z "$(pg_version)" ]; then
        apt_install postgresql postgresql-client ||
            { problem "PostgreSQL is not installed and could not be installed."; return 0; }
    fi
    if ! pg_up; then
        local ver
        ver=$(pg_version)
        if [ -z "$(ls /etc/postgresql/"$ver" 2>/dev/null)" ]; then
            say "creating cluster $ver/main"
            as_root pg_createcluster "$ver" main >/dev/null ||
                { problem "could not create a PostgreSQL cluster."; return 0; }
        fi
        say "starting cluster $ver/main"
        as_root pg_ctlcluster --skip-systemctl-redirect "$ver" main start || true
        wait_for 30 pg_up || { problem "PostgreSQL did not start."; return 0; }
    fi
    if ! pg_tcp_ok; then
        # A new Debian cluster asks for a password over TCP. The tests connect as `postgres`
        # with none, so let that one role in from loopback only, then reload.
        local hba
        hba=$(as_root runuser -u postgres -- psql -Atqc 'show hba_file' 2>/dev/null || true)
        if [ -n "$hba" ]; then
            say "allowing the postgres role over loopback without a password ($hba)"
            as_root sed -i -e '1i host all postgres 127.0.0.1/32 trust' \
                -e '1i host all postgres ::1/128 trust' "$hba"
            as_root runuser -u postgres -- psql -Atqc 'select pg_reload_conf()' >/dev/null
            sleep 1
        fi
        pg_tcp_ok || { problem "cannot connect to PostgreSQL as postgres over TCP."; return 0; }
    fi
    # pytest-django creates test_<name> databases, so the role must be able to.
    if [ "$(psql -h "$PG_HOST" -p "$PG_PORT" -U postgres -d postgres -Atqc \
        "select rolcreatedb or rolsuper from pg_roles where rolname = current_user" -w)" != "t" ]; then
        problem "the postgres role cannot create databases."
        return 0
    fi
    say "ready"
}

# ---------------------------------------------------------------------------- Redis
redis_up() { redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG; }

ensure_redis() {
    echo "--- Redis on 127.0.0.1:$REDIS_PORT"
    if ! command -v redis-server >/dev/null 2>&1 || ! command -v redis-cli >/dev/null 2>&1; then
        apt_install redis-server redis-tools ||
            { problem "Redis is not installed and could not be installed."; return 0; }
    fi
    if ! redis_up; then
        say "starting redis-server"
        # Nothing kept on disk: the tests only need a broker, and each run uses its own queue.
        redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" \
            --save '' --appendonly no --logfile /tmp/redis.log >/dev/null || true
        wait_for 20 redis_up || { problem "Redis did not start (see /tmp/redis.log)."; return 0; }
    fi
    say "ready"
}

# ---------------------------------------------------------------------------- Chromium
ensure_chromium() {
    echo "--- Chromium at $CHROMIUM"
    if [ ! -x "$CHROMIUM" ]; then
        # Debian's build: Playwright's own browser download does not work on these machines.
        apt_install chromium || { problem "Chromium is not installed and could not be."; return 0; }
    fi
    [ -x "$CHROMIUM" ] || { problem "no Chromium at $CHROMIUM."; return 0; }
    say "$("$CHROMIUM" --version 2>/dev/null || echo present)"
}

# ---------------------------------------------------------------------------- Node.js
# For the sign-in tests' OpenID Connect provider (tests_support/oidc/), whose own packages the
# tests install from its lock file.
ensure_node() {
    echo "--- Node.js and npm"
    if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
        apt_install nodejs npm || { problem "Node.js is not installed and could not be."; return 0; }
    fi
    say "node $(node --version 2>/dev/null || echo missing), npm $(npm --version 2>/dev/null || echo missing)"
}

# ---------------------------------------------------------------------------- wrk
# The load tool `make bench` drives the pages with (bench/bench_pages.py).
ensure_wrk() {
    echo "--- wrk (HTTP load tool)"
    if ! command -v wrk >/dev/null 2>&1; then
        apt_install wrk || { problem "wrk is not installed and could not be."; return 0; }
    fi
    say "$(wrk --version 2>&1 | head -1 || echo present)"
}

for what in "${WANT[@]}"; do
    case "$what" in
        postgres) ensure_postgres ;;
        redis) ensure_redis ;;
        chromium) ensure_chromium ;;
        node) ensure_node ;;
        wrk) ensure_wrk ;;
        *)
            echo "unknown service: $what" >&2
            exit 2
            ;;
    esac
done
