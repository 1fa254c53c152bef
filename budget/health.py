"""The roll-up's readiness check (/halsa/redo, socialtjanst.health): no month has waited for its
roll-up longer than HEALTH_DIRTY_MONTH_MAX_AGE_MINUTES (15).

A dirty month is normally rolled up within seconds (the change's commit wakes the worker) and at the
latest by the reconciler every five minutes; one still marked after 15 minutes means the worker or the
roll-up is failing, and the controller's figures are behind. `marked_at` is the month's latest mark, so
a month changed again and again while the roll-up is stuck shows 15 minutes after its last change (the
worker heartbeat catches a stopped worker sooner)."""

import dataclasses
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError
from django.utils import timezone
from health_check.base import HealthCheck
from health_check.exceptions import ServiceUnavailable

from .models import DirtyMonth

ROLLUP_BEHIND = "Omräkningen av månader ligger efter."


@dataclasses.dataclass
class StaleDirtyMonths(HealthCheck):
    def run(self):
        cutoff = timezone.now() - timedelta(minutes=settings.HEALTH_DIRTY_MONTH_MAX_AGE_MINUTES)
        try:
            behind = DirtyMonth.objects.filter(marked_at__lt=cutoff).exists()
        except DatabaseError as exc:
            raise ServiceUnavailable("Databasen svarar inte.") from exc
        if behind:
            raise ServiceUnavailable(ROLLUP_BEHIND)
