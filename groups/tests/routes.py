"""The chat-group register's routes in the whole-portal access table
(portal/testing/route_table.py says how it is read)."""

from django.utils import timezone

from groups.models import (
    ChatGroup,
    ClearDownCycle,
    ClearDownPrompt,
    Concern,
    ExternalMember,
    Hold,
    HoldNotice,
    Membership,
)
from groups.tests.factories import (
    ChatGroupFactory,
    ConcernFactory,
    ExternalMemberFactory,
    HoldFactory,
    HoldNoticeFactory,
    MembershipFactory,
    SubmissionFactory,
)
from portal.lib.signed_links import signed_link_token
from portal.roles import Role
from portal.testing.route_table import (
    Entry,
    People,
    Persona,
    Rule,
    either,
    everyone,
    only,
    owner_only,
    public,
)
from portal.tests.factories import UserFactory

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
    # reports: the DPO's pages (read only: a POST is not allowed even for them).
    "groups:overview": Entry(get=only(*DPO, answer=200), post=only(*DPO, answer=405)),
    "groups:as_at": Entry(get=only(*DPO, answer=200), post=only(*DPO, answer=405), model=ChatGroup),
    **CLEARDOWN_ROUTES,
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
    return {
        "name": "Matrix team",
        "platform": "signal",
        "purpose": "Cover.",
        "expected_size": "8",
        "why": "Moving.",
    }


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
    """An approved group run by someone else, with alice as a member, and what each part's
    routes need."""
    group = ChatGroupFactory(approved=True, members=[people.owner])
    return {
        "groups:group": {"pk": group.pk},
        "groups:as_at": {"pk": group.pk},
        **_holds_scene(people, group),
        **members_scene(people),
        **registration_scene(people),
        **cleardown_scene(people),
    }


# --- Membership, rules, leavers, reviews and concerns (the members part) ---
# Alice runs one approved group ("run") and is a member of another ("joined"), which lost its
# admin; she raised a concern.


# Pages of a group alice runs: hers; the DPO may see the group but not run it (403).
def _runs(answer: int) -> Rule:
    return either(owner_only(answer), only(*DPO, answer=403, others=404), unless=404)


_runs_or_dpo_sees = either(owner_only(200), only(*DPO, answer=200, others=404), unless=404)
_member_acts = either(owner_only(302), only(*DPO, answer=403, others=404), unless=404)
_member_or_dpo_acts = either(owner_only(302), only(*DPO, answer=302, others=404), unless=404)

MEMBERS_ROUTES = {
    "groups:members": Entry(get=_runs_or_dpo_sees, post=_runs_or_dpo_sees, model=ChatGroup),
    "groups:members_add": Entry(
        get=everyone(405),
        post=_runs(302),
        form=lambda s: {"people": s["newcomer_email"]},
        model=ChatGroup,
    ),
    "groups:external_add": Entry(
        get=everyone(405),
        post=_runs(302),
        form=lambda s: {
            "name": "Sam Partner",
            "organisation": "Northshire Council",
            "contact": "sam@example.gov.uk",
        },
        model=ChatGroup,
    ),
    "groups:member_remove": Entry(
        get=_runs(200),
        post=_runs(302),
        form=lambda s: {"reason": "Moved to another team.", "chat_removed": "on"},
        model=Membership,
    ),
    "groups:member_chat_removed": Entry(get=everyone(405), post=_runs(302), model=Membership),
    "groups:external_remove": Entry(get=everyone(405), post=_runs(302), model=ExternalMember),
    "groups:rules": Entry(
        get=_member_or_dpo, post=_member_acts, form=lambda s: {"understood": "on"}, model=ChatGroup
    ),
    "groups:admin_change": Entry(
        get=only(*DPO, answer=200, others=404),
        post=only(*DPO, answer=302, others=404),
        form=lambda s: {"new_admin": s["newcomer_email"]},
        model=ChatGroup,
    ),
    "groups:deputy_change": Entry(
        get=_runs_or_dpo_sees,
        post=_member_or_dpo_acts,
        form=lambda s: {"new_deputy": s["newcomer_email"]},
        model=ChatGroup,
    ),
    "groups:review": Entry(
        get=_runs(200),
        post=_runs(302),
        form=lambda s: {"purpose_holds": "on", "membership_right": "on", "notes": ""},
        model=ChatGroup,
    ),
    "groups:concern_about_group": Entry(
        get=_member_or_dpo,
        post=_member_or_dpo_acts,
        form=lambda s: {"kind": "wrong_content", "details": "A custody photo was posted."},
        model=ChatGroup,
    ),
    "groups:concern_unlisted": Entry(
        get=everyone(200),
        post=everyone(302),
        form=lambda s: {
            "group_described": "Response team banter (WhatsApp)",
            "kind": "unregistered",
            "details": "Shift details are shared there.",
        },
    ),
    "groups:concern_received": Entry(get=owner_only(200), post=owner_only(200), model=Concern),
    "groups:concerns": Entry(get=only(*DPO, answer=200), post=only(*DPO, answer=200)),
    "groups:concern": Entry(
        get=only(*DPO, answer=200),
        post=only(*DPO, answer=302),
        form=lambda s: {"action_taken": "Spoke to the admin; the photo was deleted."},
        model=Concern,
    ),
}
ROUTES.update(MEMBERS_ROUTES)


def members_scene(people: People) -> dict:
    alice = people.owner
    run = ChatGroupFactory(approved=True, admin=alice, members=[UserFactory()])
    member = run.memberships.exclude(user=alice).get()
    gone = MembershipFactory(
        group=run,
        removed_at=timezone.now(),
        removal_reason="left the organisation",
    )
    external = ExternalMemberFactory(group=run)
    joined = ChatGroupFactory(approved=True, needs_admin=True)
    MembershipFactory(group=joined, user=alice, rules_sent_at=timezone.now())
    concern = ConcernFactory(group=joined, raised_by=alice)
    newcomer = UserFactory()
    return {
        "newcomer_email": newcomer.email,
        "groups:members": {"pk": run.pk},
        "groups:members_add": {"pk": run.pk},
        "groups:external_add": {"pk": run.pk},
        "groups:member_remove": {"pk": member.pk},
        "groups:member_chat_removed": {"pk": gone.pk},
        "groups:external_remove": {"pk": external.pk},
        "groups:rules": {"pk": joined.pk},
        "groups:admin_change": {"pk": joined.pk},
        "groups:deputy_change": {"pk": run.pk},
        "groups:review": {"pk": run.pk},
        "groups:concern_about_group": {"pk": joined.pk},
        "groups:concern_received": {"pk": concern.pk},
        "groups:concern": {"pk": concern.pk},
    }


def registration_scene(people: People) -> dict:
    """Alice's draft, her approved and closed groups, someone else's application awaiting the
    DPO and someone else's suspended group."""
    deputy = UserFactory(full_name="Matrix Deputy")
    draft = ChatGroupFactory(admin=people.owner, deputy=deputy)
    hers = ChatGroupFactory(approved=True, admin=people.owner)
    closed = ChatGroupFactory(approved=True, admin=people.owner, status=ChatGroup.Status.CLOSED)
    waiting = SubmissionFactory().group
    suspended = ChatGroupFactory(approved=True, status=ChatGroup.Status.SUSPENDED)
    return {
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
