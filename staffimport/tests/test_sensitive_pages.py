"""An import's preview (names and addresses from HR's file) and the held changes tell browsers
and proxies never to keep a copy."""

from portal.roles import Role
from portal.tests.factories import UserFactory
from staffimport.tests.support import csv_bytes, person, preview


def test_an_import_preview_and_the_held_changes_are_never_stored(client, db):
    admin = UserFactory(roles=[Role.POLICY_ADMIN, Role.SYSADMIN])
    staff_import = preview(csv_bytes([person("S9", "Nia New", "nia@example.org")]), by=admin)
    client.force_login(admin)
    for url in (f"/staff/import/{staff_import.pk}/", "/staff/import/held/"):
        response = client.get(url)
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"], url
