"""Log-in forms whose user name is bounded before anything authenticates.

Django's AuthenticationForm sets the user name's max_length after the field is built, so no
validator checks it: a 10 000-character name reached authenticate(), django-axes' varchar(255)
and the access log, and the page answered 500. Here the field validates its length first, so
clean() never calls authenticate() with it."""

from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator

USERNAME_TOO_LONG = "Användarnamnet får vara högst %(limit_value)d tecken (det har %(show_value)d)."


class _BoundedUsername:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["username"]
        field.validators.append(MaxLengthValidator(field.max_length, message=USERNAME_TOO_LONG))


class LoginForm(_BoundedUsername, AuthenticationForm):
    pass


class AdminLoginForm(_BoundedUsername, AdminAuthenticationForm):
    pass
