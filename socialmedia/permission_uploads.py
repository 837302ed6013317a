"""Files sent with a permission request (the press release as a PDF, the photograph to be used):
checked by their content, never the name or type the browser sent; stored under generated
names; served only through `socialmedia:permission_file`, which checks who may see the request.

A file over the portal's size limit is dropped as it arrives and its name noted
(portal.lib.upload_limits, on the views); `too_large_error` words the refusal that names it.
"""

from django.conf import settings
from django.template.defaultfilters import filesizeformat

from portal.lib.upload_checks import CheckedFile, UploadChecks

__all__ = [
    "MAX_FILES",
    "PERMISSION_BODY_LIMIT",
    "CheckedFile",
    "attachments_help",
    "check_upload",
    "check_uploads",
    "too_large_error",
    "too_many_files",
]

# A document or a picture to be published or used: nothing a browser would run.
KINDS = ("pdf", "png", "jpeg")
# On one version, kept from the last one and new together.
MAX_FILES = 5
# Generous: a file over the limit is skipped as it arrives, so a larger body costs reading,
# not memory or disk, and what was typed comes back with the form.
PERMISSION_BODY_LIMIT = 100 * 1024 * 1024

# The portal's checks of chosen files, with this app's kinds, limit and words.
CHECKS = UploadChecks(
    kinds=KINDS,
    max_files=MAX_FILES,
    too_many="A version can have at most {max_files} files. Choose fewer.",
    too_large="“{name}” was not added: it is larger than {limit}, the largest allowed. "
    "Choose a smaller file.",
)
too_large_error = CHECKS.too_large_error
too_many_files = CHECKS.too_many_files
check_upload = CHECKS.check_upload
check_uploads = CHECKS.check_uploads


def attachments_help() -> str:
    return (
        f"PDF documents or pictures (PNG or JPEG): up to {MAX_FILES} files of at most "
        f"{filesizeformat(settings.PORTAL_MAX_UPLOAD_BYTES)} each."
    )
