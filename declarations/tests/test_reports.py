import csv
import io
from datetime import timedelta
from urllib.parse import quote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from declarations.models import Declaration, Obligation
from declarations.reports import (
    campaign_report,
    completion_overall,
)
from declarations.tests.factories import (
    CampaignFactory,
    DeclarationFactory,
    ObligationFactory,
    PolicyVersionFactory,
)
from declarations.views.reports import CSV_HEADER
from portal.lib.csv_export import csv_safe
from portal.models import AuditEvent, EmploymentType, OrganisationSettings, User
from portal.testing.queries import LAYOUT_QUERIES
from portal.tests.factories import DepartmentFactory, UserFactory

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
def scene(campaign, alice, bob, charlie, now):
    """Executive office: alice signed, bob overdue, a paused contractor, a leaver (not counted).
    Finance: charlie to sign (not yet due), a volunteer signed."""
    finance = charlie.department
    contractor = UserFactory(
        full_name="Pat Contractor",
        department=alice.department,
        employment_type=EmploymentType.CONTRACTOR,
        line_manager=bob,
    )
    leaver = UserFactory(full_name="Lee Leaver", department=alice.department, is_active=False)
    volunteer = UserFactory(
        full_name="Val Volunteer", department=finance, employment_type=EmploymentType.VOLUNTEER
    )
    DeclarationFactory(obligation=ObligationFactory(campaign=campaign, user=alice))
    ObligationFactory(campaign=campaign, user=bob, due_at=now - timedelta(days=3))
    ObligationFactory(
        campaign=campaign, user=contractor, status="paused", paused_reason="Long-term sick leave"
    )
    ObligationFactory(campaign=campaign, user=leaver, due_at=now - timedelta(days=3))
    ObligationFactory(campaign=campaign, user=charlie)
    DeclarationFactory(obligation=ObligationFactory(campaign=campaign, user=volunteer))
    return {"contractor": contractor, "leaver": leaver, "volunteer": volunteer}


def test_overall_figures_count_only_active_people_and_leave_paused_out_of_the_percentage(
    campaign, scene, now
):
    overall = completion_overall(campaign, now)
    assert (overall.asked, overall.signed, overall.pending, overall.overdue, overall.paused) == (
        4,
        2,
        2,
        1,
        1,
    )
    assert overall.percent == 50


def test_figures_by_department_and_by_employment_type(campaign, scene, now):
    report = campaign_report(campaign, now)
    by_department = {c.label: c for c in report.by_department}
    assert set(by_department) == {"Executive office", "Finance"}
    executive = by_department["Executive office"]
    assert (executive.asked, executive.signed, executive.overdue, executive.paused) == (2, 1, 1, 1)
    finance = by_department["Finance"]
    assert (finance.asked, finance.signed, finance.percent) == (2, 1, 50)

    by_type = report.by_type
    assert [c.label for c in by_type] == ["Employee", "Contractor", "Volunteer"]
    employee, contractor, volunteer = by_type
    assert (employee.asked, employee.signed) == (3, 1)
    assert (contractor.asked, contractor.paused, contractor.percent) == (0, 1, 0)
    assert (volunteer.asked, volunteer.signed, volunteer.percent) == (1, 1, 100)


def test_the_percentage_is_rounded_down_so_100_means_everyone(campaign, now):
    for _ in range(199):
        DeclarationFactory(obligation=ObligationFactory(campaign=campaign))
    ObligationFactory(campaign=campaign)
    assert completion_overall(campaign, now).percent == 99


def test_the_campaign_report_shows_the_figures_a_chart_and_a_table(
    client, policy_admin, campaign, scene
):
    client.force_login(policy_admin)
    response = client.get(reverse("declarations:report", args=[campaign.pk]))
    assert response.status_code == 200
    page = response.text
    assert "<svg" in page
    assert 'role="img"' in page
    assert '<th scope="row"><a href="/declarations/reports/' in page
    assert "Completion by department" in page
    assert "Completion by employment type" in page
    assert "<strong>50%</strong> (2 of 4 asked have signed)" in page
    assert "style=" not in page.split("<main", 1)[1]  # the CSP forbids inline styles


def test_the_outstanding_list_shows_who_has_not_signed_with_days_overdue(
    client, policy_admin, campaign, scene
):
    client.force_login(policy_admin)
    response = client.get(reverse("declarations:report_outstanding", args=[campaign.pk]))
    assert response.status_code == 200
    names = [row.user.full_name for row in response.context["page"].object_list]
    assert names == ["Bob Manager", "Charlie Outsider", "Pat Contractor"]
    assert "3 people." in response.text  # to sign and paused, from the figures
    assert "Lee Leaver" not in response.text
    assert "Alice Staff" not in response.text
    bob_row = next(
        r for r in response.context["page"].object_list if r.user.full_name == "Bob Manager"
    )
    assert bob_row.days_overdue == 3
    assert "Paused: Long-term sick leave" in response.text


def test_the_outstanding_list_is_by_name_whatever_each_is_due_with_the_due_date_shown(
    client, policy_admin, campaign, scene, now
):
    latest = UserFactory(full_name="Aaron Later")
    ObligationFactory(campaign=campaign, user=latest, due_at=now + timedelta(days=40))
    earliest = UserFactory(full_name="Zoe Earliest")
    ObligationFactory(campaign=campaign, user=earliest, due_at=now - timedelta(days=10))
    client.force_login(policy_admin)
    url = reverse("declarations:report_outstanding", args=[campaign.pk])
    response = client.get(url)
    rows = response.context["page"].object_list
    assert [row.user.full_name for row in rows] == [
        "Aaron Later",
        "Bob Manager",
        "Charlie Outsider",
        "Pat Contractor",
        "Zoe Earliest",
    ]
    assert rows[-1].days_overdue == 10
    # Who is late, and the most overdue, are what the overdue filter shows.
    late = client.get(url, {"show": "overdue"}).context["page"].object_list
    assert [row.user.full_name for row in late] == ["Bob Manager", "Zoe Earliest"]


def test_the_outstanding_list_says_how_many_from_the_figures_for_each_filter(
    client, policy_admin, campaign, scene, alice, charlie
):
    ObligationFactory(
        campaign=campaign,
        user=UserFactory(full_name="Nora Nodept", department=None),
        status="exempt",
        exempted_at=timezone.now(),
        exempt_reason="Seconded",
        exempt_until=timezone.now() + timedelta(days=9),
    )
    client.force_login(policy_admin)
    url = reverse("declarations:report_outstanding", args=[campaign.pk])
    for query, total in [
        ({}, 3),
        ({"show": "overdue"}, 1),
        ({"show": "paused"}, 1),
        ({"show": "exempt"}, 1),
        ({"department": alice.department_id}, 2),
        ({"department": charlie.department_id, "show": "overdue"}, 0),
        ({"department": "none", "show": "exempt"}, 1),
        ({"department": DepartmentFactory().pk}, 0),
    ]:
        response = client.get(url, query)
        assert response.context["total"] == total, query
        assert len(response.context["page"].object_list) == total, query


def test_the_outstanding_list_filters_by_department_and_overdue(
    client, policy_admin, campaign, scene, charlie
):
    client.force_login(policy_admin)
    url = reverse("declarations:report_outstanding", args=[campaign.pk])
    finance = client.get(url, {"department": charlie.department_id})
    assert [r.user for r in finance.context["page"].object_list] == [charlie]
    overdue = client.get(url, {"show": "overdue"})
    assert [r.user.full_name for r in overdue.context["page"].object_list] == ["Bob Manager"]
    digest_link = client.get(url + "?show=overdue")
    assert [r.user.full_name for r in digest_link.context["page"].object_list] == ["Bob Manager"]
    bad = client.get(url, {"department": "not-a-department"})
    assert bad.status_code == 200
    assert "Select a valid choice" in bad.text


def test_the_csv_streams_everyone_with_their_status_in_uk_time(
    client, policy_admin, campaign, scene, alice
):
    client.force_login(policy_admin)
    response = client.get(reverse("declarations:report_export", args=[campaign.pk]))
    assert response.status_code == 200
    assert response.streaming
    # UTF-8 with a byte order mark, said in the header too, so Excel opens it cleanly.
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    today = timezone.localdate()
    assert response["Content-Disposition"] == (
        f'attachment; filename="annual-declaration-2026-{today:%Y-%m-%d}.csv"'
    )
    content = b"".join(response.streaming_content)
    assert content.startswith(b"\xef\xbb\xbfName,")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Name", "Email", "Staff number"]
    by_name = {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    assert set(by_name) == {
        "Alice Staff",
        "Bob Manager",
        "Pat Contractor",
        "Charlie Outsider",
        "Val Volunteer",
    }
    signed = Declaration.objects.get(user=alice).signed_at
    assert by_name["Alice Staff"]["Status"] == "Signed"
    assert by_name["Alice Staff"]["Signed (UK time)"] == (
        timezone.localtime(signed).strftime("%Y-%m-%d %H:%M")
    )
    assert by_name["Bob Manager"]["Days overdue"] == "3"
    assert by_name["Pat Contractor"]["Paused because"] == "Long-term sick leave"
    assert AuditEvent.objects.filter(
        verb="declaration.report_exported", object_id=str(campaign.pk), actor=policy_admin
    ).exists()


def test_the_csv_neutralises_cells_a_spreadsheet_would_run_as_formulas(
    client, policy_admin, campaign
):
    sly = UserFactory(full_name='=HYPERLINK("http://evil.example","Click")', job_title="x")
    ObligationFactory(campaign=campaign, user=sly, status="paused", paused_reason="+SUM(A1:A9)")
    client.force_login(policy_admin)
    response = client.get(reverse("declarations:report_export", args=[campaign.pk]))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[1][0] == '\'=HYPERLINK("http://evil.example","Click")'
    assert rows[1][rows[0].index("Paused because")] == "'+SUM(A1:A9)"
    assert [csv_safe(v) for v in ("-1", "@cmd", "\tx", "plain", None, 3)] == [
        "'-1",
        "'@cmd",
        "'\tx",
        "plain",
        "",
        "3",
    ]


def test_the_report_list_shows_opened_campaigns_with_their_completion(
    client, policy_admin, campaign, scene
):
    CampaignFactory(name="Draft not yet opened")
    client.force_login(policy_admin)
    response = client.get(reverse("declarations:reports"))
    assert response.status_code == 200
    assert "Annual declaration 2026" in response.text
    assert "Draft not yet opened" not in response.text
    (row,) = response.context["page"].object_list
    assert (row.figures.asked, row.figures.signed, row.figures.percent) == (4, 2, 50)


REPORT_PAGES = ["report", "report_outstanding", "report_export"]


def test_a_report_on_a_campaign_that_does_not_exist_is_404(client, policy_admin):
    client.force_login(policy_admin)
    for name in REPORT_PAGES:
        assert client.get(reverse(f"declarations:{name}", args=[999999])).status_code == 404


def test_a_line_manager_sees_only_their_own_direct_reports(client, campaign, scene, bob, now):
    grand_report = UserFactory(full_name="Gina Grandreport", line_manager=scene["contractor"])
    ObligationFactory(campaign=campaign, user=grand_report)
    someone_elses = UserFactory(full_name="Sid Someoneelse", line_manager=UserFactory())
    ObligationFactory(campaign=campaign, user=someone_elses)
    client.force_login(bob)

    response = client.get(reverse("declarations:my_team"))

    assert response.status_code == 200
    people = {row.user.full_name for row in response.context["page"].object_list}
    assert people == {"Alice Staff", "Pat Contractor"}
    for outsider in ("Charlie Outsider", "Gina Grandreport", "Sid Someoneelse", "Lee Leaver"):
        assert outsider not in response.text
    (summary,) = response.context["summaries"]
    assert (summary.asked, summary.signed, summary.paused) == (1, 1, 1)


def test_the_menu_shows_reports_to_administrators_and_my_team_to_line_managers(
    client, policy_admin, alice, bob
):
    client.force_login(policy_admin)
    page = client.get(reverse("portal:dashboard")).text
    assert "Compliance reports" in page
    assert ">My team<" not in page
    client.force_login(bob)
    page = client.get(reverse("portal:dashboard")).text
    assert ">My team<" in page
    assert "Compliance reports" not in page


# Query counts, pinned with many people over several departments.


def _many_people(campaign, now, count=300, manager=None):
    departments = [DepartmentFactory() for _ in range(6)]
    types = [value for value, _ in EmploymentType.choices]
    users = User.objects.bulk_create(
        User(
            email=f"many{i}@example.org",
            full_name=f"Person {i:03d}",
            department=departments[i % 6] if i % 25 else None,
            employment_type=types[i % len(types)],
            line_manager=manager,
            password="!",
        )
        for i in range(count)
    )
    obligations = Obligation.objects.bulk_create(
        Obligation(
            campaign=campaign,
            user=user,
            due_at=now - timedelta(days=2) if i % 3 == 0 else campaign.due_at,
            status="signed" if i % 2 == 0 else "paused" if i % 7 == 0 else "pending",
            signed_at=now if i % 2 == 0 else None,
        )
        for i, user in enumerate(users)
    )
    Declaration.objects.bulk_create(
        Declaration(
            campaign=campaign,
            user_id=o.user_id,
            obligation=o,
            versions_signed=[],
            statement="I agree.",
            typed_name="x",
            signed_at=now,
        )
        for o in obligations
        if o.status == "signed"
    )


def test_the_campaign_report_runs_a_fixed_number_of_queries(
    client, policy_admin, campaign, now, django_assert_num_queries
):
    _many_people(campaign, now)
    OrganisationSettings.load()
    client.force_login(policy_admin)
    url = reverse("declarations:report", args=[campaign.pk])
    # + campaign, its tally's rows (every figure, by department and type), department names
    with django_assert_num_queries(LAYOUT_QUERIES + 3):
        assert client.get(url).status_code == 200


def test_the_outstanding_list_runs_a_fixed_number_of_queries(
    client, policy_admin, campaign, now, django_assert_num_queries
):
    _many_people(campaign, now)
    OrganisationSettings.load()
    client.force_login(policy_admin)
    url = reverse("declarations:report_outstanding", args=[campaign.pk])
    # + campaign, departments for the filter, the figures (the total), the page of rows: on
    # the first page and further on, with or without a filter; no row is counted.
    for query in ({"show": "", "department": ""}, {"show": "overdue"}, {"department": "none"}):
        with django_assert_num_queries(LAYOUT_QUERIES + 4):
            first = client.get(url, query)
        with django_assert_num_queries(LAYOUT_QUERIES + 4):
            client.get(url, {**query, "cursor": first.context["page"].next_cursor})
    with django_assert_num_queries(LAYOUT_QUERIES + 4):
        first = client.get(url)
    with django_assert_num_queries(LAYOUT_QUERIES + 4):
        second = client.get(url, {"cursor": first.context["page"].next_cursor})
    with django_assert_num_queries(LAYOUT_QUERIES + 4):
        third = client.get(url, {"cursor": second.context["page"].next_cursor})
    pages = [first, second, third]
    assert [len(page.context["page"].object_list) for page in pages] == [50, 50, 50]
    assert "Showing people 101–150 of 150." in third.text
    assert ">Next</a>" not in third.text


def test_the_outstanding_list_keeps_its_filter_on_every_link(client, policy_admin, campaign):
    for _ in range(60):
        ObligationFactory(campaign=campaign, user=UserFactory(department=None))
    client.force_login(policy_admin)
    url = reverse("declarations:report_outstanding", args=[campaign.pk])
    first = client.get(url, {"show": "", "department": "none"})
    second = client.get(
        url, {"show": "", "department": "none", "cursor": first.context["page"].next_cursor}
    )
    assert 'href="?show=&amp;department=none">First</a>' in second.text
    previous = quote(second.context["page"].previous_cursor)
    assert f'href="?show=&amp;department=none&amp;cursor={previous}">Previous' in second.text
    assert "Showing people 51–60 of 60." in second.text


def test_the_report_list_runs_a_fixed_number_of_queries(
    client, policy_admin, campaign, now, django_assert_num_queries
):
    _many_people(campaign, now)
    for _ in range(30):
        CampaignFactory(open=True)
    OrganisationSettings.load()
    client.force_login(policy_admin)
    # + count, the page of campaigns with their figures
    with django_assert_num_queries(LAYOUT_QUERIES + 2):
        assert client.get(reverse("declarations:reports")).status_code == 200


def test_the_csv_export_runs_a_fixed_number_of_queries(
    client, policy_admin, campaign, now, django_assert_num_queries
):
    _many_people(campaign, now)
    client.force_login(policy_admin)
    url = reverse("declarations:report_export", args=[campaign.pk])
    # session, user, roles, campaign, the audit event (savepoint, lock, last hash, insert,
    # release), the request's savepoint and its release, then one cursor for the rows
    with django_assert_num_queries(12):
        response = client.get(url)
        lines = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    assert len(lines) == 301


def _export_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        lines = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    return len(queries), len(lines)


def test_the_csv_export_runs_the_same_queries_for_thousands_as_for_one(
    client, policy_admin, campaign, now
):
    client.force_login(policy_admin)
    url = reverse("declarations:report_export", args=[campaign.pk])
    ObligationFactory(campaign=campaign)
    client.get(url)  # the session's first save is not the export's
    (one, lines) = _export_queries(client, url)
    assert lines == 2
    # More people than the rows' cursor fetches at a time, so a query per chunk would show.
    _many_people(campaign, now, count=2100)
    assert _export_queries(client, url) == (one, 2102)


def test_the_csv_sends_its_header_before_the_people_are_queried(
    client, policy_admin, campaign, now
):
    _many_people(campaign, now, count=2100)
    client.force_login(policy_admin)
    response = client.get(reverse("declarations:report_export", args=[campaign.pk]))
    chunks = iter(response.streaming_content)
    with CaptureQueriesContext(connection) as queries:
        first = next(chunks)
    # The download has begun while the database has yet to be asked for anyone.
    assert first == ("\ufeff" + ",".join(CSV_HEADER) + "\r\n").encode()
    assert len(queries) == 0
    with CaptureQueriesContext(connection) as queries:
        pieces = list(chunks)
    assert len(queries) == 1
    # The rows follow in pieces as they are read, not all at once at the end.
    assert len(pieces) > 2
    assert b"".join(pieces).count(b"\r\n") == 2100


def test_my_team_runs_a_fixed_number_of_queries(
    client, bob, campaign, now, django_assert_num_queries
):
    _many_people(campaign, now, manager=bob)
    OrganisationSettings.load()
    client.force_login(bob)
    # + the page's access test ("has reports?", which the layout then reuses), the team's
    # figures, count, the page of rows
    with django_assert_num_queries(LAYOUT_QUERIES + 4):
        response = client.get(reverse("declarations:my_team"))
    assert len(response.context["page"].object_list) == 50


def test_the_csv_opens_cleanly_in_excel_with_accented_names(client, policy_admin, campaign):
    for name in ("Siân Ó Briain", "Zoë Müller"):
        ObligationFactory(campaign=campaign, user=UserFactory(full_name=name))
    client.force_login(policy_admin)
    response = client.get(reverse("declarations:report_export", args=[campaign.pk]))
    # The charset in the header for browsers; the byte order mark for Excel, which otherwise
    # reads the file in the local code page and shows "SiÃ¢n".
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    content = b"".join(response.streaming_content)
    assert content.startswith(b"\xef\xbb\xbfName,")
    assert content.count(b"\xef\xbb\xbf") == 1
    assert "Siân Ó Briain".encode() in content
    assert "Zoë Müller".encode() in content
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert sorted(row[0] for row in rows[1:]) == ["Siân Ó Briain", "Zoë Müller"]
