"""The social media app's routes in the whole-portal access table
(portal/testing/route_table.py says how it is read).

The scene's account is alice's (the owner persona): she applied for it, owns it and is on its
team; bob (her line manager) is on its team too, so the team's answers are his. The Chief
Executive and the delegate see and act on every account; anyone else gets 404 (they must not
learn it exists). A permission request is alice's: hers and the deciders'.

Rules, written once for every page:
- `account_page(...)`: owner, team (bob), deciders, and others (404).
- `deciders(answer)`: the Chief Executive and delegate; owner and team 403; others 404.
"""

from collections.abc import Mapping
from typing import Any

from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.models import User
from portal.roles import Role
from portal.testing.route_table import (
    SIGN_IN,
    Answer,
    Entry,
    People,
    Persona,
    Rule,
    public,
)
from portal.testing.second_factor import authenticator_for, totp_code
from portal.tests.factories import TEST_PASSWORD
from socialmedia.models import Account, MfaMethod, Rotation, Storage
from socialmedia.tests.factories import AccountFactory, CredentialFactory, RevealFactory

DECIDERS = frozenset({Role.CHIEF_EXECUTIVE, Role.CE_DELEGATE})


def is_decider(persona: Persona) -> bool:
    return bool(persona.roles & DECIDERS)


def account_page(
    *,
    owner: Answer,
    team: Answer | None = None,
    decider: Answer | None = None,
    others: Answer = 404,
) -> Rule:
    """A page about alice's account: the owner's answer; the team's (bob; the owner's answer
    unless given); the deciders' (the owner's unless given); everyone else's."""

    def rule(persona: Persona) -> Answer:
        if persona.anonymous:
            return SIGN_IN
        if is_decider(persona):
            return owner if decider is None else decider
        if persona.owner:
            return owner
        if persona.line_manager:
            return owner if team is None else team
        return others

    return rule


def deciders(answer: Answer, *, seen_by_others: bool = True) -> Rule:
    """A decider's page about alice's account or request: theirs; 403 to alice and her team
    (they may see the record), 404 to anyone else. With `seen_by_others=False` (a page not
    about one record, such as the register) everyone else signed in gets 403."""

    def rule(persona: Persona) -> Answer:
        if persona.anonymous:
            return SIGN_IN
        if is_decider(persona):
            return answer
        if persona.owner or persona.line_manager or not seen_by_others:
            return 403
        return 404

    return rule


ROUTES = {
    "socialmedia:account": Entry(get=account_page(owner=200), post=public(405), model=Account),
}


def bob(people: People) -> User:
    """Alice's line manager, on her account's team in every scene."""
    return next(
        person
        for persona, person in people.by_persona.items()
        if persona.line_manager and person is not None
    )


def alices_account(people: People, **fields) -> Account:
    """An active account of alice's with bob on its team and credentials registered. Each part
    makes its own in its scene, so that one part's POSTs never change another's record."""
    account = AccountFactory(applicant=people.owner, team=[bob(people)], **fields)
    CredentialFactory(account=account)
    return account


# ---- Opening and the credential register ----
# Alice opens her approved account (the deciders and bob may see it: 403); she and the deciders
# keep the credentials of her active one (bob: 403); only the deciders reveal them.
_DECIDERS_KEY = "creds_decider_device"


def _open_form(scene: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "handle": "@WestshireOPCC_Open",
        "url": "https://x.example.com/WestshireOPCC_Open",
        "storage": Storage.PORTAL,
        "username": "westshire.open",
        "password": "Walk-Open-Password-1",
        "password_again": "Walk-Open-Password-1",
        "mfa_method": MfaMethod.APP,
    }


def _reveal_form(scene: Mapping[str, Any]) -> dict[str, Any]:
    # Both deciders' authenticators share one key (see _creds_scene): one code serves either.
    device = TOTPDevice.objects.get(pk=scene[_DECIDERS_KEY])
    return {
        "reason": "The owner is away and a post must come down.",
        "fields_wanted": ["password"],
        "password": TEST_PASSWORD,
        "code": totp_code(device),
        "break_glass": "on",
    }


ROUTES |= {
    "socialmedia:open": Entry(
        get=account_page(owner=200, team=403, decider=403),
        post=account_page(owner=302, team=403, decider=403),
        form=_open_form,
        model=Account,
    ),
    "socialmedia:credentials_edit": Entry(
        get=account_page(owner=200, team=403),
        post=account_page(owner=302, team=403),
        form=lambda scene: {
            "storage": Storage.PORTAL,
            "mfa_method": MfaMethod.SECURITY_KEY,
            "recovery_email": "walk-recovery@example.org",
        },
        model=Account,
    ),
    "socialmedia:password_change": Entry(
        get=account_page(owner=200, team=403),
        post=account_page(owner=302, team=403),
        form=lambda scene: {
            "password": "Walk-New-Password-2",
            "password_again": "Walk-New-Password-2",
            "why": Rotation.Why.TEAM_CHANGED,
        },
        model=Account,
    ),
    "socialmedia:reveal": Entry(
        get=deciders(200), post=deciders(200), form=_reveal_form, model=Account
    ),
    # Signed in with a password, there is no identity provider to go to: back to the page.
    "socialmedia:reveal_confirm_identity": Entry(
        get=public(405), post=deciders(302), model=Account
    ),
    "socialmedia:reveals": Entry(get=deciders(200, seen_by_others=False), post=public(405)),
}


def _creds_scene(people: People) -> dict[str, Any]:
    approved = AccountFactory(
        applicant=people.owner, team=[bob(people)], status=Account.Status.APPROVED
    )
    active = alices_account(
        people, rotation_due_since=timezone.now(), rotation_due_reason="Bob left the team"
    )
    RevealFactory(account=active, by=people.holding(Role.CHIEF_EXECUTIVE))
    devices = [
        authenticator_for(people.holding(role)) for role in (Role.CHIEF_EXECUTIVE, Role.CE_DELEGATE)
    ]
    TOTPDevice.objects.filter(pk__in=[d.pk for d in devices]).update(key=devices[0].key)
    return {
        _DECIDERS_KEY: devices[0].pk,
        "socialmedia:open": {"pk": approved.pk},
        "socialmedia:credentials_edit": {"pk": active.pk},
        "socialmedia:password_change": {"pk": active.pk},
        "socialmedia:reveal": {"pk": active.pk},
        "socialmedia:reveal_confirm_identity": {"pk": active.pk},
    }


def scene(people: People) -> dict[str, dict]:
    return {
        "socialmedia:account": {"pk": alices_account(people).pk},
        # ---- Opening and the credential register ----
        **_creds_scene(people),
    }
