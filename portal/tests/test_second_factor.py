"""The second step of signing in: set-up, use at sign-in, recovery codes, the pause after wrong
codes, the reset by an administrator, and what it holds back until it is done."""

import re
from base64 import b32encode

import pyotp
import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.models import AuditEvent, Notification, UserSession
from portal.roles import Role
from portal.services.second_factor import SecondFactorRefused, second_factor_reset
from portal.testing.second_factor import authenticator_for, leaked, totp_code
from portal.tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

VERIFY = reverse("second_factor_verify")
SETUP = reverse("second_factor_setup")
AUDIT = reverse("portal:audit")
DASHBOARD = reverse("portal:dashboard")


def _sign_in(client, user):
    response = client.post(reverse("login"), {"username": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 302
    return response


def _verbs(user=None):
    rows = AuditEvent.objects.order_by("id")
    if user is not None:
        rows = rows.filter(object_id=str(user.pk), object_type="portal.user")
    return [row.verb for row in rows]


def _codes_on(page: str) -> list[str]:
    listed = page.split('aria-label="Recovery codes"', 1)[1].split("</ul>", 1)[0]
    return re.findall(r"<li[^>]*>([a-z2-9]{5}-[a-z2-9]{5})</li>", listed)


def _set_up(client, user) -> list[str]:
    """Through the set-up page as the person would: scan (read the key), type the code."""
    client.get(SETUP)
    pending = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(SETUP, {"code": totp_code(pending)})
    assert response.status_code == 200, response.text
    return _codes_on(response.text)


# Setting it up


def test_anyone_can_set_up_an_authenticator_from_a_qr_code_drawn_in_the_page(client, alice):
    client.force_login(alice)
    page = client.get(SETUP)
    assert page.status_code == 200
    assert 'src="data:image/svg+xml' in page.text  # drawn here, sent to no QR service
    pending = TOTPDevice.objects.get(user=alice, confirmed=False)
    # The key typed by hand is the one in the QR code, and the page shows it grouped by four.
    key = b32encode(pending.bin_key).decode()
    assert " ".join(key[i : i + 4] for i in range(0, len(key), 4)) in page.text
    assert client.get(SETUP).status_code == 200
    assert TOTPDevice.objects.filter(user=alice).count() == 1  # a reload shows the same code

    codes = _set_up(client, alice)

    assert len(codes) == 10
    assert len(set(codes)) == 10
    assert TOTPDevice.objects.get(user=alice).confirmed
    assert _verbs(alice)[-1] == "user.second_factor_set_up"
    # This session has done the second step: the overview offers new recovery codes.
    assert "Make new recovery codes" in client.get(reverse("second_factor")).text


def test_a_wrong_code_at_set_up_says_what_to_do_and_sets_nothing_up(client, alice):
    client.force_login(alice)
    client.get(SETUP)
    response = client.post(SETUP, {"code": "000000"})
    assert response.status_code == 400
    assert "did not match" in response.text
    assert "time on your phone" in response.text
    assert not TOTPDevice.objects.filter(user=alice, confirmed=True).exists()
    response = client.post(SETUP, {"code": "12ab"})
    assert "Enter the 6 digits" in response.text


def test_replacing_an_authenticator_needs_the_current_one_first(client, alice):
    authenticator_for(alice)
    client.force_login(alice)  # a password only: alice is not one who needs the second step
    response = client.get(SETUP)
    assert response.status_code == 302
    assert response.url.startswith(VERIFY)
    assert not TOTPDevice.objects.filter(user=alice, confirmed=False).exists()


# Using it at sign-in


def test_once_set_up_a_password_alone_opens_nothing_but_the_code_page(client, alice):
    device = authenticator_for(alice)
    _sign_in(client, alice)
    for url in (DASHBOARD, reverse("portal:notifications"), reverse("password_change")):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(VERIFY)
    response = client.post(VERIFY + f"?next={DASHBOARD}", {"code": totp_code(device)})
    assert response.status_code == 302
    assert response.url == DASHBOARD
    assert client.get(DASHBOARD).status_code == 200
    used = AuditEvent.objects.filter(verb="user.second_factor_used").get()
    assert used.changes == {"method": "authenticator app"}


def test_the_second_step_gives_a_new_session_key(client, alice):
    device = authenticator_for(alice)
    _sign_in(client, alice)
    before = client.session.session_key
    client.post(VERIFY, {"code": totp_code(device)})
    after = client.session.session_key
    assert after != before
    # "Your sessions" still lists it, and signing out everywhere can still end it.
    assert UserSession.objects.filter(user=alice, session_id=after).exists()


def test_a_code_works_once(client, alice):
    device = authenticator_for(alice)
    _sign_in(client, alice)
    code = totp_code(device)
    client.post(VERIFY, {"code": code})
    client.post(reverse("logout"))
    _sign_in(client, alice)
    response = client.post(VERIFY, {"code": code})
    assert response.status_code == 400
    assert "not right" in response.text


def test_next_never_leads_off_the_portal(client, alice):
    device = authenticator_for(alice)
    _sign_in(client, alice)
    response = client.post(VERIFY, {"code": totp_code(device), "next": "https://evil.example/"})
    assert response.url == DASHBOARD


def test_wrong_codes_pause_the_second_step_and_every_step_is_recorded(client, alice, settings):
    device = authenticator_for(alice)
    _sign_in(client, alice)
    for left in (4, 3, 2, 1):
        response = client.post(VERIFY, {"code": "000000"})
        assert response.status_code == 400
        assert f"{left} more tr" in response.text
    response = client.post(VERIFY, {"code": "000000"})
    assert response.status_code == 429
    assert "paused until" in response.text
    # While paused even the right code is not checked, so guessing on learns nothing.
    response = client.post(VERIFY, {"code": totp_code(device)})
    assert response.status_code == 429
    assert client.get(DASHBOARD).status_code == 302
    verbs = _verbs(alice)
    assert verbs.count("user.second_factor_failed") == 6
    assert verbs.count("user.second_factor_locked") == 1
    assert "user.second_factor_used" not in verbs


def test_the_pause_ends_after_the_cool_off(client, alice, settings):
    from datetime import timedelta

    settings.SECOND_FACTOR_COOLOFF = timedelta(seconds=0)
    device = authenticator_for(alice)
    _sign_in(client, alice)
    for _ in range(5):
        client.post(VERIFY, {"code": "000000"})
    response = client.post(VERIFY, {"code": totp_code(device)})
    assert response.status_code == 302


def test_a_system_administrator_can_lift_the_pause(client, alice, sysadmin):
    authenticator_for(alice)
    _sign_in(client, alice)
    for _ in range(5):
        client.post(VERIFY, {"code": "000000"})
    client.force_login(sysadmin)
    page = client.get(reverse("portal:person", args=[alice.pk]))
    assert "after too many wrong codes" in page.text
    response = client.post(
        reverse("portal:person_unlock", args=[alice.pk]), {"reason": "Rang the helpdesk"}
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.second_factor_failures == 0
    event = AuditEvent.objects.filter(verb="user.sign_in_unlocked").get()
    assert event.changes["second_step_pause_lifted"] is True


# Recovery codes


def test_a_recovery_code_signs_in_once_and_asks_to_set_up_again(client, alice):
    codes = None
    client.force_login(alice)
    codes = _set_up(client, alice)
    client.post(reverse("logout"))

    _sign_in(client, alice)
    response = client.post(VERIFY, {"code": codes[0].upper().replace("-", " ")})
    assert response.status_code == 302
    assert response.url.startswith(SETUP)
    assert "9 left" in client.get(response.url).text
    assert StaticToken.objects.filter(device__user=alice).count() == 9
    client.post(reverse("logout"))

    _sign_in(client, alice)
    assert client.post(VERIFY, {"code": codes[0]}).status_code == 400  # used up
    used = AuditEvent.objects.filter(verb="user.second_factor_used").get()
    assert used.changes == {"method": "recovery code", "recovery_codes_left": 9}


def test_new_recovery_codes_replace_the_old_ones(client, alice):
    client.force_login(alice)
    old = _set_up(client, alice)
    response = client.post(reverse("recovery_codes_new"))
    new = _codes_on(response.text)
    assert len(new) == 10
    assert not set(new) & set(old)
    assert StaticToken.objects.filter(device__user=alice).count() == 10
    assert _verbs(alice)[-1] == "user.recovery_codes_replaced"


def test_new_recovery_codes_need_the_second_step_done(client, alice):
    authenticator_for(alice)
    _sign_in(client, alice)
    response = client.post(reverse("recovery_codes_new"))
    assert response.status_code == 302
    assert response.url.startswith(VERIFY)
    assert "user.recovery_codes_replaced" not in _verbs()


def test_no_code_or_key_is_ever_written_to_the_audit_trail(client, alice):
    client.force_login(alice)
    codes = _set_up(client, alice)
    device = TOTPDevice.objects.get(user=alice)
    client.post(reverse("logout"))
    _sign_in(client, alice)
    typed = totp_code(device)
    client.post(VERIFY, {"code": "123456"})
    client.post(VERIFY, {"code": typed})
    trail = " ".join(f"{e.changes} {e.object_repr}" for e in AuditEvent.objects.all())
    secrets = [typed, "123456", device.key, b32encode(device.bin_key).decode()]
    secrets += [code.replace("-", "") for code in codes] + codes
    assert not leaked(secrets, trail)


# What waits for the second step


def test_a_privileged_role_without_a_second_factor_keeps_ordinary_pages_only(client):
    dpo = UserFactory(roles=[Role.DPO], authenticator=False)
    client.force_login(dpo, second_factor=False)
    dashboard = client.get(DASHBOARD)
    assert dashboard.status_code == 200
    assert "open once you have completed two-step sign-in" in dashboard.text
    assert f'href="{AUDIT}"' not in dashboard.text  # the menu offers what opens now
    response = client.get(AUDIT)
    assert response.status_code == 302
    assert response.url == f"{SETUP}?next=%2Faudit%2F"


def test_a_privileged_person_with_an_authenticator_is_asked_for_the_code(client, dpo):
    _sign_in(client, dpo)
    response = client.get(AUDIT)
    assert response.status_code == 302
    assert response.url.startswith(VERIFY)
    client.post(VERIFY, {"code": totp_code(authenticator_for(dpo))})
    assert client.get(AUDIT).status_code == 200


def test_object_pages_that_answer_404_without_the_role_send_to_the_second_step(
    client, alice, sysadmin
):
    client.force_login(sysadmin, second_factor=False)
    # force_login signs in with a password only; the sysadmin has an authenticator.
    response = client.get(reverse("portal:person", args=[alice.pk]))
    assert response.status_code == 302
    assert response.url.startswith(VERIFY)


def test_a_role_given_later_waits_for_the_second_step_too(client, alice):
    client.force_login(alice)
    alice.groups.add(Group.objects.get_or_create(name=Role.SYSADMIN)[0])
    response = client.get(reverse("portal:people"))
    assert response.status_code == 302
    assert response.url.startswith(SETUP)


def test_the_django_admin_needs_the_second_step(client):
    admin = UserFactory(roles=[Role.SYSADMIN], is_staff=True)
    client.force_login(admin, second_factor=False)
    response = client.get("/django-admin/", follow=True)
    assert response.redirect_chain[-1][0].startswith(VERIFY)
    client.post(VERIFY, {"code": totp_code(authenticator_for(admin))})
    assert client.get("/django-admin/").status_code == 200


def test_a_superuser_needs_the_second_step_for_the_django_admin(client):
    root = UserFactory(is_staff=True, is_superuser=True, authenticator=False)
    client.force_login(root, second_factor=False)
    response = client.get("/django-admin/", follow=True)
    assert response.redirect_chain[-1][0].startswith(SETUP)


# Reset by a system administrator


def test_a_system_administrator_resets_someones_second_factor_with_a_reason(client, sysadmin, dpo):
    client.force_login(sysadmin)
    url = reverse("portal:person_second_factor_reset", args=[dpo.pk])
    page = client.get(reverse("portal:person", args=[dpo.pk]))
    assert url in page.text
    assert client.post(url, {"reason": ""}).status_code == 400
    response = client.post(url, {"reason": "Phone lost; identity checked by call-back"})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=dpo).exists()
    event = AuditEvent.objects.filter(verb="user.second_factor_reset").get()
    assert event.actor == sysadmin
    assert event.changes["reason"] == "Phone lost; identity checked by call-back"
    email = Notification.objects.get(recipient=dpo, dedup_key__startswith="second-factor-reset:")
    assert "reset the two-step sign-in" in email.body_text
    assert sysadmin.full_name in email.body_text


def test_nobody_resets_their_own_second_factor(client, sysadmin):
    client.force_login(sysadmin)
    page = client.get(reverse("portal:person", args=[sysadmin.pk]))
    assert "ask another system administrator" in page.text
    response = client.post(
        reverse("portal:person_second_factor_reset", args=[sysadmin.pk]), {"reason": "x"}
    )
    assert response.status_code == 400
    assert "cannot reset your own" in response.text
    assert TOTPDevice.objects.filter(user=sysadmin).exists()
    with pytest.raises(SecondFactorRefused):
        second_factor_reset(user=sysadmin, by=sysadmin, reason="x", ip=None)


def test_only_a_system_administrator_can_reset(client, dpo, alice):
    authenticator_for(alice)
    client.force_login(dpo)
    url = reverse("portal:person_second_factor_reset", args=[alice.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"reason": "x"}).status_code == 404
    assert TOTPDevice.objects.filter(user=alice).exists()


def test_after_a_reset_the_person_sets_up_again(client, sysadmin, dpo):
    second_factor_reset(user=dpo, by=sysadmin, reason="Lost phone", ip=None)
    _sign_in(client, dpo)
    assert client.get(DASHBOARD).status_code == 200  # ordinary pages
    response = client.get(AUDIT)
    assert response.url.startswith(SETUP)
    client.get(SETUP)
    pending = TOTPDevice.objects.get(user=dpo, confirmed=False)
    client.post(SETUP, {"code": pyotp.TOTP(b32encode(pending.bin_key).decode()).now()})
    assert client.get(AUDIT).status_code == 200


def test_a_reset_signs_the_person_out_everywhere(client, sysadmin, dpo):
    from django.test import Client

    theirs = Client()
    theirs.force_login(dpo)
    assert theirs.get(AUDIT).status_code == 200
    second_factor_reset(user=dpo, by=sysadmin, reason="Phone stolen", ip=None)
    response = theirs.get(DASHBOARD)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
