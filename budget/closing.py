"""Month closing (shared/domain.md §6, issue 5 item 3).

A controller closes months in order. Closing brings the month's facts and the corrections of
earlier closed months up to date, freezes them (a trigger refuses any later write to a closed
month's facts) and stores the full-year forecast as it stands. Reopening needs its own
permission and a reason, only the latest closed month can be reopened, and both are written
to the access log."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from common.periods import month_label
from socialtjanst.audit import audit_record
from socialtjanst.models import AccessAction

from . import forecast, rollup
from .ledger import reconciliation
from .models import MonthClosing
from .models.facts import REOPEN_REASON_MAX_LENGTH

CLOSE_PERMISSION = "budget.add_monthclosing"
REOPEN_PERMISSION = "budget.reopen_monthclosing"
REOPEN_REASON_REQUIRED = "Ange skälet till att månaden öppnas igen."
REOPEN_REASON_TOO_LONG = "Skälet får vara högst {max_length} tecken (det har {length})."


def _who(closing: MonthClosing) -> str:
    user = closing.closed_by
    name = user.get_full_name() or user.username
    return f"{name} {timezone.localtime(closing.closed_at):%Y-%m-%d %H:%M}"


def active_closings():
    return MonthClosing.objects.active()


def latest_closing(*, year: int | None = None, through: datetime.date | None = None) -> MonthClosing | None:
    """The latest month closed and not reopened; of `year` and at or before the month `through` when given."""
    return MonthClosing.objects.latest_active(year=year, through=through)


def latest_closed_month() -> datetime.date | None:
    latest = latest_closing()
    return latest.month if latest else None


def next_month_to_close() -> datetime.date | None:
    latest = latest_closed_month()
    return rollup.add_months(latest, 1) if latest else None


def close_month(*, by, month: datetime.date, override_reason: str = "") -> MonthClosing:
    """Closes `month` (its first day). Raises ValidationError with a Swedish message when it
    cannot: not yet ended, already closed (naming who closed it), an earlier month open, or its
    reconciliation with the ledger above the controller's threshold without `override_reason`."""
    if not by.has_perm(CLOSE_PERMISSION):
        raise PermissionDenied("Du får inte stänga månader.")
    month = month.replace(day=1)
    if month >= timezone.localdate().replace(day=1):
        raise ValidationError(f"{month_label(month).capitalize()} är inte slut än och kan inte stängas.")
    try:
        with transaction.atomic():
            with connection.cursor() as cur:
                # Serialises closings with each other and with the roll-up: two controllers at once
                # get one closing; the second sees it below.
                cur.execute("SELECT pg_advisory_xact_lock(%s)", [rollup.ROLLUP_LOCK])
            existing = active_closings().filter(month=month).select_related("closed_by").first()
            if existing:
                raise ValidationError(f"{month_label(month).capitalize()} är redan stängd ({_who(existing)}).")
            expected = next_month_to_close()
            if expected is not None and month != expected:
                if month < expected:
                    raise ValidationError(f"{month_label(month).capitalize()} ligger före den senast stängda "
                                          f"månaden och kan inte stängas nu.")
                raise ValidationError(f"Stäng först {month_label(expected)}: månader stängs i ordning.")
            rollup.rollup_through_locked(month)  # the frozen figures and the corrections in them are current
            reconciliation.check_closing(by=by, month=month, override_reason=override_reason)
            closing = MonthClosing.objects.create(month=month, closed_by=by)
            forecast.store_forecast(closing)
            audit_record(user=by, action=AccessAction.CREATE, object_type="MonthClosing", object_id=closing.pk,
                         criteria={"month": month.isoformat()})
            return closing
    except IntegrityError:
        # The partial unique index is the last guard if the lock were ever bypassed.
        raise ValidationError(f"{month_label(month).capitalize()} är redan stängd.") from None


def reopen_month(*, by, closing_id: int, reason: str) -> MonthClosing:
    if not by.has_perm(REOPEN_PERMISSION):
        raise PermissionDenied("Du får inte återöppna månader.")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(REOPEN_REASON_REQUIRED, code="reason_required")
    if len(reason) > REOPEN_REASON_MAX_LENGTH:
        raise ValidationError(REOPEN_REASON_TOO_LONG.format(max_length=REOPEN_REASON_MAX_LENGTH, length=len(reason)),
                              code="reason_too_long")
    with transaction.atomic():
        with connection.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(%s)", [rollup.ROLLUP_LOCK])
        closing = active_closings().select_for_update().filter(pk=closing_id).first()
        if closing is None:
            raise ValidationError("Månaden är inte stängd.")
        if closing.month != latest_closed_month():
            raise ValidationError(f"Bara den senast stängda månaden ({month_label(latest_closed_month())}) "
                                  f"kan öppnas igen.")
        closing.reopened_by = by
        closing.reopened_at = timezone.now()
        closing.reopen_reason = reason
        closing.save(update_fields=["reopened_by", "reopened_at", "reopen_reason"])
        with connection.cursor() as cur:
            # The reopened month and every month whose correction is booked in it or later
            # must be recomputed: their corrections move to the new first open month.
            cur.execute("""
                SELECT DISTINCT origin_month FROM budget_monthlyfact WHERE booking_month >= %s
            """, [closing.month])
            origins = [r[0] for r in cur.fetchall()]
        rollup.mark_months([closing.month, *origins])
        audit_record(user=by, action=AccessAction.CHANGE, object_type="MonthClosing", object_id=closing.pk,
                     criteria={"month": closing.month.isoformat(), "reopen_reason": reason})
    from .tasks import rollup_dirty

    rollup_dirty.delay_on_commit()
    return closing
