"""The sign-in form: Django's own, refusing what can be no one's email before anything tries it."""

from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator
from django.db import models

from portal.models import User


class SignInForm(AuthenticationForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Django sets max_length after the field is made, which adds no validator: an address
        # longer than any account's went on to the lockout's record of attempts, whose column
        # it overflowed (a server error, from the one page anyone can reach).
        username = self.fields["username"]
        email = User._meta.get_field(User.USERNAME_FIELD)
        assert isinstance(email, models.EmailField)
        limit = email.max_length
        username.validators.append(MaxLengthValidator(limit))
