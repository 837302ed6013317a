"""The "Remind now" buttons: on a person's page and the outstanding list for policy
administrators (the list after a confirmation page), and on My team for a line manager, who can
remind only their own team."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from declarations.models import Campaign, Obligation
from declarations.outbox import remind_now_key
from declarations.services.remind_now import obligation_remind_now
from declarations.tests.factories import (
    CampaignFactory,
    DeclarationFactory,
    ObligationFactory,
    PolicyVersionFactory,
)
from portal.models import AuditEvent, Notification, OrganisationSettings
from portal.tests.factories import DepartmentFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign():
    return CampaignFactory(
        open=True, name="Annual declaration 2026", versions=[PolicyVersionFactory(published=True)]
    )


@pytest.fixture
def obligation(campaign, alice):
    return ObligationFactory(campaign=campaign, user=alice)


def _page_text(response) -> str:
    return " ".join(response.text.split())


def _sent_by_hand() -> list[str]:
    keys = Notification.objects.filter(dedup_key__startswith="decl-remind-now:")
    return sorted(keys.values_list("recipient__full_name", flat=True))


# A person's page (policy administrators)


def test_a_policy_administrator_reminds_one_person_from_their_page(
    client, obligation, policy_admin
):
    client.force_login(policy_admin)
    page = reverse("declarations:obligation", args=[obligation.pk])
    assert "Send a reminder now" in client.get(page).text

    response = client.post(
        reverse("declarations:obligation_remind", args=[obligation.pk]), follow=True
    )

    text = _page_text(response)
    assert "Reminder sent to Alice Staff." in text
    assert "Reminder sent by Priya Policy (policy administrator)" in text  # messages sent
    assert "Alice Staff was already reminded today at" in text  # instead of the button
    assert "Send a reminder now</button>" not in text
    assert "obligation.reminded_now" in text  # the history, from the audit trail
    assert _sent_by_hand() == ["Alice Staff"]


def test_a_second_press_the_same_day_says_when_and_by_whom_and_sends_nothing(
    client, obligation, policy_admin, bob
):
    obligation_remind_now(obligation=obligation, by=bob)
    client.force_login(policy_admin)
    response = client.post(
        reverse("declarations:obligation_remind", args=[obligation.pk]), follow=True
    )
    assert "by Bob Manager (line manager). One reminder a day can be sent by hand" in (
        _page_text(response)
    )
    assert _sent_by_hand() == ["Alice Staff"]


def test_a_signed_persons_page_says_why_there_is_no_button(client, obligation, policy_admin):
    DeclarationFactory(obligation=obligation)
    client.force_login(policy_admin)
    response = client.get(reverse("declarations:obligation", args=[obligation.pk]))
    assert "Alice Staff has already signed Annual declaration 2026." in _page_text(response)
    assert "Send a reminder now" not in response.text


# My team (line managers)


def test_a_line_manager_reminds_one_of_their_team_from_my_team(client, obligation, bob):
    client.force_login(bob)
    team = client.get(reverse("declarations:my_team"))
    assert 'Send a reminder<span class="visually-hidden"> to Alice Staff' in team.text

    response = client.post(reverse("declarations:team_remind", args=[obligation.pk]), follow=True)

    text = _page_text(response)
    assert "Reminder sent to Alice Staff." in text
    assert "Reminded today at" in text
    assert _sent_by_hand() == ["Alice Staff"]
    event = AuditEvent.objects.get(verb="obligation.reminded_now")
    assert (event.actor, event.changes["sent_as"]) == (bob, "line manager")


def test_my_team_offers_the_button_only_to_those_who_can_be_reminded(client, campaign, alice, bob):
    signed = UserFactory(full_name="Sam Signed", line_manager=bob)
    DeclarationFactory(obligation=ObligationFactory(campaign=campaign, user=signed))
    paused = UserFactory(full_name="Pat Paused", line_manager=bob)
    ObligationFactory(campaign=campaign, user=paused, status=Obligation.Status.PAUSED)
    closed = CampaignFactory(open=True, status=Campaign.Status.CLOSED, name="Old round")
    ObligationFactory(campaign=closed, user=alice)
    ObligationFactory(campaign=campaign, user=alice)
    client.force_login(bob)
    text = client.get(reverse("declarations:my_team")).text
    assert text.count("Send a reminder<span") == 1
    assert "to Alice Staff about Annual declaration 2026" in text


def test_a_line_manager_cannot_remind_anyone_outside_their_team(
    client, campaign, obligation, bob, charlie, policy_admin
):
    # Charlie's manager is someone else: to Bob, Charlie's obligation does not exist.
    charlie.line_manager = UserFactory(full_name="Other Manager")
    charlie.save()
    theirs = ObligationFactory(campaign=campaign, user=charlie)
    client.force_login(bob)
    assert client.post(reverse("declarations:team_remind", args=[theirs.pk])).status_code == 404
    # Nor does the administrators' button answer him.
    admin_button = reverse("declarations:obligation_remind", args=[obligation.pk])
    assert client.post(admin_button).status_code == 403
    # Someone with no team at all (a policy administrator included) is refused the page.
    client.force_login(policy_admin)
    assert client.post(reverse("declarations:team_remind", args=[theirs.pk])).status_code == 403
    client.force_login(charlie)
    assert client.post(reverse("declarations:team_remind", args=[obligation.pk])).status_code == 403
    assert _sent_by_hand() == []


def test_a_draft_campaigns_obligation_is_not_found_from_my_team(client, alice, bob):
    draft = ObligationFactory(campaign=CampaignFactory(), user=alice)
    client.force_login(bob)
    assert client.post(reverse("declarations:team_remind", args=[draft.pk])).status_code == 404


# The outstanding list (policy administrators), with its confirmation page


@pytest.fixture
def outstanding_list(campaign, alice, bob, charlie, policy_admin):
    """Alice and Bob to sign, Charlie paused, a signer (not listed)."""
    rows = {
        "alice": ObligationFactory(campaign=campaign, user=alice),
        "bob": ObligationFactory(campaign=campaign, user=bob),
        "charlie": ObligationFactory(
            campaign=campaign, user=charlie, status=Obligation.Status.PAUSED
        ),
    }
    DeclarationFactory(obligation=ObligationFactory(campaign=campaign))
    return rows


def test_the_outstanding_list_has_a_tick_box_for_each_person_who_can_be_reminded(
    client, campaign, outstanding_list, policy_admin
):
    client.force_login(policy_admin)
    text = client.get(reverse("declarations:report_outstanding", args=[campaign.pk])).text
    assert 'aria-label="Remind Alice Staff"' in text
    assert 'aria-label="Remind Bob Manager"' in text
    assert 'aria-label="Remind Charlie Outsider"' not in text  # paused


def test_reminding_the_people_ticked_asks_first_then_sends(
    client, campaign, outstanding_list, policy_admin
):
    client.force_login(policy_admin)
    ticked = [outstanding_list["alice"].pk, outstanding_list["charlie"].pk]
    confirm = client.post(
        reverse("declarations:remind_confirm", args=[campaign.pk]),
        {"scope": "ticked", "obligation": ticked, "show": "", "department": ""},
    )
    text = _page_text(confirm)
    assert "Send 1 reminder now?" in text
    assert "1 person will not be reminded:</strong> 1 is paused." in text
    assert _sent_by_hand() == []  # nothing yet

    sent = client.post(
        reverse("declarations:remind_send", args=[campaign.pk]),
        {"obligation": [outstanding_list["alice"].pk], "show": "", "department": ""},
        follow=True,
    )
    assert "1 reminder sent." in _page_text(sent)
    assert sent.redirect_chain[-1][0] == reverse(
        "declarations:report_outstanding", args=[campaign.pk]
    )
    assert _sent_by_hand() == ["Alice Staff"]


def test_reminding_everyone_the_filter_shows_and_sending_twice_sends_once(
    client, campaign, outstanding_list, policy_admin
):
    finance = outstanding_list["charlie"].user.department
    client.force_login(policy_admin)
    confirm = client.post(
        reverse("declarations:remind_confirm", args=[campaign.pk]),
        {"scope": "everyone", "show": "", "department": ""},
    )
    assert "Send 2 reminders now?" in _page_text(confirm)
    ids = confirm.context["form"].initial["obligation"]
    assert sorted(ids) == sorted([outstanding_list["alice"].pk, outstanding_list["bob"].pk])

    send = reverse("declarations:remind_send", args=[campaign.pk])
    first = client.post(send, {"obligation": ids, "show": "overdue"}, follow=True)
    assert "2 reminders sent." in _page_text(first)
    assert first.redirect_chain[-1][0].endswith("?show=overdue")
    again = client.post(send, {"obligation": ids}, follow=True)
    assert "0 reminders sent. Not reminded: 2 were already reminded today." in _page_text(again)
    assert _sent_by_hand() == ["Alice Staff", "Bob Manager"]

    # Finance's only person is paused: nobody to remind, and no button to send.
    confirm = client.post(
        reverse("declarations:remind_confirm", args=[campaign.pk]),
        {"scope": "everyone", "department": str(finance.pk)},
    )
    assert "Nobody can be reminded now" in confirm.text
    assert "remind/send/" not in confirm.text


def test_choosing_nobody_says_what_to_do(client, campaign, outstanding_list, policy_admin):
    client.force_login(policy_admin)
    response = client.post(
        reverse("declarations:remind_confirm", args=[campaign.pk]), {"scope": "ticked"}, follow=True
    )
    assert "Tick the people to remind, or choose “Remind everyone in this list”." in (response.text)


def test_another_campaigns_people_are_never_reminded_from_this_list(client, campaign, policy_admin):
    elsewhere = ObligationFactory(campaign=CampaignFactory(open=True))
    client.force_login(policy_admin)
    response = client.post(
        reverse("declarations:remind_send", args=[campaign.pk]),
        {"obligation": [elsewhere.pk]},
        follow=True,
    )
    assert "0 reminders sent." in response.text
    assert _sent_by_hand() == []


def test_a_list_longer_than_one_send_says_the_rest_come_next(
    client, campaign, policy_admin, monkeypatch
):
    monkeypatch.setattr("declarations.remindable.BULK_LIMIT", 3)
    for _ in range(5):
        ObligationFactory(campaign=campaign)
    client.force_login(policy_admin)
    response = client.post(
        reverse("declarations:remind_confirm", args=[campaign.pk]), {"scope": "everyone"}
    )
    text = _page_text(response)
    assert "Send 3 reminders now?" in text
    assert "5 people in this list can be reminded; up to 3 are sent at a time." in text


def test_a_send_too_long_for_one_goes_to_those_due_soonest_first(
    client, campaign, policy_admin, monkeypatch
):
    # The list is by name; a send that cannot take everyone takes the most pressing.
    monkeypatch.setattr("declarations.remindable.BULK_LIMIT", 2)
    for name, days in (("Ann Later", 9), ("Bea Latest", 12), ("Zoe Soonest", 1), ("Yan Next", 3)):
        ObligationFactory(
            campaign=campaign,
            user=UserFactory(full_name=name),
            due_at=campaign.due_at + timedelta(days=days),
        )
    client.force_login(policy_admin)
    response = client.post(
        reverse("declarations:remind_confirm", args=[campaign.pk]), {"scope": "everyone"}
    )
    chosen = [row.user.full_name for row in response.context["plan"].chosen]
    assert chosen == ["Zoe Soonest", "Yan Next"]
    assert "These are the 2 due soonest." in _page_text(response)


def _many(campaign, count: int) -> list[Obligation]:
    department = DepartmentFactory()
    return [
        ObligationFactory(campaign=campaign, user=UserFactory(department=department))
        for _ in range(count)
    ]


def test_the_confirmation_page_runs_a_fixed_number_of_queries(
    client, campaign, policy_admin, django_assert_num_queries
):
    _many(campaign, 2)
    OrganisationSettings.load()
    client.force_login(policy_admin)
    url = reverse("declarations:remind_confirm", args=[campaign.pk])
    client.post(url, {"scope": "everyone"})
    with CaptureQueriesContext(connection) as few:
        client.post(url, {"scope": "everyone"})
    _many(campaign, 60)
    with django_assert_num_queries(len(few)):
        response = client.post(url, {"scope": "everyone"})
    assert len(response.context["plan"].chosen) == 62


def test_sending_many_runs_a_fixed_number_of_queries(
    client, campaign, policy_admin, django_assert_num_queries
):
    OrganisationSettings.load()
    client.force_login(policy_admin)
    url = reverse("declarations:remind_send", args=[campaign.pk])
    client.post(url, {"obligation": [o.pk for o in _many(campaign, 2)]})
    rows = _many(campaign, 2)
    with CaptureQueriesContext(connection) as few:
        client.post(url, {"obligation": [o.pk for o in rows]})
    rows = _many(campaign, 60)
    with django_assert_num_queries(len(few)):
        client.post(url, {"obligation": [o.pk for o in rows]})
    assert (
        Notification.objects.filter(
            dedup_key__in=[remind_now_key(o.pk, timezone.localdate()) for o in rows]
        ).count()
        == 60
    )


def test_my_team_runs_a_fixed_number_of_queries_with_reminders_sent(
    client, campaign, bob, django_assert_num_queries
):
    def team_of(count: int) -> None:
        for _ in range(count):
            row = ObligationFactory(campaign=campaign, user=UserFactory(line_manager=bob))
            obligation_remind_now(obligation=row, by=bob)

    team_of(1)
    client.force_login(bob)
    client.get(reverse("declarations:my_team"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("declarations:my_team"))
    team_of(20)
    with django_assert_num_queries(len(few)):
        response = client.get(reverse("declarations:my_team"))
    assert response.text.count("Reminded today at") == 21


def test_the_obligation_page_runs_a_fixed_number_of_queries_with_reminders_by_hand(
    client, obligation, policy_admin, bob, monkeypatch, django_assert_num_queries
):
    now = timezone.now()
    obligation_remind_now(obligation=obligation, by=bob)
    client.force_login(policy_admin)
    url = reverse("declarations:obligation", args=[obligation.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for days in range(1, 11):
        monkeypatch.setattr(timezone, "now", lambda days=days: now + timedelta(days=days))
        obligation_remind_now(obligation=obligation, by=policy_admin)
    monkeypatch.undo()  # back to today, or the session would have run out
    with django_assert_num_queries(len(few)):
        response = client.get(url)
    assert _page_text(response).count("Reminder sent by Priya Policy") == 10


def test_a_closed_campaigns_list_offers_no_reminders(
    client, campaign, outstanding_list, policy_admin
):
    Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.CLOSED)
    client.force_login(policy_admin)
    text = client.get(reverse("declarations:report_outstanding", args=[campaign.pk])).text
    assert "Remind the people ticked" not in text
    assert 'aria-label="Remind Alice Staff"' not in text
