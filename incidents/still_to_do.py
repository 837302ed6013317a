"""What the person must still do once they have reported, by kind: shown on the confirmation
page, at the top of their open report, and in the email that confirms it. Seed 004: a lost or
stolen device, a compromised password, a device that is not right go to the helpdesk at once
(paragraph 56); a suspected virus means breaking the connection and stopping (paragraph 41);
unsuitable material opened by accident is explained to the manager (paragraph 40)."""

from dataclasses import dataclass

from incidents.kinds import DEVICE_KINDS, Kind
from incidents.models import Incident

# Reports the helpdesk can act on only if it hears at once, by phone, whatever the hour.
CALL_NOW = DEVICE_KINDS | {Kind.COMPROMISED_PASSWORD, Kind.VIRUS}


@dataclass(frozen=True)
class StillToDo:
    call_helpdesk: bool
    change_password: bool
    steps: list[str]


def _steps(incident: Incident) -> list[str]:
    kind = incident.kind
    call = "Call the IT helpdesk now, whatever the time: do not wait for a reply to this report."
    if kind == Kind.LOST_DEVICE:
        return [
            call + " They can block the device and wipe it from a distance.",
            "If you find it, tell the helpdesk at once and add that to this report.",
        ]
    if kind == Kind.STOLEN_DEVICE:
        return [
            call + " They can block the device and wipe it from a distance.",
            "Report the theft to the police if you have not yet, and add the crime reference "
            "to this report.",
        ]
    if kind == Kind.DEVICE_FAULT:
        return [
            "Stop using the device and keep it as it is: do not try to repair or reset it.",
            call,
        ]
    if kind == Kind.COMPROMISED_PASSWORD:
        return [
            "Change your password now, and anywhere else you used the same one.",
            call + " They can check the account and sign out anyone else.",
        ]
    if kind == Kind.VIRUS:
        return [
            "Break the connection now: unplug the network cable and turn off Wi-Fi.",
            "Stop using the device, and do not open the file again.",
            call,
        ]
    if kind == Kind.DATA_BREACH:
        return [
            "Keep what shows what happened (the email that went to the wrong person, for "
            "example): do not delete it.",
            "Answer the data protection officer quickly when they contact you: a breach may "
            "have to be reported to the Information Commissioner within 72 hours.",
        ]
    if kind == Kind.INAPPROPRIATE_CONTENT:
        return [
            "Do not forward, copy or share the content, not even to show someone.",
            "Do not delete it until Professional Standards say you may: they may need to see it.",
        ]
    if kind == Kind.UNSUITABLE_MATERIAL:
        who = "Your line manager" if incident.to_manager else "The data protection officer"
        return [
            "Close the page or file, and do not open it again.",
            f"{who} will talk to you about how it happened. A genuine accident is generally "
            "not acted on.",
        ]
    if kind == Kind.ONLINE_CONTENT:
        return [
            "Do not reply to the content or share it.",
            "If you have not said where it is (the address of the page), add that to this report.",
        ]
    return [
        "The data protection officer will read your report and contact you if they need "
        "to know more."
    ]


def still_to_do(incident: Incident) -> StillToDo:
    return StillToDo(
        call_helpdesk=incident.kind in CALL_NOW,
        change_password=incident.kind == Kind.COMPROMISED_PASSWORD,
        steps=_steps(incident),
    )
