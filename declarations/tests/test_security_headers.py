"""Every declarations page, including those whose address names a record, carries the security
headers under production's settings (the portal's test walks the pages that need no record)."""

from declarations.tests.factories import (
    CampaignFactory,
    CheckQuestionFactory,
    DeclarationFactory,
    ExtraStatementFactory,
    ObligationFactory,
    PolicyVersionFactory,
)
from portal.roles import Role
from portal.testing.security_headers import named_routes, production_like, walk_routes
from portal.tests.factories import UserFactory


def test_every_declarations_page_carries_the_security_headers(client, db):
    admin = UserFactory(roles=[Role.POLICY_ADMIN])
    version = PolicyVersionFactory(published=True)
    campaign = CampaignFactory(open=True, versions=[version])
    declaration = DeclarationFactory(obligation=ObligationFactory(campaign=campaign, user=admin))
    statement = ExtraStatementFactory(campaign=campaign)
    repeating = CampaignFactory(open=True, repeats_yearly=True, versions=[version])
    exempt = ObligationFactory(campaign=campaign, exempt=True)
    question = CheckQuestionFactory(campaign=campaign)
    campaign_pk = {"pk": campaign.pk}
    obligation_pk = {"pk": declaration.obligation_id}
    policy = {"slug": version.policy.slug}
    client.force_login(admin)
    with production_like():
        walked = walk_routes(
            client,
            {
                "declarations:sign": obligation_pk,
                "declarations:confirm_identity": obligation_pk,
                "declarations:reading_heartbeat": obligation_pk,
                "declarations:check": obligation_pk,
                "declarations:receipt": {"pk": declaration.pk},
                "declarations:record": {"pk": declaration.pk},
                "declarations:policy": policy,
                "declarations:version": {"pk": version.pk},
                "declarations:version_pdf": {"pk": version.pk},
                "declarations:version_compare": {"pk": version.pk},
                "declarations:admin_policy": policy,
                "declarations:policy_edit": policy,
                "declarations:version_create": policy,
                "declarations:admin_version": {"pk": version.pk},
                "declarations:version_edit": {"pk": version.pk},
                "declarations:version_publish": {"pk": version.pk},
                "declarations:version_request_approval": {"pk": version.pk},
                "declarations:version_approve": {"pk": version.pk},
                "declarations:version_return": {"pk": version.pk},
                "declarations:policy_review": policy,
                "declarations:campaign": campaign_pk,
                "declarations:campaign_edit": campaign_pk,
                "declarations:campaign_open": campaign_pk,
                "declarations:campaign_close": campaign_pk,
                "declarations:campaign_reopen": campaign_pk,
                "declarations:campaign_repeat_stop": {"pk": repeating.pk},
                "declarations:statement_add": campaign_pk,
                "declarations:statement_remove": {"pk": statement.pk},
                "declarations:campaign_check": campaign_pk,
                "declarations:check_question_add": campaign_pk,
                "declarations:check_settings": campaign_pk,
                "declarations:check_question_remove": {"pk": question.pk},
                "declarations:check_allow": obligation_pk,
                "declarations:campaign_people": campaign_pk,
                "declarations:campaign_summary": campaign_pk,
                "declarations:obligation": obligation_pk,
                "declarations:obligation_pause": obligation_pk,
                "declarations:obligation_resume": obligation_pk,
                "declarations:obligation_extend": obligation_pk,
                "declarations:obligation_exempt": obligation_pk,
                "declarations:obligation_exemption_end": {"pk": exempt.pk},
                "declarations:report": campaign_pk,
                "declarations:report_outstanding": campaign_pk,
                "declarations:report_export": campaign_pk,
                "declarations:obligation_remind": obligation_pk,
                "declarations:remind_confirm": campaign_pk,
                "declarations:remind_send": campaign_pk,
                "declarations:team_remind": obligation_pk,
                "declarations:report_pdf": campaign_pk,
            },
            namespaces={"declarations"},
        )
    # A new page fails here until it is given a record to show.
    assert set(walked) == {r.name for r in named_routes() if r.name.startswith("declarations:")}
    for name in ("declarations:record", "declarations:report", "declarations:campaign_people"):
        assert walked[name] == 200, name
