"""Internal controls (internkontroll, shared/domain.md §9): one row per control round,
with who performed it, the sample that was checked and the result."""

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.date_window import window_check

from .org import Unit


class ControlKind(models.TextChoices):
    ACCESS = "behorighet", _("Behörighet – granskning av åtkomstloggen")
    INVESTIGATION_TIMES = "utredningstider", _("Utredningstider och förlängningsbeslut")
    CHILD_INTERVIEWS = "barnsamtal", _("Barnsamtal genomförs och dokumenteras")
    NOT_ENFORCED = "ej_verkstallda", _("Ej verkställda beslut")
    SAMPLE = "stickprov", _("Stickprov")


class ControlResult(models.TextChoices):
    NO_DEVIATION = "utan_avvikelse", _("Utan avvikelse")
    DEVIATION = "med_avvikelse", _("Med avvikelse")


@pghistory.track()
class ControlRound(models.Model):
    """A control round. `sample` describes what was checked: for a stickprov the seed, the
    criteria and the selected ids (socialtjanst.followup.controls), for the access-log review the filter."""

    kind = models.CharField(_("kontroll"), max_length=20, choices=ControlKind.choices)
    performed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("utförd av"))
    performed_at = models.DateTimeField(_("utförd"), default=timezone.now)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=_("enhet"))
    period_from = models.DateField(_("period från"))
    period_to = models.DateField(_("period till"))
    sample = models.JSONField(_("urval"), default=dict, blank=True)
    result = models.CharField(_("resultat"), max_length=20, choices=ControlResult.choices)
    comment = models.TextField(_("kommentar"), blank=True)

    class Meta:
        ordering = ["-performed_at", "-pk"]
        verbose_name = _("kontrollomgång")
        verbose_name_plural = _("kontrollomgångar")
        constraints = [
            models.CheckConstraint(condition=Q(period_to__gte=models.F("period_from")),
                                   name="controlround_period_order"),
            models.CheckConstraint(condition=Q(result="utan_avvikelse") | ~Q(comment=""),
                                   name="controlround_deviation_has_comment"),
            window_check("controlround", "period_from", nullable=False),
            window_check("controlround", "period_to", nullable=False),
        ]

    def __str__(self) -> str:
        return f"Kontrollomgång {self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("socialtjanst:controlround_detail", args=[self.pk])
