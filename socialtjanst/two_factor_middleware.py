"""Sends a password log-in that still owes its second factor to the code page (or to enrolment).

After django_otp's OTPMiddleware (which sets user.is_verified()) and LoginRequiredMiddleware. Views open
without a log-in (the log-in and log-out pages, the admin's log-in, the e-tjänst API, health checks) and the
two-factor pages themselves (marked with `second_factor_pending_allowed`) are let through."""

from urllib.parse import quote

from django.shortcuts import redirect
from django.urls import reverse

from .two_factor import has_confirmed_totp, two_factor_pending

PENDING_ALLOWED_ATTRIBUTE = "second_factor_pending_allowed"


def second_factor_pending_allowed(view_func):
    setattr(view_func, PENDING_ALLOWED_ATTRIBUTE, True)
    return view_func


class TwoFactorRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not getattr(view_func, "login_required", True) or getattr(view_func, PENDING_ALLOWED_ATTRIBUTE, False):
            return None
        if not two_factor_pending(request):
            return None
        target = "two_factor_verify" if has_confirmed_totp(request.user) else "two_factor_enrol"
        return redirect(f"{reverse(target)}?next={quote(request.get_full_path())}")
