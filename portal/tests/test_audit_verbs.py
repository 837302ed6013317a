"""Every audit event the code can record has a plain label, declared in its app's events.py.

The check reads the source rather than running it, so an event written on a rare path (a
failed import, an escalation) is caught as surely as sign-in. It looks at what is passed as
`verb` to anything (audit_record, AuditDraft, the services that pass it on, and the queries
that look for it), at AuditDraft's first argument, at defaults of parameters called `verb`, and
at assignments to a name `verb`.
"""

import ast
import importlib
from pathlib import Path

from django.apps import apps
from django.conf import settings

from portal.registry import registry

BASE_DIR = Path(settings.BASE_DIR)


def _project_sources() -> list[Path]:
    """The non-test Python files of the portal and of every app installed from this project."""
    files = []
    for config in apps.get_app_configs():
        root = Path(config.path)
        if not root.is_relative_to(BASE_DIR) or ".venv" in root.parts:
            continue
        files += [
            path
            for path in root.rglob("*.py")
            if "tests" not in path.relative_to(root).parts and path.name != "conftest.py"
        ]
    return sorted(set(files))


class _Verbs(ast.NodeVisitor):
    """Collects (line, verb) for each verb it can read, and (line, why) for each it cannot."""

    def __init__(self, tree: ast.Module):
        self.found: list[tuple[int, str]] = []
        self.unreadable: list[tuple[int, str]] = []
        self.imported: dict[str, tuple[str, str | None]] = {}
        self.module_values: dict[str, ast.expr] = {}
        for node in tree.body:
            if isinstance(node, ast.ImportFrom) and node.module and not node.level:
                for alias in node.names:
                    self.imported[alias.asname or alias.name] = (node.module, alias.name)
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    self.imported[alias.asname or alias.name] = (alias.name, None)
            elif isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        self.module_values[target.id] = node.value
        self.visit(tree)

    def visit_Call(self, node: ast.Call) -> None:
        for keyword in node.keywords:
            if keyword.arg == "verb":
                self._read(keyword.value)
        name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
        if name == "AuditDraft" and node.args:
            self._read(node.args[0])
        self.generic_visit(node)

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        arguments = node.args
        positional = arguments.posonlyargs + arguments.args
        with_defaults = positional[len(positional) - len(arguments.defaults) :]
        pairs = list(zip(with_defaults, arguments.defaults, strict=True))
        pairs += [
            (a, d) for a, d in zip(arguments.kwonlyargs, arguments.kw_defaults, strict=True) if d
        ]
        for argument, default in pairs:
            if argument.arg == "verb":
                self._read(default)
        self.generic_visit(node)

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Assign(self, node: ast.Assign) -> None:
        if any(isinstance(t, ast.Name) and t.id == "verb" for t in node.targets):
            self._read(node.value)
        self.generic_visit(node)

    def _read(self, value: ast.expr) -> None:
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            self.found.append((value.lineno, value.value))
        elif isinstance(value, ast.IfExp):
            self._read(value.body)
            self._read(value.orelse)
        elif isinstance(value, ast.Name):
            if value.id in self.module_values:
                self._read(self.module_values[value.id])
            elif value.id in self.imported:
                self._resolve(value, [value.id])
            # Otherwise a parameter or a local passing on a verb: its values are read where
            # they are written (the call's keyword, the parameter's default, the assignment).
        elif isinstance(value, ast.Attribute):
            path = _dotted(value)
            if path and path[0] in self.imported:
                self._resolve(value, path)
            elif path and path[0] in self.module_values:
                self.unreadable.append((value.lineno, ast.unparse(value)))
            # Otherwise an attribute of a local object (draft.verb), passing on a verb.
        elif _built_at_run_time(value):
            self.unreadable.append((value.lineno, ast.unparse(value)))
        # Anything else (a value from a form, a model field's definition) names no event here.

    def _resolve(self, node: ast.expr, path: list[str]) -> None:
        """A constant imported from elsewhere, such as PortalEvent.USER_SIGNED_IN."""
        module_name, attribute = self.imported[path[0]]
        try:
            target = importlib.import_module(module_name)
            if attribute is not None:
                target = getattr(target, attribute)
            for part in path[1:]:
                target = getattr(target, part)
        except (ImportError, AttributeError):
            self.unreadable.append((node.lineno, ast.unparse(node)))
            return
        if isinstance(target, str):
            self.found.append((node.lineno, str(target)))
        else:
            self.unreadable.append((node.lineno, ast.unparse(node)))


def _built_at_run_time(node: ast.expr) -> bool:
    """f"user.{what}", "user." + what, "user.%s" % what, "user.{}".format(what)."""
    if isinstance(node, ast.JoinedStr | ast.BinOp):
        return True
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Constant)
        and isinstance(node.func.value.value, str)
    )


def _dotted(node: ast.expr) -> list[str] | None:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    return [node.id, *reversed(parts)]


def _verbs_in(source: str) -> _Verbs:
    return _Verbs(ast.parse(source))


def _problems() -> tuple[set[str], list[str]]:
    seen, problems = set(), []
    for path in _project_sources():
        verbs = _verbs_in(path.read_text())
        where = path.relative_to(BASE_DIR)
        for line, verb in verbs.found:
            seen.add(verb)
            if verb not in registry.audit_verbs:
                problems.append(f"{where}:{line}: {verb!r} has no label in an app's events.py")
        for line, text in verbs.unreadable:
            problems.append(f"{where}:{line}: cannot tell which event {text} is; use a constant")
    return seen, problems


def test_every_audit_event_the_code_can_record_has_a_plain_label():
    seen, problems = _problems()
    assert not problems, "\n".join(problems)
    # The scan must be finding the events, not passing because it finds none.
    assert {"user.signed_in", "user.sign_in_failed", "declaration.signed"} <= seen
    assert {"user.session_expired", "user.signed_out", "user.imported"} <= seen
    assert len(seen) >= 40


def test_the_check_finds_an_event_written_without_a_label():
    verbs = _verbs_in(
        "from portal.services.audit import AuditDraft, audit_record\n"
        "audit_record(verb='widget.frobbed', obj=None)\n"
        "AuditDraft('widget.bulk_frobbed')\n"
        "def service(*, verb='widget.defaulted'):\n"
        "    verb = 'widget.left' if verb else 'widget.right'\n"
    )
    assert [verb for _, verb in verbs.found] == [
        "widget.frobbed",
        "widget.bulk_frobbed",
        "widget.defaulted",
        "widget.left",
        "widget.right",
    ]
    assert not set(dict(verbs.found).values()) & set(registry.audit_verbs)


def test_the_check_reads_an_event_constant_and_refuses_a_name_built_at_run_time():
    verbs = _verbs_in(
        "from portal.events import PortalEvent\n"
        "audit_record(verb=PortalEvent.USER_SIGNED_IN)\n"
        "audit_record(verb=PortalEvent.NO_SUCH_EVENT)\n"
        "audit_record(verb=f'user.{what}')\n"
    )
    assert [verb for _, verb in verbs.found] == ["user.signed_in"]
    assert [text for _, text in verbs.unreadable] == [
        "PortalEvent.NO_SUCH_EVENT",
        "f'user.{what}'",
    ]


def test_every_event_reads_as_a_noun_and_a_verb_with_words_of_its_own():
    assert registry.audit_verbs
    for verb, label in registry.audit_verbs.items():
        noun, _, action = verb.partition(".")
        assert noun, verb
        assert action, verb
        assert " " not in verb, verb
        assert label.strip(), verb
        assert label != verb, verb


def test_the_audit_trail_shows_an_events_label_and_an_unknown_event_as_it_was_recorded():
    assert registry.verb_label("user.signed_in") == "Signed in"
    assert registry.verb_label("declaration.signature_refused").startswith("Signature refused")
    assert registry.verb_label("retired.event") == "retired.event"
