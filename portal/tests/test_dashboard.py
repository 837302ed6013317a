import pytest
from django.urls import reverse

from portal.models import Notification
from portal.registry import Panel, registry

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


def test_each_app_adds_its_panel_and_an_app_with_nothing_to_say_adds_none(
    client, alice, monkeypatch
):
    def declarations_due(request):
        return "declarations/_dashboard_panel.html", {"obligations": []}

    def nothing_for_this_person(request):
        return None

    monkeypatch.setattr(
        registry, "panels", [Panel("a", nothing_for_this_person), Panel("b", declarations_due)]
    )
    client.force_login(alice)
    html = client.get(reverse("portal:dashboard")).text
    assert "Declarations to sign" in html
    assert "Nothing to do" not in html


def test_with_no_panels_the_person_is_told_there_is_nothing_to_do(client, alice, monkeypatch):
    monkeypatch.setattr(registry, "panels", [Panel("empty", lambda request: None)])
    client.force_login(alice)
    assert "Nothing to do" in client.get(reverse("portal:dashboard")).text


def test_the_dashboard_lists_the_five_latest_in_portal_notifications(client, alice):
    for n in range(7):
        Notification.objects.create(
            dedup_key=f"d{n}",
            recipient=alice,
            to_email=alice.email,
            subject=f"Subject number {n}",
            body_text=".",
            in_portal=n != 6,
        )
    client.force_login(alice)
    html = client.get(reverse("portal:dashboard")).text
    shown = [n for n in range(7) if f"Subject number {n}<" in html]
    assert shown == [1, 2, 3, 4, 5]
    assert "All notifications" in html
