"""The `next` address pages pass along ("back to where you were going"), read safely: only an
address on this portal is ever followed, so a crafted link cannot send someone elsewhere after
they sign in."""

from urllib.parse import urlencode

from django.http import HttpRequest
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request: HttpRequest) -> str:
    """The request's `next` (form field, else query string) if it is the portal's own, else ""."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


def with_next(url_name: str, next_url: str) -> str:
    """The page `url_name`, told to return to `next_url` afterwards."""
    return f"{reverse(url_name)}?{urlencode({'next': next_url})}"
