"""What the page layout costs in queries, so a page's query-count test states only its own.

Every signed-in page built on base.html runs these, once the organisation settings are in the
cache (load them, or fetch a page first) and inside a test's transaction:
  the session and the user (2);
  the person's roles (1);
  the unread count, with "is a line manager?" for the menu (1);
  the request's atomic block (ATOMIC_REQUESTS), a savepoint and its release in a test (2).
The session itself is saved at most once a minute (portal.sessions.session_seen), and the
organisation settings come from the cache, so neither costs a query on an ordinary page.
If the layout gains or loses a query, this number changes once, not in every app's tests.
"""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.registry import registry

LAYOUT_QUERIES = 6


def panels_cost(client, *names: str) -> int:
    """The queries the dashboard panels named cost on the dashboard of `client`'s person: the
    page with every panel, less the page without those. Each app pins its own panels' cost
    this way, so another app's panel joining the dashboard changes no one else's test."""
    url = reverse("portal:dashboard")
    everything = _queries(client, url)
    kept = list(registry.panels)
    registry.panels[:] = [panel for panel in kept if panel.name not in names]
    try:
        rest = _queries(client, url)
    finally:
        registry.panels[:] = kept
    return everything - rest


def _queries(client, url: str) -> int:
    client.get(url)  # warm: the organisation settings into the cache
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)
