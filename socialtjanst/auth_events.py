"""Log-ins in the access log, and the session's absolute lifetime.

Every log-in, failed log-in, lock-out (django-axes) and log-out through the web is an AccessEvent,
written in the request's transaction: the log-in view returns 200 on a failed attempt (and axes turns
the response into a 429 only after the view), so those rows commit like any other. A failed attempt
records the user name as typed, never the password; when that name is an account, its units are the
event's object units, so the unit's manager sees attempts against their staff's accounts.

The idle timeout is SESSION_COOKIE_AGE; on top of it a session ends SESSION_ABSOLUTE_SECONDS after
its log-in however active it is (SessionLifetimeMiddleware), so a stolen or forgotten session cannot
be kept alive for days.

The idle clock is restarted by a request at most once every SESSION_RENEWAL_SECONDS (a signed-in session's
renewal time is in the session), not by every request: saving the session was a write and a commit on every
page. So a session ends between SESSION_COOKIE_AGE − SESSION_RENEWAL_SECONDS and SESSION_COOKIE_AGE after its
last request, never later.
"""

import time

from axes.signals import user_locked_out
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, logout
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.contrib.auth.views import redirect_to_login
from django.dispatch import receiver

from .access import user_roles, user_unit_ids
from .middleware import client_ip_var, request_id_var
from .models import AccessAction, AccessEvent

SESSION_LOGIN_AT = "auth_logged_in_at"
SESSION_RENEWED_AT = "auth_renewed_at"
SESSION_RENEWAL_SECONDS = 60
SESSION_ENDED = "Du har varit inloggad längre än {hours} timmar och har loggats ut. Logga in igen."
LIFETIME_REASON = "session_lifetime"
USERNAME_MAX = AccessEvent._meta.get_field("username").max_length
# A log-in step other than the password form puts {"username", "account", "criteria"} here (socialtjanst.oidc).
SIGN_IN_ATTEMPT = "sign_in_attempt"


def _through_the_web(request) -> bool:
    """A log-in without an HTTP request (Client.force_login in tests, a shell) is not one through the log-in page."""
    return request is not None and request.method is not None


def _event(*, action: AccessAction, username: str, user=None, account=None, criteria: dict | None = None) -> None:
    """One log-in row; `user` is the logged-in actor, `account` the account a failed attempt named."""
    units = sorted(user_unit_ids(user)) if user is not None else []
    AccessEvent.objects.create(
        user=user, username=username[:USERNAME_MAX], roles=", ".join(sorted(user_roles(user))) if user else "",
        actor_unit_ids=units, action=action, object_type="User",
        object_id=(user or account).pk if (user or account) else None,
        object_unit_ids=sorted(user_unit_ids(account)) if account is not None else units,
        criteria=criteria or {}, client_ip=client_ip_var.get(), request_id=request_id_var.get(),
    )


def _account(username: str):
    return get_user_model().objects.filter(**{get_user_model().USERNAME_FIELD: username}).first()


@receiver(user_logged_in, dispatch_uid="auth_events_logged_in")
def _logged_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_LOGIN_AT] = int(time.time())
    if _through_the_web(request):
        attempt = getattr(request, SIGN_IN_ATTEMPT, None) or {}
        _event(action=AccessAction.LOGIN, username=user.get_username(), user=user, criteria=attempt.get("criteria"))


@receiver(user_logged_out, dispatch_uid="auth_events_logged_out")
def _logged_out(sender, request, user, **kwargs):
    if user is not None and _through_the_web(request):
        reason = getattr(request, "logout_reason", None)
        _event(action=AccessAction.LOGOUT, username=user.get_username(), user=user,
               criteria={"reason": reason} if reason else None)


def _attempted_username(credentials: dict) -> str:
    # Only the user name: Django already masks the password, and we never store even the mask.
    return str(credentials.get(get_user_model().USERNAME_FIELD) or credentials.get("username") or "")


@receiver(user_login_failed, dispatch_uid="auth_events_login_failed")
def _login_failed(sender, credentials, request=None, **kwargs):
    if _through_the_web(request):
        attempt = getattr(request, SIGN_IN_ATTEMPT, None)
        if attempt is not None:  # through the IdP (socialtjanst.oidc): the subject it named, and why refused
            record_failed_login(request, username=attempt["username"], account=attempt["account"],
                                criteria=attempt["criteria"])
            return
        username = _attempted_username(credentials)
        # axes has already run: a refused attempt while (or because) the account is locked says so.
        locked = getattr(request, "axes_locked_out", False)
        _event(action=AccessAction.LOGIN_FAILED, username=username, account=_account(username),
               criteria={"locked_out": True} if locked else None)


def record_failed_login(request, *, account, username: str | None = None, criteria: dict | None = None) -> None:
    """A failed log-in step other than the password form's (a wrong second-factor code, a refused IdP log-in)."""
    if _through_the_web(request):
        name = username if username is not None else (account.get_username() if account is not None else "")
        _event(action=AccessAction.LOGIN_FAILED, username=name, account=account, criteria=criteria)


@receiver(user_locked_out, dispatch_uid="auth_events_locked_out")
def _locked_out(sender, request, username, ip_address, **kwargs):
    # axes sends this again for every attempt during a lock-out (each counts as one more failure);
    # only the attempt that reached the limit starts the lock-out, the later ones are failed attempts.
    if _through_the_web(request) and getattr(request, "axes_failures_since_start", None) == settings.AXES_FAILURE_LIMIT:
        username = str(username or "")
        _event(action=AccessAction.LOCKOUT, username=username, account=_account(username))


class SessionLifetimeMiddleware:
    """Logs out a session older than SESSION_ABSOLUTE_SECONDS and sends the user to the log-in page, and
    restarts a signed-in session's idle clock (at most once every SESSION_RENEWAL_SECONDS: a changed session is
    saved with a new expiry).

    After AuthenticationMiddleware and MessageMiddleware. A session from before this rule (no log-in
    time) starts its lifetime now."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            now = time.time()
            logged_in_at = request.session.get(SESSION_LOGIN_AT)
            renewed_at = request.session.get(SESSION_RENEWED_AT)
            if not isinstance(renewed_at, int) or not 0 <= now - renewed_at < SESSION_RENEWAL_SECONDS:
                request.session[SESSION_RENEWED_AT] = int(now)
            if not isinstance(logged_in_at, int):
                request.session[SESSION_LOGIN_AT] = int(now)
            elif now - logged_in_at > settings.SESSION_ABSOLUTE_SECONDS:
                request.logout_reason = LIFETIME_REASON
                logout(request)
                messages.info(request, SESSION_ENDED.format(hours=_hours(settings.SESSION_ABSOLUTE_SECONDS)))
                return redirect_to_login(request.get_full_path())
        return self.get_response(request)


def _hours(seconds: int) -> str:
    hours = seconds / 3600
    return str(int(hours)) if hours.is_integer() else f"{hours:.1f}".replace(".", ",")
