import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_dashboard_asks_an_anonymous_visitor_to_sign_in(client):
    response = client.get(reverse("portal:dashboard"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_the_dashboard_greets_a_signed_in_person(client, alice):
    client.force_login(alice)
    response = client.get(reverse("portal:dashboard"))
    assert response.status_code == 200
    assert "My compliance" in response.text
    assert "Hello Alice" in response.text
