"""How the portal writes dates and times: one way everywhere, set here once.

Long forms are for prose ("due by 1 December 2026, 18:00"), short forms for tables, where a
column of "1 Dec 2026, 18:38" lines up and fits a phone. Django's own en_GB formats (its
DATE_FORMAT is "j M Y", its times "6 p.m.") would otherwise win over the settings of the same
name, because a locale's formats come first; FORMAT_MODULE_PATH puts this module before them.
Whatever is not set here (input formats, the first day of the week) is Django's en_GB.

Templates use the names only (`|date`, `|date:"SHORT_DATETIME_FORMAT"`, `|time`);
portal/tests/test_date_formats.py fails on a template that spells out a format of its own.
"""

DATE_FORMAT = "j F Y"  # 1 December 2026
DATETIME_FORMAT = "j F Y, H:i"  # 1 December 2026, 18:38
TIME_FORMAT = "H:i"  # 18:38
SHORT_DATE_FORMAT = "j M Y"  # 1 Dec 2026
SHORT_DATETIME_FORMAT = "j M Y, H:i"  # 1 Dec 2026, 18:38
YEAR_MONTH_FORMAT = "F Y"  # December 2026
MONTH_DAY_FORMAT = "j F"  # 1 December
