"""The application form, the DPO's queue and decision page, and a group page's actions."""

import pytest
from django.urls import reverse

from groups.models import ChatGroup, Submission
from groups.services.decisions import chat_group_ask_changes
from groups.services.registration import chat_group_submit
from groups.tests.factories import ChatGroupFactory
from groups.tests.reg_helpers import full_application
from portal.models import OrganisationSettings
from portal.roles import Role
from portal.testing.queries import LAYOUT_QUERIES
from portal.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# The DPO's role needs two-step sign-in: each request also reads their authenticator.
SECOND_STEP = 1


def _form(**overrides) -> dict:
    data = {
        "name": "Northfield front desk",
        "platform": "whatsapp",
        "platform_other": "",
        "purpose": "Cover for the front desk.",
        "audience": "The desk team.",
        "will_post": "Shift changes.",
        "never_post": "Operational details.",
        "why_not_corporate": "Away from desks.",
        "expected_size": "5",
        "deputy": "bob@example.org",
        "cleardown_weekday": "4",
        "cleardown_time": "16:00",
        "members": "charlie@example.org",
        "external_members": "Sam Partner, Northshire Council, sam@example.gov.uk",
        "logo_confirmed": "on",
    }
    data.update(overrides)
    return data


def test_the_form_says_social_chat_and_one_to_one_whatsapp_are_not_registered(client, alice):
    client.force_login(alice)
    page = client.get(reverse("groups:apply")).text
    assert "Social chat about things other than work is not part of the register" in page
    assert "Messaging one colleague about work on WhatsApp is not an approved way" in page
    assert 'data-person-lookup="one"' in page
    assert 'data-person-lookup="many"' in page


def test_my_chat_groups_offers_to_register_a_group(client, alice):
    client.force_login(alice)
    assert reverse("groups:apply") in client.get(reverse("groups:mine")).text


def test_a_draft_is_saved_and_returned_to(client, alice, bob):
    client.force_login(alice)
    answer = client.post(
        reverse("groups:apply"),
        {"name": "Half done", "cleardown_weekday": "0", "cleardown_time": "10:00"},
    )
    group = ChatGroup.objects.get()
    assert answer["Location"] == reverse("groups:group", args=[group.pk])
    page = client.get(answer["Location"]).text
    assert "Draft." in page
    assert reverse("groups:edit", args=[group.pk]) in page
    assert 'value="Half done"' in client.get(reverse("groups:edit", args=[group.pk])).text


def test_sending_a_complete_application_creates_the_group_and_its_members(
    client, alice, bob, charlie, dpo
):
    client.force_login(alice)
    answer = client.post(reverse("groups:apply_send"), _form())
    assert answer.status_code == 302
    group = ChatGroup.objects.get()
    assert group.status == ChatGroup.Status.SUBMITTED
    assert (group.admin, group.deputy) == (alice, bob)
    assert {m.user for m in group.memberships.current()} == {alice, bob, charlie}
    assert group.external_members.get().organisation == "Northshire Council"


def test_bad_input_keeps_what_was_typed_and_says_what_to_fix(client, alice, bob):
    client.force_login(alice)
    typed = _form(
        purpose="",
        deputy="nobody@example.org",
        external_members="Sam Partner, Northshire Council, sam@example.gov.uk\nJust a name",
        logo_confirmed="",
        will_post="Rotas & cover",
    )
    answer = client.post(reverse("groups:apply_send"), typed)
    assert answer.status_code == 200
    page = answer.text
    assert "There is a problem" in page
    assert "Say what the group is for" in page
    assert "Nobody in the portal has the email address or staff number nobody@example.org" in page
    assert "Line 2: give the person&#x27;s name, their organisation" in page
    assert "Confirm the group carries the organisation&#x27;s logo" in page
    assert "Rotas &amp; cover" in page
    assert 'value="nobody@example.org"' in page
    assert not ChatGroup.objects.exists()


def test_another_app_must_be_named(client, alice):
    client.force_login(alice)
    page = client.post(reverse("groups:apply"), _form(platform="other")).text
    assert "Say which app the group uses." in page


def test_someone_else_cannot_open_an_application(client, alice, charlie):
    group = ChatGroupFactory(admin=alice)
    client.force_login(charlie)
    assert client.get(reverse("groups:edit", args=[group.pk])).status_code == 404


def test_a_sent_application_is_not_edited_but_shown(client, alice, bob):
    group = chat_group_submit(application=full_application(deputy=bob), by=alice)
    client.force_login(alice)
    answer = client.get(reverse("groups:edit", args=[group.pk]))
    assert answer["Location"] == reverse("groups:group", args=[group.pk])


@pytest.fixture
def revised(alice, bob, dpo):
    group = chat_group_submit(application=full_application(deputy=bob), by=alice)
    chat_group_ask_changes(group=group, by=dpo, reason="Say exactly who may join.")
    return chat_group_submit(
        group=group, application=full_application(deputy=bob, audience="Only the desk."), by=alice
    )


def test_the_decision_page_shows_what_changed_since_the_last_application(client, revised, dpo):
    client.force_login(dpo)
    page = client.get(reverse("groups:decide", args=[revised.pk])).text
    assert "What changed since" in page
    assert "Only the desk." in page
    assert "The front desk team and their supervisors." in page
    assert "Say exactly who may join." in page
    assert reverse("groups:approve", args=[revised.pk]) in page


def test_the_dpo_approves_refuses_or_asks_for_changes_from_the_page(client, revised, dpo, alice):
    client.force_login(dpo)
    answer = client.post(reverse("groups:refuse", args=[revised.pk]), {"reason": ""})
    assert answer.status_code == 200
    assert "Say why the application is refused." in answer.text
    answer = client.post(reverse("groups:approve", args=[revised.pk]), {})
    assert answer["Location"] == reverse("groups:decisions")
    revised.refresh_from_db()
    assert revised.status == ChatGroup.Status.APPROVED


def test_a_dpo_in_the_group_is_told_why_they_cannot_decide(client, alice, bob):
    dpo_member = UserFactory(roles=[Role.DPO])
    group = chat_group_submit(
        application=full_application(deputy=bob, members=[dpo_member]), by=alice
    )
    client.force_login(dpo_member)
    page = client.get(reverse("groups:decide", args=[group.pk])).text
    assert "you cannot decide on it" in page
    assert reverse("groups:approve", args=[group.pk]) not in page
    answer = client.post(reverse("groups:approve", args=[group.pk]))
    assert answer.status_code == 200
    assert "you cannot decide on it" in answer.text
    group.refresh_from_db()
    assert group.status == ChatGroup.Status.SUBMITTED


def test_a_large_group_asks_the_dpo_to_approve_its_size(client, alice, bob, dpo):
    group = chat_group_submit(application=full_application(deputy=bob, expected_size=900), by=alice)
    client.force_login(dpo)
    assert (
        "I approve a group of this size"
        in client.get(reverse("groups:decide", args=[group.pk])).text
    )
    answer = client.post(reverse("groups:approve", args=[group.pk]), {})
    assert "tick to approve its size" in answer.text
    client.post(reverse("groups:approve", args=[group.pk]), {"size_approved": "on"})
    group.refresh_from_db()
    assert group.size_approved_up_to == 900


def test_the_queue_lists_what_waits_oldest_first_in_a_fixed_number_of_queries(
    client, dpo, django_assert_num_queries
):
    def waiting(n):
        for _ in range(n):
            admin = UserFactory()
            chat_group_submit(application=full_application(deputy=UserFactory()), by=admin)

    waiting(2)
    client.force_login(dpo)
    client.get(reverse("groups:decisions"))
    waiting(20)
    # The page of submissions, and how many wait in all.
    with django_assert_num_queries(LAYOUT_QUERIES + SECOND_STEP + 2):
        page = client.get(reverse("groups:decisions")).text
    first, last = Submission.objects.order_by("submitted_at")[::21]
    assert page.index(reverse("groups:decide", args=[first.group_id])) < page.index(
        reverse("groups:decide", args=[last.group_id])
    )


def test_a_group_page_offers_each_person_what_they_may_do(client, alice, bob, charlie, dpo):
    group = ChatGroupFactory(approved=True, admin=alice, deputy=bob, members=[charlie])
    url = reverse("groups:group", args=[group.pk])
    client.force_login(alice)
    page = client.get(url).text
    assert reverse("groups:propose_change", args=[group.pk]) in page
    assert reverse("groups:close", args=[group.pk]) in page
    assert reverse("groups:suspend", args=[group.pk]) not in page
    client.force_login(charlie)
    page = client.get(url).text
    assert reverse("groups:close", args=[group.pk]) not in page
    assert "Approved" in page
    client.force_login(dpo)
    page = client.get(url).text
    assert reverse("groups:suspend", args=[group.pk]) in page
    assert reverse("groups:dpo_close", args=[group.pk]) in page


def test_a_dpo_in_the_group_is_offered_no_dpo_action_and_told_why(client, alice):
    dpo_member = UserFactory(roles=[Role.DPO])
    group = ChatGroupFactory(approved=True, admin=alice, members=[dpo_member])
    client.force_login(dpo_member)
    page = client.get(reverse("groups:group", args=[group.pk])).text
    assert reverse("groups:suspend", args=[group.pk]) not in page
    assert reverse("groups:dpo_close", args=[group.pk]) not in page
    assert "another data protection officer decides on it" in page


def test_a_closed_groups_admin_is_asked_to_confirm_the_chat_deleted(client, alice):
    group = ChatGroupFactory(approved=True, admin=alice, status=ChatGroup.Status.CLOSED)
    client.force_login(alice)
    assert (
        reverse("groups:chat_deleted", args=[group.pk])
        in client.get(reverse("groups:group", args=[group.pk])).text
    )
    client.post(reverse("groups:chat_deleted", args=[group.pk]))
    group.refresh_from_db()
    assert group.chat_deleted_at is not None


def test_the_admin_proposes_a_change_of_app(client, alice, dpo):
    group = ChatGroupFactory(approved=True, admin=alice)
    client.force_login(alice)
    url = reverse("groups:propose_change", args=[group.pk])
    same = {
        "name": group.name,
        "platform": "whatsapp",
        "purpose": group.purpose,
        "expected_size": group.expected_size,
        "why": "x",
    }
    assert "Nothing has changed" in client.post(url, same).text
    client.post(url, {**same, "platform": "signal"})
    assert (
        group.submissions.get(kind=Submission.Kind.CHANGE).details["proposed"]["platform"]
        == "signal"
    )


def test_a_long_queue_is_shown_a_page_at_a_time_with_how_many_wait(client, dpo, monkeypatch):
    from groups.views import decisions

    monkeypatch.setattr(decisions, "QUEUE_PAGE_SIZE", 2)
    for _ in range(3):
        chat_group_submit(application=full_application(deputy=UserFactory()), by=UserFactory())
    client.force_login(dpo)
    page = client.get(reverse("groups:decisions")).text
    assert "of 3" in page
    last = Submission.objects.order_by("submitted_at", "pk").last()
    assert reverse("groups:decide", args=[last.group_id]) not in page
    assert 'rel="next"' in page


def test_the_clear_down_day_is_explained_with_the_organisations_interval(client, alice):
    org = OrganisationSettings.load()
    org.clear_down_interval_days = 14
    org.save()
    client.force_login(alice)
    page = client.get(reverse("groups:apply")).text
    assert "after that, every 14 days at the same time" in page
