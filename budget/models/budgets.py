"""Budget per year and cost centre (optionally per care type), with a volume and a monthly profile."""

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common.date_window import ROLLUP_YEAR_MAX, ROLLUP_YEAR_MIN
from placements.models import CareType

from .costcentres import CostCentre


class VolumeUnit(models.TextChoices):
    PLACEMENT_YEARS = "årsplacering", _("Årsplaceringar")
    CARE_DAYS = "dygn", _("Dygn")
    DAYS = "dagar", _("Dagar")
    HOUSEHOLDS = "hushåll", _("Hushåll")
    INFLOW = "inflöde", _("Inflöde")


@pghistory.track()
class Budget(models.Model):
    year = models.PositiveSmallIntegerField(_("år"))
    cost_centre = models.ForeignKey(CostCentre, on_delete=models.PROTECT, related_name="budgets",
                                    verbose_name=_("verksamhet"))
    care_type = models.ForeignKey(CareType, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                  verbose_name=_("vårdform"))
    amount = models.DecimalField(_("belopp, kr"), max_digits=14, decimal_places=2)
    volume = models.DecimalField(_("volym"), max_digits=12, decimal_places=2, null=True, blank=True)
    volume_unit = models.CharField(_("volymenhet"), max_length=15, choices=VolumeUnit.choices, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("ändrad av"))
    updated_at = models.DateTimeField(_("ändrad"), auto_now=True)

    class Meta:
        ordering = ["year", "cost_centre__code", "care_type__code"]
        verbose_name = _("budget")
        verbose_name_plural = _("budgetar")
        constraints = [
            models.UniqueConstraint(fields=["year", "cost_centre", "care_type"], nulls_distinct=False,
                                    name="budget_one_per_year_cost_centre_care_type"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="budget_amount_not_negative"),
            models.CheckConstraint(condition=Q(volume__isnull=True, volume_unit="")
                                   | Q(volume__isnull=False, volume__gt=0) & ~Q(volume_unit=""),
                                   name="budget_volume_with_unit"),
            models.CheckConstraint(condition=Q(year__gte=ROLLUP_YEAR_MIN, year__lte=ROLLUP_YEAR_MAX),
                                   name="budget_year_range"),
        ]

    def __str__(self) -> str:
        return f"Budget {self.year} {self.cost_centre.code}"


class BudgetMonthShare(models.Model):
    """A controller's monthly profile: share of the year's budget in each month (the twelve sum to 1).
    Without rows the budget is spread by the days of each month."""

    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="month_shares")
    month = models.PositiveSmallIntegerField(_("månad"))
    share = models.DecimalField(_("andel"), max_digits=7, decimal_places=6)

    class Meta:
        ordering = ["budget", "month"]
        constraints = [
            models.UniqueConstraint(fields=["budget", "month"], name="budgetmonthshare_one_per_month"),
            models.CheckConstraint(condition=Q(month__gte=1, month__lte=12), name="budgetmonthshare_month_1_12"),
            models.CheckConstraint(condition=Q(share__gte=0, share__lte=1), name="budgetmonthshare_share_0_1"),
        ]

    def __str__(self) -> str:
        return f"Månadsandel {self.month}"
