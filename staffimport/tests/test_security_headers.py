"""Every staff import page, including those whose address names an import or a held change,
carries the security headers under production's settings."""

from portal.roles import Role
from portal.testing.security_headers import named_routes, production_like, walk_routes
from portal.tests.factories import UserFactory
from staffimport.models import HeldChange
from staffimport.tests.support import csv_bytes, person, preview


def test_every_staff_import_page_carries_the_security_headers(client, db):
    admin = UserFactory(roles=[Role.POLICY_ADMIN, Role.SYSADMIN])
    staff_import = preview(csv_bytes([person("S9", "Nia New", "nia@example.org")]), by=admin)
    held = HeldChange.objects.create(
        staff_import=staff_import, user=admin, kind=HeldChange.Kind.LEAVE_DATE
    )
    client.force_login(admin)
    with production_like():
        walked = walk_routes(
            client,
            {
                "staffimport:detail": {"pk": staff_import.pk},
                "staffimport:apply": {"pk": staff_import.pk},
                "staffimport:progress": {"pk": staff_import.pk},
                "staffimport:held_approve": {"pk": held.pk},
                "staffimport:held_refuse": {"pk": held.pk},
            },
            namespaces={"staffimport"},
        )
    assert set(walked) == {r.name for r in named_routes() if r.name.startswith("staffimport:")}
    assert walked["staffimport:detail"] == 200
