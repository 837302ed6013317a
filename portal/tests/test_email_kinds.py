"""Every email the portal can send is declared, with what it is for, in its app's events.py:
so a reader can list them all (registry.email_kinds) and none appears without its words."""

import ast
from pathlib import Path

from django.apps import apps
from django.conf import settings

from portal.registry import registry

TEMPLATES = Path(settings.BASE_DIR) / "templates"


def _our_source_files():
    for config in apps.get_app_configs():
        root = Path(config.path)
        if not root.is_relative_to(settings.BASE_DIR) or ".venv" in root.parts:
            continue
        for path in root.rglob("*.py"):
            if "tests" not in path.parts and "migrations" not in path.parts:
                yield path


def _kinds_passed_as_text():
    """Messages queued with their kind written out as a string instead of a declared constant."""
    for path in _our_source_files():
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call):
                continue
            called = getattr(node.func, "id", "") or getattr(node.func, "attr", "")
            if called not in {"Message", "notification_queue"}:
                continue
            kind = next((k.value for k in node.keywords if k.arg == "template"), None)
            if kind is None and len(node.args) > 1:
                kind = node.args[1]
            if isinstance(kind, ast.Constant):
                yield f"{path.relative_to(settings.BASE_DIR)}:{node.lineno}: {kind.value!r}"


def test_every_message_names_its_kind_by_a_declared_constant():
    assert not list(_kinds_passed_as_text())


def test_every_email_on_disk_is_a_declared_kind_with_a_label():
    on_disk = {
        f"{subject.parent.parent.name}.{subject.name.removesuffix('_subject.txt')}"
        for subject in TEMPLATES.glob("*/emails/*_subject.txt")
    }
    assert on_disk == set(registry.email_kinds)
    assert all(label and label != kind for kind, label in registry.email_kinds.items())


def test_every_declared_kind_has_a_subject_a_text_and_an_html_body():
    for kind in registry.email_kinds:
        app_label, name = kind.split(".")
        folder = TEMPLATES / app_label / "emails"
        for suffix in ("_subject.txt", ".txt", ".html"):
            assert (folder / f"{name}{suffix}").exists(), f"{kind}: {name}{suffix}"
