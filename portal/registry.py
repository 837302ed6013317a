"""How apps plug into the portal.

Each app's `AppConfig.ready()` tells the portal, explicitly (like `admin.site.register`), what it
adds: a dashboard panel, its menu entries, its demo loader, what it does when someone leaves,
what it adds to a person's page, and the audit events and emails it can produce. The portal
reads only this registry, so it never imports an app, and adding an app needs no edit here.

Nothing is loaded by name: apps hand over functions and classes they have imported themselves.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Protocol

from django.db.models import TextChoices
from django.urls import reverse

if TYPE_CHECKING:
    from portal.access import AnyUser, AuthenticatedRequest
    from portal.models import User

# The same function a view's decorator uses (see portal.access.access_required), so the menu
# can never offer a page that would answer 403.
AccessTest = Callable[["AnyUser"], bool]
# A panel or a section: (template, context) to include, or None when there is nothing to show.
Fragment = tuple[str, dict[str, Any]] | None


class LeaverHook(Protocol):
    def __call__(self, *, user: User, by: User | None) -> None: ...


class DemoLoad(Protocol):
    def __call__(self, *, log: Callable[[str], Any]) -> None: ...


class Section(StrEnum):
    """Where a menu entry sits. Entries for everyone sit on the bar itself; the rest are grouped
    in two menus, so a person with several roles still sees a short bar."""

    BAR = ""
    POLICY_ADMIN = "Policy administration"
    ADMINISTRATION = "Administration"


@dataclass(frozen=True)
class MenuEntry:
    label: str
    url_name: str
    allowed: AccessTest
    section: Section = Section.BAR
    order: int = 100


@dataclass(frozen=True)
class Panel:
    """A dashboard panel: `build(request)` returns the fragment, in a fixed number of queries."""

    name: str
    build: Callable[[AuthenticatedRequest], Fragment]
    order: int = 100


@dataclass(frozen=True)
class PersonSection:
    """What an app shows on a person's page (to a system administrator): `build(request,
    person)` returns the fragment, or None when it has nothing on them."""

    title: str
    build: Callable[[AuthenticatedRequest, User], Fragment]
    order: int = 100


@dataclass(frozen=True)
class DemoLoader:
    """`load(log=...)` must be idempotent and may rely on loaders with a lower order."""

    name: str
    load: DemoLoad
    order: int


@dataclass(frozen=True)
class ObjectKind:
    """How the audit trail names and links an object of one model (`app_label.model`)."""

    model: str
    noun: str
    url: Callable[[str], str] | None = None
    allowed: AccessTest | None = None


@dataclass
class MenuGroup:
    section: Section
    entries: list[tuple[str, str]]  # (label, url)


@dataclass
class Registry:
    panels: list[Panel] = field(default_factory=list)
    menu: list[MenuEntry] = field(default_factory=list)
    demo_loaders: list[DemoLoader] = field(default_factory=list)
    leaver_hooks: list[LeaverHook] = field(default_factory=list)
    person_sections: list[PersonSection] = field(default_factory=list)
    object_kinds: dict[str, ObjectKind] = field(default_factory=dict)
    audit_verbs: dict[str, str] = field(default_factory=dict)
    email_kinds: dict[str, str] = field(default_factory=dict)

    # --- what apps call from ready() ---
    # Registering the same thing again changes nothing: Django may run ready() more than once
    # (a test that changes INSTALLED_APPS does).

    def register_panel(self, panel: Panel) -> None:
        _add(self.panels, panel)

    def register_menu(self, *entries: MenuEntry) -> None:
        for entry in entries:
            _add(self.menu, entry)

    def register_demo_loader(self, loader: DemoLoader) -> None:
        if any(d.order == loader.order and d != loader for d in self.demo_loaders):
            raise ValueError(f"Two demo loaders with order {loader.order}: give each its own.")
        _add(self.demo_loaders, loader)

    def register_leaver_hook(self, hook: LeaverHook) -> None:
        if hook not in self.leaver_hooks:
            self.leaver_hooks.append(hook)

    def register_person_section(self, section: PersonSection) -> None:
        _add(self.person_sections, section)

    def register_object_kind(self, kind: ObjectKind) -> None:
        self.object_kinds[kind.model] = kind

    def register_audit_verbs(self, verbs: type[TextChoices]) -> None:
        """An app's audit events: a TextChoices of `"noun.verb"` values with plain labels."""
        self._add_choices(self.audit_verbs, verbs, "audit event")

    def register_email_kinds(self, kinds: type[TextChoices]) -> None:
        """An app's emails: a TextChoices of template names with what each email is for."""
        self._add_choices(self.email_kinds, kinds, "email")

    @staticmethod
    def _add_choices(into: dict[str, str], choices: type[TextChoices], what: str) -> None:
        for value, label in choices.choices:
            if into.get(value, label) != label:
                raise ValueError(f"The {what} {value!r} is declared twice with different labels.")
            into[value] = str(label)

    # --- what the portal reads ---

    def menu_for(self, user: User) -> list[MenuGroup]:
        """The entries this person may open, grouped by section in a fixed order (the bar
        first). Every page runs this, so an access test must not query per call: read what the
        request has already loaded (the roles are read once; "has reports?" once, and cached)."""
        groups = {section: MenuGroup(section, []) for section in Section}
        for entry in self.menu:
            if entry.allowed(user):
                groups[entry.section].entries.append((entry.label, reverse(entry.url_name)))
        return [group for group in groups.values() if group.entries]

    def verb_label(self, verb: str) -> str:
        return self.audit_verbs.get(verb, verb)

    def call_leaver_hooks(self, *, user: User, by: User | None) -> None:
        for hook in self.leaver_hooks:
            hook(user=user, by=by)

    def run_demo_loaders(self, *, log: Callable[[str], Any]) -> None:
        for loader in self.demo_loaders:
            loader.load(log=log)

    def build(
        self, items: Iterable[Panel | PersonSection], *args: Any
    ) -> list[tuple[str, dict[str, Any]]]:
        """The fragments of panels or sections that have something to show."""
        return [fragment for item in items if (fragment := item.build(*args)) is not None]


def _add(items: list, item: Any) -> None:
    if item not in items:
        items.append(item)
        # Stable: entries with the same order keep the order they were registered in.
        items.sort(key=lambda i: i.order)


registry = Registry()
