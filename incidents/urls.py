from django.urls import path

from incidents.views import handling, pages, queues

app_name = "incidents"

# Everyone signed in: an incident they may see (their own, or one they handle).
urlpatterns = [
    path("<int:pk>/", pages.incident_detail, name="incident"),
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
