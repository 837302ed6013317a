"""Who hears of a change to the register on the Chief Executive's behalf (paragraph 23: owners
inform the Chief Executive of a new password, name or owner)."""

from portal.models import User
from socialmedia.selectors import chief_executive_mailbox, chief_executives


def chief_executive_recipients() -> list[User | str]:
    """The Chief Executives; when nobody holds the role, the organisation's Chief Executive
    mailbox, so a notice never reaches no one. One query."""
    people: list[User | str] = list(chief_executives())
    return people or list(chief_executive_mailbox())
