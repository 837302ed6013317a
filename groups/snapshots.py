"""What a submission keeps of the registration it sent (a JSON snapshot), and what changed
between two of them, for the DPO's decision page."""

from dataclasses import dataclass
from typing import Any

from groups.models import ChatGroup, Platform, Weekday
from groups.selectors import current_externals

# Every field of a registration as the DPO reads it, in the order the decision page shows them.
FIELDS = {
    "name": "Group name",
    "platform": "App",
    "purpose": "Business purpose",
    "audience": "Who the group is for",
    "will_post": "What will be posted",
    "never_post": "What must never be posted",
    "why_not_corporate": "Why email or Teams will not do",
    "expected_size": "Expected number of members",
    "has_external_members": "People from outside the organisation will be members",
    "logo_confirmed": "Carries the organisation's logo",
    "clear_down": "Clears the chat",
    "admin": "Admin",
    "deputy": "Deputy admin",
    "members": "Members of staff",
    "external_members": "Members from outside the organisation",
}


def _person(user) -> dict[str, Any] | None:
    if user is None:
        return None
    return {"id": user.pk, "name": user.full_name, "email": user.email}


def snapshot(group: ChatGroup) -> dict[str, Any]:
    """The registration as it stands, with its current members: two queries."""
    members = group.memberships.current().select_related("user").order_by("user__full_name")
    externals = current_externals(group).order_by("name", "pk")
    return {
        "name": group.name,
        "platform": group.platform_name,
        "purpose": group.purpose,
        "audience": group.audience,
        "will_post": group.will_post,
        "never_post": group.never_post,
        "why_not_corporate": group.why_not_corporate,
        "expected_size": group.expected_size,
        "has_external_members": group.has_external_members,
        "logo_confirmed": group.logo_confirmed,
        "clear_down": f"{Weekday(group.cleardown_weekday).label} at {group.cleardown_time:%H:%M}",
        "admin": _person(group.admin),
        "deputy": _person(group.deputy),
        "members": [_person(m.user) for m in members],
        "external_members": [
            {"name": e.name, "organisation": e.organisation, "contact": e.contact}
            for e in externals
        ],
    }


def _shown(key: str, value: Any) -> str:
    """A snapshot value as words."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if key in ("admin", "deputy"):
        return f"{value['name']} ({value['email']})"
    if key == "members":
        return "\n".join(f"{p['name']} ({p['email']})" for p in value) or "—"
    if key == "external_members":
        return "\n".join(f"{p['name']}, {p['organisation']}, {p['contact']}" for p in value) or "—"
    return str(value)


@dataclass(frozen=True)
class Difference:
    label: str
    before: str
    after: str


def differences(before: dict[str, Any], after: dict[str, Any]) -> list[Difference]:
    """Each field whose value differs between two snapshots, in the page's order."""
    return [
        Difference(label, _shown(key, before.get(key)), _shown(key, after.get(key)))
        for key, label in FIELDS.items()
        if key in before and key in after and before[key] != after[key]
    ]


def proposed_differences(details: dict[str, Any]) -> list[Difference]:
    """What a proposed change would change, from the registration it was proposed against."""
    proposed = details.get("proposed", {})
    after = {
        "name": proposed.get("name"),
        "purpose": proposed.get("purpose"),
        "expected_size": proposed.get("expected_size", details.get("expected_size")),
        "platform": (
            proposed.get("platform_other")
            if proposed.get("platform") == Platform.OTHER
            else Platform(proposed["platform"]).label
            if proposed.get("platform") in Platform.values
            else proposed.get("platform")
        ),
    }
    return differences({k: details.get(k) for k in after}, after)


def rows(details: dict[str, Any]) -> list[tuple[str, str]]:
    """A snapshot as (label, words) rows, for the decision page."""
    return [(label, _shown(key, details[key])) for key, label in FIELDS.items() if key in details]
