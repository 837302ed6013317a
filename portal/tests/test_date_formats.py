"""Dates are written one way everywhere: the formats set once, and a guard that no template
spells out a format of its own."""

import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template
from django.utils import translation

from portal.lib.uktime import clock, long_date, long_datetime, short_date

DAY = date(2026, 12, 1)
WINTER = datetime(2026, 12, 1, 18, 38, tzinfo=UTC)  # 18:38 GMT
SUMMER = datetime(2026, 7, 1, 8, 5, tzinfo=UTC)  # 09:05 BST

NAMED = {
    "DATE_FORMAT",
    "DATETIME_FORMAT",
    "SHORT_DATE_FORMAT",
    "SHORT_DATETIME_FORMAT",
    "TIME_FORMAT",
}


def _render(source: str, **context) -> str:
    return Template(source).render(Context(context))


@pytest.mark.parametrize("language", ["en-gb", None])
def test_each_format_writes_dates_the_portals_way_with_or_without_a_language(language):
    # Django's own en_GB formats ("1 Dec 2026", "6:38 p.m.") must not win over the portal's.
    with translation.override(language):
        assert _render("{{ d|date }}", d=DAY) == "1 December 2026"
        assert _render('{{ d|date:"SHORT_DATE_FORMAT" }}', d=DAY) == "1 Dec 2026"
        assert _render('{{ t|date:"DATETIME_FORMAT" }}', t=WINTER) == "1 December 2026, 18:38"
        assert _render('{{ t|date:"SHORT_DATETIME_FORMAT" }}', t=WINTER) == "1 Dec 2026, 18:38"
        assert _render("{{ t|time }}", t=WINTER) == "18:38"


def test_templates_show_instants_in_uk_time_summer_and_winter():
    assert _render('{{ t|date:"DATETIME_FORMAT" }}', t=SUMMER) == "1 July 2026, 09:05"
    assert _render("{{ t|time }}", t=SUMMER) == "09:05"


def test_a_date_on_its_own_in_a_template_is_written_the_long_way():
    # {{ value }} with no filter is localised with DATE_FORMAT too.
    assert _render("{{ d }}", d=DAY) == "1 December 2026"


def test_python_writes_dates_for_people_the_same_way_as_templates():
    assert long_date(DAY) == "1 December 2026"
    assert short_date(DAY) == "1 Dec 2026"
    assert long_datetime(WINTER) == "1 December 2026, 18:38"
    assert long_datetime(SUMMER) == "1 July 2026, 09:05"
    assert clock(SUMMER) == "09:05"


# `|date:"j M Y"`, `|time:'H:i'`: a format written out in a template, not one of the names.
_SPELT_OUT = re.compile(r"""\|\s*(?:date|time)\s*:\s*["']([^"']*)["']""")


def _template_files() -> list[Path]:
    root = Path(settings.BASE_DIR)
    files = [p for p in (root / "templates").rglob("*") if p.is_file()]
    # Templates that live inside an app (its templates/ folder) count too.
    files += [
        p
        for p in root.glob("*/templates/**/*")
        if p.is_file() and ".venv" not in p.parts and "node_modules" not in p.parts
    ]
    return files


def test_the_guard_finds_a_format_spelt_out_in_a_template():
    assert _SPELT_OUT.findall('{{ x|date:"j M Y" }} {{ y|time:"H:i" }} {{ z|date }}') == [
        "j M Y",
        "H:i",
    ]


def test_no_template_spells_out_a_date_format_of_its_own():
    stray = [
        f"{path.relative_to(settings.BASE_DIR)}: {fmt!r}"
        for path in _template_files()
        for fmt in _SPELT_OUT.findall(path.read_text(encoding="utf-8", errors="replace"))
        if fmt not in NAMED
    ]
    assert stray == [], (
        'Use the named formats (|date, |date:"SHORT_DATETIME_FORMAT", |time …; see '
        "portal/formats/en_GB/formats.py) rather than spelling one out: " + "; ".join(stray)
    )
