from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.demo import DEFAULT_DEMO_PASSWORD, ORGANISATION, PEOPLE
from portal.models import AuditEvent, Department, EmploymentType, OrganisationSettings, User
from portal.roles import SECOND_FACTOR_ROLES, Role


@pytest.fixture(autouse=True)
def _as_on_a_laptop(settings):
    # The demo refuses to load with DEBUG off, and pytest-django turns DEBUG off for tests.
    settings.DEBUG = True


def _load() -> str:
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def _counts() -> dict[str, int]:
    return {
        "users": User.objects.count(),
        "departments": Department.objects.count(),
        "role_grants": User.groups.through.objects.count(),
        "managed": User.objects.filter(line_manager__isnull=False).count(),
        "audit": AuditEvent.objects.count(),
    }


def _ids_of(people) -> list[str]:
    return [
        str(pk)
        for pk in User.objects.filter(email__in=[p.email for p in people]).values_list(
            "pk", flat=True
        )
    ]


@pytest.mark.django_db
def test_loading_the_demo_twice_changes_nothing_the_second_time(monkeypatch):
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    first_output = _load()
    after_first = _counts()
    second_output = _load()

    assert _counts() == after_first
    # Apps may add people of their own (a chat group's leaver), so the portal's are counted.
    assert User.objects.filter(email__in=[p.email for p in PEOPLE]).count() == len(PEOPLE) >= 30
    assert "people created: 30" in first_output
    assert "people created: 0" in second_output
    assert "Organisation settings: unchanged" in second_output


@pytest.mark.django_db
def test_the_demo_covers_every_role_and_every_employment_type(monkeypatch):
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    _load()
    for role in Role:
        assert User.objects.filter(groups__name=role).exists(), f"nobody holds {role}"
    assert set(User.objects.values_list("employment_type", flat=True)) == set(EmploymentType.values)
    several = [u for u in User.objects.prefetch_related("groups") if u.groups.count() > 1]
    assert several, "someone should hold more than one role"
    managers = User.objects.filter(reports__isnull=False).distinct()
    assert managers.count() >= 5
    assert User.objects.filter(politically_restricted=True).count() > len(PEOPLE) // 2
    admin = User.objects.get(groups__name=Role.SYSADMIN, is_staff=True)
    assert admin.is_superuser


@pytest.mark.django_db
def test_the_demo_organisation_is_filled_in_and_audited(monkeypatch):
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    _load()
    org = OrganisationSettings.load()
    assert org.name == ORGANISATION["name"]
    assert org.helpdesk_phone
    assert org.out_of_hours_phone
    assert org.dpo_email
    assert AuditEvent.objects.filter(verb="organisation.settings_changed").count() == 1
    created = AuditEvent.objects.filter(verb="user.created", object_id__in=_ids_of(PEOPLE))
    assert created.count() == len(PEOPLE)
    with_roles = [p for p in PEOPLE if p.roles or p.admin]
    assert AuditEvent.objects.filter(verb="user.roles_granted").count() == len(with_roles)
    call_command("verify_audit", stdout=StringIO())


@pytest.mark.django_db
def test_an_organisation_that_set_its_own_name_keeps_it(monkeypatch):
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    org = OrganisationSettings.load()
    org.name = "Our own office"
    org.save()
    _load()
    assert OrganisationSettings.load().name == "Our own office"


@pytest.mark.django_db
def test_demo_people_sign_in_with_the_demo_password(client, monkeypatch):
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    output = _load()
    assert DEFAULT_DEMO_PASSWORD in output
    email = PEOPLE[0].email
    assert email in output
    response = client.post(reverse("login"), {"username": email, "password": DEFAULT_DEMO_PASSWORD})
    assert response.status_code == 302
    assert response.wsgi_request.user.email == email


@pytest.mark.django_db
def test_a_demo_password_from_the_environment_is_used(monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "Quiet-meadow-lighthouse-9")
    _load()
    user = User.objects.get(email=PEOPLE[3].email)
    assert user.check_password("Quiet-meadow-lighthouse-9")


@pytest.mark.django_db
def test_a_weak_demo_password_is_refused_and_nothing_is_created(monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "password")
    with pytest.raises(CommandError, match="DEMO_PASSWORD is not acceptable"):
        _load()
    assert User.objects.count() == 0


@pytest.mark.django_db
def test_privileged_demo_people_have_an_authenticator_and_demo_code_gets_them_in(
    client, monkeypatch
):
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    output = _load()
    assert "demo_code" in output
    privileged = [p for p in PEOPLE if p.admin or set(p.roles) & SECOND_FACTOR_ROLES]
    ordinary = [p for p in PEOPLE if not (p.admin or set(p.roles) & SECOND_FACTOR_ROLES)]
    assert privileged
    assert ordinary
    assert {d.user.email for d in TOTPDevice.objects.filter(confirmed=True)} == {
        p.email for p in privileged
    }
    dpo = next(p for p in PEOPLE if Role.DPO in p.roles)
    client.post(reverse("login"), {"username": dpo.email, "password": DEFAULT_DEMO_PASSWORD})
    out = StringIO()
    call_command("demo_code", dpo.email, stdout=out)
    code = out.getvalue().strip()
    assert len(code) == 6
    assert code.isdigit()
    response = client.post(reverse("second_factor_verify"), {"code": code})
    assert response.status_code == 302
    assert client.get(reverse("portal:audit")).status_code == 200


@pytest.mark.django_db
def test_demo_code_is_refused_unless_debug_is_on(settings, monkeypatch):
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    _load()
    settings.DEBUG = False
    dpo = next(p for p in PEOPLE if Role.DPO in p.roles)
    with pytest.raises(CommandError, match="only with DEBUG on"):
        call_command("demo_code", dpo.email, stdout=StringIO())
