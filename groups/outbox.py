"""The deduplication keys of the messages the chat-group register sends, in one place.

Each part of the app adds its own block of functions, one per kind of message; each key names
the object and the person (and, where one object earns several, the moment it is for), so
nothing is sent twice. The `:` after each id keeps cycle 12's keys apart from cycle 123's.
"""

from datetime import UTC, datetime

# --- Clear-down cycles (groups/services/cleardowns.py) ---------------------------------------


def _instant(at: datetime) -> str:
    return f"{at.astimezone(UTC):%Y%m%dT%H%M%S.%fZ}"


def cleardown_admin_key(cycle_id: int, user_id: int) -> str:
    """Asking the prompter to post the prompt in the chat: once per cycle."""
    return f"cd-admin:{cycle_id}:{user_id}"


def cleardown_member_key(cycle_id: int, user_id: int) -> str:
    """Asking a member to clear the chat and confirm: once per cycle per member."""
    return f"cd-member:{cycle_id}:{user_id}"


def cleardown_member_reminder_key(cycle_id: int, user_id: int) -> str:
    """Reminding a member who has not confirmed by the deadline: once per cycle."""
    return f"cd-member-reminder:{cycle_id}:{user_id}"


def prompt_reminder_key(cycle_id: int, user_id: int) -> str:
    """Reminding the prompter who has not confirmed posting by the deadline: once per cycle."""
    return f"cd-prompt-reminder:{cycle_id}:{user_id}"


def prompt_escalated_key(first_cycle_id: int, sweep_at: datetime, user_id: int) -> str:
    """The digest telling the DPO (and deputy) of prompts not posted: one per sweep batch per
    recipient, named by the first cycle it lists and the sweep's instant (each cycle is claimed
    for one digest only, so two digests never list the same cycle)."""
    return f"cd-escalated:{first_cycle_id}:{_instant(sweep_at)}:{user_id}"
