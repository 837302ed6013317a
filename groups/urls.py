from django.urls import path

from groups.views import (
    cleardowns,
    concerns,
    decisions,
    holds,
    members,
    pages,
    register,
    registration,
    reviews,
)
from groups.views import reports as report_views

app_name = "groups"

urlpatterns = [
    # Everyone signed in: their own groups, and the page of a group they may see.
    path("", pages.my_groups, name="mine"),
    path("<int:pk>/", pages.group_detail, name="group"),
    # The DPO: the overview of the register, and a group as at a date (reports).
    path("overview/", report_views.overview, name="overview"),
    path("<int:pk>/as-at/", report_views.as_at, name="as_at"),
]

# Holds: the DPO's pages, and the notice each person acknowledges.
urlpatterns += [
    path("holds/", holds.hold_list, name="holds"),
    path("holds/new/", holds.hold_place_view, name="hold_place"),
    path("holds/<int:pk>/", holds.hold_detail, name="hold"),
    path("holds/<int:pk>/reissue/", holds.hold_reissue_view, name="hold_reissue"),
    path("holds/<int:pk>/searches/", holds.hold_search_view, name="hold_search"),
    path("holds/<int:pk>/release/", holds.hold_release_view, name="hold_release"),
    path("holds/notices/<int:pk>/", holds.hold_notice, name="hold_notice"),
    path(
        "holds/notices/<int:pk>/acknowledge/",
        holds.hold_notice_acknowledge_view,
        name="hold_notice_acknowledge",
    ),
    # Membership, rules, leavers, reviews and concerns (the members part).
    path("<int:pk>/members/", members.members, name="members"),
    path("<int:pk>/members/add/", members.members_add, name="members_add"),
    path("<int:pk>/members/external/", members.external_add, name="external_add"),
    path("members/<int:pk>/remove/", members.member_remove, name="member_remove"),
    path("members/<int:pk>/chat-removed/", members.member_chat_removed, name="member_chat_removed"),
    path("external/<int:pk>/remove/", members.external_remove, name="external_remove"),
    path("<int:pk>/rules/", members.rules, name="rules"),
    path("<int:pk>/admin/", members.admin_change, name="admin_change"),
    path("<int:pk>/deputy/", members.deputy_change, name="deputy_change"),
    path("<int:pk>/review/", reviews.review, name="review"),
    path("<int:pk>/concern/", concerns.concern_about_group, name="concern_about_group"),
    path("concerns/new/", concerns.concern_unlisted, name="concern_unlisted"),
    path("concerns/<int:pk>/received/", concerns.concern_received, name="concern_received"),
    path("concerns/", concerns.concerns, name="concerns"),
    path("concerns/<int:pk>/", concerns.concern_detail, name="concern"),
    # Registering a group (reg): any member of staff applies; the applicant revises and sends
    # again; the admin proposes changes, closes the group and confirms its chat was deleted.
    path("apply/", registration.application_new, name="apply"),
    path("apply/send/", registration.application_new, {"send": True}, name="apply_send"),
    path("<int:pk>/application/", registration.application_edit, name="edit"),
    path(
        "<int:pk>/application/send/",
        registration.application_edit,
        {"send": True},
        name="edit_send",
    ),
    path("<int:pk>/change/", registration.change_propose, name="propose_change"),
    path("<int:pk>/close/", registration.admin_close, name="close"),
    path("<int:pk>/chat-deleted/", registration.chat_deleted, name="chat_deleted"),
    # The DPO and deputy (reg): decisions, the life of a group, the register.
    path("decisions/", decisions.decision_queue, name="decisions"),
    path("<int:pk>/decide/", decisions.decide, name="decide"),
    path("<int:pk>/decide/approve/", decisions.approve, name="approve"),
    path("<int:pk>/decide/refuse/", decisions.refuse, name="refuse"),
    path("<int:pk>/decide/ask-changes/", decisions.ask_changes, name="ask_changes"),
    path("<int:pk>/suspend/", decisions.suspend, name="suspend"),
    path("<int:pk>/reinstate/", decisions.reinstate, name="reinstate"),
    path("<int:pk>/dpo-close/", decisions.dpo_close, name="dpo_close"),
    path("register/", register.register, name="register"),
    path("register/export.csv", register.register_export, name="register_export"),
    # Clear-downs: the emailed one-click link (works with its signed token alone), what a person
    # owes, the portal's buttons, and the guidance on clearing a chat.
    path(
        "clear-downs/<int:cycle_pk>/<int:user_pk>/<str:token>/",
        cleardowns.cleardown_link,
        name="cleardown_link",
    ),
    path("clear-downs/", cleardowns.cleardowns_owed, name="cleardowns_owed"),
    path("clear-downs/how/", cleardowns.cleardown_guide, name="cleardown_guide"),
    path(
        "clear-downs/prompts/<int:pk>/confirm/",
        cleardowns.cleardown_confirm_in_portal,
        name="cleardown_confirm",
    ),
    path(
        "clear-downs/cycles/<int:pk>/posted/",
        cleardowns.cleardown_prompt_posted_view,
        name="cleardown_posted",
    ),
]
