from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from portal.oidc import views as identity_provider
from portal.views import (
    accounts,
    audit,
    dashboard,
    holds,
    notifications,
    organisation,
    people,
    people_lookup,
    second_factor,
    sessions,
)

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
    path("organisation/retention/", organisation.retention_periods, name="retention_periods"),
    path("holds/", holds.hold_list, name="holds"),
    path("holds/<int:pk>/lift/", holds.hold_lift, name="hold_lift"),
    path("people/", people.people_list, name="people"),
    # The type-ahead of every "who?" field, for anyone signed in.
    path("people/lookup/", people_lookup.people_lookup, name="people_lookup"),
    path("people/<int:pk>/", people.person_detail, name="person"),
    path("people/<int:pk>/roles/add/", people.person_role_grant, name="person_role_grant"),
    path(
        "people/<int:pk>/roles/<str:role>/remove/",
        people.person_role_remove,
        name="person_role_remove",
    ),
    path("people/<int:pk>/deactivate/", people.person_deactivate, name="person_deactivate"),
    path("people/<int:pk>/reactivate/", people.person_reactivate, name="person_reactivate"),
    path("people/<int:pk>/unlock/", people.person_unlock, name="person_unlock"),
    path(
        "people/<int:pk>/two-step/reset/",
        people.person_second_factor_reset,
        name="person_second_factor_reset",
    ),
    path("people/<int:pk>/sign-out/", people.person_sessions_end, name="person_sessions_end"),
]

account_patterns = [
    path("login/", accounts.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    # Signing in through the organisation's identity provider: 404 unless OIDC_ISSUER is set.
    # The callback is the address registered at the provider.
    path("oidc/start/", identity_provider.start, name="oidc_start"),
    path("oidc/callback/", identity_provider.callback, name="oidc_callback"),
    path("logout/", accounts.LogoutView.as_view(), name="logout"),
    path("two-step/", second_factor.overview, name="second_factor"),
    path("two-step/set-up/", second_factor.setup, name="second_factor_setup"),
    path("two-step/code/", second_factor.verify, name="second_factor_verify"),
    path(
        "two-step/recovery-codes/",
        second_factor.recovery_codes_new,
        name="recovery_codes_new",
    ),
    path("sessions/", sessions.session_list, name="sessions"),
    path("sessions/sign-out-others/", sessions.sessions_end_others, name="sessions_end_others"),
    path("sessions/sign-out-everywhere/", sessions.sessions_end_all, name="sessions_end_all"),
    path("password/change/", accounts.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("password/reset/", accounts.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password/reset/sent/",
        accounts.PasswordResetDoneView.as_view(),
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
    path("chat-groups/", include("groups.urls")),
    path("incidents/", include("incidents.urls")),
    path("social-media/", include("socialmedia.urls")),
    path("staff/import/", include("staffimport.urls")),
    path("django-admin/", admin.site.urls),
]
