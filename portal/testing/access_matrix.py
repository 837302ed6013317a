"""A role matrix any app's tests can feed: pages, and for each person what they must get.

    assert_access_matrix(client, request, [
        (reverse("groups:list"), "get", {"alice": ALLOWED, Role.DPO: ALLOWED, ANONYMOUS: SIGN_IN}),
        (reverse("groups:approve", args=[g.pk]), "post", {"alice": 403, Role.DPO: ALLOWED}),
    ])

A person is named by a fixture ("alice", "bob", "policy_admin"), by a role (a new person holding
only that role), as "line manager" (bob, once alice reports to him) or as ANONYMOUS. Each is
signed in once and asked every page they appear against; every wrong answer is listed together,
so one run shows the whole shape of a mistake.
"""

from collections.abc import Iterable, Mapping
from typing import Any

import pytest
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from portal.roles import Role
from portal.tests.factories import UserFactory

# What a person may use: the page itself (200) or where it sends them on (302), but never the
# sign-in page.
ALLOWED = "allowed"
# Not signed in: sent to sign in.
SIGN_IN = "sign in"
ANONYMOUS = "anonymous"
LINE_MANAGER = "line manager"

# What the refusal pages say, so a 403 or 404 is the portal's page and not a stray error.
_REFUSALS = {403: "This page is not available to you", 404: "Page not found"}

Expected = int | str | tuple[int | str, ...]
Row = tuple[str, str, Mapping[str, Expected]]


def person_for(request: pytest.FixtureRequest, who: str) -> Any:
    """The person `who` names (None for ANONYMOUS)."""
    if who == ANONYMOUS:
        return None
    if who == LINE_MANAGER:
        request.getfixturevalue("alice")  # bob is her line manager
        return request.getfixturevalue("bob")
    if who in Role._value2member_map_:
        return UserFactory(roles=[Role(who)])
    return request.getfixturevalue(who)


def _matches(response: HttpResponse, expected: int | str) -> bool:
    sign_in = response.status_code == 302 and response["Location"].startswith(reverse("login"))
    if expected == ALLOWED:
        return response.status_code == 200 or (response.status_code == 302 and not sign_in)
    if expected == SIGN_IN:
        return sign_in
    if response.status_code != expected:
        return False
    refusal = _REFUSALS.get(response.status_code)
    return refusal is None or refusal in response.content.decode(errors="replace")


def answer_problem(response: HttpResponse, expected: Expected) -> str | None:
    """None if `response` is what was expected, otherwise what it was instead."""
    choices = expected if isinstance(expected, tuple) else (expected,)
    if any(_matches(response, choice) for choice in choices):
        return None
    where = f" to {response['Location']}" if response.status_code == 302 else ""
    return f"got {response.status_code}{where}"


def assert_access_matrix(
    client: Client,
    request: pytest.FixtureRequest,
    rows: Iterable[Row],
    *,
    data: Mapping[str, Any] | None = None,
) -> None:
    """Sign in each person named in `rows` and check every page answers them as expected.
    `data` is sent with every POST (enough for a form that would otherwise just be invalid)."""
    rows = list(rows)
    people = list(dict.fromkeys(who for _, _, expect in rows for who in expect))
    problems = []
    for who in people:
        person = person_for(request, who)
        if person is None:
            client.logout()
        else:
            client.force_login(person)
        for url, method, expect in rows:
            if who not in expect:
                continue
            payload = (data or {}) if method == "post" else {}
            response = getattr(client, method)(url, payload)
            problem = answer_problem(response, expect[who])
            if problem:
                problems.append(f"{who}: {method.upper()} {url} expected {expect[who]}, {problem}")
    assert not problems, "\n".join(problems)
