"""Signing a declaration: the person types their full name and proves again who they are: they
re-enter their password, or, having signed in through the organisation's identity provider,
sign in again there just before (portal.reauth gives the proof).

A refused attempt records nothing but an audit event saying it was refused (never the password);
a successful one records, once and for ever, what was signed, by whom, when and from where.
"""

from collections.abc import Collection
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from declarations.events import DeclarationEmail, DeclarationEvent
from declarations.models import Campaign, Declaration, Obligation
from declarations.outbox import receipt_key
from declarations.selectors import extra_statements_for
from declarations.services.checks import NOT_PASSED, check_result, passed_attempt
from declarations.services.reading import reading_evidence
from portal.models import AuditEvent, User
from portal.reauth import Proof, ProofMethod
from portal.services.audit import audit_record
from portal.services.notifications import notification_queue

# Re-entering a password is a second chance to guess it; limit the guesses as login does.
MAX_REFUSALS = 5
REFUSAL_WINDOW = timedelta(minutes=15)

NAME_MISMATCH = "The name you typed does not match the name on your account ({name})."
PASSWORD_MISMATCH = "The password is not right. Enter the password you use to sign in."
ALREADY_SIGNED = "You have already signed this declaration. Nothing more is needed."


class SignatureRefused(ValidationError):
    """Raised with the reasons, by field, that a signature was not accepted."""


def not_ticked_message(version_name: str) -> str:
    return f"Tick “I have read” for {version_name} once you have read it."


def _normalise(name: str) -> str:
    return " ".join(name.split()).casefold()


def names_match(typed: str, full_name: str) -> bool:
    """Case and spacing do not matter; every letter does."""
    return bool(typed.strip()) and _normalise(typed) == _normalise(full_name)


def _recent_refusals(user: User) -> int:
    return AuditEvent.objects.filter(
        verb=DeclarationEvent.DECLARATION_SIGNATURE_REFUSED,
        actor=user,
        at__gte=timezone.now() - REFUSAL_WINDOW,
    ).count()


@transaction.atomic
def declaration_signature_refuse(
    *, obligation: Obligation, by: User, reasons: list[str], ip=None
) -> None:
    """Record that a signature was refused and why (the password itself is never recorded)."""
    audit_record(
        verb=DeclarationEvent.DECLARATION_SIGNATURE_REFUSED,
        actor=by,
        obj=obligation,
        changes={"campaign": obligation.campaign.name, "reasons": reasons},
        ip=ip,
    )


def _refuse_unless_read_and_passed(obligation: Obligation, read: Collection[int]) -> None:
    """Every version ticked "I have read", and the comprehension check passed if there is one."""
    unread = [
        f"{v.policy.title}, version {v.label}"
        for v in obligation.campaign.versions.select_related("policy")
        if v.pk not in read
    ]
    if unread:
        raise SignatureRefused([not_ticked_message(title) for title in sorted(unread)])
    if (
        obligation.campaign.questions.exists()
        and not obligation.check_attempts.filter(passed=True).exists()
    ):
        raise SignatureRefused(NOT_PASSED)


def declaration_sign(
    *,
    obligation: Obligation,
    by: User,
    typed_name: str,
    read: Collection[int],
    password: str | None = None,
    proof: Proof | None = None,
    ip: str | None = None,
    user_agent: str = "",
) -> Declaration:
    """Sign `obligation` as `by`, who proves who they are with `password`, or with `proof` of a
    fresh sign-in at the identity provider (portal.reauth.reauth_proof, which only gives one
    that is recent), having ticked "I have read" for each version (`read`: their ids), and
    passed the campaign's comprehension check if it has one. Raises SignatureRefused if a tick
    is missing, the check is not passed, the name or password is wrong (after recording the
    refusal) or it was signed already; nothing else is written then.

    Deliberately not one transaction: the refusal's audit event must survive the refusal.
    """
    if obligation.user_id != by.pk:
        # Nobody signs for anyone else, whatever their role.
        raise PermissionDenied("Only the person named can sign their own declaration.")
    if obligation.campaign.status != Campaign.Status.OPEN:
        raise SignatureRefused("This campaign is closed: it can no longer be signed.")
    if obligation.status == Obligation.Status.SIGNED:
        raise SignatureRefused(ALREADY_SIGNED)
    if obligation.status == Obligation.Status.WITHDRAWN:
        raise SignatureRefused("You are no longer asked to sign this declaration.")
    _refuse_unless_read_and_passed(obligation, read)
    if _recent_refusals(by) >= MAX_REFUSALS:
        raise SignatureRefused(
            "Too many attempts. Wait 15 minutes and try again, or ask the IT helpdesk for help."
        )
    errors: dict[str, list[str]] = {}
    if not names_match(typed_name, by.full_name):
        errors["typed_name"] = [NAME_MISMATCH.format(name=by.full_name)]
    by_provider = proof is not None and proof.method == ProofMethod.IDENTITY_PROVIDER
    if not by_provider and not by.check_password(password or ""):
        errors["password"] = [PASSWORD_MISMATCH]
    if errors:
        reasons = [
            {"typed_name": "name did not match", "password": "password did not match"}[field]
            for field in errors
        ]
        declaration_signature_refuse(obligation=obligation, by=by, reasons=reasons, ip=ip)
        raise SignatureRefused(errors)
    checked = proof if by_provider else Proof(ProofMethod.PASSWORD, timezone.now())
    assert checked is not None  # by_provider: proof is set
    return _declaration_record(
        obligation=obligation,
        by=by,
        typed_name=typed_name,
        checked=checked,
        ip=ip,
        user_agent=user_agent,
    )


def _password_set_by_other(user: User) -> dict | None:
    """Who had set the password just re-entered, when it was not the person themself."""
    if not user.password_set_by_someone_else:
        return None
    setter = user.password_set_by
    assert setter is not None  # password_set_by_someone_else: password_set_by_id is set
    return {
        "by": f"{setter.full_name} <{setter.email}>",
        "by_id": setter.pk,
        "at": user.password_set_at.isoformat() if user.password_set_at else None,
    }


@transaction.atomic
def _declaration_record(
    *,
    obligation: Obligation,
    by: User,
    typed_name: str,
    checked: Proof,
    ip: str | None,
    user_agent: str,
) -> Declaration:
    campaign = obligation.campaign
    signed_at = timezone.now()
    # Claim the obligation first: of two submits racing, only one gets past this line.
    # Paused and exempt people may sign if they wish: signing ends either.
    claimed = Obligation.objects.filter(
        pk=obligation.pk,
        status__in=Obligation.SIGNABLE,
    ).update(status=Obligation.Status.SIGNED, signed_at=signed_at)
    if not claimed:
        raise SignatureRefused(ALREADY_SIGNED)
    versions = list(campaign.versions.select_related("policy").order_by("policy__title"))
    extras = extra_statements_for(campaign, by)
    passed = passed_attempt(obligation)
    declaration = Declaration(
        campaign=campaign,
        user=by,
        obligation=obligation,
        versions_signed=[
            {
                "id": v.pk,
                "policy": v.policy.title,
                "label": v.label,
                "effective_date": v.effective_date.isoformat(),
                "sha256": v.content_sha256,
                "pdf_sha256": v.pdf_sha256,
            }
            for v in versions
        ],
        statement=campaign.statement,
        extra_statements=[{"title": s.title, "text": s.text} for s in extras],
        typed_name=" ".join(typed_name.split()),
        signed_at=signed_at,
        ip_address=ip or None,
        user_agent=(user_agent or "")[:500],
        # Someone else's choice of password weakens only a password signature.
        password_set_by_other=(
            _password_set_by_other(by) if checked.method == ProofMethod.PASSWORD else None
        ),
        identity_checked_by=Declaration.IdentityCheck(checked.method.value),
        identity_checked_at=checked.at,
        reading_evidence=reading_evidence(obligation, versions, ticked_at=signed_at),
        check_result=check_result(passed, obligation.check_attempts_allowed) if passed else None,
    )
    try:
        with transaction.atomic():
            declaration.save()
    except IntegrityError:
        # The database's one-per-person-per-campaign rule: a double submit, or a second tab.
        raise SignatureRefused(ALREADY_SIGNED) from None
    declaration.versions.set(versions)
    obligation.status = Obligation.Status.SIGNED
    obligation.signed_at = signed_at
    audit_record(
        verb=DeclarationEvent.DECLARATION_SIGNED,
        actor=by,
        obj=declaration,
        changes={
            "campaign": campaign.name,
            "versions": [
                f"{v['policy']} {v['label']} sha256:{v['sha256']}"
                for v in declaration.versions_signed
            ],
            "extra_statements": [s["title"] for s in declaration.extra_statements],
            "user_agent": declaration.user_agent,
            "identity_checked_by": declaration.identity_checked_by,
            "identity_checked_at": checked.at.isoformat(),
            "reading": declaration.reading_evidence,
            **(
                {"check": {k: v for k, v in declaration.check_result.items() if k != "questions"}}
                if declaration.check_result
                else {}
            ),
            **(
                {"password_set_by_someone_else": declaration.password_set_by_other}
                if declaration.password_set_by_other
                else {}
            ),
        },
        ip=ip,
    )
    notification_queue(
        to=by,
        template=DeclarationEmail.RECEIPT,
        dedup_key=receipt_key(declaration.pk),
        context={"declaration": declaration, "campaign": campaign},
        # "See and print the full record": the email's button opens the record itself.
        url=reverse("declarations:record", args=[declaration.pk]),
    )
    return declaration
