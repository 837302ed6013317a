from django.urls import path

from staffimport import views, views_held

app_name = "staffimport"

# Mounted at staff/import/ by portal/urls.py: the same addresses as before the app moved out.
urlpatterns = [
    path("", views.staff_import_list, name="imports"),
    path("new/", views.staff_import_upload, name="upload"),
    path("template.csv", views.staff_import_template, name="template"),
    path("<int:pk>/", views.staff_import_detail, name="detail"),
    path("<int:pk>/apply/", views.staff_import_apply, name="apply"),
    path("<int:pk>/progress/", views.staff_import_progress, name="progress"),
    # For system administrators: changes to privileged people that imports held back.
    path("held/", views_held.held_change_list, name="held"),
    path("held/<int:pk>/approve/", views_held.held_change_approve_view, name="held_approve"),
    path("held/<int:pk>/refuse/", views_held.held_change_refuse_view, name="held_refuse"),
]
