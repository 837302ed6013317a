from django.urls import path

from incidents.views import pages

app_name = "incidents"

# Everyone signed in: an incident they may see (their own, or one they handle).
urlpatterns = [
    path("<int:pk>/", pages.incident_detail, name="incident"),
]

# ---- Triage: the DPO's assessment, the ICO clock and reports, the ICO draft, actions --------
from incidents.views import ico_draft, triage  # noqa: E402

urlpatterns += [
    path("<int:pk>/triage/", triage.triage, name="triage"),
    path("<int:pk>/ico-decision/", triage.ico_decision, name="ico_decision"),
    path("<int:pk>/ico-report/", triage.ico_report, name="ico_report"),
    path("<int:pk>/people-told/", triage.subjects_told, name="subjects_told"),
    path("<int:pk>/ico-details/", triage.ico_details, name="ico_details"),
    path("<int:pk>/ico-draft/", ico_draft.ico_draft, name="ico_draft"),
    path("<int:pk>/actions/add/", triage.action_add_view, name="action_add"),
    path("<int:pk>/dpo-close/", triage.dpo_close, name="dpo_close"),
    # Any signed-in person: their own actions, and recording one done.
    path("actions/mine/", triage.my_actions, name="my_actions"),
    path("actions/<int:pk>/done/", triage.action_done_view, name="action_done"),
]
