"""What a person's record shows of social media accounts: only to the Chief Executive and
delegates, the teams they were on and the passwords they were shown."""

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.roles import Role
from portal.services.users import user_deactivate
from portal.tests.factories import UserFactory
from socialmedia.models import Reveal
from socialmedia.person_section import social_accounts_for_person
from socialmedia.tests.factories import AccountFactory, RevealFactory

pytestmark = pytest.mark.django_db


def _asked_by(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


def test_a_leavers_record_shows_the_chief_executive_which_passwords_they_saw(client, alice, bob):
    both = UserFactory(roles=[Role.CHIEF_EXECUTIVE, Role.SYSADMIN], full_name="Chris Both")
    AccountFactory(applicant=alice, team=[bob], handle="@OnTheTeam")
    seen = AccountFactory(applicant=alice, handle="@SeenOnly")
    RevealFactory(account=seen, by=bob)
    RevealFactory(
        account=AccountFactory(applicant=alice, handle="@Refused"),
        by=bob,
        outcome=Reveal.Outcome.REFUSED,
        refusal="No role",
    )
    user_deactivate(user=bob, by=both, reason="Left")

    client.force_login(both)
    page = client.get(reverse("portal:person", args=[bob.pk])).content.decode()

    assert "Social media accounts" in page
    assert "@OnTheTeam" in page
    assert "left the organisation" in page
    assert "@SeenOnly" in page
    assert "@Refused" not in page


def test_nobody_but_a_decider_sees_the_section(alice, sysadmin, ce_delegate):
    assert social_accounts_for_person(_asked_by(sysadmin), alice) is None
    assert social_accounts_for_person(_asked_by(ce_delegate), alice) is not None


def test_the_section_costs_the_same_however_long_the_history(
    alice, ce_delegate, django_assert_num_queries
):
    def person_with(count: int):
        person = UserFactory()
        for _ in range(count):
            account = AccountFactory(applicant=alice, team=[person])
            RevealFactory(account=account, by=person)
        return person

    few, many = person_with(1), person_with(10)

    def cost(person) -> int:
        with CaptureQueriesContext(connection) as seen:
            template, context = social_accounts_for_person(_asked_by(ce_delegate), person)
            render_to_string(template, {"section": context})
        return len(seen)

    assert cost(many) == cost(few)


def test_each_account_they_were_shown_is_listed_once_however_often(alice, ce_delegate, monkeypatch):
    import socialmedia.person_section as person_section

    monkeypatch.setattr(person_section, "SHOWN", 3)
    person = UserFactory()
    early = AccountFactory(applicant=alice, handle="@Early")
    RevealFactory(account=early, by=person)
    busy = AccountFactory(applicant=alice, handle="@Busy")
    for _ in range(4):
        RevealFactory(account=busy, by=person)

    template, context = social_accounts_for_person(_asked_by(ce_delegate), person)
    html = render_to_string(template, {"section": context})

    # Many showings of one account no longer push an earlier one off the record.
    assert "@Early" in html
    assert html.count("@Busy") == 1
    assert "4 times" in html

    for n in range(3):
        RevealFactory(account=AccountFactory(applicant=alice, handle=f"@Later{n}"), by=person)
    template, context = social_accounts_for_person(_asked_by(ce_delegate), person)
    html = render_to_string(template, {"section": context})
    assert "and 2 more accounts" in html
