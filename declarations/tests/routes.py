"""Declarations' routes in the whole-portal access table (portal/testing/route_table.py)."""

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from declarations.models import (
    Campaign,
    CheckQuestion,
    Declaration,
    ExtraStatement,
    Obligation,
    PolicyVersion,
)
from declarations.tests.factories import (
    CampaignFactory,
    CheckQuestionFactory,
    DeclarationFactory,
    ExtraStatementFactory,
    ObligationFactory,
    PolicyFactory,
    PolicyVersionFactory,
)
from portal.roles import Role
from portal.testing.route_table import (
    Entry,
    People,
    either,
    everyone,
    line_managers,
    only,
    owner_only,
    public,
)
from portal.tests.factories import TEST_PASSWORD, UserFactory

ADMIN = Role.POLICY_ADMIN
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _admin(get: int = 200, post: int = 302) -> dict:
    """A policy administrator's page: 403 to everyone else signed in."""
    return {"get": only(ADMIN, answer=get), "post": only(ADMIN, answer=post)}


def _action(post: int = 302, **form) -> dict:
    """A policy administrator's button: POST only."""
    return {**_admin(get=405, post=post), **form}


# Alice's own declaration: hers and the policy administrators' (everyone else: 404).
_own_or_admin = either(owner_only(200), only(ADMIN, answer=200, others=404), unless=404)


def _version_form(s) -> dict:
    return {
        "label": "9.0",
        "effective_date": timezone.localdate().isoformat(),
        "body_markdown": "## Scope\n\nEveryone.",
        "summary_of_changes": "Reworded.",
        "owner": s["policy_admin_pk"],
    }


def _campaign_form(s) -> dict:
    now = timezone.localtime()
    return {
        "name": "Annual declaration (matrix)",
        "versions": [s["published_pk"]],
        "statement": "I have read and will keep to these policies.",
        "audience_all": "1",
        "opens_at": (now + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
        "due_at": (now + timedelta(days=30)).strftime("%Y-%m-%dT%H:%M"),
        "new_starter_days": 14,
        "reminder_every_days": 7,
        "admin_escalation_days": 7,
    }


ROUTES = {
    "declarations:mine": Entry(get=everyone(200), post=everyone(200)),
    # Only the person asked to sign: not their manager, not a policy administrator.
    "declarations:sign": Entry(
        get=owner_only(200),
        post=owner_only(302),
        form=lambda s: {
            "typed_name": "Alice Staff",
            "password": TEST_PASSWORD,
            f"read_{s['published_pk']}": "on",
        },
        model=Obligation,
    ),
    # The signing page's script: seconds each policy was on screen (nothing to show: 204).
    "declarations:reading_heartbeat": Entry(
        get=public(405),
        post=owner_only(204),
        form=lambda s: {f"v{s['published_pk']}": "10"},
        model=Obligation,
    ),
    # The person's comprehension check, in a campaign that has one.
    "declarations:check": Entry(
        get=owner_only(200),
        post=owner_only(302),
        form=lambda s: {f"q_{s['question_pk']}": "0"},
        model=Obligation,
    ),
    # Off to the identity provider to sign in again; someone signed in by password goes back.
    "declarations:confirm_identity": Entry(get=public(405), post=owner_only(302), model=Obligation),
    "declarations:receipt": Entry(get=_own_or_admin, post=_own_or_admin, model=Declaration),
    "declarations:record": Entry(get=_own_or_admin, post=_own_or_admin, model=Declaration),
    "declarations:policies": Entry(get=everyone(200), post=everyone(200)),
    "declarations:policy": Entry(get=everyone(200), post=everyone(200)),
    "declarations:version": Entry(get=everyone(200), post=everyone(200), model=PolicyVersion),
    "declarations:version_pdf": Entry(get=everyone(200), post=everyone(200), model=PolicyVersion),
    "declarations:version_compare": Entry(
        get=everyone(200), post=everyone(200), model=PolicyVersion
    ),
    "declarations:admin_policies": Entry(**_admin(post=200)),
    "declarations:policy_create": Entry(
        **_admin(),
        form=lambda s: {
            "title": "Clear desk",
            "slug": "clear-desk",
            "summary": "Papers away at night.",
            "owner": s["policy_admin_pk"],
        },
    ),
    "declarations:admin_policy": Entry(**_admin(post=200)),
    "declarations:policy_edit": Entry(
        **_admin(),
        form=lambda s: {
            "title": "IT and social media",
            "summary": "Reworded.",
            "owner": s["policy_admin_pk"],
        },
    ),
    "declarations:version_create": Entry(**_admin(), form=_version_form),
    "declarations:admin_version": Entry(**_admin(post=200), model=PolicyVersion),
    "declarations:version_edit": Entry(**_admin(), form=_version_form, model=PolicyVersion),
    "declarations:version_publish": Entry(**_action(model=PolicyVersion)),
    # A second policy administrator's decision on a version waiting for approval; asking is a
    # button on a draft.
    "declarations:version_request_approval": Entry(**_action(model=PolicyVersion)),
    "declarations:version_approve": Entry(
        **_action(form=lambda s: {"note": "Checked with legal."}, model=PolicyVersion)
    ),
    "declarations:version_return": Entry(
        **_action(form=lambda s: {"reason": "Section 3 needs rewording."}, model=PolicyVersion)
    ),
    "declarations:policy_review": Entry(
        **_admin(),
        form=lambda s: {
            "next_review_date": (timezone.localdate() + timedelta(days=365)).isoformat(),
            "note": "No change needed.",
        },
    ),
    "declarations:campaigns": Entry(**_admin(post=200)),
    "declarations:campaign_create": Entry(**_admin(), form=_campaign_form),
    "declarations:campaign": Entry(**_admin(post=200), model=Campaign),
    "declarations:campaign_edit": Entry(**_admin(), form=_campaign_form, model=Campaign),
    "declarations:campaign_open": Entry(**_action(model=Campaign)),
    # A confirmation page with a required reason, then the change.
    "declarations:campaign_close": Entry(
        **_admin(), form=lambda s: {"reason": "Everyone has been followed up."}, model=Campaign
    ),
    "declarations:campaign_reopen": Entry(
        **_admin(), form=lambda s: {"reason": "Closed by mistake."}, model=Campaign
    ),
    "declarations:campaign_repeat_stop": Entry(
        **_admin(), form=lambda s: {"reason": "Now part of the appraisal."}, model=Campaign
    ),
    "declarations:statement_add": Entry(
        **_action(
            form=lambda s: {
                "title": "Business interests",
                "text": "I have declared my business interests.",
                "audience": ExtraStatement.Audience.POLITICALLY_RESTRICTED,
            },
            model=Campaign,
        )
    ),
    "declarations:statement_remove": Entry(**_action(model=ExtraStatement)),
    "declarations:campaign_check": Entry(**_admin(post=200), model=Campaign),
    "declarations:check_question_add": Entry(
        **_action(
            form=lambda s: {
                "text": "Who do you tell about a lost phone?",
                "choice_0": "The IT helpdesk",
                "choice_1": "Nobody",
                "correct": "0",
            },
            model=Campaign,
        )
    ),
    "declarations:check_settings": Entry(
        **_action(
            form=lambda s: {"pass_mark": "1", "is_percent": "0", "attempts": "2"}, model=Campaign
        )
    ),
    "declarations:check_question_remove": Entry(**_action(model=CheckQuestion)),
    "declarations:check_allow": Entry(
        **_admin(),
        form=lambda s: {"extra": "1", "reason": "Went through it together."},
        model=Obligation,
    ),
    "declarations:campaign_people": Entry(**_admin(post=200), model=Campaign),
    # Who receives the campaign's weekly summary (emptied here: nobody).
    "declarations:campaign_summary": Entry(
        **_admin(), form=lambda s: {"recipients": ""}, model=Campaign
    ),
    "declarations:obligation": Entry(**_admin(post=200), model=Obligation),
    "declarations:obligation_pause": Entry(
        **_action(form=lambda s: {"reason": "Long-term sick leave"}, model=Obligation)
    ),
    "declarations:obligation_resume": Entry(**_action(model=Obligation)),
    "declarations:obligation_extend": Entry(
        **_action(
            form=lambda s: {
                "due_at": (timezone.localtime() + timedelta(days=60)).strftime("%Y-%m-%dT%H:%M"),
                "reason": "Back from leave",
            },
            model=Obligation,
        )
    ),
    # Sends alice a reminder now (a POST button on her page).
    "declarations:obligation_remind": Entry(**_action(model=Obligation)),
    "declarations:obligation_exempt": Entry(
        **_action(
            form=lambda s: {
                "until": (timezone.localdate() + timedelta(days=90)).isoformat(),
                "reason": "Seconded to the regional unit",
            },
            model=Obligation,
        )
    ),
    "declarations:obligation_exemption_end": Entry(
        **_action(form=lambda s: {"reason": "Back from secondment early"}, model=Obligation)
    ),
    "declarations:reports": Entry(**_admin(post=200)),
    "declarations:report": Entry(**_admin(post=200), model=Campaign),
    "declarations:report_outstanding": Entry(**_admin(post=200), model=Campaign),
    "declarations:report_export": Entry(**_admin(post=200), model=Campaign),
    # Who a bulk reminder would reach (a page, changing nothing), then the send itself.
    "declarations:remind_confirm": Entry(
        **_action(post=200), form=lambda s: {"scope": "everyone"}, model=Campaign
    ),
    "declarations:remind_send": Entry(
        **_action(form=lambda s: {"obligation": [s["declarations:sign"]["pk"]]}, model=Campaign)
    ),
    "declarations:report_pdf": Entry(**_admin(post=200), model=Campaign),
    "declarations:my_team": Entry(get=line_managers(200), post=line_managers(200)),
    # Bob reminds alice, of his team; anyone else's obligation is a 404 to him (tested apart).
    "declarations:team_remind": Entry(
        get=line_managers(405), post=line_managers(302), model=Obligation
    ),
}


def scene(people: People) -> dict:
    """A published version with a PDF and a draft of the same policy; an open campaign in which
    alice has yet to sign; her signed declaration in an earlier one; a draft campaign with an
    extra statement; a closed campaign; an open one that repeats every year; alice exempt from
    another open campaign."""
    alice = people.owner
    policy = PolicyFactory(slug="it", title="IT and social media")
    published = PolicyVersionFactory(
        policy=policy,
        published=True,
        label="4.0",
        pdf=SimpleUploadedFile("it.pdf", PDF_BYTES, "application/pdf"),
    )
    draft = PolicyVersionFactory(policy=policy, label="5.0")
    # A version waiting for approval, drafted and sent by another policy administrator.
    author = UserFactory(roles=[ADMIN])
    awaiting = PolicyVersionFactory(
        policy=PolicyFactory(slug="clear-desk-rules", versions_need_approval=True),
        label="1.0",
        created_by=author,
        approval=PolicyVersion.Approval.AWAITING,
        approval_requested_by=author,
        approval_requested_at=timezone.now(),
    )
    campaign = CampaignFactory(open=True, versions=[published])
    obligation = ObligationFactory(campaign=campaign, user=alice)
    earlier = CampaignFactory(open=True, versions=[published])
    declaration = DeclarationFactory(obligation=ObligationFactory(campaign=earlier, user=alice))
    draft_campaign = CampaignFactory(versions=[published])
    statement = ExtraStatementFactory(campaign=draft_campaign)
    closed = CampaignFactory(open=True, status=Campaign.Status.CLOSED, versions=[published])
    repeating = CampaignFactory(open=True, repeats_yearly=True, versions=[published])
    exempt = ObligationFactory(
        campaign=CampaignFactory(open=True, versions=[published]), user=alice, exempt=True
    )
    draft_question = CheckQuestionFactory(campaign=draft_campaign)
    checked = CampaignFactory(open=True, versions=[published])
    question = CheckQuestionFactory(campaign=checked)
    to_check = ObligationFactory(campaign=checked, user=alice)
    slug = {"slug": policy.slug}
    return {
        "policy_admin_pk": people.holding(ADMIN).pk,
        "published_pk": published.pk,
        "question_pk": question.pk,
        "declarations:reading_heartbeat": {"pk": obligation.pk},
        "declarations:check": {"pk": to_check.pk},
        "declarations:campaign_check": {"pk": draft_campaign.pk},
        "declarations:check_question_add": {"pk": draft_campaign.pk},
        "declarations:check_settings": {"pk": draft_campaign.pk},
        "declarations:check_question_remove": {"pk": draft_question.pk},
        "declarations:check_allow": {"pk": to_check.pk},
        "declarations:sign": {"pk": obligation.pk},
        "declarations:confirm_identity": {"pk": obligation.pk},
        "declarations:receipt": {"pk": declaration.pk},
        "declarations:record": {"pk": declaration.pk},
        "declarations:policy": slug,
        "declarations:version": {"pk": published.pk},
        "declarations:version_pdf": {"pk": published.pk},
        "declarations:version_compare": {"pk": published.pk},
        "declarations:admin_policy": slug,
        "declarations:policy_edit": slug,
        "declarations:version_create": slug,
        "declarations:admin_version": {"pk": draft.pk},
        "declarations:version_edit": {"pk": draft.pk},
        "declarations:version_publish": {"pk": draft.pk},
        "declarations:version_request_approval": {"pk": draft.pk},
        "declarations:version_approve": {"pk": awaiting.pk},
        "declarations:version_return": {"pk": awaiting.pk},
        "declarations:policy_review": slug,
        "declarations:campaign": {"pk": draft_campaign.pk},
        "declarations:campaign_edit": {"pk": draft_campaign.pk},
        "declarations:campaign_open": {"pk": draft_campaign.pk},
        "declarations:campaign_close": {"pk": campaign.pk},
        "declarations:campaign_reopen": {"pk": closed.pk},
        "declarations:campaign_repeat_stop": {"pk": repeating.pk},
        "declarations:statement_add": {"pk": draft_campaign.pk},
        "declarations:statement_remove": {"pk": statement.pk},
        "declarations:campaign_people": {"pk": campaign.pk},
        "declarations:campaign_summary": {"pk": campaign.pk},
        "declarations:obligation": {"pk": obligation.pk},
        "declarations:obligation_pause": {"pk": obligation.pk},
        "declarations:obligation_resume": {"pk": obligation.pk},
        "declarations:obligation_extend": {"pk": obligation.pk},
        "declarations:obligation_exempt": {"pk": obligation.pk},
        "declarations:obligation_exemption_end": {"pk": exempt.pk},
        "declarations:report": {"pk": campaign.pk},
        "declarations:report_outstanding": {"pk": campaign.pk},
        "declarations:report_export": {"pk": campaign.pk},
        "declarations:obligation_remind": {"pk": obligation.pk},
        "declarations:remind_confirm": {"pk": campaign.pk},
        "declarations:remind_send": {"pk": campaign.pk},
        "declarations:team_remind": {"pk": obligation.pk},
        "declarations:report_pdf": {"pk": campaign.pk},
    }
