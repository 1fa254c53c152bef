"""Följa vården (issue 16 points 1 and 3): the decisions that reconsider a placed child's care and the
socialsekreterare's contacts with the child. The clocks themselves live in socialtjanst/deadlines.py."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common.date_window import window_check

from .placement import Placement

NOTE_MAX_LENGTH = 300


class CareReviewKind(models.TextChoices):
    CONSIDERATION = "overvagande", _("Övervägande")
    RECONSIDERATION = "omprovning", _("Omprövning")


class CareReviewOutcome(models.TextChoices):
    CONTINUED = "fortsatt_vard", _("Fortsatt vård")
    ENDS = "varden_upphor", _("Vården upphör")
    OTHER = "annat", _("Annat")


class CareReview(models.Model):
    """One övervägande or omprövning of a child's placement, decided on a date; it restarts the six-month clock."""

    placement = models.ForeignKey(Placement, on_delete=models.PROTECT, related_name="care_reviews",
                                  verbose_name=_("placering"))
    kind = models.CharField(_("slag"), max_length=20, choices=CareReviewKind.choices)
    decided_on = models.DateField(_("beslutsdatum"))
    outcome = models.CharField(_("utfall"), max_length=20, choices=CareReviewOutcome.choices)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("registrerat av"))
    journal_entry = models.ForeignKey("socialtjanst.JournalEntry", on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="+", verbose_name=_("journalanteckning"))
    created_at = models.DateTimeField(_("registrerat"), auto_now_add=True)

    class Meta:
        ordering = ["-decided_on", "-pk"]
        verbose_name = _("övervägande/omprövning")
        verbose_name_plural = _("överväganden/omprövningar")
        indexes = [models.Index(fields=["placement", "decided_on"], name="carereview_placement_decided")]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=CareReviewKind.values), name="carereview_kind_valid"),
            models.CheckConstraint(condition=Q(outcome__in=CareReviewOutcome.values),
                                   name="carereview_outcome_valid"),
            window_check("carereview", "decided_on", nullable=False),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.pk}"


class ChildContactKind(models.TextChoices):
    VISIT = "besok", _("Besök")
    PRIVATE_CONVERSATION = "enskilt_samtal", _("Enskilt samtal")
    PHONE = "telefon", _("Telefon")
    OTHER = "annat", _("Annat")


class ChildContact(models.Model):
    """The socialsekreterare's contact with a placed child; `spoken_alone` is the private conversation IVO asks
    about."""

    placement = models.ForeignKey(Placement, on_delete=models.PROTECT, related_name="child_contacts",
                                  verbose_name=_("placering"))
    contacted_on = models.DateField(_("datum"))
    kind = models.CharField(_("slag"), max_length=20, choices=ChildContactKind.choices)
    spoken_alone = models.BooleanField(_("barnet talade med socialsekreteraren enskilt"), default=False)
    note = models.CharField(_("kort anteckning"), max_length=NOTE_MAX_LENGTH, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                           verbose_name=_("registrerad av"))
    created_at = models.DateTimeField(_("registrerad"), auto_now_add=True)

    class Meta:
        ordering = ["-contacted_on", "-pk"]
        verbose_name = _("kontakt med barnet")
        verbose_name_plural = _("kontakter med barnet")
        indexes = [models.Index(fields=["placement", "contacted_on"], name="childcontact_placement_date")]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=ChildContactKind.values), name="childcontact_kind_valid"),
            # An enskilt samtal is by definition with the child alone.
            models.CheckConstraint(condition=~Q(kind="enskilt_samtal") | Q(spoken_alone=True),
                                   name="childcontact_private_conversation_is_alone"),
            window_check("childcontact", "contacted_on", nullable=False),
        ]

    def __str__(self) -> str:
        return f"Kontakt {self.pk}"
