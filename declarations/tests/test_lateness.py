"""A signature after the person's own due date is late, by one definition (the model's), and
says so, with how late, wherever the signature is shown: the record, the receipt page and email,
My team, the report and its CSV."""

import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from declarations.models import (
    Declaration,
    Obligation,
    lateness_text,
    signed_late,
    signed_late_by,
)
from declarations.services.signing import declaration_sign
from declarations.tests.factories import (
    CampaignFactory,
    DeclarationFactory,
    ObligationFactory,
    PolicyVersionFactory,
    every_version,
)
from portal.models import Notification
from portal.tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign():
    now = timezone.now()
    return CampaignFactory(
        open=True,
        audience_all=False,
        name="Annual declaration 2026",
        opens_at=now - timedelta(days=30),
        due_at=now + timedelta(days=5),
        versions=[PolicyVersionFactory(published=True)],
    )


def _signed(campaign, user, *, due_at, signed_at) -> Declaration:
    obligation = ObligationFactory(campaign=campaign, user=user, due_at=due_at)
    return DeclarationFactory(obligation=obligation, signed_at=signed_at)


@pytest.mark.parametrize(
    ("late_by", "words"),
    [
        (None, ""),
        (timedelta(0), ""),
        (timedelta(seconds=20), "less than a minute late"),
        (timedelta(minutes=1), "1 minute late"),
        (timedelta(minutes=59, seconds=59), "59 minutes late"),
        (timedelta(hours=5, minutes=40), "5 hours late"),
        (timedelta(days=1), "1 day late"),
        (timedelta(days=3, hours=23), "3 days late"),
    ],
)
def test_how_late_reads_in_plain_words_in_the_largest_whole_unit(late_by, words):
    assert lateness_text(late_by) == words


def test_signing_at_the_due_instant_is_on_time_and_a_second_after_is_late():
    due = timezone.now()
    assert signed_late_by(due, due) is None
    assert signed_late_by(due, due - timedelta(days=1)) is None
    assert signed_late_by(due, None) is None
    assert signed_late_by(due, due + timedelta(seconds=1)) == timedelta(seconds=1)


def test_the_database_counts_late_exactly_as_the_model_judges_it(campaign, alice, bob, charlie):
    due = timezone.now() - timedelta(days=2)
    on_the_dot = _signed(campaign, alice, due_at=due, signed_at=due)
    early = _signed(campaign, bob, due_at=due, signed_at=due - timedelta(hours=1))
    late = _signed(campaign, charlie, due_at=due, signed_at=due + timedelta(hours=5))
    assert [d.is_late for d in (on_the_dot, early, late)] == [False, False, True]
    assert late.lateness == "5 hours late"
    assert list(Obligation.objects.filter(signed_late())) == [late.obligation]


def test_a_new_starters_own_later_due_date_is_the_one_that_counts(campaign, alice):
    # The campaign's due date has passed, but theirs has not.
    own_due = campaign.due_at + timedelta(days=14)
    declaration = _signed(
        campaign, alice, due_at=own_due, signed_at=campaign.due_at + timedelta(days=1)
    )
    assert not declaration.is_late


def test_a_late_signature_is_marked_on_the_record_the_receipt_and_the_receipt_email(
    client, campaign, alice, django_capture_on_commit_callbacks, mailoutbox
):
    obligation = ObligationFactory(
        campaign=campaign, user=alice, due_at=timezone.now() - timedelta(days=3, hours=2)
    )
    with django_capture_on_commit_callbacks(execute=True):
        declaration = declaration_sign(
            obligation=obligation,
            by=alice,
            typed_name=alice.full_name,
            read=every_version(obligation),
            password=TEST_PASSWORD,
        )
    email = Notification.objects.get(dedup_key=f"decl-receipt:{declaration.pk}")
    assert "signed late, 3 days late" in email.body_text
    assert "signed late, 3 days late" in email.body_html
    assert "signed late, 3 days late" in mailoutbox[0].body

    client.force_login(alice)
    receipt = client.get(reverse("declarations:receipt", args=[declaration.pk]))
    assert "Signed late: 3 days late." in receipt.text
    record = client.get(reverse("declarations:record", args=[declaration.pk]))
    assert "signed late, 3 days late" in record.text


def test_an_on_time_signature_says_so_and_says_nothing_of_lateness(
    client, campaign, alice, django_capture_on_commit_callbacks
):
    obligation = ObligationFactory(campaign=campaign, user=alice)
    with django_capture_on_commit_callbacks(execute=True):
        declaration = declaration_sign(
            obligation=obligation,
            by=alice,
            typed_name=alice.full_name,
            read=every_version(obligation),
            password=TEST_PASSWORD,
        )
    email = Notification.objects.get(dedup_key=f"decl-receipt:{declaration.pk}")
    assert "signed on time" in email.body_text
    assert " late" not in email.body_text
    client.force_login(alice)
    receipt = client.get(reverse("declarations:receipt", args=[declaration.pk]))
    assert "Signed late" not in receipt.text
    record = client.get(reverse("declarations:record", args=[declaration.pk]))
    assert "signed on time" in record.text
    assert "signed late" not in record.text


def test_my_team_and_the_obligation_page_show_how_late_a_signature_was(
    client, campaign, policy_admin, alice, bob
):
    now = timezone.now()
    late = _signed(
        campaign, alice, due_at=now - timedelta(days=4), signed_at=now - timedelta(days=1)
    )
    client.force_login(bob)
    team = client.get(reverse("declarations:my_team"))
    assert "Signed, <strong>3 days late</strong>" in team.text
    client.force_login(policy_admin)
    page = client.get(reverse("declarations:obligation", args=[late.obligation_id]))
    assert "<strong>3 days late</strong>" in page.text


def test_the_report_counts_on_time_and_late_apart_and_the_csv_says_how_late(
    client, campaign, policy_admin, alice, bob, charlie
):
    now = timezone.now()
    _signed(campaign, alice, due_at=now - timedelta(days=2), signed_at=now - timedelta(hours=43))
    _signed(campaign, bob, due_at=campaign.due_at, signed_at=now)
    ObligationFactory(campaign=campaign, user=charlie)
    client.force_login(policy_admin)

    report = client.get(reverse("declarations:report", args=[campaign.pk]))
    overall = report.context["overall"]
    assert (overall.signed, overall.signed_on_time, overall.signed_late) == (2, 1, 1)
    text = " ".join(report.text.split())
    assert 'Signed on time</dt><dd class="col-sm-9">1</dd>' in text
    assert 'Signed late</dt><dd class="col-sm-9">1 (after their own due date)' in text

    export = client.get(reverse("declarations:report_export", args=[campaign.pk]))
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig"))))
    by_name = {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    assert (by_name["Alice Staff"]["Signed late"], by_name["Alice Staff"]["How late"]) == (
        "Yes",
        "5 hours late",
    )
    assert (by_name["Bob Manager"]["Signed late"], by_name["Bob Manager"]["How late"]) == (
        "No",
        "",
    )
    # Not signed: neither on time nor late.
    assert (
        by_name["Charlie Outsider"]["Signed late"],
        by_name["Charlie Outsider"]["How late"],
    ) == (
        "",
        "",
    )


def test_my_team_still_runs_a_fixed_number_of_queries_with_late_signatures(
    client, campaign, bob, django_assert_num_queries
):
    now = timezone.now()

    def team_of(count: int) -> None:
        for _ in range(count):
            _signed(
                campaign,
                UserFactory(line_manager=bob),
                due_at=now - timedelta(days=2),
                signed_at=now,
            )

    team_of(1)
    client.force_login(bob)
    client.get(reverse("declarations:my_team"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("declarations:my_team"))
    team_of(20)
    with django_assert_num_queries(len(few)):
        response = client.get(reverse("declarations:my_team"))
    assert response.text.count("2 days late") == 21
