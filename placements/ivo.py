"""The IVO rule for placing a child (shared/domain.md §4.2): before a child is placed at an HVB or stödboende
the handläggare records the check of the provider in IVO's placeringsstöd, and a provider without a permit,
by that check or by the permit's own end date, is no place for a child. One rule for every way a placement
is written: the web forms and moves (services.placements) and the file import (importing)."""

import datetime

from django.core.exceptions import ValidationError

from socialtjanst.models import TargetGroup

from .models import CareType, IvoCheckResult, Provider

IVO_CHECK_REQUIRED = ("Innan ett barn placeras på {care_type} ska utföraren kontrolleras i IVO:s placeringsstöd: "
                      "ange datum och resultat för kontrollen.")
IVO_CHECK_AFTER_START = "Kontrollen i IVO:s placeringsstöd ska vara gjord senast placeringens startdatum."
IVO_NO_PERMIT = ("Barnet kan inte placeras hos {provider}: kontrollen i IVO:s placeringsstöd {checked_on} "
                 "visar att utföraren saknar tillstånd.")
IVO_PERMIT_EXPIRED = ("Barnet kan inte placeras hos {provider}: utförarens IVO-tillstånd gällde till "
                      "{valid_until}, före placeringens startdatum {start_on}.")
# The provider register marks permits that end within this many days, so the controller asks for the new one.
PERMIT_WARNING_DAYS = 90


def ivo_check_applies(care_type: CareType) -> bool:
    return care_type.requires_ivo_check and care_type.target_group == TargetGroup.CHILDREN


def permit_check(*, care_type: CareType, provider: Provider | None, start_on: datetime.date) -> None:
    """A provider's permit that ended before the start date refuses a child's placement; so does the import,
    which carries no IVO check of its own."""
    if not ivo_check_applies(care_type) or provider is None:
        return
    valid_until = provider.ivo_permit_valid_until
    if valid_until is not None and valid_until < start_on:
        raise ValidationError(IVO_PERMIT_EXPIRED.format(
            provider=provider.name, valid_until=valid_until.isoformat(), start_on=start_on.isoformat()),
            code="ivo_permit_expired")


def placement_ivo_check(
    *, care_type: CareType, provider: Provider | None, start_on: datetime.date,
    ivo_checked_on: datetime.date | None, ivo_check_result: str,
) -> None:
    """The whole rule for a placement registered by a handläggare: the check is recorded, done by the start
    date, did not find the provider without a permit, and the provider's permit covers the start date."""
    if not ivo_check_applies(care_type):
        return
    if ivo_checked_on is None or not ivo_check_result:
        raise ValidationError(IVO_CHECK_REQUIRED.format(care_type=care_type.name), code="ivo_check_required")
    if ivo_checked_on > start_on:
        raise ValidationError(IVO_CHECK_AFTER_START, code="ivo_check_after_start")
    if ivo_check_result == IvoCheckResult.NO_PERMIT:
        name = provider.name if provider is not None else "utföraren"
        raise ValidationError(IVO_NO_PERMIT.format(provider=name, checked_on=ivo_checked_on.isoformat()),
                              code="ivo_no_permit")
    permit_check(care_type=care_type, provider=provider, start_on=start_on)


def permit_expires_soon(provider: Provider, today: datetime.date) -> bool:
    """A permit ending today or within PERMIT_WARNING_DAYS (an ended one is marked as ended, not as soon)."""
    valid_until = provider.ivo_permit_valid_until
    return valid_until is not None and today <= valid_until <= today + datetime.timedelta(days=PERMIT_WARNING_DAYS)


def permit_expired(provider: Provider, today: datetime.date) -> bool:
    valid_until = provider.ivo_permit_valid_until
    return valid_until is not None and valid_until < today
