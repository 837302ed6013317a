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

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django.utils.timezone import now
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.models import User
from portal.roles import Role
from portal.testing.route_table import (
    NON_OWNER,
    SIGN_IN,
    Answer,
    Entry,
    People,
    Persona,
    Rule,
    everyone,
    public,
)
from portal.testing.second_factor import authenticator_for, totp_code
from portal.testing.uploads import PDF_BYTES
from portal.tests.factories import TEST_PASSWORD, UserFactory
from socialmedia.models import (
    Account,
    HandOver,
    Kind,
    MfaMethod,
    PermissionRequest,
    Rotation,
    Storage,
    Subkind,
    TeamMember,
    VersionAttachment,
)
from socialmedia.tests.factories import (
    AccountFactory,
    CredentialFactory,
    DecisionFactory,
    PermissionRequestFactory,
    RevealFactory,
    VersionAttachmentFactory,
)

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


# ---- Applications and decisions ----
# Its own accounts of alice's (bob on each team): one waiting for a decision (decide), one with
# changes asked for (her revision) and an active one with its approval (the letter). Anyone may
# apply; the team named is bob and charlie, so that either of them applying still names a
# colleague.


def _applications_form(scene) -> dict:
    return {
        "platform": "instagram",
        "name": "Westshire OPCC",
        "handle": "@westshireopcc",
        "purpose": "Show the Commissioner's work in the community.",
        "audience": "Young people in Westshire.",
        "website_link": "https://www.westshire.example.org/",
        "content_plan": "Three posts a week.",
        "team": scene["_applications_team"]["lines"],
        "responsibilities_confirmed": "on",
    }


def _decision_form(scene) -> dict:
    return {"outcome": "changes_asked", "reason": "Say who will post at weekends."}


ROUTES.update(
    {
        "socialmedia:apply": Entry(get=everyone(200), post=everyone(302), form=_applications_form),
        "socialmedia:mine": Entry(get=everyone(200), post=public(405)),
        "socialmedia:application_sent": Entry(
            get=account_page(owner=200, team=403, decider=403),
            post=public(405),
            model=Account,
        ),
        "socialmedia:application_edit": Entry(
            get=account_page(owner=200, team=403, decider=403),
            post=account_page(owner=302, team=403, decider=403),
            form=_applications_form,
            model=Account,
        ),
        # A role page first (403 to everyone else, a superuser too), then the account.
        "socialmedia:decide": Entry(
            get=deciders(200, seen_by_others=False),
            post=deciders(302, seen_by_others=False),
            form=_decision_form,
            model=Account,
        ),
        "socialmedia:letter": Entry(get=account_page(owner=200), post=public(405), model=Account),
        "socialmedia:decisions": Entry(get=deciders(200, seen_by_others=False), post=public(405)),
        "socialmedia:register": Entry(get=deciders(200, seen_by_others=False), post=public(405)),
        "socialmedia:register_csv": Entry(
            get=deciders(200, seen_by_others=False), post=public(405)
        ),
    }
)


def _applications_scene(people: People) -> dict[str, dict]:
    charlie = next(
        person
        for persona, person in people.by_persona.items()
        if persona == NON_OWNER and person is not None
    )
    chief_executive = next(
        person
        for persona, person in people.by_persona.items()
        if Role.CHIEF_EXECUTIVE in persona.roles and person is not None
    )
    waiting = AccountFactory(
        applicant=people.owner, team=[bob(people)], status=Account.Status.APPLIED
    )
    asked = AccountFactory(
        applicant=people.owner, team=[bob(people)], status=Account.Status.CHANGES_ASKED
    )
    approved = alices_account(people)
    DecisionFactory(account=approved, decided_by=chief_executive)
    return {
        "_applications_team": {"lines": f"{bob(people).email}\n{charlie.email}"},
        "socialmedia:application_sent": {"pk": waiting.pk},
        "socialmedia:application_edit": {"pk": asked.pk},
        "socialmedia:decide": {"pk": waiting.pk},
        "socialmedia:letter": {"pk": approved.pk},
    }


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
        people, rotation_due_since=now(), rotation_due_reason="Bob left the team"
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
        **_applications_scene(people),
        # ---- Opening and the credential register ----
        **_creds_scene(people),
        # ---- The team, leavers, hand-over and closure ----
        **_team_scene(people),
        # ---- Reviews and reminders ----
        **_reviews_scene(people),
        # ---- Permissions from the Chief Executive ----
        **_permissions_scene(people),
    }


# ---- The team, leavers, hand-over and closure ----

# The team page: the owner and deciders manage it, the team (bob) looks. The owner's own acts
# (rename, hand over) are refused to the deciders (403); closing is the owner's or a decider's.
# Bob answers the hand-over offered to him: alice and the deciders get 403.
_OWNERS = account_page(owner=302, team=403, decider=403)
_REASON = {"reason": "It does not link back to the website."}

ROUTES.update(
    {
        "socialmedia:team": Entry(get=account_page(owner=200), post=public(405), model=Account),
        "socialmedia:team_add": Entry(
            get=everyone(405),
            post=account_page(owner=302, team=403),
            form=lambda s: {"person": s["team_newcomer_email"]},
            model=Account,
        ),
        "socialmedia:team_remove": Entry(
            get=account_page(owner=200, team=403),
            post=account_page(owner=302, team=403),
            form=lambda s: {"reason": "Moved to another team."},
            model=TeamMember,
        ),
        "socialmedia:owner_assign": Entry(
            get=deciders(200),
            post=deciders(302),
            form=lambda s: {"new_owner": s["team_bob_pk"]},
            model=Account,
        ),
        "socialmedia:rename": Entry(
            get=account_page(owner=200, team=403, decider=403),
            post=_OWNERS,
            form=lambda s: {"name": "Westshire Commissioner", "handle": "@WestshireCommissioner"},
            model=Account,
        ),
        "socialmedia:handover": Entry(
            get=account_page(owner=200, team=403, decider=403),
            post=_OWNERS,
            form=lambda s: {"to_owner": s["team_bob_pk"], "note": "Over to you."},
            model=Account,
        ),
        "socialmedia:handover_answer": Entry(
            get=everyone(405),
            post=account_page(owner=403, team=302, decider=403),
            form=lambda s: {"answer": "accept"},
            model=Account,
        ),
        "socialmedia:handover_withdraw": Entry(get=everyone(405), post=_OWNERS, model=Account),
        "socialmedia:close": Entry(
            get=account_page(owner=200, team=403),
            post=account_page(owner=302, team=403),
            form=lambda s: {"reason": "The campaign is over.", "deleted_on_platform": "on"},
            model=Account,
        ),
        "socialmedia:suspend": Entry(
            get=deciders(200), post=deciders(302), form=lambda s: _REASON, model=Account
        ),
        "socialmedia:reinstate": Entry(
            get=deciders(200), post=deciders(302), form=lambda s: _REASON, model=Account
        ),
        "socialmedia:order_closure": Entry(
            get=deciders(200), post=deciders(302), form=lambda s: _REASON, model=Account
        ),
    }
)


def _team_scene(people: People) -> dict:
    """Alice's accounts for this part: one running with bob and a third person on its team (so
    one can come off and leave two); one with a hand-over to bob waiting; one suspended; one
    whose owner left, applied for by alice, with alice and bob on its team; one ordered
    closed."""
    alice, manager = people.owner, bob(people)
    running = alices_account(people)
    third = TeamMember.objects.create(
        account=running, user=UserFactory(), added_at=running.opened_at, added_by=alice
    )
    offered = alices_account(people)
    HandOver.objects.create(
        account=offered, from_owner=alice, to_owner=manager, proposed_at=offered.opened_at
    )
    suspended = alices_account(people, status=Account.Status.SUSPENDED, suspended_reason="No link")
    # A decider closes an account only once it is ordered closed (or its owner left).
    ordered = alices_account(people)
    DecisionFactory(account=ordered, outcome="closure_ordered", reason="Not used for a year.")
    leaver = UserFactory(is_active=False)
    orphan = AccountFactory(applicant=alice, owner=leaver, team=[alice, manager])
    orphan.team.filter(user=leaver).update(
        removed_at=orphan.opened_at, removal_reason="left the organisation"
    )
    return {
        "team_newcomer_email": UserFactory().email,
        "team_bob_pk": manager.pk,
        "socialmedia:team": {"pk": running.pk},
        "socialmedia:team_add": {"pk": running.pk},
        "socialmedia:team_remove": {"pk": third.pk},
        "socialmedia:owner_assign": {"pk": orphan.pk},
        "socialmedia:rename": {"pk": running.pk},
        "socialmedia:handover": {"pk": running.pk},
        "socialmedia:handover_answer": {"pk": offered.pk},
        "socialmedia:handover_withdraw": {"pk": offered.pk},
        "socialmedia:close": {"pk": ordered.pk},
        "socialmedia:suspend": {"pk": running.pk},
        "socialmedia:reinstate": {"pk": suspended.pk},
        "socialmedia:order_closure": {"pk": running.pk},
    }


# ---- Reviews and reminders ----


def _reviews_scene(people: People) -> dict[str, dict]:
    """Alice's own account, its review due."""
    account = alices_account(people, review_due_at=timezone.now())
    return {"socialmedia:review": {"pk": account.pk}}


ROUTES |= {
    # The owner reviews; her team and the deciders may see the account but not review it.
    "socialmedia:review": Entry(
        get=account_page(owner=200, team=403, decider=403),
        post=account_page(owner=302, team=403, decider=403),
        form=lambda scene: {"accurate": "on", "links_back": "on", "team_right": "on"},
        model=Account,
    ),
}


# ---- Permissions from the Chief Executive ----


# A request is its requester's (alice) and the deciders'; anyone else, bob included (a request
# has no team), must not learn it exists.


def requester_or_deciders(*, requester: Answer, decider: Answer) -> Rule:
    def rule(persona: Persona) -> Answer:
        if persona.anonymous:
            return SIGN_IN
        if is_decider(persona):
            return decider
        return requester if persona.owner else 404

    return rule


def _permissions_scene(people: People) -> dict[str, dict]:
    """A press release of alice's waiting for a decision, with one file, and another the Chief
    Executive asked changes to (for revising)."""
    submitted = PermissionRequestFactory(requester=people.owner)
    attachment = VersionAttachmentFactory(version=submitted.versions.get())
    changes_asked = PermissionRequestFactory(
        requester=people.owner, status=PermissionRequest.Status.CHANGES_ASKED
    )
    return {
        "socialmedia:permission": {"pk": submitted.pk},
        "socialmedia:permission_decide": {"pk": submitted.pk},
        "socialmedia:permission_withdraw": {"pk": submitted.pk},
        "socialmedia:permission_revise": {"pk": changes_asked.pk},
        "socialmedia:permission_file": {"pk": attachment.pk},
    }


def _permission_request_form(scene) -> dict:
    return {
        "kind": Kind.PUBLICATION,
        "subkind": Subkind.ARTICLE,
        "title": "Article for the parish magazine",
        "text": "How the rural crime hub helps farmers.",
        "attachments": SimpleUploadedFile("article.pdf", PDF_BYTES, "application/pdf"),
    }


ROUTES |= {
    "socialmedia:permission_new": Entry(
        get=everyone(200),
        post=everyone(302),
        form=_permission_request_form,
        multipart=True,
    ),
    "socialmedia:permissions_mine": Entry(get=everyone(200), post=public(405)),
    "socialmedia:permissions": Entry(get=deciders(200, seen_by_others=False), post=public(405)),
    "socialmedia:permission": Entry(
        get=requester_or_deciders(requester=200, decider=200),
        post=public(405),
        model=PermissionRequest,
    ),
    "socialmedia:permission_file": Entry(
        get=requester_or_deciders(requester=200, decider=200),
        post=public(405),
        model=VersionAttachment,
    ),
    "socialmedia:permission_decide": Entry(
        get=requester_or_deciders(requester=403, decider=200),
        post=requester_or_deciders(requester=403, decider=302),
        form=lambda scene: {
            "version": "1",
            "outcome": "approved_with_conditions",
            "conditions": "Complete media training first.",
        },
        model=PermissionRequest,
    ),
    "socialmedia:permission_revise": Entry(
        get=requester_or_deciders(requester=200, decider=403),
        post=requester_or_deciders(requester=302, decider=403),
        form=lambda scene: {
            "text": "The hub opens to the public on Monday.",
            "change_note": "Added the opening day.",
        },
        multipart=True,
        model=PermissionRequest,
    ),
    "socialmedia:permission_withdraw": Entry(
        get=requester_or_deciders(requester=200, decider=403),
        post=requester_or_deciders(requester=302, decider=403),
        form=lambda scene: {"reason": "The event was cancelled."},
        model=PermissionRequest,
    ),
}
