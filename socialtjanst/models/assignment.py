"""Fördelning (issue 15 point 1): who made whom responsible for a case, from when. One row per change,
never changed afterwards (the application's role may not UPDATE or DELETE it, migration 0015), so the
case's history of responsible handläggare is always complete."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from common.date_window import window_check

from .case import Case


class CaseAssignment(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("ärende"))
    from_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("tidigare ansvarig"),
    )
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("ny ansvarig"),
    )
    assigned_on = models.DateField(_("gäller från"))
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("fördelat av"),
    )
    created_at = models.DateTimeField(_("registrerat"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("fördelning")
        verbose_name_plural = _("fördelningar")
        constraints = [
            window_check("caseassignment", "assigned_on", nullable=False),
            models.CheckConstraint(
                condition=models.Q(from_user__isnull=True) | ~models.Q(from_user=models.F("to_user")),
                name="caseassignment_changes_responsible",
            ),
        ]
        indexes = [models.Index(fields=["case", "created_at"], name="caseassignment_case_idx")]

    def __str__(self) -> str:
        return f"Fördelning av ärende {self.case_id}"
