"""The incident clocks, run by the sweep beat starts every five minutes (incidents/tasks.py).

Three kinds of alert, each sent once per occasion:
- untriaged: an incident routed to the DPO, not closed, with no decision yet on whether it is
  a personal data breach `incident_triage_reminder_hours` after it reached the DPO (reported,
  or referred later): the DPO and deputy are reminded, once;
- the ICO clock: while it runs (incidents/ico_clock.py: a deadline set, not decided not a
  breach, no report to the ICO recorded, no decision not to report, not closed), alerts the
  DPO and deputy at each of `ico_alert_points` before its deadline (24 and 6 hours left,
  say) and once when it has passed;
- actions: a containment action not done is reminded to its owner on the morning of the day
  it is due (due_day_reminder_at), and once more, with the DPO and deputy told, when it is
  `OVERDUE_AGAIN` late; an action whose owner has left goes to the DPO and deputy instead,
  to give it to someone else.

Catching up after the sweep was down sends the latest occasion due only, never a burst: an
incident whose clock went from 30 hours left to 2 while nothing ran gets the 6-hour alert (the
hours it states are the real ones left), and never the 24-hour one after it; an action found a
fortnight late gets the week-late reminder only. The earlier occasions are not sent later
either: each stage counts as alerted once an alert of its kind for the same deadline (or due
instant) was sent at or after it began. With nobody in the DPO role, the DPO's alerts go to
the organisation's DPO mailbox; with no mailbox either, they are not claimed, and go once
someone holds the role.

Why it never sends twice: every occasion is a row in the `Alert` ledger with a unique key
(incidents/outbox.py), inserted with ON CONFLICT DO NOTHING in the same transaction as its
emails, its timeline entries and its audit event, and only the occasions this insert created
are sent. Rows are found by comparing instants (`<= now`), never days, so a sweep that was
down catches up on its return; they are taken in batches locked with SKIP LOCKED, so two
sweeps never work on the same row at once; and an advisory lock keeps a second sweep from
starting while one runs (the ledger alone would be enough; the lock spares the work).

A batch costs a fixed number of queries whatever its size. The sweep writes one audit event
per batch that sent something, in that batch's transaction (as the chat-group sweeps do), so
the evidence of an alert can never be missing while the alert was sent; a run that sends
nothing writes nothing.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from django.db import connection
from django.db.models import (
    CharField,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Value,
)
from django.db.models.functions import Cast, Coalesce, Concat
from django.urls import reverse
from django.utils import timezone

from incidents.events import IncidentEmail, IncidentEvent
from incidents.ico_clock import ico_clock_running
from incidents.kinds import HANDLER_ROLES, Handler
from incidents.models import Alert, Assessment, ContainmentAction, Incident, TimelineEntry
from incidents.outbox import (
    ACTION_PREFIX,
    ICO_PREFIX,
    UNTRIAGED_PREFIX,
    action_alert_key,
    alert_message_key,
    ico_alert_key,
    untriaged_alert_key,
)
from incidents.services.lifecycle import incident_url
from incidents.services.timeline import timeline_add_many
from portal.lib.durations import duration_in_words
from portal.lib.locks import AdvisoryLock, single_run
from portal.lib.sweeps import in_locked_batches
from portal.lib.uktime import long_datetime
from portal.models import OrganisationSettings, User
from portal.selectors import role_holders
from portal.services.audit import audit_record
from portal.services.notifications import Message, notifications_queue_many

# An action still open a week after it fell due is chased once more, and the DPO told: long
# enough for a busy owner to have acted on the first reminder, short enough to matter.
OVERDUE_AGAIN = timedelta(days=7)
# Incidents (or actions) per batch: a few DPOs each, so a batch queues some hundreds of emails.
BATCH_SIZE = 200
# Keeps two clock sweeps from running at once (held for the sweep).
SWEEP_LOCK = AdvisoryLock("incidents.clocks")


@dataclass
class ClocksResult:
    untriaged: int = 0
    ico_alerts: int = 0
    ico_passed: int = 0
    actions_due: int = 0
    actions_overdue: int = 0
    locked_out: bool = False


def incident_clocks_sweep(
    *, now: datetime | None = None, batch_size: int = BATCH_SIZE
) -> ClocksResult:
    """Send every untriaged reminder, ICO clock alert and action reminder that has fallen due."""
    now = now or timezone.now()
    result = ClocksResult()
    with single_run(SWEEP_LOCK) as got_lock:
        if not got_lock:
            result.locked_out = True
            return result
        org = OrganisationSettings.load()
        officers = data_protection_officers()
        mailbox = org.dpo_email
        untriaged_remind(
            now=now,
            after=timedelta(hours=org.incident_triage_reminder_hours),
            officers=officers,
            mailbox=mailbox,
            result=result,
            batch_size=batch_size,
        )
        ico_clocks_alert(
            now=now,
            points=org.ico_alert_points,
            officers=officers,
            mailbox=mailbox,
            result=result,
            batch_size=batch_size,
        )
        actions_remind(
            now=now, officers=officers, mailbox=mailbox, result=result, batch_size=batch_size
        )
    return result


def data_protection_officers() -> list[User]:
    """The DPO and deputy DPO, who are alerted. One query."""
    return role_holders(HANDLER_ROLES[Handler.DPO])


# --- The ledger -------------------------------------------------------------------------------


@dataclass
class _Occasion:
    """One alert to send: its ledger key, the incident, and its emails."""

    key: str
    incident: Incident
    messages: list[Message]
    timeline: str
    # How the audit event lists it: the incident's reference, or the action's id.
    listed_as: str | int


def _claim(occasions: list[_Occasion], now: datetime) -> list[_Occasion]:
    """Write the ledger rows of these occasions, and return those this call wrote: a key
    already there (sent before, or by a sweep that committed first) is not sent again. One
    statement; ON CONFLICT ... RETURNING is PostgreSQL's and SQLite's (3.35 and later)."""
    if not occasions:
        return []
    qn = connection.ops.quote_name
    table = qn(Alert._meta.db_table)
    fields = {field.name: field for field in Alert._meta.concrete_fields}
    columns = ", ".join(qn(fields[name].column) for name in ("key", "incident", "sent_at"))
    values = ", ".join(["(%s, %s, %s)"] * len(occasions))
    params: list[Any] = []
    sent_at = fields["sent_at"].get_db_prep_save(now, connection)
    for occasion in occasions:
        params += [occasion.key, occasion.incident.pk, sent_at]
    # Only quoted names from the model's own metadata are formatted in; values are params.
    sql = f"INSERT INTO {table} ({columns}) VALUES {values} "  # noqa: S608
    sql += f"ON CONFLICT ({qn('key')}) DO NOTHING RETURNING {qn('key')}"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        written = {key for (key,) in cursor.fetchall()}
    return [occasion for occasion in occasions if occasion.key in written]


def _send(occasions: list[_Occasion], *, now: datetime, verb: str, listed: str) -> list[_Occasion]:
    """Claim the occasions and, for those claimed, queue their emails, put an internal entry on
    each incident's timeline and write one audit event naming only those (under `listed`):
    all in the batch's transaction."""
    claimed = _claim(occasions, now)
    if not claimed:
        return []
    messages = [message for occasion in claimed for message in occasion.messages]
    notifications_queue_many(messages=messages, batch_size=max(len(messages), 1))
    timeline_add_many(
        entries=[
            TimelineEntry(
                incident=occasion.incident,
                kind=TimelineEntry.Kind.ALERT,
                text=occasion.timeline,
                by=None,
                internal=True,
                at=now,
            )
            for occasion in claimed
        ]
    )
    audit_record(
        verb=verb,
        changes={
            listed: [occasion.listed_as for occasion in claimed],
            "alerts": [occasion.key for occasion in claimed],
            "emails": len(messages),
        },
    )
    return claimed


def _not_alerted_since(prefix: Any, since: Any, incident: str = "incident_id") -> Exists:
    """Whether the incident (the outer row's `incident`) had an alert of this kind (its key
    starting with `prefix`) at or after `since`."""
    return Exists(
        Alert.objects.filter(
            incident_id=OuterRef(incident), key__startswith=prefix, sent_at__gte=since
        )
    )


class _InstantText(Func):
    """An instant as outbox._instant writes it in a key (UTC, "20260310T120000.000000Z"), in
    SQL, so a query can build the key prefix of one deadline's alerts."""

    output_field = CharField()

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        template = """to_char(%(expressions)s AT TIME ZONE 'UTC', 'YYYYMMDD"T"HH24MISS.US"Z"')"""
        return self.as_sql(compiler, connection, template=template, **extra)

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        # Django keeps an instant on SQLite as UTC text, "2026-03-10 12:00:00[.123456]". The
        # doubled %% survives both this formatting and the backend's own.
        template = (
            "strftime('%%%%Y%%%%m%%%%dT%%%%H%%%%M%%%%S', %(expressions)s) || '.' || "
            "substr(%(expressions)s || '.000000', 21, 6) || 'Z'"
        )
        return self.as_sql(compiler, connection, template=template, **extra)


def _at(expression: Any) -> ExpressionWrapper:
    return ExpressionWrapper(expression, output_field=DateTimeField())


def _messages(
    people: Sequence[User | str], *, key: str, template: str, url: str, context: dict
) -> list[Message]:
    return [
        Message(
            to=person,
            template=template,
            dedup_key=alert_message_key(key, _recipient_id(person)),
            url=url,
            context=context,
        )
        for person in people
    ]


def _officers_for(incident: Incident, officers: list[User]) -> list[User]:
    """The DPOs to alert about an incident: never one who reported it or had it reported for
    them (another DPO deals with it, incidents/access.py check_may_triage), unless there is
    nobody else."""
    others = [
        o for o in officers if o.pk not in (incident.reported_by_id, incident.reported_for_id)
    ]
    return others or officers


def _dpos_for(incident: Incident, officers: list[User], mailbox: str) -> list[User | str]:
    """Whom to alert for the DPO: the officers for the incident or, with nobody in the role,
    the DPO's mailbox from the organisation settings (as a new report does,
    incidents/services/reporting.py). Empty when there is neither: the caller then claims
    nothing, so the alert goes once someone holds the role."""
    people: list[User | str] = list(_officers_for(incident, officers))
    return people or ([mailbox] if mailbox else [])


def _recipient_id(person: User | str) -> int | str:
    return person.lower() if isinstance(person, str) else person.pk


# --- Untriaged --------------------------------------------------------------------------------


def untriaged_due(now: datetime, after: timedelta) -> QuerySet[Incident]:
    """Incidents with the DPO, not closed, with no decision yet on whether they are a breach,
    `after` since they reached the DPO, not yet reminded since then."""
    return (
        Incident.objects.filter(to_dpo=True)
        .exclude(status=Incident.Status.CLOSED)
        .filter(Q(assessment__isnull=True) | Q(assessment__is_breach__isnull=True))
        .annotate(since=_at(Coalesce("referred_to_dpo_at", "reported_at")))
        .filter(since__lte=now - after)
        .filter(~_not_alerted_since(UNTRIAGED_PREFIX, OuterRef("since"), incident="pk"))
    )


def untriaged_remind(
    *,
    now: datetime,
    after: timedelta,
    officers: list[User],
    mailbox: str = "",
    result: ClocksResult,
    batch_size: int = BATCH_SIZE,
) -> None:
    if not officers and not mailbox:
        return  # left for when someone holds the role, rather than marked reminded
    deadline_hours = OrganisationSettings.load().ico_deadline

    def handle(incidents: list[Incident]) -> None:
        occasions = []
        for incident in incidents:
            since: datetime = incident.since  # type: ignore[attr-defined]
            key = untriaged_alert_key(incident.pk, since)
            latest = since + deadline_hours
            context = {
                "reference": incident.reference,
                "kind": incident.get_kind_display(),
                "referred": incident.referred_to_dpo_at is not None,
                "since": long_datetime(since),
                "waiting": duration_in_words(now - since),
                "latest_deadline": long_datetime(latest),
                "latest_left": duration_in_words(latest - now) if latest > now else "",
            }
            occasions.append(
                _Occasion(
                    key=key,
                    incident=incident,
                    messages=_messages(
                        _dpos_for(incident, officers, mailbox),
                        key=key,
                        template=IncidentEmail.UNTRIAGED,
                        url=incident_url(incident),
                        context=context,
                    ),
                    listed_as=incident.reference,
                    timeline=(
                        "Reminder sent to the data protection officer and deputy: not yet "
                        f"triaged {context['waiting']} after it reached them."
                    ),
                )
            )
        sent = _send(
            occasions,
            now=now,
            verb=IncidentEvent.UNTRIAGED_REMINDED,
            listed="incidents",
        )
        result.untriaged += len(sent)

    in_locked_batches(
        untriaged_due(now, after), handle, size=batch_size, name="Incident untriaged reminders"
    )


# --- The ICO clock ----------------------------------------------------------------------------


def _stages(points: list[timedelta]) -> list[timedelta]:
    """The alert points, most time left first, then the deadline itself (nothing left)."""
    return [*sorted(set(points), reverse=True), timedelta(0)]


def ico_clocks_due(now: datetime, points: list[timedelta]) -> QuerySet[Assessment]:
    """Assessments whose clock runs (incidents/ico_clock.py, as the incident page shows it)
    and has reached a stage not yet alerted: a stage begins `point` before the deadline and
    lasts until the next; an alert for the same deadline sent since it began covers it."""
    stages = _stages(points)
    # Only this deadline's alerts count (ico_alert_key): when awareness is corrected to an
    # earlier time, an alert sent for the old deadline stated the wrong one.
    this_deadline = Concat(
        Value(ICO_PREFIX),
        Cast(OuterRef("incident_id"), CharField()),
        Value(":"),
        _InstantText(OuterRef("ico_deadline_at")),
        Value(":"),
        output_field=CharField(),
    )
    in_a_stage_not_alerted: Any = Q()
    for index, point in enumerate(stages):
        stage = Q(ico_deadline_at__lte=now + point)
        if index + 1 < len(stages):
            stage &= Q(ico_deadline_at__gt=now + stages[index + 1])
        began = _at(OuterRef("ico_deadline_at") - Value(point))
        in_a_stage_not_alerted |= stage & ~_not_alerted_since(this_deadline, began)
    return (
        Assessment.objects.filter(ico_clock_running(), ico_deadline_at__lte=now + stages[0])
        .filter(in_a_stage_not_alerted)
        .select_related("incident")
    )


def latest_point(deadline: datetime, now: datetime, points: list[timedelta]) -> timedelta | None:
    """The stage a clock is in: the least time left among the points already reached (zero once
    the deadline has passed); None before the first point."""
    for point in reversed(_stages(points)):
        if deadline - point <= now:
            return point
    return None


def ico_clocks_alert(
    *,
    now: datetime,
    points: list[timedelta],
    officers: list[User],
    mailbox: str = "",
    result: ClocksResult,
    batch_size: int = BATCH_SIZE,
) -> None:
    if not officers and not mailbox:
        return  # left for when someone holds the role, rather than marked alerted

    def handle(assessments: list[Assessment]) -> None:
        occasions = []
        passed_keys = set()
        for assessment in assessments:
            incident = assessment.incident
            deadline = assessment.ico_deadline_at
            assert deadline is not None  # chosen by the filter above
            point = latest_point(deadline, now, points)
            if point is None:
                continue  # only when a point changed between the query and here
            hours = int(point.total_seconds() // 3600)
            key = ico_alert_key(incident.pk, deadline, hours)
            passed = deadline <= now
            if passed:
                passed_keys.add(key)
            context = {
                "reference": incident.reference,
                "kind": incident.get_kind_display(),
                "deadline": long_datetime(deadline),
                "passed": passed,
                "left": "" if passed else duration_in_words(deadline - now),
                "hours_left": hours if not passed else 0,
                "late_by": duration_in_words(now - deadline) if passed else "",
                "notify_decided": assessment.notify_ico is True,
            }
            occasions.append(
                _Occasion(
                    key=key,
                    incident=incident,
                    messages=_messages(
                        _dpos_for(incident, officers, mailbox),
                        key=key,
                        template=IncidentEmail.ICO_CLOCK,
                        url=incident_url(incident),
                        context=context,
                    ),
                    listed_as=incident.reference,
                    timeline=(
                        "ICO deadline alert sent to the data protection officer and deputy: "
                        + (
                            f"the deadline ({context['deadline']}) has passed."
                            if passed
                            else f"{context['left']} left before the deadline "
                            f"({context['deadline']})."
                        )
                    ),
                )
            )
        sent = _send(
            occasions,
            now=now,
            verb=IncidentEvent.ICO_CLOCK_ALERTED,
            listed="incidents",
        )
        result.ico_passed += sum(o.key in passed_keys for o in sent)
        result.ico_alerts += sum(o.key not in passed_keys for o in sent)

    in_locked_batches(
        ico_clocks_due(now, points), handle, size=batch_size, name="Incident ICO clock alerts"
    )


# --- Containment actions ----------------------------------------------------------------------

# The owner is reminded on the morning of the due day (an action is due at the end of it).
DUE_DAY_MORNING = time(8, 0)
# The most a due day's morning can be before its due instant: 08:00 to 23:59:59 UK time, which
# no clock change falls between (they happen at 1 or 2 in the morning).
_MORNING_BEFORE_DUE = timedelta(hours=16)


def due_day_reminder_at(action: ContainmentAction) -> datetime:
    """When an action's owner is first reminded: 08:00 UK time on the day it is due (or when
    it is due, if that is earlier in the day), or at once if it was added after that."""
    morning = timezone.make_aware(
        datetime.combine(timezone.localdate(action.due_at), DUE_DAY_MORNING)
    )
    return max(min(morning, action.due_at), action.created_at)


def actions_due(now: datetime) -> QuerySet[ContainmentAction]:
    """Actions not done, on incidents not closed, that have reached a stage not yet
    reminded: their due day (from due_day_reminder_at, which the caller checks: the local
    morning is not worked out in SQL, so this includes actions due up to
    `_MORNING_BEFORE_DUE` ahead), or `OVERDUE_AGAIN` late. An owner who has left is included:
    the DPOs are reminded instead."""
    # Only this due instant's reminders count (action_alert_key): a new due date is a new
    # occasion.
    this_due = Concat(
        Value(ACTION_PREFIX),
        Cast(OuterRef("pk"), CharField()),
        Value(":"),
        _InstantText(OuterRef("due_at")),
        Value(":"),
        output_field=CharField(),
    )
    due_day = Q(due_at__lte=now + _MORNING_BEFORE_DUE, due_at__gt=now - OVERDUE_AGAIN) & ~Exists(
        Alert.objects.filter(incident_id=OuterRef("incident_id"), key__startswith=this_due)
    )
    week_late = Q(due_at__lte=now - OVERDUE_AGAIN) & ~_not_alerted_since(
        this_due, _at(OuterRef("due_at") + Value(OVERDUE_AGAIN))
    )
    return (
        ContainmentAction.objects.filter(done_at__isnull=True)
        .exclude(incident__status=Incident.Status.CLOSED)
        .filter(due_day | week_late)
        .select_related("incident", "owner")
    )


def actions_remind(
    *,
    now: datetime,
    officers: list[User],
    result: ClocksResult,
    batch_size: int = BATCH_SIZE,
    mailbox: str = "",
) -> None:
    mine = reverse("incidents:my_actions")

    def handle(actions: list[ContainmentAction]) -> None:
        occasions = []
        late_keys = set()
        for action in actions:
            if due_day_reminder_at(action) > now:
                continue  # its due day's morning has not come yet
            incident = action.incident
            overdue = now - action.due_at >= OVERDUE_AGAIN
            days = OVERDUE_AGAIN.days if overdue else 0
            key = action_alert_key(action.pk, action.due_at, days)
            if overdue:
                late_keys.add(key)
            owner = action.owner
            owner_left = not owner.is_active
            context = {
                "reference": incident.reference,
                "description": action.description,
                "due": long_datetime(action.due_at),
                "owner_name": owner.full_name,
                "overdue": overdue,
                "due_today": now < action.due_at,
                "owner_left": owner_left,
                "days_late": (timezone.localdate(now) - timezone.localdate(action.due_at)).days,
            }
            # Not a DPO who reported it: they may not see the assessment or its actions.
            dpos = _dpos_for(incident, officers, mailbox)
            if (owner_left or overdue) and not dpos:
                continue  # not claimed: sent once someone holds the DPO role
            people: list[User | str]
            if owner_left:
                # Nobody would be reminded: the DPOs are told instead, at each stage, to give
                # it to someone who is here.
                people = dpos
            else:
                people = [owner]
                if overdue:
                    people += [o for o in dpos if o != owner]
            messages = [
                Message(
                    to=person,
                    template=IncidentEmail.ACTION_DUE,
                    dedup_key=alert_message_key(key, _recipient_id(person)),
                    # The owner records it done in their own list of actions (they may not
                    # be able to open the incident); the DPOs see it on the incident.
                    url=mine if person == owner else incident_url(incident),
                    context={**context, "for_owner": person == owner},
                )
                for person in people
            ]
            what = (
                f"the action “{action.description[:80]}” "
                f"{'is' if context['due_today'] else 'was'} due {context['due']}"
            )
            if owner_left:
                timeline = (
                    f"Reminder sent to the data protection officer: {what}, and "
                    f"{owner.full_name}, who owns it, has left."
                )
            elif overdue:
                timeline = (
                    f"Reminder sent to {owner.full_name}: {what}, and the data protection "
                    "officer told."
                )
            else:
                timeline = f"Reminder sent to {owner.full_name}: {what}."
            occasions.append(
                _Occasion(
                    key=key,
                    incident=incident,
                    messages=messages,
                    timeline=timeline,
                    listed_as=action.pk,
                )
            )
        sent = _send(
            occasions,
            now=now,
            verb=IncidentEvent.ACTIONS_REMINDED,
            listed="actions",
        )
        result.actions_overdue += sum(o.key in late_keys for o in sent)
        result.actions_due += sum(o.key not in late_keys for o in sent)

    in_locked_batches(actions_due(now), handle, size=batch_size, name="Incident action reminders")
