from django.urls import path

from groups.views import cleardowns, pages

app_name = "groups"

urlpatterns = [
    # Everyone signed in: their own groups, and the page of a group they may see.
    path("", pages.my_groups, name="mine"),
    path("<int:pk>/", pages.group_detail, name="group"),
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
