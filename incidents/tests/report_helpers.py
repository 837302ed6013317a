"""Reports as a test makes them: through the service, or as the form's POST."""

from datetime import timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from incidents.kinds import Answer, DeviceType, Kind
from incidents.services.reporting import Report, incident_report
from portal.testing.uploads import png_bytes

_FORM_TIME = "%Y-%m-%dT%H:%M"


def report_of(kind: Kind = Kind.LOST_DEVICE, **values: Any) -> Report:
    """A report of `kind` with everything its kind needs."""
    now = timezone.now()
    defaults: dict[str, Any] = {
        "kind": kind,
        "happened_at": now - timedelta(hours=3),
        "discovered_at": now - timedelta(hours=1),
        "description": "Left it on the train home.",
        "device_type": DeviceType.PHONE,
        "encrypted": Answer.YES,
        "locked": Answer.YES,
        "password_with_device": Answer.NO,
        "personal_data": "Names of two witnesses.",
    }
    return Report(**{**defaults, **values})


def report(*, by, kind: Kind = Kind.LOST_DEVICE, files=(), token=None, **values: Any):
    return incident_report(by=by, report=report_of(kind, **values), files=files, token=token)


def form_data(kind: Kind = Kind.LOST_DEVICE, **values: Any) -> dict[str, Any]:
    """A valid POST of the report form for `kind`."""
    now = timezone.localtime()
    data: dict[str, Any] = {
        "kind": kind,
        "happened_at": (now - timedelta(hours=3)).strftime(_FORM_TIME),
        "discovered_at": (now - timedelta(hours=1)).strftime(_FORM_TIME),
        "description": "Left my work phone on the 17:42 train.",
        "device_type": DeviceType.PHONE,
        "asset_tag": "IT-40711",
        "encrypted": Answer.YES,
        "locked": Answer.YES,
        "password_with_device": Answer.NO,
        "personal_data": "Contacts and work email.",
        "people_affected": "40",
        "actions_taken": "Called the helpdesk.",
    }
    data.update(values)
    return data


def png_file(name: str = "screenshot.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")
