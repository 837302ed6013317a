"""The credential register's parts of an account's page (socialmedia/sections.py): at the top,
what the owner must do now (open an approved account; record a new password that is due), and
below, how the credentials are kept. Never a secret: only where they are kept, the second
sign-in step, and who did what when. Each runs a fixed number of queries."""

from typing import Any

from portal.access import AuthenticatedRequest
from socialmedia.access import is_decider, owns
from socialmedia.models import Account, Credential, Reveal, Storage


def open_prompt(
    request: AuthenticatedRequest, account: Account
) -> tuple[str, dict[str, Any]] | None:
    """An approved account's owner: record that it is open and register its credentials."""
    if account.status != Account.Status.APPROVED or not owns(request.user, account):
        return None
    return "socialmedia/credentials/_open_prompt.html", {"account": account}


def rotation_due(
    request: AuthenticatedRequest, account: Account
) -> tuple[str, dict[str, Any]] | None:
    """A new password is due: for the owner and the deciders, with the button to record it."""
    if not account.rotation_due or not account.is_running:
        return None
    if not (owns(request.user, account) or is_decider(request.user)):
        return None
    return "socialmedia/credentials/_rotation_due.html", {"account": account}


def credentials(
    request: AuthenticatedRequest, account: Account
) -> tuple[str, dict[str, Any]] | None:
    """How the credentials are kept, for everyone who may see the account once it is open."""
    if account.opened_at is None:
        return None
    credential = (
        Credential.objects.filter(account=account)
        .select_related("registered_by", "updated_by")
        .first()
    )
    decider = is_decider(request.user)
    last_reveal = None
    if decider and credential is not None:
        last_reveal = (
            Reveal.objects.filter(account=account, outcome=Reveal.Outcome.SHOWN)
            .select_related("by")
            .first()
        )
    return "socialmedia/credentials/_section.html", {
        "account": account,
        "credential": credential,
        "kept_here": credential is not None and credential.storage == Storage.PORTAL,
        "can_change": account.is_running
        and credential is not None
        and (owns(request.user, account) or decider),
        "can_reveal": decider and credential is not None and credential.storage == Storage.PORTAL,
        "is_decider": decider,
        "last_reveal": last_reveal,
    }
