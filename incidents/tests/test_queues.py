"""Each receiving role's queue: only what is theirs, open before closed and the most urgent
first, filtered, paged, and in a fixed number of queries whatever its size."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from incidents.kinds import Kind
from incidents.tests.factories import AssessmentFactory, IncidentFactory
from incidents.views.queues import PAGE_SIZE
from portal.registry import Section, registry
from portal.testing.queries import panels_cost
from portal.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _queue(slug: str) -> str:
    return reverse("incidents:queue", args=[slug])


def _shown(client, slug: str, **filters) -> list[str]:
    answer = client.get(_queue(slug), filters)
    assert answer.status_code == 200
    return [incident.reference for incident in answer.context["page"].object_list]


@pytest.mark.parametrize(
    ("slug", "allowed"),
    [
        ("helpdesk", {"helpdesk"}),
        ("dpo", {"dpo", "deputy_dpo"}),
        ("psd", {"psd"}),
        ("chief-executive", {"chief_executive", "ce_delegate"}),
    ],
)
def test_a_role_queue_is_403_to_everyone_without_the_role(client, request, slug, allowed):
    for name in ("alice", "bob", "helpdesk", "dpo", "deputy_dpo", "psd", "chief_executive"):
        client.force_login(request.getfixturevalue(name))
        expected = 200 if name in allowed else 403
        assert client.get(_queue(slug)).status_code == expected, name


def test_an_unknown_queue_is_404_and_signed_out_people_sign_in(client, alice):
    assert client.get(_queue("helpdesk"))["Location"].startswith(reverse("login"))
    client.force_login(alice)
    assert client.get(_queue("everyone")).status_code == 404


def test_the_queue_pages_are_never_stored(client, helpdesk):
    client.force_login(helpdesk)
    answer = client.get(_queue("helpdesk"))
    assert "no-store" in answer["Cache-Control"]
    assert answer.content.decode().count("OFFICIAL-SENSITIVE") >= 2


def test_the_manager_queue_lists_what_was_routed_to_them_alone(client, alice, bob, charlie, dpo):
    mine = IncidentFactory(kind=Kind.UNSUITABLE_MATERIAL, reported_by=alice)
    # Charlie has no line manager: his report went to the DPO, not to any manager.
    IncidentFactory(kind=Kind.UNSUITABLE_MATERIAL, reported_by=charlie)
    client.force_login(bob)
    assert _shown(client, "manager") == [mine.reference]
    for person in (charlie, dpo):
        client.force_login(person)
        answer = client.get(_queue("manager"))
        assert answer.status_code == 200
        assert "Nothing is waiting for you." in answer.content.decode()


def test_a_role_queue_leaves_out_what_the_person_reported_even_as_line_manager(client, dpo):
    # The DPO reported unsuitable material for a member of their team, and referred it: the
    # report is theirs as the manager, and another DPO triages it (triage is 403 to them).
    member = UserFactory(line_manager=dpo)
    referred = IncidentFactory(
        kind=Kind.UNSUITABLE_MATERIAL, reported_by=dpo, reported_for=member, to_dpo=True
    )
    assert (referred.to_manager, referred.line_manager_id) == (True, dpo.pk)
    client.force_login(dpo)
    assert _shown(client, "dpo") == []
    assert client.get(reverse("incidents:triage", args=[referred.pk])).status_code == 403
    assert _shown(client, "manager") == [referred.reference]


def test_open_reports_come_before_closed_ones_then_the_newest(client, alice, psd):
    now = timezone.now()
    closed_new = IncidentFactory(
        kind=Kind.INAPPROPRIATE_CONTENT, reported_by=alice, status="closed", reported_at=now
    )
    open_old = IncidentFactory(
        kind=Kind.INAPPROPRIATE_CONTENT, reported_by=alice, reported_at=now - timedelta(days=3)
    )
    open_new = IncidentFactory(
        kind=Kind.INAPPROPRIATE_CONTENT, reported_by=alice, reported_at=now - timedelta(days=1)
    )
    client.force_login(psd)
    assert _shown(client, "psd") == [open_new.reference, open_old.reference, closed_new.reference]


def test_the_dpo_sees_untriaged_reports_first_then_the_soonest_deadline(client, alice, dpo):
    now = timezone.now()

    def breach(days_ago: int, **assessment):
        incident = IncidentFactory(
            kind=Kind.DATA_BREACH, reported_by=alice, reported_at=now - timedelta(days=days_ago)
        )
        if assessment:
            AssessmentFactory(incident=incident, **assessment)
        return incident

    later_deadline = breach(1, breach=True)  # the clock runs out in 48 hours
    sooner_deadline = breach(2, breach=True)  # in 24 hours
    not_a_breach = breach(0, is_breach=False, not_breach_reasons="")
    undecided = breach(5, is_breach=None)
    untouched = breach(3)
    closed = IncidentFactory(kind=Kind.DATA_BREACH, reported_by=alice, status="closed")
    client.force_login(dpo)
    assert _shown(client, "dpo") == [
        untouched.reference,
        undecided.reference,
        sooner_deadline.reference,
        later_deadline.reference,
        not_a_breach.reference,
        closed.reference,
    ]
    page = client.get(_queue("dpo")).content.decode()
    assert page.count("Not yet triaged") == 3  # the closed one was never triaged either


def test_the_dpo_queue_shows_no_clock_where_none_runs(client, alice, dpo):
    """A deadline stored for something decided not a breach, or not to be reported, is no
    running clock: it must not show as passed, nor rank above a breach with hours left."""
    now = timezone.now()
    long_ago = now - timedelta(days=5)

    def assessed(**fields):
        incident = IncidentFactory(kind=Kind.DATA_BREACH, reported_by=alice, reported_at=long_ago)
        AssessmentFactory(
            incident=incident,
            aware_at=long_ago,
            ico_deadline_at=long_ago + timedelta(hours=72),
            **fields,
        )
        return incident

    not_a_breach = assessed(is_breach=False, not_breach_reasons="Nothing personal in it.")
    not_reported = assessed(
        is_breach=True, notify_ico=False, notify_decided_at=now, notify_reasons="No risk."
    )
    running = IncidentFactory(kind=Kind.DATA_BREACH, reported_by=alice)
    AssessmentFactory(incident=running, breach=True)
    client.force_login(dpo)
    shown = _shown(client, "dpo")
    assert shown.index(running.reference) < shown.index(not_a_breach.reference)
    assert shown.index(running.reference) < shown.index(not_reported.reference)
    assert client.get(_queue("dpo")).content.decode().count("Passed") == 0


def test_the_filters_narrow_the_queue(client, alice, helpdesk):
    now = timezone.now()
    phone = IncidentFactory(kind=Kind.LOST_DEVICE, reported_by=alice, reported_at=now)
    virus = IncidentFactory(
        kind=Kind.VIRUS, reported_by=alice, reported_at=now - timedelta(days=10)
    )
    closed = IncidentFactory(
        kind=Kind.VIRUS, reported_by=alice, status="closed", reported_at=now - timedelta(days=20)
    )
    client.force_login(helpdesk)
    assert _shown(client, "helpdesk", kind="virus") == [virus.reference, closed.reference]
    assert _shown(client, "helpdesk", status="open") == [phone.reference, virus.reference]
    assert _shown(client, "helpdesk", status="closed") == [closed.reference]
    assert _shown(client, "helpdesk", q=phone.reference[-4:]) == [phone.reference]
    day = timezone.localdate(now - timedelta(days=10))
    assert _shown(client, "helpdesk", reported_from=day, reported_to=day) == [virus.reference]
    assert _shown(client, "helpdesk", reported_from=day) == [phone.reference, virus.reference]
    assert _shown(client, "helpdesk", reported_to=day) == [virus.reference, closed.reference]


def test_a_kind_that_is_not_the_handlers_is_refused_with_a_message(client, alice, helpdesk):
    IncidentFactory(kind=Kind.LOST_DEVICE, reported_by=alice)
    client.force_login(helpdesk)
    answer = client.get(_queue("helpdesk"), {"kind": "inappropriate_content"})
    assert answer.status_code == 200
    assert "There is a problem" in answer.content.decode()
    choices = [value for value, _ in answer.context["form"].fields["kind"].choices]
    assert "inappropriate_content" not in choices
    answer = client.get(
        _queue("helpdesk"), {"reported_from": "2026-03-05", "reported_to": "2026-03-01"}
    )
    assert "The end date is before the start date." in answer.content.decode()


def test_a_filter_that_matches_nothing_says_so(client, alice, psd):
    IncidentFactory(kind=Kind.INAPPROPRIATE_CONTENT, reported_by=alice)
    client.force_login(psd)
    answer = client.get(_queue("psd"), {"q": "nothing-like-this"})
    assert "No incident matches." in answer.content.decode()


def test_the_dpo_queue_pages_through_every_row_once(client, alice, dpo):
    now = timezone.now()
    made = []
    for n in range(PAGE_SIZE + 7):
        incident = IncidentFactory(
            kind=Kind.DATA_BREACH, reported_by=alice, reported_at=now - timedelta(minutes=n)
        )
        if n % 3 == 0:
            AssessmentFactory(incident=incident, breach=True)
        made.append(incident.reference)
    client.force_login(dpo)
    first = client.get(_queue("dpo"))
    page = first.context["page"]
    assert len(page.object_list) == PAGE_SIZE
    second = client.get(_queue("dpo"), {"cursor": page.next_cursor}).context["page"]
    seen = [i.reference for i in page.object_list] + [i.reference for i in second.object_list]
    assert sorted(seen) == sorted(made)
    assert not second.has_next


def _count(client, slug: str) -> int:
    client.get(_queue(slug))  # warm: the organisation settings into the cache
    with CaptureQueriesContext(connection) as queries:
        assert client.get(_queue(slug)).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    ("slug", "who", "kind"),
    [
        ("helpdesk", "helpdesk", Kind.LOST_DEVICE),
        ("dpo", "dpo", Kind.DATA_BREACH),
        ("psd", "psd", Kind.INAPPROPRIATE_CONTENT),
        ("manager", "bob", Kind.UNSUITABLE_MATERIAL),
        ("chief-executive", "chief_executive", Kind.ONLINE_CONTENT),
    ],
)
def test_each_queue_costs_the_same_queries_with_3_or_30_rows(
    client, request, alice, slug, who, kind
):
    client.force_login(request.getfixturevalue(who))

    def make(n: int) -> None:
        for i in range(n):
            incident = IncidentFactory(kind=kind, reported_by=alice, reported_for=None)
            if kind == Kind.DATA_BREACH and i % 2:
                AssessmentFactory(incident=incident, breach=True)

    make(3)
    few = _count(client, slug)
    make(27)
    assert _count(client, slug) == few


def _menu(person) -> dict[str, list[str]]:
    return {
        str(group.section): [label for label, _ in group.entries]
        for group in registry.menu_for(person)
    }


def test_each_role_finds_its_queue_in_the_menu(alice, bob, helpdesk, dpo, psd, chief_executive):
    assert "Helpdesk incidents" in _menu(helpdesk)[Section.INCIDENT_QUEUES]
    assert "Incidents for the DPO" in _menu(dpo)[Section.DATA_PROTECTION]
    assert "Professional Standards incidents" in _menu(psd)[Section.INCIDENT_QUEUES]
    assert "Online content reports" in _menu(chief_executive)[Section.INCIDENT_QUEUES]
    for person in (alice, bob):
        assert Section.INCIDENT_QUEUES not in _menu(person)
        assert "Incidents for the DPO" not in _menu(person).get(Section.DATA_PROTECTION, [])


def test_a_line_manager_with_reports_waiting_finds_them_on_the_dashboard(client, alice, bob):
    client.force_login(bob)
    assert "Reports from your team" not in client.get(reverse("portal:dashboard")).text
    report = IncidentFactory(kind=Kind.UNSUITABLE_MATERIAL, reported_by=alice)
    page = client.get(reverse("portal:dashboard")).text
    assert "1 report of unsuitable material opened by accident is waiting for you." in page
    assert f'href="{_queue("manager")}"' in page
    report.status, report.closed_at = "closed", timezone.now()
    report.save()
    # Nothing open: the closed reports are still a click away.
    page = client.get(reverse("portal:dashboard")).text
    assert "Reports from your team" in page
    assert "Nothing from your team is waiting for you." in page
    assert f'href="{_queue("manager")}"' in page
    client.force_login(alice)
    assert "Reports from your team" not in client.get(reverse("portal:dashboard")).text


def test_the_team_panel_costs_one_query_whatever_the_number_of_reports(client, alice, bob):
    client.force_login(bob)
    IncidentFactory.create_batch(3, kind=Kind.UNSUITABLE_MATERIAL, reported_by=alice)
    assert panels_cost(client, "incidents_team") == 1
    IncidentFactory.create_batch(27, kind=Kind.UNSUITABLE_MATERIAL, reported_by=alice)
    assert panels_cost(client, "incidents_team") == 1
