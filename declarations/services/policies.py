"""Policies and their versions. A version is written as a draft, previewed, then published:
publication fixes its text (the sanitised HTML staff read, with its SHA-256) and it can never
be edited again. A material change asks everyone who signed an earlier version to sign again."""

import hashlib
import uuid
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from declarations.events import DeclarationEvent
from declarations.markdown import render_markdown, sha256_text
from declarations.models import Campaign, Policy, PolicyVersion, a_year_from_today
from declarations.services.approvals import policy_version_approval_clear
from declarations.services.reviews import review_date_check, review_schedule
from portal.lib.uktime import end_of_day, long_datetime
from portal.models import User
from portal.services.audit import audit_record

PUBLISHED_MESSAGE = (
    "Version {label} has been published, so its text is fixed and can no longer be changed. "
    "Make a new version instead."
)
RESIGN_DAYS_DEFAULT = 14

RESIGN_STATEMENT = (
    "I have read and understood version {label} of the {title}, including the changes "
    "described, and I will comply with it."
)


def default_resign_due(now: datetime | None = None) -> datetime:
    now = now or timezone.now()
    return end_of_day(timezone.localdate(now) + timedelta(days=RESIGN_DAYS_DEFAULT))


def _pdf_named(pdf: UploadedFile) -> UploadedFile:
    # Stored under a generated name: the browser's file name is not ours to trust or keep.
    pdf.name = f"{uuid.uuid4().hex}.pdf"
    return pdf


# Addresses under manage/policies/ that are pages of their own: a policy there could not be reached.
RESERVED_ADDRESSES = frozenset({"new"})
_ADDRESS_LENGTH = Policy._meta.get_field("slug").max_length or 80
ADDRESS_TAKEN = (
    "Another policy already uses this page address. Choose another, or leave it empty to make "
    "one from the title."
)


def policy_address_from_title(title: str, *, except_policy: Policy | None = None) -> str:
    """A page address made from the title that no other policy uses: "it-policy", or
    "it-policy-2", "it-policy-3" … when that is taken."""
    base = slugify(title)[:_ADDRESS_LENGTH].strip("-") or "policy"
    others = Policy.objects.filter(slug__startswith=base[: _ADDRESS_LENGTH - 4])
    if except_policy is not None:
        others = others.exclude(pk=except_policy.pk)
    taken = set(others.values_list("slug", flat=True)) | RESERVED_ADDRESSES
    address, n = base, 1
    while address in taken:
        n += 1
        suffix = f"-{n}"
        address = base[: _ADDRESS_LENGTH - len(suffix)].rstrip("-") + suffix
    return address


@transaction.atomic
def policy_create(
    *,
    by: User,
    title: str,
    slug: str = "",
    summary: str = "",
    owner: User | None = None,
    versions_need_approval: bool = False,
    review_date: date | None = None,
    ip=None,
) -> Policy:
    """A new policy. An empty `slug` (its page address) is made from the title; with no
    review date it is due for review a year from today."""
    slug = slug or policy_address_from_title(title)
    review_date = review_date or a_year_from_today()
    review_date_check(review_date)
    policy = Policy(
        title=title,
        slug=slug,
        summary=summary,
        owner=owner,
        versions_need_approval=versions_need_approval,
        review_date=review_date,
    )
    review_schedule(policy)
    try:
        with transaction.atomic():
            policy.save()
    except IntegrityError:
        raise ValidationError({"slug": ADDRESS_TAKEN}) from None
    audit_record(
        verb=DeclarationEvent.POLICY_CREATED,
        actor=by,
        obj=policy,
        changes={
            "title": title,
            "slug": slug,
            "owner": str(owner or ""),
            "versions_need_approval": versions_need_approval,
            "review_date": review_date,
        },
        ip=ip,
    )
    return policy


@transaction.atomic
def policy_update(
    *,
    policy: Policy,
    by: User,
    title: str,
    summary: str,
    owner: User | None,
    slug: str | None = None,
    versions_need_approval: bool | None = None,
    review_date: date | None = None,
    ip=None,
) -> Policy:
    """Title, summary, owner, page address, whether versions need approval and the review
    date of a policy. Its published text lives in its versions. `slug` None keeps the address;
    empty makes it from the title. None keeps the other optional ones as they are."""
    # "Before" comes from the database: a bound ModelForm has already set the new values on
    # the instance it was given, which would make every change look like no change.
    policy = Policy.objects.select_for_update().get(pk=policy.pk)
    before = {
        "title": policy.title,
        "slug": policy.slug,
        "summary": policy.summary,
        "owner": str(policy.owner or ""),
        "versions_need_approval": policy.versions_need_approval,
        "review_date": policy.review_date,
    }
    if slug == "":
        slug = policy_address_from_title(title, except_policy=policy)
    if review_date is not None and review_date != policy.review_date:
        # An overdue date kept as it is may stay; a date changed must not be in the past.
        review_date_check(review_date)
    reschedule = (review_date not in (None, policy.review_date)) or owner != policy.owner
    policy.title, policy.summary, policy.owner = title, summary, owner
    policy.slug = slug or policy.slug
    if versions_need_approval is not None:
        policy.versions_need_approval = versions_need_approval
    policy.review_date = review_date or policy.review_date
    if reschedule:
        # A new owner hears of the review (once), and a new date has its own reminders.
        review_schedule(policy)
    try:
        with transaction.atomic():
            policy.save(
                update_fields=[
                    "title",
                    "slug",
                    "summary",
                    "owner",
                    "versions_need_approval",
                    "review_date",
                    "next_review_reminder_at",
                ]
            )
    except IntegrityError:
        raise ValidationError({"slug": ADDRESS_TAKEN}) from None
    after = {
        "title": title,
        "slug": policy.slug,
        "summary": summary,
        "owner": str(owner or ""),
        "versions_need_approval": policy.versions_need_approval,
        "review_date": policy.review_date,
    }
    changes = {k: {"from": before[k], "to": after[k]} for k in after if before[k] != after[k]}
    if changes:
        audit_record(
            verb=DeclarationEvent.POLICY_UPDATED, actor=by, obj=policy, changes=changes, ip=ip
        )
    return policy


@transaction.atomic
def policy_version_create(
    *,
    policy: Policy,
    by: User,
    label: str,
    effective_date: date,
    body_markdown: str,
    summary_of_changes: str = "",
    material_change: bool = False,
    owner: User | None = None,
    pdf: UploadedFile | None = None,
    ip=None,
) -> PolicyVersion:
    """A new draft version. Nothing is fixed until it is published."""
    version = PolicyVersion(
        policy=policy,
        label=label,
        effective_date=effective_date,
        body_markdown=body_markdown,
        summary_of_changes=summary_of_changes,
        material_change=material_change,
        owner=owner,
        created_by=by,
    )
    if pdf:
        version.pdf = _pdf_named(pdf)
    try:
        with transaction.atomic():
            version.save()
    except IntegrityError:
        raise ValidationError(
            {"label": f"{policy.title} already has a version labelled {label}."}
        ) from None
    audit_record(
        verb=DeclarationEvent.POLICY_VERSION_CREATED,
        actor=by,
        obj=version,
        changes={
            "label": label,
            "effective_date": effective_date,
            "material_change": material_change,
            "pdf": bool(pdf),
        },
        ip=ip,
    )
    return version


EDITABLE_FIELDS = (
    "label",
    "effective_date",
    "body_markdown",
    "summary_of_changes",
    "material_change",
    "owner",
)


@transaction.atomic
def policy_version_update(
    *, version: PolicyVersion, by: User, pdf: UploadedFile | None = None, ip=None, **fields
) -> PolicyVersion:
    """Change a draft. A published version is refused: its text is evidence of what was signed."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"Not editable: {', '.join(sorted(unknown))}")
    # Read the status under a lock, so a publish in another tab cannot slip in between.
    current = PolicyVersion.objects.select_for_update().get(pk=version.pk)
    if current.is_published:
        raise ValidationError(PUBLISHED_MESSAGE.format(label=current.label))
    changes = {}
    for name, value in fields.items():
        old = getattr(current, name)
        if old != value:
            changes[name] = (
                "changed" if name == "body_markdown" else {"from": str(old), "to": str(value)}
            )
            setattr(current, name, value)
    if pdf:
        current.pdf = _pdf_named(pdf)
        changes["pdf"] = "replaced"
    try:
        with transaction.atomic():
            current.save()
    except IntegrityError:
        raise ValidationError(
            {"label": f"This policy already has a version labelled {current.label}."}
        ) from None
    if changes:
        audit_record(
            verb=DeclarationEvent.POLICY_VERSION_UPDATED,
            actor=by,
            obj=current,
            changes=changes,
            ip=ip,
        )
        if current.approval in (PolicyVersion.Approval.AWAITING, PolicyVersion.Approval.APPROVED):
            policy_version_approval_clear(version=current, by=by, changed=sorted(changes), ip=ip)
    return current


def _file_sha256(field) -> str:
    digest = hashlib.sha256()
    with field.open("rb") as handle:
        for chunk in iter(lambda: handle.read(64 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


@transaction.atomic
def policy_version_publish(
    *,
    version: PolicyVersion,
    by: User,
    resign_due_at: datetime | None = None,
    ip=None,
) -> tuple[PolicyVersion, Campaign | None]:
    """Fix the version's text and publish it. Returns the version and, for a material change
    with earlier signatories, the re-sign campaign opened for them."""
    current = PolicyVersion.objects.select_for_update().select_related("policy").get(pk=version.pk)
    if current.is_published:
        published_at = current.published_at
        assert published_at is not None  # a published version records when
        raise ValidationError(
            f"Version {current.label} was already published on {long_datetime(published_at)}."
        )
    if current.needs_approval:
        raise ValidationError(
            f"Version {current.label} needs approval by a second policy administrator before "
            "it can be published."
        )
    now = timezone.now()
    if resign_due_at is not None and resign_due_at <= now:
        raise ValidationError("The date to sign again by must be in the future.")
    current.body_html = render_markdown(current.body_markdown)
    if not current.body_html:
        raise ValidationError("The version has no text to publish.")
    current.content_sha256 = sha256_text(current.body_html)
    current.pdf_sha256 = _file_sha256(current.pdf) if current.pdf else ""
    current.status = PolicyVersion.Status.PUBLISHED
    current.published_at = now
    current.published_by = by
    current.save()
    changes = {
        "label": current.label,
        "effective_date": current.effective_date,
        "content_sha256": current.content_sha256,
        "pdf_sha256": current.pdf_sha256,
        "material_change": current.material_change,
    }
    if current.approval == PolicyVersion.Approval.APPROVED:
        # The approval this publication rests on, in the publication's own record.
        approved_at = current.approved_at
        assert approved_at is not None  # an approval records when (a database check)
        changes["approval"] = {
            "approved_by": str(current.approved_by),
            "approved_at": approved_at.isoformat(),
            "note": current.approval_note,
            "asked_by": str(current.approval_requested_by or ""),
        }
    audit_record(
        verb=DeclarationEvent.POLICY_VERSION_PUBLISHED,
        actor=by,
        obj=current,
        changes=changes,
        ip=ip,
    )
    campaign = None
    if current.material_change:
        campaign = _resign_campaign_open(
            version=current, by=by, due_at=resign_due_at or default_resign_due(now), ip=ip
        )
    return current, campaign


def _resign_campaign_open(
    *, version: PolicyVersion, by: User, due_at: datetime, ip
) -> Campaign | None:
    # Imported here: campaigns imports this module's helpers.
    from declarations.selectors import campaign_audience
    from declarations.services.campaigns import campaign_open

    campaign = Campaign(
        name=f"{version.policy.title} {version.label}: please sign again",
        kind=Campaign.Kind.RESIGN,
        caused_by=version,
        statement=RESIGN_STATEMENT.format(label=version.label, title=version.policy.title),
        audience_all=False,
        opens_at=timezone.now(),
        due_at=due_at,
        created_by=by,
    )
    if not campaign_audience(campaign).exists():
        # Nobody signed an earlier version: there is nobody to ask again.
        return None
    campaign.save()
    campaign.versions.set([version])
    audit_record(
        verb=DeclarationEvent.CAMPAIGN_CREATED,
        actor=by,
        obj=campaign,
        changes={"kind": campaign.kind, "caused_by": str(version), "due_at": due_at},
        ip=ip,
    )
    return campaign_open(campaign=campaign, by=by, ip=ip)
