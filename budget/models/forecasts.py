"""Full-year forecast (prognos helår): the controller's adjustments, and the lines stored at each closing."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from placements.models import CareType

from .costcentres import CostCentre
from .facts import MonthClosing


class ForecastAdjustment(models.Model):
    """The controller's adjustment of a year's forecast (signed: + expected extra cost), with a comment.
    The latest row per (year, cost centre, care type) applies; earlier ones stay as history."""

    year = models.PositiveSmallIntegerField(_("år"))
    cost_centre = models.ForeignKey(CostCentre, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("verksamhet"))
    care_type = models.ForeignKey(CareType, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                  verbose_name=_("vårdform"))
    amount = models.DecimalField(_("justering, kr"), max_digits=14, decimal_places=2)
    comment = models.TextField(_("kommentar"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("registrerad av"))
    created_at = models.DateTimeField(_("registrerad"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("prognosjustering")
        verbose_name_plural = _("prognosjusteringar")
        constraints = [
            models.CheckConstraint(condition=~models.Q(comment=""), name="forecastadjustment_comment_required"),
        ]

    def __str__(self) -> str:
        return f"Prognosjustering {self.year} {self.amount} kr"


class ForecastLine(models.Model):
    """The forecast as it stood when a month was closed: actual to date + ongoing placements to their
    planned end or year end at their current price + adjustment."""

    closing = models.ForeignKey(MonthClosing, on_delete=models.PROTECT, related_name="forecast_lines")
    year = models.PositiveSmallIntegerField(_("år"))
    cost_centre = models.ForeignKey(CostCentre, on_delete=models.PROTECT, null=True, related_name="+",
                                    verbose_name=_("verksamhet"))
    care_type = models.ForeignKey(CareType, on_delete=models.PROTECT, null=True, related_name="+",
                                  verbose_name=_("vårdform"))
    actual = models.DecimalField(_("utfall hittills"), max_digits=16, decimal_places=2)
    ongoing = models.DecimalField(_("pågående placeringar till årets slut"), max_digits=16, decimal_places=2)
    adjustment = models.DecimalField(_("justering"), max_digits=16, decimal_places=2)
    adjustment_comment = models.TextField(_("kommentar"), blank=True)
    total = models.DecimalField(_("prognos helår"), max_digits=16, decimal_places=2)

    class Meta:
        verbose_name = _("prognosrad")
        verbose_name_plural = _("prognosrader")
        constraints = [
            models.UniqueConstraint(fields=["closing", "cost_centre", "care_type"], nulls_distinct=False,
                                    name="forecastline_one_per_closing_key"),
            models.CheckConstraint(condition=models.Q(total=models.F("actual") + models.F("ongoing")
                                                      + models.F("adjustment")),
                                   name="forecastline_total_is_sum"),
        ]

    def __str__(self) -> str:
        return f"Prognosrad {self.year}"
