"""Fixtures shared by every app's tests: the people of DESIGN.md's role table.

alice is ordinary staff, bob is her line manager, charlie is an outsider in another department;
each privileged role has its own person.
"""

import os

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test import Client, TransactionTestCase

# Playwright's sync API runs an event loop in the test thread; the ORM refuses without this.
# Set here, for tests only: exported globally it would fail `check --deploy` (async.E001).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from portal.roles import Role  # noqa: E402
from portal.testing.second_factor import session_verified  # noqa: E402
from portal.tests.factories import TEST_PASSWORD as PASSWORD  # noqa: E402, F401
from portal.tests.factories import DepartmentFactory, UserFactory  # noqa: E402

# A real Celery worker (`worker`, `mail_dir`), for the integration tests of every app.
pytest_plugins = ["portal.testing.worker"]


@pytest.fixture(autouse=True)
def _force_login_does_both_steps(monkeypatch):
    """`client.force_login(user)` signs in as someone who has done both steps (for people whose
    roles need the second, with a real authenticator row), as they would have to reach their
    pages. `force_login(user, second_factor=False)` stops after the password, for the tests of
    the second step itself."""
    plain = Client.force_login

    def force_login(self, user, backend=None, *, second_factor=True):
        plain(self, user, backend)
        if second_factor and user.needs_second_factor:
            session_verified(self, user)

    monkeypatch.setattr(Client, "force_login", force_login)


@pytest.fixture(autouse=True)
def _empty_cache():
    # The cache lives as long as the process (the organisation settings are kept in it): what
    # one test put there must not answer for the next test's rolled-back rows.
    cache.clear()


@pytest.fixture(autouse=True)
def _forget_the_audit_head():
    # verify_audit writes the head of the trail it checked; the next test's trail is another.
    yield
    settings.PORTAL_AUDIT_HEAD_FILE.unlink(missing_ok=True)


_flush = TransactionTestCase._fixture_teardown


def _flush_past_the_append_only_triggers(self):
    """After a transactional test Django empties every table with TRUNCATE, which the append-only
    tables refuse by trigger. Replication mode (superuser only) does not fire those triggers."""
    if connection.vendor != "postgresql":
        return _flush(self)
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
    try:
        return _flush(self)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = origin")


TransactionTestCase._fixture_teardown = _flush_past_the_append_only_triggers  # type: ignore[method-assign]


@pytest.fixture
def department(db):
    return DepartmentFactory(code="EXEC", name="Executive office")


@pytest.fixture
def bob(db, department):
    return UserFactory(full_name="Bob Manager", email="bob@example.org", department=department)


@pytest.fixture
def alice(db, department, bob):
    return UserFactory(
        full_name="Alice Staff", email="alice@example.org", department=department, line_manager=bob
    )


@pytest.fixture
def charlie(db):
    return UserFactory(
        full_name="Charlie Outsider",
        email="charlie@example.org",
        department=DepartmentFactory(code="FIN", name="Finance"),
    )


def _role_user(role: Role, email: str, name: str):
    return UserFactory(full_name=name, email=email, roles=[role])


@pytest.fixture
def policy_admin(db):
    return _role_user(Role.POLICY_ADMIN, "hr@example.org", "Priya Policy")


@pytest.fixture
def dpo(db):
    return _role_user(Role.DPO, "dpo@example.org", "Dana Protection")


@pytest.fixture
def deputy_dpo(db):
    return _role_user(Role.DEPUTY_DPO, "deputy.dpo@example.org", "Dev Deputy")


@pytest.fixture
def psd(db):
    return _role_user(Role.PSD, "psd@example.org", "Pat Standards")


@pytest.fixture
def ce_delegate(db):
    return _role_user(Role.CE_DELEGATE, "ce.delegate@example.org", "Della Delegate")


@pytest.fixture
def chief_executive(db):
    return _role_user(Role.CHIEF_EXECUTIVE, "ce@example.org", "Chris Executive")


@pytest.fixture
def helpdesk(db):
    return _role_user(Role.HELPDESK, "helpdesk@example.org", "Harry Helpdesk")


@pytest.fixture
def sysadmin(db):
    return _role_user(Role.SYSADMIN, "sysadmin@example.org", "Sam Sysadmin")


# Browser tests: Debian's Chromium, never a downloaded one. Flags keep it off the network.
@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


# Pages are checked as they rest, not mid-animation: axe run just after a click once measured a
# button's colours halfway through Bootstrap's transition, and failed the contrast of a colour
# nobody sees. Bootstrap turns its transitions off for people who ask for reduced motion.
@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "reduced_motion": "reduce"}


# The identity provider: a real OpenID Connect provider (portal/testing/oidc_provider.py).
@pytest.fixture(scope="session")
def oidc_provider():
    from portal.testing.oidc_provider import start_provider

    yield from start_provider()


@pytest.fixture
def identity_provider(oidc_provider, settings):
    """The portal configured to sign in through the test provider (only for this test)."""
    for name, value in oidc_provider.settings().items():
        setattr(settings, name, value)
    return oidc_provider
