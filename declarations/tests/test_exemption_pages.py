"""Exemptions on the pages: given and ended from the person's page in the campaign, refused to
everyone but policy administrators, and counted apart, the same way, on every page that counts
a campaign (the campaign list and page, its people, the reports, the CSV, My team and the
person's page)."""

import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from declarations.models import Obligation
from declarations.services.exemptions import obligation_exempt
from declarations.tests.factories import (
    CampaignFactory,
    DeclarationFactory,
    ObligationFactory,
    PolicyVersionFactory,
    ticks,
)
from portal.lib.uktime import short_date
from portal.models import AuditEvent, OrganisationSettings, User
from portal.testing.queries import LAYOUT_QUERIES
from portal.tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def now():
    return timezone.now()


@pytest.fixture
def campaign(now):
    return CampaignFactory(
        open=True,
        audience_all=False,
        name="Annual declaration 2026",
        opens_at=now - timedelta(days=30),
        due_at=now + timedelta(days=5),
        versions=[PolicyVersionFactory(published=True)],
    )


@pytest.fixture
def obligation(campaign, alice):
    return ObligationFactory(campaign=campaign, user=alice)


def _exempt_url(obligation) -> str:
    return reverse("declarations:obligation_exempt", args=[obligation.pk])


def _end_url(obligation) -> str:
    return reverse("declarations:obligation_exemption_end", args=[obligation.pk])


def _text(response) -> str:
    return " ".join(response.text.split())


def test_the_exemption_form_says_what_to_fix_and_keeps_what_was_typed(
    client, policy_admin, obligation
):
    client.force_login(policy_admin)
    empty = client.post(_exempt_url(obligation), {})
    assert empty.status_code == 400
    assert "Enter the last day of the exemption." in empty.text
    assert "Enter why the person is exempt." in empty.text

    past = client.post(
        _exempt_url(obligation),
        {"until": (timezone.localdate() - timedelta(days=1)).isoformat(), "reason": "Seconded"},
    )
    assert past.status_code == 400
    assert "The end date must be today or later." in past.text
    assert 'value="Seconded"' in past.text

    settings = OrganisationSettings.load()
    settings.max_extension_days = 30
    settings.save()
    far = client.post(
        _exempt_url(obligation),
        {"until": (timezone.localdate() + timedelta(days=31)).isoformat(), "reason": "Seconded"},
    )
    assert far.status_code == 400
    assert "An exemption can last at most 30 days from today" in far.text
    obligation.refresh_from_db()
    assert obligation.status == Obligation.Status.PENDING
    assert not AuditEvent.objects.filter(verb="obligation.exempted").exists()


def test_exempting_and_ending_early_from_the_persons_page_shows_who_when_why_and_until(
    client, policy_admin, obligation
):
    client.force_login(policy_admin)
    until = timezone.localdate() + timedelta(days=60)
    done = client.post(
        _exempt_url(obligation), {"until": until.isoformat(), "reason": "Seconded to the NCA"}
    )
    assert done.status_code == 302
    page = client.get(reverse("declarations:obligation", args=[obligation.pk]))
    text = _text(page)
    assert "Exempt until the end of" in text
    assert "by Priya Policy, until the end of" in text
    assert "Seconded to the NCA" in text
    assert "obligation.exempted" in text or "exempted from a declaration" in text
    # Exempt: no pause or exemption form, but one to end it early.
    assert "End the exemption early" in text
    assert "Exempt until this date" not in text
    assert _exempt_url(obligation) not in page.text

    refused = client.post(_end_url(obligation), {"reason": ""})
    assert refused.status_code == 400
    assert "Enter why the exemption is ended early." in refused.text
    ended = client.post(_end_url(obligation), {"reason": "Back early"}, follow=True)
    text = _text(ended)
    assert "Exemption ended." in text
    assert 'early, by Priya Policy, because: <span class="text-pre-wrap">Back early' in text
    obligation.refresh_from_db()
    assert obligation.status == Obligation.Status.PENDING


def test_nobody_but_a_policy_administrator_can_exempt_or_end_an_exemption(
    client, alice, bob, policy_admin, obligation, campaign
):
    exempt = ObligationFactory(campaign=campaign, exempt=True)
    form = {"until": timezone.localdate().isoformat(), "reason": "Seconded"}
    for person in (alice, bob):
        client.force_login(person)
        assert client.post(_exempt_url(obligation), form).status_code == 403
        assert client.post(_end_url(exempt), {"reason": "Back"}).status_code == 403
    client.force_login(policy_admin)
    missing = Obligation(pk=999999)
    assert client.post(_exempt_url(missing), form).status_code == 404
    assert client.post(_end_url(missing), {"reason": "Back"}).status_code == 404
    assert client.get(_exempt_url(obligation)).status_code == 405
    obligation.refresh_from_db()
    exempt.refresh_from_db()
    assert (obligation.status, exempt.status) == ("pending", "exempt")


def test_a_closed_campaign_offers_no_exemption(client, policy_admin, obligation, campaign):
    campaign.status = "closed"
    campaign.save()
    client.force_login(policy_admin)
    page = client.get(reverse("declarations:obligation", args=[obligation.pk]))
    assert "Exempt until this date" not in page.text
    refused = client.post(
        _exempt_url(obligation),
        {"until": timezone.localdate().isoformat(), "reason": "x"},
        follow=True,
    )
    assert "People can be exempted only while the campaign is open." in refused.text
    obligation.refresh_from_db()
    assert obligation.status == Obligation.Status.PENDING


@pytest.fixture
def scene(campaign, bob, policy_admin, now):
    """Seven people reporting to Bob: two signed, one to sign, one overdue, one paused, two
    exempt (one of them in no department); and an exempt person who has left (not counted)."""

    def asked(name, **fields):
        person = UserFactory(full_name=name, line_manager=bob, is_active=fields.pop("active", True))
        return ObligationFactory(campaign=campaign, user=person, **fields)

    for name in ("Signed One", "Signed Two"):
        DeclarationFactory(obligation=asked(name), signed_at=now - timedelta(days=1))
    asked("Still To Sign")
    asked("Past Due", due_at=now - timedelta(days=2))
    asked("Paused Person", status="paused", paused_reason="Long-term sick leave")
    obligation_exempt(
        obligation=asked("Seconded Person", due_at=now - timedelta(days=2)),
        by=policy_admin,
        until=timezone.localdate() + timedelta(days=40),
        reason="Seconded to the regional unit",
    )
    asked("Sick Person", exempt=True, exempt_reason="Long-term sickness")
    asked("Left Exempt", exempt=True, active=False)
    return campaign


# (asked, signed, not signed yet, overdue, paused, exempt)
EXPECTED = (4, 2, 2, 1, 1, 2)


def _figures(c) -> tuple[int, ...]:
    return (c.asked, c.signed, c.pending, c.overdue, c.paused, c.exempt)


def test_every_page_that_counts_a_campaign_shows_exempt_people_apart(
    client, policy_admin, bob, scene
):
    client.force_login(policy_admin)
    listed = client.get(reverse("declarations:campaigns"))
    (row,) = listed.context["page"].object_list
    assert _figures(row.figures) == EXPECTED
    assert "2 of 4; 1 paused; 2 exempt" in listed.text

    sentence = "1 paused (not counted as asked). 2 exempt until a date (not counted as asked)."
    for name in ("declarations:campaign", "declarations:campaign_people"):
        page = client.get(reverse(name, args=[scene.pk]))
        assert _figures(page.context["figures"]) == EXPECTED
        assert "2 of 4 asked have signed" in _text(page)
        assert sentence in _text(page)

    reports = client.get(reverse("declarations:reports"))
    (row,) = reports.context["page"].object_list
    assert _figures(row.figures) == EXPECTED

    report = client.get(reverse("declarations:report", args=[scene.pk]))
    assert _figures(report.context["overall"]) == EXPECTED
    assert "<strong>50%</strong> (2 of 4 asked have signed)" in report.text
    assert f'?show=exempt">{EXPECTED[-1]}</a>' in report.text
    assert sum(row.exempt for row in report.context["by_department"]) == 2
    assert sum(row.exempt for row in report.context["by_type"]) == 2

    export = client.get(reverse("declarations:report_export", args=[scene.pk]))
    content = b"".join(export.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(content)))
    statuses = [row["Status"] for row in rows]
    counted = (
        statuses.count("To sign") + statuses.count("Signed"),
        statuses.count("Signed"),
        statuses.count("To sign"),
        sum(1 for row in rows if row["Days overdue"] not in ("", "0")),
        statuses.count("Paused"),
        statuses.count("Exempt"),
    )
    assert counted == EXPECTED
    by_name = {row["Name"]: row for row in rows}
    seconded = by_name["Seconded Person"]
    assert seconded["Exempt because"] == "Seconded to the regional unit"
    until = timezone.localdate() + timedelta(days=40)
    assert seconded["Exempt until (UK date)"] == until.isoformat()
    assert seconded["Days overdue"] == ""
    assert by_name["Signed One"]["Exempt until (UK date)"] == ""

    client.force_login(bob)
    team = client.get(reverse("declarations:my_team"))
    (summary,) = team.context["summaries"]
    assert _figures(summary) == EXPECTED
    assert f"Exempt until {short_date(until)}" in team.text


def test_the_outstanding_list_leaves_exempt_people_out_and_shows_them_apart(
    client, policy_admin, scene
):
    client.force_login(policy_admin)
    url = reverse("declarations:report_outstanding", args=[scene.pk])
    names = {row.user.full_name for row in client.get(url).context["page"].object_list}
    assert names == {"Still To Sign", "Past Due", "Paused Person"}
    overdue = client.get(url, {"show": "overdue"}).context["page"].object_list
    assert [row.user.full_name for row in overdue] == ["Past Due"]

    apart = client.get(url, {"show": "exempt"})
    assert sorted(row.user.full_name for row in apart.context["page"].object_list) == [
        "Seconded Person",
        "Sick Person",
    ]
    until = short_date(timezone.localdate() + timedelta(days=40))
    assert f"Exempt until {until}: Seconded to the regional unit" in apart.text
    # Past their old due date, but exempt: not shown as overdue.
    assert "badge-overdue" not in apart.text


def test_the_people_list_and_the_persons_page_say_until_when(client, policy_admin, sysadmin, scene):
    client.force_login(policy_admin)
    people = client.get(reverse("declarations:campaign_people", args=[scene.pk]), {"q": "Sick"})
    assert "Exempt until" in people.text
    person = User.objects.get(full_name="Seconded Person")
    client.force_login(sysadmin)
    section = client.get(reverse("portal:person", args=[person.pk]))
    assert "Exempt until" in section.text


def test_the_exempt_list_runs_a_fixed_number_of_queries(
    client, policy_admin, campaign, django_assert_num_queries
):
    users = User.objects.bulk_create(
        User(email=f"exempt{i}@example.org", full_name=f"Person {i:03d}", password="!")
        for i in range(120)
    )
    now = timezone.now()
    Obligation.objects.bulk_create(
        Obligation(
            campaign=campaign,
            user=user,
            due_at=campaign.due_at,
            status="exempt" if i % 2 else "pending",
            exempted_at=now,
            exempt_reason="Seconded",
            exempt_until=now + timedelta(days=9),
        )
        for i, user in enumerate(users)
    )
    OrganisationSettings.load()
    client.force_login(policy_admin)
    url = reverse("declarations:report_outstanding", args=[campaign.pk])
    # + campaign, departments for the filter, the figures, the page of rows: as for any other
    # choice, on any page
    with django_assert_num_queries(LAYOUT_QUERIES + 4):
        response = client.get(url, {"show": "exempt"})
    assert len(response.context["page"].object_list) == 50
    with django_assert_num_queries(LAYOUT_QUERIES + 4):
        client.get(url, {"show": "exempt", "cursor": response.context["page"].next_cursor})


def test_the_persons_page_runs_the_same_queries_exempt_or_not(
    client, policy_admin, campaign, alice
):
    pending = ObligationFactory(campaign=campaign, user=alice)
    exempt = ObligationFactory(campaign=campaign, exempt=True, exempted_by=policy_admin)
    OrganisationSettings.load()
    client.force_login(policy_admin)
    client.get(reverse("declarations:obligation", args=[pending.pk]))
    with CaptureQueriesContext(connection) as plain:
        client.get(reverse("declarations:obligation", args=[pending.pk]))
    with CaptureQueriesContext(connection) as exempted:
        page = client.get(reverse("declarations:obligation", args=[exempt.pk]))
    # Who exempted them comes with the obligation, in the same query.
    assert "by Priya Policy" in page.text
    assert len(exempted.captured_queries) == len(plain.captured_queries)


def test_an_exempt_person_is_told_so_and_may_still_sign(client, alice, campaign):
    exempt = ObligationFactory(campaign=campaign, user=alice, exempt=True)
    client.force_login(alice)
    mine = _text(client.get(reverse("declarations:mine")))
    assert "Exempt" in mine
    assert "Not needed before the end of" in mine
    url = reverse("declarations:sign", args=[exempt.pk])
    page = _text(client.get(url))
    assert "exempted you from this declaration until the end of" in page
    assert "Please sign by" not in page
    signed = client.post(
        url, {"typed_name": alice.full_name, "password": TEST_PASSWORD, **ticks(exempt)}
    )
    assert signed.status_code == 302
    exempt.refresh_from_db()
    assert exempt.status == Obligation.Status.SIGNED


def test_the_close_page_counts_exempt_people_apart(client, policy_admin, scene):
    client.force_login(policy_admin)
    page = _text(client.get(reverse("declarations:campaign_close", args=[scene.pk])))
    assert "3 people are still to sign" in page
    assert "2 more people are exempt until a date, and not counted as still to sign." in page
