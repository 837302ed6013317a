"""Template filters for lengths of time in words (portal.lib.durations)."""

from django import template

from portal.lib.durations import duration_in_words, seconds_in_words

register = template.Library()


@register.filter
def in_words_to_the_second(value) -> str:
    if value in (None, ""):
        return ""
    return seconds_in_words(value)


@register.filter
def in_words(value) -> str:
    if value in (None, ""):
        return ""
    return duration_in_words(value)
