"""Every form of the portal's own pages, and of the Django admin, given generated hostile input
through its real page: the answer is a saved change or the form again with its errors, never a
server error. The first tests check that every form in the project is fuzzed somewhere."""

import importlib
from pathlib import Path

import pytest
from django import forms
from django.contrib import admin
from django.contrib.auth.forms import PasswordChangeForm, SetPasswordForm
from django.contrib.auth.tokens import default_token_generator
from django.test import RequestFactory
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from hypothesis import find, given, settings
from hypothesis import strategies as st

from portal.admin import PortalUserChangeForm
from portal.forms.accounts import SignInForm
from portal.forms.audit import AuditFilterForm
from portal.forms.organisation import OrganisationSettingsForm
from portal.forms.people import ReasonForm, RoleGrantForm, SearchForm
from portal.forms.retention import HoldLiftForm, HoldPlaceForm, RetentionPeriodsForm
from portal.forms.second_factor import AppCodeForm, SecondStepForm
from portal.models import Department, LegalHold, OrganisationSettings
from portal.registry import registry
from portal.roles import Role
from portal.services.holds import legal_hold_place
from portal.testing.form_fuzz import (
    FUZZ,
    FUZZED,
    assert_calm,
    form_data,
    fuzzes,
    hostile_text,
    project_apps,
    project_form_classes,
    submit,
)
from portal.tests.factories import UserFactory
from portal.views.accounts import OutboxPasswordResetForm

pytestmark = pytest.mark.django_db


def _fuzzed_everywhere() -> set[type[forms.BaseForm]]:
    # Each app's own fuzz tests mark what they cover when imported (by name: the portal never
    # imports an app).
    for config in project_apps():
        if (Path(config.path) / "tests" / "test_form_fuzz.py").exists():
            importlib.import_module(f"{config.name}.tests.test_form_fuzz")
    return set(FUZZED)


def test_every_form_in_the_project_is_fuzzed():
    defined = project_form_classes()
    assert AuditFilterForm in defined  # the search found them
    missing = sorted(
        f"{cls.__module__}.{cls.__qualname__}" for cls in defined - _fuzzed_everywhere()
    )
    assert not missing, f"Forms no fuzz test covers: {missing}"


@pytest.fixture
def admin_person(db):
    return UserFactory(
        full_name="Ada Admin",
        email="ada@example.org",
        is_staff=True,
        is_superuser=True,
        roles=[Role.SYSADMIN],
    )


# (model label, "add" or "change"): the Django admin pages fuzzed below.
ADMIN_PAGES = {
    ("portal.user", "add"),
    ("portal.user", "change"),
    ("portal.department", "add"),
    ("portal.department", "change"),
}


def test_every_admin_page_that_saves_is_fuzzed(admin_person):
    request = RequestFactory().get("/")
    request.user = admin_person
    writable = set()
    for model, model_admin in admin.site._registry.items():
        if model_admin.has_add_permission(request):
            writable.add((model._meta.label_lower, "add"))
        if model_admin.has_change_permission(request):
            writable.add((model._meta.label_lower, "change"))
    assert ("portal.user", "change") in writable
    assert not writable - ADMIN_PAGES, f"Admin pages no fuzz test covers: {writable - ADMIN_PAGES}"


# ---- The portal's pages ------------------------------------------------------------------


@fuzzes(AuditFilterForm)
@pytest.mark.parametrize("page", ["portal:audit", "portal:audit_export"])
@given(data=st.data())
@FUZZ
def test_the_audit_filters_take_any_input(client, dpo, page, data):
    client.force_login(dpo)
    query = data.draw(form_data(AuditFilterForm()))
    query["page"] = data.draw(st.one_of(st.just("1"), st.text(max_size=30)))
    assert_calm(submit(client, "get", reverse(page), query))


@fuzzes(SearchForm)
@given(data=st.data())
@FUZZ
def test_the_people_search_takes_any_input(client, sysadmin, data):
    client.force_login(sysadmin)
    query = data.draw(form_data(SearchForm()))
    # A page's cursor comes back from the browser: anyone can alter it.
    query["cursor"] = data.draw(st.text(max_size=120))
    assert_calm(submit(client, "get", reverse("portal:people"), query))


@fuzzes(OrganisationSettingsForm)
@given(data=st.data())
@FUZZ
def test_the_organisation_settings_take_any_input(client, sysadmin, data):
    client.force_login(sysadmin)
    fields = data.draw(form_data(OrganisationSettingsForm()))
    assert_calm(submit(client, "post", reverse("portal:organisation_settings"), fields))


@fuzzes(ReasonForm)
@pytest.mark.parametrize(
    "page",
    [
        "portal:person_deactivate",
        "portal:person_reactivate",
        "portal:person_unlock",
        "portal:person_second_factor_reset",
        "portal:person_sessions_end",
    ],
)
@given(data=st.data())
@FUZZ
def test_the_reason_forms_of_a_persons_page_take_any_input(client, sysadmin, dpo, page, data):
    client.force_login(sysadmin)
    fields = data.draw(form_data(ReasonForm()))
    assert_calm(submit(client, "post", reverse(page, args=[dpo.pk]), fields))


@fuzzes(RoleGrantForm)
@given(data=st.data())
@FUZZ
def test_giving_a_role_takes_any_input(client, sysadmin, alice, data):
    client.force_login(sysadmin)
    fields = data.draw(form_data(RoleGrantForm(held=frozenset())))
    assert_calm(
        submit(client, "post", reverse("portal:person_role_grant", args=[alice.pk]), fields)
    )


@fuzzes(AppCodeForm)
@given(data=st.data())
@FUZZ
def test_setting_up_an_authenticator_takes_any_code(client, alice, data):
    client.force_login(alice)
    fields = data.draw(form_data(AppCodeForm()))
    fields["next"] = data.draw(st.one_of(st.just("/"), st.text(max_size=100)))
    assert_calm(submit(client, "post", reverse("second_factor_setup"), fields))


@fuzzes(SecondStepForm)
@given(data=st.data())
@FUZZ
def test_the_second_step_takes_any_code(client, dpo, data):
    client.force_login(dpo, second_factor=False)
    fields = data.draw(form_data(SecondStepForm()))
    fields["next"] = data.draw(st.one_of(st.just("//evil.example"), st.text(max_size=100)))
    assert_calm(submit(client, "post", reverse("second_factor_verify"), fields))


@fuzzes(SignInForm)
@given(data=st.data())
@FUZZ
def test_signing_in_takes_any_input(client, alice, data):
    fields = data.draw(form_data(SignInForm()))
    assert_calm(submit(client, "post", reverse("login"), fields))


@fuzzes(OutboxPasswordResetForm)
@given(data=st.data())
@FUZZ
def test_asking_for_a_password_reset_takes_any_input(client, alice, data):
    fields = data.draw(form_data(OutboxPasswordResetForm()))
    assert_calm(submit(client, "post", reverse("password_reset"), fields))


@given(data=st.data())
@FUZZ
def test_changing_ones_password_takes_any_input(client, alice, data):
    client.force_login(alice)
    fields = data.draw(form_data(PasswordChangeForm(alice)))
    assert_calm(submit(client, "post", reverse("password_change"), fields))


@given(data=st.data())
@FUZZ
def test_choosing_a_new_password_from_a_reset_link_takes_any_input(client, alice, data):
    uid = urlsafe_base64_encode(force_bytes(alice.pk))
    link = reverse("password_reset_confirm", args=[uid, default_token_generator.make_token(alice)])
    # The link moves its token into the session and sends the browser to the form.
    form_url = client.get(link).url
    fields = data.draw(form_data(SetPasswordForm(alice)))
    assert_calm(submit(client, "post", form_url, fields))


# ---- The Django admin ----------------------------------------------------------------------


def _admin_form(client, url: str) -> forms.BaseForm:
    response = client.get(url)
    assert response.status_code == 200, url
    if "adminform" in response.context:
        return response.context["adminform"].form
    return response.context["form"]  # the page for setting a password


def _admin_url(label: str, page: str, obj) -> str:
    app_label, model = label.split(".")
    if page == "add":
        return reverse(f"admin:{app_label}_{model}_add")
    return reverse(f"admin:{app_label}_{model}_change", args=[obj.pk])


def _admin_object(label: str, alice):
    # get_or_create: the test's body runs once for each example.
    return {
        "portal.user": lambda: alice,
        "portal.department": lambda: Department.objects.get(pk=alice.department_id),
    }[label]()


@fuzzes(PortalUserChangeForm)
@pytest.mark.parametrize(("label", "page"), sorted(ADMIN_PAGES))
@given(data=st.data())
@FUZZ
def test_each_admin_page_takes_any_input(client, admin_person, alice, label, page, data):
    client.force_login(admin_person)
    url = _admin_url(label, page, _admin_object(label, alice) if page == "change" else None)
    fields = data.draw(form_data(_admin_form(client, url)))
    assert_calm(submit(client, "post", url, fields))


@given(data=st.data())
@FUZZ
def test_setting_a_password_in_the_admin_takes_any_input(client, admin_person, alice, data):
    client.force_login(admin_person)
    url = reverse("admin:auth_user_password_change", args=[alice.pk])
    fields = data.draw(form_data(_admin_form(client, url)))
    assert_calm(submit(client, "post", url, fields))


@pytest.mark.parametrize(
    "label", sorted({model._meta.label_lower for model in admin.site._registry})
)
@given(
    query=st.fixed_dictionaries({"q": hostile_text}),
    extra=st.dictionaries(hostile_text, hostile_text, max_size=2),
)
@FUZZ
def test_each_admin_list_takes_any_search(client, admin_person, label, query, extra):
    client.force_login(admin_person)
    app_label, model = label.split(".")
    url = reverse(f"admin:{app_label}_{model}_changelist")
    assert_calm(submit(client, "get", url, {**extra, **query}))


class _Sample(forms.Form):
    name = forms.CharField(max_length=20)
    kind = forms.ChoiceField(choices=[("a", "A")])
    day = forms.DateField()


@pytest.mark.parametrize(
    "found",
    [
        lambda d: "\x00" in str(d.get("name", "")),
        lambda d: len(str(d.get("name", ""))) > 255,
        lambda d: isinstance(d.get("kind"), list),
        lambda d: d.get("kind") not in (None, "a") and not isinstance(d.get("kind"), list),
        lambda d: str(d.get("day", "")).startswith("9999-12-31"),
    ],
    ids=["nul", "huge", "list", "bad choice", "last date"],
)
def test_the_fuzzing_reaches_the_inputs_that_break_pages(found):
    # The fuzz tests are only as good as what they send: each of these broke a page once.
    assert found(
        find(form_data(_Sample()), found, settings=settings(database=None, max_examples=5000))
    )


@fuzzes(RetentionPeriodsForm)
@given(data=st.data())
@FUZZ
def test_the_retention_periods_take_any_input(client, sysadmin, data):
    client.force_login(sysadmin)
    fields = data.draw(form_data(RetentionPeriodsForm(org=OrganisationSettings.load())))
    assert_calm(submit(client, "post", reverse("portal:retention_periods"), fields))


@fuzzes(HoldPlaceForm)
@given(data=st.data())
@FUZZ
def test_placing_a_hold_takes_any_input(client, dpo, data):
    client.force_login(dpo)
    fields = data.draw(form_data(HoldPlaceForm()))
    assert_calm(submit(client, "post", reverse("portal:holds"), fields))


@fuzzes(HoldLiftForm)
@given(data=st.data())
@FUZZ
def test_lifting_a_hold_takes_any_input(client, dpo, data):
    hold = LegalHold.objects.filter(lifted_at__isnull=True).first() or legal_hold_place(
        record_type=next(r.key for r in registry.retention_rules() if r.disposes),
        object_id="",
        reason="FOI request 2026/118",
        by=dpo,
        ip=None,
    )
    client.force_login(dpo)
    fields = data.draw(form_data(HoldLiftForm()))
    assert_calm(submit(client, "post", reverse("portal:hold_lift", args=[hold.pk]), fields))
