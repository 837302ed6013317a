"""The whole portal's access table, and the walk that holds every route of the URL map to it.

Each app declares its routes in `<app>/tests/routes.py` (the portal's own in
portal/tests/routes.py), found through INSTALLED_APPS so that nothing in `portal` names an app:

    ROUTES = {
        "widgets:list": Entry(get=everyone(200), post=everyone(405)),
        "widgets:approve": Entry(
            get=only(Role.DPO, answer=405), post=only(Role.DPO, answer=302),
            form=lambda scene: {"reason": "Checked"}, model=Widget,
        ),
    }

    def scene(people: People) -> dict[str, dict]:
        "The objects its routes need, made with the factories: each route's address arguments."
        widget = WidgetFactory(owner=people.owner)
        return {"widgets:approve": {"pk": widget.pk}}

Every person below is asked every route, by GET and by POST (a route's `form`, a valid one, is
sent with its POST): anonymous; the owner of the scene's objects (alice, ordinary staff); her line
manager (bob); a non-owner (charlie, ordinary staff in another department); someone with the
Django admin flag and no role; and one person for each role. Each request runs in a savepoint
rolled back afterwards, so every cell starts from the same database; a refused cell must also
leave every table as it found it.
"""

import copy
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from importlib import import_module
from typing import Any, cast

from django import forms
from django.apps import apps
from django.db import connection, models, transaction
from django.http import HttpResponseBase
from django.test import Client
from django.urls import reverse

from portal.models import User
from portal.roles import Role
from portal.testing.security_headers import named_routes

# Not signed in: sent to the sign-in page.
SIGN_IN = "sign in"
Answer = int | str
Rule = Callable[["Persona"], Answer]
REFUSALS = frozenset({403, 404, 405, SIGN_IN})


@dataclass(frozen=True)
class Persona:
    name: str
    roles: frozenset[Role] = frozenset()
    anonymous: bool = False
    owner: bool = False  # owns the scene's objects (alice)
    line_manager: bool = False  # the owner's line manager (bob)
    admin_flag: bool = False  # is_staff: the Django admin flag, without a role

    def __str__(self) -> str:
        return self.name


ANONYMOUS = Persona("anonymous", anonymous=True)
OWNER = Persona("owner (alice)", owner=True)
LINE_MANAGER = Persona("line manager (bob)", line_manager=True)
NON_OWNER = Persona("non-owner (charlie)")
ADMIN_FLAG = Persona("admin flag, no role", admin_flag=True)
PERSONAS = (
    ANONYMOUS,
    OWNER,
    LINE_MANAGER,
    NON_OWNER,
    ADMIN_FLAG,
    *(Persona(str(role), roles=frozenset({role})) for role in Role),
)


# The rules a table is written in: each says what every person gets.


def public(answer: Answer) -> Rule:
    """The same for everyone, signed in or not."""
    return lambda persona: answer


def everyone(answer: Answer, *, anonymous: Answer = SIGN_IN) -> Rule:
    """Everyone signed in gets `answer`."""
    return lambda persona: anonymous if persona.anonymous else answer


def only(*roles: Role, answer: Answer, others: Answer = 403, anonymous: Answer = SIGN_IN) -> Rule:
    """Holders of one of `roles` get `answer`; everyone else signed in gets `others`."""
    allowed = frozenset(roles)

    def rule(persona: Persona) -> Answer:
        if persona.anonymous:
            return anonymous
        return answer if persona.roles & allowed else others

    return rule


def owner_only(answer: Answer, *, others: Answer = 404, anonymous: Answer = SIGN_IN) -> Rule:
    """The owner of the object gets `answer`; everyone else signed in gets `others` (404: they
    must not learn it exists)."""
    return lambda p: anonymous if p.anonymous else answer if p.owner else others


def line_managers(answer: Answer, *, others: Answer = 403, anonymous: Answer = SIGN_IN) -> Rule:
    return lambda p: anonymous if p.anonymous else answer if p.line_manager else others


def either(first: Rule, second: Rule, *, unless: Answer) -> Rule:
    """`first`'s answer, except where it is `unless`: there, `second`'s."""
    return lambda p: second(p) if first(p) == unless else first(p)


@dataclass(frozen=True)
class Entry:
    get: Rule
    post: Rule
    # A valid form for the POST, built from the scene (its objects' ids), so that a refusal is
    # tested against a request that would otherwise change something.
    form: Callable[[Mapping[str, Any]], dict[str, Any]] | None = None
    # The kind of object the address's `pk` names: tried with ids of other kinds (404).
    model: type[models.Model] | None = None
    # Sent as a multipart upload (a file in the form).
    multipart: bool = False
    # The POST ends the asker's session: its sign-in page is the answer, not a refusal.
    signs_out: bool = False

    def refuses(self, method: str, persona: Persona, answer: Answer) -> bool:
        if self.signs_out and method == "post" and not persona.anonymous:
            return False
        return answer in REFUSALS


@dataclass
class People:
    """One person for each persona, made once for the walk."""

    by_persona: dict[Persona, User | None] = field(default_factory=dict)

    def __getitem__(self, persona: Persona) -> User | None:
        return self.by_persona[persona]

    @property
    def owner(self) -> User:
        person = self.by_persona[OWNER]
        assert person is not None
        return person

    def holding(self, role: Role) -> User:
        person = next(p for persona, p in self.by_persona.items() if persona.roles == {role})
        assert person is not None
        return person


@dataclass(frozen=True)
class Table:
    entries: dict[str, Entry]
    scenes: list[Callable[[People], dict[str, dict[str, Any]]]]


def _table_modules() -> Iterator[Any]:
    for config in apps.get_app_configs():
        try:
            yield import_module(f"{config.name}.tests.routes")
        except ModuleNotFoundError as missing:
            if missing.name not in (f"{config.name}.tests", f"{config.name}.tests.routes"):
                raise


def load_table() -> Table:
    """Every app's entries, each route declared once."""
    entries: dict[str, Entry] = {}
    scenes = []
    for module in _table_modules():
        twice = set(entries) & set(module.ROUTES)
        assert not twice, f"declared twice: {sorted(twice)}"
        entries.update(module.ROUTES)
        scenes.append(module.scene)
    return Table(entries, scenes)


def walked_route_names() -> list[str]:
    """Every named route but the Django admin's own, which have their test
    (portal/tests/test_admin_access.py)."""
    return [r.name for r in named_routes() if not r.name.startswith("admin:")]


def undeclared_routes(entries: Mapping[str, Entry]) -> list[str]:
    return [name for name in walked_route_names() if name not in entries]


def _person(**fields: Any) -> User:
    from portal.tests.factories import UserFactory

    return cast(User, UserFactory(**fields))


def make_people() -> People:
    from portal.tests.factories import DepartmentFactory

    office = DepartmentFactory(code="MTX", name="Matrix office")
    bob = _person(full_name="Bob Manager", department=office)
    people = People()
    people.by_persona = {
        ANONYMOUS: None,
        OWNER: _person(full_name="Alice Staff", department=office, line_manager=bob),
        LINE_MANAGER: bob,
        NON_OWNER: _person(
            full_name="Charlie Outsider", department=DepartmentFactory(code="MTF", name="Finance")
        ),
        ADMIN_FLAG: _person(full_name="Flagged Only", is_staff=True),
    }
    for persona in PERSONAS:
        if persona.roles:
            people.by_persona[persona] = _person(full_name=persona.name, roles=persona.roles)
    return people


# What a refused request must not change: every table, compared as text, except what any
# request touches: the session's expiry (renewed by every request) and its encoding (signed
# with the time), and the "last seen" of the person's session record.
_VOLATILE = {
    "django_session": {"expire_date", "session_data"},
    "portal_usersession": {"last_seen_at", "ip_address"},
}


def _snapshot_sql() -> str:
    parts = []
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy or not model._meta.managed:
            continue
        table = model._meta.db_table
        columns = [
            f.column
            for f in model._meta.concrete_fields
            if f.column not in _VOLATILE.get(table, set())
        ]
        row = "ROW(" + ", ".join(connection.ops.quote_name(c) for c in columns) + ")::text"
        # A sum of row hashes: the same whatever order the rows come in, with no sort. The
        # names are the models' own, never input.
        quoted = connection.ops.quote_name(table)
        fingerprint = f"count(*) || ':' || coalesce(sum(hashtextextended({row}, 0)), 0)"
        parts.append(f"SELECT '{table}', {fingerprint} FROM {quoted}")  # noqa: S608
    return " UNION ALL ".join(sorted(set(parts)))


def snapshot() -> dict[str, str]:
    """A fingerprint of every table's rows: how many, and a hash of their contents."""
    with connection.cursor() as cursor:
        cursor.execute(_snapshot_sql())
        return dict(cursor.fetchall())


def answer_of(response: HttpResponseBase) -> Answer:
    if response.status_code == 302 and response["Location"].startswith(reverse("login")):
        return SIGN_IN
    return response.status_code


@dataclass
class Cell:
    persona: Persona
    method: str
    name: str
    url: str
    expected: Answer
    got: Answer
    changed: list[str]

    def __str__(self) -> str:
        problem = f"got {self.got}" if self.got != self.expected else ""
        if self.changed:
            problem += (", and " if problem else "") + f"changed {', '.join(self.changed)}"
        return (
            f"{self.persona}: {self.method.upper()} {self.name} ({self.url}) "
            f"expected {self.expected}, {problem}"
        )


def ask(
    client: Client,
    method: str,
    url: str,
    data: Mapping[str, Any] | None,
    *,
    multipart: bool = False,
    inspect: Callable[[HttpResponseBase], Any] | None = None,
) -> tuple[HttpResponseBase, Any]:
    """One request, in a savepoint rolled back afterwards (and the client's cookies put back as
    they were), so that it leaves nothing behind for the next. `inspect` is called with the
    response before the rollback."""
    cookies = copy.deepcopy(client.cookies)
    try:
        with transaction.atomic():
            if method == "post" and not multipart:
                response = client.post(url, data or {})
            else:
                response = getattr(client, method)(url, data or {})
            seen = inspect(response) if inspect else None
            transaction.set_rollback(True)
    finally:
        client.cookies = cookies
    return response, seen


def clients_for(people: People) -> dict[Persona, Client]:
    """Each person signed in on their own client, both steps done."""
    clients = {}
    for persona, person in people.by_persona.items():
        client = Client()
        if person is not None:
            client.force_login(person)
        clients[persona] = client
    return clients


def walk(table: Table, clients: Mapping[Persona, Client], arguments: Mapping) -> list[Cell]:
    """Ask every route of the table, by both methods, as every person; return the wrong cells."""
    baseline = snapshot()
    problems = []
    for name, entry in table.entries.items():
        kwargs = arguments.get(name)
        url = reverse(name, kwargs=kwargs or None)
        for method in ("get", "post"):
            rule = entry.get if method == "get" else entry.post
            for persona, client in clients.items():
                # Built for each request: a form's file is read by the request that sends it.
                data = entry.form(arguments) if (entry.form and method == "post") else None
                expected = rule(persona)
                refused = entry.refuses(method, persona, expected)
                response, after = ask(
                    client,
                    method,
                    url,
                    data,
                    multipart=entry.multipart,
                    inspect=(lambda _r: snapshot()) if refused else None,
                )
                got = answer_of(response)
                changed = [t for t in baseline if after and after[t] != baseline[t]]
                if got != expected or changed:
                    problems.append(Cell(persona, method, name, url, expected, got, changed))
    return problems


# Mass assignment: a valid POST with fields the form does not have must do exactly what the
# valid POST does. Both are run (each rolled back, with the sequences put back, so new rows get
# the same ids) and every row compared column by column; a column that differs between two runs
# of the very same POST (a time, a hash chained on it, a random salt) is not compared.


def _sequences() -> list[tuple[str, int | None]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT quote_ident(schemaname) || '.' || quote_ident(sequencename), last_value"
            " FROM pg_sequences WHERE schemaname = current_schema()"
        )
        return cursor.fetchall()


def _sequences_restore(saved: list[tuple[str, int | None]]) -> None:
    # setval is outside transactions: a rolled-back request still moved the sequences on.
    with connection.cursor() as cursor:
        for name, value in saved:
            if value is None:
                cursor.execute("SELECT setval(%s, 1, false)", [name])
            else:
                cursor.execute("SELECT setval(%s, %s, true)", [name, value])


# Sessions have random keys, and what a page keeps in one (its messages) is not a record.
_NOT_RECORDS = {"django_session", "portal_usersession"}


def every_row() -> dict[tuple[str, Any, str], Any]:
    """Every value in the database, by (table, primary key, column)."""
    values = {}
    with connection.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            if model._meta.proxy or not model._meta.managed:
                continue
            if model._meta.db_table in _NOT_RECORDS:
                continue
            table, pk = model._meta.db_table, model._meta.pk.column
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            names = [column.name for column in cursor.description]
            for row in cursor.fetchall():
                record = dict(zip(names, row, strict=True))
                for name, value in record.items():
                    values[(table, record[pk], name)] = value
    return values


def _differences(first: Mapping, second: Mapping) -> set[tuple[str, Any, str]]:
    return {key for key in first.keys() | second.keys() if first.get(key) != second.get(key)}


def _extra_value(model_field: models.Field, other: User) -> Any:
    if model_field.choices:
        return str(list(model_field.flatchoices)[-1][0])
    if isinstance(model_field, models.ForeignKey):
        if model_field.related_model is User:
            return other.pk
        related_model = model_field.related_model
        assert not isinstance(related_model, str)
        related = related_model._default_manager.order_by("-pk").first()
        return related.pk if related else 1
    if isinstance(model_field, models.BooleanField):
        return "on"
    if isinstance(model_field, models.DateTimeField):
        return "2001-02-03T04:05"
    if isinstance(model_field, models.DateField):
        return "2001-02-03"
    if isinstance(model_field, models.IntegerField | models.DecimalField | models.FloatField):
        return "999"
    if isinstance(model_field, models.JSONField):
        return '{"mass": "assigned"}'
    return "MASS-ASSIGNED"


def form_fields(response: HttpResponseBase) -> set[str]:
    """The names of the fields of every form on a page (a tick box left unticked is one, though
    a valid POST leaves it out)."""
    names: set[str] = set()
    for context in getattr(response, "context", None) or []:
        for value in context.flatten().values():
            if isinstance(value, forms.BaseForm):
                names |= {value.add_prefix(name) for name in value.fields}
    return names


def extras(entry: Entry, form: Mapping[str, Any], other: User) -> dict[str, Any]:
    """Fields no form of the portal offers, and the object's own fields its form leaves out,
    each with a value that would show if it were taken. `form` has every field of the page's
    form, filled in or not."""
    chosen: dict[str, Any] = {
        "is_staff": "on",
        "is_superuser": "on",
        "is_active": "on",
        "groups": [group.pk for group in apps.get_model("auth", "Group").objects.all()],
        "pk": other.pk,
        "id": other.pk,
        "owner": other.pk,
        "user": other.pk,
        "created_by": other.pk,
        "uploaded_by": other.pk,
        "recipient": other.pk,
        "actor": other.pk,
        "status": "approved",
    }
    if entry.model is not None:
        for model_field in entry.model._meta.concrete_fields:
            if model_field.name not in form and not isinstance(model_field, models.FileField):
                chosen[model_field.name] = _extra_value(model_field, other)
    return {name: value for name, value in chosen.items() if name not in form}


def allowed_persona(entry: Entry, method: str) -> Persona | None:
    rule = entry.get if method == "get" else entry.post
    return next((p for p in PERSONAS if not entry.refuses(method, p, rule(p))), None)


@dataclass
class Assigned:
    name: str
    persona: Persona
    taken: list[tuple[str, Any, str]]
    answers: tuple[Answer, Answer]

    def __str__(self) -> str:
        return (
            f"{self.persona}: POST {self.name} with extra fields answered {self.answers[1]} "
            f"(without: {self.answers[0]}) and changed {self.taken}"
        )


def mass_assignment_problems(
    table: Table, clients: Mapping[Persona, Client], arguments: Mapping, other: User
) -> tuple[list[Assigned], int]:
    """Each POST route, by someone it allows, with and without extra fields. Returns what the
    extras changed, and how many routes were tried."""
    problems, tried = [], 0
    for name, entry in table.entries.items():
        persona = allowed_persona(entry, "post")
        if persona is None or entry.signs_out:
            continue
        tried += 1
        client = clients[persona]
        url = reverse(name, kwargs=arguments.get(name) or None)
        _page, fields = ask(client, "get", url, None, inspect=form_fields)
        sequences = _sequences()
        runs = []
        # The extras are sent between two plain runs: a value that moves with the clock (a time
        # in an email, to the minute) then matches one of them.
        for with_extras in (False, True, False):
            form = entry.form(arguments) if entry.form else {}
            offered = {**dict.fromkeys(fields), **form}
            data = {**form, **extras(entry, offered, other)} if with_extras else form
            response, rows = ask(
                client, "post", url, data, multipart=entry.multipart, inspect=lambda r: every_row()
            )
            _sequences_restore(sequences)
            runs.append((answer_of(response), rows))
        (plain, plain_rows), (extra, extra_rows), (_, again_rows) = runs
        noise = _differences(plain_rows, again_rows)
        unlike_both = _differences(plain_rows, extra_rows) & _differences(again_rows, extra_rows)
        taken = sorted(unlike_both - noise, key=str)
        if taken or extra != plain:
            problems.append(Assigned(name, persona, taken, (plain, extra)))
    return problems, tried


def other_kind_problems(
    table: Table, clients: Mapping[Persona, Client], arguments: Mapping
) -> tuple[list[str], int]:
    """Each address naming a record by `pk`, asked by someone it allows with the id of a
    record of another kind (one no record of its own kind has): it must be a 404. By GET with
    an id of each other kind; by POST with one."""
    ids: dict[type[models.Model], set[int]] = {}
    for name, entry in table.entries.items():
        if entry.model is not None and "pk" in (arguments.get(name) or {}):
            ids.setdefault(entry.model, set()).add(arguments[name]["pk"])
    problems, tried = [], 0
    for name, entry in table.entries.items():
        kwargs = arguments.get(name) or {}
        if entry.model is None or "pk" not in kwargs:
            continue
        own = set(entry.model._default_manager.values_list("pk", flat=True))
        candidates = [
            min(free)
            for kind, pks in ids.items()
            if kind is not entry.model and (free := pks - own)
        ]
        if not candidates:
            problems.append(f"{name}: no id of another kind that is not also a {entry.model}")
            continue
        for method in ("get", "post"):
            persona = allowed_persona(entry, method)
            rule = entry.get if method == "get" else entry.post
            if persona is None or rule(persona) == 405:
                continue
            for pk in candidates if method == "get" else candidates[:1]:
                tried += 1
                url = reverse(name, kwargs={**kwargs, "pk": pk})
                data = entry.form(arguments) if (entry.form and method == "post") else None
                response, _ = ask(clients[persona], method, url, data, multipart=entry.multipart)
                if answer_of(response) != 404:
                    problems.append(
                        f"{persona}: {method.upper()} {name} ({url}) with the id of another "
                        f"kind of record answered {answer_of(response)}"
                    )
    return problems, tried


def make_other_person() -> User:
    """Someone the extra fields name (as owner, author, recipient): in no scene."""
    return _person(full_name="Mallory Other")
