"""How apps plug into the portal.

Each app's `AppConfig.ready()` tells the portal, explicitly (like `admin.site.register`), what it
adds: a dashboard panel, its menu entries, its demo loader, what it does when someone leaves or
when people join or change, what it adds to a person's page, the audit events and emails it can
produce, and how long its records are kept (its retention rules). The portal reads only this
registry, so it never imports an app, and adding an app needs no edit here.

Nothing is loaded by name: apps hand over functions and classes they have imported themselves.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import urlsplit

from django.db.models import Model, QuerySet, TextChoices
from django.urls import Resolver404, resolve, reverse

if TYPE_CHECKING:
    from portal.access import AnyUser, AuthenticatedRequest
    from portal.models import User

# The same function a view's decorator uses (see portal.access.access_required), so the menu
# can never offer a page that would answer 403.
AccessTest = Callable[["AnyUser"], bool]
# A panel or a section: (template, context) to include, or None when there is nothing to show.
Fragment = tuple[str, dict[str, Any]] | None

# A notification whose link opens a page no app has named: still says where it goes.
GENERIC_LINK_LABEL = "Go to the page this message is about"


class LeaverHook(Protocol):
    def __call__(self, *, user: User, by: User | None) -> None: ...


class PeopleChangedHook(Protocol):
    """Called after people were added or changed in bulk (a staff import), once the change is
    committed: an app brings what it keeps per person up to date (declarations asks newcomers
    to sign the open campaigns). It must be quick: queue the work, do not do it."""

    def __call__(self) -> None: ...


class DemoLoad(Protocol):
    def __call__(self, *, log: Callable[[str], Any]) -> None: ...


class Section(StrEnum):
    """Where a menu entry sits. Entries for everyone sit on the bar itself; the rest are grouped
    in two menus, so a person with several roles still sees a short bar."""

    BAR = ""
    POLICY_ADMIN = "Policy administration"
    DATA_PROTECTION = "Data protection"
    # The reports the helpdesk, Professional Standards and the Chief Executive deal with.
    INCIDENT_QUEUES = "Incident queues"
    # The Chief Executive's and delegates' decisions, social media register and permissions.
    CHIEF_EXECUTIVE = "Chief Executive"
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


@dataclass(frozen=True)
class RetentionRule:
    """How long one kind of record is kept, and how it is disposed of when that time is up.

    `key` names the kind in the organisation's settings and in the audit trail (never change
    it); `label` says in plain words what is kept; the organisation may set any period from
    `minimum_months` up, starting from `default_months`. `model` (`app_label.model`) is what a
    hold on one record of this kind names.

    The portal's disposal sweep calls `due(cut_off)` for the rows whose period ran out before
    the instant `cut_off` (a queryset of `model`, without those already disposed of), and hands
    `dispose` one locked batch of them at a time, in the transaction that records it; `dispose`
    removes what the rows hold (files too) and returns how many it disposed of. Rows under a
    portal hold never reach it. `held`, when given, is the app's own holds: from a queryset of
    due rows, those it must keep.

    A kind of record that is never disposed of here (append-only evidence) says why in
    `kept_because` and has no `due` or `dispose`: the settings page shows the reason.
    """

    key: str
    label: str
    default_months: int = 72
    model: str = ""
    due: Callable[[datetime], QuerySet[Any]] | None = None
    dispose: Callable[[list[Any]], int] | None = None
    held: Callable[[QuerySet[Any]], QuerySet[Any]] | None = None
    # From when the period runs, in words: "after the file was uploaded".
    counted_from: str = ""
    kept_because: str = ""
    minimum_months: int = 12
    order: int = 100

    def __post_init__(self) -> None:
        disposes = self.due is not None and self.dispose is not None and bool(self.model)
        if disposes == bool(self.kept_because):
            raise ValueError(
                f"Retention rule {self.key!r}: give either model, due and dispose, or "
                "kept_because (why it is never disposed of)."
            )
        if self.default_months < self.minimum_months:
            raise ValueError(f"Retention rule {self.key!r}: the default is below the minimum.")

    @property
    def disposes(self) -> bool:
        return not self.kept_because


def _instance_key(obj: Model) -> str:
    return obj._meta.label_lower


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
    people_changed_hooks: list[PeopleChangedHook] = field(default_factory=list)
    person_sections: list[PersonSection] = field(default_factory=list)
    object_kinds: dict[str, ObjectKind] = field(default_factory=dict)
    audit_verbs: dict[str, str] = field(default_factory=dict)
    email_kinds: dict[str, str] = field(default_factory=dict)
    # What a notification's button says, by the name of the page its link opens.
    link_labels: dict[str, str] = field(default_factory=dict)
    retention: dict[str, RetentionRule] = field(default_factory=dict)

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

    def register_people_changed_hook(self, hook: PeopleChangedHook) -> None:
        if hook not in self.people_changed_hooks:
            self.people_changed_hooks.append(hook)

    def register_person_section(self, section: PersonSection) -> None:
        _add(self.person_sections, section)

    def register_object_kind(self, kind: ObjectKind) -> None:
        self.object_kinds[kind.model] = kind

    def register_retention_rule(self, rule: RetentionRule) -> None:
        """How long one kind of record is kept (see RetentionRule)."""
        known = self.retention.get(rule.key)
        if known is not None and known.label != rule.label:
            raise ValueError(f"The retention rule {rule.key!r} is registered twice.")
        self.retention[rule.key] = rule
        self.retention = dict(sorted(self.retention.items(), key=lambda item: item[1].order))

    def register_audit_verbs(self, verbs: type[TextChoices]) -> None:
        """An app's audit events: a TextChoices of `"noun.verb"` values with plain labels."""
        self._add_choices(self.audit_verbs, verbs, "audit event")

    def register_email_kinds(self, kinds: type[TextChoices]) -> None:
        """An app's emails: a TextChoices of template names with what each email is for."""
        self._add_choices(self.email_kinds, kinds, "email")

    def register_link_labels(self, labels: dict[str, str]) -> None:
        """What a button opening each of an app's pages says ("Read and sign the declaration"),
        by URL name ("declarations:sign"). A notification keeps only its link, not the kind of
        email it was, so its button is named from the page the link opens."""
        for url_name, label in labels.items():
            if self.link_labels.get(url_name, label) != label:
                raise ValueError(f"The link label for {url_name!r} is registered twice.")
            self.link_labels[url_name] = label

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

    def retention_rules(self) -> list[RetentionRule]:
        """Every kind of record, in the order the settings page lists them."""
        return list(self.retention.values())

    def retention_rules_for(self, obj: Model) -> list[RetentionRule]:
        """The rules that dispose of records of `obj`'s model."""
        return [rule for rule in self.retention.values() if rule.model == _instance_key(obj)]

    def link_label(self, path: str) -> str:
        """What a button opening `path` (a path within the portal) says: the label the page's
        app registered, or a plain fallback for a page with none (or one no longer there)."""
        try:
            view_name = resolve(urlsplit(path).path).view_name
        except Resolver404:
            return GENERIC_LINK_LABEL
        return self.link_labels.get(view_name, GENERIC_LINK_LABEL)

    def verb_label(self, verb: str) -> str:
        return self.audit_verbs.get(verb, verb)

    def call_leaver_hooks(self, *, user: User, by: User | None) -> None:
        for hook in self.leaver_hooks:
            hook(user=user, by=by)

    def call_people_changed_hooks(self) -> None:
        for hook in self.people_changed_hooks:
            hook()

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
