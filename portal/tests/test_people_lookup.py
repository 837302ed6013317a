"""The people lookup behind every "who?" field's type-ahead."""

import pytest
from django.urls import reverse

from portal.tests.factories import DepartmentFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = reverse("portal:people_lookup")


def test_a_search_finds_active_people_by_name_email_or_staff_number(client, alice):
    finance = DepartmentFactory(code="FNC", name="Finance and estates")
    priya = UserFactory(
        full_name="Priya Patel",
        email="p.patel@example.org",
        staff_number="S12345",
        job_title="Accountant",
        department=finance,
    )
    client.force_login(alice)
    for query in ("pate", "p.patel@", "S12345"):
        found = client.get(URL, {"q": query}).json()
        assert [person["id"] for person in found] == [priya.pk], query


def test_each_match_gives_id_name_job_title_department_and_email_only(client, alice):
    finance = DepartmentFactory(code="FNC", name="Finance and estates")
    priya = UserFactory(
        full_name="Priya Patel",
        email="p.patel@example.org",
        job_title="Accountant",
        department=finance,
    )
    client.force_login(alice)
    assert client.get(URL, {"q": "Priya"}).json() == [
        {
            "id": priya.pk,
            "full_name": "Priya Patel",
            "job_title": "Accountant",
            "department": "Finance and estates",
            "email": "p.patel@example.org",
        }
    ]


def test_leavers_are_never_offered(client, alice):
    UserFactory(full_name="Lee Leaver", is_active=False)
    stayer = UserFactory(full_name="Lee Stayer")
    client.force_login(alice)
    assert [p["id"] for p in client.get(URL, {"q": "Lee"}).json()] == [stayer.pk]


def test_fewer_than_two_letters_find_nobody(client, alice):
    UserFactory(full_name="Al Short")
    client.force_login(alice)
    assert client.get(URL, {"q": "A"}).json() == []
    assert client.get(URL, {"q": "  "}).json() == []
    assert client.get(URL).json() == []


def test_no_more_than_ten_people_come_back_in_name_order(client, alice):
    for n in range(15):
        UserFactory(full_name=f"Sam Many {n:02d}")
    client.force_login(alice)
    names = [p["full_name"] for p in client.get(URL, {"q": "Sam Many"}).json()]
    assert names == [f"Sam Many {n:02d}" for n in range(10)]


def test_a_search_that_matches_nobody_answers_an_empty_list(client, alice):
    client.force_login(alice)
    answer = client.get(URL, {"q": "zzqqxx"})
    assert answer.status_code == 200
    assert answer.json() == []


def test_the_answers_are_never_stored_by_a_browser(client, alice):
    client.force_login(alice)
    assert "no-store" in client.get(URL, {"q": "Alice"})["Cache-Control"]


def test_someone_signed_out_is_sent_to_sign_in_and_learns_nothing(client, alice):
    answer = client.get(URL, {"q": "Alice"})
    assert answer.status_code == 302
    assert reverse("login") in answer["Location"]


def test_a_search_costs_the_same_few_queries_however_many_match(
    client, alice, django_assert_num_queries
):
    department = DepartmentFactory(code="MNY", name="Many")
    UserFactory.create_batch(30, full_name="Jo Crowd", department=department)
    client.force_login(alice)
    client.get(URL, {"q": "Crowd"})
    # The session, the person, their roles, the request's savepoint and its release (as in
    # LAYOUT_QUERIES, less the menu's unread count), and the search itself.
    with django_assert_num_queries(6):
        assert len(client.get(URL, {"q": "Crowd"}).json()) == 10


def test_a_search_with_a_nul_character_answers_rather_than_fails(client, alice):
    client.force_login(alice)
    answer = client.get(URL, {"q": "Al\x00ice"})
    assert answer.status_code == 200
