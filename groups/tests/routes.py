"""The chat-group register's routes in the whole-portal access table
(portal/testing/route_table.py says how it is read)."""

from groups.models import ChatGroup, ClearDownCycle, ClearDownPrompt
from groups.tests.factories import ChatGroupFactory
from portal.lib.signed_links import signed_link_token
from portal.roles import Role
from portal.testing.route_table import Entry, People, Persona, either, everyone, only, owner_only

DPO = (Role.DPO, Role.DEPUTY_DPO)


# --- Clear-down cycles -------------------------------------------------------------------------


def _link_holder(persona: Persona) -> int:
    """The emailed link works with its token alone (groups/cleardown_links.py): for its
    person, or anyone not signed in; someone signed in as another person is refused."""
    return 200 if persona.anonymous or persona.owner else 403


CLEARDOWN_ROUTES = {
    "groups:cleardown_link": Entry(get=_link_holder, post=_link_holder),
    "groups:cleardowns_owed": Entry(get=everyone(200), post=everyone(405)),
    "groups:cleardown_guide": Entry(get=everyone(200), post=everyone(405)),
    # alice's own prompt; anyone else's is a 404.
    "groups:cleardown_confirm": Entry(
        get=everyone(405), post=owner_only(302), model=ClearDownPrompt
    ),
    # A period of a group alice runs: the DPO may see the group but not post its prompt (403).
    "groups:cleardown_posted": Entry(
        get=everyone(405),
        post=either(owner_only(302), only(*DPO, answer=403, others=404), unless=404),
        model=ClearDownCycle,
    ),
}


def cleardown_scene(people: People) -> dict:
    from groups.cleardown_links import PURPOSE
    from groups.tests.factories import ClearDownCycleFactory, ClearDownPromptFactory

    run_by_alice = ChatGroupFactory(approved=True, admin=people.owner)
    cycle = ClearDownCycleFactory(group=run_by_alice)
    prompt = ClearDownPromptFactory(cycle=cycle, user=people.owner)
    token = signed_link_token(purpose=PURPOSE, user_id=people.owner.pk, object_id=cycle.pk)
    return {
        "groups:cleardown_link": {"cycle_pk": cycle.pk, "user_pk": people.owner.pk, "token": token},
        "groups:cleardown_confirm": {"pk": prompt.pk},
        "groups:cleardown_posted": {"pk": cycle.pk},
    }


# A group alice is in: hers, and the DPO's and deputy's (everyone else: 404).
_member_or_dpo = either(owner_only(200), only(*DPO, answer=200, others=404), unless=404)

ROUTES = {
    "groups:mine": Entry(get=everyone(200), post=everyone(200)),
    "groups:group": Entry(get=_member_or_dpo, post=_member_or_dpo, model=ChatGroup),
    **CLEARDOWN_ROUTES,
}


def scene(people: People) -> dict:
    """An approved group run by someone else, with alice as a member."""
    group = ChatGroupFactory(approved=True, members=[people.owner])
    return {"groups:group": {"pk": group.pk}, **cleardown_scene(people)}
