"""A header PostgreSQL could not store is refused before anything stores it."""

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from portal.models import AuditEvent
from portal.tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("password", [TEST_PASSWORD, "wrong password"])
def test_a_browser_name_holding_a_nul_character_is_refused_at_sign_in(client, alice, password):
    response = client.post(
        reverse("login"),
        {"username": alice.email, "password": password},
        headers={"user-agent": "Mozilla/5.0\x00"},
    )
    assert response.status_code == 400
    assert not AccessAttempt.objects.exists()
    assert not AuditEvent.objects.filter(verb__startswith="user.sign").exists()


def test_an_ordinary_browser_name_signs_in(client, alice):
    response = client.post(
        reverse("login"),
        {"username": alice.email, "password": TEST_PASSWORD},
        headers={"user-agent": "Mozilla/5.0 (X11; Linux x86_64) \u00e9"},
    )
    assert response.status_code == 302
