"""Reporting an incident, and the reporter adding to it later.

A report is one transaction: its reference (INC-<year>-<number>, the year in UK time), its
routing (incidents/kinds.py, with the line manager of the person it happened to, at the time),
the REPORTED step on its timeline, its audit event, its files, and the emails to everyone who
must act and to the reporter, through the outbox. Either all of it happens or none does.
"""

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.utils import timezone

from incidents.events import IncidentEmail, IncidentEvent
from incidents.kinds import (
    DEVICE_KINDS,
    HANDLER_ROLES,
    Answer,
    DeviceType,
    Handler,
    Kind,
    handlers_for,
)
from incidents.models import (
    ROUTE_FIELDS,
    Incident,
    PendingUpload,
    ReferenceCounter,
    TimelineEntry,
)
from incidents.outbox import information_added_key, report_received_key, reported_key
from incidents.services.attachments import (
    CheckedFile,
    attachments_add,
    check_uploads,
    kept_locked,
)
from incidents.services.lifecycle import incident_url
from incidents.services.timeline import timeline_add
from incidents.still_to_do import still_to_do
from portal.lib.stored_files import stored_files_removed_on_failure
from portal.models import OrganisationSettings, User
from portal.selectors import role_holders
from portal.services.audit import audit_record
from portal.services.notifications import Message, notifications_queue_many

# ---- What each kind asks -------------------------------------------------------------------

# A device gone astray: was it protected? (Seed 004 paragraphs 56-59.)
LOSS_KINDS = frozenset({Kind.LOST_DEVICE, Kind.STOLEN_DEVICE})
# Reports that may put personal data at risk: the DPO needs to know what and how much.
DATA_KINDS = frozenset(Kind) - {
    Kind.INAPPROPRIATE_CONTENT,
    Kind.UNSUITABLE_MATERIAL,
    Kind.ONLINE_CONTENT,
}

# The parts of the form only some kinds ask for. A value sent for another kind (typed before
# the kind was changed, or sent without the script that hides the part) is left out.
ASKED_FOR: dict[str, frozenset[Kind]] = {
    "device_type": DEVICE_KINDS,
    "asset_tag": DEVICE_KINDS,
    "encrypted": LOSS_KINDS,
    "locked": LOSS_KINDS,
    "password_with_device": LOSS_KINDS,
    "crime_reference": frozenset({Kind.STOLEN_DEVICE}),
    "personal_data": DATA_KINDS,
    "people_affected": DATA_KINDS,
}

# What a kind cannot go without, and what to say when it is missing.
NEEDED_FOR: dict[str, tuple[frozenset[Kind], str]] = {
    "device_type": (DEVICE_KINDS, "Say what kind of device it is."),
    "encrypted": (
        LOSS_KINDS,
        "Say whether the device was encrypted, or choose “Don't know”.",
    ),
    "locked": (
        LOSS_KINDS,
        "Say whether the device was locked with a PIN or password, or choose “Don't know”.",
    ),
    "password_with_device": (
        LOSS_KINDS,
        "Say whether a written password was with the device, or choose “Don't know”.",
    ),
    "personal_data": (
        frozenset({Kind.DATA_BREACH}),
        "Say what personal data was involved, for example “names and addresses of three "
        "witnesses”.",
    ),
}

# The longest free text a report takes, and the most people it can name (the column's limit
# is far larger). The form says the same; the service checks again for other callers.
LONGEST_TEXT = 10_000
MOST_PEOPLE = 100_000_000

# A watch or phone a minute or two ahead of the server's clock is not a time in the future.
CLOCK_SLACK = timedelta(minutes=5)
# Nothing reported here happened before this: an earlier year is a slip of the keyboard.
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Report:
    """What the person tells us. Only `kind`, the two times and `description` are needed by
    every kind; the rest are asked by some (ASKED_FOR)."""

    kind: str
    happened_at: datetime
    discovered_at: datetime
    description: str
    reported_for: User | None = None
    device_type: str = ""
    asset_tag: str = ""
    encrypted: str = ""
    locked: str = ""
    password_with_device: str = ""
    crime_reference: str = ""
    personal_data: str = ""
    people_affected: int | None = None
    actions_taken: str = ""

    def for_its_kind(self) -> "Report":
        """The report without the parts its kind does not ask for, and without stray
        spaces."""
        values: dict[str, Any] = {
            name: value.strip() for name, value in asdict(self).items() if isinstance(value, str)
        }
        for name, kinds in ASKED_FOR.items():
            if self.kind not in kinds:
                values[name] = None if name == "people_affected" else ""
        return replace(self, **values)


def time_problems(
    *, happened_at: datetime | None, discovered_at: datetime | None, now: datetime
) -> dict[str, str]:
    """What is wrong with the two times, by field: a time in the future, or a discovery
    before the event, each said plainly."""
    problems: dict[str, str] = {}
    latest = now + CLOCK_SLACK
    if happened_at is not None:
        if happened_at > latest:
            problems["happened_at"] = (
                "When it happened is in the future. Enter the date and time it happened, or "
                "your best guess."
            )
        elif happened_at < EARLIEST:
            problems["happened_at"] = "When it happened is too long ago: check the year."
    if discovered_at is not None:
        if discovered_at > latest:
            problems["discovered_at"] = (
                "When it was discovered is in the future. Enter when it was first noticed: "
                "now, or earlier."
            )
        elif discovered_at < EARLIEST:
            problems["discovered_at"] = "When it was discovered is too long ago: check the year."
    if (
        happened_at is not None
        and discovered_at is not None
        and not problems
        and discovered_at < happened_at
    ):
        problems["discovered_at"] = (
            "It cannot have been discovered before it happened. Check both times: when it "
            "was discovered must be the same as when it happened, or later."
        )
    return problems


def missing_for_kind(kind: str, values: Mapping[str, Any]) -> dict[str, str]:
    """The parts this kind needs that were left empty, by field, each with what to say."""
    return {
        name: message
        for name, (kinds, message) in NEEDED_FOR.items()
        if kind in kinds and not str(values.get(name) or "").strip()
    }


def report_problems(report: Report, *, by: User, now: datetime) -> dict[str, str]:
    """Everything wrong with a report, by field (the form shows each by its field)."""
    problems = time_problems(
        happened_at=report.happened_at, discovered_at=report.discovered_at, now=now
    )
    if report.kind not in Kind.values:
        problems["kind"] = "Choose what you are reporting."
        return problems
    if not report.description.strip():
        problems["description"] = "Say what happened."
    problems |= missing_for_kind(report.kind, asdict(report))
    problems |= _value_problems(report)
    colleague = report.reported_for
    if colleague is not None:
        if colleague.pk == by.pk:
            problems["reported_for"] = (
                "That is you. Leave this empty when it happened to you; name a colleague only "
                "when you report it for them."
            )
        elif not colleague.is_active:
            problems["reported_for"] = (
                f"{colleague.full_name} no longer works here: name a colleague who does."
            )
    return problems


_CHOICES: dict[str, tuple[list[str], str]] = {
    "device_type": (DeviceType.values, "Choose the type of device from the list."),
    "encrypted": (Answer.values, "Choose yes, no or don't know."),
    "locked": (Answer.values, "Choose yes, no or don't know."),
    "password_with_device": (Answer.values, "Choose yes, no or don't know."),
}
_SHORT_TEXT = ("asset_tag", "crime_reference")
_LONG_TEXT = ("description", "personal_data", "actions_taken")


def _value_problems(report: Report) -> dict[str, str]:
    """Values outside the choices or too long for their column, and characters the database
    cannot keep, by field: what the form's fields refuse."""
    problems: dict[str, str] = {}
    for name, (choices, message) in _CHOICES.items():
        value = getattr(report, name)
        if value and value not in choices:
            problems[name] = message
    for name in (*_SHORT_TEXT, *_LONG_TEXT):
        value = getattr(report, name)
        column = Incident._meta.get_field(name)
        most = LONGEST_TEXT if name in _LONG_TEXT else getattr(column, "max_length", None)
        if most is not None and len(value) > most:
            problems[name] = f"Shorten this to at most {most:,} characters."
        elif "\x00" in value:
            problems[name] = "Take out the unusual characters (pasted from another program)."
    people = report.people_affected
    if people is not None and not 0 <= people <= MOST_PEOPLE:
        problems["people_affected"] = "Enter a number of people, such as 3 or 250."
    return problems


# ---- Who is told ---------------------------------------------------------------------------

HANDLER_NAMES = {
    Handler.HELPDESK: "the IT helpdesk",
    Handler.DPO: "the data protection officer",
    Handler.PSD: "Professional Standards",
    Handler.LINE_MANAGER: "the line manager",
    Handler.CHIEF_EXECUTIVE: "the Chief Executive",
}


def routed_to(incident: Incident) -> list[Handler]:
    """The incident's handlers, from the routing kept on it, in a fixed order."""
    return [handler for handler, field in ROUTE_FIELDS.items() if getattr(incident, field)]


def routed_to_names(incident: Incident) -> list[str]:
    return [HANDLER_NAMES[handler] for handler in routed_to(incident)]


def routed_to_text(incident: Incident) -> str:
    """Who it went to, in words: "the IT helpdesk and the data protection officer"."""
    return in_words(routed_to_names(incident))


def _mailboxes(handler: Handler, org: OrganisationSettings, *, nobody: bool) -> list[str]:
    """The organisation's shared mailboxes for a handler: the helpdesk's always (it is
    watched around the clock); the DPO's and Chief Executive's only when nobody holds the role,
    so that a report never reaches no one."""
    if handler == Handler.HELPDESK:
        return [org.helpdesk_email] if org.helpdesk_email else []
    if nobody and handler == Handler.DPO and org.dpo_email:
        return [org.dpo_email]
    if nobody and handler == Handler.CHIEF_EXECUTIVE and org.chief_executive_email:
        return [org.chief_executive_email]
    return []


@dataclass
class Recipient:
    to: User | str
    # As what they hear of it (a person may hold two of the roles it went to).
    handlers: list[Handler]

    @property
    def key(self) -> str:
        return str(self.to.pk) if isinstance(self.to, User) else self.to.lower()


def handler_recipients(incident: Incident, org: OrganisationSettings) -> list[Recipient]:
    """Everyone who deals with the incident now: the holders of each role it went to, the
    line manager it went to, and the shared mailboxes. Never the reporter or the colleague it
    was reported for: nobody handles their own report. One query per role."""
    return _reach(incident, org)[0]


def unreached(incident: Incident, org: OrganisationSettings) -> list[Handler]:
    """The handlers it went to that nobody could be sent it as: no one else holds the role
    (or the line manager is the reporter, or has left) and there is no shared mailbox."""
    return _reach(incident, org)[1]


def _reach(incident: Incident, org: OrganisationSettings) -> tuple[list[Recipient], list[Handler]]:
    involved = {incident.reported_by_id, incident.reported_for_id}
    found: dict[str, Recipient] = {}
    nobody: list[Handler] = []

    def add(to: User | str, handler: Handler) -> None:
        recipient = Recipient(to, [handler])
        if recipient.key in found:
            found[recipient.key].handlers.append(handler)
        else:
            found[recipient.key] = recipient

    for handler in routed_to(incident):
        if handler == Handler.LINE_MANAGER:
            manager = incident.line_manager
            people = [manager] if manager is not None and manager.is_active else []
        else:
            people = role_holders(HANDLER_ROLES[handler])
        people = [person for person in people if person.pk not in involved]
        mailboxes = _mailboxes(handler, org, nobody=not people)
        for person in people:
            add(person, handler)
        for mailbox in mailboxes:
            add(mailbox, handler)
        if not people and not mailboxes:
            nobody.append(handler)
    return list(found.values()), nobody


def sent_to_text(incident: Incident, nobody_for: Sequence[Handler]) -> str:
    """Where it went, truthfully: "It has gone to ...", and who could not be sent it."""
    reached = [HANDLER_NAMES[h] for h in routed_to(incident) if h not in nobody_for]
    text = f"It has gone to {in_words(reached)}." if reached else "Nobody could be sent it."
    if nobody_for:
        missed = in_words([HANDLER_NAMES[h] for h in nobody_for])
        text += f" Nobody could be sent it as {missed}"
        text += (
            ", so the data protection officer has it instead."
            if Handler.DPO in routed_to(incident) and Handler.DPO not in nobody_for
            else ": ask your system administrator who deals with it now."
        )
    return text


# ---- The reference -------------------------------------------------------------------------


def next_number(year: int) -> int:
    """The next number of the year. One statement inserts the year's counter or adds one to
    it, and holds its row until this transaction ends, so a report sent at the same moment
    waits and takes the number after: never the same one, never a gap."""
    qn = connection.ops.quote_name
    table = qn(ReferenceCounter._meta.db_table)
    year_column, last_column = qn("year"), qn("last")
    sql = (
        f"INSERT INTO {table} ({year_column}, {last_column}) VALUES (%s, 1) "  # noqa: S608
        f"ON CONFLICT ({year_column}) DO UPDATE SET {last_column} = {table}.{last_column} + 1 "
        f"RETURNING {last_column}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [year])
        (number,) = cursor.fetchone()
    return number


# ---- Reporting -----------------------------------------------------------------------------


def _line_manager(person: User) -> User | None:
    manager = person.line_manager if person.line_manager_id else None
    return manager if manager is not None and manager.is_active else None


def _reported_text(incident: Incident, files: int, nobody_for: Sequence[Handler]) -> str:
    text = f"Reported by {incident.reported_by.full_name}"
    if incident.reported_for is not None:
        text += f" for {incident.reported_for.full_name}"
    if nobody_for:
        text += ". " + sent_to_text(incident, nobody_for)
    else:
        text += f". Sent to {routed_to_text(incident)}."
    if files:
        text += f" {files} file{'s' if files != 1 else ''} attached."
    return text


def in_words(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


@stored_files_removed_on_failure()
@transaction.atomic
def incident_report(
    *,
    by: User,
    report: Report,
    files: Sequence[UploadedFile | CheckedFile] = (),
    kept: Sequence[PendingUpload] = (),
    token: UUID | None = None,
    ip: str | None = None,
) -> Incident:
    """Record a report and send it on. Refused (ValidationError, by field) if the times are
    in the future or the wrong way round, or something its kind needs is missing; files are
    checked by their content first (once: a file the form checked is not read again), before
    the year's reference counter is taken, so a bad one refuses the whole report. `kept`: the
    reporter's files kept from sending the form before, attached too.

    `token` is the one-time token of the form it came from: a form sent again (a double tap, a
    resend) returns the incident it already made, and makes no other."""
    if token is not None:
        # The reporter's row is held to the end, so the same form sent twice at once waits
        # here and then finds the incident the first one made.
        User.objects.select_for_update().filter(pk=by.pk).first()
        made = Incident.objects.filter(reported_by=by, submission_token=token).first()
        if made is not None:
            return made
    now = timezone.now()
    problems = report_problems(report, by=by, now=now)
    if problems:
        raise ValidationError(problems)
    checked = check_uploads(files, kept=len(kept))
    kept = kept_locked(kept=kept, by=by)
    report = report.for_its_kind()
    person = report.reported_for or by
    manager = _line_manager(person)
    handlers = handlers_for(report.kind, has_line_manager=manager is not None)
    year = timezone.localtime(now).year
    number = next_number(year)
    details = asdict(report)
    incident = Incident.objects.create(
        **details,
        reference=f"INC-{year}-{number:04d}",
        year=year,
        number=number,
        reported_by=by,
        reported_at=now,
        submission_token=token,
        last_activity_at=now,
        line_manager=manager,
        **{field: handler in handlers for handler, field in ROUTE_FIELDS.items()},
    )
    org = OrganisationSettings.load()
    nobody_for = unreached(incident, org)
    if nobody_for and not incident.to_dpo:
        # A report must reach someone: the DPO and deputy (or the DPO's mailbox) take what
        # nobody else could be sent, and see it as theirs.
        incident.to_dpo = True
        incident.save(update_fields=["to_dpo"])
    attachments = attachments_add(incident=incident, files=checked, kept=kept, by=by, ip=ip)
    timeline_add(
        incident=incident,
        kind=TimelineEntry.Kind.REPORTED,
        text=_reported_text(incident, len(attachments), nobody_for),
        by=by,
        at=now,
    )
    audit_record(
        verb=IncidentEvent.INCIDENT_REPORTED,
        actor=by,
        obj=incident,
        changes={
            "reference": incident.reference,
            "kind": incident.kind,
            "reported_for": incident.reported_for_id,
            "routed_to": [str(handler) for handler in routed_to(incident)],
            "line_manager": incident.line_manager_id,
            "attachments": len(attachments),
            "nobody_for": [str(handler) for handler in nobody_for],
            **_facts(report),
        },
        ip=ip,
    )
    _send_on(incident, org, nobody_for)
    return incident


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _facts(report: Report) -> dict[str, Any]:
    """What was reported, for the audit event, so a later change to the row shows against the
    hash-chained trail: the times and answers as they are, the free text by its SHA-256 (the
    trail is read more widely than the report)."""
    return {
        "happened_at": report.happened_at.astimezone(UTC).isoformat(),
        "discovered_at": report.discovered_at.astimezone(UTC).isoformat(),
        **{name: getattr(report, name) for name in _ANSWERS},
        **{f"{name}_sha256": sha256_text(getattr(report, name)) for name in _FREE_TEXT},
    }


# The report's short answers (kept in the trail as they are) and its free text (kept by hash).
_ANSWERS = (
    "device_type",
    "asset_tag",
    "encrypted",
    "locked",
    "password_with_device",
    "crime_reference",
    "people_affected",
)
_FREE_TEXT = ("description", "personal_data", "actions_taken")


def _send_on(incident: Incident, org: OrganisationSettings, nobody_for: list[Handler]) -> None:
    """The report to everyone who must act on it, and its receipt to the reporter (and the
    colleague it was reported for)."""
    url = incident_url(incident)
    messages = [
        Message(
            to=recipient.to,
            template=IncidentEmail.REPORTED,
            dedup_key=reported_key(incident.pk, recipient.key),
            context={"incident": incident, "handlers": [str(h) for h in recipient.handlers]},
            url=url,
        )
        for recipient in handler_recipients(incident, org)
    ]
    messages += [
        Message(
            to=person,
            template=IncidentEmail.REPORT_RECEIVED,
            dedup_key=report_received_key(incident.pk, person.pk),
            context={
                "incident": incident,
                "sent_to": sent_to_text(incident, nobody_for),
                "todo": still_to_do(incident, person),
            },
            url=url,
        )
        for person in _own_people(incident)
    ]
    notifications_queue_many(messages=messages)


def _own_people(incident: Incident) -> list[User]:
    people = [incident.reported_by]
    if incident.reported_for is not None:
        people.append(incident.reported_for)
    return people


# ---- Adding to a report --------------------------------------------------------------------


@stored_files_removed_on_failure()
@transaction.atomic
def incident_add_information(
    *,
    incident: Incident,
    text: str,
    files: Sequence[UploadedFile | CheckedFile] = (),
    kept: Sequence[PendingUpload] = (),
    by: User,
    ip: str | None = None,
) -> TimelineEntry:
    """The reporter (or the colleague it was reported for) adds what they have found out, and
    files: a step on the timeline that they and the handlers see, and an email to the
    handlers. Refused on a closed report (a new report is made instead). Files are checked
    before the report is locked."""
    checked = check_uploads(files, kept=len(kept))
    incident = (
        Incident.objects.select_for_update(of=("self",))
        .select_related("reported_by", "reported_for", "line_manager")
        .get(pk=incident.pk)
    )
    if by.pk not in (incident.reported_by_id, incident.reported_for_id):
        raise ValidationError("Only the person who reported it, or the colleague it was for, can.")
    if incident.is_closed:
        raise ValidationError(
            "This report is closed, so nothing more can be added. If something has happened "
            "since, make a new report."
        )
    text = text.strip()
    if not text and not files and not kept:
        raise ValidationError("Write what you want to add, or choose a file to add.")
    kept = kept_locked(kept=kept, by=by)
    attachments = attachments_add(incident=incident, files=checked, kept=kept, by=by, ip=ip)
    names = ", ".join(a.original_name for a in attachments)
    entry_text = text
    if attachments:
        entry_text += ("\n\n" if text else "") + f"Files added: {names}."
    entry = timeline_add(
        incident=incident, kind=TimelineEntry.Kind.INFORMATION_ADDED, text=entry_text, by=by
    )
    audit_record(
        verb=IncidentEvent.INFORMATION_ADDED,
        actor=by,
        obj=incident,
        changes={
            "reference": incident.reference,
            "entry": entry.pk,
            "attachments": [a.pk for a in attachments],
            "files": len(attachments),
            "text_sha256": sha256_text(text),
        },
        ip=ip,
    )
    org = OrganisationSettings.load()
    notifications_queue_many(
        messages=[
            Message(
                to=recipient.to,
                template=IncidentEmail.INFORMATION_ADDED,
                dedup_key=information_added_key(entry.pk, recipient.key),
                context={"incident": incident, "entry": entry, "files": len(attachments)},
                url=incident_url(incident),
            )
            for recipient in handler_recipients(incident, org)
        ]
    )
    return entry
