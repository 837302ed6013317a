"""Travel abroad with a work device: a member of staff tells Information Security at least 7
days before leaving (later is taken, flagged, with the reason); the helpdesk hears at once and
records its advice, which the traveller is emailed; the traveller gets the precautions. A
notice is its traveller's and the helpdesk's only."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from incidents.events import IncidentEvent
from incidents.models import TravelAdvice, TravelNotice
from incidents.services.travel import (
    is_short_notice,
    travel_advice_record,
    travel_notice_give,
    travel_precautions,
)
from incidents.tests.factories import TravelAdviceFactory, TravelNoticeFactory
from portal.models import AuditEvent, Notification, OrganisationSettings
from portal.roles import Role
from portal.testing.queries import LAYOUT_QUERIES
from portal.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _in(days: int) -> date:
    return timezone.localdate() + timedelta(days=days)


def _form(days: int = 21, **fields) -> dict:
    return {
        "destination": "Lyon, France",
        "departs_on": _in(days).isoformat(),
        "returns_on": _in(days + 4).isoformat(),
        "devices": "Work laptop L01234\nWork phone",
        **fields,
    }


@pytest.fixture
def org():
    org = OrganisationSettings.load()
    org.helpdesk_phone = "3344"
    org.out_of_hours_phone = "101"
    org.helpdesk_email = "itd.helpdesk@example.org"
    org.save()
    return org


# --- Telling ----------------------------------------------------------------------------------


def test_a_trip_told_in_time_reaches_the_helpdesk_and_the_traveller_gets_the_precautions(
    client, alice, helpdesk, org
):
    client.force_login(alice)

    page = client.post(reverse("incidents:travel_new"), _form(), follow=True)

    notice = TravelNotice.objects.get()
    assert page.redirect_chain[-1][0] == reverse("incidents:travel", args=[notice.pk])
    assert (notice.traveller, notice.short_notice, notice.short_notice_reason) == (alice, False, "")
    assert "Information Security has been told about your trip" in page.text
    assert "cryptographic items" in page.text
    to_helpdesk = Notification.objects.filter(dedup_key__startswith="travel-told:")
    assert {n.to_email for n in to_helpdesk} == {helpdesk.email, org.helpdesk_email}
    told = to_helpdesk.get(recipient=helpdesk)
    assert "Alice Staff" in told.body_text
    assert "Lyon, France" in told.body_text
    assert not told.subject.startswith("Short notice")
    assert told.url == reverse("incidents:travel", args=[notice.pk])
    [precautions] = Notification.objects.filter(dedup_key__startswith="travel-precautions:")
    assert precautions.recipient == alice
    for words in ("hand luggage", "screen cannot be read", "3344", "101"):
        assert words in precautions.body_text
    assert "encryption" in precautions.body_text
    [event] = AuditEvent.objects.filter(verb=IncidentEvent.TRAVEL_TOLD)
    assert event.actor == alice
    assert event.changes["short_notice"] is False
    assert page.headers["Cache-Control"].startswith("max-age=0")


def test_short_notice_is_refused_without_a_reason_and_keeps_what_was_typed(client, alice, helpdesk):
    client.force_login(alice)

    page = client.post(reverse("incidents:travel_new"), _form(days=6))

    assert page.status_code == 400
    assert "You leave in fewer than 7 days: say why you could not tell us sooner." in page.text
    assert "Lyon, France" in page.text
    assert "Work laptop L01234" in page.text
    assert not TravelNotice.objects.exists()
    assert not Notification.objects.exists()


def test_short_notice_with_a_reason_is_taken_and_flagged(client, alice, helpdesk):
    client.force_login(alice)

    client.post(
        reverse("incidents:travel_new"),
        _form(days=2, short_notice_reason="The conference place came up yesterday."),
    )

    notice = TravelNotice.objects.get()
    assert notice.short_notice
    assert notice.short_notice_reason == "The conference place came up yesterday."
    told = Notification.objects.get(recipient=helpdesk)
    assert told.subject.startswith("Short notice: ")
    assert "The conference place came up yesterday." in told.body_text


def test_a_reason_given_in_good_time_is_not_kept(alice):
    notice = travel_notice_give(
        destination="Oslo",
        departs_on=_in(10),
        returns_on=_in(12),
        devices="Phone",
        short_notice_reason="Just in case.",
        by=alice,
    )

    assert (notice.short_notice, notice.short_notice_reason) == (False, "")


@pytest.mark.parametrize(("days", "short"), [(0, True), (6, True), (7, False), (8, False)])
def test_seven_days_before_is_in_time_and_six_is_short(days, short):
    today = date(2026, 3, 10)
    assert is_short_notice(today + timedelta(days=days), today=today) is short


def test_the_week_is_counted_in_uk_days(alice, monkeypatch):
    # 23:30 UTC on 30 June is 00:30 on 1 July in the UK: leaving on 8 July is a week ahead.
    monkeypatch.setattr(timezone, "now", lambda: datetime(2026, 6, 30, 23, 30, tzinfo=UTC))

    notice = travel_notice_give(
        destination="Paris",
        departs_on=date(2026, 7, 8),
        returns_on=date(2026, 7, 9),
        devices="Laptop",
        by=alice,
    )
    assert not notice.short_notice
    with pytest.raises(ValidationError, match="fewer than 7 days"):
        travel_notice_give(
            destination="Paris",
            departs_on=date(2026, 7, 7),
            returns_on=date(2026, 7, 9),
            devices="Laptop",
            by=alice,
        )


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"departs_on": _in(-1).isoformat(), "short_notice_reason": "Forgot."},
            "The day you leave is in the past.",
        ),
        ({"returns_on": _in(20).isoformat()}, "The day you are back is before the day you leave."),
        ({"destination": ""}, "Say where you are going."),
        ({"departs_on": "31/02/2026"}, "Enter a real date"),
    ],
)
def test_a_trip_that_cannot_be_is_refused_with_what_to_fix(client, alice, fields, message):
    client.force_login(alice)

    page = client.post(reverse("incidents:travel_new"), _form(**fields))

    assert page.status_code == 400
    assert message in page.text
    assert not TravelNotice.objects.exists()


def test_the_service_refuses_a_past_departure_and_a_return_before_it(alice):
    with pytest.raises(ValidationError, match="in the past"):
        travel_notice_give(
            destination="Rome", departs_on=_in(-1), returns_on=_in(2), devices="Phone", by=alice
        )
    with pytest.raises(ValidationError, match="before the day you leave"):
        travel_notice_give(
            destination="Rome", departs_on=_in(20), returns_on=_in(19), devices="Phone", by=alice
        )


def test_a_helpdesk_member_going_abroad_is_not_sent_their_own_notice(helpdesk):
    colleague = UserFactory(roles=[Role.HELPDESK])

    travel_notice_give(
        destination="Dublin", departs_on=_in(30), returns_on=_in(31), devices="Phone", by=helpdesk
    )

    told = Notification.objects.filter(dedup_key__startswith="travel-told:")
    assert [n.recipient for n in told] == [colleague]


# --- Advice -----------------------------------------------------------------------------------


def test_the_helpdesk_records_advice_and_the_traveller_is_emailed_it(client, alice, helpdesk):
    notice = TravelNoticeFactory(traveller=alice)
    client.force_login(helpdesk)
    page = client.get(reverse("incidents:travel", args=[notice.pk]))
    assert "Your advice to the traveller" in page.text

    page = client.post(
        reverse("incidents:travel_advice", args=[notice.pk]),
        {"advice": "Take the loan laptop; France allows its encryption."},
        follow=True,
    )

    [given] = TravelAdvice.objects.filter(notice=notice)
    assert given.advice == "Take the loan laptop; France allows its encryption."
    assert given.advised_by == helpdesk
    assert "Your advice is recorded" in page.text
    [email] = Notification.objects.filter(dedup_key__startswith="travel-advice:")
    assert email.recipient == alice
    assert "Take the loan laptop" in email.body_text
    assert AuditEvent.objects.filter(verb=IncidentEvent.TRAVEL_ADVISED, actor=helpdesk).exists()
    client.force_login(alice)
    page = client.get(reverse("incidents:travel", args=[notice.pk]))
    assert "Take the loan laptop" in page.text
    assert "Your advice to the traveller" not in page.text


def test_advice_given_again_is_added_and_emailed_and_the_first_is_kept(client, alice, helpdesk):
    notice = TravelNoticeFactory(traveller=alice)
    client.force_login(helpdesk)
    advise = reverse("incidents:travel_advice", args=[notice.pk])

    client.post(advise, {"advice": "First: take the loan laptop."})
    client.post(advise, {"advice": "Second: the loan laptop is not needed after all."})

    first, second = TravelAdvice.objects.filter(notice=notice)
    assert first.advice == "First: take the loan laptop."
    assert second.advice == "Second: the loan laptop is not needed after all."
    sent = Notification.objects.filter(dedup_key__startswith="travel-advice:").order_by("pk")
    assert ["First:" in n.body_text for n in sent] == [True, False]
    assert ["Second:" in n.body_text for n in sent] == [False, True]
    client.force_login(alice)
    text = client.get(reverse("incidents:travel", args=[notice.pk])).text
    assert text.index("First: take") < text.index("Second: the loan")
    client.force_login(helpdesk)
    form = client.get(reverse("incidents:travel", args=[notice.pk])).text
    assert "Add more advice and email it" in form


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_advice_cannot_be_altered_or_deleted_even_in_bulk(helpdesk):
    given = TravelAdviceFactory(advised_by=helpdesk)

    for change in (
        lambda: TravelAdvice.objects.filter(pk=given.pk).update(advice="Changed."),
        lambda: TravelAdvice.objects.filter(pk=given.pk).delete(),
    ):
        with (
            pytest.raises(DatabaseError, match="travel advice cannot be changed"),
            transaction.atomic(),
        ):
            change()
    assert TravelAdvice.objects.get(pk=given.pk).advice == given.advice


def test_empty_advice_is_refused_on_the_page(client, alice, helpdesk):
    notice = TravelNoticeFactory(traveller=alice)
    client.force_login(helpdesk)

    page = client.post(reverse("incidents:travel_advice", args=[notice.pk]), {"advice": "  "})

    assert page.status_code == 400
    assert "Write the advice for the traveller." in page.text
    assert not Notification.objects.exists()


def test_a_helpdesk_member_does_not_advise_on_their_own_trip(client, helpdesk):
    notice = TravelNoticeFactory(traveller=helpdesk)
    client.force_login(helpdesk)

    page = client.post(reverse("incidents:travel_advice", args=[notice.pk]), {"advice": "Fine."})

    assert page.status_code == 403
    assert (
        "Your advice to the traveller"
        not in client.get(reverse("incidents:travel", args=[notice.pk])).text
    )
    with pytest.raises(ValidationError, match="Another member of the helpdesk"):
        travel_advice_record(notice=notice, advice="Fine.", by=helpdesk)


def test_only_the_helpdesk_records_advice_whoever_calls_the_service(alice, charlie, dpo):
    notice = TravelNoticeFactory(traveller=alice)

    for person in (charlie, dpo):
        with pytest.raises(ValidationError, match="Only Information Security"):
            travel_advice_record(notice=notice, advice="Go.", by=person)

    assert not AuditEvent.objects.filter(verb=IncidentEvent.TRAVEL_ADVISED).exists()
    assert not Notification.objects.filter(dedup_key__startswith="travel-advice:").exists()


# --- Access -----------------------------------------------------------------------------------


def test_another_persons_notice_is_not_found(client, alice, charlie, dpo):
    notice = TravelNoticeFactory(traveller=alice)
    for person in (charlie, dpo):
        client.force_login(person)
        assert client.get(reverse("incidents:travel", args=[notice.pk])).status_code == 404


def test_only_the_helpdesk_sees_upcoming_travel_and_advises(client, alice, helpdesk):
    notice = TravelNoticeFactory(traveller=alice)
    client.force_login(alice)
    assert client.get(reverse("incidents:travel_upcoming")).status_code == 403
    advise = reverse("incidents:travel_advice", args=[notice.pk])
    assert client.post(advise, {"advice": "Go."}).status_code == 403
    client.force_login(helpdesk)
    assert client.get(reverse("incidents:travel_upcoming")).status_code == 200
    assert client.get(advise).status_code == 405


def test_the_dashboard_offers_travel_to_everyone_and_the_menu_upcoming_travel_to_the_helpdesk(
    client, alice, helpdesk
):
    client.force_login(alice)
    dashboard = client.get(reverse("portal:dashboard")).text
    assert f'href="{reverse("incidents:travel_new")}"' in dashboard
    page = client.get(reverse("incidents:travel_mine"))
    assert reverse("incidents:travel_upcoming") not in page.text
    client.force_login(helpdesk)
    page = client.get(reverse("incidents:travel_mine"))
    assert reverse("incidents:travel_upcoming") in page.text


# --- Lists ------------------------------------------------------------------------------------


def test_upcoming_travel_lists_trips_not_over_soonest_first_flagging_short_notice(client, helpdesk):
    over = TravelNoticeFactory(destination="Madrid", departs_on=_in(-10), returns_on=_in(-2))
    away = TravelNoticeFactory(destination="Berlin", departs_on=_in(-2), returns_on=_in(3))
    soon = TravelNoticeFactory(
        destination="Vienna",
        departs_on=_in(3),
        short_notice=True,
        short_notice_reason="Family emergency.",
    )
    later = TravelNoticeFactory(destination="Lisbon", departs_on=_in(40))
    client.force_login(helpdesk)

    page = client.get(reverse("incidents:travel_upcoming"))

    text = page.text
    assert over.destination not in text
    assert text.index(away.destination) < text.index(soon.destination)
    assert text.index(soon.destination) < text.index(later.destination)
    assert text.count("Short notice</span>") == 1
    assert "Away now" in text


def test_an_empty_list_says_so(client, alice, helpdesk):
    client.force_login(helpdesk)
    assert (
        "Nobody has told you of a trip coming up."
        in client.get(reverse("incidents:travel_upcoming")).text
    )
    client.force_login(alice)
    assert (
        "You have not told us about any trips." in client.get(reverse("incidents:travel_mine")).text
    )


# The page of trips and its count (the paginator).
LIST = 2


@pytest.mark.parametrize(("url_name", "owner"), [("travel_upcoming", False), ("travel_mine", True)])
def test_the_travel_lists_cost_the_same_with_one_trip_as_with_many(
    client, alice, helpdesk, django_assert_num_queries, url_name, owner
):
    viewer = alice if owner else helpdesk
    url = reverse(f"incidents:{url_name}")
    client.force_login(viewer)

    def trips(count: int) -> None:
        for _ in range(count):
            TravelAdviceFactory(
                notice=TravelNoticeFactory(traveller=alice if owner else UserFactory()),
                advised_by=helpdesk,
            )

    trips(1)
    client.get(url)
    with django_assert_num_queries(LAYOUT_QUERIES + LIST):
        client.get(url)
    trips(60)  # more than a page
    with django_assert_num_queries(LAYOUT_QUERIES + LIST):
        page = client.get(url)
    assert page.status_code == 200
    assert "Page 1 of 2" in page.text


def test_the_page_and_the_email_give_the_same_precautions_with_the_helpdesk_numbers(client, alice):
    org = OrganisationSettings.load()
    org.helpdesk_phone, org.out_of_hours_phone = "01234 567890", "07700 900123"
    org.save()
    client.force_login(alice)
    page = client.post(reverse("incidents:travel_new"), _form(), follow=True)

    steps = travel_precautions(org)
    [email] = Notification.objects.filter(dedup_key__startswith="travel-precautions:")
    mine = client.get(reverse("incidents:travel_mine")).text
    for step in steps:
        for text in (page.text, mine, email.body_html):
            assert escape(step.lead) in text
            assert escape(step.rest) in text
        assert f"- {step.lead}{step.rest}" in email.body_text
    assert "on 01234 567890, or out of hours 07700 900123" in steps[-1].rest
