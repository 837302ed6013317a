from django.http import HttpRequest


def declarations_panel(request: HttpRequest) -> tuple[str, dict] | None:
    """The "my declarations" panel on the dashboard (filled in by the declarations work)."""
    return None
