"""What a page costs in queries, for tests that show a page's cost does not grow with its rows.

A group's page is built from sections each part of the app adds (groups/sections.py), so a
part's test compares the page with few rows and with many rather than pinning the whole page's
count, which every other section also moves; test_group_page.py pins the whole of it.
"""

from django.db import connection
from django.test.utils import CaptureQueriesContext


def queries_for(client, url: str) -> int:
    """The queries one GET of `url` runs, once the caches are warm (the page is fetched first)."""
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    return len(queries)
