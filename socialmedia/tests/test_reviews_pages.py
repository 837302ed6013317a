"""The review page and the account page's review sections: who may use them, what they show,
and a fixed number of queries however many reviews there are."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.models import AuditEvent
from socialmedia.events import SocialEvent
from socialmedia.models import Account, Review
from socialmedia.services.reviews import REVIEW_OVERDUE_AFTER
from socialmedia.tests.factories import AccountFactory, ReviewFactory

pytestmark = pytest.mark.django_db

ALL_CONFIRMED = {"accurate": "on", "links_back": "on", "team_right": "on"}


def _url(account) -> str:
    return reverse("socialmedia:review", args=[account.pk])


def test_the_owner_confirms_a_review_and_returns_to_the_account(client, alice):
    account = AccountFactory(applicant=alice, review_due_at=timezone.now())
    client.force_login(alice)

    response = client.post(_url(account), ALL_CONFIRMED)

    assert response.status_code == 302
    assert response["Location"] == reverse("socialmedia:account", args=[account.pk])
    assert "no-store" in response["Cache-Control"]
    assert Review.objects.get().reviewed_by == alice
    assert AuditEvent.objects.filter(verb=SocialEvent.REVIEWED).count() == 1


def test_a_review_form_sent_twice_records_one_review_and_confirms_both(client, alice):
    account = AccountFactory(applicant=alice, review_due_at=timezone.now())
    client.force_login(alice)

    first = client.post(_url(account), ALL_CONFIRMED, follow=True)
    again = client.post(_url(account), ALL_CONFIRMED, follow=True)

    for response in (first, again):
        assert response.redirect_chain[-1][0] == reverse("socialmedia:account", args=[account.pk])
        assert "the account&#x27;s review is recorded" in response.text
    assert Review.objects.count() == 1


def test_a_box_left_unticked_without_a_note_shows_the_form_again_with_what_was_typed(client, alice):
    account = AccountFactory(applicant=alice)
    client.force_login(alice)

    response = client.post(_url(account), {"accurate": "on", "links_back": "on"})

    assert response.status_code == 400
    assert "what you will do" in response.text
    assert re.search(r'<input[^>]*name="accurate"[^>]*checked', response.text)
    assert not re.search(r'<input[^>]*name="team_right"[^>]*checked', response.text)
    assert not Review.objects.exists()


def test_a_box_left_unticked_with_a_note_is_recorded(client, alice):
    account = AccountFactory(applicant=alice)
    client.force_login(alice)

    response = client.post(
        _url(account), {"accurate": "on", "links_back": "on", "notes": "Removing Sam today."}
    )

    assert response.status_code == 302
    review = Review.objects.get()
    assert (review.team_right, review.notes) == (False, "Removing Sam today.")


def test_the_team_and_deciders_are_refused_and_others_never_learn_it_exists(
    client, alice, bob, charlie, chief_executive, ce_delegate
):
    account = AccountFactory(applicant=alice, team=[bob])
    for person, answer in ((bob, 403), (chief_executive, 403), (ce_delegate, 403), (charlie, 404)):
        client.force_login(person)
        assert client.get(_url(account)).status_code == answer, person
        assert client.post(_url(account), ALL_CONFIRMED).status_code == answer, person
    assert not Review.objects.exists()


def test_an_account_that_is_closed_shows_no_form_and_refuses_a_review(client, alice):
    account = AccountFactory(applicant=alice, status=Account.Status.CLOSED)
    client.force_login(alice)

    assert "Record the review" not in client.get(_url(account)).text
    response = client.post(_url(account), ALL_CONFIRMED)

    assert response.status_code == 400
    assert not Review.objects.exists()


def test_the_owner_sees_review_due_on_the_account_page_within_a_fortnight(client, alice, bob):
    account = AccountFactory(
        applicant=alice, team=[bob], review_due_at=timezone.now() + timedelta(days=13)
    )
    page = reverse("socialmedia:account", args=[account.pk])

    client.force_login(alice)
    assert 'id="review-due"' in client.get(page).text
    client.force_login(bob)
    assert 'id="review-due"' not in client.get(page).text

    Account.objects.filter(pk=account.pk).update(review_due_at=timezone.now() + timedelta(days=15))
    client.force_login(alice)
    assert 'id="review-due"' not in client.get(page).text


def test_the_reviews_section_shows_the_latest_ten_with_the_count(client, alice):
    account = AccountFactory(applicant=alice)
    now = timezone.now()
    for days in range(12):
        ReviewFactory(account=account, reviewed_at=now - timedelta(days=days), notes=f"n{days}")
    client.force_login(alice)

    text = client.get(reverse("socialmedia:account", args=[account.pk])).text

    assert "The latest 10 of 12 reviews." in text
    assert ">n9<" in text
    assert ">n10<" not in text
    assert text.index(">n0<") < text.index(">n1<")


def test_the_account_page_costs_the_same_with_one_review_or_many(client, alice):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    few = AccountFactory(applicant=alice, review_due_at=timezone.now())
    many = AccountFactory(applicant=alice, review_due_at=timezone.now())
    ReviewFactory(account=few)
    for _ in range(30):
        ReviewFactory(account=many)
    client.force_login(alice)
    client.get(reverse("socialmedia:account", args=[few.pk]))  # warm the caches

    def cost(account) -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("socialmedia:account", args=[account.pk]))
        assert response.status_code == 200
        return len(queries)

    assert cost(few) == cost(many)


def test_the_review_page_costs_the_same_with_a_small_team_or_a_large_one(client, alice):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from portal.tests.factories import UserFactory

    small = AccountFactory(applicant=alice)
    large = AccountFactory(applicant=alice, team=[UserFactory() for _ in range(15)])
    client.force_login(alice)
    client.get(_url(small))

    def cost(account) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(_url(account)).status_code == 200
        return len(queries)

    assert cost(small) == cost(large)


@pytest.mark.parametrize(
    ("late", "badge", "not_shown"),
    [
        (timedelta(days=1), "Review due", "Overdue"),
        (timedelta(days=20), "Overdue", "Review due</span>"),
    ],
)
def test_overdue_on_the_review_page_means_what_the_sweep_means(
    client, alice, late, badge, not_shown
):
    assert timedelta(days=1) < REVIEW_OVERDUE_AFTER < timedelta(days=20)
    account = AccountFactory(applicant=alice, review_due_at=timezone.now() - late)
    client.force_login(alice)
    page = client.get(_url(account)).text
    assert f"{badge}</span>" in page
    assert not_shown not in page
    section = client.get(reverse("socialmedia:account", args=[account.pk])).text
    told = "the Chief Executive has been told"
    assert (told in section) == (badge == "Overdue")
