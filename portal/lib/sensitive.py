"""Pages about people that no browser, shared computer or proxy may keep a copy of.

The audit trail, the People pages, reports of who has signed what, and each later app's incident
and credential pages send `Cache-Control: no-store` (with Django's other never-cache headers),
so the Back button on a shared computer, a browser's disk cache or a caching proxy cannot show
them to the next person. Mark a view `@sensitive_page`, or pass `sensitive=True` to
`portal.access.access_required`; CSV exports (portal.lib.csv_export) always are.
"""

from collections.abc import Callable
from functools import wraps
from typing import TypeVar

from django.http import HttpResponseBase
from django.utils.cache import add_never_cache_headers

Response = TypeVar("Response", bound=HttpResponseBase)


def no_store(response: Response) -> Response:
    """`response`, marked never to be stored (Cache-Control: max-age=0, no-cache, no-store,
    must-revalidate, private; and an Expires in the past for old proxies)."""
    add_never_cache_headers(response)
    return response


def sensitive_page(view: Callable) -> Callable:
    """Every answer of `view` (the page, a form shown again with errors, a redirect) is marked
    never to be stored."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        return no_store(view(*args, **kwargs))

    return wrapped
