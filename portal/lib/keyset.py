"""Pages of a long list by keyset ("the rows after this one"), not by number.

Django's Paginator counts every row (COUNT(*)) and skips to a page with OFFSET, so each page
costs the whole list: at 250,000 people that is most of a second. A keyset page asks only for
the rows after (or before) the row the reader last saw, in an order an index can serve, so
page 1 and page 5,000 cost the same few milliseconds and nothing is counted.

The order is a tuple of columns ending in a unique one, so that no two rows tie; its columns
must never be NULL (a comparison with NULL selects nothing). The row a page starts from travels
in the query string as a cursor signed with the site's key: a cursor that was altered, made for
another list or ordering, or is no longer understood gives the first page, never an error.
A cursor also carries how many rows come before it, so a page can say "51–100" without counting.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time
from typing import Any

from django.core import signing
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Model, Q, QuerySet

CURSOR_PARAMETER = "cursor"
_SALT = "portal.keyset"
_FORWARD, _BACKWARD = "n", "p"


class _Encoder(DjangoJSONEncoder):
    """Django's encoder, but times to the microsecond: Django's cuts them to the millisecond,
    and a cursor whose row is 0.4 ms later than it says comes back on the next page."""

    def default(self, o: Any) -> Any:
        if isinstance(o, datetime | time):
            return o.isoformat()
        return super().default(o)


class _Serializer:
    """JSON, with dates and times written as text (read back as text: a lookup on a date or
    time column accepts its ISO form)."""

    def dumps(self, obj: Any) -> bytes:
        return _Encoder(separators=(",", ":")).encode(obj).encode("latin-1")

    def loads(self, data: bytes) -> Any:
        return signing.JSONSerializer().loads(data)


@dataclass(frozen=True)
class KeysetPage:
    """One page: its rows, and cursors for the pages either side ("" when there is none)."""

    object_list: list[Any]
    next_cursor: str
    previous_cursor: str
    before: int  # rows before this page (as the cursor remembered it)

    @property
    def has_next(self) -> bool:
        return bool(self.next_cursor)

    @property
    def has_previous(self) -> bool:
        return bool(self.previous_cursor)

    @property
    def start_index(self) -> int:
        """The position of the first row, counting from 1."""
        return self.before + 1 if self.object_list else 0

    @property
    def end_index(self) -> int:
        return self.before + len(self.object_list)


def keyset_page(
    rows: QuerySet,
    *,
    ordering: Sequence[str],
    cursor: str | None,
    size: int,
    name: str,
) -> KeysetPage:
    """The page of `rows` that `cursor` points at (the first page when it is empty or not
    genuine), in `ordering` ("field", "-field" or "relation__field", the last one unique).
    `name` names the list, so that a cursor made for one list is refused by another. A cursor
    is made from the first and last rows' own values, so select_related what `ordering` reaches.
    One query; two when a cursor no longer leads anywhere (the first page is shown instead)."""
    salt = f"{_SALT}:{name}:{','.join(ordering)}"
    position = _read_cursor(cursor, salt, len(ordering))
    if position is None:
        return _first_page(rows, ordering, size, salt)
    direction, values, before = position
    backward = direction == _BACKWARD
    after = _beyond(ordering, values, backward=backward)
    found = list(rows.filter(after).order_by(*_order(ordering, reverse=backward))[: size + 1])
    more = len(found) > size
    found = found[:size]
    if backward:
        found.reverse()
        if not more and len(found) < size:
            # Back at the start, with rows removed since: the first page, full.
            return _first_page(rows, ordering, size, salt)
        before = max(before - len(found), 0) if more else 0
    if not found:
        return _first_page(rows, ordering, size, salt)
    return KeysetPage(
        object_list=found,
        next_cursor=(
            _cursor(salt, _FORWARD, found[-1], ordering, before + len(found))
            if more or backward
            else ""
        ),
        previous_cursor=(
            _cursor(salt, _BACKWARD, found[0], ordering, before) if more or not backward else ""
        ),
        before=before,
    )


def _first_page(rows: QuerySet, ordering: Sequence[str], size: int, salt: str) -> KeysetPage:
    found = list(rows.order_by(*_order(ordering))[: size + 1])
    more = len(found) > size
    found = found[:size]
    return KeysetPage(
        object_list=found,
        next_cursor=_cursor(salt, _FORWARD, found[-1], ordering, size) if more else "",
        previous_cursor="",
        before=0,
    )


def _order(ordering: Sequence[str], *, reverse: bool = False) -> list[str]:
    if not reverse:
        return list(ordering)
    return [field[1:] if field.startswith("-") else f"-{field}" for field in ordering]


def _beyond(ordering: Sequence[str], values: Sequence[Any], *, backward: bool) -> Q:
    """Rows after the cursor's row in `ordering` (before it, when `backward`): ties on the
    first columns are broken by the next ones, down to the unique last column."""
    fields = [field.lstrip("-") for field in ordering]
    comparisons = ["lt" if field.startswith("-") != backward else "gt" for field in ordering]
    condition = Q()
    for i, (field, comparison) in enumerate(zip(fields, comparisons, strict=True)):
        equal_before = {fields[j]: values[j] for j in range(i)}
        condition |= Q(**equal_before, **{f"{field}__{comparison}": values[i]})
    # The same bound on the first column alone, which an index on the ordering can start from
    # (the OR above alone would be read from the start of the index).
    return Q(**{f"{fields[0]}__{comparisons[0][:2]}e": values[0]}) & condition


def _value(row: Model, field: str) -> Any:
    value: Any = row
    for part in field.lstrip("-").split("__"):
        value = getattr(value, part)
    return value


def _cursor(salt: str, direction: str, row: Model, ordering: Sequence[str], before: int) -> str:
    values = [_value(row, field) for field in ordering]
    return signing.dumps(
        {"d": direction, "v": values, "b": before}, salt=salt, serializer=_Serializer
    )


def _read_cursor(cursor: str | None, salt: str, width: int) -> tuple[str, list, int] | None:
    """(direction, the row's values, rows before it), or None for no cursor or one that is not
    genuine or not understood."""
    if not cursor:
        return None
    try:
        data = signing.loads(cursor, salt=salt, serializer=_Serializer)
    except (signing.BadSignature, ValueError):
        return None
    if not isinstance(data, dict):
        return None
    direction, values, before = data.get("d"), data.get("v"), data.get("b")
    if (
        direction not in (_FORWARD, _BACKWARD)
        or not isinstance(values, list)
        or len(values) != width
        or any(value is None for value in values)
        or not isinstance(before, int)
    ):
        return None
    return direction, values, before
