"""No secret of the credential register is ever anywhere but its reveal page.

Distinctive values are typed through the real pages (open, change the details, record a new
password, reveal), with every log record captured at DEBUG (the SQL too); then every text, char
and JSON column of every model, the audit trail, the outbox, each log line and each page but the
reveal's answer are searched for them in clear. The Django admin offers no way to them."""

import logging
import sys

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection, models
from django.db.models.functions import Cast
from django.test import RequestFactory
from django.urls import reverse
from django.utils.html import escape
from django.views.debug import ExceptionReporter

from portal.models import AuditEvent, Notification
from portal.testing.second_factor import authenticator_for, totp_code
from portal.tests.factories import TEST_PASSWORD, UserFactory
from socialmedia.models import Account, Credential, MfaMethod, Reveal, Rotation, Storage
from socialmedia.tests.factories import AccountFactory, CredentialFactory

pytestmark = pytest.mark.django_db

SECRETS = {
    "username": "usr-Quokka-7f3e-westshire",
    "password": "pw-Aardvark-91c2-Zulu!",
    "recovery_email": "rcv-Pangolin-4d8a@example.org",
    "recovery_phone": "+44 7700 9[Okapi]55",
    "recovery_codes_location": "loc-Narwhal-22b9 cupboard",
    "notes": "note-Axolotl-6e01 ask Sam",
}
CHANGED_EMAIL = "rcv2-Tapir-0c3f@example.org"
NEW_PASSWORD = "pw2-Wombat-58aa-Yankee?"
PLAIN = [*SECRETS.values(), CHANGED_EMAIL, NEW_PASSWORD]


def _text_columns(model: type[models.Model]) -> list[models.Field]:
    return [
        f
        for f in model._meta.concrete_fields
        if isinstance(f, models.CharField | models.TextField | models.JSONField)
    ]


def _found_in_database(value: str) -> list[str]:
    found = []
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy or not model._meta.managed:
            continue
        for field in _text_columns(model):
            rows = model._default_manager.all()
            if isinstance(field, models.JSONField):
                # JSON's own containment is not a search of its text: the text is searched.
                rows = rows.annotate(_as_text=Cast(field.name, models.TextField()))
                lookup = "_as_text__contains"
            else:
                lookup = f"{field.name}__contains"
            if rows.filter(**{lookup: value}).exists():
                found.append(f"{model._meta.db_table}.{field.column}")
    return found


@pytest.fixture
def driven(client, caplog, alice, chief_executive):
    """Alice opens her approved account, changes a detail and records a new password; the Chief
    Executive reveals everything. Returns the reveal's answer and every other page seen."""
    # The root logger and every named one (Django's own stop at INFO otherwise) at DEBUG.
    caplog.set_level(logging.DEBUG)
    for name in [*logging.root.manager.loggerDict, "django.db.backends"]:
        caplog.set_level(logging.DEBUG, logger=name)
    connection.force_debug_cursor = True  # every SQL statement logged, with its parameters
    pages = []
    try:
        account = AccountFactory(applicant=alice, status=Account.Status.APPROVED)
        client.force_login(alice)
        open_url = reverse("socialmedia:open", args=[account.pk])
        pages.append(client.get(open_url))
        form = {
            "handle": "@WestshireSecrecy",
            "url": "https://x.example.com/WestshireSecrecy",
            "storage": Storage.PORTAL,
            **SECRETS,
            "password_again": SECRETS["password"],
            "mfa_method": MfaMethod.APP,
        }
        # A problem first: the page comes back without echoing a secret.
        pages.append(client.post(open_url, {**form, "password_again": "different"}))
        pages.append(client.post(open_url, form, follow=True))
        edit_url = reverse("socialmedia:credentials_edit", args=[account.pk])
        pages.append(client.get(edit_url))
        pages.append(
            client.post(
                edit_url,
                {
                    "storage": Storage.PORTAL,
                    "mfa_method": MfaMethod.APP,
                    "recovery_email": CHANGED_EMAIL,
                },
                follow=True,
            )
        )
        password_url = reverse("socialmedia:password_change", args=[account.pk])
        pages.append(client.get(password_url))
        pages.append(
            client.post(
                password_url,
                {
                    "password": NEW_PASSWORD,
                    "password_again": NEW_PASSWORD,
                    "why": Rotation.Why.ROUTINE,
                },
                follow=True,
            )
        )
        client.force_login(chief_executive)
        reveal_url = reverse("socialmedia:reveal", args=[account.pk])
        pages.append(client.get(reveal_url))
        # A wrong code first: refused, and nothing shown.
        pages.append(
            client.post(
                reveal_url,
                {"reason": "Testing", "password": TEST_PASSWORD, "code": "000000"},
            )
        )
        revealed = client.post(
            reveal_url,
            {
                "reason": "The owner is away and a post must come down.",
                "password": TEST_PASSWORD,
                "code": totp_code(authenticator_for(chief_executive)),
            },
        )
        pages.append(client.get(reverse("socialmedia:account", args=[account.pk])))
        pages.append(client.get(reverse("socialmedia:reveals")))
        pages.append(client.get(reverse("portal:audit")))
        pages.append(client.get(reverse("portal:notifications")))
    finally:
        connection.force_debug_cursor = False
    return account, revealed, pages


def test_the_journey_worked(driven):
    account, revealed, _pages = driven
    account.refresh_from_db()
    assert account.status == Account.Status.ACTIVE
    assert Rotation.objects.filter(account=account).count() == 1
    assert Reveal.objects.filter(account=account, outcome="shown").count() == 1
    assert Reveal.objects.filter(account=account, outcome="refused").count() == 1
    page = revealed.content.decode()
    for value in [SECRETS["username"], CHANGED_EMAIL, NEW_PASSWORD, SECRETS["notes"]]:
        assert value in page


def test_no_secret_is_in_any_column_of_any_table(driven):
    for value in PLAIN:
        assert _found_in_database(value) == [], value


def test_no_secret_is_in_the_audit_trail_or_the_outbox(driven):
    events = AuditEvent.objects.annotate(text=Cast("changes", models.TextField()))
    assert events.filter(verb__startswith="credential.").exists()
    told = Notification.objects.all()
    assert told.exists()
    for value in PLAIN:
        assert not events.filter(text__contains=value).exists()
        for notification in told:
            assert value not in notification.subject + notification.body_text
            assert value not in notification.body_html


def test_no_secret_is_in_any_log_line(driven, caplog):
    # The journey ran in the fixture: its records are the setup phase's.
    records = caplog.get_records("setup") + caplog.records
    assert any("INSERT" in r.getMessage() for r in records)  # the SQL was captured
    assert any("socialmedia_credential" in r.getMessage() for r in records)
    for record in records:
        line = record.getMessage() + repr(record.args) + repr(record.__dict__)
        for value in [*PLAIN, TEST_PASSWORD]:
            assert value not in line, f"{value!r} logged by {record.name}"


def test_no_secret_is_on_any_page_but_the_reveal(driven):
    _account, revealed, pages = driven
    assert [p.status_code for p in pages].count(200) >= 10
    for page in pages:
        text = page.content.decode()
        for value in PLAIN:
            assert value not in text, f"{value!r} on {page.request['PATH_INFO']}"


def test_the_reveal_is_never_stored_by_a_browser(driven):
    _account, revealed, _pages = driven
    assert revealed.status_code == 200
    assert "no-store" in revealed["Cache-Control"]


# ---- The Django admin --------------------------------------------------------------------


def test_no_credential_or_reveal_model_is_in_the_django_admin():
    # admin.site is the portal's own site (portal.apps: default_site = PortalAdminSite).
    registered = {model._meta.label for model in admin.site._registry}
    for model in (Credential, Reveal, Rotation):
        assert model._meta.label not in registered


def test_the_admin_index_shows_a_superuser_no_secret(client, driven):
    root = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(root)
    index = client.get(reverse("admin:index"))
    assert index.status_code == 200
    text = index.content.decode()
    assert "Credential" not in text
    for value in PLAIN:
        assert value not in text


# ---- Error reports ---------------------------------------------------------------------------


def _report_of(view, request, **kwargs) -> str:
    """The text and HTML of the error report Django would email for an exception in `view`."""
    try:
        view(request, **kwargs)
    except RuntimeError:
        reporter = ExceptionReporter(request, *sys.exc_info())
        return reporter.get_traceback_text() + reporter.get_traceback_html()
    raise AssertionError("the view did not fail")


def _post(url: str, data: dict, user) -> object:
    request = RequestFactory().post(url, data)
    request.user = user
    request.session = SessionStore()
    request._dont_enforce_csrf_checks = True
    return request


def test_an_error_while_opening_reports_no_secret(monkeypatch, alice, settings):
    settings.DEBUG = False
    from socialmedia.views import credentials as views

    def failing(**kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(views, "account_open", failing)
    account = AccountFactory(applicant=alice, status=Account.Status.APPROVED)
    url = reverse("socialmedia:open", args=[account.pk])
    form = {
        "handle": "@WestshireErr",
        "url": "https://x.example.com/WestshireErr",
        "storage": Storage.PORTAL,
        **SECRETS,
        "password_again": SECRETS["password"],
        "mfa_method": MfaMethod.APP,
    }
    report = _report_of(views.account_open_view, _post(url, form, alice), pk=account.pk)
    assert "the database went away" in report
    for value in SECRETS.values():
        assert value not in report
        assert escape(value) not in report


def test_an_error_while_showing_a_reveal_reports_no_secret(
    monkeypatch, alice, chief_executive, settings
):
    settings.DEBUG = False
    from socialmedia.views import reveal as views

    original = views.render

    def failing(request, template, context=None, **kwargs):
        if template.endswith("revealed.html"):
            raise RuntimeError("the template broke")
        return original(request, template, context, **kwargs)

    monkeypatch.setattr(views, "render", failing)
    account = AccountFactory(applicant=alice)
    CredentialFactory(account=account, **SECRETS)
    url = reverse("socialmedia:reveal", args=[account.pk])
    form = {
        "reason": "Checking",
        "password": TEST_PASSWORD,
        "code": totp_code(authenticator_for(chief_executive)),
    }
    report = _report_of(views.reveal, _post(url, form, chief_executive), pk=account.pk)
    assert "the template broke" in report
    for value in [*SECRETS.values(), TEST_PASSWORD]:
        assert value not in report
        assert escape(value) not in report
