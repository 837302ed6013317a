"""Every page names the portal's icon, so browsers stop asking for /favicon.ico (a 404 each
time)."""

from xml.etree import ElementTree

from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.urls import reverse


def test_pages_link_the_svg_favicon(client, db):
    html = client.get(reverse("login")).content.decode()
    assert f'<link rel="icon" href="{static("portal/favicon.svg")}" type="image/svg+xml">' in html


def test_the_favicon_is_a_static_svg_file():
    path = finders.find("portal/favicon.svg")
    assert path, "static/portal/favicon.svg is missing"
    root = ElementTree.parse(path).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("viewBox")
