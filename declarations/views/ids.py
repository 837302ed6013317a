"""Record ids read from the portal's own links (`?from=12`, `?with=7`)."""


def id_from_link(text: str) -> int | None:
    """A record's id as the portal's own links write it, or None for anything else. isdigit()
    alone takes "²" and digits of other scripts, which int() refuses or reads as another id,
    and a number past any id's range."""
    if text.isascii() and text.isdigit() and len(text) <= 9:
        return int(text)
    return None
