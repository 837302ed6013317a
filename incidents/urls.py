from django.urls import path

from incidents.views import pages, reporting

app_name = "incidents"

# Everyone signed in: an incident they may see (their own, or one they handle).
urlpatterns = [
    path("<int:pk>/", pages.incident_detail, name="incident"),
]

# ---- Reporting: anyone signed in reports; the reporter sees and adds to their own.
urlpatterns += [
    path("report/", reporting.report, name="report"),
    path("mine/", reporting.mine, name="mine"),
    path("<int:pk>/reported/", reporting.reported, name="reported"),
    path("<int:pk>/add-information/", reporting.add_information, name="add_information"),
    path("files/<int:pk>/", reporting.attachment, name="attachment"),
]
