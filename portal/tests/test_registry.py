"""Apps plug into the portal through its registry: the menu agrees with the pages, and an app
added to INSTALLED_APPS shows up everywhere without an edit in portal/."""

import copy

import pytest
from django.core.management import call_command
from django.test import modify_settings, override_settings
from django.urls import reverse

from portal.registry import MenuEntry, Registry, Section, registry
from portal.roles import Role
from portal.services.users import user_deactivate
from portal.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _everyone(alice, bob, charlie):
    people = {"staff": alice, "line manager": bob, "outsider": charlie}
    for role in Role:
        people[role.value] = UserFactory(roles=[role])
    people["Django admin access"] = UserFactory(is_staff=True)
    people["Django admin access and System administrator"] = UserFactory(
        is_staff=True, roles=[Role.SYSADMIN]
    )
    return people


def _entries_by_url(html: str) -> set[str]:
    return {e.url_name for e in registry.menu if f'href="{reverse(e.url_name)}"' in html}


def test_every_menu_entry_is_shown_exactly_to_the_people_its_page_lets_in(
    client, alice, bob, charlie
):
    for who, person in _everyone(alice, bob, charlie).items():
        client.force_login(person)
        shown = _entries_by_url(client.get(reverse("portal:dashboard")).text)
        for entry in registry.menu:
            # (The Django admin sends a person it refuses to its own sign-in page.)
            opens = client.get(reverse(entry.url_name)).status_code == 200
            assert (entry.url_name in shown) == opens, f"{entry.label} for {who}"


def test_a_person_with_every_role_still_sees_a_short_bar(bob):
    everything = UserFactory(roles=list(Role), is_staff=True, line_manager=None)
    bob.line_manager = everything
    bob.save()
    menu = registry.menu_for(everything)
    on_the_bar = [group for group in menu if group.section == Section.BAR]
    assert len(on_the_bar[0].entries) <= 4
    assert {group.section for group in menu} == set(Section)


def test_the_menu_is_grouped_policy_administration_data_protection_then_administration():
    every = UserFactory(roles=[Role.POLICY_ADMIN, Role.DPO, Role.SYSADMIN])
    sections = [group.section for group in registry.menu_for(every)]
    assert sections == [
        Section.BAR,
        Section.POLICY_ADMIN,
        Section.DATA_PROTECTION,
        Section.ADMINISTRATION,
    ]


def test_registering_the_same_entry_twice_changes_nothing():
    before = list(registry.menu)
    registry.register_menu(*before)
    assert registry.menu == before


def test_people_changed_hooks_are_each_called_once_however_often_registered():
    calls = []

    def hook() -> None:
        calls.append("called")

    fresh = Registry()
    fresh.register_people_changed_hook(hook)
    fresh.register_people_changed_hook(hook)
    fresh.call_people_changed_hooks()
    assert calls == ["called"]


def test_two_demo_loaders_may_not_claim_the_same_order():
    from portal.registry import DemoLoader

    taken = registry.demo_loaders[0].order
    with pytest.raises(ValueError, match="order"):
        registry.register_demo_loader(DemoLoader("clash", lambda *, log: None, order=taken))


@pytest.fixture
def trivial_app():
    """Install portal/tests/trivialapp for one test, and put the registry back afterwards."""
    saved = copy.copy(registry.__dict__)
    saved = {name: copy.copy(value) for name, value in saved.items()}
    with (
        modify_settings(INSTALLED_APPS={"append": "portal.tests.trivialapp"}),
        override_settings(ROOT_URLCONF="portal.tests.trivialapp.urls"),
    ):
        from portal.tests.trivialapp import plugin

        plugin.LEFT.clear()
        plugin.LOADED.clear()
        yield plugin
    registry.__dict__.update(saved)


def test_an_app_added_to_installed_apps_plugs_in_with_no_edit_in_the_portal(
    client, alice, trivial_app
):
    client.force_login(alice)
    html = client.get(reverse("portal:dashboard")).text
    assert "Trivial panel here" in html
    assert f'href="{reverse("trivial:home")}"' in html
    assert client.get(reverse("trivial:home")).text == "trivial home"
    assert registry.verb_label("trivial.poked") == "Poked the trivial app"

    user_deactivate(user=alice, by=None, reason="Left")
    assert [alice.email] == trivial_app.LEFT


def test_an_added_apps_routes_join_the_whole_portal_access_table(trivial_app):
    from portal.testing.route_table import load_table, undeclared_routes

    entries = load_table().entries
    assert "trivial:home" in entries
    assert undeclared_routes(entries) == []
    del entries["trivial:home"]
    assert undeclared_routes(entries) == ["trivial:home"]


def test_the_demo_runs_an_added_apps_loader_after_the_others(trivial_app, settings):
    settings.DEBUG = True
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert trivial_app.LOADED == ["trivial"]
    assert registry.demo_loaders[-1].name == "trivial"


def test_a_menu_entry_a_person_may_not_open_is_not_shown(alice, trivial_app):
    registry.register_menu(MenuEntry("Hidden", "trivial:home", lambda user: False))
    labels = [label for group in registry.menu_for(alice) for label, _ in group.entries]
    assert "Trivial" in labels
    assert "Hidden" not in labels
