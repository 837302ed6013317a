"""The signing form's "I have read" ticks, each shown beneath its own policy's text, and a
time on screen in words."""

from django import forms, template

from declarations.models import duration_text

register = template.Library()


@register.filter
def tick_field(form: forms.Form, version_pk: int) -> forms.BoundField:
    return form.tick_field(version_pk)


@register.filter
def duration(seconds: int) -> str:
    """ "4 minutes 5 seconds"."""
    return duration_text(seconds)
