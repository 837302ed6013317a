"""The chat-groups panel on the dashboard: a group under a hold stays named in a warning while
the hold is open, the admin is asked to post the prompt, every group shows the person's part
and its status, and applications to revise are owed."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from groups.models import ChatGroup, Membership
from groups.tests.factories import (
    ChatGroupFactory,
    ClearDownCycleFactory,
    ClearDownPromptFactory,
    HoldFactory,
    HoldNoticeFactory,
)

pytestmark = pytest.mark.django_db


def _panel(client, person) -> str:
    client.force_login(person)
    page = client.get(reverse("portal:dashboard")).content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


def test_a_held_group_stays_on_the_dashboard_after_the_notice_is_acknowledged(client, alice, bob):
    group = ChatGroupFactory(approved=True, admin=bob, members=[alice], name="Desk cover")
    hold = HoldFactory(groups=[group], reference="FOI-2026-0007")
    notice = HoldNoticeFactory(hold=hold, user=alice)

    unacknowledged = _panel(client, alice)
    notice.acknowledged_at = timezone.now()
    notice.save()
    acknowledged = _panel(client, alice)
    hold.released_at, hold.released_by, hold.release_reason = timezone.now(), bob, "Answered."
    hold.save()
    released = _panel(client, alice)

    assert "Freedom of information request FOI-2026-0007 on Desk cover" in unacknowledged
    assert "read and acknowledge the notice" in unacknowledged
    assert "On hold: do not delete anything from Desk cover (FOI-2026-0007)" in acknowledged
    assert "read and acknowledge the notice" not in acknowledged
    assert "On hold" not in released


def test_the_admin_is_asked_to_post_the_prompt_and_told_when_it_is_overdue(client, alice):
    group = ChatGroupFactory(approved=True, admin=alice, name="Desk cover")
    late = ChatGroupFactory(approved=True, admin=alice, name="Night shift")
    ClearDownCycleFactory(group=group)
    ClearDownCycleFactory(
        group=late,
        opens_at=timezone.now() - timedelta(days=3),
        deadline_at=timezone.now() - timedelta(days=1),
    )

    page = _panel(client, alice)

    assert "Post the clear-down prompt in Desk cover and confirm by" in page
    assert "Post the clear-down prompt in Night shift and confirm Overdue" in page


def test_a_suspended_groups_prompt_is_not_offered(client, alice, bob):
    group = ChatGroupFactory(approved=True, admin=bob, members=[alice], name="Desk cover")
    ClearDownPromptFactory(cycle=ClearDownCycleFactory(group=group), user=alice)
    ChatGroup.objects.filter(pk=group.pk).update(status=ChatGroup.Status.SUSPENDED)

    page = _panel(client, alice)

    assert "Confirm you cleared Desk cover" not in page
    assert "Desk cover (member; Suspended)" in page


def test_every_group_shows_the_persons_part_and_its_status(client, alice, bob):
    ChatGroupFactory(approved=True, admin=alice, name="Run and approved")
    ChatGroupFactory(admin=alice, name="Run and suspended", status=ChatGroup.Status.SUSPENDED)
    ChatGroupFactory(admin=alice, name="Sent back", status=ChatGroup.Status.CHANGES_ASKED)
    ChatGroupFactory(admin=alice, name="Not finished")
    ChatGroupFactory(admin=bob, applicant=alice, name="Refused", status=ChatGroup.Status.REFUSED)

    page = _panel(client, alice)

    assert "Run and approved (admin; Approved)" in page
    assert "Run and suspended (admin; Suspended)" in page
    assert "Refused (applicant; Refused)" in page
    assert "Revise and send again your application for Sent back (changes asked for)" in page
    assert "Revise and send again your application for Refused (refused)" in page
    assert "Finish and send your application for Not finished (draft)" in page
    assert "application for Run and approved" not in page


def _queries(client, person) -> int:
    client.force_login(person)
    client.get(reverse("portal:dashboard"))
    with CaptureQueriesContext(connection) as seen:
        client.get(reverse("portal:dashboard"))
    return len(seen)


def _busy(person, other, groups: int) -> None:
    for _ in range(groups):
        held = ChatGroupFactory(approved=True, admin=other, members=[person])
        HoldNoticeFactory(hold=HoldFactory(groups=[held]), user=person)
        run = ChatGroupFactory(approved=True, admin=person)
        ClearDownCycleFactory(group=run)
        ChatGroupFactory(admin=person, status=ChatGroup.Status.CHANGES_ASKED)
        Membership.objects.filter(group=held, user=person).update(rules_acknowledged_at=None)


def test_the_panel_costs_the_same_for_many_held_groups_and_prompts_as_for_one(
    client, alice, bob, charlie
):
    _busy(alice, bob, groups=10)
    _busy(charlie, bob, groups=1)

    assert _queries(client, alice) == _queries(client, charlie)
    page = _panel(client, alice)
    assert page.count("On hold: do not delete anything") == 10
    assert page.count("Post the clear-down prompt in") == 10
    assert page.count("Revise and send again") == 10
