"""Keyset pages (portal.lib.keyset): every row once, in order, forwards and back, whatever the
ties; a cursor that is not genuine gives the first page; one query a page, however long the list."""

from urllib.parse import quote

import pytest
from django.core import signing
from django.template.loader import render_to_string

from portal.lib.keyset import keyset_page
from portal.models import User

pytestmark = pytest.mark.django_db

ORDERING = ("full_name", "pk")


def _people(names):
    User.objects.bulk_create(
        User(email=f"keyset{i}@example.org", full_name=name, password="!")
        for i, name in enumerate(names)
    )
    return User.objects.filter(email__startswith="keyset")


def _page(rows, cursor="", size=3, ordering=ORDERING, name="test"):
    return keyset_page(rows, ordering=ordering, cursor=cursor, size=size, name=name)


def _walk_forwards(rows, size=3):
    pages = [_page(rows, size=size)]
    while pages[-1].has_next:
        pages.append(_page(rows, pages[-1].next_cursor, size=size))
    return pages


def _emails(page):
    return [person.email for person in page.object_list]


def test_the_pages_forwards_hold_every_row_once_in_order_ties_broken_by_the_last_column():
    # Ties on the name, across page boundaries.
    rows = _people(["Ann"] * 4 + ["Bea", "Cy", "Cy", "Dee"])
    pages = _walk_forwards(rows)
    expected = list(rows.order_by(*ORDERING).values_list("email", flat=True))
    assert [email for page in pages for email in _emails(page)] == expected
    assert [len(page.object_list) for page in pages] == [3, 3, 2]
    assert not pages[0].has_previous
    assert all(page.has_previous for page in pages[1:])
    assert not pages[-1].has_next
    assert [(page.start_index, page.end_index) for page in pages] == [(1, 3), (4, 6), (7, 8)]


def test_the_pages_backwards_from_the_last_are_the_same_pages():
    rows = _people(["Ann"] * 4 + ["Bea", "Cy", "Cy", "Dee"])
    forwards = _walk_forwards(rows)
    backwards = [forwards[-1]]
    while backwards[-1].has_previous:
        backwards.append(_page(rows, backwards[-1].previous_cursor))
    assert [_emails(page) for page in reversed(backwards)] == [_emails(p) for p in forwards]
    first = backwards[-1]
    assert not first.has_previous
    assert first.has_next
    assert (first.start_index, first.end_index) == (1, 3)
    # Next from a page reached backwards goes forwards again.
    assert _emails(_page(rows, first.next_cursor)) == _emails(forwards[1])


def test_a_descending_ordering_pages_forwards_and_back():
    rows = _people(["Ann", "Bea", "Bea", "Cy", "Dee"])
    ordering = ("-full_name", "-pk")
    first = _page(rows, ordering=ordering, size=2)
    second = _page(rows, first.next_cursor, ordering=ordering, size=2)
    third = _page(rows, second.next_cursor, ordering=ordering, size=2)
    expected = list(rows.order_by(*ordering).values_list("email", flat=True))
    assert _emails(first) + _emails(second) + _emails(third) == expected
    assert not third.has_next
    assert _emails(_page(rows, third.previous_cursor, ordering=ordering, size=2)) == _emails(second)


def test_an_exact_number_of_full_pages_ends_without_a_next_link():
    rows = _people(["Ann", "Bea", "Cy", "Dee", "Eve", "Fay"])
    pages = _walk_forwards(rows)
    assert [len(page.object_list) for page in pages] == [3, 3]
    assert not pages[-1].has_next


def test_an_empty_list_is_one_empty_page_without_links():
    page = _page(User.objects.none())
    assert page.object_list == []
    assert not page.has_next
    assert not page.has_previous
    assert (page.start_index, page.end_index) == (0, 0)


@pytest.mark.parametrize(
    "cursor",
    [
        "nonsense",
        "a:b:c",
        signing.dumps({"d": "n", "v": ["Zed", 1], "b": 0}),  # no salt: not made by keyset_page
        signing.dumps({"d": "n", "v": ["Zed", 1], "b": 0}, salt="portal.keyset:test:x"),
    ],
)
def test_a_forged_or_foreign_cursor_gives_the_first_page(cursor):
    rows = _people(["Ann", "Bea", "Cy", "Dee"])
    page = _page(rows, cursor)
    assert _emails(page) == _emails(_page(rows))
    assert not page.has_previous


def test_a_cursor_made_for_another_list_gives_that_lists_first_page():
    rows = _people(["Ann", "Bea", "Cy", "Dee"])
    other = _page(rows, name="other")
    page = _page(rows, other.next_cursor, name="test")
    assert _emails(page) == _emails(_page(rows))


def test_a_cursor_altered_by_one_character_gives_the_first_page():
    rows = _people(["Ann", "Bea", "Cy", "Dee", "Eve", "Fay", "Gus"])
    cursor = _page(rows).next_cursor
    altered = cursor[:5] + ("A" if cursor[5] != "A" else "B") + cursor[6:]
    assert _emails(_page(rows, altered)) == _emails(_page(rows))


def test_a_cursor_past_rows_since_removed_gives_the_first_page():
    rows = _people(["Ann", "Bea", "Cy", "Dee"])
    first = _page(rows)
    rows.filter(full_name="Dee").delete()
    page = _page(rows, first.next_cursor)
    assert _emails(page) == _emails(first)


def test_previous_to_a_start_with_rows_since_removed_shows_a_full_first_page():
    rows = _people(["Ann", "Bea", "Cy", "Dee", "Eve", "Fay", "Gus"])
    second = _page(rows, _page(rows).next_cursor)
    rows.filter(full_name="Bea").delete()
    back = _page(rows, second.previous_cursor)
    assert [person.full_name for person in back.object_list] == ["Ann", "Cy", "Dee"]
    assert not back.has_previous


def test_a_page_costs_one_query_however_deep_and_long_the_list(django_assert_num_queries):
    rows = _people([f"Person {n:03d}" for n in range(200)])
    with django_assert_num_queries(1):
        first = _page(rows, size=50)
    page = first
    for _ in range(3):
        with django_assert_num_queries(1):
            page = _page(rows, page.next_cursor, size=50)
    with django_assert_num_queries(1):
        back = _page(rows, page.previous_cursor, size=50)
    assert back.start_index == 101


# The links


def _links(page, **context):
    return render_to_string("_keyset_pagination.html", {"page": page, **context})


def test_the_links_keep_the_lists_other_parameters():
    rows = _people(["Ann", "Bea", "Cy", "Dee", "Eve", "Fay", "Gus"])
    second = _page(rows, _page(rows).next_cursor)
    html = _links(second, query="q=a+b&status=pending")
    assert 'href="?q=a+b&amp;status=pending">First</a>' in html
    for cursor, label in ((second.previous_cursor, "Previous"), (second.next_cursor, "Next")):
        assert f'href="?q=a+b&amp;status=pending&amp;cursor={quote(cursor)}">{label}' in html


def test_the_links_say_which_rows_are_shown_only_given_a_total():
    rows = _people(["Ann", "Bea", "Cy", "Dee", "Eve", "Fay", "Gus"])
    second = _page(rows, _page(rows).next_cursor)
    assert "Showing people 4–6 of 1,234." in _links(second, total=1234, noun="people")
    assert "Showing" not in _links(second)


def test_a_single_page_has_no_links():
    rows = _people(["Ann", "Bea"])
    assert "<nav" not in _links(_page(rows))


def test_rows_ordered_by_a_time_to_the_microsecond_come_once_each():
    from datetime import timedelta

    from django.utils import timezone

    start = timezone.now().replace(microsecond=123456)
    people = _people([f"Person {i}" for i in range(7)])
    for i, person in enumerate(people.order_by("pk")):
        # 0.4 ms apart: the same millisecond for some, which a cursor cut short would confuse.
        User.objects.filter(pk=person.pk).update(
            date_joined=start + timedelta(microseconds=400 * i)
        )
    ordering = ("-date_joined", "-pk")
    seen, cursor = [], ""
    while True:
        page = _page(people, cursor, size=2, ordering=ordering)
        seen += _emails(page)
        if not page.has_next:
            break
        cursor = page.next_cursor
    assert seen == list(people.order_by(*ordering).values_list("email", flat=True))
