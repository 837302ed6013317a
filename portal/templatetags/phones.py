"""Telephone numbers as links a phone can dial: `href="tel:{{ number|tel }}"`.

Numbers are kept as people write them ("+44 (0)121 626 8344"); a dialler wants digits only,
with the leading + of an international number, and without the "(0)" that people write after
+44 but that must not be dialled from abroad (nor is it part of the number)."""

import re

from django import template

register = template.Library()

_UK_TRUNK_ZERO = re.compile(r"^\+\s*44\s*\(\s*0\s*\)")


@register.filter
def tel(value) -> str:
    """The number to dial: its digits, after a + if it starts with one."""
    text = _UK_TRUNK_ZERO.sub("+44", str(value or "").strip())
    digits = re.sub(r"\D", "", text)
    return f"+{digits}" if digits and text.startswith("+") else digits
