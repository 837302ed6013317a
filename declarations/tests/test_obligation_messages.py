"""A person's page in a campaign lists what was sent about their declaration, from the outbox
itself: found by the same keys the senders use (declarations.outbox), so it cannot drift."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from declarations.outbox import ObligationMessage, obligation_messages, reminder_key
from declarations.services.campaigns import campaign_enrol
from declarations.services.reminders import declarations_sweep
from declarations.services.signing import declaration_sign
from declarations.tests.factories import (
    CampaignFactory,
    ObligationFactory,
    PolicyVersionFactory,
    every_version,
)
from portal.models import Notification
from portal.tests.factories import TEST_PASSWORD, DepartmentFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign():
    now = timezone.now()
    return CampaignFactory(
        open=True,
        audience_all=False,
        name="Annual declaration 2026",
        opens_at=now - timedelta(days=1),
        due_at=now + timedelta(days=10),
        reminder_every_days=3,
        # Asked after it opened, but with the campaign's own due date.
        new_starter_days=0,
        versions=[PolicyVersionFactory(published=True)],
    )


def test_every_message_the_senders_queue_is_listed_with_what_it_was_and_to_whom(
    client, campaign, policy_admin, alice, bob, django_capture_on_commit_callbacks
):
    campaign.departments.set([alice.department])
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        campaign_enrol(campaign=campaign, now=now)
    obligation = campaign.obligations.get(user=alice)
    for days in (4, 9.5, 10.1):  # a reminder, the due-day reminder, overdue with the manager
        with django_capture_on_commit_callbacks(execute=True):
            declarations_sweep(now=now + timedelta(days=days))
    obligation.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        declaration_sign(
            obligation=obligation,
            by=alice,
            typed_name=alice.full_name,
            read=every_version(obligation),
            password=TEST_PASSWORD,
        )
    # Another person's messages, one whose obligation id starts with this one's, are not listed.
    Notification.objects.create(
        dedup_key=reminder_key(int(f"{obligation.pk}1"), now),
        to_email="someone@example.org",
        subject="Not about Alice",
        body_text="x",
    )

    client.force_login(policy_admin)
    response = client.get(reverse("declarations:obligation", args=[obligation.pk]))

    listed = [(s.what, s.message.recipient) for s in response.context["messages_sent"]]
    assert listed == [
        (ObligationMessage.INVITATION.label, alice),
        (ObligationMessage.REMINDER.label, alice),
        (ObligationMessage.DUE.label, alice),
        (ObligationMessage.OVERDUE.label, alice),
        (ObligationMessage.LINE_MANAGER.label, bob),
        (ObligationMessage.RECEIPT.label, alice),
    ]
    # Each of them has been sent (the test's outbox delivers at once), and the page says when.
    assert all(s.message.sent_at for s in response.context["messages_sent"])
    page = " ".join(response.text.split())
    assert "Line manager told it is overdue</td> <td>Bob Manager" in page
    assert "Not about Alice" not in page


def test_every_message_about_one_person_has_a_key_the_page_knows(campaign, alice, bob):
    # Whatever the sweep sends about an obligation must be listed: no key of the declarations
    # outbox about this person falls outside obligation_messages.
    campaign.departments.set([alice.department])
    now = timezone.now()
    campaign_enrol(campaign=campaign, now=now)
    for days in (4, 9.5, 10.1):
        declarations_sweep(now=now + timedelta(days=days))
    obligation = campaign.obligations.get(user=alice)
    # To her, or keyed by her obligation (her line manager's); Bob's own invitation is not.
    about_alice = Notification.objects.filter(
        Q(recipient=alice)
        | Q(dedup_key__contains=f":{obligation.pk}:") & ~Q(dedup_key__startswith="decl-opened:")
    )
    assert set(obligation_messages(obligation)) == set(about_alice)
    assert about_alice.count() == 5


def test_a_message_not_yet_sent_shows_its_status(client, campaign, policy_admin, alice):
    obligation = ObligationFactory(campaign=campaign, user=alice)
    Notification.objects.create(
        dedup_key=reminder_key(obligation.pk, timezone.now()),
        recipient=alice,
        to_email=alice.email,
        subject="Reminder",
        body_text="x",
        status=Notification.Status.FAILED,
        attempts=8,
    )
    client.force_login(policy_admin)
    response = client.get(reverse("declarations:obligation", args=[obligation.pk]))
    assert "Failed after 8 attempts" in response.text


def test_nothing_sent_yet_is_said_plainly(client, campaign, policy_admin, alice):
    obligation = ObligationFactory(campaign=campaign, user=alice)
    client.force_login(policy_admin)
    response = client.get(reverse("declarations:obligation", args=[obligation.pk]))
    assert "Nothing has been sent about this declaration yet." in response.text


def test_the_obligation_page_runs_a_fixed_number_of_queries_however_many_were_sent(
    client, campaign, policy_admin, django_assert_num_queries
):
    person = UserFactory(department=DepartmentFactory(), line_manager=UserFactory())
    obligation = ObligationFactory(campaign=campaign, user=person)

    def sent(count: int) -> None:
        start = Notification.objects.count()
        Notification.objects.bulk_create(
            Notification(
                dedup_key=reminder_key(obligation.pk, timezone.now() + timedelta(days=start + i)),
                recipient=person,
                to_email=person.email,
                subject="Reminder",
                body_text="x",
            )
            for i in range(count)
        )

    sent(1)
    client.force_login(policy_admin)
    url = reverse("declarations:obligation", args=[obligation.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    sent(30)
    with django_assert_num_queries(len(few)):
        response = client.get(url)
    assert len(response.context["messages_sent"]) == 31
