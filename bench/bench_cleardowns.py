"""Clear-down sweep: 10,000 approved chat groups of 10 members each come due at once; one sweep
opens their periods and prompts every member through the outbox.

    python -m bench.bench_cleardowns [--groups 10000] [--members 10] [--batch 200]

Builds people, groups and memberships in bulk, then times `clear_downs_sweep` (what the beat's
Celery task runs): one cycle per group, one prompt per member, 110,000 emails rendered and
queued, in batches of fixed size. Reports the time, the peak memory, and the queries each batch
costs (the same whatever its size, but for the outbox's inserts of 500 rows). A second sweep,
with nothing due, should cost next to nothing. Must finish in under 2 minutes on one worker.
"""

import argparse
import math
from datetime import date, time, timedelta

from bench._common import bench_setup, bulk_insert, peak_memory_mb, timed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--groups", type=int, default=10_000)
    parser.add_argument("--members", type=int, default=10)
    parser.add_argument("--batch", type=int, default=200)
    args = parser.parse_args()

    bench_setup("cleardowns")
    from django.db import connection

    from groups.models import ChatGroup, ClearDownCycle, ClearDownPrompt, Membership
    from groups.schedule import Schedule
    from groups.services.cleardowns import clear_downs_sweep
    from portal.models import Notification, User

    groups, members = args.groups, args.members
    print(f"bench_cleardowns: {groups:,} groups of {members} members, batches of {args.batch}")
    with timed("create people", groups * members, "people"):
        bulk_insert(
            User,
            groups * members,
            lambda i: User(email=f"member{i}@example.org", full_name=f"Member {i}", password="!"),
        )
    first_user = User.objects.order_by("pk").values_list("pk", flat=True).first()
    assert first_user is not None
    schedule = Schedule(anchor=date(2026, 11, 30), at=time(10, 0), interval_days=7)
    now = schedule.slot(1) + timedelta(minutes=5)  # Monday 7 December 2026, 10:05
    with timed("create groups", groups, "groups"):
        bulk_insert(
            ChatGroup,
            groups,
            lambda i: ChatGroup(
                name=f"Bench group {i}",
                platform="whatsapp",
                purpose="Arranging cover at short notice.",
                audience="A team.",
                will_post="Shift changes.",
                never_post="Operational details.",
                why_not_corporate="Away from a desk.",
                expected_size=members,
                admin_id=first_user + i * members,
                applicant_id=first_user + i * members,
                status=ChatGroup.Status.APPROVED,
                approved_at=now - timedelta(days=30),
                cycle_anchor=schedule.anchor,
                cleardown_time=schedule.at,
                next_cycle_at=schedule.slot(1),
            ),
        )
    group_ids = list(ChatGroup.objects.order_by("pk").values_list("pk", flat=True))
    with timed("create memberships", groups * members, "memberships"):
        bulk_insert(
            Membership,
            groups * members,
            lambda i: Membership(group_id=group_ids[i // members], user_id=first_user + i),
        )

    queries = [0]

    def count(execute, sql, params, many, context):
        queries[0] += 1
        return execute(sql, params, many, context)

    before = peak_memory_mb()
    with (
        connection.execute_wrapper(count),
        timed("clear_downs_sweep: periods opened and members prompted", groups, "groups"),
    ):
        result = clear_downs_sweep(now=now, batch_size=args.batch)
    after = peak_memory_mb()
    batches = math.ceil(groups / args.batch)
    assert result.prompted == groups, result
    assert ClearDownCycle.objects.count() == groups
    assert ClearDownPrompt.objects.count() == groups * members
    queued = Notification.objects.count()
    assert queued == groups * (members + 1), queued
    print(f"  prompts: {groups * members:,}; emails queued: {queued:,}")
    print(
        f"  queries: {queries[0]:,} in {batches} batches "
        f"({queries[0] / batches:.1f} a batch of {args.batch} groups, "
        f"{args.batch * (members + 1)} emails)"
    )
    print(f"  peak memory: {before:,.0f} MB before the sweep, {after:,.0f} MB after")

    queries[0] = 0
    with connection.execute_wrapper(count), timed("the same sweep again (nothing due)"):
        again = clear_downs_sweep(now=now + timedelta(minutes=5), batch_size=args.batch)
    assert again.prompted == 0, again
    print(f"  queries: {queries[0]}")


if __name__ == "__main__":
    main()
