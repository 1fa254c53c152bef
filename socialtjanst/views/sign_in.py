"""Log-in through the municipality's IdP, log-out, and the two-factor pages. The rules live in
socialtjanst.oidc, socialtjanst.oidc_identity and socialtjanst.two_factor."""

import logging
from base64 import b32encode

import django_otp
import requests
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from .. import two_factor
from ..auth_events import record_failed_login
from ..oidc import end_session_url, oidc_enabled, provider_metadata, signed_in_through_idp
from ..two_factor_middleware import second_factor_pending_allowed

logger = logging.getLogger(__name__)

OIDC_REFUSED = ("Inloggningen via kommunens inloggning gav inte tillgång till IFO-stöd: kontot finns inte här "
                "eller är avstängt. Kontakta systemförvaltaren.")
OIDC_UNAVAILABLE = "Kommunens inloggning svarar inte just nu. Försök igen om en stund eller logga in med lösenord."
SESSION_ENROL_DEVICE = "two_factor_enrol_device"


def _next_url(request, default: str = settings.LOGIN_REDIRECT_URL) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(candidate, {request.get_host()}, request.is_secure()):
        return candidate
    return resolve_url(default)


class LoginView(auth_views.LoginView):
    """The local form, and the IdP's button when OIDC is configured."""

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "oidc_enabled": oidc_enabled()}


@method_decorator(login_not_required, name="dispatch")
class OIDCLoginView(OIDCAuthenticationRequestView):
    """Sends the browser to the IdP (with state, nonce and PKCE); 404 when OIDC is not configured."""

    def __init__(self, *args, **kwargs):
        # The endpoint comes from discovery at the request, not at start-up (the IdP may be away then).
        super(OIDCAuthenticationRequestView, self).__init__(*args, **kwargs)

    def get(self, request):
        if not oidc_enabled():
            raise Http404
        try:
            self.OIDC_OP_AUTH_ENDPOINT = provider_metadata()["authorization_endpoint"]
        except (requests.RequestException, ValueError, KeyError, ImproperlyConfigured):
            logger.warning("oidc: discovery failed", exc_info=True)
            messages.error(request, OIDC_UNAVAILABLE)
            return redirect(settings.LOGIN_URL)
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        return super().get(request)


@method_decorator(login_not_required, name="dispatch")
class OIDCCallbackView(OIDCAuthenticationCallbackView):
    """The IdP's answer: authenticate() checks the code and the token, then our matching rule decides."""

    def get(self, request):
        if not oidc_enabled():
            raise Http404
        return super().get(request)

    @property
    def failure_url(self):
        return resolve_url(settings.LOGIN_URL)

    def login_failure(self):
        messages.error(self.request, OIDC_REFUSED)
        return super().login_failure()


@second_factor_pending_allowed
@require_POST
def logout_view(request):
    """Ends the session here and, after a log-in through the IdP, at the IdP too (its end_session)."""
    through_idp = signed_in_through_idp(request)
    id_token = request.session.get("oidc_id_token")
    logout(request)
    login_url = request.build_absolute_uri(resolve_url(settings.LOGOUT_REDIRECT_URL))
    if through_idp and oidc_enabled():
        idp_logout = end_session_url(id_token=id_token, return_to=login_url)
        if idp_logout:
            return HttpResponseRedirect(idp_logout)
    return redirect(settings.LOGOUT_REDIRECT_URL)


@second_factor_pending_allowed
def two_factor_verify(request):
    """The second step of a password log-in: a code from the app or a recovery code."""
    if not two_factor.two_factor_pending(request):
        return redirect(_next_url(request))
    if not two_factor.has_confirmed_totp(request.user):
        return redirect(f"{reverse('two_factor_enrol')}?next={_next_url(request)}")
    error = ""
    if request.method == "POST":
        device = two_factor.two_factor_verify(user=request.user, token=request.POST.get("token", ""))
        if device is not None:
            django_otp.login(request, device)
            return redirect(_next_url(request))
        error = two_factor.WRONG_CODE
        record_failed_login(request, account=request.user, criteria={"step": "second_factor"})
    return render(request, "registration/two_factor_verify.html", {"error": error, "next": _next_url(request)})


@second_factor_pending_allowed
def two_factor_enrol(request):
    """Enrolment: the QR code, a first code to confirm, then the recovery codes (shown once)."""
    if signed_in_through_idp(request) or request.user.is_verified() or two_factor.has_confirmed_totp(request.user):
        # Enrolment is for an account without a device; a new phone goes through the systemförvaltare's reset.
        return redirect(_next_url(request))
    device = two_factor.totp_enrolment_start(user=request.user)
    error = ""
    if request.method == "POST":
        try:
            codes = two_factor.totp_enrolment_confirm(user=request.user, device=device,
                                                      token=request.POST.get("token", ""))
        except ValidationError as exc:
            error = exc.messages[0]
            record_failed_login(request, account=request.user, criteria={"step": "second_factor_enrolment"})
        else:
            django_otp.login(request, device)
            return render(request, "registration/two_factor_recovery_codes.html",
                          {"codes": codes, "next": _next_url(request)})
    return render(request, "registration/two_factor_enrol.html", {
        "error": error, "next": _next_url(request), "qr_svg": two_factor.qr_code_svg(device.config_url),
        "secret": _grouped_secret(device), "issuer": settings.OTP_TOTP_ISSUER,
    })


def _grouped_secret(device) -> str:
    """The key in base32, in groups of four, for typing into an app that cannot scan."""
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))
