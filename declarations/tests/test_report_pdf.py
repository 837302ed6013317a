"""The campaign report as a PDF: the page's figures, names and chart, for those who may see the
report, on the record, and in a fixed number of queries."""

import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from declarations.models import Declaration, Obligation
from declarations.services.campaigns import campaign_close
from declarations.tests.factories import (
    CampaignFactory,
    DeclarationFactory,
    ObligationFactory,
    PolicyFactory,
    PolicyVersionFactory,
)
from portal.lib.uktime import long_datetime
from portal.models import AuditEvent, OrganisationSettings, User
from portal.tests.factories import DepartmentFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign():
    now = timezone.now()
    policy = PolicyFactory(title="IT and social media")
    return CampaignFactory(
        open=True,
        name="Annual declaration 2026",
        opens_at=now - timedelta(days=30),
        due_at=now + timedelta(days=5),
        versions=[PolicyVersionFactory(policy=policy, label="4.0", published=True)],
    )


@pytest.fixture
def scene(campaign, alice, bob, charlie):
    """Executive office: alice signed on time, bob overdue, Siân signed late, a paused person.
    Finance: charlie still to sign, not yet due."""
    now = timezone.now()
    executive = alice.department
    DeclarationFactory(obligation=ObligationFactory(campaign=campaign, user=alice))
    ObligationFactory(campaign=campaign, user=bob, due_at=now - timedelta(days=3))
    sian = UserFactory(full_name="Siân Ó Briain", department=executive)
    late = ObligationFactory(campaign=campaign, user=sian, due_at=now - timedelta(days=4))
    DeclarationFactory(obligation=late, signed_at=now - timedelta(days=1))
    paused = UserFactory(full_name="Pat Paused", department=executive)
    ObligationFactory(campaign=campaign, user=paused, status="paused", paused_reason="Sick")
    ObligationFactory(campaign=campaign, user=charlie)


def _text(response) -> str:
    reader = PdfReader(io.BytesIO(response.content))
    return "\n".join(page.extract_text() for page in reader.pages)


def _download(client, campaign):
    return client.get(reverse("declarations:report_pdf", args=[campaign.pk]))


def test_the_report_page_offers_the_pdf(client, policy_admin, campaign):
    client.force_login(policy_admin)
    page = client.get(reverse("declarations:report", args=[campaign.pk]))
    assert reverse("declarations:report_pdf", args=[campaign.pk]) in page.text
    assert "Download PDF" in page.text


def test_the_pdf_carries_the_figures_of_the_report_page_and_where_it_came_from(
    client, policy_admin, campaign, scene
):
    org = OrganisationSettings.load()
    org.name = "Office of the Police and Crime Commissioner for Wessex"
    org.save()
    client.force_login(policy_admin)
    page = client.get(reverse("declarations:report", args=[campaign.pk]))
    overall = page.context["overall"]

    response = _download(client, campaign)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    today = timezone.localdate()
    assert response["Content-Disposition"] == (
        f'attachment; filename="annual-declaration-2026-report-{today:%Y-%m-%d}.pdf"'
    )
    assert "no-store" in response["Cache-Control"]
    text = _text(response)
    flat = " ".join(text.split())
    assert "Office of the Police and Crime Commissioner for Wessex" in flat
    assert "Compliance report: Annual declaration 2026" in flat
    assert "IT and social media 4.0" in flat
    assert f"Due by {long_datetime(campaign.due_at)}" in flat
    assert f"Opened {long_datetime(campaign.opened_at)}" in flat
    assert "Produced by Priya Policy (hr@example.org)" in flat
    # Alice and Siân signed (one late), Bob overdue, Charlie to sign; Pat is paused.
    assert (overall.asked, overall.signed, overall.signed_late) == (4, 2, 1)
    assert (overall.pending, overall.overdue, overall.paused) == (2, 1, 1)
    assert "Complete 50% (2 of 4 asked have signed)" in flat
    for name, value in [
        ("Asked", 4),
        ("Signed on time", 1),
        ("Signed late", 1),
        ("Not signed yet", 2),
        ("Past their due date", 1),
        ("Paused", "1 (not counted in the percentage)"),
    ]:
        assert f"{name} {value}" in flat, name
    # The department table, row by row: asked, on time, late, not signed, overdue, paused, %.
    assert "Executive office 3 1 1 1 1 1 66%" in flat
    assert "Finance 1 0 0 1 0 0 0%" in flat
    # The chart is drawn: its legend and its labels are in the page.
    for label in ("Signed on time", "Signed late", "Not signed, not yet due", "Overdue"):
        assert label in text
    assert "Where people stand, by department" in flat
    assert "Employee" in flat


def test_the_pdf_prints_accented_names_as_typed(client, policy_admin):
    campaign = CampaignFactory(open=True, name="Datganiad blynyddol – Siân’s team")
    ObligationFactory(
        campaign=campaign,
        user=UserFactory(department=DepartmentFactory(name="Gwasanaethau’r Heddlu")),
    )
    client.force_login(policy_admin)
    flat = " ".join(_text(_download(client, campaign)).split())
    assert "Datganiad blynyddol – Siân’s team" in flat
    assert "Gwasanaethau’r Heddlu" in flat


def test_the_pdf_of_a_closed_campaign_says_when_and_why_it_closed(
    client, policy_admin, campaign, scene
):
    closed = campaign_close(campaign=campaign, by=policy_admin, reason="Year complete")
    client.force_login(policy_admin)
    flat = " ".join(_text(_download(client, campaign)).split())
    assert f"Closed {long_datetime(closed.closed_at)} by Priya Policy: Year complete." in flat


def test_each_download_is_on_the_record(client, policy_admin, campaign, scene):
    client.force_login(policy_admin)
    _download(client, campaign)
    _download(client, campaign)
    events = AuditEvent.objects.filter(
        verb="declaration.report_pdf_exported", object_id=str(campaign.pk), actor=policy_admin
    )
    assert events.count() == 2
    assert events.first().changes["format"] == "pdf"


# Alice is asked to sign, Bob is her line manager, Charlie is outside it, the DPO holds another
# role: the report (and so its PDF) is the policy administrators'.
@pytest.mark.parametrize("who", ["alice", "bob", "charlie", "dpo"])
def test_only_those_who_may_see_the_report_get_the_pdf(client, campaign, scene, who, request):
    client.force_login(request.getfixturevalue(who))
    assert _download(client, campaign).status_code == 403
    assert not AuditEvent.objects.filter(verb="declaration.report_pdf_exported").exists()


def test_the_pdf_of_a_campaign_that_does_not_exist_is_404(client, policy_admin):
    client.force_login(policy_admin)
    assert client.get(reverse("declarations:report_pdf", args=[999999])).status_code == 404


def test_signed_out_people_are_sent_to_sign_in(client, campaign):
    response = _download(client, campaign)
    assert response.status_code == 302
    assert "login" in response["Location"]


def _many(campaign, count: int) -> None:
    signed_at = timezone.now()
    departments = [DepartmentFactory() for _ in range(5)]
    users = User.objects.bulk_create(
        User(
            email=f"pdf{count}-{i}@example.org",
            full_name=f"Person {i}",
            department=departments[i % 5],
            password="!",
        )
        for i in range(count)
    )
    obligations = Obligation.objects.bulk_create(
        Obligation(
            campaign=campaign,
            user=user,
            due_at=campaign.due_at,
            status="signed" if i % 2 else "pending",
            signed_at=signed_at if i % 2 else None,
        )
        for i, user in enumerate(users)
    )
    Declaration.objects.bulk_create(
        Declaration(
            campaign=campaign,
            user=row.user,
            obligation=row,
            versions_signed=[],
            statement="x",
            typed_name=row.user.full_name,
            signed_at=row.signed_at,
        )
        for row in obligations
        if row.status == "signed"
    )


def test_the_pdf_runs_the_same_queries_for_ten_people_as_for_three_hundred(
    client, policy_admin, campaign, django_assert_num_queries
):
    _many(campaign, 10)
    OrganisationSettings.load()
    client.force_login(policy_admin)
    with CaptureQueriesContext(connection) as few:
        assert _download(client, campaign).status_code == 200
    _many(campaign, 300)
    # session, user, roles, campaign, the figures (the campaign's tally, its departments'
    # names), the versions asked, the audit event (lock, last hash, insert), and the request's
    # and the service's savepoints with their releases: the same whatever the number of people.
    with django_assert_num_queries(len(few)):
        response = _download(client, campaign)
    assert "Complete 50% (155 of 310 asked have signed)" in " ".join(_text(response).split())
    assert len(few) == 16


def test_a_chart_with_many_departments_says_the_table_has_them_all(client, policy_admin, campaign):
    for index in range(30):
        ObligationFactory(
            campaign=campaign,
            user=UserFactory(department=DepartmentFactory(name=f"Unit {index:02d}")),
        )
    client.force_login(policy_admin)
    flat = " ".join(_text(_download(client, campaign)).split())
    assert "The chart shows the first 25 departments; the table has all." in flat
    assert "Unit 29" in flat
