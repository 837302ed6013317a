from django.urls import path

from groups.views import pages
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
