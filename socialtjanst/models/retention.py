"""Gallring (SoL 12 kap., shared/domain.md §11): the rules as data, legal holds per case, the record of what
was gallrat (never its content), and the personakt's last entry as the database computes it.

The rule itself lives in socialtjanst/retention.py; the deletion runs in the database function
socialtjanst_gallra_case (migration 0013), which re-checks it."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .case import Case

# SoL 12 kap. 1 §: never fewer years than this for a personakt, and the access log is kept as long.
LAW_MINIMUM_YEARS = 5


class RetentionCategory(models.TextChoices):
    PERSONAKT = "personakt", _("Personakt (SoL)")
    CHILD_PLACEMENT = "placering_barn", _("Placering av barn i familjehem, HVB eller annat enskilt hem")
    PATERNITY_ADOPTION = "faderskap_adoption", _("Faderskap och adoption")
    PLACEMENT_ACCOUNTS = "placering_rakenskap", _("Personakt med placering (underlag för månadsfakta)")
    ACCESS_LOG = "atkomstlogg", _("Åtkomstlogg")


class CompleteBy(models.TextChoices):
    FOLLOWING_CALENDAR_YEAR = "foljande_kalenderar", _("Under följande kalenderår")


class RetentionRule(models.Model):
    """One rule per document category. `years` counts from the last entry (the access log: from the event);
    an exempt category is never gallrad. Seeded by migration 0013; changed there, not in the app."""

    category = models.CharField(_("handlingstyp"), max_length=30, choices=RetentionCategory.choices, unique=True)
    years_after_last_entry = models.PositiveSmallIntegerField(_("år efter sista anteckningen"), null=True,
                                                              blank=True)
    complete_by = models.CharField(_("genomförd"), max_length=30, choices=CompleteBy.choices,
                                   default=CompleteBy.FOLLOWING_CALENDAR_YEAR)
    exempt = models.BooleanField(_("gallras aldrig"), default=False)
    source = models.CharField(_("grund"), max_length=200)

    class Meta:
        ordering = ["category"]
        verbose_name = _("gallringsregel")
        verbose_name_plural = _("gallringsregler")
        constraints = [
            models.CheckConstraint(
                condition=Q(exempt=True, years_after_last_entry__isnull=True)
                | Q(exempt=False, years_after_last_entry__gte=LAW_MINIMUM_YEARS),
                name="retentionrule_exempt_or_at_least_five_years",
            ),
        ]

    def __str__(self) -> str:
        return self.get_category_display()


class CaseRetention(models.Model):
    """What gallring must know about one case beyond its dates: a legal hold (bevarande), and whether the case
    is a faderskap/adoption case (never gallrad). Setting or lifting either is logged (retention.py)."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="retention",
                                verbose_name=_("ärende"))
    paternity_adoption = models.BooleanField(_("faderskap eller adoption"), default=False)
    legal_hold_reason = models.CharField(_("skäl för bevarande"), max_length=400, blank=True)
    legal_hold_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="+", verbose_name=_("bevarande satt av"))
    legal_hold_at = models.DateTimeField(_("bevarande satt"), null=True, blank=True)

    class Meta:
        verbose_name = _("gallringsuppgift för ärende")
        verbose_name_plural = _("gallringsuppgifter för ärenden")
        constraints = [
            models.CheckConstraint(
                condition=Q(legal_hold_reason="", legal_hold_by__isnull=True, legal_hold_at__isnull=True)
                | (~Q(legal_hold_reason="") & Q(legal_hold_by__isnull=False, legal_hold_at__isnull=False)),
                name="caseretention_hold_has_reason_and_who",
            ),
        ]

    def __str__(self) -> str:
        return f"Gallringsuppgift för ärende {self.case_id}"

    @property
    def on_legal_hold(self) -> bool:
        return bool(self.legal_hold_reason)


class RetentionRecord(models.Model):
    """What one gallring run removed in one category: counts only, never names, numbers or text."""

    run_at = models.DateTimeField(_("gallrat"))
    run_by = models.CharField(_("utfört av"), max_length=150)
    category = models.CharField(_("handlingstyp"), max_length=30, choices=RetentionCategory.choices)
    personakter = models.PositiveIntegerField(_("personakter"))
    cases = models.PositiveIntegerField(_("ärenden"))
    rows = models.PositiveIntegerField(_("rader i databasen"))

    class Meta:
        ordering = ["-run_at", "category"]
        verbose_name = _("gallringsprotokoll")
        verbose_name_plural = _("gallringsprotokoll")

    def __str__(self) -> str:
        return f"Gallring {self.run_at:%Y-%m-%d} {self.category}"


class PersonaktActivity(models.Model):
    """The database view socialtjanst_personakt_activity (migration 0013): per person the date of the last
    entry in the personakt and whether anything is still going on. The one definition of 'last entry'.

    PostgreSQL refuses to change the type of a column a view reads: a migration that alters one of the case
    flow's date, status or created_at columns drops the view first and creates it again (ACTIVITY_VIEW)."""

    person_id = models.BigIntegerField(primary_key=True)
    last_entry = models.DateField()
    ongoing = models.BooleanField()

    class Meta:
        managed = False
        db_table = "socialtjanst_personakt_activity"

    def __str__(self) -> str:
        return f"Personakt {self.person_id}: {self.last_entry}"
