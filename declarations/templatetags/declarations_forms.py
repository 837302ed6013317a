"""The signing form's "I have read" ticks, each shown beneath its own policy's text."""

from django import forms, template

register = template.Library()


@register.filter
def tick_field(form: forms.Form, version_pk: int) -> forms.BoundField:
    return form.tick_field(version_pk)
