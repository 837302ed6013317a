from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from portal.services.notifications import notification_queue


class OutboxPasswordResetForm(PasswordResetForm):
    """Django's reset form, with the email going through the outbox like every other message."""

    def save(self, *args, **kwargs):
        email = self.cleaned_data["email"]
        for user in self.get_users(email):
            uid = urlsafe_base64_encode(force_bytes(user.pk))
            token = default_token_generator.make_token(user)
            # Each request is its own message; the key stops a double-submit sending two.
            stamp = timezone.now().strftime("%Y%m%d%H%M")
            notification_queue(
                to=user,
                template="password_reset",
                dedup_key=f"password-reset:{user.pk}:{stamp}",
                url=reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token}),
                in_portal=False,
            )


class PasswordResetView(auth_views.PasswordResetView):
    form_class = OutboxPasswordResetForm
