""" "Overdue" looks the same wherever it appears: the word, on a red badge with enough contrast."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from declarations.tests.factories import CampaignFactory, ObligationFactory, PolicyVersionFactory

pytestmark = pytest.mark.django_db

BADGE = '<span class="badge badge-overdue">Overdue'


@pytest.fixture
def overdue(alice):
    campaign = CampaignFactory(open=True, versions=[PolicyVersionFactory(published=True)])
    return ObligationFactory(
        campaign=campaign, user=alice, due_at=timezone.now() - timedelta(days=3)
    )


def _pages(overdue) -> dict[str, list[str]]:
    """Who sees which page that can say "Overdue"."""
    return {
        "alice": [
            reverse("portal:dashboard"),
            reverse("declarations:mine"),
            reverse("declarations:sign", args=[overdue.pk]),
        ],
        "bob": [reverse("declarations:my_team")],
        "policy_admin": [
            reverse("declarations:campaign_people", args=[overdue.campaign_id]),
            reverse("declarations:obligation", args=[overdue.pk]),
            reverse("declarations:report_outstanding", args=[overdue.campaign_id]),
        ],
    }


def test_every_page_that_says_overdue_shows_the_same_red_badge(client, request, overdue):
    for who, urls in _pages(overdue).items():
        client.force_login(request.getfixturevalue(who))
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            assert BADGE in response.text, url


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_the_badge_text_has_at_least_aa_contrast_on_its_red():
    css = (Path(settings.BASE_DIR) / "static/portal/portal.css").read_text()
    rule = re.search(r"\.badge-overdue \{([^}]*)\}", css)
    assert rule is not None
    background = re.search(r"background-color: (#[0-9a-fA-F]{6})", rule.group(1))
    text = re.search(r"[^-]color: (#[0-9a-fA-F]{6}|#fff)\b", rule.group(1))
    assert background is not None
    assert text is not None
    fg = "#ffffff" if text.group(1) == "#fff" else text.group(1)
    light, dark = sorted((_luminance(fg), _luminance(background.group(1))), reverse=True)
    assert (light + 0.05) / (dark + 0.05) >= 4.5
