"""Signed declarations are never disposed of by the retention sweep, and the settings page says
why, in the words the organisation reads."""

import pytest
from django.urls import reverse

from portal.registry import registry

pytestmark = pytest.mark.django_db


def test_signed_declarations_are_kept_and_the_settings_page_says_why(client, sysadmin):
    rule = registry.retention["declarations.declarations"]
    assert not rule.disposes
    client.force_login(sysadmin)
    page = client.get(reverse("portal:organisation_settings")).text
    assert "Signed declarations" in page
    assert "misconduct hearing or tribunal" in page
