"""The chat-groups panel on the dashboard: a group under a hold stays named in a warning while
the hold is open, the admin is asked to post the prompt, every group shows the person's part
and its status, and applications to revise are owed."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from groups.tests.factories import (
    ChatGroupFactory,
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
