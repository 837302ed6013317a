"""The preview names departments and line managers as people know them, not by HR's codes.

Rows refer to them by department code and staff number (a file can name a department or a
manager it adds itself, further down), so the shown part of the preview is named once the whole
file has been compared: from the file first (the name it is about to give), then the portal.
"""

from typing import Any

from portal.models import User
from staffimport.compare import Context, show

# Fields of a preview item or change that hold a code to name.
NAMED = ("department", "line_manager")


def name_preview(
    items: list[dict[str, Any]],
    changes: list[dict[str, Any]],
    *,
    ctx: Context,
    new_departments: list[dict[str, str]],
    file_names: dict[str, str],
) -> None:
    """Replace codes in the shown creates (`items`) and updates (`changes`) in place: two
    queries at most, whatever the size of the file (the shown lists are capped)."""
    departments = {code: d.name for code, d in ctx.departments.items()}
    departments.update({d["code"].lower(): d["name"] for d in new_departments if d["name"]})
    people = _people(_manager_numbers(items, changes) - file_names.keys() - {""})

    def named(field: str, code: str | None) -> str | None:
        if not code:
            return code
        if field == "department":
            return departments.get(code.lower(), code)
        return file_names.get(code) or people.get(code) or code.lstrip("#")

    for item in items:
        for field in NAMED:
            item[field] = named(field, item[field]) or ""
    for item in changes:
        for name, change in zip(item.pop("_fields"), item["changes"], strict=True):
            if name in NAMED:
                change[1], change[2] = (show(name, named(name, v)) for v in change[1:])


def _manager_numbers(items: list[dict[str, Any]], changes: list[dict[str, Any]]) -> set[str]:
    """Every line manager's staff number (or "#id") in the shown creates and updates."""
    numbers: set[str] = set()
    for item in items:
        numbers.add(item["line_manager"])
    for item in changes:
        for name, change in zip(item["_fields"], item["changes"], strict=True):
            if name == "line_manager":
                numbers.update(v for v in change[1:] if v)
    return numbers


def _people(keys: set[str]) -> dict[str, str]:
    """Names by staff number, and by "#id" for a manager HR does not give a number."""
    numbers = [k for k in keys if not k.startswith("#")]
    ids = [int(k[1:]) for k in keys if k.startswith("#") and k[1:].isdigit()]
    found = dict(
        User.objects.filter(staff_number__in=numbers).values_list("staff_number", "full_name")
    )
    found.update(
        {
            f"#{pk}": name
            for pk, name in User.objects.filter(pk__in=ids).values_list("pk", "full_name")
        }
    )
    return found
