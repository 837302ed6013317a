#!/usr/bin/env bash
# Create .venv with Python 3.11 and install the pinned requirements (run and test alike).
# Called by the Makefile when .venv/.installed is older than a requirements file.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-}"
if [ -z "$PYTHON" ]; then
    for candidate in python3.11 python3; do
        if command -v "$candidate" >/dev/null 2>&1 &&
            "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
            PYTHON=$candidate
            break
        fi
    done
fi
if [ -z "$PYTHON" ]; then
    echo "ERROR: the portal needs Python 3.11 (python3.11 or python3); none found." >&2
    echo "       On Debian: apt-get install python3 python3-venv" >&2
    exit 1
fi

if [ ! -x .venv/bin/python ]; then
    echo "--- creating .venv with $($PYTHON --version)"
    if ! "$PYTHON" -m venv .venv; then
        # Debian's own Python ships venv separately.
        rm -rf .venv
        if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
            apt-get update -qq && apt-get install -y -qq --no-install-recommends python3-venv
            "$PYTHON" -m venv .venv
        else
            echo "ERROR: could not create .venv; install python3-venv and try again." >&2
            exit 1
        fi
    fi
fi
echo "--- installing requirements-dev.txt into .venv"
.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
touch .venv/.installed
