"""When the ICO clock is running, defined once for the incident page (triage_sections.clock_state)
and the sweep that alerts the DPO (services/clocks.py), so the page never shows a deadline
running that nobody is alerted to, nor the other way round.

It runs while a deadline is set (awareness is recorded), the DPO has not decided it is not a
breach (undecided counts: the deadline matters from awareness, not from the decision), no
report to the ICO is recorded, nobody has decided not to report it, and the incident is open.
"""

from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet

from incidents.models import Assessment, Incident


def ico_clock_running(*, on_incidents: bool = False) -> Q:
    """The condition, on Assessment rows, or on Incident rows (the DPO's queue) when
    `on_incidents`."""
    a, i = ("assessment__", "") if on_incidents else ("", "incident__")
    return (
        Q(**{f"{a}ico_deadline_at__isnull": False, f"{a}ico_notified_at__isnull": True})
        & ~Q(**{f"{a}is_breach": False})
        & ~Q(**{f"{a}notify_ico": False})
        & ~Q(**{f"{i}status": Incident.Status.CLOSED})
    )


def with_clock_running(assessments: QuerySet[Assessment]) -> QuerySet[Assessment]:
    """The assessments, each with `clock_running` saying whether its clock runs (no extra
    query: one join to the incident)."""
    return assessments.annotate(
        clock_running=ExpressionWrapper(ico_clock_running(), output_field=BooleanField())
    )
