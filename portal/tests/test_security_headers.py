"""Every page carries the security headers, under production's settings: walked through the URL
map, so a new page is checked without anyone remembering to add it. Each app's own test walks
its pages whose addresses need a record (declarations/tests/test_security_headers.py)."""

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.http import HttpResponse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from portal.models import Notification
from portal.roles import Role
from portal.testing.security_headers import (
    header_problems,
    named_routes,
    production_like,
    walk_routes,
)
from portal.tests.factories import UserFactory


@pytest.fixture
def everything_admin(db):
    """A system administrator with the Django admin and every other role, so that as many
    pages as possible answer with themselves rather than a refusal."""
    return UserFactory(roles=list(Role), is_staff=True)


def test_every_page_a_system_administrator_reaches_carries_the_security_headers(
    client, everything_admin
):
    notification = Notification.objects.create(
        dedup_key="headers-test",
        recipient=everything_admin,
        to_email=everything_admin.email,
        subject="Hello",
        body_text="Hello",
    )
    client.force_login(everything_admin)
    with production_like():
        walked = walk_routes(
            client,
            {
                "portal:person": {"pk": everything_admin.pk},
                "portal:notification": {"pk": notification.pk},
                "admin:portal_user_change": {"object_id": everything_admin.pk},
            },
        )
    # The walk reached the pages themselves, not only redirects to sign in.
    for name in ("portal:dashboard", "portal:audit", "portal:people", "portal:person"):
        assert walked[name] == 200, name
    assert walked["admin:index"] == 200
    assert walked["declarations:reports"] == 200
    assert len(walked) >= 40, sorted(walked)


def test_the_sign_in_and_password_pages_carry_the_security_headers_before_sign_in(client, alice):
    accounts = {r.name for r in named_routes() if ":" not in r.name}
    assert "login" in accounts
    with production_like():
        walked = walk_routes(
            client,
            {
                "password_reset_confirm": {
                    "uidb64": urlsafe_base64_encode(force_bytes(alice.pk)),
                    "token": default_token_generator.make_token(alice),
                }
            },
            namespaces={""},
        )
    assert walked["login"] == 200
    assert set(walked) == accounts


@pytest.mark.django_db
def test_a_missing_page_and_a_refusal_carry_them_too(client, alice):
    client.force_login(alice)
    with production_like():
        missing = client.get("/no-such-page/", secure=True)
        refused = client.get("/audit/", secure=True)
    assert missing.status_code == 404
    assert refused.status_code == 403
    assert header_problems(missing) == []
    assert header_problems(refused) == []


def test_a_response_without_the_headers_is_caught():
    problems = " ".join(header_problems(HttpResponse('<script src="/static/x.js"></script>')))
    for missing in (
        "HSTS",
        "nonce",
        "frame-ancestors",
        "object-src",
        "Referrer-Policy",
        "nosniff",
        "camera",
    ):
        assert missing in problems


def test_a_script_without_the_nonce_is_caught():
    page = HttpResponse('<script src="/a.js" nonce="abc"></script><script src="/b.js"></script>')
    page["Content-Security-Policy"] = "script-src 'self' 'nonce-abc'"
    assert any("/b.js" in p and "nonce" in p for p in header_problems(page))
    assert not any("/a.js" in p for p in header_problems(page))


@pytest.mark.django_db
def test_production_denies_the_browser_features_no_page_uses(client):
    with production_like():
        response = client.get("/accounts/login/", secure=True)
    policy = response["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in policy
    # Passkeys may come later; denying them here would break a second factor silently.
    assert "publickey-credentials-get" not in policy
