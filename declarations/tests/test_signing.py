import pytest
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from declarations.models import Declaration, Obligation
from declarations.services.signing import (
    MAX_REFUSALS,
    SignatureRefused,
    declaration_sign,
    names_match,
)
from declarations.tests.factories import (
    CampaignFactory,
    DeclarationFactory,
    ExtraStatementFactory,
    ObligationFactory,
    PolicyVersionFactory,
    every_version,
    ticks,
)
from portal.models import AuditEvent, Notification
from portal.testing.queries import LAYOUT_QUERIES
from portal.tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def version():
    return PolicyVersionFactory(published=True, policy__title="IT and social media policy")


@pytest.fixture
def obligation(alice, version):
    campaign = CampaignFactory(open=True, versions=[version])
    return ObligationFactory(campaign=campaign, user=alice)


def _sign(obligation, user, *, name=None, password=TEST_PASSWORD):
    return declaration_sign(
        obligation=obligation,
        by=user,
        typed_name=user.full_name if name is None else name,
        read=every_version(obligation),
        password=password,
        ip="10.1.2.3",
        user_agent="Mozilla/5.0 (Test)",
    )


def test_names_match_ignores_case_and_spacing_but_not_letters():
    assert names_match("  alice   STAFF ", "Alice Staff")
    assert not names_match("Alice Staf", "Alice Staff")
    assert not names_match("", "")


def test_signing_records_everything_and_sends_one_receipt(
    alice, obligation, version, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        declaration = _sign(obligation, alice, name="alice staff")
    declaration.refresh_from_db()
    assert declaration.user == alice
    assert declaration.campaign == obligation.campaign
    assert declaration.versions_signed == [
        {
            "id": version.pk,
            "policy": "IT and social media policy",
            "label": version.label,
            "effective_date": version.effective_date.isoformat(),
            "sha256": version.content_sha256,
            "pdf_sha256": "",
        }
    ]
    assert list(declaration.versions.all()) == [version]
    assert declaration.statement == obligation.campaign.statement
    assert declaration.typed_name == "alice staff"
    assert declaration.ip_address == "10.1.2.3"
    assert declaration.user_agent == "Mozilla/5.0 (Test)"
    obligation.refresh_from_db()
    assert obligation.status == Obligation.Status.SIGNED
    event = AuditEvent.objects.get(verb="declaration.signed")
    assert event.actor == alice
    assert event.ip_address == "10.1.2.3"
    assert version.content_sha256 in str(event.changes["versions"])
    assert [m.to for m in mailoutbox] == [[alice.email]]
    assert "Your receipt" in mailoutbox[0].subject
    assert version.content_sha256 in mailoutbox[0].body
    assert Notification.objects.filter(dedup_key=f"decl-receipt:{declaration.pk}").count() == 1


@pytest.mark.parametrize(
    ("name", "password", "fields"),
    [
        ("Alice Stuff", TEST_PASSWORD, {"typed_name"}),
        ("Alice Staff", "wrong password", {"password"}),
        ("Bob Manager", "wrong password", {"typed_name", "password"}),
    ],
)
def test_a_wrong_name_or_password_is_refused_and_nothing_is_recorded(
    alice, obligation, name, password, fields, mailoutbox
):
    with pytest.raises(SignatureRefused) as refused:
        _sign(obligation, alice, name=name, password=password)
    assert set(refused.value.message_dict) == fields
    assert not Declaration.objects.exists()
    obligation.refresh_from_db()
    assert obligation.status == Obligation.Status.PENDING
    assert not Notification.objects.exists()
    refusal = AuditEvent.objects.get(verb="declaration.signature_refused")
    assert refusal.actor == alice
    assert password not in str(refusal.changes)
    assert not AuditEvent.objects.filter(verb="declaration.signed").exists()


def test_nobody_can_sign_for_someone_else(alice, bob, policy_admin, obligation):
    for other in (bob, policy_admin):
        with pytest.raises(PermissionDenied):
            _sign(obligation, other)
    assert not Declaration.objects.exists()


def test_signing_twice_is_refused_with_a_clear_message(alice, obligation):
    _sign(obligation, alice)
    with pytest.raises(SignatureRefused, match="already signed"):
        _sign(Obligation.objects.select_related("campaign").get(pk=obligation.pk), alice)
    assert Declaration.objects.count() == 1


def test_the_database_refuses_a_second_declaration_and_the_service_says_so(alice, obligation):
    # As if two submits raced past the status check: the unique constraint is the last word.
    DeclarationFactory(obligation=obligation)
    Obligation.objects.filter(pk=obligation.pk).update(status=Obligation.Status.PENDING)
    obligation.refresh_from_db()
    with pytest.raises(SignatureRefused, match="already signed"):
        _sign(obligation, alice)
    assert Declaration.objects.count() == 1
    # The refused attempt changed nothing: its claim on the obligation was rolled back.
    obligation.refresh_from_db()
    assert obligation.status == Obligation.Status.PENDING
    assert AuditEvent.objects.filter(verb="declaration.signed").count() == 0


def test_too_many_refusals_stop_further_attempts(alice, obligation):
    for _ in range(MAX_REFUSALS):
        with pytest.raises(SignatureRefused):
            _sign(obligation, alice, password="guess")
    with pytest.raises(SignatureRefused, match="Too many attempts"):
        _sign(obligation, alice)
    assert not Declaration.objects.exists()


def test_extra_statements_apply_only_to_their_audience(alice, bob, version):
    campaign = CampaignFactory(open=True, versions=[version])
    ExtraStatementFactory(campaign=campaign, title="Political restriction")
    alice.politically_restricted = True
    alice.save()
    signed = _sign(ObligationFactory(campaign=campaign, user=alice), alice)
    unrestricted = _sign(ObligationFactory(campaign=campaign, user=bob), bob)
    assert [s["title"] for s in signed.extra_statements] == ["Political restriction"]
    assert unrestricted.extra_statements == []


def test_a_closed_campaign_cannot_be_signed(alice, obligation):
    obligation.campaign.status = "closed"
    obligation.campaign.save()
    with pytest.raises(SignatureRefused, match="closed"):
        _sign(obligation, alice)


def test_a_declaration_cannot_be_changed_or_deleted(alice, obligation):
    declaration = _sign(obligation, alice)
    with pytest.raises(TypeError):
        declaration.save()
    with pytest.raises(TypeError):
        declaration.delete()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_the_database_refuses_to_update_or_delete_a_declaration(alice, obligation):
    _sign(obligation, alice)
    for sql in (
        "UPDATE declarations_declaration SET typed_name = 'someone else'",
        "DELETE FROM declarations_declaration",
        "DELETE FROM declarations_declaration_versions",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert Declaration.objects.get().typed_name == "Alice Staff"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_the_database_refuses_to_truncate_declarations(alice, obligation):
    _sign(obligation, alice)
    # CASCADE, so that it is the trigger that refuses, not a foreign key; the foreign keys
    # checked now, or PostgreSQL refuses a table with checks still pending in this transaction.
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    for table in ("declarations_declaration", "declarations_declaration_versions"):
        with (
            pytest.raises(DatabaseError, match="TRUNCATE refused on declarations_declaration"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(f"TRUNCATE {table} CASCADE")
    assert Declaration.objects.get().versions.count() == 1


# ---- The pages ---------------------------------------------------------------------------


def test_the_signing_page_shows_the_policy_in_full_then_the_statement(client, alice, obligation):
    client.force_login(alice)
    response = client.get(reverse("declarations:sign", args=[obligation.pk]))
    assert response.status_code == 200
    text = response.text
    assert "everyone" in text
    assert "<strong>everyone</strong>" in text
    assert text.index("IT and social media policy") < text.index(obligation.campaign.statement)
    assert "Type your full name" in text
    assert "Enter your password" in text


def test_the_signing_page_refuses_a_wrong_password_and_keeps_the_name(client, alice, obligation):
    client.force_login(alice)
    response = client.post(
        reverse("declarations:sign", args=[obligation.pk]),
        {"typed_name": "Alice Staff", "password": "not it", **ticks(obligation)},
    )
    assert response.status_code == 400
    assert "The password is not right" in response.text
    assert 'value="Alice Staff"' in response.text
    assert not Declaration.objects.exists()
    # The refusal is evidence too, and survives the refusal.
    assert AuditEvent.objects.filter(verb="declaration.signature_refused").count() == 1


def test_signing_through_the_page_leads_to_the_receipt_and_record(client, alice, obligation):
    client.force_login(alice)
    response = client.post(
        reverse("declarations:sign", args=[obligation.pk]),
        {"typed_name": "ALICE STAFF", "password": TEST_PASSWORD, **ticks(obligation)},
        HTTP_USER_AGENT="Mozilla/5.0 (Page)",
        REMOTE_ADDR="10.9.8.7",
    )
    declaration = Declaration.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("declarations:receipt", args=[declaration.pk])
    assert declaration.user_agent == "Mozilla/5.0 (Page)"
    assert declaration.ip_address == "10.9.8.7"
    receipt = client.get(response.url)
    assert "Your declaration is signed" in receipt.text
    record = client.get(reverse("declarations:record", args=[declaration.pk]))
    assert record.status_code == 200
    for expected in (alice.staff_number, "ALICE STAFF", "10.9.8.7", obligation.campaign.statement):
        assert expected in record.text
    assert declaration.versions_signed[0]["sha256"] in record.text
    # Opening the signing page again goes to the receipt rather than offering a second go.
    again = client.get(reverse("declarations:sign", args=[obligation.pk]))
    assert again.status_code == 302
    assert again.url == response.url


def test_my_declarations_lists_what_is_due_and_what_was_signed(
    client, alice, obligation, version, django_assert_num_queries
):
    for _ in range(30):
        DeclarationFactory(
            obligation=ObligationFactory(
                user=alice, campaign=CampaignFactory(open=True, versions=[version])
            )
        )
    client.force_login(alice)
    url = reverse("declarations:mine")
    client.get(url)  # warm the session and organisation settings
    # The layout, then what is to sign, the declarations' count and their page.
    with django_assert_num_queries(LAYOUT_QUERIES + 3):
        response = client.get(url)
    assert response.status_code == 200
    assert obligation.campaign.name in response.text
    assert "Page 1 of 2" in response.text


def test_a_password_the_person_chose_is_not_flagged_on_the_record(client, alice, obligation):
    from portal.services.accounts import user_password_set

    user_password_set(user=alice, password=TEST_PASSWORD, ip=None)
    declaration = _sign(obligation, alice)
    assert declaration.password_set_by_other is None
    client.force_login(alice)
    record = client.get(reverse("declarations:record", args=[declaration.pk]))
    assert "set by someone else" not in record.text


def test_signing_with_a_password_an_administrator_set_is_on_the_evidence_and_the_record(
    client, alice, obligation, sysadmin
):
    from datetime import UTC, datetime

    from portal.services.accounts import user_password_set

    user_password_set(user=alice, password=TEST_PASSWORD, ip=None, by=sysadmin)
    alice.refresh_from_db()
    alice.password_set_at = datetime(2026, 7, 1, 8, 30, tzinfo=UTC)
    alice.save(update_fields=["password_set_at"])
    declaration = _sign(obligation, alice)
    declaration.refresh_from_db()
    assert declaration.password_set_by_other == {
        "by": "Sam Sysadmin <sysadmin@example.org>",
        "by_id": sysadmin.pk,
        "at": "2026-07-01T08:30:00+00:00",
    }
    event = AuditEvent.objects.get(verb="declaration.signed")
    assert event.changes["password_set_by_someone_else"]["by_id"] == sysadmin.pk
    client.force_login(alice)
    record = client.get(reverse("declarations:record", args=[declaration.pk])).text
    assert "This password had been set by someone else" in record
    assert "Sam Sysadmin" in record
    assert "1 July 2026, 09:30" in record  # UK time
