#!/usr/bin/env bash
# `make bench`: run every bench/bench_*.py in turn and print its timings.
# Each gets a fresh database (PostgreSQL when BENCH_DATABASE_URL's server answers; default
# postgres://postgres@127.0.0.1:5432/portal_bench, which this starts if it is installed).
# Options for one benchmark: .venv/bin/python -m bench.bench_outbox --messages 1000
set -euo pipefail
cd "$(dirname "$0")/.."

CI=false scripts/ensure-services.sh postgres wrk || true
status=0
for file in bench/bench_*.py; do
    module="bench.$(basename "$file" .py)"
    printf '\n========== %s\n' "$module"
    if ! .venv/bin/python -m "$module"; then
        echo "FAILED: $module" >&2
        status=1
    fi
done
exit "$status"
