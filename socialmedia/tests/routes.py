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
from socialmedia.models import Account
from socialmedia.tests.factories import AccountFactory, CredentialFactory

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


def scene(people: People) -> dict[str, dict]:
    arguments = {
        "socialmedia:account": {"pk": alices_account(people).pk},
    }
    # ---- Permissions from the Chief Executive ----
    arguments |= _permissions_scene(people)
    return arguments


# ---- Permissions from the Chief Executive ----
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402 (the part's block)

from portal.testing.route_table import everyone  # noqa: E402
from portal.testing.uploads import PDF_BYTES  # noqa: E402
from socialmedia.models import Kind, PermissionRequest, Subkind, VersionAttachment  # noqa: E402
from socialmedia.tests.factories import (  # noqa: E402
    PermissionRequestFactory,
    VersionAttachmentFactory,
)

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
