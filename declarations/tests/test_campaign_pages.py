"""The campaign pages: creating and opening campaigns, the people in them, one person's
obligation, and the dashboard panel."""

import re
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

import pytest
from django.urls import reverse
from django.utils import timezone

from declarations.models import Campaign, ExtraStatement, Obligation
from declarations.tests.factories import (
    CampaignFactory,
    ExtraStatementFactory,
    ObligationFactory,
    PolicyVersionFactory,
)
from portal.models import OrganisationSettings
from portal.testing.queries import LAYOUT_QUERIES, panels_cost
from portal.tests.factories import DepartmentFactory, UserFactory

pytestmark = pytest.mark.django_db


def _campaign(**kwargs):
    return CampaignFactory(versions=[PolicyVersionFactory(published=True)], **kwargs)


def _form_data(version, **overrides):
    data = {
        "name": "Annual policy declaration 2027",
        "versions": [version.pk],
        "statement": "I have read and will comply.",
        "audience_all": "1",
        "opens_at": "2027-04-01T09:00",
        "due_at": "2027-04-30T23:59",
        "new_starter_days": "14",
        "reminder_every_days": "7",
        "admin_escalation_days": "7",
    }
    data.update(overrides)
    return data


def test_an_administrator_creates_a_campaign_in_uk_time(client, policy_admin):
    version = PolicyVersionFactory(published=True)
    client.force_login(policy_admin)
    response = client.post(reverse("declarations:campaign_create"), _form_data(version))
    campaign = Campaign.objects.get()
    assert response.url == reverse("declarations:campaign", args=[campaign.pk])
    assert campaign.status == Campaign.Status.DRAFT
    # 1 April 2027 09:00 is BST: 08:00 UTC.
    assert campaign.opens_at == datetime(2027, 4, 1, 8, 0, tzinfo=UTC)
    assert list(campaign.versions.all()) == [version]
    page = client.get(response.url)
    assert "1 April 2027, 09:00" in page.text


def test_a_campaign_form_with_mistakes_keeps_what_was_typed(client, policy_admin):
    version = PolicyVersionFactory(published=True)
    client.force_login(policy_admin)
    response = client.post(
        reverse("declarations:campaign_create"),
        _form_data(version, due_at="2027-03-01T09:00", audience_all="0"),
    )
    assert response.status_code == 200
    assert "The due date must be after the opening date." in response.text
    assert "Choose at least one department or employment type" in response.text
    assert "Annual policy declaration 2027" in response.text
    assert not Campaign.objects.exists()


def test_a_draft_version_cannot_be_chosen_for_a_campaign(client, policy_admin):
    PolicyVersionFactory(published=True)
    draft = PolicyVersionFactory()
    client.force_login(policy_admin)
    response = client.post(reverse("declarations:campaign_create"), _form_data(draft))
    assert "Select a valid choice" in response.text
    assert not Campaign.objects.exists()


def test_opening_from_the_page_asks_the_audience(
    client, policy_admin, alice, django_capture_on_commit_callbacks
):
    campaign = _campaign()
    client.force_login(policy_admin)
    detail = client.get(reverse("declarations:campaign", args=[campaign.pk]))
    assert "Opening asks <strong>3 people</strong>" in detail.text
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("declarations:campaign_open", args=[campaign.pk]))
    assert response.status_code == 302
    assert campaign.obligations.filter(user=alice).exists()
    # Once open, the settings page refuses changes.
    edit = client.get(reverse("declarations:campaign_edit", args=[campaign.pk]))
    assert edit.status_code == 302


def test_the_people_page_finds_people_and_runs_a_fixed_number_of_queries_on_any_page(
    client, policy_admin, django_assert_num_queries
):
    campaign = _campaign(open=True)
    for n in range(120):
        ObligationFactory(
            campaign=campaign,
            user=UserFactory(full_name=f"Person {n:03d}", department=DepartmentFactory()),
        )
    ObligationFactory(campaign=campaign, user=UserFactory(full_name="Zed Findme"))
    client.force_login(policy_admin)
    url = reverse("declarations:campaign_people", args=[campaign.pk])
    client.get(url)
    # The layout, then the campaign, its figures and the page of obligations with people and
    # their departments: nothing counts the rows, on the first page or further on.
    with django_assert_num_queries(LAYOUT_QUERIES + 3):
        first = client.get(url)
    with django_assert_num_queries(LAYOUT_QUERIES + 3):
        second = client.get(url, {"cursor": first.context["page"].next_cursor})
    with django_assert_num_queries(LAYOUT_QUERIES + 3):
        third = client.get(url, {"cursor": second.context["page"].next_cursor})
    names = [
        o.user.full_name
        for page in (first, second, third)
        for o in page.context["page"].object_list
    ]
    assert names == [f"Person {n:03d}" for n in range(120)] + ["Zed Findme"]
    assert ">Next</a>" not in third.text
    found = client.get(url, {"q": "findme"})
    assert "Zed Findme" in found.text
    assert "Person 00" not in found.text


def test_the_people_page_keeps_its_filter_from_page_to_page(client, policy_admin):
    campaign = _campaign(open=True)
    for n in range(60):
        ObligationFactory(
            campaign=campaign,
            user=UserFactory(full_name=f"Person {n:02d}"),
            status=Obligation.Status.PAUSED if n % 2 else Obligation.Status.PENDING,
            paused_reason="Long-term sick leave" if n % 2 else "",
        )
    client.force_login(policy_admin)
    url = reverse("declarations:campaign_people", args=[campaign.pk])
    first = client.get(url, {"q": "person", "status": "pending"})
    assert len(first.context["page"].object_list) == 30
    assert "Next</a>" not in first.text
    paused = client.get(url, {"status": "paused", "q": ""})
    assert {o.status for o in paused.context["page"].object_list} == {Obligation.Status.PAUSED}
    everyone = client.get(url, {"status": "", "q": "person"})
    cursor = everyone.context["page"].next_cursor
    assert f'href="?status=&amp;q=person&amp;cursor={quote(cursor)}"' in everyone.text
    rest = client.get(url, {"status": "", "q": "person", "cursor": cursor})
    assert [o.user.full_name for o in rest.context["page"].object_list] == [
        f"Person {n:02d}" for n in range(50, 60)
    ]
    assert 'href="?status=&amp;q=person">First</a>' in rest.text


def test_pause_and_extend_from_the_obligation_page(client, policy_admin, alice):
    obligation = ObligationFactory(user=alice)
    client.force_login(policy_admin)
    refused = client.post(reverse("declarations:obligation_pause", args=[obligation.pk]), {})
    assert refused.status_code == 400
    assert "Enter why it is paused." in refused.text
    client.post(
        reverse("declarations:obligation_pause", args=[obligation.pk]),
        {"reason": "Long-term sick leave"},
    )
    obligation.refresh_from_db()
    assert obligation.status == Obligation.Status.PAUSED
    page = client.get(reverse("declarations:obligation", args=[obligation.pk]))
    assert "Long-term sick leave" in page.text
    assert "obligation.paused" in page.text
    new_due = timezone.localtime(obligation.due_at + timedelta(days=7))
    early = client.post(
        reverse("declarations:obligation_extend", args=[obligation.pk]),
        {"due_at": "2020-01-01T09:00", "reason": "Returned"},
    )
    assert early.status_code == 400
    assert "must be after the current one" in early.text
    assert 'value="Returned"' in early.text
    client.post(
        reverse("declarations:obligation_extend", args=[obligation.pk]),
        {"due_at": new_due.strftime("%Y-%m-%dT%H:%M"), "reason": "Returned late"},
    )
    obligation.refresh_from_db()
    assert timezone.localtime(obligation.due_at).strftime("%Y-%m-%dT%H:%M") == new_due.strftime(
        "%Y-%m-%dT%H:%M"
    )
    # The history reads in UK time, as the person extending it typed it, not as stored (UTC).
    history = client.get(reverse("declarations:obligation", args=[obligation.pk])).text
    assert f"<strong>to</strong>: {new_due:%-d %b %Y, %H:%M}" in history


def test_the_extension_picker_stops_at_the_latest_date_and_a_later_one_is_refused(
    client, policy_admin, alice
):
    org = OrganisationSettings.load()
    org.max_extension_days = 365
    org.save()
    obligation = ObligationFactory(user=alice)
    latest = timezone.localdate() + timedelta(days=365)
    client.force_login(policy_admin)

    page = client.get(reverse("declarations:obligation", args=[obligation.pk]))
    assert f'max="{latest:%Y-%m-%d}T23:59"' in page.text

    refused = client.post(
        reverse("declarations:obligation_extend", args=[obligation.pk]),
        {"due_at": "9999-12-31T23:59", "reason": "Career break"},
    )
    assert refused.status_code == 400
    assert f"The latest due date you can give is {latest.day} {latest:%B %Y}." in refused.text
    assert 'value="Career break"' in refused.text
    obligation.refresh_from_db()
    assert obligation.due_at.year < 9999


def test_the_campaign_list_runs_a_fixed_number_of_queries(
    client, policy_admin, django_assert_num_queries
):
    version = PolicyVersionFactory(published=True)
    for _ in range(30):
        campaign = CampaignFactory(open=True, versions=[version])
        ObligationFactory(campaign=campaign)
    client.force_login(policy_admin)
    url = reverse("declarations:campaigns")
    client.get(url)
    with django_assert_num_queries(LAYOUT_QUERIES + 2):
        response = client.get(url)
    assert "Page 1 of 2" in response.text


def _campaign_with(count: int) -> Campaign:
    """An open campaign with `count` each of versions, departments, extra statements (each
    for a department) and weekly summary recipients, and someone asked."""
    departments = [DepartmentFactory() for _ in range(count)]
    campaign = CampaignFactory(
        open=True,
        audience_all=False,
        versions=[PolicyVersionFactory(published=True) for _ in range(count)],
        departments=departments,
    )
    for department in departments:
        ExtraStatementFactory(
            campaign=campaign, audience=ExtraStatement.Audience.DEPARTMENTS
        ).departments.set([department])
    campaign.summary_recipients.set([UserFactory() for _ in range(count)])
    ObligationFactory(campaign=campaign)
    return campaign


def test_the_campaign_page_runs_a_fixed_number_of_queries(
    client, policy_admin, django_assert_num_queries
):
    few, many = _campaign_with(1), _campaign_with(15)
    client.force_login(policy_admin)
    client.get(reverse("declarations:campaign", args=[few.pk]))
    # The campaign, its figures, the weekly summary's recipients and last sending, its
    # departments, versions, statements and their departments, and how many questions: the
    # same for one of each as for fifteen.
    with django_assert_num_queries(LAYOUT_QUERIES + 9):
        client.get(reverse("declarations:campaign", args=[few.pk]))
    with django_assert_num_queries(LAYOUT_QUERIES + 9):
        response = client.get(reverse("declarations:campaign", args=[many.pk]))
    assert response.status_code == 200
    assert all(v.label in response.text for v in many.versions.all())


def test_the_dashboard_shows_what_is_due_and_nothing_when_nothing_is(client, alice):
    client.force_login(alice)
    assert "Declarations to sign" not in client.get(reverse("portal:dashboard")).text
    version = PolicyVersionFactory(published=True)
    late = ObligationFactory(
        user=alice,
        campaign=CampaignFactory(open=True, versions=[version], name="Annual 2026"),
        due_at=timezone.now() - timedelta(days=2),
    )
    for n in range(10):
        ObligationFactory(user=alice, campaign=CampaignFactory(open=True, name=f"Campaign {n}"))
    # The person's declarations to sign, with their campaigns, whatever their number.
    assert panels_cost(client, "declarations", "declarations-approvals") == 1
    page = client.get(reverse("portal:dashboard"))
    assert "Declarations to sign" in page.text
    assert "Overdue" in page.text
    assert "Annual 2026" in page.text
    assert reverse("declarations:sign", args=[late.pk]) in page.text


def test_a_persons_page_gives_each_form_field_its_own_id(client, policy_admin):
    # The pause, extend and exempt forms all ask for a reason; a label must find its own box.
    obligation = ObligationFactory(campaign=_campaign(open=True))
    client.force_login(policy_admin)
    page = client.get(reverse("declarations:obligation", args=[obligation.pk])).text
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert "id_pause_reason" in ids
    assert "id_extend_reason" in ids
    assert sorted(i for i in set(ids) if ids.count(i) > 1) == []
