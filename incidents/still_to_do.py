"""What must still be done once a report is made, by kind: shown on the confirmation page, at
the top of an open report, and in the email that confirms it. Seed 004: a lost or stolen
device, a compromised password, a device that is not right go to the helpdesk at once
(paragraph 56); a suspected virus means breaking the connection and stopping (paragraph 41);
unsuitable material opened by accident is explained to the manager (paragraph 40).

The steps speak to whoever reads them. The person it happened to is told what to do; someone
who reported it for them (their manager, say) is told what to tell them, and is not offered
the buttons that only the person can use (changing their own password). Once the helpdesk has
done all it will, nobody is told to call it."""

from dataclasses import dataclass

from incidents.kinds import DEVICE_KINDS, Kind
from incidents.models import Incident
from portal.models import User

# Reports the helpdesk can act on only if it hears at once, by phone, whatever the hour.
CALL_NOW = DEVICE_KINDS | {Kind.COMPROMISED_PASSWORD, Kind.VIRUS}


@dataclass(frozen=True)
class StillToDo:
    call_helpdesk: bool
    change_password: bool
    steps: list[str]


@dataclass(frozen=True)
class _Step:
    """One step, as said to the person it happened to, and as said to someone who reported it
    for them ({name} is the person's name)."""

    you: str
    them: str
    # Calling the helpdesk: dropped once the helpdesk has done all it will.
    call: bool = False


def _call(then_you: str = "", then_them: str = "") -> _Step:
    return _Step(
        "Call the IT helpdesk now, whatever the time: do not wait for a reply to this report."
        + then_you,
        "Tell {name} to call the IT helpdesk now, whatever the time, without waiting for a "
        "reply to this report." + then_them,
        call=True,
    )


def _steps(incident: Incident) -> list[_Step]:
    kind = incident.kind
    if kind == Kind.LOST_DEVICE:
        return [
            _call(
                " They can block the device and wipe it from a distance.",
                " The helpdesk can block the device and wipe it from a distance.",
            ),
            _Step(
                "If you find it, tell the helpdesk at once and add that to this report.",
                "Tell {name} to let the helpdesk know at once if they find it, and add that to "
                "this report.",
            ),
        ]
    if kind == Kind.STOLEN_DEVICE:
        return [
            _call(
                " They can block the device and wipe it from a distance.",
                " The helpdesk can block the device and wipe it from a distance.",
            ),
            _Step(
                "Report the theft to the police if you have not yet, and add the crime "
                "reference to this report.",
                "Tell {name} to report the theft to the police if they have not yet, and add "
                "the crime reference to this report.",
            ),
        ]
    if kind == Kind.DEVICE_FAULT:
        return [
            _Step(
                "Stop using the device and keep it as it is: do not try to repair or reset it.",
                "Tell {name} to stop using the device and keep it as it is, without trying to "
                "repair or reset it.",
            ),
            _call(),
        ]
    if kind == Kind.COMPROMISED_PASSWORD:
        return [
            _Step(
                "Change your password now, and anywhere else you used the same one.",
                "Tell {name} to change their password now, and anywhere else they used the "
                "same one.",
            ),
            _call(
                " They can check the account and sign out anyone else.",
                " The helpdesk can check the account and sign out anyone else.",
            ),
        ]
    if kind == Kind.VIRUS:
        return [
            _Step(
                "Break the connection now: unplug the network cable and turn off Wi-Fi.",
                "Tell {name} to break the connection now: unplug the network cable and turn "
                "off Wi-Fi.",
            ),
            _Step(
                "Stop using the device, and do not open the file again.",
                "Tell {name} to stop using the device, and not to open the file again.",
            ),
            _call(),
        ]
    if kind == Kind.DATA_BREACH:
        return [
            _Step(
                "Keep what shows what happened (the email that went to the wrong person, for "
                "example): do not delete it.",
                "Tell {name} to keep what shows what happened (the email that went to the "
                "wrong person, for example), and not to delete it.",
            ),
            _Step(
                "Answer the data protection officer quickly when they contact you: a breach "
                "may have to be reported to the Information Commissioner within 72 hours.",
                "Tell {name} to answer the data protection officer quickly when contacted: a "
                "breach may have to be reported to the Information Commissioner within 72 "
                "hours.",
            ),
        ]
    if kind == Kind.INAPPROPRIATE_CONTENT:
        return [
            _Step(
                "Do not forward, copy or share the content, not even to show someone.",
                "Tell {name} not to forward, copy or share the content, not even to show someone.",
            ),
            _Step(
                "Do not delete it until Professional Standards say you may: they may need to "
                "see it.",
                "Tell {name} not to delete it until Professional Standards say so: they may "
                "need to see it.",
            ),
        ]
    if kind == Kind.UNSUITABLE_MATERIAL:
        who, whose = (
            ("Your line manager", "Their line manager")
            if incident.to_manager
            else ("The data protection officer", "The data protection officer")
        )
        accident = " about how it happened. A genuine accident is generally not acted on."
        return [
            _Step(
                "Close the page or file, and do not open it again.",
                "Tell {name} to close the page or file, and not to open it again.",
            ),
            _Step(f"{who} will talk to you{accident}", f"{whose} will talk to {{name}}{accident}"),
        ]
    if kind == Kind.ONLINE_CONTENT:
        return [
            _Step(
                "Do not reply to the content or share it.",
                "Tell {name} not to reply to the content or share it.",
            ),
            _Step(
                "If you have not said where it is (the address of the page), add that to this "
                "report.",
                "If you have not said where it is (the address of the page), add that to this "
                "report.",
            ),
        ]
    return [
        _Step(
            "The data protection officer will read your report and contact you if they need "
            "to know more.",
            "The data protection officer will read the report and contact you or {name} if "
            "they need to know more.",
        )
    ]


def still_to_do(incident: Incident, viewer: User) -> StillToDo:
    """What is still to be done, worded for `viewer`: the person it happened to, or the
    colleague who reported it for them."""
    person = incident.person
    for_them = viewer.pk != person.pk
    call = incident.kind in CALL_NOW and incident.helpdesk_done_at is None
    steps = [step for step in _steps(incident) if call or not step.call]
    return StillToDo(
        call_helpdesk=call,
        change_password=incident.kind == Kind.COMPROMISED_PASSWORD and not for_them,
        steps=[step.them.format(name=person.full_name) if for_them else step.you for step in steps],
    )
