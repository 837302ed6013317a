"""Factories for the social media app. They write rows directly (fast, for building scenes);
tests of behaviour call the services instead.

    account = AccountFactory(owner=alice, team=[bob])  # active, with alice and bob on its team
    CredentialFactory(account=account, password="correct horse")  # sealed, never stored plain
    request = PermissionRequestFactory(requester=alice)  # with its first version

An account is active by default (opened a week ago, review due in three months); pass
`status=Account.Status.APPLIED` (and no `opened_at`) for an application. The owner is always on
the team; `team` adds others.
"""

from datetime import timedelta

import factory
from django.utils import timezone

from portal.testing.uploads import PDF_BYTES
from portal.tests.factories import UserFactory
from portal.uploads import generated_name
from socialmedia import crypto
from socialmedia.models import (
    SECRET_FIELDS,
    Account,
    Credential,
    Decision,
    Kind,
    PermissionRequest,
    Platform,
    RequestVersion,
    Reveal,
    Review,
    Storage,
    Subkind,
    TeamMember,
    VersionAttachment,
)

PLAIN_DEFAULTS = {
    "username": "westshire.opcc",
    "password": "Plain-Text-Password-Never-Stored-42",
    "recovery_email": "comms-recovery@example.org",
    "recovery_phone": "07700 900123",
    "recovery_codes_location": "The comms safe, envelope 3",
    "notes": "Two-step codes go to the comms team phone.",
}


def _opened(o) -> object:
    return o.submitted_at + timedelta(days=7) if o.status in _RUNNING else None


_RUNNING = (Account.Status.ACTIVE, Account.Status.SUSPENDED, Account.Status.CLOSED)


class AccountFactory(factory.django.DjangoModelFactory):
    """An active X account, applied for a fortnight ago and open for a week."""

    class Meta:
        model = Account
        skip_postgeneration_save = True

    platform = Platform.X
    name = "Westshire OPCC"
    handle = factory.Sequence(lambda n: f"@WestshireOPCC{n}")
    purpose = "News of the Commissioner's work and public meetings."
    audience = "People who live and work in Westshire."
    website_link = "https://www.westshire-opcc.example.org/"
    content_plan = "Two or three posts a week from the communications team."
    applicant = factory.SubFactory(UserFactory)
    owner = factory.SelfAttribute("applicant")
    submitted_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=14))
    responsibilities_confirmed_at = factory.SelfAttribute("submitted_at")
    status = Account.Status.ACTIVE
    decided_at = factory.LazyAttribute(
        lambda o: o.submitted_at + timedelta(days=2) if o.status != Account.Status.APPLIED else None
    )
    opened_at = factory.LazyAttribute(_opened)
    url = factory.LazyAttribute(
        lambda o: f"https://x.example.com/{o.handle.lstrip('@')}" if o.opened_at else ""
    )
    last_rotated_at = factory.SelfAttribute("opened_at")
    review_due_at = factory.LazyAttribute(
        lambda o: o.opened_at + timedelta(days=91) if o.opened_at else None
    )
    suspended_at = factory.LazyAttribute(
        lambda o: timezone.now() if o.status == Account.Status.SUSPENDED else None
    )
    closed_at = factory.LazyAttribute(
        lambda o: timezone.now() if o.status == Account.Status.CLOSED else None
    )

    @factory.post_generation
    def team(self, create, extracted, **kwargs):
        """The owner and anyone in `team`, added when the account was applied for."""
        if not create:
            return
        for person in [self.owner, *(extracted or [])]:
            TeamMember.objects.create(
                account=self, user=person, added_at=self.submitted_at, added_by=self.applicant
            )


class DecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Decision

    account = factory.SubFactory(AccountFactory)
    outcome = Decision.Outcome.APPROVED
    reason = "It will reach people the website does not."
    decided_by = factory.SubFactory(UserFactory)
    decided_at = factory.LazyFunction(timezone.now)


class CredentialFactory(factory.django.DjangoModelFactory):
    """Credentials kept here, sealed: pass plain values by field name (`password="..."`); the
    rest are PLAIN_DEFAULTS. With `storage=Storage.PASSWORD_MANAGER`, only the reference."""

    class Meta:
        model = Credential

    account = factory.SubFactory(AccountFactory)
    storage = Storage.PORTAL
    password_manager_reference = factory.LazyAttribute(
        lambda o: "Vault > Comms > X" if o.storage == Storage.PASSWORD_MANAGER else ""
    )
    registered_at = factory.LazyFunction(timezone.now)
    registered_by = factory.SelfAttribute("account.owner")
    updated_at = factory.SelfAttribute("registered_at")
    updated_by = factory.SelfAttribute("registered_by")
    password_changed_at = factory.SelfAttribute("registered_at")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        given = {field: kwargs.pop(field) for field in SECRET_FIELDS if field in kwargs}
        credential = model_class(*args, **kwargs)
        if credential.storage == Storage.PORTAL:
            for field, value in {**PLAIN_DEFAULTS, **given}.items():
                at = crypto.place(credential.account_id, field)
                setattr(credential, f"{field}_sealed", crypto.seal(value, at=at))
        credential.save()
        return credential


class RevealFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reveal

    account = factory.SubFactory(AccountFactory)
    by = factory.SubFactory(UserFactory)
    at = factory.LazyFunction(timezone.now)
    reason = "The owner is off sick and a post must come down."
    fields = "password"
    outcome = Reveal.Outcome.SHOWN
    proof = "password"


class ReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Review

    account = factory.SubFactory(AccountFactory)
    reviewed_by = factory.SelfAttribute("account.owner")
    reviewed_at = factory.LazyFunction(timezone.now)
    accurate = True
    links_back = True
    team_right = True


class PermissionRequestFactory(factory.django.DjangoModelFactory):
    """A press release waiting for a decision, with its first version."""

    class Meta:
        model = PermissionRequest
        skip_postgeneration_save = True

    kind = Kind.PUBLICATION
    subkind = Subkind.PRESS_RELEASE
    title = "Commissioner opens new rural crime hub"
    requester = factory.SubFactory(UserFactory)
    needed_by = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=10))
    submitted_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def text(self, create, extracted, **kwargs):
        """The first version's text (`text="..."`)."""
        if create:
            RequestVersion.objects.create(
                request=self,
                number=1,
                text=extracted or "The Commissioner today opened the rural crime hub at Ashby.",
                submitted_by=self.requester,
                submitted_at=self.submitted_at,
            )


class VersionAttachmentFactory(factory.django.DjangoModelFactory):
    """A small PDF on a request's version, stored as the service would (a generated name)."""

    class Meta:
        model = VersionAttachment

    version = factory.LazyAttribute(lambda o: PermissionRequestFactory().versions.get())
    file = factory.django.FileField(
        data=PDF_BYTES, filename=factory.LazyFunction(lambda: generated_name("pdf"))
    )
    original_name = "press-release.pdf"
    content_type = "pdf"
    size = len(PDF_BYTES)
    uploaded_at = factory.LazyFunction(timezone.now)
