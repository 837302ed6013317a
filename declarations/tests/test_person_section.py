"""What declarations add to a person's page (portal.registry.PersonSection)."""

import pytest
from django.urls import reverse

from declarations.tests.factories import DeclarationFactory, ObligationFactory
from portal.roles import Role
from portal.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_persons_page_lists_what_they_were_asked_to_sign_and_where_it_stands(
    client, alice, sysadmin
):
    pending = ObligationFactory(user=alice, campaign__name="Annual declaration 2027")
    signed = DeclarationFactory(obligation__user=alice, obligation__campaign__name="Re-sign 2026")
    client.force_login(sysadmin)
    html = client.get(reverse("portal:person", args=[alice.pk])).text
    assert "Annual declarations" in html
    assert "Annual declaration 2027" in html
    assert "To sign" in html
    assert "Re-sign 2026" in html
    assert f"Signed on {signed.signed_at:%-d %b %Y}" in html
    # A system administrator who is not a policy administrator gets no link to pages they
    # could not open.
    assert reverse("declarations:obligation", args=[pending.pk]) not in html


def test_a_policy_administrator_among_system_administrators_gets_the_obligation_link(client, alice):
    both = UserFactory(roles=[Role.SYSADMIN, Role.POLICY_ADMIN])
    obligation = ObligationFactory(user=alice)
    client.force_login(both)
    html = client.get(reverse("portal:person", args=[alice.pk])).text
    assert reverse("declarations:obligation", args=[obligation.pk]) in html


def test_a_person_never_asked_to_sign_is_said_to_be_so(client, charlie, sysadmin):
    client.force_login(sysadmin)
    html = client.get(reverse("portal:person", args=[charlie.pk])).text
    assert "has not been asked to sign a declaration" in html
