"""The main menu in a real browser: one line at a common office screen width, whatever roles a
person holds, and the favicon that every page asks for."""

import pytest

from portal.models import OrganisationSettings
from portal.roles import Role
from portal.tests.browser import sign_in
from portal.tests.factories import UserFactory


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_person_with_every_role_sees_the_menu_on_one_line_at_1366_pixels(page, live_server):
    org = OrganisationSettings.load()
    org.short_name = "Northshire OPCC"
    org.save()
    everything = UserFactory(full_name="Morgan Many-Roles", roles=list(Role), is_staff=True)
    UserFactory(line_manager=everything)
    page.set_viewport_size({"width": 1366, "height": 768})
    sign_in(page, live_server, everything)

    brand = page.locator(".navbar-brand").bounding_box()
    for item in page.locator(".navbar-nav > .nav-item").all():
        box = item.bounding_box()
        assert box["height"] <= brand["height"] + 16, item.inner_text()
        # Every entry on the brand's line: nothing wrapped below it.
        assert abs(box["y"] - brand["y"]) < brand["height"], item.inner_text()
