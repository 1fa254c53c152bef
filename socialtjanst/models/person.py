import pghistory
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import models
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _

from common.date_window import window_check


class Gender(models.TextChoices):
    FEMALE = "kvinna", _("Kvinna")
    MALE = "man", _("Man")
    UNKNOWN = "okant", _("Okänt")


class IdKind(models.TextChoices):
    PERSONNUMMER = "personnummer", _("Personnummer")
    SAMORDNINGSNUMMER = "samordningsnummer", _("Samordningsnummer")
    RESERVNUMMER = "reservnummer", _("Reservnummer")


@pghistory.track()
class Person(models.Model):
    """A client. Identity fields are read only through socialtjanst.access.person_identity."""

    id_number = models.CharField(_("personnummer"), max_length=13, unique=True, help_text="ÅÅÅÅMMDD-NNNN")
    id_kind = models.CharField(_("typ av nummer"), max_length=20, choices=IdKind.choices)
    first_name = models.CharField(_("förnamn"), max_length=100)
    last_name = models.CharField(_("efternamn"), max_length=100)
    gender = models.CharField(_("kön"), max_length=10, choices=Gender.choices, default=Gender.UNKNOWN)
    birth_date = models.DateField(_("födelsedatum"), null=True, blank=True)
    address = models.CharField(_("adress"), max_length=300, blank=True)
    protected_identity = models.BooleanField(_("skyddade personuppgifter"), default=False)
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("person")
        verbose_name_plural = _("personer")
        permissions = [
            ("view_protected_identity", _("Får se skyddade personuppgifter")),
            # Four-eyes: the one who grants the above never administers accounts (socialtjanst.grants).
            ("grant_protected_identity", _("Får ge behörighet att se skyddade personuppgifter")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(id_number__regex=r"^[0-9]{8}-[0-9A-Z]{4}$"), name="person_id_number_format"
            ),
            window_check("person", "birth_date"),
        ]
        # The name search (selectors.person_search) matches each word anywhere in a name, case-insensitively
        # (Django's icontains is UPPER(name) LIKE UPPER('%word%')): trigram indexes over the same expression.
        indexes = [
            GinIndex(OpClass(Upper("first_name"), name="gin_trgm_ops"), name="person_first_name_trgm"),
            GinIndex(OpClass(Upper("last_name"), name="gin_trgm_ops"), name="person_last_name_trgm"),
        ]

    def __str__(self) -> str:
        # Never the name: __str__ ends up in logs, admin messages and task arguments.
        return f"Person {self.pk}"
