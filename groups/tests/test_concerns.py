"""Concerns: raised by anyone, sent to the DPO and deputy, dealt with by the DPO."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from groups.events import GroupEvent
from groups.models import Concern
from groups.services.concerns import concern_raise, concern_resolve
from groups.tests.factories import ChatGroupFactory, ConcernFactory
from portal.models import AuditEvent, Notification, OrganisationSettings
from portal.roles import Role
from portal.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_concern_about_a_group_goes_to_the_dpo_and_deputy(alice, dpo):
    deputy = UserFactory(roles=[Role.DEPUTY_DPO])
    group = ChatGroupFactory(approved=True, members=[alice])
    concern = concern_raise(by=alice, group=group, kind="wrong_content", details="A photo.")
    assert set(Notification.objects.values_list("recipient", flat=True)) == {dpo.pk, deputy.pk}
    assert AuditEvent.objects.get(verb=GroupEvent.CONCERN_RAISED).changes["concern"] == concern.pk


def test_a_concern_about_an_unregistered_group_names_it_in_words(alice, dpo):
    concern = concern_raise(
        by=alice, group_described="Night shift chat", kind="unregistered", details="Exists."
    )
    assert concern.group is None
    message = Notification.objects.get(recipient=dpo)
    assert "Night shift chat" in message.body_text


def test_with_nobody_in_the_dpo_role_the_dpos_mailbox_is_told(alice):
    org = OrganisationSettings.load()
    org.dpo_email = "dpo@example.org"
    org.save()
    from django.core.cache import cache

    cache.clear()
    concern_raise(by=alice, group_described="Chat", kind="other", details="Something.")
    assert Notification.objects.get().to_email == "dpo@example.org"


def test_a_concern_must_name_a_group(alice):
    with pytest.raises(ValidationError):
        concern_raise(by=alice, kind="other", details="Something.")
    assert not Concern.objects.exists()


def test_the_dpo_records_what_was_done_once(dpo):
    concern = ConcernFactory()
    concern_resolve(concern=concern, action_taken="Spoke to the admin.", by=dpo)
    concern.refresh_from_db()
    assert concern.resolved_by == dpo
    with pytest.raises(ValidationError, match="already dealt with"):
        concern_resolve(concern=concern, action_taken="Again.", by=dpo)


def test_anyone_reports_a_concern_about_a_registered_group_they_are_not_in(client, charlie, dpo):
    group = ChatGroupFactory(approved=True, name="Custody suite cover")
    ChatGroupFactory(name="Draft nobody sees")
    client.force_login(charlie)
    url = reverse("groups:concern_unlisted")
    page = client.get(url).content.decode()
    assert "Custody suite cover" in page
    assert "Draft nobody sees" not in page
    answer = client.post(
        url,
        {
            "group": group.pk,
            "kind": "wrong_content",
            "details": "Someone from another force is in it.",
        },
    )
    assert answer.status_code == 302
    concern = Concern.objects.get(raised_by=charlie)
    assert concern.group == group
    assert client.get(reverse("groups:group", args=[group.pk])).status_code == 404
