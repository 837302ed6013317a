"""People a staff import adds while a campaign is open are asked to sign at once, through the
portal's people-changed hook, not only at the next declarations sweep.

The staff import is driven through its own pages (its real services), since declarations may
not import the staff import app: the two meet only at the portal's registry."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from declarations.models import Campaign, Obligation
from declarations.services.enrolment import campaigns_enrol_newcomers
from declarations.tests.factories import CampaignFactory, PolicyVersionFactory
from portal.models import Notification, User
from portal.registry import registry

pytestmark = pytest.mark.django_db

HR_FILE = (
    b"staff_number,full_name,email,department_code,department_name\r\n"
    b"S200,Nia New,nia@example.org,FIN,Finance\r\n"
)


def _open_campaign(name: str, **fields) -> Campaign:
    now = timezone.now()
    return CampaignFactory(
        open=True,
        name=name,
        opens_at=now - timedelta(days=3),
        due_at=now + timedelta(days=30),
        versions=[PolicyVersionFactory(published=True)],
        **fields,
    )


def _import(client, data: bytes, django_capture_on_commit_callbacks) -> None:
    upload = SimpleUploadedFile("hr.csv", data, content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        preview = client.post(reverse("staffimport:upload"), {"file": upload}, follow=True)
        staff_import = preview.context["staff_import"]
        applied = client.post(
            reverse("staffimport:apply", args=[staff_import.pk]),
            {"sha256": staff_import.sha256},
            follow=True,
        )
    assert "Applied: 1 added" in applied.text


def test_someone_imported_while_a_campaign_is_open_is_asked_at_once(
    client, policy_admin, django_capture_on_commit_callbacks
):
    annual = _open_campaign("Annual declaration 2026")
    draft = CampaignFactory(name="Still a draft")
    scheduled = _open_campaign("Opens next week")
    Campaign.objects.filter(pk=scheduled.pk).update(opened_at=timezone.now() + timedelta(days=7))
    client.force_login(policy_admin)

    _import(client, HR_FILE, django_capture_on_commit_callbacks)

    newcomer = User.objects.get(staff_number="S200")
    obligation = Obligation.objects.get(user=newcomer)
    assert obligation.campaign == annual
    assert obligation.status == Obligation.Status.PENDING
    # Their invitation is in the outbox already, with no sweep having run.
    assert Notification.objects.filter(
        dedup_key=f"decl-opened:{annual.pk}:{newcomer.pk}", recipient=newcomer
    ).exists()
    # Nobody is asked in a draft, or before a scheduled campaign opens.
    assert not Obligation.objects.filter(campaign__in=[draft, scheduled]).exists()


def test_the_enrolment_hook_is_registered_with_the_portal():
    assert campaigns_enrol_newcomers in registry.people_changed_hooks


def test_the_hook_queues_each_open_campaign_once_the_change_is_committed(
    django_capture_on_commit_callbacks, alice
):
    annual = _open_campaign("Annual declaration 2026")
    closed = _open_campaign("Last year")
    Campaign.objects.filter(pk=closed.pk).update(status=Campaign.Status.CLOSED)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        campaigns_enrol_newcomers()
    assert len(callbacks) == 1  # the open campaign only
    # Nothing is asked before the commit, so the task sees the people it is for.
    assert not Obligation.objects.exists()
    for callback in callbacks:
        callback()
    assert list(Obligation.objects.values_list("campaign_id", flat=True).distinct()) == [annual.pk]
    assert Obligation.objects.filter(user=alice).exists()
