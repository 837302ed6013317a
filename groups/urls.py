from django.urls import path

from groups.views import pages

app_name = "groups"

urlpatterns = [
    # Everyone signed in: their own groups, and the page of a group they may see.
    path("", pages.my_groups, name="mine"),
    path("<int:pk>/", pages.group_detail, name="group"),
]
