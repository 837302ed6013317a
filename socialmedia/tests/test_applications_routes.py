"""The applications part's rows of the access table (socialmedia/tests/routes.py), walked on
their own so a change here is checked in seconds: every person, by GET and POST, answers as
declared and a refusal changes nothing; extra fields in a valid POST are ignored. The whole
portal's walk (portal/tests/test_whole_portal_access.py) asks them again with every other
app's."""

import pytest

from portal.models import OrganisationSettings
from portal.testing import route_table
from socialmedia.tests import routes

pytestmark = pytest.mark.django_db

APPLICATIONS = [
    "socialmedia:apply",
    "socialmedia:mine",
    "socialmedia:application_sent",
    "socialmedia:application_edit",
    "socialmedia:decide",
    "socialmedia:letter",
    "socialmedia:decisions",
    "socialmedia:register",
    "socialmedia:register_csv",
]


@pytest.fixture
def walk_scene():
    OrganisationSettings.load()  # made by the first page any walk asks, not by a refusal
    table = route_table.Table({name: routes.ROUTES[name] for name in APPLICATIONS}, [routes.scene])
    people = route_table.make_people()
    clients = route_table.clients_for(people)
    return table, clients, routes.scene(people)


def test_every_applications_route_is_in_the_table():
    assert set(APPLICATIONS) <= set(route_table.walked_route_names())


def test_every_cell_answers_as_declared_and_refusals_change_nothing(walk_scene):
    table, clients, arguments = walk_scene
    problems = route_table.walk(table, clients, arguments)
    assert not problems, f"{len(problems)} wrong cells:\n" + "\n".join(map(str, problems))


def test_extra_post_fields_change_nothing_the_form_does_not(walk_scene):
    table, clients, arguments = walk_scene
    other = route_table.make_other_person()
    problems, tried = route_table.mass_assignment_problems(table, clients, arguments, other)
    assert tried == 3
    assert not problems, "\n".join(map(str, problems))
