"""A person's name or a campaign's name with line breaks in it never breaks a subject line into
a header of its own (the escalation to a line manager names both)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from declarations.services.reminders import obligations_escalate_to_managers
from declarations.tests.factories import CampaignFactory, ObligationFactory
from portal.models import Notification
from portal.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_an_escalation_subject_is_one_line_whatever_the_names_hold(
    bob, mailoutbox, django_capture_on_commit_callbacks
):
    person = UserFactory(full_name="Pat\r\nBcc: attacker@example.net\u2028Person", line_manager=bob)
    campaign = CampaignFactory(open=True, name="Annual\ndeclaration\r2026")
    ObligationFactory(campaign=campaign, user=person, due_at=timezone.now() - timedelta(days=2))
    with django_capture_on_commit_callbacks(execute=True):
        obligations_escalate_to_managers(now=timezone.now())
    row = Notification.objects.get(recipient=bob)
    assert row.subject == (
        "Pat Bcc: attacker@example.net Person has not signed Annual declaration 2026"
    )
    [sent] = [m for m in mailoutbox if m.to == [bob.email]]
    headers = sent.message().as_bytes().split(b"\n\n", 1)[0].decode()
    assert "\nBcc:" not in headers
    assert sent.bcc == []
