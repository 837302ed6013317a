from django.urls import path

from declarations.views import (
    campaigns,
    checks,
    compare,
    obligations,
    policies,
    remind,
    reports,
    signing,
    summaries,
)

app_name = "declarations"

urlpatterns = [
    # Everyone signed in: their own declarations, signing, receipts, and the policies.
    path("", signing.my_declarations, name="mine"),
    path("sign/<int:pk>/", signing.sign, name="sign"),
    path("sign/<int:pk>/confirm-identity/", signing.confirm_identity, name="confirm_identity"),
    path("sign/<int:pk>/reading/", signing.reading_heartbeat_view, name="reading_heartbeat"),
    path("sign/<int:pk>/questions/", checks.check_take, name="check"),
    path("signed/<int:pk>/", signing.receipt, name="receipt"),
    path("signed/<int:pk>/record/", signing.record, name="record"),
    path("policies/", policies.policy_list, name="policies"),
    path("policies/<slug:slug>/", policies.policy_detail, name="policy"),
    path("versions/<int:pk>/", policies.version_detail, name="version"),
    path("versions/<int:pk>/pdf/", policies.version_pdf, name="version_pdf"),
    path("versions/<int:pk>/compare/", compare.version_compare, name="version_compare"),
    # Policy administrators: policies and their versions.
    path("manage/policies/", policies.admin_policy_list, name="admin_policies"),
    path("manage/policies/new/", policies.policy_create_view, name="policy_create"),
    path("manage/policies/<slug:slug>/", policies.admin_policy_detail, name="admin_policy"),
    path("manage/policies/<slug:slug>/edit/", policies.policy_edit, name="policy_edit"),
    path("manage/policies/<slug:slug>/review/", policies.policy_review, name="policy_review"),
    path(
        "manage/policies/<slug:slug>/versions/new/",
        policies.version_create,
        name="version_create",
    ),
    path("manage/versions/<int:pk>/", policies.admin_version, name="admin_version"),
    path("manage/versions/<int:pk>/edit/", policies.version_edit, name="version_edit"),
    path("manage/versions/<int:pk>/publish/", policies.version_publish, name="version_publish"),
    path(
        "manage/versions/<int:pk>/ask-for-approval/",
        policies.version_request_approval,
        name="version_request_approval",
    ),
    path("manage/versions/<int:pk>/approve/", policies.version_approve, name="version_approve"),
    path("manage/versions/<int:pk>/send-back/", policies.version_return, name="version_return"),
    # Policy administrators: campaigns and the people in them.
    path("manage/campaigns/", campaigns.campaign_list, name="campaigns"),
    path("manage/campaigns/new/", campaigns.campaign_create_view, name="campaign_create"),
    path("manage/campaigns/<int:pk>/", campaigns.campaign_detail, name="campaign"),
    path("manage/campaigns/<int:pk>/edit/", campaigns.campaign_edit, name="campaign_edit"),
    path("manage/campaigns/<int:pk>/open/", campaigns.campaign_open_view, name="campaign_open"),
    path("manage/campaigns/<int:pk>/close/", campaigns.campaign_close_view, name="campaign_close"),
    path(
        "manage/campaigns/<int:pk>/reopen/", campaigns.campaign_reopen_view, name="campaign_reopen"
    ),
    path(
        "manage/campaigns/<int:pk>/stop-repeat/",
        campaigns.campaign_repeat_stop_view,
        name="campaign_repeat_stop",
    ),
    path(
        "manage/campaigns/<int:pk>/statements/add/",
        campaigns.statement_add,
        name="statement_add",
    ),
    path(
        "manage/statements/<int:pk>/remove/",
        campaigns.statement_remove,
        name="statement_remove",
    ),
    path("manage/campaigns/<int:pk>/questions/", checks.campaign_check, name="campaign_check"),
    path(
        "manage/campaigns/<int:pk>/questions/add/",
        checks.check_question_add_view,
        name="check_question_add",
    ),
    path(
        "manage/campaigns/<int:pk>/questions/settings/",
        checks.check_settings_view,
        name="check_settings",
    ),
    path(
        "manage/questions/<int:pk>/remove/",
        checks.check_question_remove_view,
        name="check_question_remove",
    ),
    path("manage/campaigns/<int:pk>/people/", campaigns.campaign_people, name="campaign_people"),
    path(
        "manage/campaigns/<int:pk>/summary/",
        summaries.campaign_summary_recipients,
        name="campaign_summary",
    ),
    path("manage/obligations/<int:pk>/", obligations.obligation_detail, name="obligation"),
    path(
        "manage/obligations/<int:pk>/pause/",
        obligations.obligation_pause_view,
        name="obligation_pause",
    ),
    path(
        "manage/obligations/<int:pk>/resume/",
        obligations.obligation_resume_view,
        name="obligation_resume",
    ),
    path(
        "manage/obligations/<int:pk>/extend/",
        obligations.obligation_extend_view,
        name="obligation_extend",
    ),
    path("manage/obligations/<int:pk>/remind/", remind.obligation_remind, name="obligation_remind"),
    path(
        "manage/obligations/<int:pk>/exempt/",
        obligations.obligation_exempt_view,
        name="obligation_exempt",
    ),
    path(
        "manage/obligations/<int:pk>/end-exemption/",
        obligations.obligation_exemption_end_view,
        name="obligation_exemption_end",
    ),
    path(
        "manage/obligations/<int:pk>/questions/allow/",
        checks.check_allow_view,
        name="check_allow",
    ),
    # Compliance reports: policy administrators; "My team" for line managers.
    path("reports/", reports.report_list, name="reports"),
    path("reports/<int:pk>/", reports.report_campaign, name="report"),
    path("reports/<int:pk>/outstanding/", reports.report_outstanding, name="report_outstanding"),
    path("reports/<int:pk>/export.csv", reports.report_export, name="report_export"),
    path("reports/<int:pk>/remind/", remind.remind_confirm, name="remind_confirm"),
    path("reports/<int:pk>/remind/send/", remind.remind_send, name="remind_send"),
    path("reports/<int:pk>/report.pdf", reports.report_pdf, name="report_pdf"),
    path("team/", reports.my_team, name="my_team"),
    path("team/remind/<int:pk>/", remind.team_remind, name="team_remind"),
]
