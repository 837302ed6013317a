"""Annual campaign: open a declaration campaign to every member of staff and ask them all.

    python -m bench.bench_campaign_open [--people 250000] [--batch 1000]

Builds the people in bulk, publishes a policy version and opens a campaign through the services,
then times `campaign_enrol` (what the Celery task runs after the campaign opens): one obligation
and one queued email per person, in batches of fixed size. Running it again, when nobody is
missing, should cost next to nothing.
"""

import argparse
from datetime import timedelta

from bench._common import bench_setup, bulk_insert, peak_memory_mb, timed
from bench._declarations import draft_campaign


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=250_000)
    parser.add_argument("--batch", type=int, default=1000)
    args = parser.parse_args()

    bench_setup("campaign_open")
    from django.utils import timezone

    from declarations.models import Obligation
    from declarations.services.campaigns import campaign_enrol, campaign_open
    from portal.models import Department, EmploymentType, Notification, User

    print(f"bench_campaign_open: {args.people:,} people, batches of {args.batch:,}")
    departments = [
        Department.objects.create(code=f"B{i:02d}", name=f"Bench department {i}") for i in range(20)
    ]
    admin = User.objects.create(email="bench-admin@example.org", full_name="Bench Admin")
    types = list(EmploymentType.values)
    with timed("create people", args.people, "people"):
        bulk_insert(
            User,
            args.people,
            lambda i: User(
                email=f"staff{i}@example.org",
                full_name=f"Staff Member {i}",
                staff_number=f"B{i:07d}",
                department=departments[i % len(departments)],
                employment_type=types[i % len(types)],
                politically_restricted=i % 3 != 0,
                password="!",
            ),
        )

    now = timezone.now()
    _, _, campaign = draft_campaign(
        admin, opens_at=now - timedelta(minutes=1), due_at=now + timedelta(days=28)
    )
    with timed("campaign_open (the service; enrolment follows as a task)"):
        campaign = campaign_open(campaign=campaign, by=admin)

    before = peak_memory_mb()
    with timed("campaign_enrol: obligations and emails queued", args.people + 1, "people"):
        asked = campaign_enrol(campaign=campaign, batch_size=args.batch)
    # Constant memory means the peak hardly moves, whatever --people is.
    print(f"  peak memory: {before:,.0f} MB before enrolment, {peak_memory_mb():,.0f} MB after")
    obligations = Obligation.objects.filter(campaign=campaign).count()
    emails = Notification.objects.filter(dedup_key__startswith="decl-opened:").count()
    print(f"  asked {asked:,}; obligations {obligations:,}; emails queued {emails:,}")
    assert asked == obligations == emails == args.people + 1, (asked, obligations, emails)

    with timed("campaign_enrol again (nobody missing)"):
        again = campaign_enrol(campaign=campaign, batch_size=args.batch)
    assert again == 0, again


if __name__ == "__main__":
    main()
