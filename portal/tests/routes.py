"""The portal's own routes in the whole-portal access table (portal/testing/route_table.py):
who gets what from each, by GET and by POST, and the records their addresses name."""

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from portal.models import LegalHold, Notification, OrganisationSettings, User
from portal.registry import registry
from portal.roles import AUDIT_READERS, SECOND_FACTOR_ROLES, Role
from portal.services.holds import legal_hold_place
from portal.testing.route_table import (
    SIGN_IN,
    Entry,
    People,
    Persona,
    everyone,
    only,
    owner_only,
    public,
)
from portal.tests.factories import TEST_PASSWORD, UserFactory

SYSADMIN = Role.SYSADMIN
HOLD_KEEPERS = (Role.DPO, Role.DEPUTY_DPO)


def _people_page(get: int = 200, post: int = 302) -> dict:
    # A person's pages answer 404 to everyone but a system administrator: they must not learn
    # who has an account.
    return {
        "get": only(SYSADMIN, answer=get, others=404),
        "post": only(SYSADMIN, answer=post, others=404),
    }


def _has_verified_second_step(persona: Persona) -> bool:
    # force_login does the second step for those who need it; nobody else has set one up.
    return persona.admin_flag or bool(persona.roles & SECOND_FACTOR_ROLES)


def _new_recovery_codes(persona: Persona) -> int | str:
    if persona.anonymous:
        return SIGN_IN
    # Without a verified second step there is nothing to replace: sent to the code page.
    return 200 if _has_verified_second_step(persona) else 302


def _reason(_scene) -> dict:
    return {"reason": "Checked with their manager"}


NEW_PASSWORD = "a brand new passphrase 42"

ROUTES = {
    "portal:dashboard": Entry(get=everyone(200), post=everyone(200)),
    "portal:notifications": Entry(get=everyone(200), post=everyone(200)),
    "portal:notification": Entry(get=owner_only(200), post=owner_only(200), model=Notification),
    "portal:notifications_read_all": Entry(get=everyone(405), post=everyone(302)),
    "portal:audit": Entry(
        get=only(*AUDIT_READERS, answer=200), post=only(*AUDIT_READERS, answer=200)
    ),
    "portal:audit_export": Entry(
        get=only(*AUDIT_READERS, answer=200), post=only(*AUDIT_READERS, answer=200)
    ),
    "portal:organisation_settings": Entry(
        get=only(SYSADMIN, answer=200),
        post=only(SYSADMIN, answer=302),
        form=lambda s: {
            "name": "Northshire Office of the Police and Crime Commissioner",
            "short_name": "Northshire OPCC",
            "clear_down_interval_days": 7,
            "chat_group_review_months": 12,
            "chat_group_size_limit": 50,
            "ico_deadline_hours": 72,
            "incident_triage_reminder_hours": 4,
            "ico_alert_hours": "24,6",
            "social_review_months": 3,
            "social_rotation_reminder_days": 7,
            "max_extension_days": 365,
        },
        multipart=True,
    ),
    "portal:retention_periods": Entry(
        get=only(SYSADMIN, answer=405),
        post=only(SYSADMIN, answer=302),
        form=lambda s: {
            rule.key.replace(".", "__"): rule.default_months
            for rule in registry.retention_rules()
            if rule.disposes
        },
    ),
    "portal:holds": Entry(
        get=only(*HOLD_KEEPERS, answer=200),
        post=only(*HOLD_KEEPERS, answer=302),
        form=lambda s: {
            "record_type": s["record_type"],
            "object_id": "",
            "reason": "FOI request 2026/118",
        },
    ),
    "portal:hold_lift": Entry(
        get=only(*HOLD_KEEPERS, answer=405),
        post=only(*HOLD_KEEPERS, answer=302),
        form=_reason,
        model=LegalHold,
    ),
    # Sign-in with the identity provider is off unless configured, as in these tests.
    "oidc_start": Entry(get=public(404), post=public(405)),
    "oidc_callback": Entry(get=public(404), post=public(405)),
    # The header's logo, shown on the sign-in page too; there is none in the scene.
    "portal:organisation_logo": Entry(get=public(404), post=public(405)),
    "portal:people": Entry(get=only(SYSADMIN, answer=200), post=only(SYSADMIN, answer=200)),
    "portal:people_lookup": Entry(get=everyone(200), post=everyone(405)),
    "portal:person": Entry(**_people_page(post=200), model=User),
    "portal:person_role_grant": Entry(
        **_people_page(),
        form=lambda s: {"role": "HELPDESK", "reason": "Joined the helpdesk"},
        model=User,
    ),
    "portal:person_role_remove": Entry(**_people_page(), form=_reason, model=User),
    "portal:person_deactivate": Entry(**_people_page(), form=_reason, model=User),
    "portal:person_reactivate": Entry(**_people_page(), form=_reason, model=User),
    "portal:person_unlock": Entry(**_people_page(), form=_reason, model=User),
    "portal:person_second_factor_reset": Entry(**_people_page(), form=_reason, model=User),
    "portal:person_sessions_end": Entry(**_people_page(), form=_reason, model=User),
    # Signed in, the sign-in page sends people on to the dashboard.
    "login": Entry(
        get=everyone(302, anonymous=200),
        post=everyone(302, anonymous=302),
        form=lambda s: {"username": s["alice_email"], "password": TEST_PASSWORD},
    ),
    "logout": Entry(get=public(405), post=public(SIGN_IN), signs_out=True),
    "second_factor": Entry(get=everyone(200), post=everyone(200)),
    # Setting up starts a new authenticator for whoever asks; a wrong code is a 400.
    "second_factor_setup": Entry(
        get=everyone(200), post=everyone(400), form=lambda s: {"code": "000000"}
    ),
    # Everyone here has done the second step or has none: sent on.
    "second_factor_verify": Entry(get=everyone(302), post=everyone(302)),
    "recovery_codes_new": Entry(get=public(405), post=_new_recovery_codes),
    "sessions": Entry(get=everyone(200), post=everyone(200)),
    "sessions_end_others": Entry(get=everyone(405), post=everyone(302)),
    "sessions_end_all": Entry(get=everyone(405), post=public(SIGN_IN), signs_out=True),
    "password_change": Entry(
        get=everyone(200),
        post=everyone(302),
        form=lambda s: {
            "old_password": TEST_PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    ),
    "password_change_done": Entry(get=everyone(200), post=everyone(405)),
    "password_reset": Entry(
        get=public(200), post=public(302), form=lambda s: {"email": s["alice_email"]}
    ),
    "password_reset_done": Entry(get=public(200), post=public(405)),
    # A good link is swapped for one without the token (Django's own step), whoever follows it.
    "password_reset_confirm": Entry(get=public(302), post=public(302)),
    "password_reset_complete": Entry(get=public(200), post=public(405)),
}


def _lock_out(person: User) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        Client().post(reverse("login"), {"username": person.email, "password": "wrong"})


def scene(people: People) -> dict:
    # Made on the first page that reads it: made here, so that no page's rolled-back request
    # looks as if it had changed the settings.
    OrganisationSettings.load()
    alice = people.owner
    message = Notification.objects.create(
        dedup_key="matrix-alice",
        recipient=alice,
        to_email=alice.email,
        subject="Private to Alice",
        body_text="For Alice only.",
    )
    # The person the People pages are asked about: someone holding a role, so that there is
    # one to remove.
    target = people.holding(Role.DPO)
    _lock_out(target)
    person = {"pk": target.pk}
    leaver = UserFactory(full_name="Lee Leaver", is_active=False)
    record_type = next(rule.key for rule in registry.retention_rules() if rule.disposes)
    hold = legal_hold_place(
        record_type=record_type,
        object_id="",
        reason="Subject access request 2026/7",
        by=people.holding(Role.DPO),
        ip=None,
    )
    return {
        "alice_email": alice.email,
        "record_type": record_type,
        "portal:hold_lift": {"pk": hold.pk},
        "portal:notification": {"pk": message.pk},
        "portal:person": person,
        "portal:person_role_grant": person,
        "portal:person_role_remove": {"pk": target.pk, "role": "dpo"},
        "portal:person_deactivate": person,
        "portal:person_reactivate": {"pk": leaver.pk},
        "portal:person_unlock": person,
        "portal:person_second_factor_reset": person,
        "portal:person_sessions_end": person,
        "password_reset_confirm": {
            "uidb64": urlsafe_base64_encode(force_bytes(alice.pk)),
            "token": default_token_generator.make_token(alice),
        },
    }
