"""Working through many rows safely, for periodic sweeps.

A sweep locks the rows of one batch (SKIP LOCKED, so a second sweep takes other rows rather than
waiting) and claims them with a conditional UPDATE on the values it read, in one transaction with
whatever the claim causes (outbox rows, audit events). A claim that finds rows changed under it
raises `SweepClaimConflict`: that batch rolls back whole and the next sweep, finding the rows
still due, does it then. Nothing is lost and nothing is done twice. A batch that fails with a
database error (a deadlock, a constraint) is rolled back, logged, and left for the next sweep in
the same way: one bad batch does not cost the rest of the run.
"""

import logging
from collections.abc import Callable
from typing import TypeVar

from django.db import DatabaseError, models, transaction

log = logging.getLogger(__name__)

M = TypeVar("M", bound=models.Model)


class SweepClaimConflict(Exception):
    """A row changed under a claim: the batch is rolled back and the next sweep retries it."""


def locked_batch(queryset: models.QuerySet[M], *, after_pk: int, size: int) -> list[M]:
    """The next `size` rows after `after_pk`, locked for this transaction; rows another
    transaction holds are left for it. Only the queryset's own table is locked (`of=self`), so
    rows it joins to (the person, the campaign) stay free for everyone else."""
    return list(
        queryset.filter(pk__gt=after_pk)
        .select_for_update(skip_locked=True, of=("self",))
        .order_by("pk")[:size]
    )


def in_locked_batches(
    queryset: models.QuerySet[M],
    handle: Callable[[list[M]], None],
    *,
    size: int,
    name: str,
) -> None:
    """Hand each locked batch to `handle` inside its own transaction, so a claim and what it
    causes commit together. A batch whose claim conflicts is rolled back whole, logged under
    `name`, and left for the next sweep (its rows still match, so nothing is lost)."""
    after = 0
    label = queryset.model._meta.verbose_name
    while True:
        fetched = False
        try:
            with transaction.atomic():
                rows = locked_batch(queryset, after_pk=after, size=size)
                if not rows:
                    return
                after, fetched = rows[-1].pk, True
                handle(rows)
        except SweepClaimConflict as exc:
            log.warning("%s: rows up to %s %s left for later: %s", name, label, after, exc)
        except DatabaseError:
            if not fetched:
                raise  # the batch could not even be read: nothing to skip past, so stop here
            log.exception("%s: rows up to %s %s failed and are left for later", name, label, after)
