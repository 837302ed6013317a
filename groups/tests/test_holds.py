"""Placing, acknowledging, reissuing, searching for and releasing holds on chat groups."""

from datetime import timedelta

import pytest
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from groups.events import GroupEvent
from groups.models import ChatGroup, ClearDownCycle, Hold, HoldNotice, HoldSearch
from groups.outbox import hold_notice_key, hold_release_key
from groups.selectors import open_notices_for
from groups.services.cleardown_holds import cycles_withdraw_for_hold
from groups.services.holds import (
    HoldRefused,
    hold_notice_acknowledge,
    hold_notices_for_joiner,
    hold_place,
    hold_reissue,
    hold_release,
    hold_search_record,
)
from groups.tests.factories import (
    ChatGroupFactory,
    ClearDownCycleFactory,
    ClearDownPromptFactory,
    HoldFactory,
    MembershipFactory,
)
from portal.models import AuditEvent, Notification
from portal.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _place(dpo, **kwargs):
    fields = {
        "kind": Hold.Kind.FOI,
        "reference": "FOI-2026-0142",
        "request_received_on": timezone.localdate(),
        "note": "The requester asks for messages about the March rota.",
        "by": dpo,
    }
    return hold_place(**{**fields, **kwargs})


def _notices_to(hold):
    return set(hold.notices.values_list("user__email", flat=True))


@pytest.fixture
def group(alice, bob):
    return ChatGroupFactory(approved=True, name="Front desk cover", members=[alice, bob])


def test_a_hold_sends_every_member_admin_and_deputy_one_notice_at_once(dpo, alice, bob, charlie):
    deputy = UserFactory(full_name="Dee Deputy")
    first = ChatGroupFactory(approved=True, name="Front desk", members=[alice, bob], deputy=deputy)
    # alice is in both groups: she gets one notice, naming both.
    second = ChatGroupFactory(approved=True, name="Custody rota", members=[alice, charlie])

    hold = _place(dpo, groups=[first, second])

    assert _notices_to(hold) == {
        first.admin.email,
        second.admin.email,
        deputy.email,
        alice.email,
        bob.email,
        charlie.email,
    }
    email = Notification.objects.get(dedup_key=hold_notice_key(hold.notices.get(user=alice).pk))
    assert email.recipient == alice
    assert "Do not delete anything" in email.subject
    assert "FOI-2026-0142" in email.subject
    assert "DO NOT DELETE ANYTHING FROM THIS CHAT" in email.body_text
    assert "- Custody rota\n- Front desk" in email.body_text
    assert "Clear-downs are suspended" in email.body_text
    assert email.url == reverse("groups:hold_notice", args=[hold.notices.get(user=alice).pk])
    assert Notification.objects.filter(dedup_key__startswith="hold-notice:").count() == 6
    event = AuditEvent.objects.get(verb=GroupEvent.HOLD_PLACED)
    assert event.actor == dpo
    assert event.changes["notices"] == 6


def test_the_notice_never_carries_the_note_nor_names_the_person_held(dpo, alice, bob, group):
    hold = _place(dpo, person=bob, note="Bob Manager is under investigation for misconduct.")
    email = Notification.objects.get(dedup_key=hold_notice_key(hold.notices.get(user=alice).pk))
    for text in (email.subject, email.body_text, email.body_html):
        assert "misconduct" not in text
        assert "Bob Manager" not in text


def test_a_hold_on_a_person_covers_every_group_they_are_in_now(dpo, alice, bob):
    run_by_alice = ChatGroupFactory(approved=True, admin=alice)
    member = ChatGroupFactory(approved=True, members=[alice])
    suspended = ChatGroupFactory(approved=True, members=[alice], status=ChatGroup.Status.SUSPENDED)
    ChatGroupFactory(members=[alice])  # a draft: no chat to hold
    left = ChatGroupFactory(approved=True, members=[alice])
    left.memberships.filter(user=alice).update(removed_at=timezone.now())
    ChatGroupFactory(approved=True, members=[bob])

    hold = _place(dpo, person=alice)

    assert set(hold.groups.all()) == {run_by_alice, member, suspended}
    assert hold.person == alice


def test_a_hold_without_a_reference_is_refused(dpo, group):
    with pytest.raises(HoldRefused, match="A hold without a reference is refused"):
        _place(dpo, groups=[group], reference="   ")
    assert not Hold.objects.exists()
    assert not HoldNotice.objects.exists()


def test_the_database_refuses_a_hold_without_a_reference_too(dpo):
    with pytest.raises(IntegrityError):
        Hold.objects.create(
            kind=Hold.Kind.FOI,
            reference="",
            request_received_on=timezone.localdate(),
            placed_by=dpo,
        )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"request_received_on": timezone.localdate() + timedelta(days=1)}, "in the future"),
        ({"kind": "gossip"}, "Choose what kind"),
        ({"groups": []}, "Choose at least one group"),
    ],
)
def test_a_hold_with_bad_details_is_refused(dpo, group, change, message):
    with pytest.raises(HoldRefused, match=message):
        _place(dpo, **{"groups": [group], **change})
    assert not Hold.objects.exists()


def test_a_hold_on_a_draft_group_or_on_both_groups_and_a_person_is_refused(dpo, alice, group):
    with pytest.raises(HoldRefused, match="Only approved or suspended"):
        _place(dpo, groups=[ChatGroupFactory()])
    with pytest.raises(HoldRefused, match="not both"):
        _place(dpo, groups=[group], person=alice)
    with pytest.raises(HoldRefused, match="not in any approved or suspended group"):
        _place(dpo, person=UserFactory())


def test_people_who_have_left_are_sent_no_notice(dpo, alice, bob, group):
    bob.is_active = False
    bob.save()
    hold = _place(dpo, groups=[group])
    assert bob.email not in _notices_to(hold)


def test_placing_a_hold_withdraws_the_prompt_still_open_in_its_groups(dpo, group):
    now = timezone.now()
    open_cycle = ClearDownCycleFactory(group=group)
    closed = ClearDownCycleFactory(group=group, opens_at=now - timedelta(days=8))
    other_group = ClearDownCycleFactory()
    # Each still owed by someone: a period everyone has confirmed is not withdrawn.
    for cycle in (open_cycle, closed, other_group):
        ClearDownPromptFactory(cycle=cycle)

    hold = _place(dpo, groups=[group])

    open_cycle.refresh_from_db()
    assert open_cycle.hold == hold
    assert open_cycle.withdrawn_at is not None
    assert open_cycle.outcome == ClearDownCycle.Outcome.PROMPTED  # it was sent; now withdrawn
    for untouched in (closed, other_group):
        untouched.refresh_from_db()
        assert untouched.hold is None
        assert untouched.withdrawn_at is None
    assert AuditEvent.objects.get(verb=GroupEvent.HOLD_PLACED).changes["prompts_withdrawn"] == 1


def test_withdrawing_twice_leaves_the_first_hold_on_the_cycle(dpo, group):
    cycle = ClearDownCycleFactory(group=group)
    ClearDownPromptFactory(cycle=cycle)
    first, second = HoldFactory(groups=[group]), HoldFactory(groups=[group])
    now = timezone.now()
    assert cycles_withdraw_for_hold(hold=first, groups=[group], now=now) == [cycle.pk]
    assert cycles_withdraw_for_hold(hold=second, groups=[group], now=now) == []
    cycle.refresh_from_db()
    assert cycle.hold == first


def test_a_person_acknowledges_their_notice_once(dpo, alice, group):
    hold = _place(dpo, groups=[group])
    notice = hold.notices.get(user=alice)
    assert list(open_notices_for(alice)) == [notice]

    hold_notice_acknowledge(notice=notice, by=alice, ip="10.0.0.9")

    notice.refresh_from_db()
    assert notice.acknowledged_at is not None
    assert list(open_notices_for(alice)) == []
    event = AuditEvent.objects.get(verb=GroupEvent.HOLD_ACKNOWLEDGED)
    assert (event.actor, event.ip_address) == (alice, "10.0.0.9")
    with pytest.raises(HoldRefused, match="You acknowledged this notice on"):
        hold_notice_acknowledge(notice=notice, by=alice)
    assert AuditEvent.objects.filter(verb=GroupEvent.HOLD_ACKNOWLEDGED).count() == 1


def test_nobody_acknowledges_someone_elses_notice(dpo, alice, bob, group):
    notice = _place(dpo, groups=[group]).notices.get(user=alice)
    with pytest.raises(HoldRefused, match="Only the person"):
        hold_notice_acknowledge(notice=notice, by=bob)
    notice.refresh_from_db()
    assert notice.acknowledged_at is None


def _reissued():
    return Notification.objects.filter(dedup_key__startswith="hold-notice:").exclude(
        dedup_key__endswith=":issued"
    )


def test_reissuing_sends_again_only_to_those_who_have_not_acknowledged(dpo, alice, bob, group):
    hold = _place(dpo, groups=[group])
    hold_notice_acknowledge(notice=hold.notices.get(user=alice), by=alice)

    assert hold_reissue(hold=hold, everyone=False, by=dpo) == 2  # bob and the admin
    assert set(_reissued().values_list("recipient__email", flat=True)) == {
        bob.email,
        group.admin.email,
    }
    # Each reissue is its own message: a second one is sent too, to everyone this time.
    assert hold_reissue(hold=hold, everyone=True, by=dpo) == 3
    resent = _reissued()
    assert resent.count() == 5
    alice_again = resent.get(recipient=alice)
    assert "it still applies" in alice_again.body_text
    assert hold.notices.get(user=alice).acknowledged_at is not None  # it stands
    assert AuditEvent.objects.filter(verb=GroupEvent.HOLD_REISSUED).count() == 2


def test_reissuing_when_everyone_has_acknowledged_is_refused(dpo, alice):
    group = ChatGroupFactory(approved=True, admin=alice)
    hold = _place(dpo, groups=[group])
    hold_notice_acknowledge(notice=hold.notices.get(), by=alice)
    with pytest.raises(HoldRefused, match="Everyone has acknowledged"):
        hold_reissue(hold=hold, everyone=False, by=dpo)


def test_a_search_is_recorded_on_the_hold(dpo, alice, group):
    hold = _place(dpo, groups=[group])
    at = timezone.now() - timedelta(hours=2)
    search = hold_search_record(
        hold=hold,
        searched_at=at,
        searched_by=alice,
        groups=[group],
        found="Nine messages about the March rota.",
        copied_to="FOI case file FOI-2026-0142",
        by=dpo,
    )
    assert (search.searched_at, search.searched_by, search.recorded_by) == (at, alice, dpo)
    assert list(search.groups.all()) == [group]
    assert AuditEvent.objects.get(verb=GroupEvent.HOLD_SEARCH_RECORDED).changes["groups"] == [
        group.pk
    ]


def test_a_search_of_groups_the_hold_does_not_cover_or_in_the_future_is_refused(dpo, group):
    hold = _place(dpo, groups=[group])
    with pytest.raises(HoldRefused, match="Choose groups this hold covers"):
        hold_search_record(
            hold=hold,
            searched_at=timezone.now(),
            searched_by=dpo,
            groups=[ChatGroupFactory(approved=True)],
            found="Nothing.",
            by=dpo,
        )
    with pytest.raises(HoldRefused, match="in the future"):
        hold_search_record(
            hold=hold,
            searched_at=timezone.now() + timedelta(hours=1),
            searched_by=dpo,
            groups=[group],
            found="Nothing.",
            by=dpo,
        )
    assert not HoldSearch.objects.exists()


def test_releasing_a_hold_tells_everyone_clear_downs_resume(dpo, alice, bob, group):
    hold = _place(dpo, groups=[group])

    hold_release(hold=hold, reason="FOI answered on 2 April; review period over.", by=dpo)

    hold.refresh_from_db()
    assert hold.released_by == dpo
    assert hold.released_at is not None
    assert not hold.notices.filter(release_sent_at__isnull=True).exists()
    email = Notification.objects.get(dedup_key=hold_release_key(hold.notices.get(user=alice).pk))
    assert email.subject.endswith("clear-downs resume")
    assert "Clear-downs resume for this group:\n- Front desk cover" in email.body_text
    assert Notification.objects.filter(dedup_key__startswith="hold-released:").count() == 3
    assert not Hold.objects.filter(pk=hold.pk).open().exists()
    # Released once; a hold is never deleted.
    with pytest.raises(HoldRefused, match="already released"):
        hold_release(hold=hold, reason="Again.", by=dpo)


def test_a_release_says_so_when_another_hold_still_covers_the_group(dpo, alice, group):
    first = _place(dpo, groups=[group])
    _place(dpo, groups=[group], reference="SAR-2026-0007", kind=Hold.Kind.SAR)
    hold_release(hold=first, reason="Answered.", by=dpo)
    email = Notification.objects.get(dedup_key=hold_release_key(first.notices.get(user=alice).pk))
    assert "STILL NOT DELETE ANYTHING" in email.body_text
    assert "Clear-downs resume" not in email.body_text


def test_a_release_without_a_reason_is_refused(dpo, group):
    hold = _place(dpo, groups=[group])
    with pytest.raises(HoldRefused, match="Say why"):
        hold_release(hold=hold, reason="  ", by=dpo)
    hold.refresh_from_db()
    assert hold.released_at is None


def test_a_released_hold_is_not_acknowledged_nor_reissued(dpo, alice, group):
    hold = _place(dpo, groups=[group])
    hold_release(hold=hold, reason="Answered.", by=dpo)
    with pytest.raises(HoldRefused, match="was released on"):
        hold_notice_acknowledge(notice=hold.notices.get(user=alice), by=alice)
    with pytest.raises(HoldRefused, match="released"):
        hold_reissue(hold=hold, everyone=True, by=dpo)
    assert list(open_notices_for(alice)) == []


def test_someone_who_joins_a_held_group_gets_the_notice_once(dpo, charlie, group):
    hold = _place(dpo, groups=[group])
    released = _place(dpo, groups=[group], reference="FOI-2025-0001")
    hold_release(hold=released, reason="Answered.", by=dpo)
    MembershipFactory(group=group, user=charlie)

    issued = hold_notices_for_joiner(group=group, user=charlie, by=group.admin)

    assert [(n.hold, n.user) for n in issued] == [(hold, charlie)]
    assert Notification.objects.filter(recipient=charlie).count() == 1
    assert AuditEvent.objects.get(verb=GroupEvent.HOLD_NOTICES_ISSUED).changes["person"] == (
        charlie.email
    )
    # Idempotent: called again (or by two paths), nothing more is issued or sent.
    assert hold_notices_for_joiner(group=group, user=charlie, by=group.admin) == []
    assert HoldNotice.objects.filter(user=charlie).count() == 1
    assert Notification.objects.filter(recipient=charlie).count() == 1


def test_joining_a_group_that_is_not_held_issues_nothing(alice, group):
    assert hold_notices_for_joiner(group=group, user=alice, by=None) == []
    assert not AuditEvent.objects.filter(verb=GroupEvent.HOLD_NOTICES_ISSUED).exists()
