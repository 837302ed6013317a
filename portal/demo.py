"""Demo data for the foundation: a fictional organisation, its departments and about thirty people
covering every role, so `make run` shows a portal someone can sign in to and try.

Everything here is data for a body that does not exist. Loading is idempotent: people are
matched on email, departments on code, and anything already present is left exactly as it is
(a demo user who changed their password keeps it). People are created through the same service
as HR's import, so the audit trail records them as any other; their roles are recorded too.
"""

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.events import PortalEvent
from portal.models import Department, EmploymentType, OrganisationSettings, User
from portal.roles import Role
from portal.services.audit import audit_record
from portal.services.second_factor import app_device_confirm, app_device_pending
from portal.services.users import user_create

# Printed by `make run`; chosen to pass the password validators for every demo person.
DEFAULT_DEMO_PASSWORD = "Lantern-harbour-2026"
DOMAIN = "northshire.example.org"
# The dates written in demo data (start dates, policy versions) read as of this day. Loaded
# later, each moves on by as many days, so the demo is always as fresh as when it was written:
# a "recent" starter is still recent, and nothing the demo emails asks for a date already past.
DEMO_WRITTEN_ON = date(2026, 12, 1)


def demo_day(written: date, *, today: date | None = None) -> date:
    """A date written in the demo data, moved to the same distance before (or after) the day
    the demo is loaded."""
    return written + ((today or timezone.localdate()) - DEMO_WRITTEN_ON)


ORGANISATION = {
    "name": "Office of the Police and Crime Commissioner for Northshire",
    "short_name": "Northshire OPCC",
    "website_url": "https://www.northshire-pcc.example.org",
    "helpdesk_phone": "01632 960 100",
    "helpdesk_email": f"servicedesk@{DOMAIN}",
    "out_of_hours_phone": "01632 960 999",
    "dpo_name": "Ruth Adeyemi",
    "dpo_email": f"dpo@{DOMAIN}",
    "dpo_phone": "01632 960 120",
    "chief_executive_name": "Helen Marsh",
    "chief_executive_email": f"chief.executive@{DOMAIN}",
}

DEPARTMENTS = [
    ("EXEC", "Chief Executive's office"),
    ("BUS", "Business services and HR"),
    ("INFO", "Information compliance"),
    ("ITD", "IT and digital"),
    ("COMMS", "Communications and engagement"),
    ("STAND", "Professional standards and complaints"),
    ("COMM", "Commissioning and partnerships"),
]

E = EmploymentType


@dataclass(frozen=True)
class DemoPerson:
    email: str
    full_name: str
    staff_number: str
    job_title: str
    department: str
    employment_type: str = E.EMPLOYEE
    manager: str = ""  # the line manager's email: managers are listed before their reports
    roles: tuple[Role, ...] = field(default_factory=tuple)
    politically_restricted: bool = True
    start_date: date = date(2019, 4, 1)
    admin: bool = False  # Django admin access (the system administrator)


def _p(
    local: str,
    full_name: str,
    staff_number: str,
    job_title: str,
    department: str,
    *,
    manager: str = "",
    **kwargs,
) -> DemoPerson:
    return DemoPerson(
        f"{local}@{DOMAIN}",
        full_name,
        staff_number,
        job_title,
        department,
        manager=f"{manager}@{DOMAIN}" if manager else "",
        **kwargs,
    )


# Most posts in a commissioner's office are politically restricted; board members, volunteers,
# work experience and third parties are not.
PEOPLE = [
    _p("helen.marsh", "Helen Marsh", "N0001", "Chief Executive and Monitoring Officer", "EXEC",
       roles=(Role.CHIEF_EXECUTIVE,), start_date=date(2016, 9, 5)),
    _p("tom.okafor", "Tom Okafor", "N0002", "Deputy Chief Executive", "EXEC",
       manager="helen.marsh", roles=(Role.CE_DELEGATE,), start_date=date(2018, 1, 8)),
    _p("priya.shah", "Priya Shah", "N0003", "Head of Business Services", "BUS",
       manager="helen.marsh", roles=(Role.POLICY_ADMIN,), start_date=date(2017, 6, 12)),
    _p("ruth.adeyemi", "Ruth Adeyemi", "N0004", "Data Protection Officer", "INFO",
       manager="helen.marsh", roles=(Role.DPO,), start_date=date(2018, 5, 21)),
    _p("imran.qureshi", "Imran Qureshi", "N0005", "Head of IT and Digital", "ITD",
       manager="helen.marsh", roles=(Role.SYSADMIN, Role.HELPDESK), admin=True,
       start_date=date(2015, 11, 2)),
    _p("sandra.kowalski", "Sandra Kowalski", "N0006", "Professional Standards Manager", "STAND",
       manager="helen.marsh", roles=(Role.PSD,), start_date=date(2020, 2, 3)),
    _p("fiona.campbell", "Fiona Campbell", "N0007", "Head of Communications", "COMMS",
       manager="tom.okafor", start_date=date(2019, 7, 1)),
    _p("david.nwosu", "David Nwosu", "N0008", "Head of Commissioning", "COMM",
       manager="tom.okafor", start_date=date(2018, 10, 15)),
    # Business services and HR
    _p("laura.bennett", "Laura Bennett", "N0010", "HR Adviser", "BUS",
       manager="priya.shah", roles=(Role.POLICY_ADMIN,), start_date=date(2021, 3, 1)),
    _p("mark.ellis", "Mark Ellis", "N0011", "Finance Officer", "BUS", manager="priya.shah"),
    _p("jo.whitaker", "Jo Whitaker", "N0012", "Office Administrator", "BUS",
       manager="priya.shah", employment_type=E.TEMPORARY, start_date=date(2026, 1, 12)),
    _p("amir.hussain", "Amir Hussain", "N0013", "Work Experience Student", "BUS",
       manager="priya.shah", employment_type=E.WORK_EXPERIENCE, politically_restricted=False,
       start_date=date(2026, 6, 29)),
    # Information compliance
    _p("owen.price", "Owen Price", "N0020", "Deputy Data Protection Officer", "INFO",
       manager="ruth.adeyemi", roles=(Role.DEPUTY_DPO,), start_date=date(2020, 9, 14)),
    _p("grace.lin", "Grace Lin", "N0021", "Information Rights Officer", "INFO",
       manager="ruth.adeyemi", start_date=date(2022, 4, 4)),
    _p("peter.hale", "Peter Hale", "N0022", "Records Management Consultant", "INFO",
       manager="ruth.adeyemi", employment_type=E.CONSULTANT, start_date=date(2026, 2, 2)),
    # IT and digital
    _p("gareth.lewis", "Gareth Lewis", "N0030", "IT Service Desk Analyst", "ITD",
       manager="imran.qureshi", roles=(Role.HELPDESK,), start_date=date(2021, 8, 16)),
    _p("nadia.rahman", "Nadia Rahman", "N0031", "Systems Engineer", "ITD",
       manager="imran.qureshi", roles=(Role.SYSADMIN,), start_date=date(2023, 1, 9)),
    _p("kyle.morgan", "Kyle Morgan", "N0032", "Network Engineer (contract)", "ITD",
       manager="imran.qureshi", employment_type=E.CONTRACTOR, start_date=date(2025, 11, 3)),
    _p("ellen.fraser", "Ellen Fraser", "N0033", "Supplier Support Engineer", "ITD",
       manager="imran.qureshi", employment_type=E.THIRD_PARTY, politically_restricted=False,
       start_date=date(2024, 5, 13)),
    # Communications and engagement
    _p("sophie.turner", "Sophie Turner", "N0040", "Digital Communications Officer", "COMMS",
       manager="fiona.campbell", start_date=date(2022, 10, 3)),
    _p("ben.carter", "Ben Carter", "N0041", "Engagement Officer", "COMMS",
       manager="fiona.campbell", start_date=date(2023, 6, 19)),
    _p("maria.santos", "Maria Santos", "N0042", "Communications Assistant", "COMMS",
       manager="fiona.campbell", employment_type=E.TEMPORARY, start_date=date(2026, 3, 16)),
    # Professional standards and complaints
    _p("alan.brooks", "Alan Brooks", "N0050", "Complaints Review Officer", "STAND",
       manager="sandra.kowalski", roles=(Role.PSD,), start_date=date(2021, 11, 22)),
    _p("janet.moore", "Janet Moore", "N0051", "Casework Officer", "STAND",
       manager="sandra.kowalski", start_date=date(2019, 2, 25)),
    # Commissioning and partnerships
    _p("chloe.evans", "Chloe Evans", "N0060", "Commissioning Officer", "COMM",
       manager="david.nwosu", start_date=date(2020, 1, 6)),
    _p("raj.patel", "Raj Patel", "N0061", "Victims Services Manager", "COMM",
       manager="david.nwosu", start_date=date(2017, 9, 11)),
    _p("hannah.reid", "Hannah Reid", "N0062", "Independent Custody Visitor", "COMM",
       manager="david.nwosu", employment_type=E.VOLUNTEER, politically_restricted=False,
       start_date=date(2024, 9, 2)),
    # Board: the joint audit committee sits outside the reporting lines.
    _p("george.whitfield", "George Whitfield", "N0070", "Chair, Joint Audit Committee", "EXEC",
       employment_type=E.BOARD_MEMBER, politically_restricted=False, start_date=date(2022, 4, 1)),
    _p("margaret.oduya", "Margaret Oduya", "N0071", "Member, Joint Audit Committee", "EXEC",
       employment_type=E.BOARD_MEMBER, politically_restricted=False, start_date=date(2023, 4, 1)),
    _p("lucy.hart", "Lucy Hart", "N0009", "Executive Assistant", "EXEC",
       manager="helen.marsh", roles=(Role.CE_DELEGATE,), start_date=date(2020, 5, 18)),
]  # fmt: skip


def demo_password() -> str:
    return os.environ.get("DEMO_PASSWORD") or DEFAULT_DEMO_PASSWORD


@dataclass
class DemoSummary:
    departments_created: int = 0
    people_created: int = 0
    organisation_filled: bool = False


def _organisation_fill(*, summary: DemoSummary) -> None:
    org = OrganisationSettings.load()
    # Only a row still on its built-in defaults is filled: an organisation's own settings win.
    if org.name != OrganisationSettings._meta.get_field("name").default:
        return
    for name, value in ORGANISATION.items():
        setattr(org, name, value)
    org.save()
    audit_record(
        verb=PortalEvent.ORGANISATION_SETTINGS_CHANGED,
        obj=org,
        changes={**ORGANISATION, "source": "demo data"},
    )
    summary.organisation_filled = True


def _person_create(
    *, person: DemoPerson, hashed_password: str, departments: dict[str, Department]
) -> User:
    manager = User.objects.filter(email=person.manager).first() if person.manager else None
    user = user_create(
        full_name=person.full_name,
        email=person.email,
        by=None,
        staff_number=person.staff_number,
        job_title=person.job_title,
        department=departments[person.department],
        line_manager=manager,
        employment_type=person.employment_type,
        start_date=demo_day(person.start_date),
        politically_restricted=person.politically_restricted,
        note="demo data",
    )
    # People created by HR's import set their own password; demo people get the printed one.
    user.password = hashed_password
    user.is_staff = user.is_superuser = person.admin
    user.save(update_fields=["password", "is_staff", "is_superuser"])
    if person.roles or person.admin:
        # The migration creates the role groups; get_or_create so that a database emptied by
        # a transactional test still gets every role rather than silently none.
        user.groups.add(*[Group.objects.get_or_create(name=role)[0] for role in person.roles])
        audit_record(
            verb=PortalEvent.USER_ROLES_GRANTED,
            obj=user,
            changes={
                "roles": sorted(str(role) for role in person.roles),
                "django_admin": person.admin,
                "via": "demo data",
            },
        )
    if user.needs_second_factor and settings.DEBUG:
        # On a laptop (`make run`), set up as the person would, through the real service, with
        # the code `manage.py demo_code` prints. A demo on a shared server (DEBUG off) leaves
        # it to each person: nobody there can read another's codes.
        device = app_device_pending(user)
        app_device_confirm(user=user, device=device, code=demo_code(device), ip=None)
    return user


def demo_code(device: TOTPDevice) -> str:
    """The code a demo person's authenticator shows now (see `manage.py demo_code`), or the
    next one if this one has been used (each is accepted once)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits)
    if totp.t() <= device.last_t:
        totp.time = (device.last_t + 1) * device.step + device.t0
    return f"{totp.token():06d}"


@transaction.atomic
def demo_foundation_load(*, password: str) -> DemoSummary:
    """Create what is missing of the demo organisation, departments and people."""
    summary = DemoSummary()
    _organisation_fill(summary=summary)
    departments = {}
    for code, name in DEPARTMENTS:
        departments[code], created = Department.objects.get_or_create(
            code=code, defaults={"name": name}
        )
        summary.departments_created += created
    existing = set(
        User.objects.filter(email__in=[p.email for p in PEOPLE]).values_list("email", flat=True)
    )
    missing = [person for person in PEOPLE if person.email not in existing]
    if missing:
        # Hashing is slow on purpose; one hash shared by the demo accounts keeps loading quick.
        hashed = make_password(password)
        for person in missing:
            _person_create(person=person, hashed_password=hashed, departments=departments)
            summary.people_created += 1
    return summary


def _check_password(password: str) -> None:
    # The demo password must pass the same validators as a real one, for every demo person.
    for person in PEOPLE:
        probe = User(email=person.email, full_name=person.full_name)
        try:
            validate_password(password, probe)
        except ValidationError as exc:
            raise ValueError(
                f"DEMO_PASSWORD is not acceptable for {person.email}: {' '.join(exc.messages)}"
            ) from exc


def demo_logins() -> list[tuple[str, str]]:
    """(email, what they can do) for the people worth signing in as, for printing."""
    managers = {p.manager for p in PEOPLE if p.manager}
    rows = []
    for person in PEOPLE:
        what = [str(role) for role in person.roles]
        if person.email in managers:
            what.append("line manager")
        if person.admin:
            what.append("Django admin")
        if what:
            rows.append((person.email, ", ".join(what)))
    staff = next(p for p in PEOPLE if not p.roles and p.email not in managers)
    rows.append((staff.email, "staff (no role)"))
    return rows


def load_foundation_demo(*, log: Callable[[str], None]) -> None:
    """The foundation's demo loader, as called by `manage.py load_demo`."""
    password = demo_password()
    _check_password(password)
    summary = demo_foundation_load(password=password)
    log(
        f"Organisation settings: {'filled in' if summary.organisation_filled else 'unchanged'}; "
        f"departments created: {summary.departments_created}; "
        f"people created: {summary.people_created} (of {len(PEOPLE)})."
    )
