"""The production settings, plus the floor page bench_pages measures every page against."""

import os
from pathlib import Path

from portal.settings import *  # noqa: F403

ROOT_URLCONF = "bench.pages_urls"
# Collected afresh for each run, outside the checkout.
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))  # noqa: F405
