"""The pages: the system administrator sets how long records are kept on the organisation
settings page (never below a floor, in plain words), and the data protection officer places and
lifts records holds."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.forms.retention import RetentionPeriodsForm
from portal.models import AuditEvent, LegalHold, Notification, OrganisationSettings
from portal.retention import NOTIFICATIONS_KEY, SIGN_INS_KEY
from portal.services.retention import PeriodTooShort, retention_periods_update

pytestmark = pytest.mark.django_db
MESSAGES = NOTIFICATIONS_KEY.replace(".", "__")
SIGN_INS = SIGN_INS_KEY.replace(".", "__")


def _periods(**months: int) -> dict[str, str]:
    """The form as the page shows it (every app's kinds, at their periods), with `months`
    changed."""
    form = RetentionPeriodsForm(org=OrganisationSettings.load())
    data = {name: str(field.initial) for name, field in form.fields.items()}
    data.update({name: str(value) for name, value in months.items()})
    return data


def test_the_settings_page_lists_each_kind_of_record_and_what_is_never_deleted(client, sysadmin):
    client.force_login(sysadmin)
    page = client.get(reverse("portal:organisation_settings")).text
    assert "How long records are kept" in page
    assert "Emails and notifications the portal sent (months)" in page
    assert "The usual period is 2 years." in page
    assert "Never deleted by the portal" in page
    assert "The audit trail" in page


def test_a_new_period_is_saved_and_recorded_from_and_to_in_words(client, sysadmin):
    client.force_login(sysadmin)
    response = client.post(
        reverse("portal:retention_periods"), _periods(**{SIGN_INS: 18}), follow=True
    )
    assert "Retention periods saved." in response.text
    assert OrganisationSettings.load().retention_months == {SIGN_INS_KEY: 18}
    [event] = AuditEvent.objects.filter(verb="retention.periods_changed")
    assert event.actor == sysadmin
    assert event.changes == {SIGN_INS_KEY: {"from": "2 years", "to": "1 year and 6 months"}}


def test_a_period_below_the_floor_is_refused_in_plain_words_and_nothing_saved(client, sysadmin):
    client.force_login(sysadmin)
    response = client.post(reverse("portal:retention_periods"), _periods(**{MESSAGES: 6}))
    assert response.status_code == 200
    assert "These must be kept for at least 12 months (1 year)." in response.text
    assert "The retention periods were not saved." in response.text
    assert OrganisationSettings.load().retention_months == {}
    assert not AuditEvent.objects.filter(verb="retention.periods_changed").exists()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "Say how many months to keep these."),
        ("six", "Enter a whole number of months, such as 72 for six years."),
        ("5000", "Enter at most 1200 months."),
    ],
)
def test_other_mistakes_are_named_plainly(client, sysadmin, value, message):
    client.force_login(sysadmin)
    data = _periods()
    data[MESSAGES] = value
    response = client.post(reverse("portal:retention_periods"), data)
    assert message in response.text


def test_the_service_refuses_a_short_period_or_an_unknown_kind_whoever_calls_it(sysadmin):
    with pytest.raises(PeriodTooShort):
        retention_periods_update(months={NOTIFICATIONS_KEY: 3}, by=sysadmin)
    with pytest.raises(ValueError, match="Not a kind"):
        retention_periods_update(months={"portal.audit": 24}, by=sysadmin)


def test_the_dpo_places_a_hold_on_one_record_and_lifts_it(client, dpo, alice):
    message = Notification.objects.create(
        dedup_key="h:1", recipient=alice, to_email=alice.email, subject="S", body_text="."
    )
    client.force_login(dpo)
    response = client.post(
        reverse("portal:holds"),
        {"record_type": NOTIFICATIONS_KEY, "object_id": str(message.pk), "reason": "FOI-77"},
        follow=True,
    )
    assert "Hold placed." in response.text
    assert f"Emails and notifications the portal sent: record {message.pk}" in response.text
    hold = LegalHold.objects.get()
    assert (hold.placed_by, hold.reason, hold.is_open) == (dpo, "FOI-77", True)

    response = client.post(
        reverse("portal:hold_lift", args=[hold.pk]), {"reason": "Answered"}, follow=True
    )
    assert "Hold lifted." in response.text
    hold.refresh_from_db()
    assert (hold.lifted_by, hold.lift_reason) == (dpo, "Answered")
    holds = AuditEvent.objects.filter(verb__startswith="hold.").order_by("id")
    assert [(e.verb, e.actor) for e in holds] == [("hold.placed", dpo), ("hold.lifted", dpo)]


def test_a_hold_on_a_record_that_does_not_exist_is_refused_on_the_form(client, dpo):
    client.force_login(dpo)
    response = client.post(
        reverse("portal:holds"),
        {"record_type": SIGN_INS_KEY, "object_id": "4242", "reason": "FOI-78"},
    )
    assert response.status_code == 200
    assert "There is no record 4242 of that kind." in response.text
    assert not LegalHold.objects.exists()


def test_lifting_needs_a_reason(client, dpo):
    hold = LegalHold.objects.create(record_type=SIGN_INS_KEY, reason="FOI-79", placed_by=dpo)
    client.force_login(dpo)
    response = client.post(reverse("portal:hold_lift", args=[hold.pk]), {"reason": ""}, follow=True)
    assert "say why it is lifted" in response.text
    hold.refresh_from_db()
    assert hold.is_open


def test_only_the_dpo_and_deputy_may_lift_a_hold_and_an_unknown_hold_is_not_found(
    client, dpo, sysadmin
):
    hold = LegalHold.objects.create(record_type=SIGN_INS_KEY, reason="FOI-80", placed_by=dpo)
    client.force_login(sysadmin)
    assert (
        client.post(reverse("portal:hold_lift", args=[hold.pk]), {"reason": "x"}).status_code == 403
    )
    client.force_login(dpo)
    assert (
        client.post(reverse("portal:hold_lift", args=[999999]), {"reason": "x"}).status_code == 404
    )
    hold.refresh_from_db()
    assert hold.is_open


def test_the_holds_page_runs_the_same_queries_for_many_holds_as_for_one(
    client, dpo, django_assert_num_queries
):
    LegalHold.objects.create(record_type=SIGN_INS_KEY, reason="FOI-1", placed_by=dpo)
    client.force_login(dpo)
    client.get(reverse("portal:holds"))  # the session and the like, settled
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("portal:holds"))
    for n in range(20):
        LegalHold.objects.create(record_type=NOTIFICATIONS_KEY, reason=f"FOI-{n}", placed_by=dpo)
    with django_assert_num_queries(len(one)):
        assert client.get(reverse("portal:holds")).status_code == 200
