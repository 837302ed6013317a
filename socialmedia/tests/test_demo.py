"""The social media demo: it loads on top of the foundation's, a second load adds nothing, and
it has what the issue asks to be shown: active accounts (one with a password change due after a
team change, one with its review overdue), a pending application, a closed account, and a
publication and a speaking request waiting for a decision."""

from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.utils import timezone

from portal.roles import Role
from socialmedia import crypto
from socialmedia.models import (
    Account,
    Credential,
    Kind,
    PermissionRequest,
    Review,
    TeamMember,
)
from socialmedia.services.reviews import REVIEW_OVERDUE_AFTER

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


def test_loading_twice_adds_nothing_the_second_time():
    first = _load()
    counts = (Account.objects.count(), TeamMember.objects.count(), Review.objects.count())

    second = _load()

    assert (Account.objects.count(), TeamMember.objects.count(), Review.objects.count()) == counts
    assert "Social media: 5 accounts and 2 permission requests added." in first
    assert "Social media: 0 accounts and 0 permission requests added." in second


def test_the_demo_shows_each_state_the_issue_asks_for():
    _load()
    now = timezone.now()
    running = Account.objects.running()

    rotation = running.get(rotation_due_since__isnull=False)
    assert TeamMember.objects.filter(account=rotation, removed_at__isnull=False).exists()
    overdue = running.get(review_due_at__lte=now - REVIEW_OVERDUE_AFTER)
    assert overdue.reviews.exists()
    assert Account.objects.filter(status=Account.Status.APPLIED).count() == 1
    closed = Account.objects.get(status=Account.Status.CLOSED)
    assert closed.deleted_on_platform
    assert not TeamMember.objects.current().filter(account=closed).exists()
    waiting = PermissionRequest.objects.filter(status=PermissionRequest.Status.SUBMITTED)
    assert {r.kind for r in waiting} == {Kind.PUBLICATION, Kind.SPEAKING}
    assert all(r.versions.get().number == 1 for r in waiting)


def test_the_demo_credentials_are_sealed_under_the_configured_key():
    _load()
    credentials = list(Credential.objects.all())

    assert len(credentials) == Account.objects.running().count()
    for credential in credentials:
        at = crypto.place(credential.account_id, "password")
        assert credential.password_sealed.startswith("gAAAA")
        assert crypto.unseal(credential.password_sealed, at=at).startswith("Demo-only-")
