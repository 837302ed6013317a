"""A group "as at a date": the record read out to an FOI requester or a tribunal, built from the
records and the audit trail. The scene spans Sunday 29 March 2026, when the clocks went forward
at 01:00 (the UK day ran from 00:00 UTC to 23:00 UTC), with a member leaving, one joining, a
hold placed and that week's prompt withdrawn."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from groups.as_at import group_as_at
from groups.events import GroupEvent
from groups.models import ChatGroup, Membership, Platform, Submission
from groups.services.decisions import chat_group_approve
from groups.services.registration import chat_group_propose_change
from groups.tests.factories import (
    ChatGroupFactory,
    ClearDownCycleFactory,
    ClearDownPromptFactory,
    ExternalMemberFactory,
    HoldFactory,
    MembershipFactory,
)
from portal.services.audit import audit_record
from portal.testing.queries import LAYOUT_QUERIES
from portal.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CLOCKS_GO_FORWARD = date(2026, 3, 29)
# The group's page fetch, then the record: status events, decisions, memberships, external
# members, holds, the period and its prompts.
AS_AT_QUERIES = 8
SECOND_STEP = 1  # the DPO's authenticator, read on each page


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def text(answer) -> str:
    """The page's words, without tags, on one line."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", answer.content.decode()))


@pytest.fixture
def people():
    return {
        name: UserFactory(full_name=name)
        for name in ("Ada Admin", "Lee Late", "Kim New", "Pat Gone")
    }


@pytest.fixture
def group(people, dpo):
    group = ChatGroupFactory(admin=people["Ada Admin"], name="Desk cover")
    Membership.objects.filter(group=group).delete()  # the factory's, dated today
    ChatGroup.objects.filter(pk=group.pk).update(
        status=ChatGroup.Status.APPROVED,
        created_at=utc(2026, 2, 20, 9),
        approved_at=utc(2026, 3, 2, 14),
    )
    Submission.objects.create(
        group=group,
        submitted_by=group.applicant,
        submitted_at=utc(2026, 2, 25, 9),
        outcome=Submission.Outcome.APPROVED,
        decided_by=dpo,
        decided_at=utc(2026, 3, 2, 14),
    )
    since = utc(2026, 3, 2, 15)
    MembershipFactory(group=group, user=people["Ada Admin"], added_at=since)
    # Removed at 00:30 BST on the 30th: still a member at the end of the 29th in UK time.
    MembershipFactory(
        group=group, user=people["Lee Late"], added_at=since, removed_at=utc(2026, 3, 29, 23, 30)
    )
    # Added at 23:30 BST on the 29th.
    MembershipFactory(group=group, user=people["Kim New"], added_at=utc(2026, 3, 29, 22, 30))
    # Removed at 11:00 BST on the 29th.
    MembershipFactory(
        group=group,
        user=people["Pat Gone"],
        added_at=since,
        removed_at=utc(2026, 3, 29, 10),
        removal_reason="Moved to another team.",
    )
    hold = HoldFactory(
        groups=[group],
        reference="FOI-2026-0031",
        placed_by=dpo,
        placed_at=utc(2026, 3, 29, 9),
        released_at=utc(2026, 4, 2, 12),
        released_by=dpo,
        release_reason="Answered.",
    )
    # Monday 23 March 10:00 GMT to Monday 30 March 10:00 BST; withdrawn when the hold came.
    cycle = ClearDownCycleFactory(
        group=group,
        opens_at=utc(2026, 3, 23, 10),
        closes_at=utc(2026, 3, 30, 9),
        deadline_at=utc(2026, 3, 25, 10),
        prompt_posted_at=utc(2026, 3, 23, 10, 20),
        withdrawn_at=utc(2026, 3, 29, 9),
        hold=hold,
    )
    ClearDownPromptFactory(
        cycle=cycle,
        user=people["Ada Admin"],
        confirmed_at=utc(2026, 3, 24, 12),
        confirmed_via="portal",
    )
    for name in ("Lee Late", "Pat Gone"):
        ClearDownPromptFactory(cycle=cycle, user=people[name])
    group.refresh_from_db()
    return group


def _names(memberships) -> list[str]:
    return [m.user.full_name for m in memberships]


def test_the_record_places_each_change_on_the_uk_day_across_the_clock_change(group):
    record = group_as_at(group, CLOCKS_GO_FORWARD)

    assert record.approved
    assert _names(record.members) == ["Ada Admin", "Kim New", "Lee Late"]
    assert _names(record.joined) == ["Kim New"]
    assert _names(record.left) == ["Pat Gone"]
    assert [h.reference for h in record.holds] == ["FOI-2026-0031"]
    [period] = record.periods
    assert period.cycle.withdrawn_at is not None
    assert _names([c.prompt for c in period.confirmed]) == ["Ada Admin"]
    # The next day Lee has gone; the hold is still open.
    after = group_as_at(group, CLOCKS_GO_FORWARD + timedelta(days=1))
    assert _names(after.members) == ["Ada Admin", "Kim New"]
    assert _names(after.left) == ["Lee Late"]
    assert after.holds


def test_the_page_says_it_in_sentences_in_uk_time(client, dpo, group):
    client.force_login(dpo)

    page = text(client.get(reverse("groups:as_at", args=[group.pk]), {"on": "2026-03-29"}))

    assert "Yes. At the end of 29 March 2026 the group was approved for use" in page
    assert "since 2 March 2026, 14:00" in page
    assert "from 29 March 2026, 00:00 to 30 March 2026, 00:00" in page
    assert "Kim New was added at 23:30" in page
    assert "Pat Gone was removed at 11:00 (“Moved to another team.”)" in page
    assert "placed 29 March 2026, 10:00" in page
    assert "released 2 April 2026, 13:00" in page
    assert "The period from 23 March 2026, 10:00 to 30 March 2026, 10:00" in page
    assert "was prompted" in page
    assert "The prompt was withdrawn at 29 March 2026, 10:00" in page
    assert "Ada Admin, at 24 March 2026, 12:00, through the portal" in page
    assert "These did not confirm" in page
    assert "Lee Late" in page
    assert "Print this record" in page


def test_before_its_approval_the_group_was_not_on_the_register(client, dpo, group):
    client.force_login(dpo)

    page = text(client.get(reverse("groups:as_at", args=[group.pk]), {"on": "2026-02-28"}))

    assert "No. By the end of 28 February 2026 the data protection officer had not approved" in page
    assert "No clear-down period had opened" in page
    assert "No member of staff was in the group" in page


def test_a_suspension_in_the_audit_trail_ends_the_approval_from_that_day(client, dpo, group):
    audit_record(
        verb=GroupEvent.GROUP_SUSPENDED,
        actor=dpo,
        obj=group,
        changes={"reason": "Operational detail was posted."},
    )
    today = timezone.localdate()

    suspended = group_as_at(group, today)
    before = group_as_at(group, today - timedelta(days=1))

    assert not suspended.approved
    assert suspended.status is not None
    assert suspended.status.reason == "Operational detail was posted."
    assert [c.label for c in suspended.changes_that_day] == ["Suspended"]
    assert before.approved


def test_skipped_and_missed_periods_say_why_nobody_was_asked(client, dpo, group):
    hold = group.holds.get()
    ClearDownCycleFactory(
        group=group,
        opens_at=utc(2026, 3, 30, 9),
        closes_at=utc(2026, 4, 6, 9),
        outcome="skipped",
        hold=hold,
    )
    ClearDownCycleFactory(
        group=group,
        opens_at=utc(2026, 4, 6, 9),
        closes_at=utc(2026, 4, 13, 9),
        outcome="missed",
        cause="The scheduler was not running.",
    )
    client.force_login(dpo)
    url = reverse("groups:as_at", args=[group.pk])

    skipped = text(client.get(url, {"on": "2026-04-01"}))
    missed = text(client.get(url, {"on": "2026-04-08"}))

    assert "was skipped because a hold was open (Freedom of information request FOI-2026-0031)" in (
        skipped
    )
    assert "was missed : nobody was asked to clear the chat (The scheduler was not running.)" in (
        missed
    )


@pytest.mark.parametrize(
    ("on", "message"),
    [
        ("2026-02-19", "The group was first recorded on 20 February 2026"),
        ("2999-01-01", "Choose today or an earlier day"),
        ("2026-02-30", "Enter a real date"),
        ("", "Enter the date to look at the group on."),
    ],
)
def test_a_date_outside_the_groups_life_is_refused_with_what_to_do(client, dpo, group, on, message):
    client.force_login(dpo)

    answer = client.get(reverse("groups:as_at", args=[group.pk]), {"on": on})

    assert answer.status_code == 200
    assert message in text(answer)
    assert answer.context["record"] is None
    assert 'value="' + on + '"' in answer.content.decode()


def test_without_a_date_the_page_shows_today(client, dpo, group):
    client.force_login(dpo)

    answer = client.get(reverse("groups:as_at", args=[group.pk]))

    assert answer.context["record"].day == timezone.localdate()


def test_the_record_runs_a_fixed_number_of_queries(client, dpo, group, django_assert_num_queries):
    cycle = group.cycles.get()
    for person in UserFactory.create_batch(30):
        MembershipFactory(group=group, user=person, added_at=utc(2026, 3, 3))
        ClearDownPromptFactory(cycle=cycle, user=person)
    client.force_login(dpo)
    url = reverse("groups:as_at", args=[group.pk])
    client.get(url, {"on": "2026-03-29"})

    with django_assert_num_queries(LAYOUT_QUERIES + SECOND_STEP + AS_AT_QUERIES):
        client.get(url, {"on": "2026-03-29"})


def test_as_at_names_the_app_the_group_used_that_day_not_today(client, dpo, alice):
    group = ChatGroupFactory(
        approved=True, admin=alice, platform=Platform.WHATSAPP, purpose="Covering the desk."
    )
    ChatGroup.objects.filter(pk=group.pk).update(
        created_at=timezone.now() - timedelta(days=30),
        approved_at=timezone.now() - timedelta(days=30),
    )
    group.submissions.update(decided_at=timezone.now() - timedelta(days=30))
    group.refresh_from_db()
    chat_group_propose_change(
        group=group,
        name="Desk cover (Signal)",
        platform=Platform.SIGNAL,
        platform_other="",
        purpose="Covering the desk and the phones.",
        why="Moving to Signal.",
        by=alice,
    )
    chat_group_approve(group=group, by=dpo)
    client.force_login(dpo)
    url = reverse("groups:as_at", args=[group.pk])

    before = text(client.get(url, {"on": (timezone.localdate() - timedelta(days=10)).isoformat()}))
    after = text(client.get(url, {"on": timezone.localdate().isoformat()}))

    assert f"(WhatsApp, number {group.pk}), called “Desk cover (Signal)” today" in before
    assert "as approved by the end of that day: “Covering the desk.”" in before
    assert f"“Desk cover (Signal)” (Signal, number {group.pk})" in after
    assert "“Covering the desk and the phones.”" in after


def test_the_record_lists_the_people_from_outside_who_were_in_the_group_that_day(
    client, dpo, group
):
    ExternalMemberFactory(
        group=group, name="Sam Outside", organisation="County Council", added_at=utc(2026, 3, 3)
    )
    ExternalMemberFactory(
        group=group,
        name="Jo Visitor",
        organisation="Police Scotland",
        added_at=utc(2026, 3, 3),
        removed_at=utc(2026, 3, 29, 12),
    )
    ExternalMemberFactory(
        group=group,
        name="Gone Before",
        organisation="Elsewhere",
        added_at=utc(2026, 3, 3),
        removed_at=utc(2026, 3, 10),
    )
    client.force_login(dpo)

    page = text(client.get(reverse("groups:as_at", args=[group.pk]), {"on": "2026-03-29"}))

    assert "Sam Outside, of County Council, a member since 3 March 2026, 00:00" in page
    assert (
        "Jo Visitor, of Police Scotland, a member since 3 March 2026, 00:00, removed at 13:00"
        in (page)
    )
    assert "Gone Before" not in page
    assert "only the staff members' history" not in page


def test_a_request_that_arrived_before_its_hold_is_on_the_record_with_deletions_after_it(
    client, dpo, group
):
    group.holds.update(request_received_on=date(2026, 3, 20))
    client.force_login(dpo)
    url = reverse("groups:as_at", args=[group.pk])

    before_hold = text(client.get(url, {"on": "2026-03-25"}))
    before_request = text(client.get(url, {"on": "2026-03-19"}))

    assert "No hold was open on the group at any time that day" in before_hold
    assert (
        "A request had arrived (freedom of information request, FOI-2026-0031) on 20 March 2026;"
        " the hold was placed on 29 March 2026, 10:00" in before_hold
    )
    assert (
        "Ada Admin, at 24 March 2026, 12:00, through the portal (after freedom of information"
        " request FOI-2026-0031 had arrived on 20 March 2026)" in before_hold
    )
    assert "A request had arrived" not in before_request


def test_a_day_on_which_one_period_closed_and_the_next_opened_shows_both(client, dpo, group):
    ClearDownCycleFactory(
        group=group,
        opens_at=utc(2026, 3, 30, 9),
        closes_at=utc(2026, 4, 6, 9),
        deadline_at=utc(2026, 4, 1, 9),
        outcome="skipped",
        hold=group.holds.get(),
    )
    client.force_login(dpo)

    record = group_as_at(group, date(2026, 3, 30))
    page = text(client.get(reverse("groups:as_at", args=[group.pk]), {"on": "2026-03-30"}))

    assert [p.cycle.opens_at for p in record.periods] == [utc(2026, 3, 23, 10), utc(2026, 3, 30, 9)]
    assert "One period ended and the next began that day" in page
    assert "The period from 23 March 2026, 10:00 to 30 March 2026, 10:00" in page
    assert "The period from 30 March 2026, 10:00 to 6 April 2026, 10:00 was skipped" in page
    assert "today's admin and deputy" in page
