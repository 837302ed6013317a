"""Accounts placed in time for the reminder tests: everything is counted from NOW, and each
test moves the sweep's clock with `now=`."""

from datetime import datetime, timedelta

from socialmedia.models import Account
from socialmedia.tests.factories import AccountFactory

NOW = datetime.fromisoformat("2026-03-10T12:00:00+00:00")
DAY = timedelta(days=1)


def rotation_due(*, since: timedelta, **fields) -> Account:
    """An active account whose password has been due for a change `since` before NOW, with its
    review far off."""
    return AccountFactory(
        rotation_due_since=NOW - since,
        rotation_due_reason="Sam Jones came off the team.",
        submitted_at=NOW - 100 * DAY,
        review_due_at=NOW + 60 * DAY,
        **fields,
    )


def review_due(*, ago: timedelta, **fields) -> Account:
    """An active account whose review fell due `ago` before NOW (negative: still to come)."""
    return AccountFactory(submitted_at=NOW - 100 * DAY, review_due_at=NOW - ago, **fields)
