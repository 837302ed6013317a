"""A campaign's figures are counted one way, by declarations.reports, and every page that shows
them shows the same ones: the campaign list, the campaign's page and its people, the report list,
the campaign report and a line manager's My team."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from declarations.tests.factories import (
    CampaignFactory,
    DeclarationFactory,
    ObligationFactory,
    PolicyVersionFactory,
)
from portal.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(bob):
    """Seven people asked, all reporting to Bob: two signed on time, one signed late, one to
    sign, one overdue, one paused; one who has left, and one no longer required."""
    now = timezone.now()
    campaign = CampaignFactory(
        open=True,
        audience_all=False,
        name="Annual declaration 2026",
        opens_at=now - timedelta(days=30),
        due_at=now + timedelta(days=5),
        versions=[PolicyVersionFactory(published=True)],
    )

    def asked(name, **fields):
        person = UserFactory(full_name=name, line_manager=bob, is_active=fields.pop("active", True))
        return ObligationFactory(campaign=campaign, user=person, **fields)

    for name in ("On Time One", "On Time Two"):
        DeclarationFactory(obligation=asked(name), signed_at=now - timedelta(days=1))
    late = asked("Late Signer", due_at=now - timedelta(days=4))
    DeclarationFactory(obligation=late, signed_at=now - timedelta(days=1))
    asked("Still To Sign")
    asked("Past Due", due_at=now - timedelta(days=2))
    asked("Paused Person", status="paused", paused_reason="Long-term sick leave")
    asked("Left Already", active=False, due_at=now - timedelta(days=2))
    asked("Not Required", status="withdrawn")
    return campaign


# (asked, signed, signed late, not signed yet, overdue, paused)
EXPECTED = (5, 3, 1, 2, 1, 1)


def _figures(c) -> tuple[int, ...]:
    return (c.asked, c.signed, c.signed_late, c.pending, c.overdue, c.paused)


def test_every_page_that_counts_a_campaign_shows_the_same_figures(client, policy_admin, bob, scene):
    client.force_login(policy_admin)

    listed = client.get(reverse("declarations:campaigns"))
    (row,) = listed.context["page"].object_list
    assert _figures(row.figures) == EXPECTED
    assert "3 of 5; 1 paused" in listed.text

    sentence = (
        "3 of 5 asked have signed (2 on time, 1 late); 2 not signed yet, 1 past their due "
        "date. 1 paused (not counted as asked)."
    )
    detail = client.get(reverse("declarations:campaign", args=[scene.pk]))
    assert _figures(detail.context["figures"]) == EXPECTED
    assert sentence in " ".join(detail.text.split())

    people = client.get(reverse("declarations:campaign_people", args=[scene.pk]))
    assert _figures(people.context["figures"]) == EXPECTED
    assert sentence in " ".join(people.text.split())
    # The list itself still shows everyone ever asked, and says so.
    assert len(people.context["page"].object_list) == 8
    assert "includes anyone who has left or is no longer required" in people.text

    reports = client.get(reverse("declarations:reports"))
    (row,) = reports.context["page"].object_list
    assert _figures(row.figures) == EXPECTED

    report = client.get(reverse("declarations:report", args=[scene.pk]))
    assert _figures(report.context["overall"]) == EXPECTED
    assert "<strong>60%</strong> (3 of 5 asked have signed)" in report.text
    (department,) = report.context["by_department"]
    assert _figures(department) == EXPECTED

    client.force_login(bob)
    team = client.get(reverse("declarations:my_team"))
    (summary,) = team.context["summaries"]
    assert _figures(summary) == EXPECTED


def test_a_campaign_nobody_has_been_asked_in_shows_a_dash_on_the_list(client, policy_admin):
    CampaignFactory(name="Still a draft")
    client.force_login(policy_admin)
    response = client.get(reverse("declarations:campaigns"))
    (row,) = response.context["page"].object_list
    assert _figures(row.figures) == (0, 0, 0, 0, 0, 0)
    assert "<td>—</td>" in response.text
