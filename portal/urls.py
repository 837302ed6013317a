from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from portal.views import accounts, audit, dashboard, notifications, organisation

portal_patterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("notifications/", notifications.notification_list, name="notifications"),
    path("notifications/<int:pk>/", notifications.notification_detail, name="notification"),
    path(
        "notifications/read-all/",
        notifications.notification_mark_all_read,
        name="notifications_read_all",
    ),
    path("audit/", audit.audit_list, name="audit"),
    path("audit/export.csv", audit.audit_export, name="audit_export"),
    path("organisation/", organisation.organisation_settings, name="organisation_settings"),
    path("organisation/logo/", organisation.organisation_logo, name="organisation_logo"),
]

account_patterns = [
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", accounts.LogoutView.as_view(), name="logout"),
    path("password/change/", accounts.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("password/reset/", accounts.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        accounts.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]

urlpatterns = [
    path("", include((portal_patterns, "portal"))),
    path("accounts/", include(account_patterns)),
    path("declarations/", include("declarations.urls")),
    path("staff/import/", include("staffimport.urls")),
    path("django-admin/", admin.site.urls),
]
