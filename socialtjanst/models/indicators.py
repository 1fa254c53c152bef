"""The indicator register (nyckeltal / indikatorer, shared/domain.md §2 and §8; issue 6 item 6).

Assessment and trend are computed by socialtjanst.followup.indicators from the stored values; only a
hand-set assessment (with its reason) is stored. Indicators, values and comments are never
deleted: an indicator no longer followed is made inactive."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from common.date_window import ROLLUP_YEAR_MAX, ROLLUP_YEAR_MIN

from .org import Unit


class IndicatorDirection(models.TextChoices):
    HIGHER_IS_BETTER = "higher_is_better", _("Högre är bättre")
    LOWER_IS_BETTER = "lower_is_better", _("Lägre är bättre")


class Assessment(models.TextChoices):
    MET = "uppfyllt", _("Uppfyllt")
    PARTLY_MET = "delvis_uppfyllt", _("Delvis uppfyllt")
    NOT_MET = "ej_uppfyllt", _("Ej uppfyllt")


class Trend(models.TextChoices):
    IMPROVED = "forbattrad", _("Förbättrad")
    UNCHANGED = "oforandrad", _("Oförändrad")
    WORSENED = "forsamrad", _("Försämrad")


class Indicator(models.Model):
    name = models.CharField(_("namn"), max_length=200, unique=True)
    description = models.TextField(_("beskrivning"), blank=True)
    responsible_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="indicators",
                                         verbose_name=_("ansvarig enhet"))
    target_value = models.DecimalField(_("målvärde"), max_digits=14, decimal_places=4)
    unit_of_measure = models.CharField(_("enhet"), max_length=40, help_text=_("T.ex. %, dagar, antal."))
    direction = models.CharField(_("riktning"), max_length=20, choices=IndicatorDirection.choices,
                                 default=IndicatorDirection.HIGHER_IS_BETTER)
    partly_met_tolerance = models.DecimalField(
        _("tolerans för delvis uppfyllt (%)"), max_digits=5, decimal_places=2, default=10,
        help_text=_("Hur många procent av målvärdet utfallet får avvika åt fel håll och ändå bedömas delvis uppfyllt."),
    )
    source = models.CharField(_("källa"), max_length=60, blank=True,
                              help_text=_("Tom = värdena registreras för hand; annars beräknas de ur systemet."))
    active = models.BooleanField(_("aktiv"), default=True)
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("indikator")
        verbose_name_plural = _("indikatorer")
        constraints = [
            models.CheckConstraint(condition=Q(partly_met_tolerance__gte=0, partly_met_tolerance__lte=100),
                                   name="indicator_tolerance_0_100"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("socialtjanst:indicator_detail", args=[self.pk])


class IndicatorValue(models.Model):
    """One year's value; `computed` when filled from the system by indicators_refresh."""

    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="values",
                                  verbose_name=_("indikator"))
    year = models.PositiveSmallIntegerField(_("år"))
    value = models.DecimalField(_("värde"), max_digits=14, decimal_places=4, null=True, blank=True)
    computed = models.BooleanField(_("beräknat"), default=False)
    assessment_override = models.CharField(_("bedömning satt för hand"), max_length=20, choices=Assessment.choices,
                                           blank=True)
    override_reason = models.TextField(_("skäl till bedömningen"), blank=True)
    updated_at = models.DateTimeField(_("ändrad"), auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("ändrad av"))

    class Meta:
        ordering = ["indicator", "-year"]
        verbose_name = _("indikatorvärde")
        verbose_name_plural = _("indikatorvärden")
        constraints = [
            models.UniqueConstraint(fields=["indicator", "year"], name="indicatorvalue_unique_year"),
            models.CheckConstraint(condition=Q(year__gte=ROLLUP_YEAR_MIN, year__lte=ROLLUP_YEAR_MAX),
                                   name="indicatorvalue_year_range"),
            models.CheckConstraint(condition=Q(assessment_override="") | ~Q(override_reason=""),
                                   name="indicatorvalue_override_needs_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.year}"


class IndicatorComment(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="comments",
                                  verbose_name=_("indikator"))
    year = models.PositiveSmallIntegerField(_("år"))
    commented_on = models.DateField(_("datum"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("skriven av"))
    text = models.TextField(_("kommentar"))

    class Meta:
        ordering = ["-year", "-commented_on", "-pk"]
        verbose_name = _("indikatorkommentar")
        verbose_name_plural = _("indikatorkommentarer")
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="indicatorcomment_text_required"),
        ]

    def __str__(self) -> str:
        return f"Kommentar {self.pk}"
