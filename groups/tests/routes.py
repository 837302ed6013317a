"""The chat-group register's routes in the whole-portal access table
(portal/testing/route_table.py says how it is read)."""

from groups.models import ChatGroup
from groups.tests.factories import ChatGroupFactory
from portal.roles import Role
from portal.testing.route_table import Entry, People, either, everyone, only, owner_only

DPO = (Role.DPO, Role.DEPUTY_DPO)

# A group alice is in: hers, and the DPO's and deputy's (everyone else: 404).
_member_or_dpo = either(owner_only(200), only(*DPO, answer=200, others=404), unless=404)

ROUTES = {
    "groups:mine": Entry(get=everyone(200), post=everyone(200)),
    "groups:group": Entry(get=_member_or_dpo, post=_member_or_dpo, model=ChatGroup),
    # reports: the DPO's pages (read only: a POST is not allowed even for them).
    "groups:overview": Entry(get=only(*DPO, answer=200), post=only(*DPO, answer=405)),
    "groups:as_at": Entry(get=only(*DPO, answer=200), post=only(*DPO, answer=405), model=ChatGroup),
}


def scene(people: People) -> dict:
    """An approved group run by someone else, with alice as a member."""
    group = ChatGroupFactory(approved=True, members=[people.owner])
    return {"groups:group": {"pk": group.pk}, "groups:as_at": {"pk": group.pk}}
