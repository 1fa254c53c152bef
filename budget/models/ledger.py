"""The general ledger's outcome (issue 17): imported per month and verksamhet, the account mapping the
controller keeps, the budget on the same lines (intäkter/kostnader) and the ledger settings.

Amounts keep the economy system's sign (SIE: debet positive), so a cost is positive and a revenue
negative; budget.ledger.lines turns accounts into report lines."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common.date_window import ROLLUP_YEAR_MAX, ROLLUP_YEAR_MIN

from .costcentres import CostCentre

ACCOUNT_MIN, ACCOUNT_MAX = 1000, 9999


class LedgerLine(models.TextChoices):
    REVENUE = "intakt", _("Intäkt")
    COST = "kostnad", _("Kostnad")
    EXCLUDED = "exkluderad", _("Räknas inte (t.ex. kommunbidrag, interna intäkter)")


class LedgerSettings(models.Model):
    """One row (pk 1): what the controller decides about the ledger import and the closing."""

    cost_centre_dimension = models.PositiveSmallIntegerField(
        _("SIE-dimension för verksamhet"), default=1,
        help_text=_("Numret i #DIM som bär verksamheten (ofta 1 = kostnadsställe)."))
    accrual_threshold = models.DecimalField(
        _("spärrgräns vid bokslut, kr"), max_digits=14, decimal_places=2, default=0,
        help_text=_("Stängning spärras när avstämningens skillnad är större (0 = ingen spärr)."))
    placement_account_from = models.PositiveSmallIntegerField(
        _("placeringarnas konton från"), default=4600,
        help_text=_("Avstämningen jämför placeringarnas kostnad med de här kontona (Kommun-Bas 46xx köp av "
                    "huvudverksamhet)."))
    placement_account_to = models.PositiveSmallIntegerField(_("placeringarnas konton till"), default=4699)
    accrual_cost_account = models.PositiveSmallIntegerField(_("konto för periodiserad kostnad"), default=4600)
    accrual_liability_account = models.PositiveSmallIntegerField(_("konto för upplupen kostnad"), default=2990)

    class Meta:
        verbose_name = _("inställningar för huvudboken")
        verbose_name_plural = _("inställningar för huvudboken")
        constraints = [
            models.CheckConstraint(condition=Q(pk=1), name="ledgersettings_singleton"),
            models.CheckConstraint(condition=Q(accrual_threshold__gte=0), name="ledgersettings_threshold_not_negative"),
            models.CheckConstraint(condition=Q(placement_account_from__gte=ACCOUNT_MIN,
                                               placement_account_to__lte=ACCOUNT_MAX,
                                               placement_account_from__lte=models.F("placement_account_to")),
                                   name="ledgersettings_placement_accounts"),
        ]

    def __str__(self) -> str:
        return "Inställningar för huvudboken"


class AccountMapping(models.Model):
    """The controller's change of the default Kommun-Bas mapping for an account range (the narrowest
    range containing an account wins)."""

    account_from = models.PositiveSmallIntegerField(_("från konto"))
    account_to = models.PositiveSmallIntegerField(_("till konto"))
    line = models.CharField(_("rad"), max_length=12, choices=LedgerLine.choices)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    changed_at = models.DateTimeField(_("ändrad"), auto_now=True)

    class Meta:
        ordering = ["account_from", "account_to"]
        verbose_name = _("kontokoppling")
        verbose_name_plural = _("kontokopplingar")
        constraints = [
            models.UniqueConstraint(fields=["account_from", "account_to"], name="accountmapping_one_per_range"),
            models.CheckConstraint(condition=Q(account_from__gte=ACCOUNT_MIN, account_to__lte=ACCOUNT_MAX,
                                               account_from__lte=models.F("account_to")),
                                   name="accountmapping_range"),
        ]

    def __str__(self) -> str:
        return f"{self.account_from}–{self.account_to}: {self.get_line_display()}"


class LedgerImport(models.Model):
    """One imported file: which months it replaced."""

    filename = models.CharField(_("fil"), max_length=255)
    sha256 = models.CharField(_("kontrollsumma"), max_length=64)
    file_format = models.CharField(_("format"), max_length=10)
    first_month = models.DateField(_("första månad"))
    last_month = models.DateField(_("sista månad"))
    rows = models.PositiveIntegerField(_("rader"))
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    imported_at = models.DateTimeField(_("importerad"), auto_now_add=True)

    class Meta:
        ordering = ["-imported_at", "-pk"]
        verbose_name = _("import av huvudbok")
        verbose_name_plural = _("importer av huvudbok")

    def __str__(self) -> str:
        return f"{self.filename} ({self.first_month:%Y-%m}–{self.last_month:%Y-%m})"


class LedgerEntry(models.Model):
    """The month's outcome on one account, verksamhet and counterpart, summed from the file."""

    month = models.DateField(_("månad"))
    cost_centre = models.ForeignKey(CostCentre, on_delete=models.PROTECT, null=True, related_name="+",
                                    verbose_name=_("verksamhet"))
    account = models.PositiveSmallIntegerField(_("konto"))
    counterpart = models.CharField(_("motpart"), max_length=40, blank=True)
    amount = models.DecimalField(_("belopp, kr (debet +)"), max_digits=16, decimal_places=2)
    ledger_import = models.ForeignKey(LedgerImport, on_delete=models.PROTECT, related_name="entries")

    class Meta:
        verbose_name = _("huvudboksrad")
        verbose_name_plural = _("huvudboksrader")
        constraints = [
            models.UniqueConstraint(fields=["month", "cost_centre", "account", "counterpart"], nulls_distinct=False,
                                    name="ledgerentry_key"),
            models.CheckConstraint(condition=Q(month__day=1), name="ledgerentry_month_first_day"),
            models.CheckConstraint(condition=Q(account__gte=ACCOUNT_MIN, account__lte=ACCOUNT_MAX),
                                   name="ledgerentry_account_range"),
        ]
        indexes = [models.Index(fields=["month"], name="ledgerentry_month")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.account} {self.amount}"


class LedgerBudget(models.Model):
    """Budget on the ledger's lines: revenue and cost per verksamhet, positive kr. Month 0 is the year's
    budget from the budget import (spread over the period by days); 1–12 are #PBUDGET months."""

    year = models.PositiveSmallIntegerField(_("år"))
    month = models.PositiveSmallIntegerField(_("månad (0 = helår)"))
    cost_centre = models.ForeignKey(CostCentre, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("verksamhet"))
    revenue = models.DecimalField(_("intäkter, kr"), max_digits=16, decimal_places=2)
    cost = models.DecimalField(_("kostnader, kr"), max_digits=16, decimal_places=2)

    class Meta:
        ordering = ["year", "cost_centre__code", "month"]
        verbose_name = _("budget per rad")
        verbose_name_plural = _("budget per rad")
        constraints = [
            models.UniqueConstraint(fields=["year", "month", "cost_centre"], name="ledgerbudget_key"),
            models.CheckConstraint(condition=Q(month__gte=0, month__lte=12), name="ledgerbudget_month_0_12"),
            models.CheckConstraint(condition=Q(year__gte=ROLLUP_YEAR_MIN, year__lte=ROLLUP_YEAR_MAX),
                                   name="ledgerbudget_year_range"),
        ]

    def __str__(self) -> str:
        return f"Budget {self.year}/{self.month} {self.cost_centre_id}"


class Accrual(models.Model):
    """The controller's reviewed accrual (periodisering) of a month per verksamhet, exported as a voucher."""

    month = models.DateField(_("månad"))
    cost_centre = models.ForeignKey(CostCentre, on_delete=models.PROTECT, null=True, related_name="+",
                                    verbose_name=_("verksamhet"))
    amount = models.DecimalField(_("belopp, kr"), max_digits=16, decimal_places=2)
    comment = models.CharField(_("kommentar"), max_length=200, blank=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    changed_at = models.DateTimeField(_("ändrad"), auto_now=True)

    class Meta:
        ordering = ["month", "cost_centre__code"]
        verbose_name = _("periodisering")
        verbose_name_plural = _("periodiseringar")
        constraints = [
            models.UniqueConstraint(fields=["month", "cost_centre"], nulls_distinct=False, name="accrual_key"),
            models.CheckConstraint(condition=Q(month__day=1), name="accrual_month_first_day"),
        ]

    def __str__(self) -> str:
        return f"Periodisering {self.month:%Y-%m} {self.amount}"


class ClosingOverride(models.Model):
    """Why a month was closed although its reconciled difference was above the threshold."""

    month = models.DateField(_("månad"))
    difference = models.DecimalField(_("skillnad, kr"), max_digits=16, decimal_places=2)
    reason = models.CharField(_("skäl"), max_length=500)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("registrerad"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("stängning trots skillnad")
        verbose_name_plural = _("stängningar trots skillnad")
        constraints = [models.CheckConstraint(condition=~Q(reason=""), name="closingoverride_reason_required")]

    def __str__(self) -> str:
        return f"Stängning {self.month:%Y-%m} trots {self.difference} kr"
