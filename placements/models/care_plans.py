"""Följa vården (issue 16 points 2 and 6): a placed child's vårdplan and genomförandeplan, and the checklist of
agencies told when the child's placement starts or ends. The due dates live in socialtjanst/deadlines.py; the
rules in placements/care_plans.py and placements/notifications.py."""

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from common.date_window import window_check

from .placement import Placement

NOTE_MAX_LENGTH = 300


class CarePlanKind(models.TextChoices):
    CARE_PLAN = "vardplan", _("Vårdplan")
    IMPLEMENTATION_PLAN = "genomforandeplan", _("Genomförandeplan")


@pghistory.track()
class CarePlan(models.Model):
    """The dates of a placement's vårdplan or genomförandeplan: when it was established and last revised (the
    plan itself is a document in the case). One row per placement and kind; the history keeps earlier dates."""

    placement = models.ForeignKey(Placement, on_delete=models.PROTECT, related_name="care_plans",
                                  verbose_name=_("placering"))
    kind = models.CharField(_("slag"), max_length=20, choices=CarePlanKind.choices)
    established_on = models.DateField(_("upprättad"))
    revised_on = models.DateField(_("senast reviderad"), null=True, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                           verbose_name=_("registrerad av"))
    updated_at = models.DateTimeField(_("ändrad"), auto_now=True)

    class Meta:
        ordering = ["placement", "kind"]
        verbose_name = _("vårdplan/genomförandeplan")
        verbose_name_plural = _("vårdplaner och genomförandeplaner")
        constraints = [
            models.UniqueConstraint(fields=["placement", "kind"], name="careplan_one_per_kind"),
            models.CheckConstraint(condition=Q(kind__in=CarePlanKind.values), name="careplan_kind_valid"),
            models.CheckConstraint(condition=Q(revised_on__isnull=True) | Q(revised_on__gte=F("established_on")),
                                   name="careplan_revised_after_established"),
            window_check("careplan", "established_on", nullable=False),
            window_check("careplan", "revised_on"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.pk}"


class NotificationEvent(models.TextChoices):
    START = "start", _("Placeringen börjar")
    END = "slut", _("Placeringen upphör")


class NotificationRecipient(models.TextChoices):
    SOCIAL_INSURANCE = "forsakringskassan", _("Försäkringskassan (underhållsstöd, barnbidrag)")
    PENSIONS = "pensionsmyndigheten", _("Pensionsmyndigheten (efterlevandestöd)")
    SCHOOL = "skola", _("Skolan eller förskolan")
    CHIEF_GUARDIAN = "overformyndare", _("Överförmyndaren")


# An item is open while nobody has said whether it applies, or while it applies and is not yet sent.
OPEN_NOTIFICATION = Q(relevant__isnull=True) | Q(relevant=True, notified_on__isnull=True)


@pghistory.track()
class PlacementNotification(models.Model):
    """One agency to tell that a child's placement started or ended. `relevant` is the handläggare's yes/no
    (None: not yet answered); `notified_on` the day the agency was told."""

    placement = models.ForeignKey(Placement, on_delete=models.PROTECT, related_name="notifications",
                                  verbose_name=_("placering"))
    event = models.CharField(_("händelse"), max_length=10, choices=NotificationEvent.choices)
    recipient = models.CharField(_("mottagare"), max_length=30, choices=NotificationRecipient.choices)
    event_on = models.DateField(_("händelsens datum"))
    due_on = models.DateField(_("senast"))
    relevant = models.BooleanField(_("aktuell"), null=True, blank=True)
    notified_on = models.DateField(_("underrättad"), null=True, blank=True)
    note = models.CharField(_("kort anteckning"), max_length=NOTE_MAX_LENGTH, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("besvarad av"))
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)

    class Meta:
        ordering = ["placement", "event_on", "event", "pk"]
        verbose_name = _("underrättelse")
        verbose_name_plural = _("underrättelser")
        indexes = [
            # Att göra and the control list read only the open items, by due date.
            models.Index(fields=["due_on", "placement"], condition=OPEN_NOTIFICATION,
                         name="placementnotif_open_due"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["placement", "event", "recipient"],
                                    name="placementnotification_one_per_recipient"),
            models.CheckConstraint(condition=Q(event__in=NotificationEvent.values),
                                   name="placementnotification_event_valid"),
            models.CheckConstraint(condition=Q(recipient__in=NotificationRecipient.values),
                                   name="placementnotification_recipient_valid"),
            # A date sent only for an agency that is to be told.
            models.CheckConstraint(condition=Q(notified_on__isnull=True) | Q(relevant=True),
                                   name="placementnotification_notified_only_when_relevant"),
            models.CheckConstraint(condition=Q(due_on__gte=F("event_on")),
                                   name="placementnotification_due_after_event"),
            window_check("placementnotification", "event_on", nullable=False),
            window_check("placementnotification", "due_on", nullable=False),
            window_check("placementnotification", "notified_on"),
        ]

    def __str__(self) -> str:
        return f"Underrättelse {self.pk}"

    @property
    def is_open(self) -> bool:
        return self.relevant is None or (self.relevant and self.notified_on is None)
