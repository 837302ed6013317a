"""The benchmark harness: `make bench` runs every bench/bench_*.py and prints timings.

Each benchmark is a module run as `python -m bench.bench_<name> [--options]`. It calls
`bench_setup("<name>")` first, which gives it a fresh database of its own (PostgreSQL
`portal_bench_<name>` when the server in BENCH_DATABASE_URL answers, default
postgres://postgres@127.0.0.1:5432/portal_bench; otherwise SQLite in var/), migrates it, and
points Celery at an in-memory broker, so what is timed is the portal's own work and never a
worker. Then it generates its data and times the operation with `timed(...)`.

Timings live here and never in tests: the machines the tests run on are shared and noisy.
The budgets they are read against are in DESIGN.md ("Performance budgets").
"""
