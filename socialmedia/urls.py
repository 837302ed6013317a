from django.urls import path

from socialmedia.views import (
    applications,
    credentials,
    lifecycle,
    pages,
    permissions,
    register,
    reveal,
    team,
)
from socialmedia.views import reviews as review_views

app_name = "socialmedia"

# Everyone signed in: an account they may see (applied for, own, on its team; or decide on).
urlpatterns = [
    path("accounts/<int:pk>/", pages.account_detail, name="account"),
]

# ---- Applications and decisions ----

urlpatterns += [
    path("apply/", applications.apply, name="apply"),
    path("mine/", applications.mine, name="mine"),
    path("applications/<int:pk>/sent/", applications.application_sent, name="application_sent"),
    path("applications/<int:pk>/edit/", applications.application_edit, name="application_edit"),
    path("applications/<int:pk>/decide/", applications.decide, name="decide"),
    path("applications/<int:pk>/letter/", applications.letter, name="letter"),
    path("decisions/", applications.decisions, name="decisions"),
    path("register/", register.register, name="register"),
    path("register.csv", register.register_csv, name="register_csv"),
]

# ---- Opening and the credential register ----
# The owner opens an approved account; the owner and the deciders keep its credentials; only
# the deciders reveal them and read the log of reveals.
urlpatterns += [
    path("accounts/<int:pk>/open/", credentials.account_open_view, name="open"),
    path("accounts/<int:pk>/credentials/", credentials.credentials_edit, name="credentials_edit"),
    path("accounts/<int:pk>/password/", credentials.password_change, name="password_change"),
    path("accounts/<int:pk>/reveal/", reveal.reveal, name="reveal"),
    path(
        "accounts/<int:pk>/reveal/confirm-identity/",
        reveal.reveal_confirm_identity,
        name="reveal_confirm_identity",
    ),
    path("reveals/", reveal.reveals, name="reveals"),
]

# ---- The team, leavers, hand-over and closure ----

urlpatterns += [
    path("accounts/<int:pk>/team/", team.team, name="team"),
    path("accounts/<int:pk>/team/add/", team.team_add, name="team_add"),
    path("team-members/<int:pk>/remove/", team.team_remove, name="team_remove"),
    path("accounts/<int:pk>/new-owner/", team.owner_assign, name="owner_assign"),
    path("accounts/<int:pk>/rename/", lifecycle.rename, name="rename"),
    path("accounts/<int:pk>/hand-over/", lifecycle.handover, name="handover"),
    path(
        "accounts/<int:pk>/hand-over/answer/",
        lifecycle.handover_answer_view,
        name="handover_answer",
    ),
    path(
        "accounts/<int:pk>/hand-over/withdraw/",
        lifecycle.handover_withdraw_view,
        name="handover_withdraw",
    ),
    path("accounts/<int:pk>/close/", lifecycle.close, name="close"),
    path("accounts/<int:pk>/suspend/", lifecycle.suspend, name="suspend"),
    path("accounts/<int:pk>/reinstate/", lifecycle.reinstate, name="reinstate"),
    path("accounts/<int:pk>/order-closure/", lifecycle.order_closure, name="order_closure"),
]

# ---- Reviews and reminders ----
# The owner of a running account: the periodic review.

urlpatterns += [
    path("accounts/<int:pk>/review/", review_views.review, name="review"),
]

# ---- Permissions from the Chief Executive ----
# Anyone signed in asks; a request is its requester's and the deciders' (others 404); the queue
# is the deciders' (others 403).

urlpatterns += [
    path("permissions/", permissions.permissions_queue, name="permissions"),
    path("permissions/new/", permissions.permission_new, name="permission_new"),
    path("permissions/mine/", permissions.permissions_mine, name="permissions_mine"),
    path("permissions/<int:pk>/", permissions.permission_detail, name="permission"),
    path(
        "permissions/<int:pk>/decide/",
        permissions.permission_decide_view,
        name="permission_decide",
    ),
    path(
        "permissions/<int:pk>/revise/",
        permissions.permission_revise_view,
        name="permission_revise",
    ),
    path(
        "permissions/<int:pk>/withdraw/",
        permissions.permission_withdraw_view,
        name="permission_withdraw",
    ),
    path("permissions/files/<int:pk>/", permissions.permission_file, name="permission_file"),
]
