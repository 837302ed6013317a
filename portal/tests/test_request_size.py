"""Requests larger than a page accepts are refused from their Content-Length, with a page saying
why, before the body is read: nobody can make the portal read or store more than it uses."""

import json
import logging

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from portal.testing.request_size import UnreadableBody

pytestmark = pytest.mark.django_db


def test_the_cap_is_a_little_over_the_largest_ordinary_upload():
    assert settings.PORTAL_MAX_REQUEST_BYTES > settings.PORTAL_MAX_UPLOAD_BYTES
    assert settings.PORTAL_MAX_REQUEST_BYTES <= settings.PORTAL_MAX_UPLOAD_BYTES + 2 * 1024**2


def test_a_body_over_the_cap_is_refused_with_a_page_that_says_why(client):
    body = b"x" * (settings.PORTAL_MAX_REQUEST_BYTES + 1)
    response = client.post(
        reverse("login"), data=body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 413
    assert "What you sent is too large" in response.text
    assert "11.0\xa0MB" in response.text
    assert "Content-Security-Policy" in response.headers


def test_the_body_is_never_read_whatever_it_holds(alice, caplog):
    # A real client enforces CSRF, whose check is the first thing to read the body.
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    # With a CSRF cookie, the check goes on to look for the token in the body.
    client.cookies["csrftoken"] = "a" * 32
    caplog.set_level(logging.INFO, logger="portal.security")
    response = client.post(
        reverse("portal:notifications_read_all"),
        CONTENT_LENGTH=str(2 * 1024**3),
        CONTENT_TYPE="multipart/form-data; boundary=x",
        **{"wsgi.input": UnreadableBody()},
    )
    assert response.status_code == 413
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "portal.security"]
    [line] = [line for line in lines if line["event"] == "request.too_large.refused"]
    assert line["length"] == 2 * 1024**3
    assert line["user_id"] == alice.pk


def test_a_body_within_the_cap_is_read_as_usual(client, alice):
    response = client.post(
        reverse("login"), {"username": "alice@example.org", "password": "x" * 100_000}
    )
    assert response.status_code == 200
    assert "correct email" in response.text
