"""Each app owns its emails: kind "<app>.<name>" is rendered from templates/<app>/emails/."""

from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings

from portal.services.notifications import email_template_base, notification_queue

TEMPLATES = Path(settings.BASE_DIR) / "templates"


def test_a_kind_names_the_app_whose_folder_holds_its_templates():
    assert email_template_base("declarations.reminder") == "declarations/emails/reminder"
    assert email_template_base("portal.password_reset") == "portal/emails/password_reset"


@pytest.mark.parametrize("kind", ["password_changed", "portal.", ".reminder", "portal/x.y"])
def test_a_kind_that_does_not_name_its_app_is_refused(kind):
    with pytest.raises(ValueError, match="<app>.<name>"):
        email_template_base(kind)


def test_every_email_lives_with_an_installed_app_and_has_a_text_body():
    assert not list(TEMPLATES.glob("emails/*")), "emails live in templates/<app>/emails/"
    subjects = sorted(TEMPLATES.glob("*/emails/*_subject.txt"))
    assert len(subjects) >= 9
    for subject in subjects:
        app_label = subject.parent.parent.name
        assert app_label in {config.label for config in apps.get_app_configs()}, subject
        assert subject.with_name(subject.name.replace("_subject.txt", ".txt")).exists(), subject


def test_an_app_email_is_rendered_from_its_own_folder_with_the_portal_layout(alice):
    row = notification_queue(
        to=alice,
        template="portal.password_changed",
        dedup_key="templates:layout",
        context={"reset": True},
    )
    assert row.subject
    assert row.body_text
    assert "<html" in row.body_html.lower()
