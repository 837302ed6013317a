"""Evidence of reading: the signing page records when each policy version was first opened and
adds up the seconds its script says it was on screen, capped; "I have read" is ticked for each
policy; the declaration keeps it all, and the record and receipt say it in plain words."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from declarations.events import DeclarationEvent
from declarations.models import Declaration, ReadingRecord
from declarations.services.reading import HEARTBEAT_CAP, heartbeat_credit
from declarations.tests.factories import (
    CampaignFactory,
    ObligationFactory,
    PolicyVersionFactory,
    ticks,
)
from portal.models import AuditEvent, Notification
from portal.testing.queries import LAYOUT_QUERIES
from portal.tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def versions():
    return [
        PolicyVersionFactory(published=True, policy__title="IT and social media", label="4.0"),
        PolicyVersionFactory(published=True, policy__title="Clear desk", label="2.1"),
    ]


@pytest.fixture
def obligation(alice, versions):
    return ObligationFactory(user=alice, campaign=CampaignFactory(open=True, versions=versions))


def _sign_url(obligation):
    return reverse("declarations:sign", args=[obligation.pk])


def _beat(client, obligation, **seconds):
    url = reverse("declarations:reading_heartbeat", args=[obligation.pk])
    return client.post(url, seconds)


def _age(obligation, seconds):
    """As if every policy had been opened `seconds` ago and not beaten since."""
    earlier = timezone.now() - timedelta(seconds=seconds)
    ReadingRecord.objects.filter(obligation=obligation).update(
        first_opened_at=earlier, last_heartbeat_at=None
    )


def test_opening_the_signing_page_records_each_version_once(client, alice, obligation, versions):
    client.force_login(alice)
    client.get(_sign_url(obligation))
    first = {r.version_id: r.first_opened_at for r in ReadingRecord.objects.all()}
    assert set(first) == {v.pk for v in versions}
    page = client.get(_sign_url(obligation))
    again = {r.version_id: r.first_opened_at for r in ReadingRecord.objects.all()}
    assert again == first
    assert "You first opened it on" in page.text
    (event,) = AuditEvent.objects.filter(verb=DeclarationEvent.READING_OPENED)
    assert event.actor == alice
    assert sorted(event.changes["versions"]) == ["Clear desk 2.1", "IT and social media 4.0"]


def test_a_heartbeat_adds_the_seconds_claimed_up_to_the_time_passed_and_the_cap(
    client, alice, obligation, versions
):
    client.force_login(alice)
    client.get(_sign_url(obligation))
    _age(obligation, 60)
    first, second = versions
    answer = _beat(client, obligation, **{f"v{first.pk}": "15", f"v{second.pk}": "9999"})
    assert answer.status_code == 204
    seconds = {r.version_id: r.seconds_on_screen for r in ReadingRecord.objects.all()}
    assert seconds == {first.pk: 15, second.pk: HEARTBEAT_CAP}
    # Straight after, a beat claims 15 seconds but only a second or so has passed.
    _beat(client, obligation, **{f"v{first.pk}": "15"})
    assert ReadingRecord.objects.get(version=first).seconds_on_screen <= 17


def test_heartbeat_credit_is_never_more_than_the_cap_or_the_time_since_the_last():
    now = timezone.now()
    assert heartbeat_credit(10, now - timedelta(seconds=60), now) == 10
    assert heartbeat_credit(10_000, now - timedelta(hours=5), now) == HEARTBEAT_CAP
    assert heartbeat_credit(15, now - timedelta(seconds=3), now) == 4
    assert heartbeat_credit(15, now + timedelta(seconds=30), now) == 0


def test_a_heartbeat_for_a_version_not_opened_or_with_nonsense_adds_nothing(
    client, alice, obligation, versions
):
    client.force_login(alice)
    client.get(_sign_url(obligation))
    _age(obligation, 60)
    other = PolicyVersionFactory(published=True)
    assert _beat(client, obligation, **{f"v{other.pk}": "10"}).status_code == 204
    assert _beat(client, obligation, v="10", **{f"v{versions[0].pk}": "-3"}).status_code == 400
    assert _beat(client, obligation, **{"v9999999999999": "10"}).status_code == 400
    assert sum(r.seconds_on_screen for r in ReadingRecord.objects.all()) == 0


def test_the_first_tick_the_script_reports_is_the_time_kept_at_signing(
    client, alice, obligation, versions
):
    client.force_login(alice)
    client.get(_sign_url(obligation))
    first, second = versions
    assert _beat(client, obligation, **{f"t{first.pk}": "1"}).status_code == 204
    ticked_at = ReadingRecord.objects.get(version=first).read_ticked_at
    assert ticked_at is not None
    _beat(client, obligation, **{f"t{first.pk}": "1"})  # ticked again later: the first stands
    assert ReadingRecord.objects.get(version=first).read_ticked_at == ticked_at
    client.post(
        _sign_url(obligation),
        {"typed_name": "Alice Staff", "password": TEST_PASSWORD, **ticks(obligation)},
    )
    declaration = Declaration.objects.get()
    evidence = {e["id"]: e for e in declaration.reading_evidence}
    assert evidence[first.pk]["read_ticked_at"] == ticked_at.isoformat()
    # No script reported the second tick: it was sent with the signature.
    assert evidence[second.pk]["read_ticked_at"] == declaration.signed_at.isoformat()


def test_someone_elses_heartbeat_is_a_404_and_changes_nothing(client, bob, obligation, versions):
    client.force_login(bob)
    assert _beat(client, obligation, **{f"v{versions[0].pk}": "10"}).status_code == 404
    assert (
        client.get(reverse("declarations:reading_heartbeat", args=[obligation.pk])).status_code
        == 405
    )


def test_signing_needs_every_policy_ticked_and_names_the_one_left(
    client, alice, obligation, versions
):
    client.force_login(alice)
    first, second = versions
    answer = client.post(
        _sign_url(obligation),
        {"typed_name": "Alice Staff", "password": TEST_PASSWORD, f"read_{first.pk}": "on"},
    )
    assert answer.status_code == 400
    assert "Tick “I have read” for Clear desk, version 2.1 once you have read it." in answer.text
    assert "There is a problem" in answer.text
    # What was ticked stays ticked; the other is not.
    assert re.search(rf'<input[^>]*name="read_{first.pk}"[^>]*checked', answer.text)
    assert not re.search(rf'<input[^>]*name="read_{second.pk}"[^>]*checked', answer.text)
    assert not Declaration.objects.exists()


def test_the_declaration_keeps_the_reading_evidence_and_the_record_and_receipt_say_it(
    client, alice, obligation, versions, django_capture_on_commit_callbacks
):
    client.force_login(alice)
    client.get(_sign_url(obligation))
    _age(obligation, 300)
    first, second = versions
    _beat(client, obligation, **{f"v{first.pk}": "15"})
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(
            _sign_url(obligation),
            {"typed_name": "Alice Staff", "password": TEST_PASSWORD, **ticks(obligation)},
        )
    assert answer.status_code == 302
    declaration = Declaration.objects.get()
    evidence = {e["id"]: e for e in declaration.reading_evidence}
    assert evidence[first.pk]["seconds_on_screen"] == 15
    # No heartbeat for the second: its time was not measured, which is not the same as none.
    assert evidence[second.pk]["seconds_on_screen"] is None
    assert evidence[first.pk]["read_ticked_at"] == declaration.signed_at.isoformat()
    assert evidence[first.pk]["first_opened_at"]
    signed = AuditEvent.objects.get(verb=DeclarationEvent.DECLARATION_SIGNED)
    assert signed.changes["reading"] == declaration.reading_evidence

    record = client.get(reverse("declarations:record", args=[declaration.pk])).text
    assert "Evidence of reading" in record
    assert "15 seconds" in record
    assert "not measured (the page's script did not run)" in record
    receipt = Notification.objects.get(dedup_key=f"decl-receipt:{declaration.pk}")
    assert "on your screen for 15 seconds" in receipt.body_text
    assert "on your screen for (not measured)" in receipt.body_text
    assert 'you ticked "I have read" at' in receipt.body_text
    # Nothing more is added once signed.
    _age(obligation, 60)
    _beat(client, obligation, **{f"v{first.pk}": "15"})
    assert ReadingRecord.objects.get(version=first).seconds_on_screen == 15


def test_a_declaration_from_before_reading_was_recorded_says_so(client, alice):
    from declarations.tests.factories import DeclarationFactory

    declaration = DeclarationFactory(obligation=ObligationFactory(user=alice))
    client.force_login(alice)
    record = client.get(reverse("declarations:record", args=[declaration.pk])).text
    assert "Not recorded: this declaration was signed before" in record


def test_the_signing_page_runs_a_fixed_number_of_queries(client, alice, django_assert_num_queries):
    many = [PolicyVersionFactory(published=True) for _ in range(8)]
    obligation = ObligationFactory(user=alice, campaign=CampaignFactory(open=True, versions=many))
    client.force_login(alice)
    url = _sign_url(obligation)
    client.get(url)
    # The obligation, its versions, its questions, the reading rows (a savepoint, an insert
    # that adds none when all exist, the rows read back, the release), the extra statements.
    with django_assert_num_queries(LAYOUT_QUERIES + 8):
        page = client.get(url)
    assert page.text.count('form="sign-form"') == 8
    assert 'data-reading-url="' in page.text


def test_the_administrator_sees_which_policies_a_person_has_opened(
    client, alice, policy_admin, obligation, versions
):
    client.force_login(alice)
    client.get(_sign_url(obligation))
    _age(obligation, 600)
    _beat(client, obligation, **{f"v{versions[0].pk}": "20"})
    client.force_login(policy_admin)
    page = client.get(reverse("declarations:obligation", args=[obligation.pk])).text
    assert "IT and social media, version 4.0: first opened" in page
    assert "on screen 20 seconds" in page
    assert "on screen not measured" in page
