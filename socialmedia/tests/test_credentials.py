"""Opening an approved account with its credentials, changing their details and recording a
new password: sealed, on the record by field name only, and the Chief Executive told."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from portal.models import AuditEvent, Notification, OrganisationSettings
from socialmedia import crypto
from socialmedia.events import SocialEvent
from socialmedia.models import Account, Credential, MfaMethod, Rotation, Storage
from socialmedia.services.credentials import (
    account_open,
    credential_password_change,
    credential_update,
)
from socialmedia.services.review_dates import next_review_due
from socialmedia.tests.factories import AccountFactory, CredentialFactory

pytestmark = pytest.mark.django_db

PASSWORD = "Zebra-Quartz-Password-4471"
SECRETS = {
    "username": "westshire.open.user",
    "password": PASSWORD,
    "recovery_email": "recover-9931@example.org",
    "recovery_phone": "07700 900777",
    "recovery_codes_location": "Safe drawer nine",
    "notes": "Owl-notes-5512",
}


def opened(account, user, **overrides):
    fields = {
        "account": account,
        "handle": "@WestshireOPCC_Real",
        "url": "https://x.example.com/WestshireOPCC_Real",
        "storage": Storage.PORTAL,
        "secrets": SECRETS,
        "mfa_method": MfaMethod.APP,
        "by": user,
    }
    return account_open(**(fields | overrides))


def opened_value(account_id: int, field: str) -> str:
    credential = Credential.objects.get(account_id=account_id)
    return crypto.unseal(getattr(credential, f"{field}_sealed"), at=crypto.place(account_id, field))


@pytest.fixture
def approved(alice):
    return AccountFactory(applicant=alice, status=Account.Status.APPROVED, handle="@Proposed")


def test_opening_makes_the_account_active_with_its_credentials_sealed(
    approved, alice, chief_executive
):
    before = timezone.now()
    opened(approved, alice)

    approved.refresh_from_db()
    assert approved.status == Account.Status.ACTIVE
    assert approved.handle == "@WestshireOPCC_Real"
    assert approved.opened_at >= before
    assert approved.last_rotated_at == approved.opened_at
    assert approved.review_due_at == next_review_due(approved.opened_at)
    credential = Credential.objects.get(account=approved)
    for field, value in SECRETS.items():
        assert value not in getattr(credential, f"{field}_sealed")
        assert opened_value(approved.pk, field) == value
    assert credential.registered_by == alice


def test_opening_is_on_the_record_by_field_names_only(approved, alice, chief_executive):
    opened(approved, alice)

    opened_event = AuditEvent.objects.get(verb=SocialEvent.OPENED)
    assert opened_event.changes["handle"] == {"from": "@Proposed", "to": "@WestshireOPCC_Real"}
    registered = AuditEvent.objects.get(verb=SocialEvent.CREDENTIALS_REGISTERED)
    assert registered.changes["password"] == "set"
    assert registered.changes["recovery_email"] == "set"
    for value in SECRETS.values():
        assert value not in str(registered.changes)


def test_the_chief_executive_is_told_what_was_registered_never_a_value(
    approved, alice, chief_executive
):
    opened(approved, alice)

    told = Notification.objects.get(recipient=chief_executive)
    assert approved.handle in told.subject or "@WestshireOPCC_Real" in told.subject
    assert "Password: set" in told.body_text
    assert "Where they are kept: Here, encrypted" in told.body_text
    assert "Handle: @Proposed to @WestshireOPCC_Real" in told.body_text
    for value in SECRETS.values():
        assert value not in told.body_text + told.body_html + told.subject


def test_with_nobody_in_the_role_the_chief_executive_mailbox_is_told(approved, alice):
    org = OrganisationSettings.load()
    org.chief_executive_email = "ce-office@example.org"
    org.save()

    opened(approved, alice)

    assert Notification.objects.get(to_email="ce-office@example.org").recipient is None


def test_opening_into_the_password_manager_keeps_only_the_reference(approved, alice):
    opened(
        approved,
        alice,
        storage=Storage.PASSWORD_MANAGER,
        secrets={"password": PASSWORD},
        password_manager_reference="Vault > Comms > X",
    )

    credential = Credential.objects.get(account=approved)
    assert credential.password_sealed == ""
    assert credential.password_manager_reference == "Vault > Comms > X"


def test_only_the_owner_opens_only_an_approved_account(approved, alice, bob, chief_executive):
    with pytest.raises(ValidationError, match="owner"):
        opened(approved, chief_executive)
    active = AccountFactory(applicant=alice)
    with pytest.raises(ValidationError, match="approved"):
        opened(active, alice)
    with pytest.raises(ValidationError, match="password"):
        opened(approved, alice, secrets={"username": "x"})
    assert not Credential.objects.filter(account=approved).exists()


# ---- Changing the details -----------------------------------------------------------------


def test_a_blank_keeps_a_detail_a_value_replaces_it_and_a_tick_clears_it(alice, chief_executive):
    credential = CredentialFactory(account=AccountFactory(applicant=alice))
    account = credential.account
    kept_username = opened_value(account.pk, "username")

    credential_update(
        account=account,
        storage=Storage.PORTAL,
        mfa_method=MfaMethod.SECURITY_KEY,
        secrets={"username": "", "recovery_email": "new-recovery-3301@example.org"},
        clear=["notes"],
        by=alice,
    )

    assert opened_value(account.pk, "username") == kept_username
    assert opened_value(account.pk, "recovery_email") == "new-recovery-3301@example.org"
    assert Credential.objects.get(account=account).notes_sealed == ""
    event = AuditEvent.objects.get(verb=SocialEvent.CREDENTIALS_UPDATED)
    assert event.changes == {
        "mfa_method": {"from": MfaMethod.NONE, "to": MfaMethod.SECURITY_KEY},
        "recovery_email": "changed",
        "notes": "cleared",
    }
    told = Notification.objects.get(recipient=chief_executive)
    assert "Recovery email: changed" in told.body_text
    assert "new-recovery-3301" not in told.body_text


def test_changing_details_never_records_a_new_password(alice):
    credential = CredentialFactory(account=AccountFactory(applicant=alice))
    with pytest.raises(ValidationError, match="Record a new password"):
        credential_update(
            account=credential.account,
            storage=Storage.PORTAL,
            mfa_method=credential.mfa_method,
            secrets={"password": "sneaky"},
            by=alice,
        )


def test_moving_to_the_password_manager_deletes_every_secret_kept_here(alice):
    credential = CredentialFactory(account=AccountFactory(applicant=alice))
    credential_update(
        account=credential.account,
        storage=Storage.PASSWORD_MANAGER,
        mfa_method=credential.mfa_method,
        password_manager_reference="Vault > Comms",
        secrets={},
        by=alice,
    )
    credential.refresh_from_db()
    assert credential.storage == Storage.PASSWORD_MANAGER
    assert all(
        getattr(credential, f"{f}_sealed") == ""
        for f in ("username", "password", "recovery_email", "notes")
    )
    event = AuditEvent.objects.get(verb=SocialEvent.CREDENTIALS_UPDATED)
    assert event.changes["password"] == "removed"


def test_moving_here_from_the_password_manager_needs_the_username_and_password(alice):
    credential = CredentialFactory(
        account=AccountFactory(applicant=alice), storage=Storage.PASSWORD_MANAGER
    )
    with pytest.raises(ValidationError, match="username"):
        credential_update(
            account=credential.account,
            storage=Storage.PORTAL,
            mfa_method=credential.mfa_method,
            secrets={"password": PASSWORD},
            by=alice,
        )
    credential_update(
        account=credential.account,
        storage=Storage.PORTAL,
        mfa_method=credential.mfa_method,
        secrets={"password": PASSWORD, "username": "moved.here"},
        by=alice,
    )
    assert opened_value(credential.account_id, "password") == PASSWORD
    assert Credential.objects.get(pk=credential.pk).password_manager_reference == ""


def test_a_team_member_cannot_change_the_credentials(alice, bob):
    credential = CredentialFactory(account=AccountFactory(applicant=alice, team=[bob]))
    with pytest.raises(ValidationError, match="owner or the Chief Executive"):
        credential_update(
            account=credential.account,
            storage=Storage.PORTAL,
            mfa_method=MfaMethod.APP,
            secrets={},
            by=bob,
        )


# ---- A new password ------------------------------------------------------------------------


def test_a_new_password_is_sealed_clears_the_rotation_due_and_tells_the_chief_executive(
    alice, chief_executive
):
    due = timezone.now() - timedelta(days=3)
    account = AccountFactory(
        applicant=alice, rotation_due_since=due, rotation_due_reason="Bob left the team"
    )
    CredentialFactory(account=account)

    rotation = credential_password_change(
        account=account, password=PASSWORD, why=Rotation.Why.TEAM_CHANGED, by=alice
    )

    account.refresh_from_db()
    assert account.rotation_due_since is None
    assert account.rotation_due_reason == ""
    assert account.last_rotated_at == rotation.at
    assert rotation.cleared_due_since == due
    assert (rotation.by, rotation.why) == (alice, Rotation.Why.TEAM_CHANGED)
    assert opened_value(account.pk, "password") == PASSWORD
    assert Credential.objects.get(account=account).password_changed_at == rotation.at
    event = AuditEvent.objects.get(verb=SocialEvent.PASSWORD_CHANGED)
    assert event.changes["password"] == "changed"
    assert PASSWORD not in str(event.changes)
    told = Notification.objects.get(recipient=chief_executive)
    assert "new password was recorded" in told.body_text
    assert PASSWORD not in told.body_text + told.body_html


def test_the_password_already_recorded_is_refused_and_the_rotation_stays_due(alice):
    due = timezone.now() - timedelta(days=3)
    account = AccountFactory(applicant=alice, rotation_due_since=due)
    CredentialFactory(account=account, password=PASSWORD)

    with pytest.raises(ValidationError) as refused:
        credential_password_change(
            account=account, password=PASSWORD, why=Rotation.Why.TEAM_CHANGED, by=alice
        )

    assert "already recorded" in str(refused.value)
    assert PASSWORD not in str(refused.value)
    account.refresh_from_db()
    assert account.rotation_due_since == due
    assert not Rotation.objects.exists()
    assert not AuditEvent.objects.filter(verb=SocialEvent.PASSWORD_CHANGED).exists()


def test_the_chief_executive_recording_a_password_is_not_told_of_it(alice, chief_executive):
    account = AccountFactory(applicant=alice)
    CredentialFactory(account=account)
    credential_password_change(
        account=account, password=PASSWORD, why=Rotation.Why.ROUTINE, by=chief_executive
    )
    assert not Notification.objects.filter(recipient=chief_executive).exists()
    assert Rotation.objects.get(account=account).by == chief_executive


def test_the_owner_is_told_when_a_decider_records_a_new_password(alice, ce_delegate):
    account = AccountFactory(applicant=alice)
    CredentialFactory(account=account)
    credential_password_change(
        account=account, password=PASSWORD, why=Rotation.Why.COMPROMISE, by=ce_delegate
    )
    told = Notification.objects.get(recipient=alice)
    assert "new password was recorded" in told.body_text
    assert "ask Della Delegate" in told.body_text  # they may be locked out: who has it
    assert "you can reveal them" not in told.body_text
    assert PASSWORD not in told.body_text + told.body_html + told.subject


def test_the_owner_recording_a_password_is_not_told_of_it(alice):
    account = AccountFactory(applicant=alice)
    CredentialFactory(account=account)
    credential_password_change(account=account, password=PASSWORD, why="routine", by=alice)
    assert not Notification.objects.filter(recipient=alice).exists()


def test_a_password_kept_in_the_manager_needs_the_word_that_it_changed_there(alice):
    account = AccountFactory(applicant=alice, rotation_due_since=timezone.now())
    CredentialFactory(account=account, storage=Storage.PASSWORD_MANAGER)
    with pytest.raises(ValidationError, match="password manager"):
        credential_password_change(account=account, why=Rotation.Why.ROUTINE, by=alice)
    assert not Rotation.objects.exists()

    credential_password_change(
        account=account, why=Rotation.Why.ROUTINE, changed_in_manager=True, by=alice
    )
    account.refresh_from_db()
    assert account.rotation_due_since is None


# ---- The pages -----------------------------------------------------------------------------


def _open_form(**overrides):
    return {
        "handle": "@WestshireOPCC_Real",
        "url": "https://x.example.com/WestshireOPCC_Real",
        "storage": Storage.PORTAL,
        "username": SECRETS["username"],
        "password": PASSWORD,
        "password_again": PASSWORD,
        "recovery_email": SECRETS["recovery_email"],
        "recovery_phone": SECRETS["recovery_phone"],
        "recovery_codes_location": SECRETS["recovery_codes_location"],
        "notes": SECRETS["notes"],
        "password_manager_reference": "",
        "mfa_method": MfaMethod.APP,
    } | overrides


def test_the_open_page_registers_the_credentials(client, approved, alice):
    client.force_login(alice)
    url = reverse("socialmedia:open", args=[approved.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert 'type="password"' not in page.content.decode()  # the account's, never offered to save
    assert page["Cache-Control"].count("no-store") == 1

    answer = client.post(url, _open_form())
    assert answer.status_code == 302
    assert opened_value(approved.pk, "password") == PASSWORD


def test_a_form_with_a_problem_never_echoes_a_secret(client, approved, alice):
    client.force_login(alice)
    answer = client.post(
        reverse("socialmedia:open", args=[approved.pk]),
        _open_form(password_again="Not-The-Same-1"),
    )
    assert answer.status_code == 400
    page = answer.content.decode()
    assert "The two passwords are not the same" in page
    assert "type them again" in page
    for value in SECRETS.values():
        assert value not in page
    assert "@WestshireOPCC_Real" in page  # what is not a secret is kept


@pytest.mark.parametrize("name", ["open", "credentials_edit", "password_change"])
def test_the_accounts_password_inputs_invite_no_browser_to_save_them(client, alice, name):
    account = AccountFactory(applicant=alice, status=Account.Status.APPROVED)
    if name != "open":
        account = AccountFactory(applicant=alice)
        CredentialFactory(account=account)
    client.force_login(alice)
    page = client.get(reverse(f"socialmedia:{name}", args=[account.pk])).content.decode()

    inputs = [
        part.split(">")[0]
        for part in page.split("<input")[1:]
        if 'name="password"' in part or 'name="password_again"' in part
    ]
    assert len(inputs) == 2
    for tag in inputs:
        assert 'type="text"' in tag
        assert 'autocomplete="off"' in tag
        assert 'data-lpignore="true"' in tag
        assert "data-1p-ignore" in tag
        assert "data-bwignore" in tag
        assert "secret-masked" in tag  # masked by the stylesheet, never an inline style
        assert "style=" not in tag
    assert "socialmedia/credentials.css" in page


def test_the_change_page_never_prefills_a_secret(client, alice):
    credential = CredentialFactory(account=AccountFactory(applicant=alice), notes="Owl-notes-5512")
    client.force_login(alice)
    page = client.get(reverse("socialmedia:credentials_edit", args=[credential.account_id]))
    assert page.status_code == 200
    assert "Owl-notes-5512" not in page.content.decode()
    assert "westshire.opcc" not in page.content.decode()


def test_the_new_password_page_records_it(client, alice):
    account = AccountFactory(applicant=alice, rotation_due_since=timezone.now())
    CredentialFactory(account=account)
    client.force_login(alice)
    url = reverse("socialmedia:password_change", args=[account.pk])
    page = client.get(url)
    assert "A new password is due since" in page.content.decode()
    assert page.context["form"].initial["why"] == Rotation.Why.TEAM_CHANGED
    answer = client.post(
        url, {"password": PASSWORD, "password_again": PASSWORD, "why": Rotation.Why.TEAM_CHANGED}
    )
    assert answer.status_code == 302
    assert opened_value(account.pk, "password") == PASSWORD


def test_a_new_password_sent_twice_is_recorded_once(client, alice, chief_executive):
    account = AccountFactory(applicant=alice, rotation_due_since=timezone.now())
    CredentialFactory(account=account)
    client.force_login(alice)
    url = reverse("socialmedia:password_change", args=[account.pk])
    form = {"password": PASSWORD, "password_again": PASSWORD, "why": Rotation.Why.TEAM_CHANGED}

    first, second = client.post(url, form), client.post(url, form)

    assert (first.status_code, second.status_code) == (302, 302)
    assert second["Location"] == first["Location"]
    assert Rotation.objects.filter(account=account).count() == 1
    assert AuditEvent.objects.filter(verb=SocialEvent.PASSWORD_CHANGED).count() == 1
    assert Notification.objects.filter(recipient=chief_executive).count() == 1


def test_the_same_password_later_is_refused_on_the_page(client, alice):
    account = AccountFactory(applicant=alice)
    CredentialFactory(account=account, password=PASSWORD)
    client.force_login(alice)
    answer = client.post(
        reverse("socialmedia:password_change", args=[account.pk]),
        {"password": PASSWORD, "password_again": PASSWORD, "why": Rotation.Why.ROUTINE},
    )
    assert answer.status_code == 400
    assert "already recorded" in answer.content.decode()
    assert not Rotation.objects.exists()


def test_the_team_may_not_use_the_owners_pages(client, alice, bob):
    account = AccountFactory(applicant=alice, team=[bob])
    CredentialFactory(account=account)
    client.force_login(bob)
    for name in ("credentials_edit", "password_change", "reveal"):
        assert client.get(reverse(f"socialmedia:{name}", args=[account.pk])).status_code == 403
