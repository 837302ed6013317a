"""Production settings: `check --deploy` is clean, and the portal refuses to start without its
secrets. Each runs `manage.py` in a fresh process with production's environment."""

import base64
import re
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management.utils import get_random_secret_key
from django.urls import reverse

from portal.testing.production import production_env


def _manage(env, *args):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    env = production_env(tmp_path)
    assert "DJANGO_ALLOW_ASYNC_UNSAFE" not in env
    result = _manage(env, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (1 silenced)" in result.stdout


def test_a_secret_key_starting_with_a_dollar_sign_is_taken_as_it_is(tmp_path):
    # django-environ reads "$NAME" as a reference to another variable; Django's own key
    # generator can produce such a key, which once made this suite fail at random.
    key = "$" + get_random_secret_key() + get_random_secret_key()
    result = _manage(production_env(tmp_path, SECRET_KEY=key), "check")
    assert result.returncode == 0, result.stderr


def test_production_settings_are_the_secure_ones(tmp_path):
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, "
        "s.SECURE_HSTS_SECONDS >= 31536000, s.EMAIL_BACKEND)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env=production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.split() == [
        "False",
        "True",
        "True",
        "True",
        "True",
        "django.core.mail.backends.smtp.EmailBackend",
    ], result.stderr


@pytest.mark.parametrize("missing", ["SECRET_KEY", "PORTAL_ENCRYPTION_KEYS", "PORTAL_AUDIT_KEYS"])
def test_production_refuses_to_start_without_its_secrets(tmp_path, missing):
    result = _manage(production_env(tmp_path, **{missing: None}), "check")
    assert result.returncode != 0
    assert f"{missing} must be set in production" in result.stderr


def test_production_refuses_the_development_key(tmp_path):
    from portal.settings import _DEV_SECRET_KEY

    result = _manage(production_env(tmp_path, SECRET_KEY=_DEV_SECRET_KEY), "check")
    assert result.returncode != 0
    assert "SECRET_KEY must be set in production" in result.stderr


def test_production_refuses_the_development_audit_key_under_any_id(tmp_path):
    from portal.settings import _DEV_AUDIT_KEY

    dev = "mine:" + _DEV_AUDIT_KEY.partition(":")[2]
    result = _manage(production_env(tmp_path, PORTAL_AUDIT_KEYS=dev), "check")
    assert result.returncode != 0
    assert "PORTAL_AUDIT_KEYS must be set in production" in result.stderr


def test_an_audit_key_that_is_too_short_is_refused_without_printing_it(tmp_path):
    short = base64.b64encode(b"sixteen-byte-key").decode()
    result = _manage(production_env(tmp_path, PORTAL_AUDIT_KEYS=f"k1:{short}"), "check")
    assert result.returncode != 0
    assert "PORTAL_AUDIT_KEYS: key 'k1' is shorter than 32 bytes" in result.stderr
    assert short not in result.stderr + result.stdout


def test_an_encryption_key_that_is_not_a_fernet_key_is_refused_without_printing_it(tmp_path):
    bad = "not-a-real-key-but-a-secret-all-the-same"
    result = _manage(production_env(tmp_path, PORTAL_ENCRYPTION_KEYS=bad), "check")
    assert result.returncode != 0
    assert "not a Fernet key" in result.stderr
    assert bad not in result.stderr + result.stdout


@pytest.mark.django_db
def test_every_page_carries_a_content_security_policy_without_unsafe_inline(client, alice):
    client.force_login(alice)
    for url in (reverse("login"), reverse("portal:dashboard")):
        response = client.get(url)
        policy = response["Content-Security-Policy"]
        assert "unsafe-inline" not in policy
        assert "unsafe-eval" not in policy
        assert "default-src 'self'" in policy
        assert "frame-ancestors 'none'" in policy
        # A nonce appears only on pages that ask for one; none here need inline script.
        assert re.search(r"script-src 'self'( 'nonce-[^']+')?(;|$)", policy)
        # No inline script or style in the page itself.
        assert not re.search(r"<script(?![^>]*\bsrc=)", response.text)
        assert " style=" not in response.text
        assert "<style" not in response.text
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"
