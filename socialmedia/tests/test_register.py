"""The register of corporate accounts and its CSV export, for the Chief Executive and
delegates: filters, search, flags, a fixed cost in queries, and never a secret."""

import csv
import io
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from portal.models import AuditEvent
from portal.tests.factories import UserFactory
from socialmedia.events import SocialEvent
from socialmedia.models import Account, HandOver
from socialmedia.services.reviews import REVIEW_OVERDUE_AFTER
from socialmedia.tests.factories import PLAIN_DEFAULTS, AccountFactory, CredentialFactory

pytestmark = pytest.mark.django_db


def _shown(client, **filters) -> set[str]:
    response = client.get(reverse("socialmedia:register"), filters)
    assert response.status_code == 200
    return {account.handle for account in response.context["page"].object_list}


@pytest.fixture
def accounts(alice, bob, charlie):
    now = timezone.now()
    AccountFactory(applicant=alice, team=[bob], handle="@quiet", name="Quiet one")
    AccountFactory(
        applicant=alice,
        handle="@rotate",
        rotation_due_since=now - timedelta(days=2),
        rotation_due_reason="Bob left the team.",
    )
    AccountFactory(
        applicant=alice, handle="@late", platform="facebook", review_due_at=now - timedelta(days=1)
    )
    AccountFactory(applicant=charlie, handle="@asked", status=Account.Status.APPLIED)
    handed = AccountFactory(applicant=alice, team=[alice], handle="@handed", owner=charlie)
    HandOver.objects.create(
        account=handed,
        from_owner=alice,
        to_owner=charlie,
        proposed_at=now,
        answered_at=now,
        outcome=HandOver.Outcome.ACCEPTED,
    )


def test_the_register_filters_by_status_platform_rotation_review_and_handed_over(
    client, chief_executive, accounts
):
    client.force_login(chief_executive)
    assert _shown(client) == {"@quiet", "@rotate", "@late", "@asked", "@handed"}
    assert _shown(client, status="applied") == {"@asked"}
    assert _shown(client, status="handed_over") == {"@handed"}
    assert _shown(client, platform="facebook") == {"@late"}
    assert _shown(client, rotation_due="on") == {"@rotate"}
    assert _shown(client, review="due") == {"@late"}
    assert _shown(client, review="overdue") == set()
    assert _shown(client, q="quiet") == {"@quiet"}
    assert _shown(client, q="Quiet ONE") == {"@quiet"}


def test_the_register_shows_the_team_owner_and_flags(client, ce_delegate, accounts):
    client.force_login(ce_delegate)
    page = client.get(reverse("socialmedia:register")).text
    assert "Alice Staff, Bob Manager" in page
    assert "Review due</span>" in page
    assert "Handed over" in page
    assert "Due</span> since" in page


@pytest.fixture
def closed_with_old_dates(alice):
    """Closed with a password change still marked from before, and a review date past: neither
    is due, as a closed account has no password in use and is not reviewed."""
    now = timezone.now()
    return AccountFactory(
        applicant=alice,
        handle="@closed",
        status=Account.Status.CLOSED,
        rotation_due_since=now - timedelta(days=30),
        rotation_due_reason="Bob left the team.",
        review_due_at=now - timedelta(days=30),
    )


def test_a_closed_account_is_never_shown_as_due_a_password_change_or_review(
    client, chief_executive, closed_with_old_dates
):
    client.force_login(chief_executive)
    assert _shown(client, rotation_due="on") == set()
    assert _shown(client, review="due") == set()
    assert _shown(client, review="overdue") == set()
    page = client.get(reverse("socialmedia:register")).text
    (row,) = re.findall(r"<tr>(?:(?!</tr>).)*@closed.*?</tr>", page, flags=re.S)
    assert "Due</span>" not in row
    assert "Overdue" not in row
    assert date_format(timezone.localtime(closed_with_old_dates.review_due_at)) not in row
    lines = list(csv.reader(io.StringIO(_csv(client))))
    header = lines[1]
    (closed,) = [dict(zip(header, line, strict=True)) for line in lines[2:] if "'@closed" in line]
    assert closed["Password change due since (UK time)"] == ""
    assert closed["Why the password change is due"] == ""
    assert closed["Review due (UK time)"] == ""


def test_overdue_means_what_the_sweep_means_and_review_due_a_date_passed(
    client, chief_executive, alice
):
    now = timezone.now()
    AccountFactory(applicant=alice, handle="@due", review_due_at=now - timedelta(days=1))
    AccountFactory(
        applicant=alice,
        handle="@overdue",
        review_due_at=now - REVIEW_OVERDUE_AFTER - timedelta(hours=1),
    )
    AccountFactory(applicant=alice, handle="@fine", review_due_at=now + timedelta(days=30))
    client.force_login(chief_executive)
    assert _shown(client, review="due") == {"@due", "@overdue"}
    assert _shown(client, review="overdue") == {"@overdue"}
    page = client.get(reverse("socialmedia:register")).text
    rows = dict(re.findall(r"<tr>(?:(?!</tr>).)*?(@\w+)</a>(.*?)</tr>", page, flags=re.S))
    badges = {
        handle: [word for word in ("Review due", "Overdue") if f"{word}</span>" in row]
        for handle, row in rows.items()
    }
    assert badges == {"@due": ["Review due"], "@overdue": ["Overdue"], "@fine": []}
    lines = list(csv.reader(io.StringIO(_csv(client))))
    status = {line[1].lstrip("'"): line[lines[1].index("Review")] for line in lines[2:]}
    assert status == {"@due": "Due", "@overdue": "Overdue", "@fine": "Not yet due"}


def test_an_invalid_filter_is_left_out_and_named_and_the_others_are_kept(
    client, chief_executive, accounts
):
    client.force_login(chief_executive)
    response = client.get(
        reverse("socialmedia:register"), {"status": "bogus", "platform": "facebook"}
    )
    assert response.status_code == 200
    assert {a.handle for a in response.context["page"].object_list} == {"@late"}
    assert "This filter was not understood and is left out: Status." in response.text
    assert "?platform=facebook" in response.text  # the CSV link keeps the valid filter


def test_the_csv_refuses_an_invalid_filter_in_plain_words(client, chief_executive, accounts):
    client.force_login(chief_executive)
    response = client.get(
        reverse("socialmedia:register_csv"), {"status": "bogus", "platform": "facebook"}
    )
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")
    assert "no-store" in response["Cache-Control"]
    assert response.content.decode() == (
        "This filter was not understood: Status. Go back to the register, choose the filters "
        "again and download the CSV from there."
    )
    assert not AuditEvent.objects.filter(verb=SocialEvent.REGISTER_EXPORTED).exists()


def test_the_register_says_when_nothing_matches_and_when_it_is_empty(client, chief_executive):
    client.force_login(chief_executive)
    assert "No corporate social media account has been applied for yet" in (
        client.get(reverse("socialmedia:register")).text
    )
    assert "No account matches these filters" in (
        client.get(reverse("socialmedia:register"), {"q": "nothing"}).text
    )


def test_the_register_pages_through_many_accounts(client, chief_executive, alice):
    for n in range(55):
        AccountFactory(applicant=alice, handle=f"@a{n:03}")
    client.force_login(chief_executive)
    first = client.get(reverse("socialmedia:register")).context["page"]
    second = client.get(reverse("socialmedia:register"), {"cursor": first.next_cursor})
    seen = [a.handle for a in first.object_list + second.context["page"].object_list]
    assert len(seen) == len(set(seen)) == 55


def _count(client, url) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_register_costs_the_same_queries_with_few_or_many(client, chief_executive):
    client.force_login(chief_executive)
    url = reverse("socialmedia:register")
    AccountFactory(team=[UserFactory()])
    few = _count(client, url)
    for _ in range(25):
        AccountFactory(team=[UserFactory(), UserFactory()])
    assert _count(client, url) == few


def test_people_without_the_role_are_refused_the_register(client, alice, charlie):
    AccountFactory(applicant=alice)
    for person in (alice, charlie, UserFactory(is_superuser=True, is_staff=True)):
        client.force_login(person)
        assert client.get(reverse("socialmedia:register")).status_code == 403
        assert client.get(reverse("socialmedia:register_csv")).status_code == 403
    assert not AuditEvent.objects.filter(verb=SocialEvent.REGISTER_EXPORTED).exists()


def _csv(client, **filters) -> str:
    response = client.get(reverse("socialmedia:register_csv"), filters)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    return b"".join(response.streaming_content).decode("utf-8-sig")


def test_the_csv_keeps_the_filters_is_audited_and_holds_no_secret(
    client, chief_executive, alice, accounts
):
    account = Account.objects.get(handle="@quiet")
    CredentialFactory(account=account)
    client.force_login(chief_executive)
    text = _csv(client, rotation_due="on")
    assert "@rotate" in text
    assert "Bob left the team." in text
    assert "@quiet" not in text
    text = _csv(client)
    assert "@quiet" in text
    assert "OFFICIAL-SENSITIVE" in text
    for secret in PLAIN_DEFAULTS.values():
        assert secret not in text
    (first, second) = AuditEvent.objects.filter(verb=SocialEvent.REGISTER_EXPORTED).order_by("pk")
    assert first.changes == {"filters": {"rotation_due": "on"}}
    assert second.changes == {"filters": {}}


def test_the_csv_is_formula_safe(client, chief_executive, alice):
    AccountFactory(applicant=alice, name='=HYPERLINK("https://example.org")', handle="@f")
    client.force_login(chief_executive)
    assert "'=HYPERLINK" in _csv(client)
