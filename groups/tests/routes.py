"""The chat-group register's routes in the whole-portal access table
(portal/testing/route_table.py says how it is read)."""

from django.utils import timezone

from groups.models import ChatGroup, Hold, HoldNotice
from groups.tests.factories import ChatGroupFactory, HoldFactory, HoldNoticeFactory
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


# ---- Holds: the DPO's pages, and the notice only its person opens (even the DPO: 404).
def _dpo(get: int = 200, post: int = 302) -> dict:
    return {"get": only(*DPO, answer=get), "post": only(*DPO, answer=post)}


ROUTES |= {
    "groups:holds": Entry(**_dpo(post=200)),
    "groups:hold_place": Entry(
        **_dpo(),
        form=lambda s: {
            "kind": Hold.Kind.FOI,
            "reference": "FOI-2026-0999",
            "request_received_on": timezone.localdate().isoformat(),
            "covers": "groups",
            "groups": [s["groups:group"]["pk"]],
        },
    ),
    "groups:hold": Entry(**_dpo(post=200), model=Hold),
    "groups:hold_reissue": Entry(
        **_dpo(get=405), form=lambda s: {"to": "unacknowledged"}, model=Hold
    ),
    "groups:hold_search": Entry(
        **_dpo(get=405),
        form=lambda s: {
            "searched_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "searched_by": s["groups_hold_searcher"],
            "groups": [s["groups:group"]["pk"]],
            "found": "Nothing about the request.",
        },
        model=Hold,
    ),
    "groups:hold_release": Entry(
        **_dpo(get=405), form=lambda s: {"reason": "The FOI request was answered."}, model=Hold
    ),
    "groups:hold_notice": Entry(get=owner_only(200), post=owner_only(200), model=HoldNotice),
    "groups:hold_notice_acknowledge": Entry(
        get=everyone(405), post=owner_only(302), form=lambda s: {"confirm": "on"}, model=HoldNotice
    ),
}


def _holds_scene(people: People, group: ChatGroup) -> dict:
    """An open hold on alice's group, with her notice unacknowledged."""
    hold = HoldFactory(groups=[group])
    notice = HoldNoticeFactory(hold=hold, user=people.owner)
    return {
        "groups_hold_searcher": people.owner.email,
        **{
            name: {"pk": hold.pk}
            for name in ("groups:hold", "groups:hold_reissue", "groups:hold_search")
        },
        "groups:hold_release": {"pk": hold.pk},
        "groups:hold_notice": {"pk": notice.pk},
        "groups:hold_notice_acknowledge": {"pk": notice.pk},
    }


def scene(people: People) -> dict:
    """An approved group run by someone else, with alice as a member."""
    group = ChatGroupFactory(approved=True, members=[people.owner])
    return {
        "groups:group": {"pk": group.pk},
        "groups:as_at": {"pk": group.pk},
        **_holds_scene(people, group),
    }
