"""gunicorn's entry point for bench_pages: the portal under bench/pages_settings.py."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.pages_settings")
application = get_wsgi_application()
