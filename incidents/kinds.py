"""What can be reported, and who hears of each kind: the one routing table the report form,
the emails on submission, the queues and every access check read.

A report is routed when it is made, and the routing is kept on the incident (`Incident.to_*`),
so who may see it does not change if this table does later.
"""

from enum import StrEnum

from django.db import models

from portal.roles import Role


class Kind(models.TextChoices):
    LOST_DEVICE = "lost_device", "Lost device"
    STOLEN_DEVICE = "stolen_device", "Stolen device"
    COMPROMISED_PASSWORD = "compromised_password", "Compromised password"
    DEVICE_FAULT = "device_fault", "Device tampered with or not working as it should"
    VIRUS = "virus", "Suspected virus"
    DATA_BREACH = "data_breach", "Personal data breach (such as an email to the wrong person)"
    INAPPROPRIATE_CONTENT = "inappropriate_content", "Inappropriate content I received"
    UNSUITABLE_MATERIAL = "unsuitable_material", "Unsuitable material I opened by accident"
    ONLINE_CONTENT = "online_content", "Content online about the organisation"
    OTHER = "other", "Something else"


class Handler(StrEnum):
    """Who deals with a report. Each is a role, except the line manager, who follows from the
    reporting line of the person the report is about."""

    HELPDESK = "helpdesk"
    DPO = "dpo"
    PSD = "psd"
    LINE_MANAGER = "line_manager"
    CHIEF_EXECUTIVE = "chief_executive"


# The roles that act as each handler (the deputy DPO with the DPO, the delegate with the Chief
# Executive). The line manager is no role.
HANDLER_ROLES: dict[Handler, tuple[Role, ...]] = {
    Handler.HELPDESK: (Role.HELPDESK,),
    Handler.DPO: (Role.DPO, Role.DEPUTY_DPO),
    Handler.PSD: (Role.PSD,),
    Handler.LINE_MANAGER: (),
    Handler.CHIEF_EXECUTIVE: (Role.CHIEF_EXECUTIVE, Role.CE_DELEGATE),
}

# A device in the wrong hands: the form asks about the device; the confirmation says to call
# the helpdesk now.
DEVICE_KINDS = frozenset({Kind.LOST_DEVICE, Kind.STOLEN_DEVICE, Kind.DEVICE_FAULT})

# Seed 004 paragraphs 41 and 56: devices, passwords and viruses go to the IT helpdesk at once;
# a lost device (or a password someone else may have) may also be a personal data breach, so
# the DPO hears of it too. Inappropriate content goes to Professional Standards (paragraph 15),
# unsuitable material opened by accident to the manager (paragraph 40), content online about
# the organisation to the Chief Executive (paragraph 37).
ROUTES: dict[Kind, frozenset[Handler]] = {
    Kind.LOST_DEVICE: frozenset({Handler.HELPDESK, Handler.DPO}),
    Kind.STOLEN_DEVICE: frozenset({Handler.HELPDESK, Handler.DPO}),
    Kind.COMPROMISED_PASSWORD: frozenset({Handler.HELPDESK, Handler.DPO}),
    Kind.DEVICE_FAULT: frozenset({Handler.HELPDESK, Handler.DPO}),
    Kind.VIRUS: frozenset({Handler.HELPDESK, Handler.DPO}),
    Kind.DATA_BREACH: frozenset({Handler.DPO}),
    Kind.INAPPROPRIATE_CONTENT: frozenset({Handler.PSD}),
    Kind.UNSUITABLE_MATERIAL: frozenset({Handler.LINE_MANAGER}),
    Kind.ONLINE_CONTENT: frozenset({Handler.CHIEF_EXECUTIVE}),
    Kind.OTHER: frozenset({Handler.DPO}),
}


def handlers_for(kind: str, *, has_line_manager: bool) -> frozenset[Handler]:
    """Who hears of a report of this kind. Someone with no line manager on record: their
    report of unsuitable material goes to the DPO instead, so it never reaches nobody."""
    handlers = ROUTES[Kind(kind)]
    if Handler.LINE_MANAGER in handlers and not has_line_manager:
        return (handlers - {Handler.LINE_MANAGER}) | {Handler.DPO}
    return handlers


def kinds_for(handler: Handler) -> list[Kind]:
    return [kind for kind, handlers in ROUTES.items() if handler in handlers]


class Answer(models.TextChoices):
    """A yes or no the person may not know in a hurry."""

    YES = "yes", "Yes"
    NO = "no", "No"
    UNKNOWN = "unknown", "Don't know"


class DeviceType(models.TextChoices):
    PHONE = "phone", "Mobile phone"
    LAPTOP = "laptop", "Laptop"
    TABLET = "tablet", "Tablet"
    DESKTOP = "desktop", "Desktop computer"
    REMOVABLE = "removable", "USB stick or other removable storage"
    RADIO = "radio", "Radio or body-worn device"
    OTHER = "other", "Other device"
