"""The keys of the applications' emails: built once each, and never changed (a changed key
would send an email already sent again)."""

import ast
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

from socialmedia import outbox

SENT_AT = datetime(2025, 3, 4, 5, 6, 7, 890123, tzinfo=UTC)


def test_the_application_keys_are_unchanged():
    person = SimpleNamespace(pk=7)
    assert outbox.application_received_key(12, SENT_AT, person) == (
        "socialmedia:application_received:12:20250304T050607.890123Z:u7:"
    )
    assert outbox.application_received_key(12, SENT_AT, "ce@example.org") == (
        "socialmedia:application_received:12:20250304T050607.890123Z:mce@example.org:"
    )
    assert outbox.application_decided_key(3, person) == "socialmedia:application_decided:3:u7:"


def test_no_key_builder_is_defined_twice():
    # A second definition silently replaces the first for every caller: the first is then dead
    # code that reads as if it were used.
    tree = ast.parse(Path(outbox.__file__).read_text())
    names = Counter(node.name for node in tree.body if isinstance(node, ast.FunctionDef))
    assert [name for name, count in names.items() if count > 1] == []
