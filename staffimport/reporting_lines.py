"""Line managers in HR's file: that each one exists, that no reporting line goes round in a loop
(also through people the file does not mention), and the order in which applying must add
people so that every line manager is there before the people they manage."""

from collections.abc import Callable

from portal.models import User
from staffimport.parsing import Problem, shown

_QUERY_CHUNK = 5000


def check_managers(
    managers: dict[str, str],
    lines: dict[str, int],
    leaving: set[str],
    problem: Callable[[Problem], None],
    warn: Callable[[Problem], None],
) -> dict[str, tuple]:
    """Line managers named in the file must be in it or in the portal. Returns the ones found
    in the portal: staff number -> (id, name, active, their line manager's id)."""
    outside = sorted(set(managers.values()) - lines.keys())
    found: dict[str, tuple] = {}
    for start in range(0, len(outside), _QUERY_CHUNK):
        for pk, number, name, active, manager_id in User.objects.filter(
            staff_number__in=outside[start : start + _QUERY_CHUNK]
        ).values_list("pk", "staff_number", "full_name", "is_active", "line_manager_id"):
            found[number] = (pk, name, active, manager_id)
    column = "line_manager_staff_number"
    for number, manager in managers.items():
        line = lines[number]
        if manager in lines:
            if manager in leaving:
                warn(
                    Problem(
                        line,
                        column,
                        f"their line manager, {shown(manager)}, leaves in this same file.",
                    )
                )
        elif manager not in found:
            problem(
                Problem(
                    line,
                    column,
                    f"nobody with staff number {shown(manager)} is in this file or in the portal.",
                )
            )
        elif not found[manager][2]:
            warn(
                Problem(
                    line,
                    column,
                    f"their line manager, {shown(manager)} ({found[manager][1]}), has left the "
                    "portal.",
                )
            )
    return found


def check_loops(
    managers: dict[str, str],
    lines: dict[str, int],
    found: dict[str, tuple],
    problem: Callable[[Problem], None],
) -> None:
    """Refuse loops (A manages B manages A), including loops through people not in the file."""
    if not managers:
        return
    nodes, key_id = _portal_lines_above(lines, found)

    def parent(key: str) -> str | None:
        if key in lines:
            return managers.get(key)
        pk = key_id.get(key)
        manager_id = nodes[pk][1] if pk in nodes else None
        return nodes[manager_id][0] if manager_id in nodes else None

    state: dict[str, int] = {}  # 1: on the path being walked, 2: known to end well
    for start in managers:
        path: list[str] = []
        key: str | None = start
        while key is not None and key not in state:
            state[key] = 1
            path.append(key)
            key = parent(key)
        if key is not None and state[key] == 1:
            loop = path[path.index(key) :] + [key]
            line = min(lines[k] for k in loop if k in lines)
            problem(
                Problem(
                    line,
                    "line_manager_staff_number",
                    "this makes a loop in the reporting "
                    "line: " + " → ".join(k.lstrip("#") for k in loop) + ".",
                )
            )
        for walked in path:
            state[walked] = 2


def _portal_lines_above(
    lines: dict[str, int], found: dict[str, tuple]
) -> tuple[dict[int, tuple[str, int | None]], dict[str, int]]:
    """Walk up from the managers outside the file as far as the portal's reporting lines go,
    stopping at anyone in the file (whose line manager the file decides). Returns each person
    met, id -> (staff number or "#id", their line manager's id), and that key -> id."""
    nodes: dict[int, tuple[str, int | None]] = {}
    key_id: dict[str, int] = {}
    for number, (pk, _name, _active, manager_id) in found.items():
        nodes[pk] = (number, manager_id)
        key_id[number] = pk
    frontier = {m for _k, m in nodes.values() if m and m not in nodes}
    while frontier:
        chunk = list(frontier)[:_QUERY_CHUNK]
        frontier -= set(chunk)
        for pk, number, manager_id in User.objects.filter(pk__in=chunk).values_list(
            "pk", "staff_number", "line_manager_id"
        ):
            key = number or f"#{pk}"
            in_file = number in lines
            nodes[pk] = (key, None if in_file else manager_id)
            key_id.setdefault(key, pk)
            if manager_id and manager_id not in nodes and not in_file:
                frontier.add(manager_id)
    return nodes, key_id


def apply_order(managers: dict[str, str], arriving: set[str]) -> dict[str, int]:
    """Depth below the managers that applying must add first (the file has no loops by now).
    An import of people who are all in the portal already is applied in a single pass."""
    depth: dict[str, int] = {}
    for start in managers:
        path = []
        key = start
        while managers.get(key) in arriving and key not in depth:
            path.append(key)
            key = managers[key]
        level = depth.get(key, 0)
        for walked in reversed(path):
            level += 1
            depth[walked] = level
    return depth
