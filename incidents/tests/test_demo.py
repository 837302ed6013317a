"""The incidents demo: it loads on top of the foundation's, a second load adds nothing, and it
has what the issue asks to be shown: every kind open and closed, a breach close to its
deadline, one reported late with its reasons, one decided not to report, and a trip abroad."""

from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db.models import F
from django.utils import timezone

from incidents.kinds import Kind
from incidents.models import Assessment, Incident, TimelineEntry, TravelNotice
from portal.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def demo_settings(monkeypatch, settings):
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    # The demo refuses to load with DEBUG off, and pytest-django turns DEBUG off for tests.
    settings.DEBUG = True
    for role in Role:
        Group.objects.get_or_create(name=role)


def _load() -> str:
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def test_loading_twice_adds_nothing_the_second_time():
    first = _load()
    counts = (Incident.objects.count(), TimelineEntry.objects.count(), TravelNotice.objects.count())

    second = _load()

    assert (
        Incident.objects.count(),
        TimelineEntry.objects.count(),
        TravelNotice.objects.count(),
    ) == counts
    assert "Incidents: 12 reports added." in first
    assert "Incidents: 0 reports added." in second


def test_the_demo_shows_every_kind_and_each_breach_outcome():
    _load()
    now = timezone.now()

    assert {i.kind for i in Incident.objects.all()} == set(Kind)
    assert Incident.objects.filter(status=Incident.Status.CLOSED).exists()
    assert Incident.objects.exclude(status=Incident.Status.CLOSED).exists()
    numbers = sorted(Incident.objects.values_list("year", "number"))
    assert len(set(numbers)) == len(numbers)

    breaches = Assessment.objects.filter(is_breach=True)
    close = breaches.get(notify_ico__isnull=True)
    assert now < close.ico_deadline_at < now + timedelta(hours=24)
    late = breaches.get(ico_notified_at__gt=F("ico_deadline_at"))
    assert late.late_reasons
    not_reported = breaches.get(notify_ico=False)
    assert not_reported.notify_reasons
    assert TravelNotice.objects.filter(departs_on__gt=timezone.localdate()).count() == 2
