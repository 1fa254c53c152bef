"""Monthly payments to an own familjehem beside the price periods: extra ersättning,
särskilda kostnader, and the deduction of barnbidrag/studiebidrag paid straight to the
familjehem (shared/domain.md §4.2). The cost rule is placements.pricing.payment_cost and
its SQL twin PAYMENT_COST_SQL; nothing else decides the sign."""

import pghistory
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from common.date_window import ROLLUP_YEAR_MAX, ROLLUP_YEAR_MIN, rollup_window_check

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


# --- SKR's familjehem rule since 2023 (placements/skr.py) ----------------------------------------------
# The reference data is entered by the systemförvaltare in the admin; a row shipped as an example is
# marked "kontrollera" (to_be_checked) until someone has compared it with SKR's cirkulär.


@pghistory.track()
class PriceBaseAmount(models.Model):
    """The year's prisbasbelopp (socialförsäkringsbalken 2 kap. 6–7 §§), whole kronor; omkostnadsersättningen
    is a share of it. A year without a row uses the latest earlier year (placements/skr.py)."""

    year = models.PositiveSmallIntegerField(_("år"), unique=True)
    amount = models.PositiveIntegerField(_("prisbasbelopp, kr"))
    to_be_checked = models.BooleanField(_("kontrollera"), default=False,
                                        help_text=_("Exempelvärde som ska kontrolleras mot gällande beslut."))
    note = models.CharField(_("källa / anmärkning"), max_length=200, blank=True)

    class Meta:
        ordering = ["year"]
        verbose_name = _("prisbasbelopp")
        verbose_name_plural = _("prisbasbelopp")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="pricebaseamount_positive"),
            models.CheckConstraint(condition=Q(year__gte=ROLLUP_YEAR_MIN, year__lte=ROLLUP_YEAR_MAX),
                                   name="pricebaseamount_year_in_window"),
        ]

    def __str__(self) -> str:
        return f"Prisbasbelopp {self.year}"


@pghistory.track()
class FosterCareFeeLevel(models.Model):
    """SKR's grundarvode per month for a familjehem, one class for children 0–19 since 2023, per year.
    A year without a row uses the latest earlier year."""

    year = models.PositiveSmallIntegerField(_("år"), unique=True)
    monthly_fee = models.DecimalField(_("grundarvode per månad, kr"), max_digits=12, decimal_places=2)
    to_be_checked = models.BooleanField(_("kontrollera"), default=False,
                                        help_text=_("Exempelvärde som ska kontrolleras mot SKR:s cirkulär."))
    note = models.CharField(_("källa / anmärkning"), max_length=200, blank=True)

    class Meta:
        ordering = ["year"]
        verbose_name = _("grundarvode (SKR)")
        verbose_name_plural = _("grundarvoden (SKR)")
        constraints = [
            models.CheckConstraint(condition=Q(monthly_fee__gt=0), name="fostercarefeelevel_positive"),
            models.CheckConstraint(condition=Q(year__gte=ROLLUP_YEAR_MIN, year__lte=ROLLUP_YEAR_MAX),
                                   name="fostercarefeelevel_year_in_window"),
        ]

    def __str__(self) -> str:
        return f"Grundarvode {self.year}"


class ExpensesBand(models.Model):
    """An age band of the omkostnadsersättning: the grundkostnad and the highest tax-free level as per cent
    of the prisbasbelopp per year. The band applies from the month the child turns `from_age` up to the
    month it turns `to_age` + 1."""

    from_age = models.PositiveSmallIntegerField(_("från ålder"), unique=True)
    to_age = models.PositiveSmallIntegerField(_("till och med ålder"))
    base_percent = models.DecimalField(_("grundkostnad, % av prisbasbeloppet"), max_digits=5, decimal_places=2)
    ceiling_percent = models.DecimalField(_("högsta skattefria nivå, % av prisbasbeloppet"), max_digits=5,
                                          decimal_places=2)

    class Meta:
        ordering = ["from_age"]
        verbose_name = _("åldersgrupp för omkostnadsersättning")
        verbose_name_plural = _("åldersgrupper för omkostnadsersättning")
        constraints = [
            models.CheckConstraint(condition=Q(to_age__gte=F("from_age")), name="expensesband_ages_in_order"),
            models.CheckConstraint(condition=Q(base_percent__gt=0, ceiling_percent__gte=F("base_percent")),
                                   name="expensesband_ceiling_not_below_base"),
        ]

    def __str__(self) -> str:
        return f"{self.from_age}–{self.to_age} år"


class FeeKind(models.TextChoices):
    BASE = "grund", _("Grundarvode")
    RAISED = "forhojt", _("Förhöjt arvode")
    REDUCED = "reducerat", _("Reducerat arvode")
    NEGOTIATED = "avtalat", _("Avtalat belopp (konsulentstött/kontrakterat)")


_ADJUSTED = Q(fee_kind__in=[FeeKind.RAISED, FeeKind.REDUCED])
_ONE_ADJUSTMENT = (Q(fee_change__isnull=False, fee_change__gt=0, fee_change_percent__isnull=True)
                   | Q(fee_change__isnull=True, fee_change_percent__isnull=False, fee_change_percent__gt=0))


@pghistory.track()
class FosterCareTerms(models.Model):
    """How an own familjehem placement is paid from `valid_from` until its next terms: the SKR rule
    (placements/skr.py) with the placement's own choices, or a negotiated amount. A placement with terms
    has its price periods from `valid_from` on built by the rule; before its first terms, its earlier
    price periods stand as they were."""

    placement = models.ForeignKey(Placement, on_delete=models.PROTECT, related_name="foster_care_terms",
                                  verbose_name=_("placering"))
    valid_from = models.DateField(_("gäller från"))
    fee_kind = models.CharField(_("arvode"), max_length=10, choices=FeeKind.choices, default=FeeKind.BASE)
    fee_change = models.DecimalField(_("höjning/sänkning, kr per månad"), max_digits=12, decimal_places=2,
                                     null=True, blank=True)
    fee_change_percent = models.DecimalField(_("höjning/sänkning, % av grundarvodet"), max_digits=5,
                                             decimal_places=2, null=True, blank=True)
    fee_reason = models.CharField(_("skäl för förhöjt/reducerat arvode"), max_length=200, blank=True)
    expenses_raise_percent = models.DecimalField(
        _("höjd omkostnad, procentenheter över grundkostnaden"), max_digits=5, decimal_places=2, null=True,
        blank=True, help_text=_("Höjs högst till åldersgruppens högsta skattefria nivå."))
    expenses_reason = models.CharField(_("skäl för höjd omkostnad"), max_length=200, blank=True)
    child_benefit_deduction = models.DecimalField(
        _("avdrag barnbidrag/studiebidrag, kr per månad"), max_digits=12, decimal_places=2, default=0,
        help_text=_("När bidraget betalas direkt till familjehemmet."))
    negotiated_fee = models.DecimalField(_("avtalat arvode, kr per månad"), max_digits=12, decimal_places=2,
                                         null=True, blank=True)
    negotiated_expenses = models.DecimalField(_("avtalad omkostnad, kr per månad"), max_digits=12,
                                              decimal_places=2, null=True, blank=True)
    created_at = models.DateTimeField(_("registrerad"), auto_now_add=True)

    class Meta:
        ordering = ["placement", "valid_from"]
        verbose_name = _("familjehemsersättning, villkor")
        verbose_name_plural = _("familjehemsersättning, villkor")
        constraints = [
            models.UniqueConstraint(fields=["placement", "valid_from"], name="fostercareterms_one_per_date"),
            models.CheckConstraint(
                condition=(_ADJUSTED & _ONE_ADJUSTMENT & ~Q(fee_reason=""))
                | (~_ADJUSTED & Q(fee_change__isnull=True, fee_change_percent__isnull=True)),
                name="fostercareterms_adjustment_with_reason"),
            models.CheckConstraint(
                condition=Q(fee_kind=FeeKind.NEGOTIATED, negotiated_fee__gte=0, negotiated_expenses__gte=0,
                            expenses_raise_percent__isnull=True)
                | ~Q(fee_kind=FeeKind.NEGOTIATED) & Q(negotiated_fee__isnull=True, negotiated_expenses__isnull=True),
                name="fostercareterms_negotiated_amounts"),
            models.CheckConstraint(
                condition=Q(expenses_raise_percent__isnull=True, expenses_reason="")
                | Q(expenses_raise_percent__gt=0) & ~Q(expenses_reason=""),
                name="fostercareterms_raise_with_reason"),
            models.CheckConstraint(condition=Q(child_benefit_deduction__gte=0),
                                   name="fostercareterms_deduction_not_negative"),
            rollup_window_check("fostercareterms", "valid_from", nullable=False),
        ]

    def __str__(self) -> str:
        return f"Villkor för familjehemsersättning {self.pk}"
