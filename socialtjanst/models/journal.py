"""The journal of a case (dokumentation, SOSFS 2014:5): dated, signed entries that are never changed or
removed, and each user's unsigned draft per case.

A signed entry is append-only: a database trigger (migration 0016) refuses any UPDATE and any DELETE of
socialtjanst_journalentry, whoever asks, so neither a bug, the admin nor SQL as the application's role can
rewrite what was written. A mistake is put right by a new entry that names the one it corrects and why.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common.date_window import window_check

from .case import Case


class JournalKind(models.TextChoices):
    CONVERSATION = "samtal", _("Samtal")
    HOME_VISIT = "hembesok", _("Hembesök")
    NETWORK = "natverk", _("Kontakt med nätverk")
    PHONE = "telefon", _("Telefon")
    DECISION = "beslut", _("Beslut")
    OTHER = "ovrigt", _("Övrigt")


class JournalEntry(models.Model):
    """A signed journal entry: what happened on `occurred_on`, with whom, written and signed by `author`."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="journal_entries",
                             verbose_name=_("ärende"))
    occurred_on = models.DateField(_("datum"))
    kind = models.CharField(_("typ"), max_length=20, choices=JournalKind.choices)
    with_whom = models.CharField(_("med vem"), max_length=200, blank=True)
    text = models.TextField(_("anteckning"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("skriven av"))
    created_at = models.DateTimeField(_("påbörjad"))  # when its draft was begun
    signed_at = models.DateTimeField(_("signerad"))
    corrects = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="corrections", verbose_name=_("korrigerar"))
    correction_reason = models.TextField(_("skäl till korrigeringen"), blank=True, default="")

    class Meta:
        ordering = ["-occurred_on", "-signed_at", "-pk"]
        verbose_name = _("journalanteckning")
        verbose_name_plural = _("journalanteckningar")
        indexes = [models.Index(fields=["case", "occurred_on"], name="journalentry_case_occurred")]
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="journalentry_text_not_empty"),
            # A correction names the entry it corrects and why; an ordinary entry has neither.
            models.CheckConstraint(
                condition=Q(corrects__isnull=True, correction_reason="")
                | (Q(corrects__isnull=False) & ~Q(correction_reason="")),
                name="journalentry_correction_has_reason",
            ),
            models.CheckConstraint(condition=Q(signed_at__gte=models.F("created_at")),
                                   name="journalentry_signed_after_created"),
            window_check("journalentry", "occurred_on", nullable=False),
        ]

    def __str__(self) -> str:
        return f"Journalanteckning {self.pk}"


class JournalDraft(models.Model):
    """A user's unsigned entry in a case, saved as it is typed. One per user and case; signing turns it into
    a JournalEntry and removes it (socialtjanst.journal). Every field may still be empty."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+", verbose_name=_("ärende"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                               verbose_name=_("skriven av"))
    occurred_on = models.DateField(_("datum"), null=True, blank=True)
    kind = models.CharField(_("typ"), max_length=20, choices=JournalKind.choices, blank=True)
    with_whom = models.CharField(_("med vem"), max_length=200, blank=True)
    text = models.TextField(_("anteckning"), blank=True)
    corrects = models.ForeignKey(JournalEntry, on_delete=models.CASCADE, null=True, blank=True, related_name="+",
                                 verbose_name=_("korrigerar"))
    correction_reason = models.TextField(_("skäl till korrigeringen"), blank=True, default="")
    created_at = models.DateTimeField(_("påbörjat"), auto_now_add=True)
    saved_at = models.DateTimeField(_("senast sparat"), auto_now=True)

    class Meta:
        verbose_name = _("journalutkast")
        verbose_name_plural = _("journalutkast")
        constraints = [
            models.UniqueConstraint(fields=["case", "author"], name="journaldraft_one_per_user_and_case"),
        ]

    def __str__(self) -> str:
        return f"Journalutkast {self.pk}"
