"""Reference data and contracts: care types (vårdformer), providers (utförare) and
agreements (ramavtal, avrop, individavtal) with their price lists."""

import re

import pghistory
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from common.date_window import rollup_window_check
from socialtjanst.models import TargetGroup

INVALID_ORG_NUMBER = "Ogiltigt organisationsnummer: skriv NNNNNN-NNNN och kontrollera kontrollsiffran."
ORG_NUMBER_RE = re.compile(r"^[0-9]{6}-?[0-9]{4}$")


def luhn_valid(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch) * (2 if i % 2 == 1 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


def normalise_org_number(raw: str) -> str:
    """Returns NNNNNN-NNNN or raises ValidationError; the last digit is a Luhn check digit."""
    value = (raw or "").strip().replace(" ", "")
    if not ORG_NUMBER_RE.match(value):
        raise ValidationError(INVALID_ORG_NUMBER, code="invalid_org_number")
    digits = value.replace("-", "")
    if not luhn_valid(digits):
        raise ValidationError(INVALID_ORG_NUMBER, code="invalid_org_number")
    return f"{digits[:6]}-{digits[6:]}"


def validate_org_number(value: str) -> None:
    normalise_org_number(value)


class Regime(models.TextChoices):
    OWN = "egen", _("Egen regi")
    BOUGHT = "kopt", _("Köpt")


class PricingUnit(models.TextChoices):
    PER_DAY_AND_NIGHT = "dygn", _("Per dygn")
    PER_DAY = "dag", _("Per dag")
    PER_MONTH = "manad", _("Per månad")


@pghistory.track()
class CareType(models.Model):
    """A vårdform of shared/domain.md §4.1, loaded by migration 0002 and editable by the admin."""

    code = models.CharField(_("kod"), max_length=30, unique=True)
    name = models.CharField(_("namn"), max_length=100)
    regime = models.CharField(_("regi"), max_length=10, choices=Regime.choices)
    target_group = models.CharField(_("målgrupp"), max_length=20, choices=TargetGroup.choices)
    is_24h = models.BooleanField(_("heldygnsvård"))
    pricing_unit = models.CharField(_("prissättning"), max_length=10, choices=PricingUnit.choices)
    activity_code = models.CharField(_("verksamhetskod"), max_length=10,
                                     help_text=_("Räkenskapssammandragets verksamhet, t.ex. 5731."))
    requires_ivo_check = models.BooleanField(_("kräver kontroll i IVO:s placeringsstöd"), default=False)
    active = models.BooleanField(_("aktiv"), default=True)

    class Meta:
        ordering = ["target_group", "name"]
        verbose_name = _("vårdform")
        verbose_name_plural = _("vårdformer")

    def __str__(self) -> str:
        return self.name

    @property
    def is_monthly(self) -> bool:
        return self.pricing_unit == PricingUnit.PER_MONTH


@pghistory.track()
class Provider(models.Model):
    """An external utförare (company, foundation, SiS, region)."""

    name = models.CharField(_("namn"), max_length=200)
    org_number = models.CharField(_("organisationsnummer"), max_length=11, unique=True,
                                  validators=[validate_org_number], help_text="NNNNNN-NNNN")
    code = models.CharField(_("kod"), max_length=40, null=True, blank=True, unique=True)
    ivo_permit = models.CharField(_("IVO-tillstånd (diarienummer)"), max_length=60, blank=True)
    ivo_permit_valid_until = models.DateField(_("IVO-tillstånd gäller till"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("utförare")
        verbose_name_plural = _("utförare")
        constraints = [
            models.CheckConstraint(condition=Q(org_number__regex=r"^[0-9]{6}-[0-9]{4}$"),
                                   name="provider_org_number_format"),
            # The form's window (ROLLUP_DATE): a permit runs years ahead, past the case window's today + 1 year.
            rollup_window_check("provider", "ivo_permit_valid_until"),
        ]

    def __str__(self) -> str:
        return self.name


class AgreementKind(models.TextChoices):
    FRAMEWORK = "ramavtal", _("Ramavtal")
    CALL_OFF = "avrop", _("Avrop")
    INDIVIDUAL = "individavtal", _("Individavtal")


@pghistory.track()
class Agreement(models.Model):
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="agreements",
                                 verbose_name=_("utförare"))
    kind = models.CharField(_("avtalstyp"), max_length=15, choices=AgreementKind.choices)
    reference = models.CharField(_("avtalsnummer"), max_length=60)
    framework = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="call_offs", verbose_name=_("ramavtal"))
    valid_from = models.DateField(_("gäller från"))
    valid_to = models.DateField(_("gäller till och med"), null=True, blank=True)

    class Meta:
        ordering = ["provider__name", "-valid_from"]
        verbose_name = _("avtal")
        verbose_name_plural = _("avtal")
        constraints = [
            models.UniqueConstraint(fields=["provider", "reference"], name="agreement_reference_unique"),
            models.CheckConstraint(condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                                   name="agreement_valid_to_after_from"),
            models.CheckConstraint(condition=Q(framework__isnull=True) | Q(kind="avrop"),
                                   name="agreement_only_call_off_has_framework"),
            rollup_window_check("agreement", "valid_from", nullable=False),
            rollup_window_check("agreement", "valid_to"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.reference}"


@pghistory.track()
class AgreementPrice(models.Model):
    """One line of an agreement's price list; copied to a placement's PricePeriod at avrop."""

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="prices",
                                  verbose_name=_("avtal"))
    care_type = models.ForeignKey(CareType, on_delete=models.PROTECT, related_name="+", verbose_name=_("vårdform"))
    valid_from = models.DateField(_("gäller från"))
    daily_price = models.DecimalField(_("dygnspris"), max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["agreement", "care_type", "valid_from"]
        verbose_name = _("avtalspris")
        verbose_name_plural = _("avtalspriser")
        constraints = [
            models.UniqueConstraint(fields=["agreement", "care_type", "valid_from"], name="agreementprice_unique"),
            models.CheckConstraint(condition=Q(daily_price__gte=0), name="agreementprice_price_not_negative"),
            rollup_window_check("agreementprice", "valid_from", nullable=False),
        ]

    def __str__(self) -> str:
        return f"{self.care_type} {self.daily_price} kr från {self.valid_from}"
