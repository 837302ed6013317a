import pytest

from portal.tests.browser import assert_accessible, sign_in


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_person_signs_in_and_sees_the_dashboard(page, live_server, alice):
    sign_in(page, live_server, alice)
    assert page.get_by_role("heading", name="My compliance").is_visible()
    assert_accessible(page)
