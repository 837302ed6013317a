"""The log of reveals: every reveal and refused attempt, for the Chief Executive and delegates,
filtered, paged, in a fixed number of queries; and the credentials section of an account's
page, which never shows a value."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from socialmedia.models import Account, Reveal, Rotation, Storage
from socialmedia.tests.factories import (
    PLAIN_DEFAULTS,
    AccountFactory,
    CredentialFactory,
    RevealFactory,
)
from socialmedia.views.reveal import PAGE_SIZE

pytestmark = pytest.mark.django_db

LOG = reverse("socialmedia:reveals")


@pytest.fixture
def two_accounts(alice, bob):
    first = AccountFactory(applicant=alice, handle="@FirstAccount")
    second = AccountFactory(applicant=bob, handle="@SecondAccount")
    for account in (first, second):
        CredentialFactory(account=account)
    return first, second


def _handles(response) -> list[str]:
    return [r.account.handle for r in response.context["page"].object_list]


def test_the_log_lists_shown_and_refused_reveals_newest_first(
    client, two_accounts, chief_executive, ce_delegate
):
    first, second = two_accounts
    now = timezone.now()
    RevealFactory(account=first, by=chief_executive, at=now - timedelta(hours=2))
    RevealFactory(
        account=second,
        by=ce_delegate,
        at=now - timedelta(hours=1),
        break_glass=True,
        reason="CE on leave; hacked post",
    )
    RevealFactory(
        account=first, by=ce_delegate, at=now, outcome=Reveal.Outcome.REFUSED, refusal="wrong code"
    )
    client.force_login(chief_executive)

    page = client.get(LOG)

    assert _handles(page) == ["@FirstAccount", "@SecondAccount", "@FirstAccount"]
    text = page.content.decode()
    assert "Refused: wrong code" in text
    assert "Break-glass" in text
    assert "CE on leave; hacked post" in text
    assert "no-store" in page["Cache-Control"]


def test_the_log_filters_by_account_person_outcome_and_break_glass(
    client, two_accounts, chief_executive, ce_delegate
):
    first, second = two_accounts
    RevealFactory(account=first, by=chief_executive)
    RevealFactory(account=second, by=ce_delegate, break_glass=True)
    RevealFactory(account=second, by=ce_delegate, outcome="refused", refusal="no reason")
    client.force_login(chief_executive)

    assert _handles(client.get(LOG, {"account": first.pk})) == ["@FirstAccount"]
    assert len(client.get(LOG, {"by": ce_delegate.pk}).context["page"].object_list) == 2
    refused = client.get(LOG, {"outcome": "refused"}).context["page"].object_list
    assert [r.refusal for r in refused] == ["no reason"]
    glass = client.get(LOG, {"break_glass": "yes"}).context["page"].object_list
    assert [r.by for r in glass] == [ce_delegate]
    assert len(client.get(LOG, {"break_glass": "no"}).context["page"].object_list) == 2


def test_an_empty_log_says_so(client, chief_executive):
    client.force_login(chief_executive)
    assert "No reveals" in client.get(LOG).content.decode()


def test_the_log_pages(client, two_accounts, chief_executive):
    first, _second = two_accounts
    for _ in range(PAGE_SIZE + 3):
        RevealFactory(account=first, by=chief_executive)
    client.force_login(chief_executive)
    assert len(client.get(LOG).context["page"].object_list) == PAGE_SIZE
    assert len(client.get(LOG, {"page": 2}).context["page"].object_list) == 3


@pytest.mark.parametrize("who", ["alice", "bob", "dpo", "sysadmin"])
def test_only_the_deciders_read_the_log(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(LOG).status_code == 403


def _count(client, data=None) -> int:
    client.get(LOG, data)  # warm: the organisation settings into the cache
    with CaptureQueriesContext(connection) as queries:
        assert client.get(LOG, data).status_code == 200
    return len(queries)


@pytest.mark.parametrize("filtered", [False, True])
def test_the_log_costs_the_same_queries_with_3_or_60_rows(
    client, chief_executive, ce_delegate, filtered
):
    client.force_login(chief_executive)
    accounts = [AccountFactory() for _ in range(3)]
    for account in accounts:
        CredentialFactory(account=account)
    data = {"account": accounts[0].pk, "by": ce_delegate.pk} if filtered else None

    def make(n: int) -> None:
        for i in range(n):
            RevealFactory(account=accounts[i % 3], by=ce_delegate, break_glass=i % 2 == 0)

    make(3)
    few = _count(client, data)
    make(57)
    assert _count(client, data) == few


# ---- The account page ----------------------------------------------------------------------


def test_the_account_page_shows_how_credentials_are_kept_never_a_value(
    client, alice, chief_executive
):
    account = AccountFactory(applicant=alice)
    CredentialFactory(account=account)
    RevealFactory(account=account, by=chief_executive)
    for person, can_reveal in ((alice, False), (chief_executive, True)):
        client.force_login(person)
        page = client.get(reverse("socialmedia:account", args=[account.pk])).content.decode()
        assert "Credentials" in page
        assert "Here, encrypted" in page
        assert "Record a new password" in page
        assert ("Reveal the credentials" in page) is can_reveal
        for value in PLAIN_DEFAULTS.values():
            assert value not in page


def test_the_team_sees_the_section_without_the_owners_buttons(client, alice, bob):
    account = AccountFactory(applicant=alice, team=[bob])
    CredentialFactory(account=account, storage=Storage.PASSWORD_MANAGER)
    client.force_login(bob)
    page = client.get(reverse("socialmedia:account", args=[account.pk])).content.decode()
    assert "In the organisation&#x27;s password manager" in page
    assert "Record a new password" not in page


def test_a_rotation_due_is_at_the_top_for_the_owner_with_the_record_button(client, alice, bob):
    due = timezone.now() - timedelta(days=2)
    account = AccountFactory(
        applicant=alice, team=[bob], rotation_due_since=due, rotation_due_reason="Dan left"
    )
    CredentialFactory(account=account)
    client.force_login(alice)
    page = client.get(reverse("socialmedia:account", args=[account.pk])).content.decode()
    assert "A new password is due since" in page
    assert "because Dan left" in page
    assert page.index("A new password is due") < page.index("The account")
    client.force_login(bob)
    assert (
        "A new password is due"
        not in client.get(reverse("socialmedia:account", args=[account.pk])).content.decode()
    )


def test_an_approved_accounts_owner_is_asked_to_open_it(client, alice):
    account = AccountFactory(applicant=alice, status=Account.Status.APPROVED)
    client.force_login(alice)
    page = client.get(reverse("socialmedia:account", args=[account.pk])).content.decode()
    assert reverse("socialmedia:open", args=[account.pk]) in page


@pytest.mark.parametrize("who", ["alice", "chief_executive"])
def test_the_account_page_costs_the_same_with_1_or_30_reveals_and_rotations(
    client, request, alice, chief_executive, who
):
    account = AccountFactory(applicant=alice, rotation_due_since=timezone.now())
    CredentialFactory(account=account)
    client.force_login(request.getfixturevalue(who))
    url = reverse("socialmedia:account", args=[account.pk])

    def make(n: int) -> None:
        for _ in range(n):
            RevealFactory(account=account, by=chief_executive)
            Rotation.objects.create(account=account, by=alice, at=timezone.now(), why="routine")

    def count() -> int:
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    make(1)
    few = count()
    make(29)
    assert count() == few
