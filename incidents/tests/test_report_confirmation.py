"""The confirmation after a report and the receipt by email: who it truly reached, what must
still be done and by whom, and numbers a phone can dial."""

import pytest
from django.urls import reverse

from incidents.kinds import Kind
from incidents.models import Incident
from incidents.tests.report_helpers import report
from portal.models import Notification, OrganisationSettings

pytestmark = pytest.mark.django_db


@pytest.fixture
def international(db):
    org = OrganisationSettings.load()
    org.helpdesk_phone, org.out_of_hours_phone = "+44 (0)121 626 8344", "+44 (0)300 123 1212"
    org.save()
    return org


def test_numbers_written_the_international_way_are_dialled_without_the_zero(
    client, alice, helpdesk, international
):
    client.force_login(alice)
    html = client.get(reverse("incidents:report")).text
    assert 'href="tel:+441216268344"' in html
    assert 'href="tel:+443001231212"' in html
    for kind in (Kind.LOST_DEVICE, Kind.DATA_BREACH):
        incident = report(by=alice, kind=kind)
        html = client.get(reverse("incidents:reported", args=[incident.pk])).text
        assert 'href="tel:+441216268344"' in html
        assert 'href="tel:+443001231212"' in html
        assert "+44 (0)121 626 8344" in html
        assert "tel:+44(0)" not in html
    receipt = Notification.objects.get(
        recipient=alice, subject__contains=Incident.objects.get(kind=Kind.LOST_DEVICE).reference
    )
    assert 'href="tel:+441216268344"' in receipt.body_html
