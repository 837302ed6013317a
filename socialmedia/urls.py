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
# The owner of a running account: the periodic review.
from socialmedia.views import reviews as review_views  # noqa: E402 (each part's own block)

urlpatterns += [
    path("accounts/<int:pk>/review/", review_views.review, name="review"),
]

# ---- Permissions from the Chief Executive ----
