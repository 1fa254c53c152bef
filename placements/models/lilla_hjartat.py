"""Lex lilla hjärtat and omplacering (issue 16 points 4 and 5): the child's participation in a move, the
consideration of flyttningsförbud when a child's familjehem placement ends, the yearly consideration of
vårdnadsöverflyttning, and the follow-up after LVU care. The clocks live in socialtjanst/deadlines.py, the rules
in placements/lilla_hjartat.py. None of these rows is changed after it is written (a new consideration is a new
row), so they need no history table."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from common.date_window import window_check

from .placement import Placement

# A text the database also insists on: at least one character that is not white space.
NOT_BLANK = r"\S"


class MoveParticipation(models.Model):
    """The child's participation in a move (placements.services.placement_move): informed about the move,
    heard, and the child's own view, or the reason why not. Stored with the placement the move ended."""

    moved_from = models.OneToOneField(Placement, on_delete=models.PROTECT, related_name="move_participation",
                                      verbose_name=_("flyttad från"))
    moved_to = models.OneToOneField(Placement, on_delete=models.PROTECT, related_name="arrival_participation",
                                    verbose_name=_("flyttad till"))
    informed = models.BooleanField(_("barnet har fått information om flytten"))
    heard = models.BooleanField(_("barnet har fått framföra sina åsikter"))
    child_view = models.TextField(_("barnets inställning"), blank=True)
    reason_not = models.TextField(_("skäl till att barnet inte informerats eller hörts"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("registrerad av"))
    journal_entry = models.ForeignKey("socialtjanst.JournalEntry", on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="+", verbose_name=_("journalanteckning"))
    created_at = models.DateTimeField(_("registrerad"), auto_now_add=True)

    class Meta:
        verbose_name = _("barnets delaktighet vid flytt")
        verbose_name_plural = _("barnets delaktighet vid flyttar")
        constraints = [
            models.CheckConstraint(condition=Q(heard=False) | Q(child_view__regex=NOT_BLANK),
                                   name="moveparticipation_view_when_heard"),
            models.CheckConstraint(condition=Q(informed=True, heard=True) | Q(reason_not__regex=NOT_BLANK),
                                   name="moveparticipation_reason_when_not"),
            models.CheckConstraint(condition=~Q(moved_from=F("moved_to")), name="moveparticipation_two_placements"),
        ]

    def __str__(self) -> str:
        return f"Delaktighet vid flytt {self.pk}"


class RemovalBanOutcome(models.TextChoices):
    APPLY = "ansokan", _("Ansökan om flyttningsförbud")
    NO_GROUNDS = "ej_skal", _("Skäl för flyttningsförbud saknas")


class RemovalBanConsideration(models.Model):
    """The documented, motivated consideration of flyttningsförbud (LVU 24 §) when a child's familjehem
    placement ends: one per ended placement, written by placement_end."""

    placement = models.OneToOneField(Placement, on_delete=models.PROTECT, related_name="removal_ban_consideration",
                                     verbose_name=_("placering"))
    considered_on = models.DateField(_("datum för övervägandet"))
    outcome = models.CharField(_("ställningstagande"), max_length=20, choices=RemovalBanOutcome.choices)
    motivation = models.TextField(_("motivering"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                           verbose_name=_("registrerat av"))
    journal_entry = models.ForeignKey("socialtjanst.JournalEntry", on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="+", verbose_name=_("journalanteckning"))
    created_at = models.DateTimeField(_("registrerat"), auto_now_add=True)

    class Meta:
        verbose_name = _("övervägande av flyttningsförbud")
        verbose_name_plural = _("överväganden av flyttningsförbud")
        constraints = [
            models.CheckConstraint(condition=Q(outcome__in=RemovalBanOutcome.values),
                                   name="removalban_outcome_valid"),
            models.CheckConstraint(condition=Q(motivation__regex=NOT_BLANK), name="removalban_motivated"),
            window_check("removalban", "considered_on", nullable=False),
        ]

    def __str__(self) -> str:
        return f"Övervägande av flyttningsförbud {self.pk}"


class CustodyTransferOutcome(models.TextChoices):
    APPLY = "ansokan", _("Ansökan om vårdnadsöverflyttning")
    NOT_NOW = "inte_aktuellt", _("Vårdnadsöverflyttning är inte aktuell nu")


class CustodyTransferConsideration(models.Model):
    """A consideration of vårdnadsöverflyttning (SoL 6 kap. 8 §) for a child in the same familjehem: a decision
    on the case with its journal entry; it restarts the twelve-month clock."""

    placement = models.ForeignKey(Placement, on_delete=models.PROTECT, related_name="custody_considerations",
                                  verbose_name=_("placering"))
    considered_on = models.DateField(_("beslutsdatum"))
    outcome = models.CharField(_("ställningstagande"), max_length=20, choices=CustodyTransferOutcome.choices)
    motivation = models.TextField(_("motivering"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                           verbose_name=_("registrerat av"))
    journal_entry = models.ForeignKey("socialtjanst.JournalEntry", on_delete=models.PROTECT, related_name="+",
                                      verbose_name=_("journalanteckning"))
    created_at = models.DateTimeField(_("registrerat"), auto_now_add=True)

    class Meta:
        ordering = ["-considered_on", "-pk"]
        verbose_name = _("övervägande av vårdnadsöverflyttning")
        verbose_name_plural = _("överväganden av vårdnadsöverflyttning")
        indexes = [models.Index(fields=["placement", "considered_on"], name="custody_placement_considered")]
        constraints = [
            models.CheckConstraint(condition=Q(outcome__in=CustodyTransferOutcome.values),
                                   name="custody_outcome_valid"),
            models.CheckConstraint(condition=Q(motivation__regex=NOT_BLANK), name="custody_motivated"),
            window_check("custody", "considered_on", nullable=False),
        ]

    def __str__(self) -> str:
        return f"Övervägande av vårdnadsöverflyttning {self.pk}"


class LvuFollowUp(models.Model):
    """The follow-up of a child's situation after LVU care ended (SoL 6 kap. 7 c §): created when the LVU
    placement ends (or a move continues the care on another legal basis), finished within six months. `due_on`
    is socialtjanst.deadlines.lvu_followup_due(care_ended_on), stored so Att göra can find open ones by index."""

    placement = models.OneToOneField(Placement, on_delete=models.PROTECT, related_name="lvu_followup",
                                     verbose_name=_("placering"))
    care_ended_on = models.DateField(_("LVU-vården upphörde"))
    due_on = models.DateField(_("avslutas senast"))
    finished_on = models.DateField(_("avslutad"), null=True, blank=True)
    finished_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("avslutad av"))
    summary = models.TextField(_("sammanfattning"), blank=True)
    journal_entry = models.ForeignKey("socialtjanst.JournalEntry", on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="+", verbose_name=_("journalanteckning"))
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("uppföljning efter LVU-vård")
        verbose_name_plural = _("uppföljningar efter LVU-vård")
        indexes = [models.Index(fields=["due_on"], name="lvufollowup_open_due", condition=Q(finished_on__isnull=True))]
        constraints = [
            models.CheckConstraint(condition=Q(due_on__gt=F("care_ended_on")), name="lvufollowup_due_after_end"),
            models.CheckConstraint(
                condition=Q(finished_on__isnull=True, finished_by__isnull=True, summary="")
                | Q(finished_on__isnull=False, finished_by__isnull=False, summary__regex=NOT_BLANK),
                name="lvufollowup_finished_with_summary"),
            models.CheckConstraint(condition=Q(finished_on__isnull=True) | Q(finished_on__gte=F("care_ended_on")),
                                   name="lvufollowup_finished_after_end"),
            window_check("lvufollowup", "care_ended_on", nullable=False),
            window_check("lvufollowup", "finished_on"),
        ]

    def __str__(self) -> str:
        return f"Uppföljning efter LVU-vård {self.pk}"
