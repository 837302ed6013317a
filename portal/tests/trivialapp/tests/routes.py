"""The trivial app's one route in the whole-portal access table: open to everyone."""

from portal.testing.route_table import Entry, public

ROUTES = {"trivial:home": Entry(get=public(200), post=public(200))}


def scene(people) -> dict:
    return {}
