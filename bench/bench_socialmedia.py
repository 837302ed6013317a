"""Social media accounts at scale: 10,000 running accounts, each with a team of three and a
history of reviews, then the reminders sweep over them and an account's page.

    python -m bench.bench_socialmedia [--accounts 10000] [--repeat 3]

Builds people, accounts, teams and reviews in bulk. Then:
- the reminders sweep (`social_media_sweep`) with nothing due: every password changed, every
  review in the future (what it costs every fifteen minutes on a quiet day);
- the sweep sending a password change reminder for every account (a fifth of them also a review
  reminder, a tenth of them overdue to the Chief Executive), then again (nothing new due);
- an account's page, as its owner, with forty reviews (its cost does not grow with them);
- the Chief Executive's register, first page, and its CSV of every account.

The sweep's peak Python memory is measured under tracemalloc in a run rolled back, so the
timed run after it has the same work to do and is not slowed by the tracing.
"""

import argparse
import time
import tracemalloc
from collections.abc import Callable
from datetime import timedelta

from bench._common import bench_setup, bulk_insert, timed

TEAM = 3
REVIEWS_ON_PAGE_ACCOUNT = 40


def seed(count: int) -> dict:
    from django.contrib.auth.models import Group
    from django.utils import timezone

    from portal.models import User
    from portal.roles import Role
    from portal.testing.second_factor import authenticator_for
    from socialmedia.models import Account, Platform, Review, TeamMember

    now = timezone.now()
    chief = User.objects.create(email="bench-ce@example.org", full_name="Bench Chief Executive")
    chief.groups.add(Group.objects.get(name=Role.CHIEF_EXECUTIVE))
    authenticator_for(chief)
    people = count  # one owner per account, the team drawn from them
    with timed("create people", people, "people"):
        bulk_insert(
            User,
            people,
            lambda i: User(email=f"owner{i}@example.org", full_name=f"Owner {i}", password="!"),
        )
    first = User.objects.filter(email="owner0@example.org").values_list("pk", flat=True)[0]
    platforms = [p for p in Platform.values if p != Platform.OTHER]
    opened = now - timedelta(days=400)

    def account(i: int) -> Account:
        return Account(
            platform=platforms[i % len(platforms)],
            name=f"Bench account {i}",
            handle=f"@bench{i}",
            purpose="News of the Commissioner's work.",
            audience="People in the county.",
            website_link="https://www.example.org/",
            content_plan="Two posts a week.",
            applicant_id=first + i,
            owner_id=first + i,
            responsibilities_confirmed_at=opened,
            submitted_at=opened,
            status=Account.Status.ACTIVE,
            decided_at=opened,
            opened_at=opened,
            url=f"https://example.com/bench{i}",
            last_rotated_at=opened,
            last_reviewed_at=now - timedelta(days=30),
            review_due_at=now + timedelta(days=60),
        )

    with timed("create accounts", count, "accounts"):
        bulk_insert(Account, count, account)
    first_account = Account.objects.order_by("pk").values_list("pk", flat=True)[0]
    with timed("create teams", count * TEAM, "members"):
        bulk_insert(
            TeamMember,
            count * TEAM,
            lambda i: TeamMember(
                account_id=first_account + i // TEAM,
                user_id=first + (i // TEAM + i % TEAM) % people,
                added_at=opened,
                added_by_id=first + i // TEAM,
            ),
        )
    with timed("create reviews", count * 4, "reviews"):
        bulk_insert(
            Review,
            count * 4,
            lambda i: Review(
                account_id=first_account + i // 4,
                reviewed_by_id=first + i // 4,
                reviewed_at=opened + timedelta(days=90 * (i % 4 + 1)),
                accurate=True,
                links_back=True,
                team_right=True,
            ),
        )
    page_account = first_account
    bulk_insert(
        Review,
        REVIEWS_ON_PAGE_ACCOUNT,
        lambda i: Review(
            account_id=page_account,
            reviewed_by_id=first,
            reviewed_at=opened + timedelta(days=i),
            accurate=True,
            links_back=True,
            team_right=True,
        ),
    )
    return {"owner": first, "account": page_account, "first_account": first_account}


def _counting():
    queries = [0]

    def count(execute, sql, params, many, context):
        queries[0] += 1
        return execute(sql, params, many, context)

    return queries, count


def sweep(label: str) -> None:
    from django.db import connection, transaction

    from socialmedia.services.reminders import social_media_sweep

    with transaction.atomic():
        tracemalloc.start()
        try:
            social_media_sweep()
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
            transaction.set_rollback(True)
    queries, count = _counting()
    with connection.execute_wrapper(count), timed(label):
        result = social_media_sweep()
    print(
        f"    {queries[0]:,} queries; peak {peak / 2**20:,.1f} MB of Python memory; {result}",
        flush=True,
    )


def make_due(count: int, first_account: int) -> None:
    """Every password due for a change eight days ago; a fifth of the reviews due, half of
    those overdue."""
    from django.utils import timezone

    from socialmedia.models import Account

    now = timezone.now()
    Account.objects.update(
        rotation_due_since=now - timedelta(days=8), rotation_due_reason="The team changed."
    )
    Account.objects.filter(pk__lt=first_account + count // 10).update(
        review_due_at=now - timedelta(days=20)
    )
    Account.objects.filter(
        pk__gte=first_account + count // 10, pk__lt=first_account + count // 5
    ).update(review_due_at=now - timedelta(days=1))


def measure(label: str, run: Callable[[], object], repeat: int) -> None:
    from django.db import connection

    best = float("inf")
    result = None
    for _ in range(repeat):
        began = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - began)
    queries, count = _counting()
    with connection.execute_wrapper(count):
        run()
    print(
        f"  {label}: {best * 1000:,.0f} ms (best of {repeat}), {queries[0]} queries; {result}",
        flush=True,
    )


def pages(scene: dict, repeat: int) -> None:
    from django.conf import settings
    from django.test import Client
    from django.test.utils import override_settings
    from django.urls import reverse

    from portal.models import User

    with override_settings(ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"]):
        owner = Client()
        owner.force_login(User.objects.get(pk=scene["owner"]))

        def get(client: Client, path: str) -> Callable[[], str]:
            def run() -> str:
                response = client.get(path)
                assert response.status_code == 200, (path, response.status_code)
                content = (
                    b"".join(response.streaming_content) if response.streaming else response.content
                )
                return f"{len(content) / 1024:,.0f} KB"

            return run

        page = reverse("socialmedia:account", args=[scene["account"]])
        owner.get(page)  # warm: the organisation settings into the cache
        measure(
            f"an account's page, {REVIEWS_ON_PAGE_ACCOUNT + 4} reviews", get(owner, page), repeat
        )
        measure(
            "its review page",
            get(owner, reverse("socialmedia:review", args=[scene["account"]])),
            repeat,
        )
        register = reverse("socialmedia:register")
        export = reverse("socialmedia:register_csv")
        from portal.testing.second_factor import session_verified

        chief = Client()
        person = User.objects.get(email="bench-ce@example.org")
        chief.force_login(person)
        session_verified(chief, person)
        measure("the register, first page", get(chief, register), repeat)
        measure("the register CSV (streamed)", get(chief, export), repeat)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--accounts", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each page, best kept")
    args = parser.parse_args()

    bench_setup("socialmedia")
    from django.db import connection

    print(f"bench_socialmedia: {args.accounts:,} accounts")
    scene = seed(args.accounts)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    sweep("reminders sweep, nothing due")
    make_due(args.accounts, scene["first_account"])
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    sweep("reminders sweep, every password due (and a fifth of reviews)")
    sweep("the same sweep again (nothing new due)")
    pages(scene, args.repeat)


if __name__ == "__main__":
    main()
