"""Gunicorn settings for the production image (read from the working directory by gunicorn)."""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
# Sync workers: pages are short and every database query runs inside the request's transaction.
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
# Restart each worker now and then so a slow leak never builds up.
max_requests = 1000
max_requests_jitter = 100
accesslog = "-"
errorlog = "-"
# The TLS-terminating proxy in front sets X-Forwarded-Proto and X-Forwarded-For; Django reads
# them itself (SECURE_PROXY_SSL_HEADER, and AXES_PROXY_COUNT for the client address), so
# gunicorn's own forwarded_allow_ips is left at its default.
