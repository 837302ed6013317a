from django.urls import path

from incidents.views import dpo_reports, pages, register

app_name = "incidents"

# Everyone signed in: an incident they may see (their own, or one they handle).
urlpatterns = [
    path("<int:pk>/", pages.incident_detail, name="incident"),
]

# Register: the breach register, its export and the DPO's figures (the DPO and deputy).
urlpatterns += [
    path("breaches/", register.breach_register, name="breach_register"),
    path("breaches/register.csv", register.breach_register_csv, name="breach_register_csv"),
    path("figures/", dpo_reports.dpo_reports, name="dpo_reports"),
]
