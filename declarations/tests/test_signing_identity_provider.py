"""Signing a declaration after signing in through the identity provider: the person signs in
there again (prompt=login, max_age) instead of re-entering a password, and the record says so.
Against the real test provider (portal/testing/oidc_provider.py)."""

from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.urls import reverse
from django.utils import timezone

from declarations.events import DeclarationEvent
from declarations.models import Declaration
from declarations.tests.factories import (
    CampaignFactory,
    ObligationFactory,
    PolicyVersionFactory,
    ticks,
)
from portal.events import PortalEvent
from portal.models import AuditEvent
from portal.testing.oidc_provider import client_sign_in, provider_sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def obligation(alice):
    version = PolicyVersionFactory(published=True, policy__title="IT and social media policy")
    return ObligationFactory(campaign=CampaignFactory(open=True, versions=[version]), user=alice)


@pytest.fixture
def provider_browser():
    # The browser's side at the provider: its own session there lasts between the two sign-ins.
    return requests.Session()


def _confirm(client, obligation, provider_browser, email):
    response = client.post(reverse("declarations:confirm_identity", args=[obligation.pk]))
    assert response.status_code == 302
    asked = parse_qs(urlsplit(response["Location"]).query)
    assert asked["prompt"] == ["login"]
    assert asked["max_age"] == ["300"]
    back = provider_sign_in(
        response["Location"], email, browser=provider_browser, expect_login=True
    )
    return client.get(back)


def test_they_sign_in_again_at_the_provider_and_the_record_says_so(
    client, identity_provider, alice, obligation, provider_browser
):
    client_sign_in(client, alice.email, browser=provider_browser)
    sign_url = reverse("declarations:sign", args=[obligation.pk])
    page = client.get(sign_url).content.decode()
    assert "Confirm who I am at Test ID" in page
    assert 'name="password"' not in page
    # Not without confirming first.
    response = client.post(sign_url, {"typed_name": alice.full_name, **ticks(obligation)})
    assert response.status_code == 400
    assert not Declaration.objects.exists()

    response = _confirm(client, obligation, provider_browser, alice.email)
    assert response.url == sign_url + "#sign"
    assert "You confirmed who you are at Test ID" in client.get(sign_url).content.decode()
    response = client.post(sign_url, {"typed_name": alice.full_name, **ticks(obligation)})
    assert response.status_code == 302

    declaration = Declaration.objects.get()
    assert declaration.identity_checked_by == Declaration.IdentityCheck.IDENTITY_PROVIDER
    assert timezone.now() - declaration.identity_checked_at < timezone.timedelta(minutes=1)
    assert declaration.password_set_by_other is None
    record = unescape(
        client.get(reverse("declarations:record", args=[declaration.pk])).content.decode()
    )
    assert "Signed in again at the organisation's identity provider" in record
    signed = AuditEvent.objects.get(verb=DeclarationEvent.DECLARATION_SIGNED)
    assert signed.changes["identity_checked_by"] == "identity_provider"
    again = AuditEvent.objects.get(verb=PortalEvent.USER_REAUTHENTICATED)
    assert again.changes["purpose"] == f"declaration-sign-{obligation.pk}"


def test_the_proof_serves_one_signature(
    client, identity_provider, alice, obligation, provider_browser
):
    client_sign_in(client, alice.email, browser=provider_browser)
    _confirm(client, obligation, provider_browser, alice.email)
    client.post(
        reverse("declarations:sign", args=[obligation.pk]),
        {"typed_name": "Alice Staff", **ticks(obligation)},
    )
    assert client.session.get("portal_reauth_proofs") == {}


def test_signing_in_again_as_someone_else_proves_nothing(
    client, identity_provider, alice, dpo, obligation, provider_browser
):
    client_sign_in(client, alice.email, browser=provider_browser)
    response = _confirm(client, obligation, provider_browser, "dpo@example.org")
    assert response.status_code == 302
    page = client.get(reverse("declarations:sign", args=[obligation.pk])).content.decode()
    assert "We could not confirm it was you" in page
    assert "Confirm who I am at Test ID" in page
    refused = AuditEvent.objects.get(verb=PortalEvent.USER_REAUTHENTICATION_REFUSED)
    assert refused.changes["reason"] == "signed in again as someone else at the provider"


def test_a_proof_older_than_the_limit_no_longer_signs(
    client, identity_provider, alice, obligation, provider_browser, settings
):
    client_sign_in(client, alice.email, browser=provider_browser)
    _confirm(client, obligation, provider_browser, alice.email)
    settings.OIDC_REAUTH_MAX_AGE_SECONDS = -120  # as if the five minutes had passed
    response = client.post(
        reverse("declarations:sign", args=[obligation.pk]),
        {"typed_name": "Alice Staff", **ticks(obligation)},
    )
    assert response.status_code == 400
    assert not Declaration.objects.exists()


def test_someone_who_signed_in_with_a_password_still_re_enters_it(
    client, identity_provider, alice, obligation
):
    from portal.tests.factories import TEST_PASSWORD

    client.post(reverse("login"), {"username": alice.email, "password": TEST_PASSWORD})
    sign_url = reverse("declarations:sign", args=[obligation.pk])
    assert 'name="password"' in client.get(sign_url).content.decode()
    # The identity provider's way is not open to them: it leads back to the page.
    response = client.post(reverse("declarations:confirm_identity", args=[obligation.pk]))
    assert response.url == sign_url + "#sign"
    client.post(
        sign_url, {"typed_name": alice.full_name, "password": TEST_PASSWORD, **ticks(obligation)}
    )
    declaration = Declaration.objects.get()
    assert declaration.identity_checked_by == Declaration.IdentityCheck.PASSWORD
    assert declaration.identity_checked_at is not None
