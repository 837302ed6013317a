from django.urls import path

from socialmedia.views import pages

app_name = "socialmedia"

# Everyone signed in: an account they may see (applied for, own, on its team; or decide on).
urlpatterns = [
    path("accounts/<int:pk>/", pages.account_detail, name="account"),
]

# ---- Applications and decisions ----
from socialmedia.views import applications, register  # noqa: E402 (each part's block is its own)

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

# ---- The team, leavers, hand-over and closure ----

# ---- Reviews and reminders ----

# ---- Permissions from the Chief Executive ----
