"""The account takeover through the staff import, refused: the file can never change the sign-in
email of a privileged person (a role, Django staff or superuser), set their leave date or
deactivate them on its own; those changes wait for a system administrator other than the
uploader, who approves or refuses each one."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.lib.uktime import long_date
from portal.models import AuditEvent, Notification
from portal.roles import Role
from portal.tests.factories import UserFactory
from staffimport.held import DecisionRefused, held_change_approve
from staffimport.models import HeldChange, StaffImport
from staffimport.tests.support import apply, csv_bytes, person, preview

pytestmark = pytest.mark.django_db
Status = StaffImport.Status
ATTACKER = "new.address@example.net"


@pytest.fixture
def superuser(db):
    # The system administrator of the report: a superuser with a staff number HR's file knows.
    return UserFactory(
        staff_number="S001",
        full_name="Sam Super",
        email="sam.super@example.org",
        is_staff=True,
        is_superuser=True,
        roles=[Role.SYSADMIN],
    )


@pytest.fixture
def other_sysadmin(db):
    return UserFactory(full_name="Olu Other", email="olu@example.org", roles=[Role.SYSADMIN])


def takeover_file(victim) -> bytes:
    return csv_bytes(
        [person(victim.staff_number, victim.full_name, ATTACKER)],
        header=["staff_number", "full_name", "email"],
    )


def test_the_takeover_is_refused_no_new_email_and_no_reset_link_to_the_new_address(
    client, policy_admin, superuser, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        staff_import = preview(takeover_file(superuser), by=policy_admin)
        assert staff_import.status == Status.PREVIEWED, staff_import.problems
        assert staff_import.preview["updates"] == []
        assert staff_import.preview["held"] == [
            {
                "line": 2,
                "staff_number": "S001",
                "full_name": "Sam Super",
                "change": f"Sign-in email: sam.super@example.org → {ATTACKER}",
            }
        ]
        staff_import = apply(staff_import, by=policy_admin)
        assert staff_import.status == Status.DONE, staff_import.error
        client.post(reverse("password_reset"), {"email": ATTACKER})

    superuser.refresh_from_db()
    assert superuser.email == "sam.super@example.org"
    assert not Notification.objects.filter(to_email__iexact=ATTACKER).exists()
    assert all(ATTACKER not in message.to for message in mailoutbox)
    held = HeldChange.objects.get()
    assert (held.user, held.kind, held.status, held.new_value) == (
        superuser,
        HeldChange.Kind.EMAIL,
        HeldChange.Status.WAITING,
        ATTACKER,
    )
    assert staff_import.counts["held"] == 1
    event = AuditEvent.objects.get(verb="staff_import.change_held")
    assert (event.actor, event.object_id) == (policy_admin, str(superuser.pk))


@pytest.mark.parametrize(
    "privileged",
    [
        {"roles": [Role.DPO]},
        {"roles": [Role.POLICY_ADMIN]},
        {"is_staff": True},
        {"is_superuser": True},
    ],
    ids=["a role", "another policy administrator", "django staff", "superuser"],
)
def test_the_email_of_anyone_privileged_is_held(policy_admin, privileged):
    victim = UserFactory(email="victim@example.org", **privileged)
    staff_import = apply(preview(takeover_file(victim), by=policy_admin), by=policy_admin)
    victim.refresh_from_db()
    assert victim.email == "victim@example.org"
    assert staff_import.counts["held"] == 1


def test_ordinary_staff_have_their_email_changed_and_both_addresses_are_told(
    policy_admin, alice, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        staff_import = apply(
            preview(
                csv_bytes([person(alice.staff_number, alice.full_name, "a.s@example.org")]),
                by=policy_admin,
            ),
            by=policy_admin,
        )
    alice.refresh_from_db()
    assert alice.email == "a.s@example.org"
    assert staff_import.counts["held"] == 0
    told = sorted(m.to[0] for m in mailoutbox)
    assert told == ["a.s@example.org", "alice@example.org"]
    assert all("from alice@example.org to a.s@example.org" in m.body for m in mailoutbox)


def test_leaving_a_privileged_person_waits_too(policy_admin, superuser):
    future = (timezone.localdate() + timedelta(days=30)).isoformat()
    dpo = UserFactory(staff_number="S002", roles=[Role.DPO])
    data = csv_bytes(
        [
            person("S001", superuser.full_name, superuser.email, active="no"),
            # A leave date ahead would let the leavers sweep deactivate them later.
            person("S002", dpo.full_name, dpo.email, leave_date=future),
        ]
    )
    staff_import = preview(data, by=policy_admin)
    assert staff_import.counts["deactivations"] == 0
    assert [h["change"] for h in staff_import.preview["held"]] == [
        "Deactivate: Marked as left (active is no) in the file",
        f"Leave date: (none) → {long_date(date.fromisoformat(future))}",
    ]
    apply(staff_import, by=policy_admin)
    superuser.refresh_from_db()
    dpo.refresh_from_db()
    assert superuser.is_active
    assert dpo.leave_date is None
    assert HeldChange.objects.filter(status=HeldChange.Status.WAITING).count() == 2


def test_a_privileged_person_missing_from_a_whole_list_is_not_deactivated(policy_admin, superuser):
    data = csv_bytes([person("S500", "Nia New", "nia@example.org")])
    staff_import = apply(preview(data, by=policy_admin, deactivate_missing=True), by=policy_admin)
    superuser.refresh_from_db()
    policy_admin.refresh_from_db()
    assert superuser.is_active
    assert policy_admin.is_active
    assert set(HeldChange.objects.values_list("user", "kind")) == {
        (superuser.pk, HeldChange.Kind.DEACTIVATE),
        (policy_admin.pk, HeldChange.Kind.DEACTIVATE),
    }
    assert staff_import.counts["held"] == 2


def test_another_system_administrator_approves_and_the_change_is_applied_and_audited(
    client, policy_admin, superuser, other_sysadmin, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        apply(preview(takeover_file(superuser), by=policy_admin), by=policy_admin)
    # The system administrators who may decide are told; the uploader is not one of them.
    told = Notification.objects.filter(subject__startswith="Staff changes wait")
    assert set(told.values_list("recipient", flat=True)) == {superuser.pk, other_sysadmin.pk}
    held = HeldChange.objects.get()

    client.force_login(other_sysadmin)
    page = client.get(reverse("staffimport:held"))
    assert f"Sign-in email: sam.super@example.org → {ATTACKER}" in page.text
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("staffimport:held_approve", args=[held.pk]), follow=True)
    assert "Approved and applied for Sam Super" in response.text

    superuser.refresh_from_db()
    held.refresh_from_db()
    assert superuser.email == ATTACKER
    assert (held.status, held.decided_by) == (HeldChange.Status.APPROVED, other_sysadmin)
    updated = AuditEvent.objects.get(verb="user.updated", object_id=str(superuser.pk))
    assert updated.actor == other_sysadmin
    assert updated.changes["email"] == {"from": "sam.super@example.org", "to": ATTACKER}
    assert AuditEvent.objects.filter(verb="staff_import.change_approved").count() == 1
    changed = {m.to[0] for m in mailoutbox if "sign-in email address" in m.subject}
    assert changed == {"sam.super@example.org", ATTACKER}


def test_the_uploader_cannot_approve_even_as_a_system_administrator(client, superuser):
    both = UserFactory(email="both@example.org", roles=[Role.POLICY_ADMIN, Role.SYSADMIN])
    apply(preview(takeover_file(superuser), by=both), by=both)
    held = HeldChange.objects.get()

    with pytest.raises(DecisionRefused):
        held_change_approve(change=held, by=both)
    client.force_login(both)
    assert (
        "another system administrator must decide" in client.get(reverse("staffimport:held")).text
    )
    response = client.post(reverse("staffimport:held_approve", args=[held.pk]), follow=True)
    assert "other than the person who uploaded or applied" in response.text
    superuser.refresh_from_db()
    held.refresh_from_db()
    assert superuser.email == "sam.super@example.org"
    assert held.status == HeldChange.Status.WAITING


def test_a_refused_change_leaves_the_person_as_they_are(
    client, policy_admin, superuser, other_sysadmin
):
    data = csv_bytes([person("S001", superuser.full_name, superuser.email, active="no")])
    apply(preview(data, by=policy_admin), by=policy_admin)
    held = HeldChange.objects.get()
    client.force_login(other_sysadmin)
    client.post(reverse("staffimport:held_refuse", args=[held.pk]), {"reason": "HR's mistake"})
    held.refresh_from_db()
    superuser.refresh_from_db()
    assert (held.status, held.decision_note) == (HeldChange.Status.REFUSED, "HR's mistake")
    assert superuser.is_active
    refused = AuditEvent.objects.get(verb="staff_import.change_refused")
    assert (refused.actor, refused.changes["reason"]) == (other_sysadmin, "HR's mistake")
    # Decided once: a second press changes nothing.
    response = client.post(reverse("staffimport:held_approve", args=[held.pk]), follow=True)
    assert "already been decided" in response.text
    superuser.refresh_from_db()
    assert superuser.is_active


def test_an_approval_that_has_gone_stale_is_refused(policy_admin, superuser, other_sysadmin):
    apply(preview(takeover_file(superuser), by=policy_admin), by=policy_admin)
    held = HeldChange.objects.get()
    superuser.email = "sam.moved@example.org"
    superuser.save()
    with pytest.raises(DecisionRefused, match="has changed since the import"):
        held_change_approve(change=held, by=other_sysadmin)
    superuser.refresh_from_db()
    assert superuser.email == "sam.moved@example.org"


def test_the_import_page_shows_what_waits_for_approval(client, policy_admin, superuser):
    staff_import = preview(takeover_file(superuser), by=policy_admin)
    client.force_login(policy_admin)
    page = client.get(reverse("staffimport:detail", args=[staff_import.pk]))
    assert "Needs a system administrator's approval (1)" in page.text
    response = client.post(
        reverse("staffimport:apply", args=[staff_import.pk]),
        {"sha256": staff_import.sha256},
        follow=True,
    )
    assert "1 change to people who hold a role wait" in response.text
    assert "Held for a system administrator (1)" in response.text


def test_a_held_change_that_does_not_exist_is_not_found(client, sysadmin):
    client.force_login(sysadmin)
    for name in ("held_approve", "held_refuse"):
        assert client.post(reverse(f"staffimport:{name}", args=[999])).status_code == 404


def test_the_approval_page_costs_the_same_queries_for_one_change_as_for_many(
    client, policy_admin, other_sysadmin
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries_with(people: int) -> int:
        victims = [UserFactory(roles=[Role.DPO]) for _ in range(people)]
        data = csv_bytes(
            [person(v.staff_number, v.full_name, f"new{v.pk}@example.org") for v in victims],
            header=["staff_number", "full_name", "email"],
        )
        apply(preview(data, by=policy_admin), by=policy_admin)
        HeldChange.objects.filter(user__in=victims[:1]).update(
            status=HeldChange.Status.REFUSED, decided_by=other_sysadmin, decided_at=timezone.now()
        )
        client.force_login(other_sysadmin)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("staffimport:held")).status_code == 200
        return len(captured)

    one = queries_with(2)
    assert queries_with(8) == one


def test_the_same_held_change_in_a_second_file_is_not_asked_again(
    policy_admin, superuser, other_sysadmin
):
    first = apply(preview(takeover_file(superuser), by=policy_admin), by=policy_admin)
    asked = Notification.objects.filter(recipient=other_sysadmin).count()
    second = apply(preview(takeover_file(superuser), by=policy_admin), by=policy_admin)
    assert second.status == Status.DONE, second.error
    assert first.counts["held"] == 1
    assert second.counts["held"] == 0
    assert HeldChange.objects.filter(status=HeldChange.Status.WAITING).count() == 1
    assert Notification.objects.filter(recipient=other_sysadmin).count() == asked
