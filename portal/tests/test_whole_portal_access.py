"""The whole portal's access, held to one table: every named route of the URL map, by GET and by
POST, for anonymous visitors, the owner and a non-owner of each object, a line manager, someone
with only the Django admin flag, and each role. The table is each app's `tests/routes.py`
(portal/testing/route_table.py says how it is read); a route missing from it fails here."""

import pytest
from django.db import connection

from portal.testing import route_table
from portal.testing.route_table import Entry, everyone, load_table, undeclared_routes

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the row fingerprints are PostgreSQL's"
    ),
]


@pytest.fixture
def walk_scene(settings, tmp_path):
    # The policy's PDF is stored for the walk only.
    settings.MEDIA_ROOT = tmp_path
    table = load_table()
    people = route_table.make_people()
    # Signed in before the scene is made: a password reset link made earlier would be spent by
    # the sign-in (it changes the person's last sign-in time, which the link is made from).
    clients = route_table.clients_for(people)
    arguments: dict = {}
    for build in table.scenes:
        arguments.update(build(people))
    return table, clients, arguments


def test_every_route_in_the_url_map_is_in_the_table():
    table = load_table()
    missing = undeclared_routes(table.entries)
    assert not missing, f"routes with no entry in any app's tests/routes.py: {missing}"
    stale = set(table.entries) - set(route_table.walked_route_names())
    assert not stale, f"entries for routes that no longer exist: {sorted(stale)}"


def test_a_route_without_an_entry_is_named():
    entries = dict(load_table().entries)
    del entries["portal:audit"]
    assert undeclared_routes(entries) == ["portal:audit"]


def test_every_cell_of_the_table_answers_as_declared_and_refusals_change_nothing(walk_scene):
    table, clients, arguments = walk_scene
    needing = [r for r in route_table.named_routes() if r.arguments and r.name in table.entries]
    assert not [r.name for r in needing if r.name not in arguments], "routes given no record"
    problems = route_table.walk(table, clients, arguments)
    assert not problems, f"{len(problems)} wrong cells:\n" + "\n".join(map(str, problems))


def test_the_walk_names_a_wrong_answer_and_a_refusal_that_changed_a_row(walk_scene):
    # Declared as if the owner were refused her own notification: the page answers her, and
    # marks it read, and both are reported.
    table, clients, arguments = walk_scene
    wrong = route_table.Table(
        {"portal:notification": Entry(get=everyone(404), post=everyone(404))}, table.scenes
    )
    problems = route_table.walk(wrong, clients, arguments)
    assert [str(p.persona) for p in problems] == ["owner (alice)", "owner (alice)"]
    assert "expected 404, got 200, and changed portal_notification" in str(problems[0])


def test_extra_post_fields_change_nothing_the_form_does_not(walk_scene):
    # is_staff, is_superuser, someone else as owner or author, a status, the object's own
    # fields: sent with a valid form, each must be ignored.
    table, clients, arguments = walk_scene
    other = route_table.make_other_person()
    problems, tried = route_table.mass_assignment_problems(table, clients, arguments, other)
    assert tried >= 30
    assert not problems, "\n".join(map(str, problems))


def test_a_record_of_another_kind_is_not_found(walk_scene):
    # A campaign's id in a declaration's address, a notification's in a person's, and so on.
    table, clients, arguments = walk_scene
    problems, tried = route_table.other_kind_problems(table, clients, arguments)
    assert tried >= 25
    assert not problems, "\n".join(problems)
