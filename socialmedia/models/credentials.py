"""The credential register (paragraph 23): an account's sign-in details, sealed with the keys in
PORTAL_ENCRYPTION_KEYS (socialmedia/crypto.py), and the record of who revealed or changed them.

Nothing here ever holds a secret in clear: the `*_sealed` columns hold tokens that only
`socialmedia.crypto.unseal` opens, bound to this account and field. The reveal and rotation
records say who and when, never the value.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from socialmedia.models.accounts import Account

# The sealed fields, in the order a form and the reveal page show them.
SECRET_FIELDS = (
    "username",
    "password",
    "recovery_email",
    "recovery_phone",
    "recovery_codes_location",
    "notes",
)
SECRET_LABELS = {
    "username": "Username",
    "password": "Password",
    "recovery_email": "Recovery email",
    "recovery_phone": "Recovery phone",
    "recovery_codes_location": "Where the recovery codes are kept",
    "notes": "Notes",
}


class Storage(models.TextChoices):
    PORTAL = "portal", "Here, encrypted"
    PASSWORD_MANAGER = "password_manager", "In the organisation's password manager"


class MfaMethod(models.TextChoices):
    APP = "app", "Authenticator app"
    SMS = "sms", "Text message"
    EMAIL = "email", "Email"
    SECURITY_KEY = "security_key", "Security key"
    NONE = "none", "None yet"


class Credential(models.Model):
    """One per account, registered by its owner once the account is open."""

    account = models.OneToOneField(
        Account, on_delete=models.PROTECT, primary_key=True, related_name="credential"
    )
    storage = models.CharField(max_length=20, choices=Storage, default=Storage.PORTAL)
    # When kept in a password manager: where to find the entry (not a secret in itself).
    password_manager_reference = models.CharField(max_length=300, blank=True)
    mfa_method = models.CharField(
        "second sign-in step", max_length=20, choices=MfaMethod, default=MfaMethod.NONE
    )
    username_sealed = models.TextField(blank=True)
    password_sealed = models.TextField(blank=True)
    recovery_email_sealed = models.TextField(blank=True)
    recovery_phone_sealed = models.TextField(blank=True)
    recovery_codes_location_sealed = models.TextField(blank=True)
    notes_sealed = models.TextField(blank=True)
    registered_at = models.DateTimeField()
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField()
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    password_changed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="social_credential_kept_somewhere",
                condition=(Q(storage="portal") & ~Q(password_sealed=""))
                | (Q(storage="password_manager") & ~Q(password_manager_reference="")),
            ),
        ]

    def __str__(self) -> str:
        # Never the secrets: this is what an error report or the shell would show.
        return f"Credentials of account {self.account_id}"

    def __repr__(self) -> str:
        return f"<Credential account={self.account_id}>"


class Reveal(models.Model):
    """A request to see an account's secrets, shown or refused. Written before anything is
    shown, in the same transaction as its audit event; never changed."""

    class Outcome(models.TextChoices):
        SHOWN = "shown", "Shown"
        REFUSED = "refused", "Refused"

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="reveals")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="social_reveals"
    )
    at = models.DateTimeField()
    reason = models.TextField(blank=True)
    # Which secrets, as SECRET_FIELDS names, comma separated.
    fields = models.CharField(max_length=200, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    refusal = models.CharField("why it was refused", max_length=300, blank=True)
    # A delegate revealing while the Chief Executive is away: the Chief Executive is told at once.
    break_glass = models.BooleanField(default=False)
    # How they proved who they were: "password" or "identity_provider" (portal.reauth).
    proof = models.CharField(max_length=30, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["by", "outcome"])]
        constraints = [
            models.CheckConstraint(
                name="social_refused_reveal_says_why",
                condition=~Q(outcome="refused") | ~Q(refusal=""),
            ),
        ]

    def __str__(self) -> str:
        return f"Reveal {self.outcome} (account {self.account_id})"


class Rotation(models.Model):
    """A new password recorded: who and when, and why it changed; never the value."""

    class Why(models.TextChoices):
        TEAM_CHANGED = "team_changed", "The team changed"
        ROUTINE = "routine", "A routine change"
        COMPROMISE = "compromise", "Suspected compromise"
        PLATFORM = "platform", "The platform asked for it"

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="rotations")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    why = models.CharField(max_length=20, choices=Why.choices)
    # Whether it cleared a "rotation due" (and since when that was due).
    cleared_due_since = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"Password change (account {self.account_id})"
