"""Signing in through the organisation's identity provider, against a real OpenID Connect
provider (node's oidc-provider, started by the tests), with Django's test client."""

import json
import logging
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from portal.events import PortalEvent
from portal.models import AuditEvent, User
from portal.roles import Role
from portal.testing.oidc_provider import client_sign_in as sign_in_through_provider
from portal.testing.oidc_provider import provider_sign_in
from portal.testing.second_factor import authenticator_for
from portal.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _signed_in_as(client):
    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id) if user_id else None


def test_with_no_issuer_there_is_no_button_and_the_pages_are_not_found(client, settings):
    settings.OIDC_ISSUER = ""
    assert "Sign in with" not in client.get(reverse("login")).content.decode()
    assert client.get(reverse("oidc_start")).status_code == 404
    assert client.get(reverse("oidc_callback") + "?code=x&state=y").status_code == 404


def test_the_sign_in_page_offers_the_provider_first_and_keeps_the_password_form(
    client, identity_provider
):
    page = client.get(reverse("login")).content.decode()
    assert page.index("Sign in with Test ID") < page.index('name="password"')


def test_a_person_signs_in_through_the_provider_and_lands_on_the_dashboard(
    client, identity_provider, alice
):
    response = sign_in_through_provider(client, "Alice@Example.org")
    assert response.status_code == 302
    assert response.url == reverse("portal:dashboard")
    assert _signed_in_as(client) == alice
    assert client.get(reverse("portal:dashboard")).status_code == 200
    event = AuditEvent.objects.filter(verb=PortalEvent.USER_SIGNED_IN).get()
    assert event.actor == alice
    assert event.changes == {"method": "identity provider"}


def test_the_page_asked_for_is_where_the_person_lands(client, identity_provider, alice):
    response = sign_in_through_provider(client, alice.email, next_url="/notifications/")
    assert response.url == "/notifications/"
    # Another site's address is never followed.
    client.logout()
    response = sign_in_through_provider(client, alice.email, next_url="https://evil.example/")
    assert response.url == reverse("portal:dashboard")


def test_a_password_sign_in_is_recorded_with_its_method(client, alice):
    from portal.tests.factories import TEST_PASSWORD

    client.post(reverse("login"), {"username": alice.email, "password": TEST_PASSWORD})
    event = AuditEvent.objects.filter(verb=PortalEvent.USER_SIGNED_IN).get()
    assert event.changes == {"method": "password"}


def test_a_deactivated_person_is_refused_with_a_page_saying_why(client, identity_provider):
    leaver = UserFactory(email="leaver@example.org", is_active=False)
    response = sign_in_through_provider(client, "leaver@example.org")
    assert response.status_code == 403
    assert "has been closed" in response.content.decode()
    assert _signed_in_as(client) is None
    event = AuditEvent.objects.get(verb=PortalEvent.USER_SIGN_IN_REFUSED)
    assert event.object_id == str(leaver.pk)
    assert event.changes["reason"] == "account deactivated"


def test_an_email_with_no_account_is_refused_and_no_account_is_made(client, identity_provider):
    response = sign_in_through_provider(client, "newcomer@example.org")
    assert response.status_code == 403
    assert "There is no account in the portal for newcomer@example.org" in (
        response.content.decode()
    )
    assert not User.objects.filter(email="newcomer@example.org").exists()
    event = AuditEvent.objects.get(verb=PortalEvent.USER_SIGN_IN_REFUSED)
    # A stranger's address is not kept on the trail, only its domain.
    assert event.changes == {
        "method": "identity provider",
        "reason": "no account has that email address",
        "email_domain": "example.org",
    }


def test_with_create_users_on_a_newcomer_gets_an_account_at_first_sign_in(
    client, identity_provider, settings
):
    settings.OIDC_CREATE_USERS = True
    response = sign_in_through_provider(client, "newcomer@example.org")
    assert response.status_code == 302
    newcomer = User.objects.get(email="newcomer@example.org")
    assert newcomer.full_name == "Nia Newcomer"
    assert not newcomer.has_usable_password()
    assert _signed_in_as(client) == newcomer
    created = AuditEvent.objects.get(verb=PortalEvent.USER_CREATED)
    assert "identity provider" in created.changes["via"]


def test_an_address_outside_the_allowed_domains_is_refused(client, identity_provider, settings):
    settings.OIDC_CREATE_USERS = True  # not even then
    response = sign_in_through_provider(client, "visitor@elsewhere.example.com")
    assert response.status_code == 403
    assert "not one of this organisation's addresses" in unescape(response.content.decode())
    assert not User.objects.filter(email="visitor@elsewhere.example.com").exists()


def test_an_answer_for_a_sign_in_not_started_here_is_refused(client, identity_provider, alice):
    other = client.__class__()
    started = other.get(reverse("oidc_start"))
    callback = provider_sign_in(started["Location"], alice.email)
    # Another browser's answer (a login-CSRF attempt) carries a state this session never made.
    response = client.get(callback)
    assert response.status_code == 403
    assert _signed_in_as(client) is None
    # And an answer is used once.
    assert other.get(callback).status_code == 302
    other.logout()
    assert other.get(callback).status_code == 403


def test_a_provider_whose_configuration_names_another_issuer_is_not_used(
    client, identity_provider, settings
):
    settings.OIDC_ISSUER = identity_provider.issuer.replace("127.0.0.1", "localhost")
    response = client.get(reverse("oidc_start"))
    assert response.status_code == 503
    assert "not answering" in response.content.decode()


def _dpo_with_authenticator():
    dpo = UserFactory(email="dpo@example.org", full_name="Dana Protection", roles=[Role.DPO])
    authenticator_for(dpo)
    return dpo


def test_the_providers_mfa_opens_privileged_pages_when_the_organisation_says_so(
    client, identity_provider, settings
):
    settings.OIDC_MFA_SATISFIES_SECOND_FACTOR = True
    dpo = _dpo_with_authenticator()
    sign_in_through_provider(client, dpo.email)
    assert client.get(reverse("portal:audit")).status_code == 200
    used = AuditEvent.objects.get(verb=PortalEvent.SECOND_FACTOR_USED)
    assert used.changes == {"method": "identity provider", "provider_methods": ["mfa", "pwd"]}


def test_without_the_setting_the_providers_mfa_still_leaves_the_portals_own_step(
    client, identity_provider
):
    _dpo_with_authenticator()
    response = sign_in_through_provider(client, "dpo@example.org")
    assert client.get(response.url).status_code == 302  # held at the code page
    response = client.get(reverse("portal:audit"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("second_factor_verify"))


def test_a_sign_in_without_mfa_at_the_provider_leaves_the_portals_own_step(
    client, identity_provider, settings
):
    settings.OIDC_MFA_SATISFIES_SECOND_FACTOR = True
    alice = UserFactory(email="alice@example.org", roles=[Role.DPO])
    authenticator_for(alice)
    sign_in_through_provider(client, alice.email)
    response = client.get(reverse("portal:audit"))
    assert response.url.startswith(reverse("second_factor_verify"))


def test_turning_the_setting_off_stops_trusting_sessions_it_verified(
    client, identity_provider, settings
):
    settings.OIDC_MFA_SATISFIES_SECOND_FACTOR = True
    _dpo_with_authenticator()
    sign_in_through_provider(client, "dpo@example.org")
    settings.OIDC_MFA_SATISFIES_SECOND_FACTOR = False
    assert client.get(reverse("portal:audit")).status_code == 302


def test_the_django_admin_agrees_that_the_provider_did_the_second_step(
    client, identity_provider, settings
):
    settings.OIDC_MFA_SATISFIES_SECOND_FACTOR = True
    UserFactory(
        email="dpo@example.org", full_name="Dana Admin", roles=[Role.SYSADMIN], is_staff=True
    )
    sign_in_through_provider(client, "dpo@example.org")
    assert client.get("/django-admin/").status_code == 200


def test_no_code_or_token_reaches_the_log_or_the_audit_trail(
    client, identity_provider, alice, caplog
):
    caplog.set_level(logging.INFO, logger="portal.security")
    start = client.get(reverse("oidc_start"))
    callback = provider_sign_in(start["Location"], alice.email)
    code = parse_qs(urlsplit(callback).query)["code"][0]
    client.get(callback)
    session = dict(client.session.items())
    assert "oidc_access_token" not in session
    assert "oidc_id_token" not in session
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert '"sign_in_method": "identity provider"' in logged
    trail = json.dumps(list(AuditEvent.objects.values_list("changes", flat=True)))
    for text in (logged, trail):
        assert code not in text
        assert identity_provider.client_secret not in text
