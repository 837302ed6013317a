"""Files stored inside a block that fails are deleted with it, from the storage each is in;
nested blocks: a file goes if its own block or any around it fails, and a failure caught
inside keeps what the outer block stored."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage

from portal.lib.stored_files import note_saved, stored_files_removed_on_failure


class Refused(Exception):
    pass


@pytest.fixture
def storage(tmp_path):
    return FileSystemStorage(location=tmp_path / "one")


def _store(storage: FileSystemStorage, name: str, stored: list[str] | None = None) -> str:
    """Store a file and note it, as a service does; its name is added to `stored` too, for a
    test whose block fails before it returns."""
    name = storage.save(name, ContentFile(b"data"))
    note_saved(storage, name)
    if stored is not None:
        stored.append(name)
    return name


def test_the_files_of_a_block_that_fails_are_deleted_and_the_failure_goes_on(storage):
    stored: list[str] = []

    @stored_files_removed_on_failure()
    def change() -> None:
        _store(storage, "a.pdf", stored)
        _store(storage, "b.pdf", stored)
        raise Refused

    with pytest.raises(Refused):
        change()
    assert len(stored) == 2
    assert not any(storage.exists(name) for name in stored)


def test_the_files_of_a_block_that_succeeds_stay(storage):
    with stored_files_removed_on_failure():
        name = _store(storage, "a.pdf")
    assert storage.exists(name)


def test_a_file_stored_outside_any_block_is_not_noted(storage):
    name = _store(storage, "before.pdf")
    with pytest.raises(Refused), stored_files_removed_on_failure():
        raise Refused
    assert storage.exists(name)


def test_a_file_stored_after_a_block_is_not_noted_by_it(storage):
    with stored_files_removed_on_failure():
        pass
    name = _store(storage, "after.pdf")
    with pytest.raises(Refused), stored_files_removed_on_failure():
        raise Refused
    assert storage.exists(name)


def test_each_file_is_deleted_from_its_own_storage(storage, tmp_path):
    other = FileSystemStorage(location=tmp_path / "two")
    here: list[str] = []
    there: list[str] = []

    @stored_files_removed_on_failure()
    def change() -> None:
        _store(storage, "a.pdf", here)
        _store(other, "a.pdf", there)
        raise Refused

    with pytest.raises(Refused):
        change()
    assert not storage.exists(here[0])
    assert not other.exists(there[0])


def test_a_decorated_function_notes_each_call_apart(storage):
    @stored_files_removed_on_failure()
    def service(name: str, *, fail: bool) -> str:
        stored = _store(storage, name)
        if fail:
            raise Refused
        return stored

    kept = service("kept.pdf", fail=False)
    with pytest.raises(Refused):
        service("refused.pdf", fail=True)
    assert storage.listdir("")[1] == [kept]


# ---- Nested blocks ------------------------------------------------------------------------


def test_an_inner_block_that_succeeded_loses_its_files_when_the_outer_one_fails(storage):
    stored: list[str] = []

    @stored_files_removed_on_failure()
    def outer() -> None:
        _store(storage, "outer.pdf", stored)
        with stored_files_removed_on_failure():
            _store(storage, "inner.pdf", stored)
        raise Refused

    with pytest.raises(Refused):
        outer()
    assert len(stored) == 2
    assert not any(storage.exists(name) for name in stored)


def test_an_inner_block_that_fails_takes_every_file_with_it_if_not_caught(storage):
    stored: list[str] = []

    @stored_files_removed_on_failure()
    def inner() -> None:
        _store(storage, "inner.pdf", stored)
        raise Refused

    @stored_files_removed_on_failure()
    def outer() -> None:
        _store(storage, "outer.pdf", stored)
        inner()

    with pytest.raises(Refused):
        outer()
    assert len(stored) == 2
    assert not any(storage.exists(name) for name in stored)


def test_a_failure_caught_inside_deletes_only_the_inner_files(storage):
    stored: list[str] = []

    @stored_files_removed_on_failure()
    def inner() -> None:
        _store(storage, "inner.pdf", stored)
        raise Refused

    with stored_files_removed_on_failure():
        before = _store(storage, "before.pdf")
        with pytest.raises(Refused):
            inner()
        after = _store(storage, "after.pdf")
    assert not storage.exists(stored[0])
    assert storage.exists(before)
    assert storage.exists(after)


def test_files_noted_after_a_caught_inner_failure_still_go_with_the_outer_block(storage):
    stored: list[str] = []

    @stored_files_removed_on_failure()
    def inner() -> None:
        raise Refused

    @stored_files_removed_on_failure()
    def outer() -> None:
        with pytest.raises(Refused):
            inner()
        _store(storage, "after.pdf", stored)
        raise Refused

    with pytest.raises(Refused):
        outer()
    assert not storage.exists(stored[0])


def test_three_deep_a_file_goes_when_the_outermost_fails(storage):
    stored: list[str] = []

    @stored_files_removed_on_failure()
    def outer() -> None:
        with stored_files_removed_on_failure(), stored_files_removed_on_failure():
            _store(storage, "deepest.pdf", stored)
        raise Refused

    with pytest.raises(Refused):
        outer()
    assert not storage.exists(stored[0])
