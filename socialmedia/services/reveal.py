"""Revealing an account's secrets to the Chief Executive or a delegate (seed 004, paragraph 23:
the credentials are registered so the account can be protected and recovered).

A reveal takes the role, a reason, the person's portal password again (or a fresh sign-in at
the identity provider: portal.reauth) and their second-factor code. A delegate also confirms
that the Chief Executive is not available and it cannot wait (break-glass), and the Chief
Executive is told at once.

Every request is on the record. A refusal is written (a Reveal row and REVEAL_REFUSED) in a
transaction of its own that stands, then raised. A reveal that goes ahead is written (the
Reveal row and REVEALED) first; only once both are written are the secrets opened and
returned, so if the record cannot be written nothing is shown.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from portal.models import User
from portal.reauth import Proof, ProofMethod
from portal.services.audit import audit_record
from portal.services.notifications import Message, notifications_queue_many
from portal.services.second_factor import Outcome, has_second_factor, second_factor_verify
from socialmedia import crypto
from socialmedia.access import acts_as_delegate, is_decider
from socialmedia.events import SocialEmail, SocialEvent
from socialmedia.models import SECRET_FIELDS, SECRET_LABELS, Account, Credential, Reveal, Storage
from socialmedia.outbox import break_glass_key
from socialmedia.selectors import chief_executive_recipients

# Re-entering a password is a chance to guess it: refusals count, as at sign-in.
MAX_REFUSALS = 5
REFUSAL_WINDOW = timedelta(minutes=15)

PASSWORD_WRONG = "The password is not right. Enter the password you use to sign in here."
CODE_WRONG = "The code is not right. Enter the code your authenticator app shows now."


class RevealRefused(ValidationError):
    """Raised, after the refusal is on the record, with the reason in words for the person."""


@dataclass(frozen=True)
class Shown:
    """One secret as the reveal page shows it: its value, or why it cannot be opened."""

    field: str
    label: str
    value: str = ""
    unreadable: str = ""

    def __repr__(self) -> str:
        # Never the value: this is what a debugger or an error report would print.
        return f"<Shown {self.field}>"


@transaction.atomic
def _refuse(
    *,
    account: Account,
    by: User,
    reason: str,
    fields: list[str],
    refusal: str,
    break_glass: bool,
    ip: str | None,
) -> None:
    Reveal.objects.create(
        account=account,
        by=by,
        at=timezone.now(),
        reason=reason[:4000],
        fields=",".join(fields),
        outcome=Reveal.Outcome.REFUSED,
        refusal=refusal[:300],
        break_glass=break_glass,
        ip=ip,
    )
    audit_record(
        verb=SocialEvent.REVEAL_REFUSED,
        actor=by,
        obj=account,
        changes={"refusal": refusal, "fields": fields, "reason": reason},
        ip=ip,
    )


# The refusals that are guesses: only these count towards the pause.
_GUESSES = ("wrong password", "wrong code")


def _recent_guesses(by: User) -> int:
    since = timezone.now() - REFUSAL_WINDOW
    return Reveal.objects.filter(
        by=by, outcome=Reveal.Outcome.REFUSED, refusal__in=_GUESSES, at__gte=since
    ).count()


def _why_not_asked(
    *, account: Account, by: User, reason: str, fields: list[str], break_glass: bool
) -> tuple[str, str]:
    """Why the request itself is refused (for the record, and for the person), or ("", "")."""
    if not is_decider(by):
        return "no role", "Only the Chief Executive or a delegate can reveal credentials."
    credential = Credential.objects.filter(account=account).first()
    if credential is None or credential.storage != Storage.PORTAL:
        return "nothing kept here", "This account's credentials are not kept here."
    if not reason.strip():
        return "no reason", "Say why you need to see the credentials."
    if not fields or set(fields) - set(SECRET_FIELDS):
        return "no fields", "Choose which details to reveal."
    if acts_as_delegate(by) and not break_glass:
        return (
            "delegate did not confirm the Chief Executive is unavailable",
            "As a delegate, confirm the Chief Executive is not available and this cannot wait.",
        )
    if _recent_guesses(by) >= MAX_REFUSALS:
        return "too many attempts", "Too many attempts. Wait 15 minutes and try again."
    return "", ""


@sensitive_variables("password", "code")
def _why_not_proved(
    *, by: User, password: str | None, proof: Proof | None, code: str, ip: str | None
) -> tuple[str, str]:
    """Why the person has not proved who they are, or ("", ""). Checked last, so a code is
    spent only on a request that would otherwise go ahead."""
    by_provider = proof is not None and proof.method == ProofMethod.IDENTITY_PROVIDER
    if password is None and not by_provider:
        # Signed in at the identity provider (no password asked), without a fresh sign-in.
        return "no fresh sign-in", "First confirm who you are (the button above), then reveal."
    if not by_provider and not password:
        return "no password", "Enter your password to confirm it is you."
    if not by_provider and not by.check_password(password or ""):
        return "wrong password", PASSWORD_WRONG
    if has_second_factor(by):
        if not code.strip():
            return "no code", "Enter the code your authenticator app shows."
        checked = second_factor_verify(user=by, code=code, ip=ip)
        if checked.outcome == Outcome.PAUSED:
            return (
                "second factor paused",
                "Too many wrong codes in a row. Wait a few minutes, then try again.",
            )
        if not checked.ok:
            return "wrong code", CODE_WRONG
    elif not by_provider:
        return "no second factor", "Set up your authenticator app first: revealing needs its code."
    return "", ""


@sensitive_variables("password", "code", "values", "value", "credential")
def credential_reveal(
    *,
    account: Account,
    by: User,
    reason: str,
    fields: list[str],
    password: str | None = None,
    proof: Proof | None = None,
    code: str = "",
    break_glass: bool = False,
    ip: str | None = None,
) -> list[Shown]:
    """The secrets `fields` of `account`, for `by`, who proves who they are with `password`
    (or, with `password` None, `proof` of a fresh sign-in at the identity provider) and their
    second-factor `code`.
    Raises RevealRefused, after recording the refusal, if anything is missing or wrong.

    Deliberately not one transaction: a refusal's record must stand when the refusal is raised.
    """
    fields = [field for field in SECRET_FIELDS if field in fields] or (
        [] if fields else list(SECRET_FIELDS)
    )
    break_glass = bool(break_glass) and acts_as_delegate(by)
    # The code check writes its own records (and the pause after wrong codes): in a transaction.
    with transaction.atomic():
        refusal, message = _why_not_asked(
            account=account, by=by, reason=reason, fields=fields, break_glass=break_glass
        )
        if not refusal:
            refusal, message = _why_not_proved(
                by=by, password=password, proof=proof, code=code, ip=ip
            )
    if refusal:
        _refuse(
            account=account,
            by=by,
            reason=reason,
            fields=fields,
            refusal=refusal,
            break_glass=break_glass,
            ip=ip,
        )
        raise RevealRefused(message)
    by_provider = proof is not None and proof.method == ProofMethod.IDENTITY_PROVIDER
    reveal = _record(
        account=account,
        by=by,
        reason=reason,
        fields=fields,
        break_glass=break_glass,
        method=ProofMethod.IDENTITY_PROVIDER if by_provider else ProofMethod.PASSWORD,
        ip=ip,
    )
    credential = Credential.objects.get(account=account)
    assert reveal.pk is not None  # on the record before anything is opened
    return [_open(credential, field) for field in fields]


@transaction.atomic
def _record(
    *,
    account: Account,
    by: User,
    reason: str,
    fields: list[str],
    break_glass: bool,
    method: str,
    ip: str | None,
) -> Reveal:
    """The reveal on the record, and the Chief Executive told of a delegate's, before anything
    is opened: if any of it fails, this raises and nothing is shown."""
    reveal = Reveal.objects.create(
        account=account,
        by=by,
        at=timezone.now(),
        reason=reason,
        fields=",".join(fields),
        outcome=Reveal.Outcome.SHOWN,
        break_glass=break_glass,
        proof=method,
        ip=ip,
    )
    audit_record(
        verb=SocialEvent.REVEALED,
        actor=by,
        obj=account,
        changes={
            "reason": reason,
            "fields": fields,
            "break_glass": break_glass,
            "as_delegate": acts_as_delegate(by),
            "proof": method,
        },
        ip=ip,
    )
    if break_glass:
        _tell_of_break_glass(reveal)
    return reveal


def _tell_of_break_glass(reveal: Reveal) -> None:
    recipients = chief_executive_recipients()
    notifications_queue_many(
        messages=[
            Message(
                to=person,
                template=SocialEmail.BREAK_GLASS,
                dedup_key=break_glass_key(
                    reveal.pk, str(person.pk if isinstance(person, User) else person)
                ),
                context={
                    "reveal": reveal,
                    "account": reveal.account,
                    "by": reveal.by,
                    "fields": [SECRET_LABELS[f] for f in reveal.fields.split(",") if f],
                },
                url=reverse("socialmedia:reveals") + f"?account={reveal.account_id}",
            )
            for person in recipients
        ]
    )


@sensitive_variables("value", "credential")
def _open(credential: Credential, field: str) -> Shown:
    at = crypto.place(credential.account_id, field)
    try:
        value = crypto.unseal(getattr(credential, f"{field}_sealed"), at=at)
    except crypto.SecretUnreadable as error:
        return Shown(field, SECRET_LABELS[field], unreadable=str(error))
    return Shown(field, SECRET_LABELS[field], value=value)
