"""Files too large for the portal, on pages that take files with a form: each is skipped as it
arrives (never kept in memory or on disk past the limit) and its name noted, so the form comes
back with everything typed and says which file was not added, instead of the whole request
being refused with the generic "too large" page. Each app words that refusal itself.

    @accepts_body_up_to(REPORT_BODY_LIMIT)
    @each_file_capped
    @sensitive_page
    @login_required
    def report(request): ... files_too_large(request) ...
"""

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpRequest
from django.views.decorators.csrf import csrf_exempt, csrf_protect

_ATTRIBUTE = "portal_files_too_large"


class FileSizeCapHandler(FileUploadHandler):
    """Passes a file's data on to Django's own handlers until it passes
    PORTAL_MAX_UPLOAD_BYTES; then the file is dropped (SkipFile: what was kept of it is
    closed and deleted, the rest of it is read past) and its name noted. The other fields and
    files of the request are read as usual."""

    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self.limit = settings.PORTAL_MAX_UPLOAD_BYTES
        self.too_large: list[str] = []

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        if start + len(raw_data) > self.limit:
            self.too_large.append(self.file_name or "file")
            raise SkipFile
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None  # the next handler makes the file


def each_file_capped(view: Callable) -> Callable:
    """Put FileSizeCapHandler first for `view`. The handlers must be set before anything
    reads the body, and the CSRF middleware reads it before the view is called, so the
    middleware is told to leave this view alone and the same check runs here, after the
    handler is in place (as Django's documentation on upload handlers shows)."""
    protected = csrf_protect(view)

    @wraps(view)
    def capped(request: HttpRequest, *args, **kwargs):
        handler = FileSizeCapHandler(request)
        request.upload_handlers = [handler, *request.upload_handlers]
        setattr(request, _ATTRIBUTE, handler.too_large)
        return protected(request, *args, **kwargs)

    return csrf_exempt(capped)


def files_too_large(request: HttpRequest) -> list[str]:
    """The names of the files skipped for their size, as they were sent."""
    return list(getattr(request, _ATTRIBUTE, []))
