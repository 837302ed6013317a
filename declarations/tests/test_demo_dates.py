"""Demo data is dated from the day it is loaded: no email it leaves asks for a date that had
already passed when the email was sent."""

import re
from datetime import date, datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.utils import timezone

from portal.demo import DEMO_WRITTEN_ON, DOMAIN, demo_day
from portal.models import Notification, User
from portal.roles import Role

pytestmark = pytest.mark.django_db

# "sign by 1 December 2026, 23:59", "is due by 1 December 2026": a date someone is asked to
# meet. "It was due by …" states a date passed, and asks for none.
UK = ZoneInfo("Europe/London")
_ASKED_FOR = re.compile(r"(?<!was due )\bby (\d{1,2} [A-Z][a-z]+ \d{4})(?:, (\d{2}:\d{2}))?")


@pytest.fixture(autouse=True)
def demo_settings(monkeypatch, settings):
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    settings.DEBUG = True  # the demo refuses to load with DEBUG off
    for role in Role:
        Group.objects.get_or_create(name=role)


def _dates_asked_for(text: str) -> list[datetime]:
    asked = []
    for day, time in _ASKED_FOR.findall(text):
        moment = datetime.strptime(f"{day} {time or '23:59'}", "%d %B %Y %H:%M").replace(tzinfo=UK)
        asked.append(moment)
    return asked


def test_the_pattern_finds_a_date_asked_for_but_not_a_date_stated_as_passed():
    text = "Please sign by 1 December 2026, 18:00 (UK time). It was due by 2 December 2026."
    assert [d.day for d in _dates_asked_for(text)] == [1]


def test_no_email_the_demo_leaves_asks_for_a_date_already_past_when_it_was_sent():
    call_command("load_demo", stdout=StringIO())
    messages = Notification.objects.filter(to_email__endswith=f"@{DOMAIN}")
    assert messages.filter(dedup_key__startswith="decl-opened:").exists()
    late = [
        (m.subject, asked, m.created_at)
        for m in messages
        for asked in _dates_asked_for(f"{m.subject}\n{m.body_text}")
        if asked <= m.created_at
    ]
    assert late == []


def test_the_invitations_are_dated_when_the_campaign_opened_and_not_sent_again():
    call_command("load_demo", stdout=StringIO())
    invitations = Notification.objects.filter(dedup_key__startswith="decl-opened:")
    assert invitations.exists()
    assert not invitations.filter(status=Notification.Status.PENDING).exists()
    assert invitations.filter(created_at__lt=timezone.now() - timedelta(days=7)).count() == (
        invitations.count()
    )


def test_a_date_written_in_the_demo_keeps_its_distance_from_the_day_it_is_loaded():
    written = date(2026, 6, 29)
    assert demo_day(written, today=DEMO_WRITTEN_ON) == written
    assert demo_day(written, today=date(2028, 3, 1)) == date(2028, 3, 1) - (
        DEMO_WRITTEN_ON - written
    )


def test_demo_start_dates_are_counted_back_from_the_load_day():
    call_command("load_demo", stdout=StringIO())
    person = User.objects.get(email=f"amir.hussain@{DOMAIN}")
    assert person.start_date == timezone.localdate() - (DEMO_WRITTEN_ON - date(2026, 6, 29))
