from django.urls import path

from socialmedia.views import pages

app_name = "socialmedia"

# Everyone signed in: an account they may see (applied for, own, on its team; or decide on).
urlpatterns = [
    path("accounts/<int:pk>/", pages.account_detail, name="account"),
]

# ---- Applications and decisions ----

# ---- Opening and the credential register ----

# ---- The team, leavers, hand-over and closure ----

# ---- Reviews and reminders ----

# ---- Permissions from the Chief Executive ----
# Anyone signed in asks; a request is its requester's and the deciders' (others 404); the queue
# is the deciders' (others 403).
from socialmedia.views import permissions  # noqa: E402

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
