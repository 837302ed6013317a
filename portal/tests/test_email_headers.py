"""No email header takes a line break from what people typed: a subject is one line, whatever
line separators a name or an organisation setting holds, in the row and in the message sent."""

import pytest
from django.utils import timezone

from portal.models import OrganisationSettings
from portal.services.notifications import notification_queue

pytestmark = pytest.mark.django_db

# CR and LF, and the other characters some mail readers or parsers take as the end of a line.
BREAKS = ["\r\n", "\n", "\r", "\x0b", "\x0c", "\x85", "\u2028", "\u2029", "\x1c", "\x1d", "\x1e"]


@pytest.mark.parametrize("brk", BREAKS)
def test_a_subject_is_one_line_in_the_row_and_in_the_email_sent(
    alice, mailoutbox, django_capture_on_commit_callbacks, brk
):
    org = OrganisationSettings.load()
    org.short_name = f"Northshire{brk}Bcc: attacker@example.net{brk}"
    org.save()
    with django_capture_on_commit_callbacks(execute=True):
        row = notification_queue(
            to=alice,
            template="portal.password_changed",
            dedup_key=f"header-test:{ord(brk[-1])}",
            context={"reset": False, "changed_at": timezone.now()},
        )
    assert row is not None
    assert row.subject == (
        "Your Northshire Bcc: attacker@example.net compliance portal password was changed"
    )
    [sent] = mailoutbox
    message = sent.message()
    assert message.get_all("Bcc") is None
    assert sent.bcc == []
    # A long subject is folded onto continuation lines (a line break then a space), which
    # readers join up again; nothing the name held starts a header of its own.
    assert " ".join(str(message["Subject"]).split()) == row.subject
    headers = message.as_bytes().split(b"\n\n", 1)[0].decode()
    assert "\nBcc:" not in headers
