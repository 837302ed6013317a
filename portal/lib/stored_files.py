"""Files stored by a change that fails are deleted with it: a stored file is not part of the
database transaction, so a rolled-back row would otherwise leave its file behind, named by
nothing.

    @stored_files_removed_on_failure()
    @transaction.atomic
    def attachments_add(...):
        attachment.file.save(generated_name(kind), upload, save=False)
        note_saved(attachment.file.storage, attachment.file.name)
        attachment.save()
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.core.files.storage import Storage

# The files stored inside the innermost block running now, each with the storage it is in.
_saved_now: ContextVar[list[tuple[Storage, str]] | None] = ContextVar(
    "portal_saved_files", default=None
)


@contextmanager
def stored_files_removed_on_failure() -> Iterator[None]:
    """Delete the files stored inside the block if it fails. Put it outside the transaction
    (above `@transaction.atomic`), so the rows are gone when their files are deleted. A
    transaction around the service that rolls back after it succeeded is not seen here; the
    views' request transaction ends at once after the service.

    Inside another such block, the files stored here go if either fails: when this block
    succeeds they are handed to the one around it. When it fails, only its own files go, so a
    caller that catches the failure keeps what it stored before."""
    saved: list[tuple[Storage, str]] = []
    token = _saved_now.set(saved)
    try:
        yield
    except BaseException:
        for storage, name in saved:
            storage.delete(name)
        raise
    finally:
        _saved_now.reset(token)
    outer = _saved_now.get()
    if outer is not None:
        outer.extend(saved)


def note_saved(storage: Storage, name: str) -> None:
    """A file just stored, to be deleted if the block it was stored in fails. Outside any
    block, nothing is noted."""
    saved = _saved_now.get()
    if saved is not None:
        saved.append((storage, name))
