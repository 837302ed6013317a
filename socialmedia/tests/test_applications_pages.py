"""The application pages: applying, revising, deciding, the letter, the queue, a person's own
accounts, the account page's sections and the dashboard panel."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from portal.models import OrganisationSettings
from portal.tests.factories import UserFactory
from socialmedia.models import Account, Decision
from socialmedia.tests.factories import AccountFactory, DecisionFactory

pytestmark = pytest.mark.django_db


def _form(**changes):
    return {
        "platform": "x",
        "name": "Westshire OPCC",
        "handle": "@WestshireOPCC",
        "purpose": "News of the Commissioner's work.",
        "audience": "People in Westshire.",
        "website_link": "https://www.westshire.example.org/",
        "content_plan": "Daily posts.",
        "team": "bob@example.org",
        "responsibilities_confirmed": "on",
        **changes,
    }


def _applied(applicant, **fields):
    return AccountFactory(applicant=applicant, **{"status": Account.Status.APPLIED, **fields})


def test_the_apply_page_prefills_the_website_and_states_the_responsibilities(client, alice):
    org = OrganisationSettings.load()
    org.website_url = "https://www.westshire.example.org/"
    org.save()
    client.force_login(alice)
    response = client.get(reverse("socialmedia:apply"))
    assert response.status_code == 200
    assert response.context["form"]["website_link"].value() == org.website_url
    assert "never anything that could bring it into disrepute" in response.text
    assert "no-store" in response["Cache-Control"]
    assert "OFFICIAL-SENSITIVE" in response.text


def test_applying_shows_what_happens_next(client, alice, bob):
    client.force_login(alice)
    response = client.post(reverse("socialmedia:apply"), _form(), follow=True)
    account = Account.objects.get()
    assert response.redirect_chain[-1][0] == reverse(
        "socialmedia:application_sent", args=[account.pk]
    )
    assert "What happens next" in response.text
    assert account.applicant == alice


def test_an_application_form_sent_twice_makes_one_account(client, alice, bob):
    client.force_login(alice)
    page = client.get(reverse("socialmedia:apply"))
    token = page.context["form"]["submission_token"].value()
    assert f'value="{token}"' in page.text
    first = client.post(reverse("socialmedia:apply"), _form(submission_token=token))
    again = client.post(reverse("socialmedia:apply"), _form(submission_token=token))
    account = Account.objects.get()
    sent = reverse("socialmedia:application_sent", args=[account.pk])
    assert first.url == again.url == sent


def test_the_chief_executive_with_no_delegate_is_told_on_the_form(client, chief_executive, bob):
    client.force_login(chief_executive)
    response = client.post(reverse("socialmedia:apply"), _form())
    assert response.status_code == 200
    assert (
        "No one else can decide on an application of yours: ask for a delegate to be named "
        "first" in response.text
    )
    assert response.context["form"]["handle"].value() == "@WestshireOPCC"
    assert not Account.objects.exists()


def test_a_bad_team_line_is_named_by_its_number_and_text_and_what_was_typed_is_kept(
    client, alice, bob
):
    client.force_login(alice)
    response = client.post(
        reverse("socialmedia:apply"),
        _form(team="bob@example.org\n\nnobody@example.org\nnot an email"),
    )
    assert response.status_code == 200
    assert "Line 3: “nobody@example.org” is not the work email" in response.text
    assert "Line 4: “not an email” is not an email address." in response.text
    assert response.context["form"]["handle"].value() == "@WestshireOPCC"
    assert not Account.objects.exists()


def test_the_applicant_alone_is_not_a_team(client, alice):
    client.force_login(alice)
    response = client.post(reverse("socialmedia:apply"), _form(team="alice@example.org"))
    assert "Name at least one colleague" in response.text
    response = client.post(reverse("socialmedia:apply"), _form(responsibilities_confirmed=""))
    assert "Confirm you understand your responsibilities" in response.text
    assert not Account.objects.exists()


def test_the_applicant_revises_only_when_changes_were_asked(client, alice, bob, chief_executive):
    account = _applied(alice, team=[bob])
    client.force_login(alice)
    response = client.get(reverse("socialmedia:application_edit", args=[account.pk]), follow=True)
    assert "only when the Chief Executive has asked for changes" in response.text

    Account.objects.filter(pk=account.pk).update(status=Account.Status.CHANGES_ASKED)
    DecisionFactory(
        account=account,
        outcome=Decision.Outcome.CHANGES_ASKED,
        reason="Say how often you will post.",
        decided_by=chief_executive,
    )
    page = client.get(reverse("socialmedia:application_edit", args=[account.pk]))
    assert "Say how often you will post." in page.text
    assert page.context["form"]["team"].value() == "bob@example.org"
    client.post(
        reverse("socialmedia:application_edit", args=[account.pk]),
        _form(content_plan="Every weekday at noon."),
    )
    account.refresh_from_db()
    assert (account.status, account.content_plan) == (
        Account.Status.APPLIED,
        "Every weekday at noon.",
    )


def test_the_account_page_shows_what_was_asked_and_the_revise_button_to_the_applicant(
    client, alice, bob, chief_executive
):
    account = _applied(alice, team=[bob], status=Account.Status.CHANGES_ASKED)
    DecisionFactory(
        account=account,
        outcome=Decision.Outcome.CHANGES_ASKED,
        reason="Name a second colleague.",
        decided_by=chief_executive,
    )
    client.force_login(alice)
    page = client.get(reverse("socialmedia:account", args=[account.pk])).text
    assert "Name a second colleague." in page
    assert reverse("socialmedia:application_edit", args=[account.pk]) in page
    client.force_login(bob)
    page = client.get(reverse("socialmedia:account", args=[account.pk])).text
    assert "Application and decisions" in page
    assert reverse("socialmedia:application_edit", args=[account.pk]) not in page


def test_a_decider_decides_from_the_decide_page(client, alice, bob, chief_executive):
    account = _applied(alice, team=[bob])
    client.force_login(chief_executive)
    page = client.get(reverse("socialmedia:account", args=[account.pk])).text
    assert reverse("socialmedia:decide", args=[account.pk]) in page
    response = client.post(
        reverse("socialmedia:decide", args=[account.pk]), {"outcome": "approved", "reason": ""}
    )
    assert "Give the reason" in response.text
    response = client.post(
        reverse("socialmedia:decide", args=[account.pk]),
        {"outcome": "approved", "reason": "Good plan."},
        follow=True,
    )
    assert "The applicant has been told by email." in response.text
    account.refresh_from_db()
    assert account.status == Account.Status.APPROVED
    assert reverse("socialmedia:letter", args=[account.pk]) in response.text


def test_a_chief_executive_who_applied_is_shown_why_they_cannot_decide(
    client, chief_executive, bob
):
    account = _applied(chief_executive, team=[bob])
    client.force_login(chief_executive)
    page = client.get(reverse("socialmedia:decide", args=[account.pk]))
    assert "another decider must" in page.text
    assert page.context["own"]
    response = client.post(
        reverse("socialmedia:decide", args=[account.pk]), {"outcome": "approved", "reason": "Ok"}
    )
    assert "another decider must" in response.text
    account.refresh_from_db()
    assert account.status == Account.Status.APPLIED


def test_the_decide_page_says_when_the_applicant_has_left(client, bob, chief_executive):
    gone = UserFactory(is_active=False, full_name="Gary Gone")
    account = _applied(gone, team=[bob])
    client.force_login(chief_executive)
    url = reverse("socialmedia:decide", args=[account.pk])
    assert "Gary Gone has left the organisation" in client.get(url).text
    response = client.post(url, {"outcome": "approved", "reason": "Fine."})
    assert response.status_code == 200
    assert "cannot be approved" in response.text
    assert not Decision.objects.exists()


def test_a_superuser_without_the_role_is_refused_the_decide_page_and_the_register(client, alice):
    account = _applied(alice)
    boss = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(boss)
    assert client.get(reverse("socialmedia:decide", args=[account.pk])).status_code == 403
    assert client.get(reverse("socialmedia:register")).status_code == 403
    assert client.get(reverse("socialmedia:register_csv")).status_code == 403
    assert client.get(reverse("socialmedia:decisions")).status_code == 403


def test_the_letter_names_the_organisation_the_decider_and_whether_as_delegate(
    client, alice, bob, ce_delegate
):
    org = OrganisationSettings.load()
    org.name = "Office of the Westshire PCC"
    org.save()
    account = AccountFactory(applicant=alice, team=[bob])
    DecisionFactory(
        account=account, reason="Fits our plan.", decided_by=ce_delegate, as_delegate=True
    )
    client.force_login(bob)
    page = client.get(reverse("socialmedia:letter", args=[account.pk])).text
    assert "Office of the Westshire PCC" in page
    assert "Decision of the Chief Executive's delegate, Della Delegate" in page
    assert "Fits our plan." in page
    assert "data-print" in page


def test_the_letter_of_an_account_not_approved_says_so_and_outsiders_get_404(
    client, alice, charlie
):
    account = _applied(alice)
    client.force_login(alice)
    page = client.get(reverse("socialmedia:letter", args=[account.pk]))
    assert page.status_code == 200
    assert "No approval yet" in page.text
    client.force_login(charlie)
    assert client.get(reverse("socialmedia:letter", args=[account.pk])).status_code == 404


def test_the_queue_lists_applications_oldest_first_with_how_long_they_wait(
    client, alice, chief_executive
):
    now = timezone.now()
    newer = _applied(alice, submitted_at=now - timedelta(hours=2), handle="@newer")
    older = _applied(alice, submitted_at=now - timedelta(days=3), handle="@older")
    AccountFactory(applicant=alice, handle="@active")
    client.force_login(chief_executive)
    response = client.get(reverse("socialmedia:decisions"))
    assert [a.pk for a in response.context["page"].object_list] == [older.pk, newer.pk]
    assert "3\xa0days" in response.text
    assert "@active" not in response.text


def test_the_queue_says_when_nothing_waits(client, ce_delegate):
    client.force_login(ce_delegate)
    assert "No application is waiting" in client.get(reverse("socialmedia:decisions")).text


def _count(client, url) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_queue_costs_the_same_queries_with_few_or_many(client, chief_executive):
    client.force_login(chief_executive)
    url = reverse("socialmedia:decisions")
    for _ in range(2):
        _applied(UserFactory())
    few = _count(client, url)
    for _ in range(30):
        _applied(UserFactory())
    assert _count(client, url) == few


def test_your_accounts_lists_those_applied_for_owned_or_on_the_team_with_next_steps(
    client, alice, bob, charlie
):
    mine = AccountFactory(applicant=alice, status=Account.Status.APPROVED, handle="@mine")
    on_team = AccountFactory(applicant=charlie, team=[alice], handle="@team")
    asked = _applied(alice, status=Account.Status.CHANGES_ASKED, handle="@asked")
    AccountFactory(applicant=charlie, handle="@theirs")
    client.force_login(alice)
    response = client.get(reverse("socialmedia:mine"))
    shown = {a.pk for a in response.context["page"].object_list}
    assert shown == {mine.pk, on_team.pk, asked.pk}
    assert "Revise the application and send it again." in response.text
    assert "Open the account, then record it here" in response.text


def test_your_accounts_is_empty_with_the_apply_button(client, charlie):
    client.force_login(charlie)
    page = client.get(reverse("socialmedia:mine")).text
    assert "You have no corporate social media accounts" in page
    assert reverse("socialmedia:apply") in page


def test_your_accounts_costs_the_same_queries_with_few_or_many(client, alice):
    client.force_login(alice)
    url = reverse("socialmedia:mine")
    AccountFactory(applicant=alice)
    few = _count(client, url)
    for _ in range(20):
        AccountFactory(applicant=alice)
    assert _count(client, url) == few


def test_the_dashboard_offers_applying_and_counts_waiting_applications_for_deciders(
    client, alice, chief_executive
):
    client.force_login(alice)
    page = client.get(reverse("portal:dashboard")).text
    assert reverse("socialmedia:apply") in page
    assert reverse("socialmedia:mine") not in page
    _applied(alice)
    _applied(alice)
    assert reverse("socialmedia:mine") in client.get(reverse("portal:dashboard")).text
    client.force_login(chief_executive)
    page = client.get(reverse("portal:dashboard")).text
    assert "2 applications waiting for a decision" in page
