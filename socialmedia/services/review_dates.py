"""When an account's owner next confirms it is right: the organisation's interval (default
quarterly) in calendar months, UK local time."""

from datetime import datetime

from portal.lib.uktime import months_on
from portal.models import OrganisationSettings


def next_review_due(after: datetime) -> datetime:
    return months_on(after, OrganisationSettings.load().social_review_months)
