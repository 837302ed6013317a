"""The checks of the files chosen on a form, shared by the apps: each refusal names its file,
every problem is said at once, and each app's limit and words are its own."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from portal.lib.upload_checks import CheckedFile, UploadChecks, short_name, shown_name
from portal.testing.uploads import PDF_BYTES, png_bytes

CHECKS = UploadChecks(
    kinds=("png", "pdf"),
    max_files=2,
    too_many="At most {max_files} files.",
    too_large="“{name}” is over {limit}.",
)


def _png(name: str = "photo.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


def _pdf(name: str = "letter.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def _script(name: str = "page.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"<script>alert(1)</script>", content_type="image/png")


@pytest.mark.parametrize(
    ("sent", "shown"),
    [
        ("C:\\Users\\alice\\photo.png", "photo.png"),
        ("../../etc/passwd", "passwd"),
        ("a\x00b\x1b.pdf", "ab.pdf"),
        ("  ", "file"),
        (None, "file"),
        ("x" * 300, "x" * 200),
    ],
)
def test_a_shown_name_has_no_folders_or_control_characters_and_is_not_too_long(sent, shown):
    assert shown_name(sent) == shown


def test_a_name_in_a_refusal_is_cut_to_80_characters_with_an_ellipsis():
    assert short_name("a" * 80) == "a" * 80
    assert short_name("a" * 81) == "a" * 79 + "…"


def test_a_file_that_passes_comes_back_with_the_kind_its_content_shows():
    checked = CHECKS.check_upload(_pdf("../letter.pdf"))
    assert (checked.kind, checked.name) == ("pdf", "letter.pdf")


def test_a_refused_file_is_named_and_the_kinds_allowed_are_said_in_the_order_given():
    with pytest.raises(ValidationError) as refused:
        CHECKS.check_upload(_script("holiday.png"))
    assert refused.value.code == "bad_file"
    assert refused.value.messages == [
        "“holiday.png” was not added. This file is not a PNG or PDF file. Choose a PNG or PDF file."
    ]


def test_a_kind_not_allowed_is_refused_though_the_portal_knows_it():
    jpeg_only = UploadChecks(kinds=("jpeg",), max_files=1, too_many="", too_large="")
    with pytest.raises(ValidationError, match="not a JPEG file"):
        jpeg_only.check_upload(_png())


def test_every_file_is_sorted_and_one_checked_already_is_not_read_again():
    checked = CheckedFile(_script("already.png"), "png")
    passed, problems = CHECKS.sort_uploads([_png(), checked, _script("bad.png"), _pdf()])
    assert [(f.name, f.kind) for f in passed] == [
        ("photo.png", "png"),
        ("already.png", "png"),
        ("letter.pdf", "pdf"),
    ]
    assert len(problems) == 1
    assert problems[0].messages[0].startswith("“bad.png” was not added. ")


def test_every_problem_is_said_at_once():
    with pytest.raises(ValidationError) as refused:
        CHECKS.check_uploads([_script("one.png"), _script("two.png")])
    assert [m.split("”")[0] for m in refused.value.messages] == ["“one.png", "“two.png"]


def test_files_kept_from_before_count_towards_the_apps_limit_in_its_own_words():
    assert len(CHECKS.check_uploads([_png()], kept=1)) == 1
    with pytest.raises(ValidationError) as refused:
        CHECKS.check_uploads([_png()], kept=2)
    assert (refused.value.code, refused.value.messages) == ("too_many", ["At most 2 files."])


def test_too_many_files_are_refused_before_any_is_read():
    # Three bad files: the count is the one problem said, not three refusals.
    with pytest.raises(ValidationError) as refused:
        CHECKS.check_uploads([_script(), _script(), _script()])
    assert refused.value.messages == ["At most 2 files."]


def test_a_file_too_large_is_named_shortly_with_the_portals_limit(settings):
    settings.PORTAL_MAX_UPLOAD_BYTES = 10 * 1024 * 1024
    error = CHECKS.too_large_error("C:\\photos\\" + "b" * 100 + ".png")
    assert error.code == "too_large"
    assert error.messages == [f"“{'b' * 79}…” is over 10.0\xa0MB."]
