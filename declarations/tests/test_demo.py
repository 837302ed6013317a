from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from declarations.demo import (
    ADMIN_EMAIL,
    EXEMPT,
    NOT_SIGNED,
    POLICY_SLUG,
    POLICY_TITLE,
    SUMMARY_TO,
)
from declarations.markdown import sha256_text
from declarations.models import Campaign, Declaration, Obligation, Policy, PolicyVersion
from declarations.reports import completion_overall
from declarations.services.reminders import declarations_sweep
from portal.demo import DOMAIN
from portal.models import AuditEvent, Notification, User
from portal.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def default_demo_password(monkeypatch, settings):
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    # The demo refuses to load with DEBUG off, and pytest-django turns DEBUG off for tests.
    settings.DEBUG = True


@pytest.fixture(autouse=True)
def role_groups(db):
    # A migration makes these; a browser test earlier in the run empties every table.
    for role in Role:
        Group.objects.get_or_create(name=role)


def _load() -> str:
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def _counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (
            Policy,
            PolicyVersion,
            Campaign,
            Obligation,
            Declaration,
            Notification,
            AuditEvent,
        )
    }


def test_loading_the_declarations_demo_twice_changes_nothing_the_second_time():
    first = _load()
    after_first = _counts()
    signed_states = list(Obligation.objects.order_by("pk").values_list("status", "due_at"))

    second = _load()

    assert _counts() == after_first
    assert list(Obligation.objects.order_by("pk").values_list("status", "due_at")) == signed_states
    assert "annual campaign opened to" in first
    assert "campaign already loaded" in second


def test_the_demo_has_a_published_policy_with_its_history():
    _load()
    policy = Policy.objects.get(slug=POLICY_SLUG)
    assert policy.title == POLICY_TITLE
    versions = list(policy.versions.order_by("effective_date"))
    assert [v.label for v in versions] == ["3.0", "4.0"]
    for version in versions:
        assert version.is_published
        assert version.content_sha256 == sha256_text(version.body_html)
        assert "<script" not in version.body_html
    assert "abroad" in versions[1].body_html
    assert "abroad" not in versions[0].body_html


def test_the_demo_campaign_is_open_part_signed_with_people_overdue_paused_and_exempt():
    _load()
    now = timezone.now()
    campaign = Campaign.objects.get(status=Campaign.Status.OPEN)
    assert campaign.due_at < now
    figures = completion_overall(campaign, now)
    assert 0 < figures.signed < figures.asked
    assert figures.overdue == len(NOT_SIGNED)
    assert figures.paused == 1
    assert figures.exempt == 1
    exempt = Obligation.objects.get(campaign=campaign, status=Obligation.Status.EXEMPT)
    assert (exempt.user.email, exempt.exempt_until > now) == (f"{EXEMPT[0]}@{DOMAIN}", True)
    # It repeats every year, and the Chief Executive gets its weekly summary.
    assert campaign.repeats_yearly
    assert [p.email for p in campaign.summary_recipients.all()] == [f"{SUMMARY_TO}@{DOMAIN}"]
    # The signatures are real ones, made through the signing service with the version's hash.
    version = campaign.versions.get()
    declaration = Declaration.objects.filter(campaign=campaign).first()
    assert declaration.versions_signed[0]["sha256"] == version.content_sha256
    assert AuditEvent.objects.filter(verb="declaration.signed").count() == figures.signed
    # The person the demo offers as "staff (no role)" is left to sign it themselves.
    mark = User.objects.get(email=f"{NOT_SIGNED[0]}@{DOMAIN}")
    assert Obligation.objects.get(campaign=campaign, user=mark).status == "pending"


def test_the_sweep_then_tells_the_overdue_people_and_their_managers_once():
    _load()
    first = declarations_sweep()
    second = declarations_sweep()
    assert first.overdue == len(NOT_SIGNED)
    assert first.managers_told == len(NOT_SIGNED)
    assert (second.overdue, second.managers_told) == (0, 0)


def test_the_demo_report_opens_for_the_policy_administrator(client):
    _load()
    client.force_login(User.objects.get(email=ADMIN_EMAIL))
    campaign = Campaign.objects.get(status=Campaign.Status.OPEN)
    response = client.get(reverse("declarations:report", args=[campaign.pk]))
    assert response.status_code == 200
    assert campaign.name in response.text
