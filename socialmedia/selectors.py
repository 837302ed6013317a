"""Reads the social media app shares between its parts."""

from portal.models import OrganisationSettings, User
from portal.roles import Role
from portal.selectors import role_holders
from socialmedia.models import DECIDER_ROLES


def chief_executives() -> list[User]:
    """The active Chief Executives (normally one): told of every change to the register."""
    return role_holders([Role.CHIEF_EXECUTIVE])


def deciders() -> list[User]:
    """The Chief Executive and every active delegate: told of what waits for a decision."""
    return role_holders(list(DECIDER_ROLES))


def chief_executive_mailbox() -> list[str]:
    """The organisation's Chief Executive mailbox, used when nobody holds the role, so that a
    notice never reaches no one."""
    email = OrganisationSettings.load().chief_executive_email
    return [email] if email else []


def chief_executive_recipients() -> list[User | str]:
    """Who hears of a change to the register on the Chief Executive's behalf (paragraph 23):
    the Chief Executives; when nobody holds the role, the organisation's Chief Executive
    mailbox, so a notice never reaches no one; empty when there is neither (a sweep then claims
    nothing, so the reminder waits)."""
    people: list[User | str] = list(chief_executives())
    return people or list(chief_executive_mailbox())
