"""Production's settings, read in a fresh process with production's environment (DEBUG off), so
that tests of production behaviour use the values production really has rather than a copy."""

import base64
import json
import os
import subprocess
import sys
import tempfile
from functools import cache
from typing import Any

from cryptography.fernet import Fernet
from django.conf import settings
from django.core.management.utils import get_random_secret_key

# Variables the test run sets that production never has.
_TEST_ONLY = {
    "DEBUG",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "DJANGO_SETTINGS_MODULE",
    "CELERY_TASK_ALWAYS_EAGER",
    "CELERY_TASK_DEFAULT_QUEUE",
    "DATABASE_URL",
    "PORTAL_TEST_DB_NAME",
    "SECRET_KEY",
    "PORTAL_ENCRYPTION_KEYS",
    "PORTAL_AUDIT_KEYS",
}


def production_env(var_dir: str | os.PathLike, **overrides: str | None) -> dict[str, str]:
    """The environment of a production process; an override of None removes the variable."""
    env = {k: v for k, v in os.environ.items() if k not in _TEST_ONLY}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "portal.settings",
            "SECRET_KEY": get_random_secret_key() + get_random_secret_key(),
            "PORTAL_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
            "PORTAL_AUDIT_KEYS": "k1:" + base64.b64encode(os.urandom(32)).decode(),
            "ALLOWED_HOSTS": "compliance.example.org",
            "DATABASE_URL": "postgres://portal@127.0.0.1:5432/portal",
            "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
            "EMAIL_URL": "smtp+tls://mailer@example.org:587",
            "PORTAL_VAR_DIR": str(var_dir),
        }
    )
    for name, value in overrides.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


@cache
def production_settings(*names: str) -> dict[str, Any]:
    """The named settings as production has them; a value JSON cannot hold comes back as its
    repr()."""
    code = (
        "import json, sys; from django.conf import settings; "
        "print(json.dumps({n: getattr(settings, n) for n in sys.argv[1:]}, default=repr))"
    )
    with tempfile.TemporaryDirectory() as var_dir:
        result = subprocess.run(  # noqa: S603 - our own interpreter and a fixed script
            [sys.executable, "-c", code, *names],
            cwd=settings.BASE_DIR,
            env=production_env(var_dir),
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
    return json.loads(result.stdout)
