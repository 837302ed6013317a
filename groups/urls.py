from django.urls import path

from groups.views import decisions, pages, register, registration

app_name = "groups"

urlpatterns = [
    # Everyone signed in: their own groups, and the page of a group they may see.
    path("", pages.my_groups, name="mine"),
    path("<int:pk>/", pages.group_detail, name="group"),
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
]
