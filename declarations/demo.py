"""Demo data for declarations: the IT, communications and social media policy (two published
versions, so the history shows what changed), and this year's annual campaign part-way through:
most of the demo people have signed, one is paused for long-term absence, one is exempt while
seconded, and a few are past the due date. The campaign repeats every year, and the Chief
Executive is named to receive its weekly summary.

Everything goes through the services a policy administrator and staff use (publish, create,
open, enrol, sign), so the declarations are real ones with real hashes and audit events. One
step is demo-only: a campaign cannot be opened with its due date behind it, so after opening,
its dates are moved back (with an audit event saying so) to show a campaign whose due date has
passed with people still to sign. Loading is idempotent: what exists is left as it is.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from declarations.events import DeclarationEvent
from declarations.models import Campaign, ExtraStatement, Obligation, Policy, PolicyVersion
from declarations.outbox import ObligationMessage
from declarations.services.campaigns import (
    DEFAULT_STATEMENT,
    campaign_create,
    campaign_enrol,
    campaign_open,
    extra_statement_add,
    obligation_pause,
)
from declarations.services.exemptions import obligation_exempt
from declarations.services.policies import (
    policy_create,
    policy_version_create,
    policy_version_publish,
)
from declarations.services.reading import reading_open
from declarations.services.signing import declaration_sign
from declarations.services.summaries import campaign_summary_recipients_set
from portal.demo import DOMAIN, demo_day, demo_password
from portal.lib.uktime import end_of_day
from portal.models import Notification, User
from portal.services.audit import audit_record

POLICY_SLUG = "it-communications-social-media"
POLICY_TITLE = "Use of IT, communications and social media"
ADMIN_EMAIL = f"priya.shah@{DOMAIN}"
# Demo people who have not signed: the first is the "staff (no role)" login, left unsigned so
# whoever tries the demo can sign it themselves.
NOT_SIGNED = ["mark.ellis", "ben.carter", "kyle.morgan", "janet.moore", "hannah.reid"]
PAUSED = ("peter.hale", "On long-term sick leave until the end of the month.")
# Exempt until a date some weeks ahead: the campaign's figures show exempt people apart.
EXEMPT = ("raj.patel", "Seconded to the regional victims' hub.", 60)
# Named to receive the campaign's weekly summary of its figures.
SUMMARY_TO = "helen.marsh"
OPENED_DAYS_AGO = 35
DUE_DAYS_AGO = 3

SECTIONS_3 = """# Who this policy is for

This policy applies to everyone who works for or with the office: employees, temporary staff,
people on work experience, consultants, contractors, board members and volunteers, and any third
party who has access to our computers, email or phones. Each year you will be asked to declare
that you have read it, understood it and will follow it.

# Why we have it

- to protect the office and the Commissioner's reputation;
- to make clear who may speak for the office, and how;
- to set out how you may use the internet, email, phones and social media at work;
- to explain what happens if the policy is not followed.

# General principles

Our systems are for work. A little personal use of the phone, email or internet is allowed if it
is reasonable, brief and outside work time, and it is covered by this policy like everything
else. You may see sensitive information in your job: handle it with the highest professional
standards.

Almost every post in the office is **politically restricted**. Everything you say or post,
at work or outside it, must respect that restriction (see the guidance on political
restriction).

# Speaking for the office

Only speak or write on behalf of the office with the Chief Executive's express permission. Any
content for publication (press releases, interviews, presentations, articles, public reports)
is reviewed by the Chief Executive, or by someone they have delegated this to, before it goes
out. Use the house style and templates, and never use the office's letterhead for personal
letters.

# Social media

This applies to all social media, for work or personal use, in or out of work hours, on our
devices or your own.

You must not:

- break any of our other policies, or any law or professional rule;
- share confidential information, or personal information about colleagues or the public;
- use our name, crest, logo or photographs without permission;
- criticise, harass or bully colleagues, or discriminate against anyone;
- comment on sensitive matters connected with our work, or claim to be someone you are not.

Personal social media is never used in work time or on our equipment. If you see something
online that reflects badly on the office, tell us. We may ask you to remove a post that breaks
this policy.

## Corporate accounts

A new corporate account needs the Chief Executive's written approval before it is opened, and a
clear purpose: promoting the work of the office. Register the account's username and password
with the Chief Executive, and tell them whenever the password, name or owner changes. An
account is handed to a colleague or closed when you no longer run it; it is never turned into a
personal account. Every account links back to the main website.

# Internet and email

Only use devices issued or approved by the office, and only install approved software. Do not
use work devices for personal email, gambling, dating, auction, gaming or offensive sites, or to
download software or copyrighted material without permission.

Write emails as you would any other official letter. Make sure at least one colleague can reach
your work mailbox when you are away. Be careful with attachments you were not expecting.

If you open unsuitable material by accident, tell your manager straight away.

# Phones, laptops and security

Keep your device locked when you are not using it and never share it or its password, even with
IT staff or your manager. Use a strong password that you use nowhere else. If you write a
password down, keep it in a sealed envelope marked OFFICIAL in a locked cabinet, never with the
device.

**If a device is lost or stolen, or you think your password is known to someone else, call the
IT helpdesk at once** (the number is at the foot of every page of this portal; out of hours,
call the out-of-hours number shown there). Tell the Data Protection Officer too: it may be a
personal data breach. Report a suspected virus, or a device that looks tampered with, in the
same way. You can report any of these through this portal.

# Monitoring

We may monitor the use of our devices, phones, email, internet and social media to make sure
this policy is followed, and only where it is not possible to get the information another way.

# If the policy is not followed

Not following this policy will usually be treated as misconduct under the disciplinary policy.
Serious misuse, such as sharing confidential information, ignoring the security classification
rules or accessing offensive material, may be gross misconduct.
"""

TRAVEL = """
# Working abroad

If you will take a work device abroad, tell Information Security at least seven days before
you travel. Keep it with you and out of sight: some countries restrict the encryption it uses.
"""

SECTIONS_4 = SECTIONS_3.replace("# Monitoring", TRAVEL.strip() + "\n\n# Monitoring")

POLITICAL_RESTRICTION = (
    "My post is politically restricted. I have read the guidance on political restriction and "
    "I understand that, by law, I must not take part in certain political activities, "
    "including standing for election and speaking or writing in public in support of a "
    "political party. I will ask my line manager if I am unsure."
)


@dataclass
class DeclarationsDemoSummary:
    policy_created: bool = False
    versions_published: int = 0
    campaign_created: bool = False
    enrolled: int = 0
    signed: int = 0
    skipped_signers: int = 0


def _policy_with_versions(*, admin: User, summary: DeclarationsDemoSummary) -> PolicyVersion:
    policy = Policy.objects.filter(slug=POLICY_SLUG).first()
    if policy is None:
        policy = policy_create(
            by=admin,
            title=POLICY_TITLE,
            slug=POLICY_SLUG,
            summary="How we use computers, email, phones, the internet and social media, and "
            "who may speak for the office.",
            owner=admin,
        )
        summary.policy_created = True
    wanted = [
        (
            "3.0",
            demo_day(date(2021, 8, 1)),
            SECTIONS_3,
            "General review: plain English throughout.",
        ),
        (
            "4.0",
            demo_day(date(2022, 5, 1)),
            SECTIONS_4,
            "General review. New section on taking work devices abroad.",
        ),
    ]
    latest = None
    for label, effective, body, changes in wanted:
        version = policy.versions.filter(label=label).first()
        if version is None:
            version = policy_version_create(
                policy=policy,
                by=admin,
                label=label,
                effective_date=effective,
                body_markdown=body,
                summary_of_changes=changes,
                owner=admin,
            )
        if not version.is_published:
            version, _ = policy_version_publish(version=version, by=admin)
            summary.versions_published += 1
        latest = version
    assert latest is not None  # `wanted` lists at least one version
    return latest


def _campaign(
    *, admin: User, version: PolicyVersion, name: str, summary: DeclarationsDemoSummary
) -> Campaign:
    now = timezone.now()
    campaign = campaign_create(
        by=admin,
        versions=[version],
        name=name,
        statement=DEFAULT_STATEMENT,
        audience_all=True,
        employment_types=[],
        opens_at=now,
        due_at=end_of_day(timezone.localdate(now) + timedelta(days=28)),
        new_starter_days=14,
        reminder_every_days=7,
        admin_escalation_days=7,
        repeats_yearly=True,
    )
    extra_statement_add(
        campaign=campaign,
        by=admin,
        title="Political restriction",
        text=POLITICAL_RESTRICTION,
        audience=ExtraStatement.Audience.POLITICALLY_RESTRICTED,
    )
    chief_executive = User.objects.filter(email=f"{SUMMARY_TO}@{DOMAIN}", is_active=True)
    campaign_summary_recipients_set(campaign=campaign, recipients=chief_executive, by=admin)
    campaign = campaign_open(campaign=campaign, by=admin)
    campaign = _move_dates_back(campaign=campaign)
    summary.campaign_created = True
    # Enrol now rather than leave it to the worker, so the demo is complete once loaded.
    # As of the (moved-back) opening, so people are asked as they would have been then.
    summary.enrolled = campaign_enrol(campaign=campaign, now=campaign.opened_at)
    _date_the_invitations(campaign=campaign)
    return campaign


def _date_the_invitations(*, campaign: Campaign) -> None:
    """Demo only: the emails asking people to sign went out when the campaign opened, weeks
    ago, while its due date was still ahead. Sent now, they would ask people to sign by a date
    already past; so they are dated and recorded as sent then, and are not sent again."""
    assert campaign.opened_at is not None  # opened above
    Notification.objects.filter(
        dedup_key__startswith=f"{ObligationMessage.INVITATION}:{campaign.pk}:",
        status=Notification.Status.PENDING,
    ).update(
        created_at=campaign.opened_at,
        sent_at=campaign.opened_at,
        status=Notification.Status.SENT,
    )


def _sign_and_pause(*, campaign: Campaign, admin: User, summary: DeclarationsDemoSummary) -> None:
    password = demo_password()
    not_signed = {f"{local}@{DOMAIN}" for local in NOT_SIGNED}
    paused_email = f"{PAUSED[0]}@{DOMAIN}"
    exempt_email = f"{EXEMPT[0]}@{DOMAIN}"
    demo_people = Obligation.objects.filter(
        campaign=campaign,
        status=Obligation.Status.PENDING,
        user__email__endswith=f"@{DOMAIN}",
    ).select_related("user", "campaign")
    for obligation in demo_people.order_by("user__email"):
        person = obligation.user
        if person.email == paused_email:
            obligation_pause(obligation=obligation, by=admin, reason=PAUSED[1])
        elif person.email == exempt_email:
            until = timezone.localdate() + timedelta(days=EXEMPT[2])
            obligation_exempt(obligation=obligation, by=admin, until=until, reason=EXEMPT[1])
        elif person.email not in not_signed:
            # Someone who changed their demo password cannot be signed for (nobody can be).
            if not person.check_password(password):
                summary.skipped_signers += 1
                continue
            versions = list(campaign.versions.select_related("policy"))
            reading_open(obligation=obligation, versions=versions, by=person)
            declaration_sign(
                obligation=obligation,
                by=person,
                typed_name=person.full_name,
                read=[v.pk for v in versions],
                password=password,
                user_agent="Demo data loader",
            )
            summary.signed += 1


def _move_dates_back(*, campaign: Campaign) -> Campaign:
    """Demo only: show the campaign as opened weeks ago with its due date just passed.

    Done after opening but before enrolment, so the emails people find in their notifications
    give the same due date as the campaign (a campaign cannot be opened with its due date past).
    """
    today = timezone.localdate()
    opened = timezone.now() - timedelta(days=OPENED_DAYS_AGO)
    due = end_of_day(today - timedelta(days=DUE_DAYS_AGO))
    Campaign.objects.filter(pk=campaign.pk).update(opens_at=opened, opened_at=opened, due_at=due)
    audit_record(
        verb=DeclarationEvent.CAMPAIGN_DEMO_DATES_MOVED,
        obj=campaign,
        changes={"source": "demo data", "opens_at": opened, "due_at": due},
    )
    campaign.refresh_from_db()
    return campaign


def _backdate_obligations(*, campaign: Campaign) -> None:
    # Those still to sign have had their reminders; the sweep tells them (and their managers)
    # that the date has passed the next time it runs.
    Obligation.objects.filter(campaign=campaign).update(
        created_at=campaign.opened_at, next_reminder_at=campaign.due_at
    )


@transaction.atomic
def demo_declarations_load() -> DeclarationsDemoSummary:
    summary = DeclarationsDemoSummary()
    admin = User.objects.filter(email=ADMIN_EMAIL, is_active=True).first()
    if admin is None:
        raise ValueError(
            f"The declarations demo needs the demo policy administrator {ADMIN_EMAIL}."
        )
    version = _policy_with_versions(admin=admin, summary=summary)
    name = f"Annual declaration {timezone.localdate().year}"
    if Campaign.objects.filter(name=name).exists():
        return summary
    campaign = _campaign(admin=admin, version=version, name=name, summary=summary)
    _sign_and_pause(campaign=campaign, admin=admin, summary=summary)
    _backdate_obligations(campaign=campaign)
    return summary


def load_declarations_demo(*, log: Callable[[str], None]) -> None:
    """The declarations demo loader, as called by `manage.py load_demo`."""
    summary = demo_declarations_load()
    if not summary.campaign_created:
        log(
            f"Declarations: policy {'created' if summary.policy_created else 'unchanged'}, "
            f"versions published: {summary.versions_published}; campaign already loaded."
        )
        return
    log(
        f"Declarations: policy {'created' if summary.policy_created else 'unchanged'}, "
        f"versions published: {summary.versions_published}; annual campaign opened to "
        f"{summary.enrolled} people, {summary.signed} signed"
        + (
            f" ({summary.skipped_signers} skipped: their password is no longer the demo one)"
            if summary.skipped_signers
            else ""
        )
        + "."
    )
