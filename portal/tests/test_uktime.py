from datetime import UTC, date, datetime

from portal.lib.uktime import (
    days_overdue,
    end_of_day,
    local_text,
    local_text_for_rows,
    start_of_day,
)


def test_a_day_starts_and_ends_in_uk_time_whatever_the_season():
    assert start_of_day(date(2026, 1, 15)) == datetime(2026, 1, 15, 0, 0, tzinfo=UTC)
    assert start_of_day(date(2026, 7, 15)) == datetime(2026, 7, 14, 23, 0, tzinfo=UTC)
    assert end_of_day(date(2026, 1, 15)) == datetime(2026, 1, 15, 23, 59, tzinfo=UTC)
    assert end_of_day(date(2026, 7, 15)) == datetime(2026, 7, 15, 22, 59, tzinfo=UTC)


def test_days_overdue_counts_uk_calendar_days_across_the_clock_change():
    due = end_of_day(date(2026, 3, 28))  # the Saturday before the clocks go forward
    assert days_overdue(due, due) == 0
    assert days_overdue(due, end_of_day(date(2026, 3, 30))) == 2


def test_local_text_writes_uk_wall_clock_time_and_nothing_for_no_instant():
    assert local_text(datetime(2026, 7, 1, 8, 30, tzinfo=UTC)) == "2026-07-01 09:30"
    assert local_text(datetime(2026, 7, 1, 8, 30, tzinfo=UTC), "%H:%M %Z") == "09:30 BST"
    assert local_text(None) == ""


def test_local_text_for_rows_writes_what_local_text_writes():
    summer, winter = (
        datetime(2026, 7, 1, 8, 30, tzinfo=UTC),
        datetime(2026, 12, 1, 8, 30, tzinfo=UTC),
    )
    for fmt in ("%Y-%m-%d %H:%M", "%Y-%m-%d", "%H:%M %Z"):
        text = local_text_for_rows(fmt)
        assert [text(summer), text(winter), text(None)] == [
            local_text(summer, fmt),
            local_text(winter, fmt),
            "",
        ]
    assert local_text_for_rows()(summer) == "2026-07-01 09:30"


def test_local_text_for_rows_can_name_the_zone_to_tell_the_autumn_hour_apart():
    # 01:30 happens twice on 25 October 2026: first in BST (00:30 UTC), then in GMT.
    first, second = (
        datetime(2026, 10, 25, 0, 30, tzinfo=UTC),
        datetime(2026, 10, 25, 1, 30, tzinfo=UTC),
    )
    text = local_text_for_rows(with_zone=True)
    assert [text(first), text(second), text(None)] == [
        "2026-10-25 01:30 BST",
        "2026-10-25 01:30 GMT",
        "",
    ]
    # Other exports are left as they were.
    assert local_text_for_rows()(first) == local_text_for_rows()(second) == "2026-10-25 01:30"
