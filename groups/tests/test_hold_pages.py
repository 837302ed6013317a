"""The pages of holds: placing one, its page, the list, the notice a person acknowledges, and
the banner on a held group's page."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from groups.models import Hold, HoldNotice, HoldSearch
from groups.services.holds import hold_notice_acknowledge, hold_place, hold_release
from groups.tests.factories import ChatGroupFactory, HoldFactory, HoldNoticeFactory
from groups.tests.page_cost import queries_for
from portal.models import Notification
from portal.testing.queries import LAYOUT_QUERIES
from portal.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# The DPO's pages check their authenticator on each request (the second step of signing in).
SECOND_STEP = 1


@pytest.fixture
def group(alice, bob):
    return ChatGroupFactory(approved=True, name="Front desk cover", members=[alice, bob])


def _place(dpo, group, **kwargs):
    return hold_place(
        **{
            "kind": Hold.Kind.FOI,
            "reference": "FOI-2026-0142",
            "request_received_on": timezone.localdate(),
            "groups": [group],
            "by": dpo,
            **kwargs,
        }
    )


def _form(**changes):
    return {
        "kind": Hold.Kind.FOI,
        "reference": "FOI-2026-0142",
        "request_received_on": timezone.localdate().isoformat(),
        "note": "Messages about the March rota.",
        "covers": "groups",
        **changes,
    }


def test_the_dpo_places_a_hold_on_chosen_groups(client, dpo, alice, group):
    client.force_login(dpo)
    response = client.post(reverse("groups:hold_place"), _form(groups=[group.pk]))
    hold = Hold.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("groups:hold", args=[hold.pk])
    assert list(hold.groups.all()) == [group]
    assert hold.notices.count() == 3


def test_the_dpo_places_a_hold_on_a_person_by_their_email(client, dpo, alice, group):
    client.force_login(dpo)
    # The groups ticked are ignored when the hold is on a person.
    client.post(
        reverse("groups:hold_place"),
        _form(
            covers="person",
            person="ALICE@example.org",
            groups=[ChatGroupFactory(approved=True).pk],
        ),
    )
    hold = Hold.objects.get()
    assert (hold.person, list(hold.groups.all())) == (alice, [group])


def test_a_hold_without_a_reference_is_refused_and_the_form_keeps_what_was_typed(
    client, dpo, group
):
    client.force_login(dpo)
    response = client.post(reverse("groups:hold_place"), _form(reference="", groups=[group.pk]))
    assert response.status_code == 400
    assert "a hold without a reference is refused" in response.text
    assert "Messages about the March rota." in response.text
    assert not Hold.objects.exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"groups": []}, "Choose at least one group to hold."),
        ({"covers": "person", "person": ""}, "Enter the person whose groups are held."),
        ({"covers": "person", "person": "nobody@example.org"}, "Nobody in the portal has"),
        (
            {"request_received_on": (timezone.localdate() + timedelta(days=2)).isoformat()},
            "cannot be in the future",
        ),
    ],
)
def test_bad_input_on_the_place_form_says_what_to_fix(client, dpo, group, changes, message):
    client.force_login(dpo)
    response = client.post(reverse("groups:hold_place"), _form(**{"groups": [group.pk], **changes}))
    assert response.status_code == 400
    assert message in response.text
    assert not Hold.objects.exists()


def test_the_place_form_lists_hundreds_of_groups_in_a_fixed_number_of_queries(
    client, dpo, django_assert_num_queries
):
    for n in range(150):
        ChatGroupFactory(approved=True, name=f"Group {n:03d}")
    client.force_login(dpo)
    url = reverse("groups:hold_place")
    client.get(url)
    with django_assert_num_queries(LAYOUT_QUERIES + SECOND_STEP + 1):  # the groups to tick
        response = client.get(url)
    assert "Group 149" in response.text
    assert 'data-filter-boxes="hold-groups"' in response.text


def test_the_hold_page_shows_who_has_and_has_not_acknowledged_in_a_fixed_number_of_queries(
    client, dpo, alice, django_assert_num_queries
):
    groups = [ChatGroupFactory(approved=True) for _ in range(5)]
    hold = HoldFactory(groups=groups, placed_by=dpo)
    now = timezone.now()
    for n in range(60):
        HoldNoticeFactory(
            hold=hold,
            user=UserFactory(full_name=f"Person {n:03d}"),
            acknowledged_at=now if n % 3 == 0 else None,
        )
    for _ in range(3):
        search = HoldSearch.objects.create(
            hold=hold, searched_at=now, searched_by=dpo, found="Nothing.", recorded_by=dpo
        )
        search.groups.set(groups)
    client.force_login(dpo)
    url = reverse("groups:hold", args=[hold.pk])
    client.get(url)
    # The hold, its groups, its notices with people, its searches and their groups, and the
    # search form's groups.
    with django_assert_num_queries(LAYOUT_QUERIES + SECOND_STEP + 6):
        response = client.get(url)
    assert "Notices: 20 of 60 acknowledged" in response.text
    assert "Not acknowledged (40)" in response.text
    assert response.context["waiting"][0].user.full_name == "Person 001"


def test_the_dpo_reissues_records_a_search_and_releases_from_the_hold_page(
    client, dpo, alice, bob, group
):
    hold = _place(dpo, group)
    hold_notice_acknowledge(notice=hold.notices.get(user=alice), by=alice)
    client.force_login(dpo)

    response = client.post(reverse("groups:hold_reissue", args=[hold.pk]), {"to": "unacknowledged"})
    assert response.status_code == 302
    assert hold.notices.filter(reissued_at__isnull=False).count() == 2

    response = client.post(
        reverse("groups:hold_search", args=[hold.pk]),
        {
            "searched_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "searched_by": bob.email,
            "groups": [group.pk],
            "found": "Nine messages about the March rota.",
            "copied_to": "Exported to the FOI case file.",
        },
    )
    assert response.status_code == 302
    assert HoldSearch.objects.get().searched_by == bob

    response = client.post(
        reverse("groups:hold_release", args=[hold.pk]), {"reason": "FOI answered on 2 April."}
    )
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert "Released" in page.text
    assert "FOI answered on 2 April." in page.text
    assert "Nine messages about the March rota." in page.text
    assert "Release the hold" not in page.text


def test_a_release_without_a_reason_shows_the_page_again_with_the_problem(client, dpo, group):
    hold = _place(dpo, group)
    client.force_login(dpo)
    response = client.post(reverse("groups:hold_release", args=[hold.pk]), {"reason": ""})
    assert response.status_code == 400
    assert "Enter why the hold is released." in response.text
    hold.refresh_from_db()
    assert hold.released_at is None


def test_the_list_shows_open_holds_first_in_a_fixed_number_of_queries(
    client, dpo, django_assert_num_queries
):
    released = HoldFactory(reference="OLD-1", placed_by=dpo)
    Hold.objects.filter(pk=released.pk).update(
        released_at=timezone.now(), released_by=dpo, release_reason="Answered."
    )
    for n in range(30):
        hold = HoldFactory(reference=f"OPEN-{n:02d}", groups=[ChatGroupFactory(approved=True)])
        HoldNoticeFactory(hold=hold)
    Hold.objects.filter(reference__startswith="OPEN").update(
        placed_at=timezone.now() - timedelta(days=400)
    )
    client.force_login(dpo)
    url = reverse("groups:holds")
    client.get(url)
    with django_assert_num_queries(LAYOUT_QUERIES + SECOND_STEP + 2):  # the count, the page
        response = client.get(url)
    references = [hold.reference for hold in response.context["page"].object_list]
    assert len(references) == 25
    assert "OLD-1" not in references
    last = client.get(url, {"page": 2})
    assert [h.reference for h in last.context["page"].object_list][-1] == "OLD-1"


def test_a_member_reads_and_acknowledges_their_notice_once(client, dpo, alice, group):
    notice = _place(dpo, group).notices.get(user=alice)
    client.force_login(alice)
    url = reverse("groups:hold_notice", args=[notice.pk])
    page = client.get(url)
    assert "Do not delete anything from the chat" in page.text
    assert "FOI-2026-0142" in page.text
    assert "Messages about" not in page.text  # the note stays with the DPO

    ack = reverse("groups:hold_notice_acknowledge", args=[notice.pk])
    refused = client.post(ack, {})
    assert refused.status_code == 400
    assert "Tick the box to confirm" in refused.text

    response = client.post(ack, {"confirm": "on"}, follow=True)
    assert "your acknowledgement is recorded" in response.text
    notice.refresh_from_db()
    assert notice.acknowledged_at is not None

    again = client.post(ack, {"confirm": "on"}, follow=True)
    assert "You acknowledged this notice on" in again.text


def test_the_group_page_shows_the_hold_at_the_top_with_the_members_button(
    client, dpo, alice, bob, group
):
    hold = _place(dpo, group)
    notice = hold.notices.get(user=alice)
    client.force_login(alice)
    page = client.get(reverse("groups:group", args=[group.pk])).text
    assert "A hold is open: do not delete anything from this chat" in page
    assert reverse("groups:hold_notice", args=[notice.pk]) in page
    assert reverse("groups:hold", args=[hold.pk]) not in page
    assert page.index("A hold is open") < page.index("Business purpose")

    hold_notice_acknowledge(notice=notice, by=alice)
    page = client.get(reverse("groups:group", args=[group.pk])).text
    assert "A hold is open" in page
    assert reverse("groups:hold_notice", args=[notice.pk]) not in page


def test_the_dpo_sees_a_link_to_the_hold_on_the_group_page(client, dpo, group):
    hold = _place(dpo, group)
    client.force_login(dpo)
    page = client.get(reverse("groups:group", args=[group.pk])).text
    assert reverse("groups:hold", args=[hold.pk]) in page


def test_a_released_hold_leaves_no_banner(client, dpo, alice, group):
    hold = _place(dpo, group)
    hold_release(hold=hold, reason="Answered.", by=dpo)
    client.force_login(alice)
    assert "A hold is open" not in client.get(reverse("groups:group", args=[group.pk])).text


def test_the_banner_costs_the_same_whatever_the_number_of_holds(client, dpo, alice, group):
    url = reverse("groups:group", args=[group.pk])
    client.force_login(alice)
    _place(dpo, group)
    assert "do not delete anything" in client.get(url).text
    one_hold = queries_for(client, url)
    for n in range(5):
        _place(dpo, group, reference=f"SAR-{n}")
    assert queries_for(client, url) == one_hold


def test_the_email_link_opens_the_notice_after_signing_in(client, dpo, alice, group):
    notice = _place(dpo, group).notices.get(user=alice)
    email = Notification.objects.get(recipient=alice)
    response = client.get(email.url)
    assert response.status_code == 302
    assert "login" in response["Location"]
    client.force_login(alice)
    assert client.get(email.url).context["notice"] == notice
    assert HoldNotice.objects.get(pk=notice.pk).acknowledged_at is None
