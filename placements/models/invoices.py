"""Fakturakontroll (shared/domain.md §9): a provider's invoice for a month, and per placement the
amount and days the provider invoiced, as the controller entered them. The expected amount is never
stored: placements.invoices computes it from the placement's own price periods (placements.pricing)."""

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common.date_window import rollup_window_check

from .catalogue import Provider
from .placement import Placement


@pghistory.track()
class InvoiceCheck(models.Model):
    """One invoice of one provider for one month; `month` is the month's first day."""

    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="invoice_checks",
                                 verbose_name=_("utförare"))
    month = models.DateField(_("månad"), help_text=_("Månadens första dag."))
    invoice_reference = models.CharField(_("fakturanummer"), max_length=60)
    comment = models.TextField(_("kommentar"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("registrerad av"))
    created_at = models.DateTimeField(_("registrerad"), auto_now_add=True)

    class Meta:
        ordering = ["-month", "provider__name", "invoice_reference"]
        verbose_name = _("fakturakontroll")
        verbose_name_plural = _("fakturakontroller")
        constraints = [
            models.CheckConstraint(condition=Q(month__day=1), name="invoicecheck_month_first_day"),
            models.UniqueConstraint(fields=["provider", "month", "invoice_reference"],
                                    name="invoicecheck_provider_month_reference_unique"),
            rollup_window_check("invoicecheck", "month", nullable=False),
        ]

    def __str__(self) -> str:
        return f"Fakturakontroll {self.pk}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("placements:invoicecheck_detail", args=[self.pk])


@pghistory.track()
class InvoiceLine(models.Model):
    """What the provider invoiced for one placement on one invoice."""

    invoice_check = models.ForeignKey(InvoiceCheck, on_delete=models.CASCADE, related_name="lines",
                                      verbose_name=_("fakturakontroll"))
    placement = models.ForeignKey(Placement, on_delete=models.PROTECT, related_name="invoice_lines",
                                  verbose_name=_("placering"))
    invoiced_amount = models.DecimalField(_("fakturerat belopp"), max_digits=12, decimal_places=2)
    invoiced_days = models.IntegerField(_("fakturerade dygn"), null=True, blank=True)
    comment = models.TextField(_("kommentar"), blank=True)

    class Meta:
        ordering = ["invoice_check", "placement"]
        verbose_name = _("fakturarad")
        verbose_name_plural = _("fakturarader")
        constraints = [
            models.UniqueConstraint(fields=["invoice_check", "placement"], name="invoiceline_placement_unique"),
            models.CheckConstraint(condition=Q(invoiced_amount__gte=0), name="invoiceline_amount_not_negative"),
            models.CheckConstraint(condition=Q(invoiced_days__isnull=True) | Q(invoiced_days__gte=0),
                                   name="invoiceline_days_not_negative"),
        ]

    def __str__(self) -> str:
        return f"Fakturarad {self.pk}"
