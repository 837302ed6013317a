"""Campaigns: written as drafts, opened (which asks the audience, in bulk, by a Celery task),
closed; and the policy administrator's actions on one person's obligation."""

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from declarations.events import DeclarationEmail, DeclarationEvent
from declarations.models import Campaign, ExtraStatement, Obligation, PolicyVersion
from declarations.outbox import invitation_key
from declarations.selectors import campaign_audience, campaign_outstanding, versions_in_effect
from portal.lib.uktime import end_of_day, long_date
from portal.models import Department, OrganisationSettings, User
from portal.services.audit import audit_record
from portal.services.notifications import Message, notifications_queue_many

ENROL_BATCH = 1000

# The statement a new campaign starts with (seed 004, paragraph 1); the administrator may edit it.
# It names no place on the page ("shown above"): the receipt and the record show it too.
DEFAULT_STATEMENT = (
    "I declare that I have read and understood the policies named in this declaration, that I "
    "will comply with them, and that I understand that not complying may lead to disciplinary "
    "action."
)

# What the campaign form asks an administrator to tick to put a superseded version in a campaign.
OLDER_VERSION_CONFIRMATION = "I mean to ask for an older version"

# The settings a policy administrator chooses on the campaign form.
CAMPAIGN_FIELDS = (
    "name",
    "statement",
    "audience_all",
    "employment_types",
    "opens_at",
    "due_at",
    "new_starter_days",
    "reminder_every_days",
    "admin_escalation_days",
    "repeats_yearly",
)


def _require_draft(campaign: Campaign) -> Campaign:
    current = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if current.status != Campaign.Status.DRAFT:
        raise ValidationError(
            f"“{current.name}” is {current.get_status_display().lower()}: "
            "its settings can no longer be changed."
        )
    return current


def asked_on(campaign: Campaign) -> date:
    """The day people are first asked: the opening date, or today if that has passed."""
    today = timezone.localdate()
    # A draft without an opening date is refused by full_clean, after the versions are checked.
    return max(today, timezone.localdate(campaign.opens_at)) if campaign.opens_at else today


def _check_versions(
    versions: Iterable[PolicyVersion], *, on: date, older_reason: str
) -> tuple[list[PolicyVersion], list[PolicyVersion]]:
    """The versions, and those of them older than the version in effect on the day people are
    asked. An older one is refused unless there is a reason for it (the form's "I mean to ask
    for an older version"); one that will not yet be in effect that day is refused outright,
    since people would sign to comply with rules that do not yet apply."""
    versions = list(versions)
    if not versions:
        raise ValidationError({"versions": "Choose at least one policy version to sign."})
    if any(not v.is_published for v in versions):
        raise ValidationError({"versions": "Only published versions can be signed."})
    policies = [v.policy_id for v in versions]
    if len(policies) != len(set(policies)):
        raise ValidationError({"versions": "Choose one version of each policy, not two."})
    when = long_date(on)
    early = [v for v in versions if v.effective_date > on]
    if early:
        raise ValidationError(
            {
                "versions": [
                    f"{v} is not in effect until {long_date(v.effective_date)}, "
                    f"after people are asked on {when}. Choose the version in effect, or make "
                    "the campaign open on or after that day."
                    for v in early
                ]
            }
        )
    in_effect = versions_in_effect(on)
    older = [v for v in versions if in_effect[v.policy_id].pk != v.pk]
    if older and not older_reason.strip():
        raise ValidationError(
            {
                "versions": [
                    f"{v} has been superseded by {in_effect[v.policy_id].label}. Choose "
                    f"{in_effect[v.policy_id].label}, or tick “{OLDER_VERSION_CONFIRMATION}” "
                    "and say why."
                    for v in older
                ]
            }
        )
    return versions, older


def _describe(campaign: Campaign, versions, departments) -> dict:
    return {
        **{name: getattr(campaign, name) for name in CAMPAIGN_FIELDS if name != "statement"},
        "versions": [str(v) for v in versions],
        "departments": [d.code for d in departments],
    }


@transaction.atomic
def campaign_create(
    *,
    by: User,
    versions: Iterable[PolicyVersion],
    departments: Iterable[Department] = (),
    older_versions_reason: str = "",
    ip=None,
    **fields,
) -> Campaign:
    """A draft annual campaign. Nobody is asked anything until it is opened.

    A version older than the one in effect is refused unless `older_versions_reason` says why
    (kept on the campaign and in the audit event)."""
    campaign = Campaign(kind=Campaign.Kind.ANNUAL, created_by=by, **fields)
    return _save_draft(
        campaign,
        by=by,
        versions=versions,
        departments=departments,
        older_versions_reason=older_versions_reason,
        verb=DeclarationEvent.CAMPAIGN_CREATED,
        ip=ip,
    )


@transaction.atomic
def campaign_update(
    *,
    campaign: Campaign,
    by: User,
    versions: Iterable[PolicyVersion],
    departments: Iterable[Department] = (),
    older_versions_reason: str = "",
    ip=None,
    **fields,
) -> Campaign:
    current = _require_draft(campaign)
    for name, value in fields.items():
        if name not in CAMPAIGN_FIELDS:
            raise TypeError(f"Not editable: {name}")
        setattr(current, name, value)
    return _save_draft(
        current,
        by=by,
        versions=versions,
        departments=departments,
        older_versions_reason=older_versions_reason,
        verb=DeclarationEvent.CAMPAIGN_UPDATED,
        ip=ip,
    )


def _save_draft(
    campaign: Campaign,
    *,
    by: User,
    versions: Iterable[PolicyVersion],
    departments: Iterable[Department],
    older_versions_reason: str,
    verb: str,
    ip,
) -> Campaign:
    """Validate and save a draft with its versions and departments, and record it all."""
    versions, older = _check_versions(
        versions, on=asked_on(campaign), older_reason=older_versions_reason
    )
    departments = list(departments)
    campaign.older_versions_reason = older_versions_reason.strip() if older else ""
    campaign.full_clean(exclude=["created_by"])
    campaign.save()
    campaign.versions.set(versions)
    campaign.departments.set(departments)
    changes = _describe(campaign, versions, departments)
    if older:
        changes["older_versions"] = {
            "versions": [str(v) for v in older],
            "reason": campaign.older_versions_reason,
        }
    audit_record(verb=verb, actor=by, obj=campaign, changes=changes, ip=ip)
    return campaign


@transaction.atomic
def extra_statement_add(
    *,
    campaign: Campaign,
    by: User,
    title: str,
    text: str,
    audience: str,
    departments: Iterable[Department] = (),
    ip=None,
) -> ExtraStatement:
    current = _require_draft(campaign)
    departments = list(departments)
    if audience == ExtraStatement.Audience.DEPARTMENTS and not departments:
        raise ValidationError({"departments": "Choose the departments this statement is for."})
    statement = ExtraStatement.objects.create(
        campaign=current, title=title, text=text, audience=audience
    )
    if audience == ExtraStatement.Audience.DEPARTMENTS:
        statement.departments.set(departments)
    audit_record(
        verb=DeclarationEvent.CAMPAIGN_EXTRA_STATEMENT_ADDED,
        actor=by,
        obj=current,
        changes={
            "title": title,
            "audience": audience,
            "departments": [d.code for d in departments],
        },
        ip=ip,
    )
    return statement


@transaction.atomic
def extra_statement_remove(*, statement: ExtraStatement, by: User, ip=None) -> None:
    campaign = _require_draft(statement.campaign)
    audit_record(
        verb=DeclarationEvent.CAMPAIGN_EXTRA_STATEMENT_REMOVED,
        actor=by,
        obj=campaign,
        changes={"title": statement.title},
        ip=ip,
    )
    statement.delete()


@transaction.atomic
def campaign_open(*, campaign: Campaign, by: User | None, ip=None) -> Campaign:
    """Open a draft campaign. The audience is asked by a Celery task after commit, in bulk.
    `by` is None when the system opens it (a prepared repeat, declarations.services.repeats).

    If its opening time is still ahead, it is scheduled: the declarations sweep enrols the
    audience once that time comes (campaign_enrol does nothing before then).
    """
    current = _require_draft(campaign)
    now = timezone.now()
    if not current.versions.exists():
        raise ValidationError("Choose at least one policy version before opening the campaign.")
    if current.kind == Campaign.Kind.ANNUAL:
        # A newer version may have come into effect since the draft was saved.
        try:
            _check_versions(
                current.versions.select_related("policy"),
                on=asked_on(current),
                older_reason=current.older_versions_reason,
            )
        except ValidationError as error:
            raise ValidationError(
                [*error.messages, "Edit the campaign's settings before opening it."]
            ) from None
    if current.due_at <= now:
        raise ValidationError(
            "The due date has already passed. Change the due date before opening the campaign."
        )
    if problem := current.pass_mark_problem(current.questions.count()):
        raise ValidationError(problem)
    current.status = Campaign.Status.OPEN
    current.opened_at = max(now, current.opens_at)
    current.opened_by = by
    current.save(update_fields=["status", "opened_at", "opened_by"])
    audit_record(
        verb=DeclarationEvent.CAMPAIGN_OPENED,
        actor=by,
        obj=current,
        changes={"opens_at": current.opened_at, "due_at": current.due_at},
        ip=ip,
    )
    if current.opened_at <= now:
        from declarations.tasks import campaign_enrol_task

        transaction.on_commit(lambda: campaign_enrol_task.delay(current.pk))
    return current


# Said by the services, and by the close and reopen pages before they ask for a reason.
ONLY_OPEN_CLOSES = "Only an open campaign can be closed."
ONLY_CLOSED_REOPENS = "Only a closed campaign can be reopened."


@transaction.atomic
def campaign_close(*, campaign: Campaign, by: User, reason: str, ip=None) -> Campaign:
    """Close an open campaign: nobody more is asked, reminders stop, and anyone who has not
    signed stays on the record as not signed. Their obligations are kept as they are, so a
    campaign closed by mistake can be reopened (campaign_reopen)."""
    current = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if current.status != Campaign.Status.OPEN:
        raise ValidationError(ONLY_OPEN_CLOSES)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why you are closing the campaign."})
    now = timezone.now()
    current.status = Campaign.Status.CLOSED
    current.closed_at = now
    current.closed_by = by
    current.closed_reason = reason
    current.save(update_fields=["status", "closed_at", "closed_by", "closed_reason"])
    audit_record(
        verb=DeclarationEvent.CAMPAIGN_CLOSED,
        actor=by,
        obj=current,
        changes={"reason": reason, **campaign_outstanding(current, now=now)},
        ip=ip,
    )
    return current


@transaction.atomic
def campaign_reopen(*, campaign: Campaign, by: User, reason: str, ip=None) -> Campaign:
    """Open a closed campaign again, with every obligation as it was: signed stay signed, those
    to sign are asked again, paused stay paused.

    Reopening after the due date is allowed: the people still to sign are then overdue, as they
    would have been. Nothing is sent here: the declarations sweep (every five minutes) carries
    on from where each obligation had got to, so each person gets at most the one reminder or
    overdue notice whose time came while it was closed, and their line manager is told once
    (the sweep's catch-up rules, dedup keys and *_escalated_at fields see to that). People who
    joined the audience meanwhile are asked by the same sweep, with a due date still ahead.
    """
    current = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if current.status != Campaign.Status.CLOSED:
        raise ValidationError(ONLY_CLOSED_REOPENS)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why you are reopening the campaign."})
    now = timezone.now()
    current.status = Campaign.Status.OPEN
    current.reopened_at = now
    current.reopened_by = by
    current.reopened_reason = reason
    current.save(update_fields=["status", "reopened_at", "reopened_by", "reopened_reason"])
    audit_record(
        verb=DeclarationEvent.CAMPAIGN_REOPENED,
        actor=by,
        obj=current,
        changes={
            "reason": reason,
            "closed_at": current.closed_at,
            "due_at": current.due_at,
            **campaign_outstanding(current, now=now),
        },
        ip=ip,
    )
    return current


def obligation_due_at(campaign: Campaign, start_date, *, today: date | None = None) -> datetime:
    """The campaign's due date; for someone first asked after it opened (a new starter, someone
    moved into the audience, a late re-sign), the day they are asked or start, whichever is
    later, plus the campaign's new-starter days (at 23:59), if that is later. Nobody is ever
    asked with a due date that has already passed."""
    opened_on = timezone.localdate(campaign.opened_at or campaign.opens_at)
    first = max(start_date or date.min, today or timezone.localdate())
    if first > opened_on:
        own = end_of_day(first + timedelta(days=campaign.new_starter_days))
        return max(campaign.due_at, own)
    return campaign.due_at


def campaign_enrol(
    *, campaign: Campaign, batch_size: int = ENROL_BATCH, now: datetime | None = None
) -> int:
    """Ask everyone in the audience who has not yet been asked. Returns how many were asked.

    Safe to run again at any time (the declarations sweep does, for people who join while the
    campaign is open): each batch inserts obligations with ignore_conflicts and queues emails
    whose keys are unique per campaign and person. It works through people by id in batches of
    fixed size, each batch its own transaction, so 250,000 people take a few queries per
    thousand and constant memory, and a worker killed half way loses nothing already done.
    When nobody is missing it costs one query.
    """
    campaign = (
        Campaign.objects.select_related("caused_by").prefetch_related("versions__policy")
    ).get(pk=campaign.pk)
    now = now or timezone.now()
    today = timezone.localdate(now)
    opened_at = campaign.opened_at or now
    if campaign.status != Campaign.Status.OPEN or opened_at > now:
        return 0
    versions = [
        {"policy": v.policy.title, "label": v.label}
        for v in sorted(campaign.versions.all(), key=lambda v: v.policy.title)
    ]
    template = (
        DeclarationEmail.RESIGN
        if campaign.kind == Campaign.Kind.RESIGN
        else DeclarationEmail.CAMPAIGN_OPENED
    )
    missing = (
        campaign_audience(campaign)
        .exclude(declaration_obligations__campaign=campaign)
        .only("id", "email", "full_name", "start_date")
        .order_by("pk")
    )
    reminder_from = max(opened_at, now) + timedelta(days=campaign.reminder_every_days)
    asked, after = 0, 0
    while True:
        people = list(missing.filter(pk__gt=after)[:batch_size])
        if not people:
            return asked
        after = people[-1].pk
        with transaction.atomic():
            # A campaign closed while this runs asks nobody more: checked under the row lock
            # that campaign_close takes too, batch by batch.
            if (
                not Campaign.objects.select_for_update()
                .filter(pk=campaign.pk, status=Campaign.Status.OPEN)
                .exists()
            ):
                return asked
            Obligation.objects.bulk_create(
                [
                    Obligation(
                        campaign=campaign,
                        user=person,
                        due_at=obligation_due_at(campaign, person.start_date, today=today),
                        next_reminder_at=reminder_from,
                    )
                    for person in people
                ],
                ignore_conflicts=True,
            )
            # Read back the rows (ids for the links, and the due date of a row that a
            # concurrent run may have made first).
            rows = {
                user_id: (pk, due_at)
                for user_id, pk, due_at in Obligation.objects.filter(
                    campaign=campaign, user_id__in=[p.pk for p in people]
                ).values_list("user_id", "pk", "due_at")
            }
            notifications_queue_many(
                messages=(
                    Message(
                        to=person,
                        template=template,
                        dedup_key=invitation_key(campaign.pk, person.pk),
                        context={
                            "campaign": campaign,
                            "versions": versions,
                            "due_at": rows[person.pk][1],
                        },
                        url=reverse("declarations:sign", args=[rows[person.pk][0]]),
                    )
                    for person in people
                )
            )
            # When each person was first asked underpins every overdue and escalation decision.
            audit_record(
                verb=DeclarationEvent.CAMPAIGN_PEOPLE_ASKED,
                obj=campaign,
                changes={"users": [person.pk for person in people]},
            )
        asked += len(people)


@transaction.atomic
def obligation_pause(*, obligation: Obligation, by: User, reason: str, ip=None) -> Obligation:
    """Pause one person's obligation (long-term absence): no reminders, not counted overdue."""
    current = Obligation.objects.select_for_update().get(pk=obligation.pk)
    if current.status != Obligation.Status.PENDING:
        raise ValidationError(
            f"Only an obligation still to sign can be paused; this one is "
            f"{current.get_status_display().lower()}."
        )
    if not reason.strip():
        raise ValidationError({"reason": "Say why the obligation is paused."})
    current.status = Obligation.Status.PAUSED
    current.paused_reason = reason.strip()
    current.save(update_fields=["status", "paused_reason"])
    audit_record(
        verb=DeclarationEvent.OBLIGATION_PAUSED,
        actor=by,
        obj=current,
        changes={"reason": current.paused_reason},
        ip=ip,
    )
    return current


@transaction.atomic
def obligation_resume(*, obligation: Obligation, by: User, ip=None) -> Obligation:
    current = Obligation.objects.select_for_update().get(pk=obligation.pk)
    if current.status != Obligation.Status.PAUSED:
        raise ValidationError("This obligation is not paused.")
    reason = current.paused_reason
    current.status = Obligation.Status.PENDING
    current.paused_reason = ""
    current.save(update_fields=["status", "paused_reason"])
    audit_record(
        verb=DeclarationEvent.OBLIGATION_RESUMED,
        actor=by,
        obj=current,
        changes={"was_paused_for": reason, "due_at": current.due_at},
        ip=ip,
    )
    return current


def latest_extension(*, today: date | None = None) -> datetime:
    """The latest due date an extension may give: the end of the day the organisation's
    maximum number of days from today."""
    days = OrganisationSettings.load().max_extension_days
    return end_of_day((today or timezone.localdate()) + timedelta(days=days))


@transaction.atomic
def obligation_extend(
    *, obligation: Obligation, by: User, due_at: datetime, reason: str, ip=None
) -> Obligation:
    """Give one person a later due date, with the reason on the record."""
    current = Obligation.objects.select_for_update().get(pk=obligation.pk)
    if current.status not in (Obligation.Status.PENDING, Obligation.Status.PAUSED):
        raise ValidationError(
            f"Only an obligation still to sign can be extended; this one is "
            f"{current.get_status_display().lower()}."
        )
    if not reason.strip():
        raise ValidationError({"reason": "Say why the due date is extended."})
    if due_at <= current.due_at:
        raise ValidationError({"due_at": "The new due date must be after the current one."})
    if due_at <= timezone.now():
        raise ValidationError({"due_at": "The new due date must be in the future."})
    latest = latest_extension()
    if due_at > latest:
        # A due date years away would quietly stop the person's reminders for good.
        when = long_date(timezone.localdate(latest))
        raise ValidationError({"due_at": f"The latest due date you can give is {when}."})
    previous = current.due_at
    current.due_at = due_at
    # A new deadline starts the reminders and escalations afresh: the sweep schedules the next
    # reminder, and the person and their line manager are told again if this one passes too.
    current.next_reminder_at = None
    current.manager_escalated_at = None
    current.admin_escalated_at = None
    current.save(
        update_fields=["due_at", "next_reminder_at", "manager_escalated_at", "admin_escalated_at"]
    )
    audit_record(
        verb=DeclarationEvent.OBLIGATION_EXTENDED,
        actor=by,
        obj=current,
        changes={"from": previous, "to": due_at, "reason": reason.strip()},
        ip=ip,
    )
    return current
