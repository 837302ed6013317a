"""Incidents at national scale: 50,000 reports over three years, a share of them assessed by the
DPO (breaches told to the ICO in time, late, not told, not yet decided), then the DPO's pages
and the clocks over them.

    python -m bench.bench_incidents [--incidents 50000] [--people 5000] [--repeat 3]

Builds people and incidents in bulk (a realistic mix of kinds, routed as real reports are),
assessments for a share of those the DPO hears of, reports to the ICO and containment actions.
Then, as the DPO through Django's test client (the whole middleware stack, production
settings but for the host name): the breach register (first page, a filtered page, the next
page), its CSV export streamed to the end, the DPO's incident figures, and the DPO's queue; and
the clocks' sweep (`incident_clocks_sweep`), run twice (the second time nothing is due).

Each page: its best time of `--repeat`, its queries, and the peak of Python memory while it was
built (tracemalloc, in a separate run so it does not slow the timing). The export streams, so
its peak must stay flat: the whole register costs about what one year of it does.
The sweep's peak is measured the same way, in a run rolled back before the timed one (a sweep
changes what it sweeps).
"""

import argparse
import html
import random
import re
import time
import tracemalloc
from collections.abc import Callable
from datetime import datetime, timedelta

from bench._common import bench_setup, bulk_insert, timed

# How often each kind is reported: devices and passwords most, then emails to the wrong person.
KIND_WEIGHTS = {
    "lost_device": 20,
    "stolen_device": 4,
    "compromised_password": 15,
    "device_fault": 8,
    "virus": 12,
    "data_breach": 16,
    "inappropriate_content": 8,
    "unsuitable_material": 5,
    "online_content": 4,
    "other": 8,
}
# Of the reports the DPO hears of, how many they have assessed, and what they decided.
ASSESSED = 0.45
BREACH_SHARE = 0.55  # of those assessed; a fifth of the rest are still undecided
# Where the breaches stand with the ICO (the newest few days are left with clocks running).
OUTCOME_WEIGHTS = {"notified": 40, "late": 8, "not_notified": 40, "to_notify": 4, "undecided": 8}
YEARS = 3


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def seed(count: int, people: int, seed_value: int = 10) -> dict:
    from django.contrib.auth.models import Group
    from django.utils import timezone

    from incidents.kinds import handlers_for
    from incidents.models import (
        ROUTE_FIELDS,
        Assessment,
        ContainmentAction,
        IcoReport,
        Incident,
        ReferenceCounter,
        Regime,
        Risk,
    )
    from portal.models import User
    from portal.roles import Role
    from portal.testing.second_factor import authenticator_for

    rng = random.Random(seed_value)
    now = timezone.now()
    dpo = User.objects.create(email="bench-dpo@example.org", full_name="Bench DPO")
    dpo.groups.add(Group.objects.get(name=Role.DPO))
    authenticator_for(dpo)
    manager = User.objects.create(email="bench-manager@example.org", full_name="Bench Manager")
    with timed("create people", people, "people"):
        bulk_insert(
            User,
            people,
            lambda i: User(
                email=f"reporter{i}@example.org",
                full_name=f"Reporter {i}",
                line_manager=manager,
                password="!",
            ),
        )
    first = User.objects.filter(email="reporter0@example.org").values_list("pk", flat=True)[0]

    # Reports spread evenly over the last three years, oldest first, numbered in each UK year.
    span = timedelta(days=365 * YEARS).total_seconds()
    start = now - timedelta(seconds=span)
    numbers: dict[int, int] = {}
    routes = {
        kind: {
            field: handler in handlers_for(kind, has_line_manager=True)
            for handler, field in ROUTE_FIELDS.items()
        }
        for kind in KIND_WEIGHTS
    }

    def incident(i: int) -> Incident:
        reported_at = start + timedelta(seconds=span * (i + 1) / (count + 1))
        year = timezone.localtime(reported_at).year
        numbers[year] = numbers.get(year, 0) + 1
        kind = _weighted(rng, KIND_WEIGHTS)
        discovered_at = reported_at - timedelta(minutes=rng.randint(5, 60 * 72))
        return Incident(
            reference=f"INC-{year}-{numbers[year]:04d}",
            year=year,
            number=numbers[year],
            kind=kind,
            reported_by_id=first + i % people,
            reported_at=reported_at,
            happened_at=discovered_at - timedelta(minutes=rng.randint(0, 600)),
            discovered_at=discovered_at,
            description=f"Bench report {i}: what happened, in a sentence or two of detail.",
            personal_data="Names and addresses of members of the public.",
            people_affected=rng.randint(1, 300),
            last_activity_at=reported_at,
            line_manager=manager if routes[kind]["to_manager"] else None,
            **routes[kind],
        )

    with timed("create incidents", count, "incidents"):
        bulk_insert(Incident, count, incident)
    ReferenceCounter.objects.bulk_create(
        [ReferenceCounter(year=year, last=last) for year, last in numbers.items()]
    )

    to_dpo = list(
        Incident.objects.filter(to_dpo=True).order_by("pk").values_list("pk", "reported_at")
    )
    assessed = [row for row in to_dpo if rng.random() < ASSESSED]
    plans: list[tuple[int, datetime, str]] = []  # (incident, reported, outcome or verdict)
    for pk, reported_at in assessed:
        if rng.random() < BREACH_SHARE:
            recent = now - reported_at < timedelta(days=3)
            outcome = "undecided" if recent else _weighted(rng, OUTCOME_WEIGHTS)
            plans.append((pk, reported_at, outcome))
        else:
            plans.append((pk, reported_at, "not_breach" if rng.random() < 0.8 else "unknown"))

    def assessment(i: int) -> Assessment:
        pk, reported_at, plan = plans[i]
        row = Assessment(incident_id=pk, started_by=dpo, started_at=reported_at)
        if plan == "not_breach":
            row.is_breach = False
            row.not_breach_reasons = "No personal data left the organisation."
        if plan in ("not_breach", "unknown"):
            return row
        aware = reported_at + timedelta(minutes=rng.randint(10, 600))
        row.is_breach = True
        row.regime = Regime.DPA_PART_3 if rng.random() < 0.3 else Regime.UK_GDPR
        row.aware_at = aware
        row.ico_deadline_at = aware + timedelta(hours=72)
        row.risk = rng.choice([Risk.NONE, Risk.RISK, Risk.HIGH])
        row.risk_reasons = "Names and addresses went to one wrong recipient."
        row.data_categories = ["identifiers", "criminal"] if i % 3 else ["special"]
        row.people_count = rng.randint(1, 500)
        row.people_categories = ["customers"]
        row.containment_summary = "The recipient deleted it and confirmed in writing."
        if plan != "undecided":
            row.notify_ico = plan in ("notified", "late", "to_notify")
            row.notify_decided_at = aware + timedelta(hours=rng.randint(1, 60))
            row.notify_decided_by = dpo
            row.notify_reasons = "Victims' details in a criminal case."
        if plan in ("notified", "late"):
            hours = rng.randint(80, 200) if plan == "late" else rng.randint(2, 70)
            row.ico_notified_at = aware + timedelta(hours=hours)
            row.ico_reference = f"IC-{100000 + i}"
        if plan == "late":
            row.late_reasons = "The facts were not known until the fourth day."
        return row

    with timed("create assessments", len(plans), "assessments"):
        bulk_insert(Assessment, len(plans), assessment)
    told = list(
        Assessment.objects.filter(ico_notified_at__isnull=False).values_list(
            "incident_id", "ico_notified_at", "ico_reference"
        )
    )
    with timed("create reports to the ICO", len(told), "reports"):
        bulk_insert(
            IcoReport,
            len(told),
            lambda i: IcoReport(
                incident_id=told[i][0],
                stage=IcoReport.Stage.INITIAL,
                sent_at=told[i][1],
                ico_reference=told[i][2],
                summary="Initial report through the ICO's form.",
                recorded_by=dpo,
            ),
        )
    breached = list(
        Assessment.objects.filter(is_breach=True).values_list("incident_id", "aware_at")
    )
    with timed("create containment actions", len(breached), "actions"):
        bulk_insert(
            ContainmentAction,
            len(breached),
            lambda i: ContainmentAction(
                incident_id=breached[i][0],
                description="Ask the recipient to delete it and confirm in writing.",
                owner_id=first + i % people,
                due_at=breached[i][1] + timedelta(days=7),
                # Most are done; the newest are open (some due, for the clocks to remind).
                done_at=breached[i][1] + timedelta(days=5) if i < len(breached) * 0.9 else None,
                done_by_id=first + i % people if i < len(breached) * 0.9 else None,
                created_by=dpo,
            ),
        )
    counts = {
        plan: sum(1 for _, _, p in plans if p == plan)
        for plan in (*OUTCOME_WEIGHTS, "not_breach", "unknown")
    }
    print(
        f"  {count:,} incidents; {len(to_dpo):,} to the DPO; {len(plans):,} assessed: "
        + ", ".join(f"{plan} {n:,}" for plan, n in counts.items())
    )
    return {"dpo": dpo.pk, "year": timezone.localdate(now).year}


def _client(dpo_pk: int):
    from django.test import Client

    from portal.models import User
    from portal.testing.second_factor import session_verified

    client = Client()
    person = User.objects.get(pk=dpo_pk)
    client.force_login(person)
    session_verified(client, person)
    return client


def _fetch(client, path: str) -> tuple[int, int]:
    """GET `path`, reading a streamed answer to its end without keeping it: (status, bytes)."""
    response = client.get(path)
    if response.streaming:
        size = sum(len(chunk) for chunk in response.streaming_content)
    else:
        size = len(response.content)
    return response.status_code, size


def measure(label: str, run: Callable[[], object], repeat: int) -> None:
    """Best time of `repeat`, the queries of one run, and its peak Python memory."""
    from django.db import connection

    best = float("inf")
    result = None
    for _ in range(repeat):
        began = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - began)
    queries = [0]

    def count(execute, sql, params, many, context):
        queries[0] += 1
        return execute(sql, params, many, context)

    tracemalloc.start()
    with connection.execute_wrapper(count):
        run()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        f"  {label}: {best * 1000:,.0f} ms (best of {repeat}), {queries[0]} queries, "
        f"peak {peak / 2**20:,.1f} MB of Python memory; {result}",
        flush=True,
    )


def pages(scene: dict, repeat: int) -> None:
    from django.conf import settings
    from django.test.utils import override_settings
    from django.urls import reverse

    year = scene["year"]
    register = reverse("incidents:breach_register")
    export = reverse("incidents:breach_register_csv")
    with override_settings(ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"]):
        client = _client(scene["dpo"])
        client.get(register)  # warm: the organisation settings into the cache

        def get(path: str) -> Callable[[], str]:
            def run() -> str:
                status, size = _fetch(client, path)
                assert status == 200, (path, status)
                return f"{size / 1024:,.0f} KB"

            return run

        measure("breach register, first page", get(register), repeat)
        measure(
            "breach register, this year's told late",
            get(f"{register}?year={year}&outcome=late"),
            repeat,
        )
        # The test client keeps no template context outside tests: the link is read instead.
        found = re.search(r'rel="next" href="\?([^"]+)"', client.get(register).text)
        if found:
            next_page = f"{register}?{html.unescape(found.group(1))}"
            measure("breach register, next page", get(next_page), repeat)
        measure(f"breach register CSV, {year} only", get(f"{export}?year={year}"), repeat)
        measure("breach register CSV, every breach (streamed)", get(export), repeat)
        measure(f"DPO's incident figures, {year}", get(reverse("incidents:dpo_reports")), repeat)
        measure("DPO's queue", get(reverse("incidents:queue", args=["dpo"])), repeat)


def sweep() -> None:
    """The clocks' sweep, twice (the second time nothing is due), measured as the pages are:
    its peak Python memory under tracemalloc in a run rolled back (so that the timed run that
    follows has the same work to do, and the timing is not slowed by the tracing), then its
    time and queries."""
    from django.db import connection, transaction

    from incidents.services.clocks import incident_clocks_sweep

    queries = [0]

    def count(execute, sql, params, many, context):
        queries[0] += 1
        return execute(sql, params, many, context)

    for label in ("clocks sweep over every incident", "the same sweep again (nothing new due)"):
        with transaction.atomic():
            tracemalloc.start()
            try:
                incident_clocks_sweep()
                _, peak = tracemalloc.get_traced_memory()
            finally:
                tracemalloc.stop()
                transaction.set_rollback(True)
        queries[0] = 0
        with connection.execute_wrapper(count), timed(label):
            result = incident_clocks_sweep()
        print(
            f"    {queries[0]:,} queries; peak {peak / 2**20:,.1f} MB of Python memory; {result}",
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--incidents", type=int, default=50_000)
    parser.add_argument("--people", type=int, default=5_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each page, best kept")
    args = parser.parse_args()

    bench_setup("incidents")
    from django.db import connection

    print(f"bench_incidents: {args.incidents:,} incidents from {args.people:,} people")
    scene = seed(args.incidents, args.people)
    if connection.vendor == "postgresql":
        # Fresh statistics, as a database that has lived with its rows would have.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    pages(scene, args.repeat)
    sweep()


if __name__ == "__main__":
    main()
