"""Two-factor authentication for local (password) accounts, with django-otp.

The rule: when settings.IFO_REQUIRE_2FA is on (the default; `make run`'s demo and the test run turn it off),
every password log-in, whatever the role, reaches nothing but the code page until the session is verified
with a TOTP code from an authenticator app or one of the account's single-use recovery codes. An account
without a confirmed TOTP device is sent to enrolment: a QR code (drawn here, inline SVG, no outside service)
and a first code to confirm it, after which it gets RECOVERY_CODE_COUNT recovery codes, shown once. A log-in
through the municipality's IdP relies on the IdP's own MFA and is not asked again (socialtjanst.oidc).

Brute force: django-otp throttles each device (a growing wait after each wrong code). A wrong code is a
failed log-in in the access log; enrolment and a reset by the systemförvaltare are `grant` rows.
"""

import re

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import grants
from .oidc import signed_in_through_idp

RECOVERY_CODE_COUNT = 10
TOTP_DEVICE_NAME = "Autentiseringsapp"
RECOVERY_DEVICE_NAME = "Reservkoder"
WRONG_CODE = "Koden stämmer inte. Kontrollera att telefonens klocka går rätt och försök igen."
CODE_REQUIRED = "Ange koden."


def two_factor_pending(request) -> bool:
    """True while a logged-in session must still give its second factor."""
    user = getattr(request, "user", None)
    return bool(
        settings.IFO_REQUIRE_2FA and user is not None and user.is_authenticated
        and not user.is_verified() and not signed_in_through_idp(request)
    )


def has_confirmed_totp(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


@transaction.atomic
def totp_enrolment_start(*, user) -> TOTPDevice:
    """The account's unconfirmed device (made once, so reloading the page keeps the same QR code)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)


def qr_code_svg(data: str) -> str:
    """The QR code as an inline <svg> element (no outside service sees the secret)."""
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return image.to_string(encoding="unicode")


def _normalised(token: str) -> str:
    return re.sub(r"[\s-]", "", token or "").lower()


@transaction.atomic
def totp_enrolment_confirm(*, user, device: TOTPDevice, token: str) -> list[str]:
    """Confirms `device` with its first code and returns the new recovery codes (shown once)."""
    token = _normalised(token)
    if not token:
        raise ValidationError(CODE_REQUIRED)
    if device.user_id != user.pk or device.confirmed or not device.verify_token(token):
        raise ValidationError(WRONG_CODE)
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    # One TOTP device per account: an older confirmed one (from before a reset) goes.
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    codes = recovery_codes_replace(user=user)
    grants.audit_grant(by=user, user=user, change="tvåfaktor aktiverad")
    return codes


@transaction.atomic
def recovery_codes_replace(*, user) -> list[str]:
    """New single-use recovery codes; the old ones stop working."""
    device, _ = StaticDevice.objects.get_or_create(user=user, name=RECOVERY_DEVICE_NAME,
                                                   defaults={"confirmed": True})
    device.token_set.all().delete()
    codes: list[str] = []
    while len(codes) < RECOVERY_CODE_COUNT:
        code = StaticToken.random_token()
        if not code.isdigit() and code not in codes:  # digits would be taken for an app code
            codes.append(code)
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def two_factor_verify(*, user, token: str):
    """The device that accepts `token` (the app's digits, or a recovery code, which is then used up), or None.
    Digits go to the app only and recovery codes always hold a letter, so a mistyped app code does not
    also throttle the recovery codes (django-otp makes each device wait longer after every wrong code)."""
    token = _normalised(token)
    if not token:
        return None
    if token.isdigit():
        devices = TOTPDevice.objects.filter(user=user, confirmed=True)
    else:
        devices = StaticDevice.objects.filter(user=user, confirmed=True)
    for device in devices.select_for_update():
        if device.verify_token(token):
            return device
    return None


@transaction.atomic
def two_factor_reset(*, user, by) -> int:
    """Removes the account's devices and recovery codes (a lost phone): its next password log-in enrols anew.
    Written to the access log as a `grant` row. Returns how many devices went."""
    removed = TOTPDevice.objects.filter(user=user).delete()[1].get(TOTPDevice._meta.label, 0)
    removed += StaticDevice.objects.filter(user=user).delete()[1].get(StaticDevice._meta.label, 0)
    grants.audit_grant(by=by, user=user, change="tvåfaktor återställd")
    return removed
