"""Cost centres (verksamheter) and the dated mapping from care type to cost centre."""

import pghistory
from django.db import models
from django.utils.translation import gettext_lazy as _

from common.date_window import rollup_window_check
from placements.models import CareType


@pghistory.track()
class CostCentre(models.Model):
    code = models.CharField(_("kod"), max_length=20, unique=True)
    name = models.CharField(_("namn"), max_length=120)
    activity_code = models.CharField(_("verksamhetskod"), max_length=10, blank=True,
                                     help_text=_("Räkenskapssammandragets verksamhet, t.ex. 5731."))
    active = models.BooleanField(_("aktiv"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("verksamhet")
        verbose_name_plural = _("verksamheter")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


@pghistory.track()
class CostCentreMapping(models.Model):
    """A care type's default cost centre from `valid_from` (until the next row of the care type).
    Dated, so that a remap moves costs from a month on and never rewrites closed history;
    a placement's own `cost_centre` code, when set, wins over the mapping."""

    care_type = models.ForeignKey(CareType, on_delete=models.PROTECT, related_name="+", verbose_name=_("vårdform"))
    cost_centre = models.ForeignKey(CostCentre, on_delete=models.PROTECT, related_name="mappings",
                                    verbose_name=_("verksamhet"))
    valid_from = models.DateField(_("gäller från"))

    class Meta:
        ordering = ["care_type", "-valid_from"]
        verbose_name = _("koppling vårdform–verksamhet")
        verbose_name_plural = _("kopplingar vårdform–verksamhet")
        constraints = [
            models.UniqueConstraint(fields=["care_type", "valid_from"], name="costcentremapping_one_per_date"),
            models.CheckConstraint(condition=models.Q(valid_from__day=1), name="costcentremapping_from_month_start"),
            rollup_window_check("costcentremapping", "valid_from", nullable=False),
        ]

    def __str__(self) -> str:
        return f"{self.care_type} → {self.cost_centre} från {self.valid_from:%Y-%m-%d}"
