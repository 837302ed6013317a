"""Lengths of time in words: rounded to minutes, or to the second for short ones."""

from datetime import timedelta

import pytest

from portal.lib.durations import duration_in_words, seconds_in_words


@pytest.mark.parametrize(
    ("seconds", "words"),
    [
        (0, "0 seconds"),
        (1, "1 second"),
        (245, "4 minutes 5 seconds"),
        (3600, "1 hour"),
        (3725, "1 hour 2 minutes"),  # the largest two units: the seconds go
        (-5, "0 seconds"),
    ],
)
def test_seconds_in_words_counts_to_the_second(seconds, words):
    assert seconds_in_words(seconds) == words


def test_duration_in_words_rounds_to_minutes_and_is_never_nothing():
    assert duration_in_words(timedelta(seconds=20)) == "1 minute"
    assert duration_in_words(timedelta(hours=2, minutes=30)) == "2 hours 30 minutes"
