"""Password spraying: one address failing against many accounts is slowed, then paused for a
while, right password or not; one person's typos, however many, never pause the address their
colleagues share."""

import json
import logging
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.db.models import F
from django.urls import reverse

from portal.events import PortalEvent
from portal.models import AuditEvent
from portal.sign_in_limits import address_pause_for
from portal.tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
SPRAYER = "10.9.9.9"
BUILDING = "10.5.5.5"


def _sign_in(client, email, password, ip):
    return client.post(reverse("login"), {"username": email, "password": password}, REMOTE_ADDR=ip)


def _time_passes(**delta):
    # The failures counted are axes' own rows; moving them back is time passing for them.
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(**delta))


def _spray(client, people, ip=SPRAYER):
    """One wrong password against each person, waiting out the slowing between attempts."""
    for person in people:
        assert _sign_in(client, person.email, "Summer2026!", ip).status_code == 200
        _time_passes(seconds=11)


@pytest.fixture
def many(db):
    return [UserFactory() for _ in range(10)]


def test_an_address_failing_against_many_accounts_is_paused_even_with_the_right_password(
    client, alice, many, caplog, settings
):
    assert settings.PORTAL_SPRAY_ACCOUNTS == 10
    _spray(client, many)
    caplog.set_level(logging.INFO, logger="portal.security")

    response = _sign_in(client, alice.email, TEST_PASSWORD, SPRAYER)
    assert response.status_code == 429
    assert "Sign-in paused from here" in response.text
    # Until the first of the ten failures (110 seconds of waiting ago) is 15 minutes old.
    assert "about 14 minutes" in response.text
    assert 13 * 60 < int(response["Retry-After"]) <= 15 * 60 - 110 + 1
    assert "_auth_user_id" not in client.session

    [event] = AuditEvent.objects.filter(verb=PortalEvent.USER_SIGN_IN_ADDRESS_PAUSED)
    assert event.object_id == str(alice.pk)
    assert event.ip_address == SPRAYER
    assert event.changes["accounts_failed_from_address"] == 10
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "portal.security"]
    [refused] = [line for line in lines if line["event"] == "sign_in.refused"]
    assert refused["reason"] == "address paused"
    assert refused["account_id"] == alice.pk
    assert refused["ip"] == SPRAYER

    # Alice herself is not locked out: from her own desk she signs in.
    assert _sign_in(client, alice.email, TEST_PASSWORD, BUILDING).status_code == 302


def test_the_pause_ends_once_the_failures_are_old_enough(client, alice, many):
    _spray(client, many)
    assert _sign_in(client, alice.email, TEST_PASSWORD, SPRAYER).status_code == 429
    _time_passes(minutes=15, seconds=1)
    assert address_pause_for(SPRAYER) is None
    assert _sign_in(client, alice.email, TEST_PASSWORD, SPRAYER).status_code == 302


def test_from_five_accounts_each_attempt_must_wait_a_few_seconds(client, alice, many):
    _spray(client, many[:4])
    # Four accounts: no wait at all.
    assert _sign_in(client, many[4].email, "Summer2026!", SPRAYER).status_code == 200
    # Five: the next attempt straight away is slowed, with a page saying so.
    response = _sign_in(client, many[5].email, "Summer2026!", SPRAYER)
    assert response.status_code == 429
    assert "Please wait a moment" in response.text
    assert int(response["Retry-After"]) <= 11
    assert AuditEvent.objects.filter(verb=PortalEvent.USER_SIGN_IN_ADDRESS_PAUSED).count() == 1
    _time_passes(seconds=11)
    assert _sign_in(client, alice.email, TEST_PASSWORD, SPRAYER).status_code == 302


def test_one_person_mistyping_many_times_does_not_pause_their_colleagues(client, alice, many):
    for _ in range(20):
        _sign_in(client, alice.email, "wrong password again", BUILDING)
        _time_passes(seconds=11)
    # Alice is locked out (django-axes, her account from here); the address is not paused.
    assert _sign_in(client, alice.email, TEST_PASSWORD, BUILDING).status_code == 429
    assert address_pause_for(BUILDING) is None
    for person in many:
        client.logout()
        assert _sign_in(client, person.email, TEST_PASSWORD, BUILDING).status_code == 302


def test_colleagues_who_mistype_then_get_it_right_do_not_add_up(client, many):
    for person in many + [UserFactory(), UserFactory()]:
        client.logout()
        _sign_in(client, person.email, "first try wrong", BUILDING)
        assert _sign_in(client, person.email, TEST_PASSWORD, BUILDING).status_code == 302
    assert address_pause_for(BUILDING) is None


def test_the_django_admin_sign_in_is_paused_too(client, many):
    admin = UserFactory(is_staff=True, is_superuser=True)
    _spray(client, many)
    response = client.post(
        reverse("admin:login"),
        {"username": admin.email, "password": TEST_PASSWORD},
        REMOTE_ADDR=SPRAYER,
    )
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
