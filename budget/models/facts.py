"""Monthly facts, the months still to recompute, and month closings (shared/domain.md §6).

A fact row is booked in `booking_month` and belongs to `origin_month`. Ordinary rows have
both equal; a correction of a closed month is booked in the first open month with the
closed month as its origin ('varav efterregistrering'), so that for every origin month the
sum of its rows equals a fresh computation. Rows booked in a closed month never change:
a trigger (migration 0002) refuses it."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils.translation import gettext_lazy as _

from placements.models import CareType, Provider
from socialtjanst.models import LegalBasis, TargetGroup

from .costcentres import CostCentre

# A reopening reason is a sentence or two for the log and the closing page, not a document.
REOPEN_REASON_MAX_LENGTH = 500


class MonthlyFact(models.Model):
    booking_month = models.DateField(_("bokföringsmånad"))
    origin_month = models.DateField(_("avser månad"))
    cost_centre = models.ForeignKey(CostCentre, on_delete=models.PROTECT, null=True, related_name="+",
                                    verbose_name=_("verksamhet"))
    care_type = models.ForeignKey(CareType, on_delete=models.PROTECT, related_name="+", verbose_name=_("vårdform"))
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, null=True, related_name="+",
                                 verbose_name=_("utförare"))
    regime = models.CharField(_("regi"), max_length=10)
    target_group = models.CharField(_("målgrupp"), max_length=20, choices=TargetGroup.choices)
    legal_basis = models.CharField(_("lagrum"), max_length=5, choices=LegalBasis.choices)
    care_days = models.IntegerField(_("vårddygn"))
    cost = models.DecimalField(_("kostnad, kr"), max_digits=16, decimal_places=2)
    persons = models.IntegerField(_("personer"))
    started = models.IntegerField(_("påbörjade placeringar"))
    ended = models.IntegerField(_("avslutade placeringar"))
    unpriced_days = models.IntegerField(_("dygn utan pris"))
    computed_at = models.DateTimeField(_("beräknad"))

    class Meta:
        verbose_name = _("månadsfakta")
        verbose_name_plural = _("månadsfakta")
        constraints = [
            models.UniqueConstraint(
                fields=["booking_month", "origin_month", "cost_centre", "care_type", "provider", "legal_basis"],
                nulls_distinct=False, name="monthlyfact_key",
            ),
            models.CheckConstraint(condition=Q(booking_month__day=1, origin_month__day=1),
                                   name="monthlyfact_months_first_day"),
            models.CheckConstraint(condition=Q(origin_month__lte=F("booking_month")),
                                   name="monthlyfact_origin_not_after_booking"),
        ]
        indexes = [models.Index(fields=["origin_month"], name="monthlyfact_origin")]

    def __str__(self) -> str:
        return f"Månadsfakta {self.booking_month:%Y-%m} (avser {self.origin_month:%Y-%m})"

    @property
    def is_correction(self) -> bool:
        return self.origin_month != self.booking_month


class DirtyMonth(models.Model):
    """A month whose facts must be recomputed. Written by triggers (migration 0002) in the same
    transaction as every change of a placement, price period, payment or cost-centre mapping;
    `seq` rises on every mark, so a roll-up only clears the marks it has seen.

    `whole` is false while every change of the month since it was last computed touched only a few
    slices of it (DirtySlice, migration 0012): the roll-up then recomputes just those slices."""

    month = models.DateField(primary_key=True)
    seq = models.BigIntegerField()
    marked_at = models.DateTimeField()
    whole = models.BooleanField(default=True, db_default=True)

    class Meta:
        verbose_name = _("månad att räkna om")
        verbose_name_plural = _("månader att räkna om")

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"


class DirtySlice(models.Model):
    """One slice of a dirty month: the placements of one care type, provider (0 = none) and legal basis,
    which together with the month decide every fact row they feed (the cost centre is resolved within the
    slice). Written by the triggers of migration 0012 with the month's mark, which is written first: a roll-up
    locks the month before it reads the slices. `seq` as for DirtyMonth; `xact` is the writing transaction,
    so a slice touched again in the same transaction is not rewritten (budget/0011's reason)."""

    month = models.DateField()
    care_type_id = models.BigIntegerField()
    provider_key = models.BigIntegerField()
    legal_basis = models.CharField(max_length=5)
    seq = models.BigIntegerField()
    xact = models.BigIntegerField()
    marked_at = models.DateTimeField()

    class Meta:
        verbose_name = _("del av månad att räkna om")
        verbose_name_plural = _("delar av månader att räkna om")
        constraints = [models.UniqueConstraint(fields=["month", "care_type_id", "provider_key", "legal_basis"],
                                               name="dirtyslice_key")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.care_type_id}/{self.provider_key}/{self.legal_basis}"


class MonthClosingQuerySet(models.QuerySet):
    def active(self):
        """Closed and not reopened."""
        return self.filter(reopened_at__isnull=True)

    def latest_active(self, *, year: int | None = None, through=None):
        """The latest month closed and not reopened; of `year` and at or before the month `through` when given.
        Here, not in budget.closing, because the forecast reads it and closing calls the forecast."""
        closings = self.active()
        if year is not None:
            closings = closings.filter(month__year=year)
        if through is not None:
            closings = closings.filter(month__lte=through)
        return closings.order_by("-month").first()


class MonthClosing(models.Model):
    """A closed month. Reopening keeps the row (who, when, why) and frees the month;
    at most one active closing per month."""

    month = models.DateField(_("månad"))
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("stängd av"))
    closed_at = models.DateTimeField(_("stängd"), auto_now_add=True)
    reopened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("återöppnad av"))
    reopened_at = models.DateTimeField(_("återöppnad"), null=True, blank=True)
    reopen_reason = models.TextField(_("skäl för återöppning"), blank=True)

    objects = MonthClosingQuerySet.as_manager()

    class Meta:
        ordering = ["-month", "-closed_at"]
        verbose_name = _("månadsbokslut")
        verbose_name_plural = _("månadsbokslut")
        permissions = [("reopen_monthclosing", _("Får återöppna en stängd månad"))]
        constraints = [
            models.UniqueConstraint(fields=["month"], condition=Q(reopened_at__isnull=True),
                                    name="monthclosing_one_active_per_month"),
            models.CheckConstraint(condition=Q(month__day=1), name="monthclosing_month_first_day"),
            models.CheckConstraint(condition=Q(reopened_at__isnull=True)
                                   | Q(reopened_by__isnull=False) & ~Q(reopen_reason=""),
                                   name="monthclosing_reopen_needs_reason"),
            models.CheckConstraint(condition=LessThanOrEqual(Length("reopen_reason"), REOPEN_REASON_MAX_LENGTH),
                                   name="monthclosing_reopen_reason_length"),
        ]

    def __str__(self) -> str:
        return f"Bokslut {self.month:%Y-%m}"
