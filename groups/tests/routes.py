"""The chat-group register's routes in the whole-portal access table
(portal/testing/route_table.py says how it is read)."""

from groups.models import ChatGroup
from groups.tests.factories import ChatGroupFactory, SubmissionFactory
from portal.roles import Role
from portal.testing.route_table import Entry, People, either, everyone, only, owner_only, public
from portal.tests.factories import UserFactory

DPO = (Role.DPO, Role.DEPUTY_DPO)

# A group alice is in: hers, and the DPO's and deputy's (everyone else: 404).
_member_or_dpo = either(owner_only(200), only(*DPO, answer=200, others=404), unless=404)

ROUTES = {
    "groups:mine": Entry(get=everyone(200), post=everyone(200)),
    "groups:group": Entry(get=_member_or_dpo, post=_member_or_dpo, model=ChatGroup),
}


# --- Registration and decisions (reg) -----------------------------------------------------


def _owns(answer: int):
    """Alice's own application or group: hers; the DPO, who may see it but not act as its
    applicant or admin, 403; everyone else 404."""
    return either(owner_only(answer), only(*DPO, answer=403, others=404), unless=404)


def _dpo(answer: int):
    return only(*DPO, answer=answer)


def _application(s) -> dict:
    return {
        "name": "Matrix desk",
        "platform": "whatsapp",
        "purpose": "Cover for the desk.",
        "audience": "The desk team.",
        "will_post": "Shift changes.",
        "never_post": "Operational details.",
        "why_not_corporate": "Away from desks.",
        "expected_size": "4",
        "deputy": s["deputy_email"],
        "cleardown_weekday": "0",
        "cleardown_time": "10:00",
        "members": "",
        "external_members": "",
        "logo_confirmed": "on",
    }


def _change(s) -> dict:
    return {"name": "Matrix team", "platform": "signal", "purpose": "Cover.", "why": "Moving."}


_REASON = {"reason": "Recorded for the matrix."}

ROUTES.update(
    {
        "groups:apply": Entry(get=everyone(200), post=everyone(302), form=_application),
        "groups:apply_send": Entry(get=everyone(200), post=everyone(302), form=_application),
        "groups:edit": Entry(get=_owns(200), post=_owns(302), form=_application, model=ChatGroup),
        "groups:edit_send": Entry(
            get=_owns(200), post=_owns(302), form=_application, model=ChatGroup
        ),
        "groups:propose_change": Entry(
            get=_owns(200), post=_owns(302), form=_change, model=ChatGroup
        ),
        "groups:close": Entry(
            get=_owns(200), post=_owns(302), form=lambda s: _REASON, model=ChatGroup
        ),
        "groups:chat_deleted": Entry(get=public(405), post=_owns(302), model=ChatGroup),
        "groups:decisions": Entry(get=_dpo(200), post=_dpo(200)),
        "groups:decide": Entry(get=_dpo(200), post=public(405), model=ChatGroup),
        "groups:approve": Entry(get=public(405), post=_dpo(302), model=ChatGroup),
        "groups:refuse": Entry(
            get=public(405), post=_dpo(302), form=lambda s: _REASON, model=ChatGroup
        ),
        "groups:ask_changes": Entry(
            get=public(405), post=_dpo(302), form=lambda s: _REASON, model=ChatGroup
        ),
        "groups:suspend": Entry(
            get=_dpo(200), post=_dpo(302), form=lambda s: _REASON, model=ChatGroup
        ),
        "groups:reinstate": Entry(get=public(405), post=_dpo(302), model=ChatGroup),
        "groups:dpo_close": Entry(
            get=_dpo(200), post=_dpo(302), form=lambda s: _REASON, model=ChatGroup
        ),
        "groups:register": Entry(get=_dpo(200), post=_dpo(200)),
        "groups:register_export": Entry(get=_dpo(200), post=public(405)),
    }
)


def scene(people: People) -> dict:
    """An approved group run by someone else, with alice as a member; and for the registration
    routes: alice's draft, her approved and closed groups, someone else's application awaiting
    the DPO and someone else's suspended group."""
    group = ChatGroupFactory(approved=True, members=[people.owner])
    deputy = UserFactory(full_name="Matrix Deputy")
    draft = ChatGroupFactory(admin=people.owner, deputy=deputy)
    hers = ChatGroupFactory(approved=True, admin=people.owner)
    closed = ChatGroupFactory(approved=True, admin=people.owner, status=ChatGroup.Status.CLOSED)
    waiting = SubmissionFactory().group
    suspended = ChatGroupFactory(approved=True, status=ChatGroup.Status.SUSPENDED)
    return {
        "groups:group": {"pk": group.pk},
        "deputy_email": deputy.email,
        "groups:edit": {"pk": draft.pk},
        "groups:edit_send": {"pk": draft.pk},
        "groups:propose_change": {"pk": hers.pk},
        "groups:close": {"pk": hers.pk},
        "groups:chat_deleted": {"pk": closed.pk},
        "groups:decide": {"pk": waiting.pk},
        "groups:approve": {"pk": waiting.pk},
        "groups:refuse": {"pk": waiting.pk},
        "groups:ask_changes": {"pk": waiting.pk},
        "groups:suspend": {"pk": hers.pk},
        "groups:dpo_close": {"pk": hers.pk},
        "groups:reinstate": {"pk": suspended.pk},
    }
