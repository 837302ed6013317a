#!/usr/bin/env bash
# `make lint`, and the lint step of `make test`: every hook in .pre-commit-config.yaml, on every
# file, exactly as `git commit` runs them once `pre-commit install` is done.
set -euo pipefail
cd "$(dirname "$0")/.."
# pre-commit keeps its own cache; in a fresh clone (CI) it needs nothing but this folder.
export PRE_COMMIT_HOME="${PRE_COMMIT_HOME:-$PWD/var/pre-commit}"
exec .venv/bin/pre-commit run --all-files --show-diff-on-failure --color never
