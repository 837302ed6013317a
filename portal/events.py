"""Every audit event the portal itself can record, with what it means in plain words.

The value is what the trail stores (never change one: years of events carry it); the label is
what the audit trail and its CSV show. A test fails when the code records an event that is not
listed here or in an app's own `events.py`, so a new event cannot appear without its words.
"""

from django.db.models import TextChoices


class PortalEvent(TextChoices):
    # Signing in and out
    USER_SIGNED_IN = "user.signed_in", "Signed in"
    USER_SIGNED_OUT = "user.signed_out", "Signed out"
    USER_SESSION_EXPIRED = "user.session_expired", "Signed out automatically (time limit)"
    USER_SIGN_IN_FAILED = "user.sign_in_failed", "Sign-in refused: wrong email or password"
    USER_SESSIONS_ENDED_OTHERS = (
        "user.sessions_ended_others",
        "Signed out of every other session",
    )
    USER_SESSIONS_ENDED = "user.sessions_ended", "Signed out everywhere"
    USER_SESSIONS_ENDED_BY_ADMIN = (
        "user.sessions_ended_by_admin",
        "Signed out everywhere by an administrator",
    )
    USER_SESSIONS_ENDED_BY_PORTAL = (
        "user.sessions_ended_by_portal",
        "Signed out everywhere by the portal",
    )
    USER_SIGN_IN_REFUSED = (
        "user.sign_in_refused",
        "Sign-in through the identity provider refused",
    )
    USER_REAUTHENTICATED = (
        "user.reauthenticated",
        "Confirmed who they are by signing in again at the identity provider",
    )
    USER_REAUTHENTICATION_REFUSED = (
        "user.reauthentication_refused",
        "Not accepted as confirming who they are (identity provider)",
    )
    USER_SIGN_IN_ADDRESS_PAUSED = (
        "user.sign_in_address_paused",
        "Sign-in refused: too many accounts tried from one address",
    )
    # Passwords
    USER_PASSWORD_CHANGED = "user.password_changed", "Changed their password"
    USER_PASSWORD_RESET = "user.password_reset", "Set a new password from an emailed link"
    USER_PASSWORD_RESET_REQUESTED = (
        "user.password_reset_requested",
        "Password reset link emailed",
    )
    USER_PASSWORD_SET_BY_ADMIN = "user.password_set_by_admin", "Password set by an administrator"
    # The second step of signing in (an authenticator app, or a recovery code)
    SECOND_FACTOR_SET_UP = "user.second_factor_set_up", "Set up two-step sign-in"
    SECOND_FACTOR_USED = "user.second_factor_used", "Completed two-step sign-in"
    SECOND_FACTOR_FAILED = "user.second_factor_failed", "Two-step sign-in refused: wrong code"
    SECOND_FACTOR_LOCKED = (
        "user.second_factor_locked",
        "Two-step sign-in paused after too many wrong codes",
    )
    RECOVERY_CODES_REPLACED = (
        "user.recovery_codes_replaced",
        "New recovery codes made (the old ones stopped working)",
    )
    SECOND_FACTOR_RESET = (
        "user.second_factor_reset",
        "Two-step sign-in reset by an administrator",
    )
    # People and their roles
    USER_CREATED = "user.created", "Person added"
    USER_CHANGED = "user.changed", "Person's details changed in the Django admin"
    USER_ROLES_CHANGED = "user.roles_changed", "Roles changed"
    USER_ROLES_GRANTED = "user.roles_granted", "Roles given"
    USER_DEACTIVATED = "user.deactivated", "Person deactivated (can no longer sign in)"
    USER_REACTIVATED = "user.reactivated", "Person reactivated"
    USER_ROLE_GRANTED = "user.role_granted", "Role given"
    USER_ROLE_REMOVED = "user.role_removed", "Role taken away"
    USER_SIGN_IN_UNLOCKED = "user.sign_in_unlocked", "Sign-in lock lifted"
    DEPARTMENT_CREATED = "department.created", "Department added"
    DEPARTMENT_CHANGED = "department.changed", "Department renamed or changed"
    # The organisation and the trail itself
    ORGANISATION_SETTINGS_CHANGED = "organisation.settings_changed", "Organisation settings changed"
    RETENTION_PERIODS_CHANGED = "retention.periods_changed", "Retention periods changed"
    # Keeping and disposing of records (the audit trail itself is never disposed of)
    RETENTION_DISPOSED = (
        "retention.disposed",
        "Records past their retention period disposed of",
    )
    RETENTION_KEPT_UNDER_HOLD = (
        "retention.kept_under_hold",
        "Records past their retention period kept: under a hold",
    )
    RECORD_ERASED = "retention.record_erased", "Record erased"
    RECORD_ERASURE_REFUSED = (
        "retention.record_erasure_refused",
        "Erasing a record refused: it is under a hold",
    )
    HOLD_PLACED = "hold.placed", "Records hold placed"
    HOLD_LIFTED = "hold.lifted", "Records hold lifted"
    AUDIT_EXPORTED = "audit.exported", "Audit trail downloaded (CSV)"
    # Written once, by migration 0006: events before it were sealed without a secret key.
    AUDIT_KEYED = "audit.keyed", "Audit trail sealed with a secret key from here on"
    USER_UPDATED = "user.updated", "Person's details updated"


class PortalEmail(TextChoices):
    """Every email the portal itself sends: the value names its templates
    (templates/portal/emails/<name>…), the label says what it is for."""

    PASSWORD_RESET = "portal.password_reset", "A link to set a new password"
    PASSWORD_CHANGED = "portal.password_changed", "Your password was changed (or set for you)"
    SECOND_FACTOR_RESET = (
        "portal.second_factor_reset",
        "Your two-step sign-in was reset by an administrator",
    )
    EMAIL_CHANGED = (
        "portal.email_changed",
        "Your sign-in email address was changed (to the old and the new address)",
    )
