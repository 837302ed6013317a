"""The permission pages: asking with files, a request's page, deciding on the version shown,
revising, withdrawing, downloading files, the lists and the dashboard panel."""

import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from portal.models import AuditEvent
from portal.testing.queries import LAYOUT_QUERIES, panels_cost
from portal.testing.uploads import PDF_BYTES, png_bytes
from socialmedia.events import SocialEvent
from socialmedia.models import (
    Kind,
    PermissionDecision,
    PermissionRequest,
    RequestVersion,
    Subkind,
    VersionAttachment,
)
from socialmedia.tests.factories import PermissionRequestFactory, VersionAttachmentFactory

pytestmark = pytest.mark.django_db
Status = PermissionRequest.Status
NEW = reverse("socialmedia:permission_new")
QUEUE = reverse("socialmedia:permissions")
MINE = reverse("socialmedia:permissions_mine")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def page(name: str, request: PermissionRequest) -> str:
    return reverse(f"socialmedia:{name}", args=[request.pk])


def _asked(**fields) -> dict:
    return {
        "kind": Kind.PUBLICATION,
        "subkind": Subkind.PRESS_RELEASE,
        "title": "Rural crime hub opens",
        "text": "The Commissioner today opened the rural crime hub.",
        **fields,
    }


def _pdf(name="release.pdf", content=PDF_BYTES):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


# ---- Asking ------------------------------------------------------------------------------


def test_the_form_says_when_each_kind_is_needed_and_groups_what_it_is(client, alice):
    client.force_login(alice)
    answer = client.get(NEW)
    assert answer["Cache-Control"].count("no-store") == 1
    text = answer.text
    assert "Before you speak for the organisation" in text
    assert "own social media account" in text
    for kind in Kind:
        assert f'<optgroup label="{kind.label}"'.replace("'", "&#x27;") in text


def test_asking_with_a_pdf_makes_the_request_and_shows_it(client, alice, chief_executive):
    client.force_login(alice)
    answer = client.post(NEW, _asked(attachments=_pdf()), follow=True)
    request = PermissionRequest.objects.get()
    assert answer.redirect_chain[-1][0] == page("permission", request)
    assert "Your request has gone to the Chief Executive." in answer.text
    assert "release.pdf" in answer.text
    assert request.versions.get().attachments.count() == 1


def test_the_chief_executive_with_no_delegate_is_told_nobody_can_decide(client, chief_executive):
    client.force_login(chief_executive)
    answer = client.post(NEW, _asked(), follow=True)
    assert PermissionRequest.objects.get().status == Status.SUBMITTED
    text = " ".join(answer.text.split())
    assert "Nobody can decide on this request yet" in text
    assert "You are the only person with the Chief Executive's or a delegate's role" in text
    assert "no Chief Executive mailbox is set" in text
    assert "has gone to the Chief Executive" not in text


def test_a_request_someone_can_decide_carries_no_warning(client, alice, ce_delegate):
    client.force_login(alice)
    answer = client.post(NEW, _asked(), follow=True)
    assert "has gone to the Chief Executive" in answer.text
    assert "Nobody can decide" not in answer.text


def test_what_it_is_must_go_with_the_kind_on_the_form(client, alice):
    client.force_login(alice)
    answer = client.post(NEW, _asked(kind=Kind.SPEAKING))
    assert answer.status_code == 200
    assert "Choose what it is from the list for" in answer.text
    assert not PermissionRequest.objects.exists()


def test_a_date_in_the_past_is_refused(client, alice):
    client.force_login(alice)
    past = (timezone.localdate() - timedelta(days=1)).isoformat()
    answer = client.post(NEW, _asked(needed_by=past))
    assert "That day has passed." in answer.text


def test_a_file_too_large_is_refused_by_name_keeping_what_was_typed(client, alice, settings):
    settings.PORTAL_MAX_UPLOAD_BYTES = 2000
    client.force_login(alice)
    big = _pdf("big-report.pdf", PDF_BYTES + b"\0" * 5000)
    answer = client.post(NEW, _asked(attachments=[big, _pdf()]))
    assert answer.status_code == 200
    assert "“big-report.pdf” was not added: it is larger than" in answer.text
    assert "The Commissioner today opened the rural crime hub." in answer.text
    assert "Choose your files again." in answer.text
    assert not PermissionRequest.objects.exists()


def test_a_file_of_the_wrong_kind_is_refused_by_name(client, alice, media):
    client.force_login(alice)
    page_ = SimpleUploadedFile("notes.pdf", b"<html><script>x</script></html>", "application/pdf")
    answer = client.post(NEW, _asked(attachments=page_))
    assert "“notes.pdf” was not added. This file is not a PDF, PNG or JPEG file." in answer.text
    assert "Choose your files again." in answer.text
    assert not any(p.is_file() for p in media.rglob("*"))


def test_more_than_five_files_are_refused(client, alice):
    client.force_login(alice)
    answer = client.post(NEW, _asked(attachments=[_pdf(f"{n}.pdf") for n in range(6)]))
    assert "at most 5 files" in answer.text
    assert not PermissionRequest.objects.exists()


# ---- The request's page and its files ----------------------------------------------------


def _decided(request, version, by, outcome, *, as_delegate=False, **fields):
    return PermissionDecision.objects.create(
        request=request,
        version=version,
        outcome=outcome,
        decided_by=by,
        as_delegate=as_delegate,
        decided_at=timezone.now(),
        **fields,
    )


def test_the_page_shows_every_version_newest_first_and_the_approved_one(
    client, alice, ce_delegate, chief_executive, django_assert_num_queries
):
    request = PermissionRequestFactory(requester=alice, text="First wording.")
    first = request.versions.get()
    VersionAttachmentFactory(version=first, original_name="draft.pdf")
    _decided(
        request,
        first,
        ce_delegate,
        PermissionDecision.Outcome.CHANGES_ASKED,
        reason="Say when it opens.",
        as_delegate=True,
    )
    second = RequestVersion.objects.create(
        request=request,
        number=2,
        text="Second wording.",
        change_note="Added the opening day.",
        submitted_by=alice,
        submitted_at=timezone.now(),
    )
    VersionAttachmentFactory(version=second, original_name="final.pdf")
    _decided(
        request,
        second,
        chief_executive,
        PermissionDecision.Outcome.APPROVED_WITH_CONDITIONS,
        conditions="Complete media training first.",
    )
    request.status = Status.APPROVED_WITH_CONDITIONS
    request.save()
    client.force_login(alice)
    client.get(page("permission", request))

    # The layout; the request; its versions and their files; its decisions.
    with django_assert_num_queries(LAYOUT_QUERIES + 4):
        text = client.get(page("permission", request)).text

    assert "Approved with conditions: version 2" in text
    assert text.index("Second wording.") < text.index("First wording.")
    assert "Added the opening day." in text
    assert "final.pdf" in text
    assert "draft.pdf" in text
    assert "Complete media training first." in text
    assert "Changes asked for</strong>, on version 1" in text
    assert "as the Chief Executive's delegate" in text
    assert "Send a new version" not in text


def test_a_request_is_hidden_from_everyone_but_its_requester_and_the_deciders(
    client, alice, bob, charlie, chief_executive
):
    request = PermissionRequestFactory(requester=alice)
    for person, answer in ((bob, 404), (charlie, 404), (chief_executive, 200), (alice, 200)):
        client.force_login(person)
        assert client.get(page("permission", request)).status_code == answer


def test_a_file_downloads_as_an_attachment_never_stored_and_on_the_record(client, alice, charlie):
    attachment = VersionAttachmentFactory(
        version=PermissionRequestFactory(requester=alice).versions.get()
    )
    url = reverse("socialmedia:permission_file", args=[attachment.pk])
    client.force_login(charlie)
    assert client.get(url).status_code == 404
    assert not AuditEvent.objects.filter(verb=SocialEvent.PERMISSION_FILE_DOWNLOADED).exists()

    client.force_login(alice)
    answer = client.get(url)
    assert answer.status_code == 200
    assert answer["Content-Disposition"].startswith("attachment;")
    assert answer["Content-Type"] == "application/pdf"
    assert answer["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in answer["Cache-Control"]
    assert b"".join(answer.streaming_content) == PDF_BYTES
    event = AuditEvent.objects.get(verb=SocialEvent.PERMISSION_FILE_DOWNLOADED)
    assert event.actor == alice


# ---- Deciding ----------------------------------------------------------------------------


def test_the_chief_executive_decides_from_the_requests_page(client, alice, chief_executive):
    request = PermissionRequestFactory(requester=alice)
    client.force_login(chief_executive)
    shown = client.get(page("permission", request)).text
    assert "Your decision on version 1" in shown
    answer = client.post(
        page("permission_decide", request),
        {"version": "1", "outcome": "changes_asked", "reason": "Say when it opens."},
        follow=True,
    )
    assert "Decision recorded: changes asked for (version 1)." in answer.text
    request.refresh_from_db()
    assert request.status == Status.CHANGES_ASKED


def test_the_decide_form_says_what_is_missing(client, alice, chief_executive):
    request = PermissionRequestFactory(requester=alice)
    client.force_login(chief_executive)
    answer = client.post(
        page("permission_decide", request), {"version": "1", "outcome": "approved_with_conditions"}
    )
    assert answer.status_code == 200
    assert "Write the conditions, such as media training first." in answer.text
    assert not PermissionDecision.objects.exists()


def test_conditions_with_a_plain_approval_come_back_to_be_chosen_or_cleared(
    client, alice, chief_executive
):
    request = PermissionRequestFactory(requester=alice)
    client.force_login(chief_executive)
    answer = client.post(
        page("permission_decide", request),
        {"version": "1", "outcome": "approved", "conditions": "Media training first."},
    )
    assert answer.status_code == 200
    assert "You wrote conditions" in answer.text
    assert "Media training first." in answer.text  # what was typed comes back
    assert not PermissionDecision.objects.exists()


def test_a_newer_version_arriving_meanwhile_is_refused_with_a_clear_message(
    client, alice, chief_executive
):
    request = PermissionRequestFactory(requester=alice)
    RequestVersion.objects.create(
        request=request,
        number=2,
        text="Newer.",
        change_note="Changed.",
        submitted_by=alice,
        submitted_at=timezone.now(),
    )
    client.force_login(chief_executive)
    answer = client.post(
        page("permission_decide", request), {"version": "1", "outcome": "approved"}
    )
    assert "Version 2 arrived while you were reading version 1." in answer.text
    assert 'name="version" value="2"' in answer.text
    # The decision chosen for version 1 is cleared: a second click cannot decide version 2
    # unread.
    assert re.search(r'<input[^>]*name="outcome"[^>]*checked', answer.text) is None
    assert not PermissionDecision.objects.exists()


@pytest.mark.parametrize("closed_by", ["decided", "withdrawn"])
def test_a_request_no_longer_waiting_says_so_without_the_form(
    client, alice, chief_executive, ce_delegate, closed_by
):
    request = PermissionRequestFactory(requester=alice)
    if closed_by == "decided":
        _decided(request, request.versions.get(), ce_delegate, "approved", as_delegate=True)
        request.status = Status.APPROVED
    else:
        request.status = Status.WITHDRAWN
    request.save()
    client.force_login(chief_executive)
    answer = client.post(
        page("permission_decide", request),
        {"version": "1", "outcome": "refused", "reason": "Not now."},
    )
    assert answer.status_code == 200
    assert "This request is no longer waiting for a decision" in answer.text
    assert "Record the decision" not in answer.text
    assert "Your decision on version" not in answer.text
    assert PermissionDecision.objects.filter(outcome="refused").count() == 0


def test_a_delegate_who_asked_cannot_approve_their_own_request_the_chief_executive_can(
    client, ce_delegate, chief_executive
):
    request = PermissionRequestFactory(requester=ce_delegate)
    client.force_login(ce_delegate)
    shown = client.get(page("permission", request)).text
    assert "Your decision" not in shown
    assert "the Chief Executive or another delegate decides on it" in shown
    refused = client.post(
        page("permission_decide", request), {"version": "1", "outcome": "approved"}
    )
    assert "you cannot decide on it" in refused.text
    assert not PermissionDecision.objects.exists()

    client.force_login(chief_executive)
    answer = client.post(
        page("permission_decide", request), {"version": "1", "outcome": "approved"}
    )
    assert answer.status_code == 302
    request.refresh_from_db()
    assert request.status == Status.APPROVED


def test_a_superuser_without_the_role_cannot_see_the_queue_or_decide(client, alice, bob):
    bob.is_superuser = True
    bob.is_staff = True
    bob.save()
    request = PermissionRequestFactory(requester=alice)
    client.force_login(bob)
    assert client.get(QUEUE).status_code == 403
    # Not the requester and no decider: the request is hidden from him, as from anyone else
    # (the route table's requester_or_deciders gives 403 to the requester only).
    assert (
        client.post(
            page("permission_decide", request), {"version": "1", "outcome": "approved"}
        ).status_code
        == 404
    )
    assert not PermissionDecision.objects.exists()


# ---- Revising and withdrawing ------------------------------------------------------------


def test_revising_offers_the_last_text_and_files_and_sends_version_two(
    client, alice, chief_executive
):
    request = PermissionRequestFactory(
        requester=alice, status=Status.CHANGES_ASKED, text="First wording."
    )
    kept = VersionAttachmentFactory(version=request.versions.get(), original_name="draft.pdf")
    _decided(
        request,
        request.versions.get(),
        chief_executive,
        PermissionDecision.Outcome.CHANGES_ASKED,
        reason="Say when it opens.",
    )
    client.force_login(alice)
    form = client.get(page("permission_revise", request)).text
    assert "First wording." in form
    assert "Say when it opens." in form
    assert "draft.pdf" in form

    photo = SimpleUploadedFile("hub.png", png_bytes(), content_type="image/png")
    answer = client.post(
        page("permission_revise", request),
        {
            "text": "Second wording.",
            "change_note": "Added the day.",
            "keep": [str(kept.pk)],
            "attachments": photo,
        },
        follow=True,
    )
    assert "Version 2 has gone to the Chief Executive." in answer.text
    version = request.versions.get(number=2)
    assert sorted(a.original_name for a in version.attachments.all()) == ["draft.pdf", "hub.png"]


def _orphans(media) -> list[str]:
    """Stored files no attachment names: left behind by a change that did not happen."""
    named = {str(media / a.file.name) for a in VersionAttachment.objects.all()}
    return [str(p) for p in media.rglob("*") if p.is_file() and str(p) not in named]


def _fails_after_the_service(monkeypatch) -> None:
    # The page breaks after the service has done its work (the redirect, here): the request's
    # own transaction must not roll back rows whose files the service stored and kept.
    def broken(*args, **kwargs):
        raise RuntimeError("the page broke after the service")

    monkeypatch.setattr("socialmedia.views.permissions.redirect", broken)


def test_a_request_page_failing_after_asking_leaves_no_file_behind(
    client, alice, media, monkeypatch
):
    _fails_after_the_service(monkeypatch)
    client.force_login(alice)
    with pytest.raises(RuntimeError):
        client.post(NEW, _asked(attachments=_pdf()))
    assert _orphans(media) == []
    # What the service made stands, with its file: the request was sent.
    assert VersionAttachment.objects.get().version.request.title == "Rural crime hub opens"


def test_a_revise_page_failing_after_revising_leaves_no_file_behind(
    client, alice, media, monkeypatch
):
    request = PermissionRequestFactory(requester=alice, status=Status.CHANGES_ASKED)
    _fails_after_the_service(monkeypatch)
    client.force_login(alice)
    photo = SimpleUploadedFile("hub.png", png_bytes(), content_type="image/png")
    with pytest.raises(RuntimeError):
        client.post(
            page("permission_revise", request),
            {"text": "Second.", "change_note": "Added.", "attachments": photo},
        )
    assert _orphans(media) == []
    assert request.versions.get(number=2).attachments.get().original_name == "hub.png"


def test_revising_needs_a_note_of_what_changed(client, alice):
    request = PermissionRequestFactory(requester=alice, status=Status.CHANGES_ASKED)
    client.force_login(alice)
    answer = client.post(page("permission_revise", request), {"text": "Second."})
    assert "Say what you changed." in answer.text
    assert request.versions.count() == 1


def test_a_request_not_waiting_for_changes_goes_back_to_its_page(client, alice):
    request = PermissionRequestFactory(requester=alice)
    client.force_login(alice)
    answer = client.get(page("permission_revise", request))
    assert answer["Location"] == page("permission", request)


def test_withdrawing_from_the_page(client, alice):
    request = PermissionRequestFactory(requester=alice)
    client.force_login(alice)
    answer = client.post(
        page("permission_withdraw", request), {"reason": "Cancelled."}, follow=True
    )
    assert "Your request is withdrawn." in answer.text
    request.refresh_from_db()
    assert request.status == Status.WITHDRAWN


# ---- Lists and the panel -----------------------------------------------------------------


def _requests(requester, count, **fields):
    now = timezone.now()
    return [
        PermissionRequestFactory(
            requester=requester, submitted_at=now - timedelta(hours=count - n), **fields
        )
        for n in range(count)
    ]


def test_the_queue_puts_open_requests_first_then_the_oldest(client, alice, chief_executive):
    now = timezone.now()
    closed = PermissionRequestFactory(
        requester=alice,
        title="Old and approved",
        status=Status.APPROVED,
        submitted_at=now - timedelta(days=9),
    )
    newer = PermissionRequestFactory(requester=alice, title="Newer", submitted_at=now)
    older = PermissionRequestFactory(
        requester=alice, title="Older", submitted_at=now - timedelta(days=1)
    )
    client.force_login(chief_executive)
    rows = list(client.get(QUEUE).context["page"].object_list)
    assert rows == [older, newer, closed]
    only_open = client.get(QUEUE, {"status": "open"}).context["page"].object_list
    assert list(only_open) == [older, newer]
    speaking = client.get(QUEUE, {"kind": Kind.SPEAKING})
    assert "No request matches." in speaking.text


@pytest.mark.parametrize("url", [QUEUE, MINE])
def test_the_lists_cost_as_many_queries_with_many_rows_as_with_few(
    client, alice, chief_executive, django_assert_num_queries, url
):
    viewer = chief_executive if url == QUEUE else alice
    # The layout, the Chief Executive's second step, the page of requests with their
    # requesters.
    queries = LAYOUT_QUERIES + (1 if url == QUEUE else 0) + 1
    client.force_login(viewer)
    client.get(url)
    _requests(alice, 2)
    with django_assert_num_queries(queries):
        client.get(url)
    _requests(alice, 60, status=Status.REFUSED)
    with django_assert_num_queries(queries):
        answer = client.get(url)
    assert 'rel="next"' in answer.text


def test_your_requests_are_only_yours(client, alice, bob):
    PermissionRequestFactory(requester=bob, title="Bob's talk")
    PermissionRequestFactory(requester=alice, title="Alice's release")
    client.force_login(alice)
    text = client.get(MINE).text
    assert "Alice&#x27;s release" in text
    assert "Bob&#x27;s talk" not in text


def test_the_lists_say_when_they_are_empty(client, alice, chief_executive):
    client.force_login(alice)
    assert "You have not asked for any permission yet." in client.get(MINE).text
    client.force_login(chief_executive)
    assert "Nobody has asked for permission yet." in client.get(QUEUE).text


def test_the_panel_tells_a_decider_how_many_wait_in_one_query(client, alice, chief_executive):
    _requests(alice, 3)
    PermissionRequestFactory(requester=chief_executive)  # their own is not theirs to decide
    client.force_login(chief_executive)
    text = client.get(reverse("portal:dashboard")).text
    assert "Permission from the Chief Executive" in text
    assert "3 requests wait for a decision." in text
    assert panels_cost(client, "socialmedia-permissions") == 1


def test_the_panel_shows_everyone_how_to_ask_at_no_cost(client, alice):
    client.force_login(alice)
    text = client.get(reverse("portal:dashboard")).text
    assert reverse("socialmedia:permission_new") in text
    assert "wait for a decision" not in text
    assert panels_cost(client, "socialmedia-permissions") == 0
