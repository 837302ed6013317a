from django.urls import path

from socialmedia.views import credentials, pages, reveal

app_name = "socialmedia"

# Everyone signed in: an account they may see (applied for, own, on its team; or decide on).
urlpatterns = [
    path("accounts/<int:pk>/", pages.account_detail, name="account"),
]

# ---- Applications and decisions ----

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

# ---- Reviews and reminders ----

# ---- Permissions from the Chief Executive ----
