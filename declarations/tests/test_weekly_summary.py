"""The weekly summary for leaders: sent each Monday at 08:00 UK time while a campaign is open,
once per week, to the people named on it who still have an account, with the report's figures."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from declarations.models import CampaignSummary
from declarations.outbox import summary_key
from declarations.services.campaigns import campaign_close
from declarations.services.summaries import (
    campaign_summaries_send,
    campaign_summary_recipients_set,
    next_summary_at,
    summary_slot,
    summary_week,
)
from declarations.tasks import campaign_summaries_send_task
from declarations.tests.factories import (
    CampaignFactory,
    DeclarationFactory,
    ObligationFactory,
    PolicyFactory,
    PolicyVersionFactory,
)
from portal.lib.uktime import long_datetime
from portal.models import AuditEvent, Notification
from portal.roles import Role
from portal.testing.queries import LAYOUT_QUERIES
from portal.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _uk(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


@pytest.fixture
def monday() -> date:
    """The next Monday: the summaries below are sent then, whatever day the tests run."""
    today = timezone.localdate()
    return today + timedelta(days=7 - today.weekday())


@pytest.fixture
def leaders():
    return [
        UserFactory(full_name="Constance Chief", email="chief@example.org"),
        UserFactory(full_name="Dev Deputy", email="deputy@example.org"),
    ]


@pytest.fixture
def campaign(monday, leaders, alice, bob, charlie):
    """Opened on the Tuesday before Monday (after the previous Monday's summary time), due three
    weeks after it: alice signed, bob and charlie still to sign."""
    policy = PolicyFactory(title="IT and social media")
    campaign = CampaignFactory(
        open=True,
        name="Annual declaration 2026",
        opens_at=_uk(monday, 9) - timedelta(days=6),
        due_at=_uk(monday, 23, 59) + timedelta(days=21),
        versions=[PolicyVersionFactory(policy=policy, label="4.0", published=True)],
    )
    campaign.summary_recipients.set(leaders)
    DeclarationFactory(obligation=ObligationFactory(campaign=campaign, user=alice))
    ObligationFactory(campaign=campaign, user=bob, due_at=campaign.due_at)
    ObligationFactory(campaign=campaign, user=charlie, due_at=campaign.due_at)
    return campaign


def _summaries():
    return Notification.objects.filter(dedup_key__startswith="decl-summary:").order_by("pk")


def test_the_slot_is_monday_at_eight_uk_time_in_winter_and_in_summer(monday):
    assert summary_slot(_uk(monday, 8)) == _uk(monday, 8)
    assert summary_slot(_uk(monday, 7, 59)) == _uk(monday - timedelta(days=7), 8)
    assert summary_slot(_uk(monday + timedelta(days=6), 23)) == _uk(monday, 8)
    # The Monday after the clocks go forward (29 March 2026): 08:00 BST is 07:00 UTC.
    spring = summary_slot(_uk(date(2026, 3, 31), 12))
    assert spring == datetime(2026, 3, 30, 7, 0, tzinfo=UTC)
    assert summary_slot(_uk(date(2026, 12, 1), 12)) == datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
    assert summary_week(_uk(date(2026, 12, 28), 8)) == "2026-W53"
    assert summary_week(_uk(date(2027, 1, 4), 8)) == "2027-W01"


def test_each_named_person_gets_the_week_s_summary_once(campaign, monday, leaders):
    assert campaign_summaries_send(now=_uk(monday, 7, 59)) == 0
    assert campaign_summaries_send(now=_uk(monday, 8, 5)) == 2
    # Run again the same minute, later that day, and on Friday: nothing more.
    assert campaign_summaries_send(now=_uk(monday, 8, 5)) == 0
    assert campaign_summaries_send(now=_uk(monday, 17)) == 0
    assert campaign_summaries_send(now=_uk(monday + timedelta(days=4), 9)) == 0

    week = summary_week(_uk(monday, 8))
    sent = list(_summaries())
    assert [n.recipient for n in sent] == leaders
    assert [n.dedup_key for n in sent] == [summary_key(campaign.pk, week, p.pk) for p in leaders]
    assert CampaignSummary.objects.get(campaign=campaign).week == week
    event = AuditEvent.objects.get(verb="campaign.summary_sent", object_id=str(campaign.pk))
    assert event.changes["recipients"] == ["chief@example.org", "deputy@example.org"]
    assert (event.changes["asked"], event.changes["signed"]) == (3, 1)


def test_the_email_gives_the_figures_the_due_date_and_the_report_and_names_nobody(
    campaign, monday, leaders
):
    leaders[0].groups.add(Group.objects.get_or_create(name=Role.POLICY_ADMIN)[0])
    campaign_summaries_send(now=_uk(monday, 8, 5))
    email, other = _summaries()
    assert email.subject == "Weekly summary: Annual declaration 2026 is 33% signed"
    text = " ".join(email.body_text.split())
    assert "33% complete: 1 of 3 people asked have signed" in text
    assert "- Signed on time: 1" in email.body_text
    assert "- Not signed yet: 2" in email.body_text
    assert "IT and social media (version 4.0)" in text
    assert f"Everyone is due to sign by {long_datetime(campaign.due_at)} (UK time)" in text
    assert reverse("declarations:report", args=[campaign.pk]) in email.body_text
    assert email.url == reverse("declarations:report", args=[campaign.pk])
    assert "Open the compliance report" in email.body_html
    # A leader who is not a policy administrator is not sent to a page that would refuse them.
    assert other.url == ""
    assert "/reports/" not in other.body_text + other.body_html
    assert "ask them for it, or for its PDF" in " ".join(other.body_text.split())
    assert "- Not signed yet: 2" in other.body_text
    # Figures only: no one who has or has not signed is named.
    for name in ("Alice Staff", "Bob Manager", "Charlie Outsider"):
        assert name not in email.body_text
        assert name not in email.body_html


def test_the_next_week_s_summary_says_what_changed(campaign, monday, bob):
    campaign_summaries_send(now=_uk(monday, 8, 5))
    DeclarationFactory(obligation=bob.declaration_obligations.get(campaign=campaign))
    next_monday = monday + timedelta(days=7)
    assert campaign_summaries_send(now=_uk(next_monday, 8, 1)) == 2
    latest = _summaries().last()
    assert summary_week(_uk(next_monday, 8)) in latest.dedup_key
    assert "66% complete: 2 of 3 people asked have signed (33% in the summary of" in " ".join(
        latest.body_text.split()
    )
    assert "- Signed on time: 2 (+1 since last week)" in latest.body_text
    assert "- Not signed yet: 1 (−1 since last week)" in latest.body_text
    assert "- Asked: 3 (no change since last week)" in latest.body_text


def test_a_sweep_back_after_days_away_sends_the_week_s_summary_once_and_skips_missed_weeks(
    campaign, monday
):
    # Down from before Monday until Wednesday of the week after: one summary, that week's.
    later = monday + timedelta(days=9)
    assert campaign_summaries_send(now=_uk(later, 10)) == 2
    assert campaign_summaries_send(now=_uk(later, 11)) == 0
    assert CampaignSummary.objects.get().week == summary_week(_uk(monday + timedelta(days=7), 8))


def test_nothing_is_sent_once_the_campaign_is_closed(campaign, monday, policy_admin):
    closed = campaign_close(campaign=campaign, by=policy_admin, reason="Done")
    assert campaign_summaries_send(now=_uk(monday, 8, 5)) == 0
    assert not _summaries().exists()
    assert next_summary_at(closed, timezone.now()) is None


def test_a_campaign_opened_after_monday_s_slot_waits_for_the_next_monday(monday, leaders):
    late = CampaignFactory(
        open=True, opens_at=_uk(monday, 10), due_at=_uk(monday, 9) + timedelta(days=30)
    )
    late.summary_recipients.set(leaders)
    assert campaign_summaries_send(now=_uk(monday + timedelta(days=1), 8)) == 0
    assert next_summary_at(late, _uk(monday, 12)) == _uk(monday + timedelta(days=7), 8)
    assert campaign_summaries_send(now=_uk(monday + timedelta(days=7), 8)) == 2


def test_people_whose_account_is_closed_are_skipped(campaign, monday, leaders):
    chief, deputy = leaders
    deputy.is_active = False
    deputy.save()
    assert campaign_summaries_send(now=_uk(monday, 8, 5)) == 1
    assert [n.recipient for n in _summaries()] == [chief]


def test_only_the_people_named_on_the_campaign_receive_it(campaign, monday, policy_admin):
    other = CampaignFactory(open=True, opens_at=campaign.opens_at)
    assert campaign_summaries_send(now=_uk(monday, 8, 5)) == 2
    recipients = {n.recipient.email for n in _summaries()}
    assert recipients == {"chief@example.org", "deputy@example.org"}
    assert not CampaignSummary.objects.filter(campaign=other).exists()


def test_the_beat_task_runs_the_sweep_for_now(campaign):
    due = campaign.opened_at <= summary_slot(timezone.now())
    assert campaign_summaries_send_task() == (2 if due else 0)
    assert campaign_summaries_send_task() == 0


def test_naming_the_recipients_is_on_the_record(campaign, leaders, policy_admin):
    chief, deputy = leaders
    newcomer = UserFactory(email="acc@example.org")
    campaign_summary_recipients_set(
        campaign=campaign, recipients=[chief, newcomer], by=policy_admin
    )
    assert set(campaign.summary_recipients.all()) == {chief, newcomer}
    event = AuditEvent.objects.get(verb="campaign.summary_recipients_changed")
    assert event.changes["added"] == ["acc@example.org"]
    assert event.changes["removed"] == ["deputy@example.org"]
    assert event.actor == policy_admin
    # The same people again changes nothing and records nothing.
    campaign_summary_recipients_set(
        campaign=campaign, recipients=[newcomer, chief], by=policy_admin
    )
    assert AuditEvent.objects.filter(verb="campaign.summary_recipients_changed").count() == 1


def test_a_closed_account_cannot_be_named(campaign, policy_admin):
    gone = UserFactory(email="gone@example.org", is_active=False)
    with pytest.raises(ValidationError, match="gone@example.org"):
        campaign_summary_recipients_set(campaign=campaign, recipients=[gone], by=policy_admin)


# The page a policy administrator names them on.


def _page(campaign):
    return reverse("declarations:campaign_summary", args=[campaign.pk])


def test_the_campaign_page_says_who_gets_the_summary_and_when(client, policy_admin, campaign):
    client.force_login(policy_admin)
    response = client.get(reverse("declarations:campaign", args=[campaign.pk]))
    text = " ".join(response.text.split())
    assert "Weekly summary for leaders" in text
    assert "every Monday at 08:00 (UK time) while the campaign is open, to: " in text
    assert "to: Constance Chief, Dev Deputy." in text
    expected = next_summary_at(campaign, timezone.now())
    assert f"The next goes out on {long_datetime(expected)}." in text
    assert _page(campaign) in response.text


def test_an_administrator_names_the_recipients_by_email(client, policy_admin, campaign, leaders):
    newcomer = UserFactory(full_name="Ada Assistant", email="acc@example.org")
    client.force_login(policy_admin)
    page = client.get(_page(campaign))
    assert "chief@example.org\ndeputy@example.org" in page.text
    response = client.post(_page(campaign), {"recipients": "Chief@Example.org, acc@example.org"})
    assert response.status_code == 302
    assert set(campaign.summary_recipients.all()) == {leaders[0], newcomer}
    assert AuditEvent.objects.filter(
        verb="campaign.summary_recipients_changed", actor=policy_admin
    ).exists()


def test_an_unknown_or_closed_address_is_refused_with_what_was_typed(
    client, policy_admin, campaign
):
    UserFactory(email="gone@example.org", is_active=False)
    client.force_login(policy_admin)
    typed = "chief@example.org\nnobody@example.org"
    response = client.post(_page(campaign), {"recipients": typed})
    assert response.status_code == 200
    assert "Nobody in the portal has the email address nobody@example.org" in response.text
    assert "There is a problem" in response.text
    assert typed in response.text
    closed = client.post(_page(campaign), {"recipients": "gone@example.org"})
    assert "The account of gone@example.org is closed" in closed.text
    assert campaign.summary_recipients.count() == 2


def test_emptying_the_list_stops_the_summary(client, policy_admin, campaign, monday):
    client.force_login(policy_admin)
    assert client.post(_page(campaign), {"recipients": ""}).status_code == 302
    assert not campaign.summary_recipients.exists()
    assert campaign_summaries_send(now=_uk(monday, 8, 5)) == 0


def test_the_search_finds_active_people_by_name_or_email(client, policy_admin, campaign):
    UserFactory(full_name="Gwen Gone", email="gwen@example.org", is_active=False)
    client.force_login(policy_admin)
    found = client.get(_page(campaign), {"q": "constance"})
    assert "chief@example.org" in found.text
    gone = client.get(_page(campaign), {"q": "gwen"})
    assert "gwen@example.org" not in gone.text
    assert "Nobody with an open account matches" in gone.text


@pytest.mark.parametrize("who", ["alice", "bob", "dpo"])
def test_only_policy_administrators_choose_the_recipients(client, campaign, who, request):
    client.force_login(request.getfixturevalue(who))
    assert client.get(_page(campaign)).status_code == 403
    assert client.post(_page(campaign), {"recipients": ""}).status_code == 403
    assert campaign.summary_recipients.count() == 2


def test_the_page_of_a_campaign_that_does_not_exist_is_404(client, policy_admin):
    client.force_login(policy_admin)
    url = reverse("declarations:campaign_summary", args=[999999])
    assert client.get(url).status_code == 404


def test_the_recipients_page_costs_the_same_however_many_are_named_or_found(
    client, policy_admin, campaign, django_assert_num_queries
):
    client.force_login(policy_admin)
    url = _page(campaign)
    client.get(url)  # the first request of a session stamps it
    # Campaign, who is named, who matches the search: the same with two named as with twenty.
    with django_assert_num_queries(LAYOUT_QUERIES + 3):
        client.get(url, {"q": "finder"})
    many = [UserFactory(full_name=f"Finder {n:02d}") for n in range(18)]
    campaign.summary_recipients.add(*many)
    with django_assert_num_queries(LAYOUT_QUERIES + 3):
        page = client.get(url, {"q": "finder"}).text
    assert page.count("<li>Finder ") == 10  # the search lists ten at most
