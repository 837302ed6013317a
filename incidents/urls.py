from django.urls import path

from incidents.views import (
    dpo_reports,
    handling,
    pages,
    queues,
    register,
    reporting,
    travel,
)

app_name = "incidents"

# Everyone signed in: an incident they may see (their own, or one they handle).
urlpatterns = [
    path("<int:pk>/", pages.incident_detail, name="incident"),
    # ---- Travel abroad with a work device ----
    # Anyone signed in tells Information Security about a trip; a notice is its traveller's and
    # the helpdesk's (404 to others); the helpdesk lists trips and advises.
    path("travel/", travel.travel_mine, name="travel_mine"),
    path("travel/new/", travel.travel_new, name="travel_new"),
    path("travel/upcoming/", travel.travel_upcoming, name="travel_upcoming"),
    path("travel/<int:pk>/", travel.travel_detail, name="travel"),
    path("travel/<int:pk>/advice/", travel.travel_advice, name="travel_advice"),
]

# ---- Reporting: anyone signed in reports; the reporter sees and adds to their own.
urlpatterns += [
    path("report/", reporting.report, name="report"),
    path("mine/", reporting.mine, name="mine"),
    path("<int:pk>/reported/", reporting.reported, name="reported"),
    path("<int:pk>/add-information/", reporting.add_information, name="add_information"),
    path("files/<int:pk>/", reporting.attachment, name="attachment"),
]

# Register: the breach register, its export and the DPO's figures (the DPO and deputy).
urlpatterns += [
    path("breaches/", register.breach_register, name="breach_register"),
    path("breaches/register.csv", register.breach_register_csv, name="breach_register_csv"),
    path("figures/", dpo_reports.dpo_reports, name="dpo_reports"),
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

# ---- Handling: each handler's queue, the timeline, the helpdesk's and Professional Standards'
# parts. Each page checks the person handles the incident (incidents/access.py).
urlpatterns += [
    path("queues/<slug:handler>/", queues.queue, name="queue"),
    path("<int:pk>/note/", handling.note, name="note"),
    path("<int:pk>/message/", handling.message, name="message"),
    path("<int:pk>/refer-to-dpo/", handling.refer_to_dpo, name="refer_to_dpo"),
    path("<int:pk>/close/", handling.close, name="close"),
    path("<int:pk>/helpdesk/action/", handling.helpdesk_action, name="helpdesk_action"),
    path("<int:pk>/helpdesk/done/", handling.helpdesk_done, name="helpdesk_done"),
    path("<int:pk>/psd/assessment/", handling.psd_assessment, name="psd_assessment"),
    path("<int:pk>/timeline.csv", handling.timeline_csv, name="timeline_csv"),
    path("<int:pk>/timeline/print/", handling.timeline_print, name="timeline_print"),
]
# Each queue's address under a name of its own, for the menu (which reverses a name with no
# arguments): the same addresses as `queue` above, which answers them (it comes first).
urlpatterns += [
    path(f"queues/{slug}/", queues.queue, {"handler": slug}, name=f"queue_{slug.replace('-', '_')}")
    for slug in ("helpdesk", "dpo", "psd", "chief-executive")
]
