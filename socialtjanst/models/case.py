import pghistory
from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from common.date_window import window_check

from .org import Unit
from .person import Person


@pghistory.track()
class Case(models.Model):
    """A person's case (ärende) at a unit, with a responsible handläggare."""

    class Status(models.TextChoices):
        OPEN = "pagaende", _("Pågående")
        CLOSED = "avslutat", _("Avslutat")

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="cases", verbose_name=_("person"))
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="cases", verbose_name=_("enhet"))
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="responsible_cases", verbose_name=_("ansvarig handläggare"),
    )
    opened_on = models.DateField(_("öppnat"))
    closed_on = models.DateField(_("avslutat"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(_("skapat"), auto_now_add=True)
    # Why the case was opened for a person whose cases were all in other units (socialtjanst.access,
    # issue 12 point 8a); every access-log row about the case carries it.
    cross_unit_reason = models.CharField(_("skäl (ärenden i andra enheter)"), max_length=400, blank=True,
                                         default="", editable=False)

    class Meta:
        ordering = ["-opened_on", "-pk"]
        verbose_name = _("ärende")
        verbose_name_plural = _("ärenden")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closed_on__isnull=True) | models.Q(closed_on__gte=models.F("opened_on")),
                name="case_closed_after_opened",
            ),
            models.CheckConstraint(
                condition=models.Q(status="pagaende", closed_on__isnull=True)
                | models.Q(status="avslutat", closed_on__isnull=False),
                name="case_status_matches_closed_on",
            ),
            window_check("case", "opened_on", nullable=False),
            window_check("case", "closed_on"),
        ]

    def __str__(self) -> str:
        return f"Ärende {self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("socialtjanst:case_detail", args=[self.pk])
