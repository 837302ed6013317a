from django.db.models import TextChoices
from django.http import HttpResponse

from portal.access import access_required, is_signed_in
from portal.registry import DemoLoader, MenuEntry, Panel, registry

LEFT: list[str] = []
LOADED: list[str] = []


class TrivialVerb(TextChoices):
    POKED = "trivial.poked", "Poked the trivial app"


@access_required(is_signed_in)
def home(request):
    return HttpResponse("trivial home")


def panel(request):
    return "trivialapp/_panel.html", {"greeting": "Trivial panel here"}


def on_leaving(*, user, by):
    LEFT.append(user.email)


def load(*, log):
    LOADED.append("trivial")


def register() -> None:
    registry.register_panel(Panel("trivial", panel, order=99))
    registry.register_menu(MenuEntry("Trivial", "trivial:home", is_signed_in, order=99))
    registry.register_leaver_hook(on_leaving)
    registry.register_demo_loader(DemoLoader("trivial", load, order=99))
    registry.register_audit_verbs(TrivialVerb)
