"""Django's own account views, with the portal's records added: reset emails go through the
outbox, and password changes and resets are written to the audit trail."""

import hashlib

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.tokens import default_token_generator
from django.http import HttpResponseRedirect
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from portal.access import client_ip
from portal.forms.accounts import SignInForm
from portal.models import User
from portal.oidc import config as identity_provider
from portal.services.accounts import user_password_reset_request, user_password_set
from portal.sessions import session_keep_after_password_change

# In the session of whoever asked for a reset link: a fingerprint of the address and the minute
# asked, so a second request for the same address in that minute can be answered honestly.
_LAST_RESET_REQUEST = "portal_last_reset_request"
_RESET_REPEATED = "portal_reset_repeated"


def _address_fingerprint(email: str) -> str:
    # Not the address itself: the session need not hold it to recognise it again.
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()


class OutboxPasswordResetForm(PasswordResetForm):
    """Django's reset form, with the email going through the outbox like every other message."""

    def save(self, *args, request=None, token_generator=default_token_generator, **kwargs):
        email = self.cleaned_data["email"]
        # Each request is its own message; the minute stops a double-submit sending two.
        stamp = timezone.now().strftime("%Y%m%d%H%M")
        ip = client_ip(request) if request is not None else None
        if request is not None:
            # One link per address a minute (the outbox key below): a second request in the
            # same minute sends nothing, so the page must say the first link is the one to
            # use. Read from this browser's own session, whatever was typed, so the page
            # still never reveals whether the address has an account.
            asked = {"address": _address_fingerprint(email), "minute": stamp}
            request.session[_RESET_REPEATED] = request.session.get(_LAST_RESET_REQUEST) == asked
            request.session[_LAST_RESET_REQUEST] = asked
        # The page says the same whatever was typed, so the form never reveals who has an account.
        for user in self.get_users(email):
            uid = urlsafe_base64_encode(force_bytes(user.pk))
            token = token_generator.make_token(user)
            user_password_reset_request(
                user=user,
                url=reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token}),
                ip=ip,
                stamp=stamp,
            )

    def get_users(self, email):
        """Active people with this email. Unlike Django's own, this includes people with no
        usable password yet: the staff import adds people that way, and choosing a password
        here is how they first get in."""
        return User.objects.filter(email__iexact=email.strip(), is_active=True)


class LoginView(auth_views.LoginView):
    """Django's sign-in page, offering the organisation's identity provider first when there
    is one; the password form stays below it (break-glass accounts, and bodies without one)."""

    authentication_form = SignInForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if identity_provider.enabled():
            context["identity_provider_name"] = identity_provider.provider_name()
        return context


class PasswordResetView(auth_views.PasswordResetView):
    form_class = OutboxPasswordResetForm


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["repeated"] = self.request.session.pop(_RESET_REPEATED, False)
        return context


class PasswordChangeView(auth_views.PasswordChangeView):
    def form_valid(self, form):
        user_password_set(
            user=form.user,
            password=form.cleaned_data["new_password1"],
            ip=client_ip(self.request),
            reset=False,
            keep_session_key=self.request.session.session_key,
        )
        # Keeps this session signed in; every other session of theirs has ended.
        session_keep_after_password_change(self.request, form.user)
        return HttpResponseRedirect(self.get_success_url())


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    success_url = reverse_lazy("password_reset_complete")

    def form_valid(self, form):
        user_password_set(
            user=form.user,
            password=form.cleaned_data["new_password1"],
            ip=client_ip(self.request),
            reset=True,
            # Not ended under the running request (its session is saved as it finishes);
            # Django's own check signs it out on its next page if it was theirs.
            keep_session_key=self.request.session.session_key,
        )
        # The token was moved into the session by Django's view; a used link must not work again
        # (the new password hash also invalidates the token itself).
        self.request.session.pop(auth_views.INTERNAL_RESET_SESSION_TOKEN, None)
        return HttpResponseRedirect(self.get_success_url())


class LogoutView(auth_views.LogoutView):
    """Sign out, and say so on the sign-in page it leads to (a shared computer's next user
    should see that the last person really is signed out)."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.success(request, "You have signed out.")
        return response
