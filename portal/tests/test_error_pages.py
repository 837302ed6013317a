"""The portal's own 403, 404, 500 and "form expired" pages, as people see them with DEBUG off."""

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse
from django.views.defaults import server_error

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def debug_off(settings):
    settings.DEBUG = False


def _looks_like_the_portal(html: str) -> None:
    assert 'href="#main">Skip to main content' in html
    assert '<main id="main"' in html


def test_an_unknown_address_shows_the_portals_not_found_page(client, alice):
    client.force_login(alice)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.text
    assert "My compliance" in response.text  # the menu is still there
    _looks_like_the_portal(response.text)


def test_a_page_outside_the_persons_roles_shows_the_portals_refusal(client, alice):
    client.force_login(alice)
    response = client.get(reverse("portal:audit"))
    assert response.status_code == 403
    assert "This page is not available to you" in response.text
    _looks_like_the_portal(response.text)


def test_the_server_error_page_needs_neither_a_database_nor_a_request_context(
    django_assert_num_queries,
):
    request = RequestFactory().get("/")
    with django_assert_num_queries(0):
        response = server_error(request)
    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong" in html
    assert "/static/vendor/bootstrap/bootstrap.min.css" in html


def test_an_expired_form_explains_itself_instead_of_a_bare_forbidden(alice):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": alice.email, "password": "x"})
    assert response.status_code == 403
    assert "Please try again" in response.text
    _looks_like_the_portal(response.text)
