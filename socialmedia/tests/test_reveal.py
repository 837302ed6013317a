"""Revealing an account's secrets: only to the Chief Executive and delegates, with a reason, the
person's password and their second-factor code; every attempt on the record, the record written
before anything is shown, and a delegate's break-glass reveal told to the Chief Executive."""

import pytest
from cryptography.fernet import Fernet
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from portal.models import AuditEvent, Notification
from portal.reauth import Proof, ProofMethod
from portal.roles import Role
from portal.testing.second_factor import authenticator_for, totp_code
from portal.tests.factories import TEST_PASSWORD, UserFactory
from socialmedia.events import SocialEvent
from socialmedia.models import Reveal, Storage
from socialmedia.services import reveal as reveal_service
from socialmedia.services.reveal import RevealRefused, credential_reveal
from socialmedia.tests.factories import AccountFactory, CredentialFactory

pytestmark = pytest.mark.django_db

SECRET = "Kestrel-Revealable-Password-6620"


@pytest.fixture
def account(alice, bob):
    account = AccountFactory(applicant=alice, team=[bob])
    CredentialFactory(account=account, password=SECRET)
    return account


def asked(account, by, **overrides):
    fields = {
        "account": account,
        "by": by,
        "reason": "The owner is away and a post must come down.",
        "fields": ["password"],
        "password": TEST_PASSWORD,
        "code": totp_code(authenticator_for(by)),
    }
    return credential_reveal(**(fields | overrides))


def test_the_chief_executive_sees_the_secret_and_the_reveal_is_on_the_record(
    account, chief_executive
):
    shown = asked(account, chief_executive)

    assert [(s.field, s.value) for s in shown] == [("password", SECRET)]
    reveal = Reveal.objects.get()
    assert (reveal.by, reveal.outcome, reveal.fields) == (chief_executive, "shown", "password")
    assert reveal.proof == "password"
    event = AuditEvent.objects.get(verb=SocialEvent.REVEALED)
    assert event.changes["fields"] == ["password"]
    assert event.changes["reason"] == "The owner is away and a post must come down."
    assert event.changes["break_glass"] is False
    assert SECRET not in str(event.changes)
    assert SECRET not in repr(shown)


def test_no_fields_chosen_reveals_them_all(account, chief_executive):
    shown = asked(account, chief_executive, fields=[])
    assert [s.field for s in shown][:2] == ["username", "password"]
    assert len(shown) == 6


@pytest.mark.parametrize(
    ("overrides", "refusal"),
    [
        ({"reason": "  "}, "no reason"),
        ({"password": ""}, "no password"),
        ({"password": "wrong-password"}, "wrong password"),
        ({"code": ""}, "no code"),
        ({"code": "000000"}, "wrong code"),
        ({"fields": ["nonsense"]}, "no fields"),
    ],
)
def test_a_reveal_missing_anything_is_refused_and_the_refusal_is_recorded(
    account, chief_executive, overrides, refusal
):
    with pytest.raises(RevealRefused):
        asked(account, chief_executive, **overrides)

    reveal = Reveal.objects.get()
    assert (reveal.outcome, reveal.refusal) == ("refused", refusal)
    event = AuditEvent.objects.get(verb=SocialEvent.REVEAL_REFUSED)
    assert event.changes["refusal"] == refusal
    assert "wrong-password" not in str(event.changes)
    assert TEST_PASSWORD not in str(event.changes)


@pytest.mark.parametrize("who", ["alice", "bob", "charlie", "dpo"])
def test_anyone_without_the_role_is_refused_and_recorded(request, account, who):
    person = request.getfixturevalue(who)
    with pytest.raises(RevealRefused, match="Chief Executive or a delegate"):
        asked(account, person)
    assert Reveal.objects.get().refusal == "no role"


def test_a_superuser_without_the_role_is_refused(account):
    root = UserFactory(is_superuser=True, is_staff=True)
    with pytest.raises(RevealRefused):
        asked(account, root)
    assert Reveal.objects.get(by=root).outcome == "refused"


def test_credentials_kept_in_the_password_manager_cannot_be_revealed(alice, chief_executive):
    account = AccountFactory(applicant=alice)
    CredentialFactory(account=account, storage=Storage.PASSWORD_MANAGER)
    with pytest.raises(RevealRefused, match="not kept here"):
        asked(account, chief_executive)


def test_after_five_wrong_passwords_even_the_right_one_waits(account, chief_executive):
    for _ in range(5):
        with pytest.raises(RevealRefused):
            asked(account, chief_executive, reason="")  # a slip, not a guess: not counted
    for _ in range(5):
        with pytest.raises(RevealRefused):
            asked(account, chief_executive, password="guess")
    with pytest.raises(RevealRefused, match="Too many attempts"):
        asked(account, chief_executive)


def test_after_too_many_wrong_codes_the_second_step_pauses(account, chief_executive, settings):
    settings.SECOND_FACTOR_FAILURE_LIMIT = 2
    with pytest.raises(RevealRefused, match="code is not right"):
        asked(account, chief_executive, code="000000")
    with pytest.raises(RevealRefused, match="Too many wrong codes"):
        asked(account, chief_executive, code="000000")
    # Paused: even the right code is not checked until the pause ends.
    with pytest.raises(RevealRefused, match="Too many wrong codes"):
        asked(account, chief_executive)
    assert Reveal.objects.filter(refusal="second factor paused").count() == 2


def test_a_delegate_must_confirm_break_glass_and_the_chief_executive_is_told_at_once(
    account, ce_delegate, chief_executive
):
    with pytest.raises(RevealRefused, match="not available"):
        asked(account, ce_delegate)
    assert not Notification.objects.filter(recipient=chief_executive).exists()

    shown = asked(account, ce_delegate, break_glass=True)

    assert shown[0].value == SECRET
    reveal = Reveal.objects.get(outcome="shown")
    assert reveal.break_glass
    told = Notification.objects.get(recipient=chief_executive)
    assert "Break-glass" in told.subject
    assert "Della Delegate" in told.body_text
    assert "post must come down" in told.body_text
    assert SECRET not in told.body_text + told.body_html + told.subject
    assert AuditEvent.objects.get(verb=SocialEvent.REVEALED).changes["break_glass"] is True


def test_the_chief_executives_own_reveal_is_never_break_glass(account, chief_executive):
    asked(account, chief_executive, break_glass=True)
    assert not Reveal.objects.get().break_glass
    assert not Notification.objects.exists()


def test_if_the_audit_event_cannot_be_written_nothing_is_shown_or_kept(
    client, account, chief_executive, monkeypatch
):
    def broken(**kwargs):
        if kwargs["verb"] == SocialEvent.REVEALED:
            raise RuntimeError("the audit trail is unavailable")
        return original(**kwargs)

    original = reveal_service.audit_record
    monkeypatch.setattr(reveal_service, "audit_record", broken)
    client.force_login(chief_executive)
    client.raise_request_exception = False

    answer = client.post(
        reverse("socialmedia:reveal", args=[account.pk]),
        {
            "reason": "Checking",
            "fields_wanted": ["password"],
            "password": TEST_PASSWORD,
            "code": totp_code(authenticator_for(chief_executive)),
        },
    )

    assert answer.status_code == 500
    assert SECRET not in answer.content.decode()
    assert not Reveal.objects.filter(outcome="shown").exists()
    assert not AuditEvent.objects.filter(verb=SocialEvent.REVEALED).exists()


def test_an_unreadable_secret_is_shown_as_an_error_never_as_ciphertext_or_blank(
    account, chief_executive, settings
):
    settings.PORTAL_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    shown = asked(account, chief_executive)
    assert shown[0].value == ""
    assert f"socialmedia.credential:{account.pk}:password" in shown[0].unreadable


# ---- The page ------------------------------------------------------------------------------


def _form(person, **overrides):
    return {
        "reason": "The owner is away and a post must come down.",
        "fields_wanted": ["username", "password"],
        "password": TEST_PASSWORD,
        "code": totp_code(authenticator_for(person)),
    } | overrides


def test_the_page_asks_then_shows_the_secret_once_never_stored(client, account, chief_executive):
    client.force_login(chief_executive)
    url = reverse("socialmedia:reveal", args=[account.pk])
    form = client.get(url)
    assert form.status_code == 200
    assert SECRET not in form.content.decode()
    assert 'autocomplete="off"' in form.content.decode()
    assert "no-store" in form["Cache-Control"]

    answer = client.post(url, _form(chief_executive))

    page = answer.content.decode()
    assert answer.status_code == 200
    assert SECRET in page
    assert "no-store" in answer["Cache-Control"]
    assert "do not copy them anywhere else" in page
    assert "data-hide-revealed" in page
    # Shown as text, never as an input a browser or password manager would offer to save.
    assert f'value="{SECRET}"' not in page
    assert "<input" not in page.split('id="revealed-secrets"')[1].split("</dl>")[0]
    # Once: the account page afterwards does not show it.
    assert (
        SECRET not in client.get(reverse("socialmedia:account", args=[account.pk])).content.decode()
    )


def test_a_refused_page_shows_why_and_no_secret(client, account, chief_executive):
    client.force_login(chief_executive)
    answer = client.post(
        reverse("socialmedia:reveal", args=[account.pk]), _form(chief_executive, password="nope")
    )
    assert answer.status_code == 400
    page = answer.content.decode()
    assert "The password is not right" in page
    assert SECRET not in page
    assert Reveal.objects.get().outcome == "refused"


@pytest.mark.parametrize("who", ["alice", "bob"])
def test_the_owner_and_team_get_403(client, request, account, who):
    person = request.getfixturevalue(who)
    client.force_login(person)
    url = reverse("socialmedia:reveal", args=[account.pk])
    assert client.get(url).status_code == 403
    answer = client.post(url, _form(person))
    assert answer.status_code == 403
    assert SECRET not in answer.content.decode()


def test_a_superuser_without_the_role_is_refused_and_sees_nothing(client, account):
    # Not on the account's team nor a decider: like any outsider, they do not learn the account
    # exists (404); the reveals log, a role page, is 403.
    root = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(root)
    url = reverse("socialmedia:reveal", args=[account.pk])
    assert client.get(url).status_code == 404
    answer = client.post(url, _form(root))
    assert answer.status_code == 404
    assert not Reveal.objects.exists()
    assert SECRET not in answer.content.decode()
    assert client.get(reverse("socialmedia:reveals")).status_code == 403


def test_an_outsider_does_not_learn_the_account_exists(client, account, charlie):
    client.force_login(charlie)
    assert client.get(reverse("socialmedia:reveal", args=[account.pk])).status_code == 404


def test_a_delegate_sees_the_break_glass_tick(client, account, ce_delegate):
    client.force_login(ce_delegate)
    page = client.get(reverse("socialmedia:reveal", args=[account.pk])).content.decode()
    assert "The Chief Executive is not available and this cannot wait" in page


# ---- Signed in through the identity provider -----------------------------------------------


def test_a_fresh_sign_in_at_the_provider_stands_for_the_password_but_not_the_code(
    account, chief_executive
):
    proof = Proof(ProofMethod.IDENTITY_PROVIDER, timezone.now())
    with pytest.raises(RevealRefused, match="code"):
        asked(account, chief_executive, password=None, proof=proof, code="")
    shown = asked(account, chief_executive, password=None, proof=proof)
    assert shown[0].value == SECRET
    assert Reveal.objects.get(outcome="shown").proof == "identity_provider"


@pytest.fixture
def by_provider(monkeypatch):
    """The session signed in through the identity provider, with no fresh proof yet."""
    from socialmedia.views import reveal as views

    monkeypatch.setattr(views, "reauth_by_provider", lambda request: True)
    monkeypatch.setattr(views, "reauth_provider_name", lambda: "Westshire sign-in")
    monkeypatch.setattr(views, "reauth_proof", lambda request, purpose: None)
    monkeypatch.setattr(views, "reauth_allow_form", lambda response: response)
    return views


def test_without_a_fresh_provider_sign_in_the_page_sends_them_there_first(
    client, account, chief_executive, by_provider
):
    client.force_login(chief_executive)
    url = reverse("socialmedia:reveal", args=[account.pk])
    page = client.get(url).content.decode()
    assert "Confirm who I am at Westshire sign-in" in page
    assert "Your password for this portal" not in page

    answer = client.post(url, _form(chief_executive, password=""))
    assert answer.status_code == 400
    assert "First confirm who you are" in answer.content.decode()
    assert SECRET not in answer.content.decode()
    assert Reveal.objects.get().outcome == "refused"


def test_with_a_fresh_provider_sign_in_the_code_reveals(
    client, account, chief_executive, by_provider, monkeypatch
):
    proof = Proof(ProofMethod.IDENTITY_PROVIDER, timezone.now())
    monkeypatch.setattr(by_provider, "reauth_proof", lambda request, purpose: proof)
    monkeypatch.setattr(by_provider, "reauth_clear", lambda request, purpose: None)
    client.force_login(chief_executive)
    answer = client.post(
        reverse("socialmedia:reveal", args=[account.pk]), _form(chief_executive, password="")
    )
    assert answer.status_code == 200
    assert SECRET in answer.content.decode()


def test_the_page_says_clearly_when_a_secret_cannot_be_opened(
    client, account, chief_executive, settings
):
    client.force_login(chief_executive)
    form = _form(chief_executive)  # the code, before the keys change
    settings.PORTAL_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    page = client.post(reverse("socialmedia:reveal", args=[account.pk]), form).content.decode()
    assert "Cannot be shown: The secret at socialmedia.credential:" in page
    assert "cannot be decrypted with any key in PORTAL_ENCRYPTION_KEYS" in page
    assert "gAAAAA" not in page  # never the ciphertext


@pytest.mark.django_db(transaction=True)
def test_a_refused_reveal_stays_on_the_record_after_the_request(client):
    for role in Role:
        Group.objects.get_or_create(name=role)
    chief = UserFactory(roles=[Role.CHIEF_EXECUTIVE])
    account = AccountFactory()
    CredentialFactory(account=account, password=SECRET)
    client.force_login(chief)
    answer = client.post(
        reverse("socialmedia:reveal", args=[account.pk]), _form(chief, password="wrong")
    )
    assert answer.status_code == 400
    # Committed: the request's own transaction ended with the page.
    assert Reveal.objects.get().refusal == "wrong password"
    assert AuditEvent.objects.filter(verb=SocialEvent.REVEAL_REFUSED).count() == 1


# ---- A form the page refuses is on the record too ------------------------------------------


@pytest.mark.parametrize(
    ("who", "missing", "refusal"),
    [
        ("chief_executive", {"password": ""}, "no password"),
        ("chief_executive", {"code": ""}, "no code"),
        ("chief_executive", {"reason": ""}, "no reason"),
        ("chief_executive", {"fields_wanted": ["nonsense"]}, "no fields"),
        ("ce_delegate", {}, "delegate did not confirm the Chief Executive is unavailable"),
    ],
)
def test_a_form_missing_anything_is_refused_on_the_record_and_says_why(
    client, request, account, who, missing, refusal
):
    person = request.getfixturevalue(who)
    client.force_login(person)
    form = _form(person, reason="Typed-Reason-7781") | missing
    answer = client.post(reverse("socialmedia:reveal", args=[account.pk]), form)

    assert answer.status_code == 400
    reveal = Reveal.objects.get()
    assert (reveal.outcome, reveal.refusal) == ("refused", refusal)
    assert AuditEvent.objects.filter(verb=SocialEvent.REVEAL_REFUSED).count() == 1
    page = answer.content.decode()
    assert SECRET not in page
    assert TEST_PASSWORD not in page
    if form["code"]:
        assert f'value="{form["code"]}"' not in page  # a code is never echoed
    if missing.get("reason") is None:
        assert "Typed-Reason-7781" in page  # the reason typed is kept


def test_a_form_without_a_fresh_provider_sign_in_is_refused_on_the_record(
    client, account, chief_executive, by_provider
):
    client.force_login(chief_executive)
    answer = client.post(
        reverse("socialmedia:reveal", args=[account.pk]), _form(chief_executive, password="")
    )
    assert answer.status_code == 400
    assert "First confirm who you are" in answer.content.decode()
    assert Reveal.objects.get().refusal == "no fresh sign-in"
    assert AuditEvent.objects.filter(verb=SocialEvent.REVEAL_REFUSED).count() == 1
