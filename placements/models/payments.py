"""Monthly payments to an own familjehem beside the price periods: extra ersättning,
särskilda kostnader, and the deduction of barnbidrag/studiebidrag paid straight to the
familjehem (shared/domain.md §4.2). The cost rule is placements.pricing.payment_cost and
its SQL twin PAYMENT_COST_SQL; nothing else decides the sign."""

import pghistory
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common.date_window import rollup_window_check

from .placement import Placement


class FosterCarePaymentKind(models.TextChoices):
    EXTRA = "extra", _("Extra ersättning")
    SPECIAL_COSTS = "sarskilda_kostnader", _("Särskilda kostnader")
    CHILD_BENEFIT_DEDUCTION = "avdrag_barnbidrag", _("Avdrag barnbidrag/studiebidrag")


@pghistory.track()
class FosterCarePayment(models.Model):
    """One payment (or deduction) for a placement in one month; `month` is the month's first day."""

    placement = models.ForeignKey(Placement, on_delete=models.PROTECT, related_name="payments",
                                  verbose_name=_("placering"))
    month = models.DateField(_("månad"), help_text=_("Månadens första dag."))
    kind = models.CharField(_("slag"), max_length=30, choices=FosterCarePaymentKind.choices)
    amount = models.DecimalField(_("belopp"), max_digits=12, decimal_places=2)
    comment = models.TextField(_("kommentar"), blank=True)
    created_at = models.DateTimeField(_("registrerad"), auto_now_add=True)

    class Meta:
        ordering = ["placement", "month", "pk"]
        verbose_name = _("familjehemsersättning")
        verbose_name_plural = _("familjehemsersättningar")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="fostercarepayment_amount_not_negative"),
            models.CheckConstraint(condition=Q(month__day=1), name="fostercarepayment_month_first_day"),
            rollup_window_check("fostercarepayment", "month", nullable=False),
        ]

    def __str__(self) -> str:
        return f"Familjehemsersättning {self.pk}"


class AgeBand(models.TextChoices):
    CHILD = "0-12", _("0–12 år")
    TEEN = "13-20", _("13–20 år")


@pghistory.track()
class FosterCareRate(models.Model):
    """SKR's recommended monthly arvode and omkostnadsersättning for an own familjehem, per age band,
    from `valid_from` until the next row of the same band (shared/domain.md §4.2). A new level is a
    new row, never an edit: price periods already built from a row keep their amounts."""

    valid_from = models.DateField(_("gäller från"))
    age_band = models.CharField(_("åldersgrupp"), max_length=5, choices=AgeBand.choices)
    fee = models.DecimalField(_("arvode per månad"), max_digits=12, decimal_places=2)
    expenses = models.DecimalField(_("omkostnadsersättning per månad"), max_digits=12, decimal_places=2)
    note = models.CharField(_("källa / anmärkning"), max_length=200, blank=True)

    class Meta:
        ordering = ["age_band", "valid_from"]
        verbose_name = _("familjehemsnivå (SKR)")
        verbose_name_plural = _("familjehemsnivåer (SKR)")
        constraints = [
            models.UniqueConstraint(fields=["age_band", "valid_from"], name="fostercarerate_band_from_unique"),
            models.CheckConstraint(condition=Q(fee__gte=0) & Q(expenses__gte=0),
                                   name="fostercarerate_not_negative"),
            rollup_window_check("fostercarerate", "valid_from", nullable=False),
        ]

    def __str__(self) -> str:
        return f"{self.get_age_band_display()} från {self.valid_from.isoformat()}"

    @property
    def monthly_amount(self):
        return self.fee + self.expenses
