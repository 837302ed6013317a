#!/usr/bin/env bash
# `make typecheck`, the types step of `make test` and the mypy pre-commit hook: mypy with
# django-stubs on the files listed under [tool.mypy] in pyproject.toml.
# The django-stubs plugin imports the settings, which need no database or broker of their own.
set -euo pipefail
cd "$(dirname "$0")/.."
exec env DATABASE_URL=sqlite:///:memory: CELERY_BROKER_URL=memory://localhost/ DEBUG=1 \
    DJANGO_SETTINGS_MODULE=portal.settings .venv/bin/mypy "$@"
