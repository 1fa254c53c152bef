"""Demo closings: the demo municipality's months are rolled up and closed from January last year
through the month before last, so the controller finds closed months, stored forecasts and the
previous month ready to close. The demo controller may also reopen (a per-user permission).
Idempotent: closed months stay closed, and a rerun closes only what has since become due."""

import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.utils import timezone

from . import closing, rollup


def load_demo_closings(username: str = "controller") -> int:
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        return 0
    user.user_permissions.add(Permission.objects.get(codename="reopen_monthclosing", content_type__app_label="budget"))
    today = timezone.localdate()
    rollup.rollup_dirty(limit=10_000)
    last_to_close = rollup.add_months(today.replace(day=1), -2)
    month = closing.next_month_to_close() or datetime.date(today.year - 1, 1, 1)
    closed = 0
    user = get_user_model().objects.get(pk=user.pk)  # fresh permission cache
    while month <= last_to_close:  # every month after the latest closed one is open
        closing.close_month(by=user, month=month)
        closed += 1
        month = rollup.add_months(month, 1)
    return closed
