"""Hostile input for any form, and the rule every page keeps with it: whatever is typed, pasted
or crafted, the page saves it or shows the form again with its errors, never a server error.

    @fuzzes(PolicyForm)
    @given(data=st.data())
    @FUZZ
    def test_the_new_policy_page_takes_any_input(client, policy_admin, data):
        client.force_login(policy_admin)
        answer = submit(client, "post", url, data.draw(form_data(PolicyForm())))
        assert_calm(answer)

Each value is drawn from what a browser would send for the field (a real choice, a date in the
field's format) or from what nobody should (control characters, NUL bytes, huge strings, numbers
past any column's range, impossible dates, unknown choices, lists where one value belongs). A
field may also be left out. `portal/tests/test_form_fuzz.py` fails if a form in the project is
not covered by some `@fuzzes`.
"""

import importlib
import pkgutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from django import forms
from django.apps import apps
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

# Small enough that every form in the project is fuzzed in a minute or two; each run draws
# new examples, so over many runs far more are tried.
FUZZ = settings(
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Answers that mean "saved" (a redirect) or "shown again with what is wrong".
CALM_ANSWERS = frozenset({200, 302, 303, 400})

_NASTY = [
    "\x00",
    "a\x00b",
    "\x00" * 50,
    "\x1b[31m",
    "\u202e\u2066",
    "\ufeff",
    "\r\n\r\nBcc: x@example.org",
    "<script>alert(1)</script>",
    "<svg onload=alert(1)>",
    "' OR 1=1 --",
    '"; DROP TABLE portal_user; --',
    '=HYPERLINK("https://example.org")',
    "{{ 7|add:7 }}{% debug %}",
    "../../../../etc/passwd",
    "%00%0d%0a",
    "\U0001f600" * 30,
    "\U0010ffff",
    "   ",
    "",
    "-1",
    "0",
    "1.5",
    "2147483648",
    "-2147483649",
    "9223372036854775808",
    "9" * 5000,
    "1e308",
    "NaN",
    "-inf",
    "²",
    "٣",
    "2026-02-30",
    "0000-00-00",
    "0001-01-01",
    "9999-12-31",
    "10000-01-01",
    "31/12/9999",
    "2026-13-45T25:61",
    "0001-01-01T00:00",
    "9999-12-31T23:59",
    "true",
    "on",
    "None",
    "null",
    "[]",
    '{"a": [1, {"b": null}]}',
]

_ANY_TEXT = st.characters(exclude_categories=["Cs"])  # surrogates cannot be sent as UTF-8
hostile_text = st.one_of(
    st.sampled_from(_NASTY),
    st.text(_ANY_TEXT, max_size=200),
    st.text(st.characters(max_codepoint=0x1F), min_size=1, max_size=20),
    st.builds(
        lambda unit, times: unit * times,
        st.sampled_from(["x", "é", "\x00", "9", "\U0001f600 "]),
        st.sampled_from([256, 1001, 100_000]),
    ),
    st.integers().map(str),
    st.floats().map(str),
)


def _choice_values(field: forms.ChoiceField) -> list[str]:
    values: list[str] = []
    for value, label in field.choices:  # type: ignore[union-attr,misc]
        if isinstance(label, list | tuple):  # a group of choices
            values.extend(str(v) for v, _ in label)
        else:
            values.append(str(value))
    return values


def _upload_names() -> st.SearchStrategy[str]:
    # The test client writes the name into the multipart header as it is, so quotes and line
    # ends would break its framing rather than test the portal.
    stem = st.text(
        st.characters(exclude_categories=["Cs", "Cc"], exclude_characters='"\\/'),
        min_size=1,
        max_size=120,
    )
    extension = st.sampled_from([".csv", ".png", ".jpg", ".pdf", ".html", ".svg", ".exe", ""])
    return st.builds(lambda s, e: s + e, stem, extension)


_FILE_CONTENTS = st.one_of(
    st.binary(max_size=2000),
    st.sampled_from(
        [
            b"",
            b"\x00" * 100,
            b"\x89PNG\r\n\x1a\n<script>alert(1)</script>",
            b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
            b"<html><script>alert(1)</script></html>",
            b"%PDF-1.7\n<script>alert(1)</script>",
            b"staff_number,full_name,email\r\nS1,\x00,a@example.org\r\n",
            b"staff_number,full_name,email\r\nS1,=cmd|' /C calc'!A0,a@example.org\r\n",
            b"\xef\xbb\xbfstaff_number,full_name,email\r\n" + b"S,\xff\xfe,x\r\n",
        ]
    ),
    st.text(_ANY_TEXT, max_size=500).map(str.encode),
)


def hostile_upload() -> st.SearchStrategy[SimpleUploadedFile]:
    return st.builds(
        lambda name, content, kind: SimpleUploadedFile(name, content, content_type=kind),
        _upload_names(),
        _FILE_CONTENTS,
        st.sampled_from(["image/png", "text/csv", "application/pdf", "text/html", ""]),
    )


def _chosen(field: forms.ChoiceField | forms.ModelChoiceField) -> st.SearchStrategy[Any]:
    if isinstance(field, forms.ModelChoiceField):  # before ChoiceField: it is one too
        assert field.queryset is not None
        pks = [str(pk) for pk in field.queryset.values_list("pk", flat=True)[:20]]
        pk = st.sampled_from(pks) if pks else st.integers().map(str)
        if isinstance(field, forms.ModelMultipleChoiceField):
            return st.lists(st.one_of(pk, hostile_text), max_size=6)
        return pk
    if isinstance(field, forms.ChoiceField):
        values = _choice_values(field)
        one = st.sampled_from(values) if values else hostile_text
        if isinstance(field, forms.MultipleChoiceField):
            return st.lists(st.one_of(one, hostile_text), max_size=6)
        return one
    raise TypeError(field)


def _plausible(field: forms.Field) -> st.SearchStrategy[Any]:
    """What a browser would send for this field, give or take."""
    if isinstance(field, forms.FileField):
        return hostile_upload()
    if isinstance(field, forms.BooleanField):
        return st.sampled_from(["on", "", "false", "0"])
    if isinstance(field, forms.ChoiceField | forms.ModelChoiceField):
        return _chosen(field)
    if isinstance(field, forms.DateTimeField):
        formats = list(field.input_formats or ["%Y-%m-%d %H:%M"])
        return st.builds(
            lambda day, minutes, fmt: (
                datetime.combine(day, datetime.min.time()) + timedelta(minutes=minutes)
            ).strftime(fmt),
            st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 30)),
            st.integers(0, 24 * 60 - 1),
            st.sampled_from(formats),
        )
    if isinstance(field, forms.DateField):
        return st.dates().map(date.isoformat)
    if isinstance(field, forms.IntegerField):
        return st.integers().map(str)
    if isinstance(field, forms.EmailField):
        return st.emails()
    return st.text(_ANY_TEXT, max_size=getattr(field, "max_length", None) or 300)


def field_value(field: forms.Field) -> st.SearchStrategy[Any]:
    """A value for one field: plausible, hostile, or a list where one value belongs."""
    return st.one_of(
        _plausible(field),
        _plausible(field),
        hostile_text,
        st.lists(hostile_text, min_size=2, max_size=4),
    )


_LEFT_OUT = object()


def form_data(
    form: forms.BaseForm, *, fixed: dict[str, Any] | None = None
) -> st.SearchStrategy[dict[str, Any]]:
    """POST or GET data for `form`'s fields (by their HTML names), any of them left out;
    `fixed` values are always sent as given (a hidden token the page itself needs)."""
    fixed = fixed or {}
    parts = {
        form.add_prefix(name): st.one_of(st.just(_LEFT_OUT), field_value(field))
        for name, field in form.fields.items()
        if form.add_prefix(name) not in fixed
    }
    return st.fixed_dictionaries(parts).map(
        lambda drawn: {
            **{name: value for name, value in drawn.items() if value is not _LEFT_OUT},
            **fixed,
        }
    )


@contextmanager
def undone() -> Iterator[None]:
    """What happens inside is rolled back: each example starts from the same rows, and a
    database error in one (which would poison the transaction) is reported as itself."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def submit(
    client: Client,
    method: str,
    url: str,
    data: dict[str, Any],
    *,
    follow: bool = False,
    **headers: str,
) -> Any:
    """One request, undone afterwards; with `follow`, the page a save leads to as well (a
    draft's preview, say, which shows what was saved)."""
    if method == "get":
        # gunicorn refuses a request line over 4 KB (limit_request_line): no longer query
        # reaches the portal, so none is sent here.
        data = {name: _shortened(value) for name, value in data.items()}
    send = client.get if method == "get" else client.post
    with undone():
        return send(url, data, follow=follow, headers=headers)


def _shortened(value: Any) -> Any:
    if isinstance(value, list):
        return [_shortened(v) for v in value]
    return value[:600] if isinstance(value, str) else value


def assert_calm(response: Any) -> None:
    assert response.status_code in CALM_ANSWERS, (
        f"{response.status_code} from {response.wsgi_request.method} "
        f"{response.wsgi_request.get_full_path()[:300]}"
    )


# ---- Which forms are covered -------------------------------------------------------------

FUZZED: set[type[forms.BaseForm]] = set()


def fuzzes(*form_classes: type[forms.BaseForm]) -> Callable[[Callable], Callable]:
    """Marks a test as the fuzz test of these forms (for the coverage check)."""
    FUZZED.update(form_classes)

    def decorator(test: Callable) -> Callable:
        return test

    return decorator


_NOT_IMPORTED = {"tests", "testing", "migrations", "settings", "settings_test", "wsgi", "asgi"}


def project_apps() -> list:
    base = Path(django_settings.BASE_DIR).resolve()
    return [
        config
        for config in apps.get_app_configs()
        if Path(config.path).resolve().is_relative_to(base)
        # A virtualenv inside the checkout (.venv) holds other people's apps, not ours.
        and "site-packages" not in Path(config.path).resolve().parts
        and ".tests." not in config.name
    ]


def project_form_classes() -> set[type[forms.BaseForm]]:
    """Every form class the project's own code defines, after importing all of it."""
    names = {config.name for config in project_apps()}
    for config in project_apps():
        module = importlib.import_module(config.name)
        for info in pkgutil.walk_packages(module.__path__, prefix=f"{config.name}."):
            if _NOT_IMPORTED.isdisjoint(info.name.split(".")):
                importlib.import_module(info.name)
    found: set[type[forms.BaseForm]] = set()
    pending: list[type] = [forms.BaseForm]
    while pending:
        cls = pending.pop()
        for sub in cls.__subclasses__():
            pending.append(sub)
            if sub.__module__.split(".")[0] in names and _NOT_IMPORTED.isdisjoint(
                sub.__module__.split(".")
            ):
                found.add(sub)
    return found
