"""The receipt: its link opens the record, and the statement reads correctly outside the
signing page. The notifications declarations leave in the portal say what their button opens."""

import pytest
from django.conf import settings
from django.urls import reverse

from declarations.services.campaigns import DEFAULT_STATEMENT
from declarations.services.signing import declaration_sign
from declarations.tests.factories import (
    CampaignFactory,
    ObligationFactory,
    PolicyVersionFactory,
    every_version,
)
from portal.models import Notification
from portal.tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

STATEMENT = "I declare that I have read and understood the policies shown above."


@pytest.fixture
def declaration(alice):
    version = PolicyVersionFactory(published=True, policy__title="IT and social media policy")
    campaign = CampaignFactory(open=True, versions=[version], statement=STATEMENT)
    obligation = ObligationFactory(campaign=campaign, user=alice)
    return declaration_sign(
        obligation=obligation,
        by=alice,
        typed_name=alice.full_name,
        read=every_version(obligation),
        password=TEST_PASSWORD,
    )


def _receipt(declaration) -> Notification:
    return Notification.objects.get(dedup_key=f"decl-receipt:{declaration.pk}")


def test_see_and_print_the_full_record_in_the_receipt_opens_the_record(declaration):
    record = reverse("declarations:record", args=[declaration.pk])
    receipt = _receipt(declaration)
    assert receipt.url == record
    assert f'href="{settings.SITE_URL}{record}"' in receipt.body_html
    assert f"see and print the full record here:\n{settings.SITE_URL}{record}" in (
        receipt.body_text
    )


def test_the_receipt_introduces_the_statement_and_keeps_its_words_as_signed(declaration):
    receipt = _receipt(declaration)
    for body in (receipt.body_text, receipt.body_html):
        # The policies come first, then words saying where the statement was shown.
        assert body.index("IT and social media policy") < body.index("shown beneath the policies")
        assert body.index("shown beneath the policies") < body.index(STATEMENT)


def test_the_record_introduces_the_statement_beneath_the_versions_signed(
    client, alice, declaration
):
    client.force_login(alice)
    page = client.get(reverse("declarations:record", args=[declaration.pk])).text
    assert page.index("IT and social media policy") < page.index("shown beneath the policies")
    assert page.index("shown beneath the policies") < page.index(STATEMENT)


def test_the_statement_new_campaigns_start_with_names_no_place_on_a_page():
    assert "above" not in DEFAULT_STATEMENT
    assert "below" not in DEFAULT_STATEMENT
    assert "policies named in this declaration" in DEFAULT_STATEMENT


def test_the_receipt_in_the_portal_has_a_button_saying_what_it_opens(client, alice, declaration):
    client.force_login(alice)
    page = client.get(reverse("portal:notification", args=[_receipt(declaration).pk])).text
    record = reverse("declarations:record", args=[declaration.pk])
    assert f'href="{record}">See and print the full record</a>' in page


def test_a_notification_asking_to_sign_has_a_button_saying_so(client, alice):
    campaign = CampaignFactory(open=True, versions=[PolicyVersionFactory(published=True)])
    obligation = ObligationFactory(campaign=campaign, user=alice)
    message = Notification.objects.create(
        dedup_key="test-sign",
        recipient=alice,
        to_email=alice.email,
        subject="Please sign",
        body_text="Please sign.",
        url=reverse("declarations:sign", args=[obligation.pk]),
    )
    client.force_login(alice)
    page = client.get(reverse("portal:notification", args=[message.pk])).text
    assert ">Read and sign the declaration</a>" in page
