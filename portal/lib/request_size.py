"""How large a request body a page accepts, checked from Content-Length before anything reads
the body (portal.middleware.RequestSizeLimitMiddleware), so that nobody, signed in or not, can
make the portal read or store more than a page could ever use.

Every page takes up to PORTAL_MAX_REQUEST_BYTES (a file of PORTAL_MAX_UPLOAD_BYTES and the
form around it). A page made for larger files says so:

    @accepts_body_up_to(MAX_FILE_BYTES + FORM_ALLOWANCE)
    @access_required(can_import_staff)
    def staff_import_upload(request): ...

The proxy in front must allow at least as much on that address (see README).
"""

from collections.abc import Callable

from django.conf import settings

# Room for the form's other fields and the multipart framing around a file.
FORM_ALLOWANCE = 1024 * 1024
_ATTRIBUTE = "portal_max_request_bytes"


def accepts_body_up_to(limit: int) -> Callable[[Callable], Callable]:
    """Let `view` take a body of up to `limit` bytes instead of PORTAL_MAX_REQUEST_BYTES."""

    def decorator(view: Callable) -> Callable:
        setattr(view, _ATTRIBUTE, limit)
        return view

    return decorator


def body_limit_for(view: Callable) -> int:
    return getattr(view, _ATTRIBUTE, settings.PORTAL_MAX_REQUEST_BYTES)
