"""The chat-group register's demo: it loads on top of the foundation's, a second load adds
nothing, every state the DPO's pages show is there, and the demo people can open their pages."""

from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from groups.demo import COMMS, CUSTODY, PARTNERS
from groups.models import (
    ChatGroup,
    ClearDownCycle,
    ClearDownPrompt,
    Concern,
    Hold,
    HoldNotice,
    Membership,
    Submission,
)
from groups.reports import admins_not_confirming, persistent_non_confirmers
from portal.demo import DOMAIN
from portal.models import AuditEvent, Notification, User
from portal.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def demo_settings(monkeypatch, settings):
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    # The demo refuses to load with DEBUG off, and pytest-django turns DEBUG off for tests.
    settings.DEBUG = True
    for role in Role:
        Group.objects.get_or_create(name=role)


def _load() -> str:
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def _counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (
            ChatGroup,
            Submission,
            Membership,
            ClearDownCycle,
            ClearDownPrompt,
            Hold,
            HoldNotice,
            Concern,
            User,
            AuditEvent,
        )
    }


def test_loading_the_demo_twice_adds_nothing_the_second_time():
    first = _load()
    after_first = _counts()

    second = _load()

    assert _counts() == after_first
    assert "Chat groups: 7 created" in first
    assert "Chat groups: already loaded." in second


def test_the_demo_has_groups_in_every_state_the_dpo_deals_with():
    _load()
    now = timezone.now()
    statuses = dict(ChatGroup.objects.values_list("name", "status"))
    assert statuses[PARTNERS.name] == "approved"
    assert statuses[CUSTODY.name] == "suspended"
    assert sorted(statuses.values()).count("submitted") == 1
    assert sorted(statuses.values()).count("changes_asked") == 1
    assert ChatGroup.objects.filter(needs_admin=True).count() == 1
    assert ChatGroup.objects.approved().filter(review_due_at__lt=now).count() == 1
    outcomes = set(ClearDownCycle.objects.values_list("outcome", flat=True))
    assert outcomes == {"prompted", "missed", "skipped"}
    held = ChatGroup.objects.get(name=COMMS.name)
    assert held.holds.open().count() == 1
    assert held.cycles.filter(withdrawn_at__isnull=False).count() == 1
    assert held.cycles.filter(outcome="skipped", hold__isnull=False).exists()
    assert ClearDownPrompt.objects.filter(confirmed_at__isnull=True).exists()
    assert [r.name for r in persistent_non_confirmers(now)] == ["Hannah Reid"]
    assert admins_not_confirming(now).count() == 1
    assert Concern.objects.filter(resolved_at__isnull=True).count() == 1
    # No group is due a burst of catch-up periods when the sweep first runs.
    assert not ChatGroup.objects.approved().filter(next_cycle_at__lte=now).exists()


@pytest.mark.parametrize(
    ("person", "page"),
    [
        ("ruth.adeyemi", "overview"),
        ("ruth.adeyemi", "group"),
        ("ruth.adeyemi", "as_at"),
        ("owen.price", "overview"),
        ("raj.patel", "group"),
        ("hannah.reid", "group"),
        ("hannah.reid", "mine"),
    ],
)
def test_the_demo_people_can_open_their_pages(client, person, page):
    _load()
    group = ChatGroup.objects.get(name=PARTNERS.name)
    args = [group.pk] if page in ("group", "as_at") else []
    client.force_login(User.objects.get(email=f"{person}@{DOMAIN}"))

    answer = client.get(reverse(f"groups:{page}", args=args))

    assert answer.status_code == 200


def test_the_demos_suspension_goes_through_the_registers_service():
    _load()
    custody = ChatGroup.objects.get(name=CUSTODY.name)

    event = AuditEvent.objects.get(verb="chat_group.suspended", object_id=str(custody.pk))

    # What chat_group_suspend records (the status it came from), and the admin it tells.
    assert event.changes["from"] == "approved"
    assert event.changes["to"] == "suspended"
    assert Notification.objects.filter(
        recipient=custody.admin, dedup_key__startswith=f"grp-status:{custody.pk}:suspended:"
    ).exists()
