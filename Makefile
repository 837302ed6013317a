# The two commands: `make run` (try the portal) and `make test` (the whole suite).
# Both start from nothing: they create .venv with Python 3.11 and install the pinned
# requirements the first time, and again whenever a requirements file changes.

SHELL := /bin/bash
VENV_STAMP := .venv/.installed

.DEFAULT_GOAL := help
.PHONY: help run test bench lint typecheck format venv clean

help:
	@echo "make run        serve the portal with demo data on http://127.0.0.1:8000 (PORT=... to change)"
	@echo "make test       lint, types, migrations check, deploy check and the whole test suite"
	@echo "make bench      time the outbox, the audit trail, the bulk jobs and the pages at national scale"
	@echo "make lint       the pre-commit checks: ruff, django-upgrade, djlint, the import contract, mypy"
	@echo "make typecheck  mypy with django-stubs on the portal and each app's services, access, views"
	@echo "make format     ruff format and ruff check --fix"
	@echo "make clean      remove var/ (the embedded database, broker and logs) and caches"

$(VENV_STAMP): requirements.txt requirements-dev.txt
	@scripts/venv.sh

venv: $(VENV_STAMP)

run: $(VENV_STAMP)
	@scripts/run-dev.sh

test: $(VENV_STAMP)
	@scripts/test.sh

bench: $(VENV_STAMP)
	@scripts/bench.sh

lint: $(VENV_STAMP)
	@scripts/lint.sh

typecheck: $(VENV_STAMP)
	@scripts/typecheck.sh

format: $(VENV_STAMP)
	.venv/bin/ruff format .
	.venv/bin/ruff check --fix .

clean:
	rm -rf var staticfiles .ruff_cache .pytest_cache
