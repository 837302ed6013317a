"""Checking the files a person chose on a form, for an app that takes several at once: each
checked by its content (portal.uploads), each refusal naming its file so that a person who chose
several knows which to change, every problem said at once, and a limit on how many.

What differs between apps is given once, to `UploadChecks`: the kinds allowed, how many files,
and the app's own words for too many files and for a file too large.
"""

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath, PureWindowsPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat

from portal.uploads import validate_upload

# Longer names are cut in a refusal, so that one message stays readable on a phone.
_NAME_SHOWN = 80


def shown_name(name: str | None) -> str:
    """The name a person gave a file, fit to show and store: no folders, no control
    characters (a NUL cannot even be stored), not too long. Never used as a path."""
    name = PureWindowsPath(PurePosixPath(name or "").name).name
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C").strip()
    return name[:200] or "file"


def short_name(name: str | None) -> str:
    """A file's shown name, cut to fit in a refusal."""
    name = shown_name(name)
    return name if len(name) <= _NAME_SHOWN else f"{name[: _NAME_SHOWN - 1]}…"


@dataclass(frozen=True)
class CheckedFile:
    """An upload whose content has been checked, with the kind found: what is stored."""

    upload: UploadedFile
    kind: str

    @property
    def name(self) -> str:
        return shown_name(self.upload.name)


@dataclass(frozen=True)
class UploadChecks:
    """One app's checks of the files chosen on its forms.

    `too_many` is the refusal of too many files, with `{max_files}` for the limit; `too_large`
    the refusal of a file dropped as it arrived for being over the portal's limit
    (portal.lib.upload_limits), with `{name}` for the file and `{limit}` for the size allowed.
    """

    kinds: tuple[str, ...]
    max_files: int
    too_many: str
    too_large: str

    def too_many_files(self) -> ValidationError:
        return ValidationError(self.too_many.format(max_files=self.max_files), code="too_many")

    def too_large_error(self, name: str) -> ValidationError:
        """The refusal of a file skipped as it arrived, for being over the portal's limit."""
        return ValidationError(
            self.too_large.format(
                name=short_name(name), limit=filesizeformat(settings.PORTAL_MAX_UPLOAD_BYTES)
            ),
            code="too_large",
        )

    def check_upload(self, upload: UploadedFile) -> CheckedFile:
        """The file with its kind, or a refusal that names it."""
        try:
            return CheckedFile(upload, validate_upload(upload, kinds=self.kinds))
        except ValidationError as error:
            raise ValidationError(
                f"“{short_name(upload.name)}” was not added. {' '.join(error.messages)}",
                code="bad_file",
            ) from None

    def sort_uploads(
        self, files: Sequence[UploadedFile | CheckedFile]
    ) -> tuple[list[CheckedFile], list[ValidationError]]:
        """The files that pass their checks, each with its kind, and a refusal for each that
        does not. A file checked already is not read again."""
        passed: list[CheckedFile] = []
        problems: list[ValidationError] = []
        for upload in files:
            if isinstance(upload, CheckedFile):
                passed.append(upload)
                continue
            try:
                passed.append(self.check_upload(upload))
            except ValidationError as error:
                problems.append(error)
        return passed, problems

    def check_uploads(
        self, files: Sequence[UploadedFile | CheckedFile], *, kept: int = 0
    ) -> list[CheckedFile]:
        """Each file with its kind, or every file's problem at once. `kept`: how many files
        kept from before (an earlier sending of the form, the last version) come with them
        and count towards the limit."""
        if len(files) + kept > self.max_files:
            raise self.too_many_files()
        passed, problems = self.sort_uploads(files)
        if problems:
            raise ValidationError(problems)
        return passed
