"""The case flow of shared/domain.md §3: aktualisering → förhandsbedömning → utredning
→ beslut → insats. Date order within a row is a CHECK; across rows, a constraint
trigger (migration 0004). Nothing here is ever hard-deleted."""

import pghistory
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common.date_window import timestamp_window_check, window_check

from .case import Case
from .org import TargetGroup, Unit


class IntakeKind(models.TextChoices):
    REPORT = "orosanmalan", _("Orosanmälan")
    APPLICATION = "ansokan", _("Ansökan")
    INFORMATION = "information", _("Information")
    OWN_INITIATIVE = "eget_initiativ", _("Eget initiativ")


class Channel(models.TextChoices):
    E_SERVICE = "e_tjanst", _("E-tjänst")
    PHONE = "telefon", _("Telefon")
    LETTER = "brev", _("Brev")
    EMAIL = "e_post", _("E-post")
    VISIT = "besok", _("Besök")
    OTHER = "annat", _("Annat")


class ReporterCategory(models.TextChoices):
    SOCIAL_SERVICES_OWN = "socialtjanst_egen", _("Socialtjänst, egen nämnd")
    SOCIAL_SERVICES_OTHER = "socialtjanst_annan", _("Socialtjänst, annan kommun")
    POLICE = "polis", _("Polis")
    SCHOOL = "skola", _("Skola")
    PRESCHOOL = "forskola", _("Förskola")
    HEALTH_CARE = "halso_sjukvard", _("Hälso- och sjukvård")
    DENTAL_CARE = "tandvard", _("Tandvård")
    PUBLIC = "allmanhet", _("Allmänhet")
    RELATIVE = "anhorig", _("Anhörig")
    OTHER_AUTHORITY = "annan_myndighet", _("Annan myndighet")
    ANONYMOUS = "anonym", _("Anonym")
    SELF = "den_enskilde", _("Den enskilde själv")
    OTHER = "annan", _("Annan")


class ConcernCategory(models.TextChoices):
    VIOLENCE = "vald", _("Barnets miljö: våld")
    CAREGIVER_ADDICTION = "missbruk_vardnadshavare", _("Barnets miljö: missbruk hos vårdnadshavare")
    CAREGIVER_MENTAL_HEALTH = "psykisk_ohalsa_vardnadshavare", _("Barnets miljö: psykisk ohälsa hos vårdnadshavare")
    NEGLECT = "brister_omsorg", _("Barnets miljö: brister i omsorgen")
    HONOUR = "hedersrelaterat", _("Barnets miljö: hedersrelaterat")
    CRIME = "kriminalitet", _("Barnets beteende: kriminalitet")
    SUBSTANCE_USE = "missbruk_barn", _("Barnets beteende: missbruk")
    SCHOOL_ABSENCE = "skolfranvaro", _("Barnets beteende: skolfrånvaro")
    CHILD_MENTAL_HEALTH = "psykisk_ohalsa_barn", _("Barnets beteende: psykisk ohälsa")
    OTHER = "annat", _("Annat")


class SafetyResult(models.TextChoices):
    URGENT = "akut_skyddsbehov", _("Akut skyddsbehov")
    NOT_URGENT = "inget_akut_skyddsbehov", _("Inget akut skyddsbehov")


class EServiceClient(models.Model):
    """A municipal e-tjänst allowed to post orosanmälningar; authenticated by a token whose
    SHA-256 is stored, never the token itself."""

    name = models.CharField(_("namn"), max_length=100, unique=True)
    token_sha256 = models.CharField(_("tokenhash"), max_length=64, unique=True)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, verbose_name=_("mottagningsenhet"))
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, verbose_name=_("systemanvändare"),
        help_text=_("Den användare som e-tjänstens registreringar loggas på."),
    )
    active = models.BooleanField(_("aktiv"), default=True)

    class Meta:
        verbose_name = _("e-tjänstklient")
        verbose_name_plural = _("e-tjänstklienter")

    def __str__(self) -> str:
        return self.name


@pghistory.track()
class Intake(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="intakes", verbose_name=_("ärende"))
    kind = models.CharField(_("typ"), max_length=20, choices=IntakeKind.choices)
    received_at = models.DateTimeField(_("inkom"))
    received_on = models.DateField(_("inkom (datum)"), db_index=True)
    channel = models.CharField(_("kanal"), max_length=20, choices=Channel.choices)
    target_group = models.CharField(_("målgrupp"), max_length=20, choices=TargetGroup.choices)
    reporter_category = models.CharField(_("anmälare"), max_length=30, choices=ReporterCategory.choices, blank=True)
    reporter_contact = models.CharField(_("anmälarens kontaktuppgifter"), max_length=300, blank=True)
    concern_categories = ArrayField(
        models.CharField(max_length=40, choices=ConcernCategory.choices), default=list, blank=True,
        verbose_name=_("oro gäller"),
    )
    concern_text = models.TextField(_("beskrivning"), blank=True)
    safety_assessed_on = models.DateField(_("omedelbar skyddsbedömning"), null=True, blank=True)
    safety_result = models.CharField(_("skyddsbedömningens resultat"), max_length=30, choices=SafetyResult.choices,
                                     blank=True)
    e_service_client = models.ForeignKey(EServiceClient, on_delete=models.PROTECT, null=True, blank=True,
                                         verbose_name=_("e-tjänst"))
    external_reference = models.CharField(_("extern referens"), max_length=100, null=True, blank=True)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                      verbose_name=_("registrerad av"))
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("aktualisering")
        verbose_name_plural = _("aktualiseringar")
        constraints = [
            models.CheckConstraint(condition=Q(safety_assessed_on__isnull=True) | Q(safety_assessed_on__gte=models.F(
                "received_on")), name="intake_safety_after_received"),
            models.CheckConstraint(condition=Q(safety_assessed_on__isnull=True, safety_result="")
                                   | Q(safety_assessed_on__isnull=False) & ~Q(safety_result=""),
                                   name="intake_safety_date_and_result_together"),
            models.CheckConstraint(condition=Q(reporter_category="") | Q(reporter_category__in=ReporterCategory.values),
                                   name="intake_reporter_category_valid"),
            models.UniqueConstraint(fields=["e_service_client", "external_reference"], nulls_distinct=False,
                                    condition=Q(external_reference__isnull=False),
                                    name="intake_external_reference_unique"),
            timestamp_window_check("intake", "received_at"),
            window_check("intake", "received_on", nullable=False),
            window_check("intake", "safety_assessed_on"),
        ]

    def __str__(self) -> str:
        return f"Aktualisering {self.pk}"


class ScreeningOutcome(models.TextChoices):
    OPEN = "inleda", _("Inleda utredning")
    NOT_OPEN = "inte_inleda", _("Inte inleda utredning")
    LINK = "koppla", _("Koppla till pågående utredning")


@pghistory.track()
class Screening(models.Model):
    """Förhandsbedömning: one per intake, one outcome."""

    intake = models.OneToOneField(Intake, on_delete=models.PROTECT, related_name="screening",
                                  verbose_name=_("aktualisering"))
    decided_on = models.DateField(_("beslutsdatum"))
    outcome = models.CharField(_("beslut"), max_length=20, choices=ScreeningOutcome.choices)
    extraordinary_reason = models.TextField(_("synnerliga skäl"), blank=True)
    extended_due_on = models.DateField(_("förlängd tidsfrist"), null=True, blank=True)
    # When the synnerliga skäl were decided: only a decision within the 14 days moves the deadline
    # (deadlines.screening_due); it may come before the förhandsbedömning itself.
    extension_decided_on = models.DateField(_("synnerliga skäl beslutade"), null=True, blank=True)
    linked_investigation = models.ForeignKey("Investigation", on_delete=models.PROTECT, null=True, blank=True,
                                             related_name="linked_screenings", verbose_name=_("kopplad utredning"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("beslutad av"))

    class Meta:
        verbose_name = _("förhandsbedömning")
        verbose_name_plural = _("förhandsbedömningar")
        constraints = [
            models.CheckConstraint(condition=Q(extended_due_on__isnull=True) | ~Q(extraordinary_reason=""),
                                   name="screening_extension_needs_reason"),
            models.CheckConstraint(condition=Q(extended_due_on__isnull=True, extension_decided_on__isnull=True)
                                   | Q(extended_due_on__isnull=False, extension_decided_on__isnull=False),
                                   name="screening_extension_has_decision_date"),
            models.CheckConstraint(condition=Q(extension_decided_on__isnull=True)
                                   | Q(extension_decided_on__lte=models.F("decided_on")),
                                   name="screening_extension_decided_before_screening"),
            models.CheckConstraint(condition=Q(outcome="koppla", linked_investigation__isnull=False)
                                   | ~Q(outcome="koppla") & Q(linked_investigation__isnull=True),
                                   name="screening_link_only_when_linking"),
            window_check("screening", "decided_on", nullable=False),
            window_check("screening", "extended_due_on"),
            window_check("screening", "extension_decided_on"),
        ]

    def __str__(self) -> str:
        return f"Förhandsbedömning {self.pk}"


class Track(models.TextChoices):
    FIRST_LINE = "forsta_linjen", _("Första linjen")
    SECOND_LINE = "andra_linjen", _("Andra linjen")
    FBI = "fbi", _("FBI (familjebehandlande insats)")
    VIOLENCE_TEAM = "utredningsteam_vald", _("Utredningsteam våld")


class InvestigationOutcome(models.TextChoices):
    INTERVENTION = "insats", _("Insats beviljas / beslut fattas")
    NO_INTERVENTION = "ingen_insats", _("Ingen insats")
    TRANSFERRED = "overflyttad", _("Överflyttad till annan kommun")
    DISCONTINUED = "nedlagd", _("Nedlagd")


@pghistory.track()
class Investigation(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="investigations", verbose_name=_("ärende"))
    screening = models.OneToOneField(Screening, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="investigation", verbose_name=_("förhandsbedömning"))
    started_on = models.DateField(_("påbörjad"), db_index=True)
    track = models.CharField(_("spår"), max_length=30, choices=Track.choices, default=Track.SECOND_LINE)
    responsible = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("ansvarig utredare"))
    completed_on = models.DateField(_("avslutad"), null=True, blank=True)
    outcome = models.CharField(_("utfall"), max_length=20, choices=InvestigationOutcome.choices, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-started_on", "-pk"]
        verbose_name = _("utredning")
        verbose_name_plural = _("utredningar")
        constraints = [
            models.CheckConstraint(condition=Q(completed_on__isnull=True) | Q(completed_on__gte=models.F("started_on")),
                                   name="investigation_completed_after_started"),
            models.CheckConstraint(condition=Q(completed_on__isnull=True, outcome="")
                                   | Q(completed_on__isnull=False) & ~Q(outcome=""),
                                   name="investigation_completion_has_outcome"),
            window_check("investigation", "started_on", nullable=False),
            window_check("investigation", "completed_on"),
        ]

    def __str__(self) -> str:
        return f"Utredning {self.pk}"


class InvestigationExtension(models.Model):
    """Förlängningsbeslut (särskilda skäl): sets a new due date."""

    investigation = models.ForeignKey(Investigation, on_delete=models.PROTECT, related_name="extensions",
                                      verbose_name=_("utredning"))
    decided_on = models.DateField(_("beslutsdatum"))
    new_due_on = models.DateField(_("ny tidsfrist"))
    reason = models.TextField(_("särskilda skäl"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("beslutad av"))

    class Meta:
        ordering = ["decided_on", "pk"]
        verbose_name = _("förlängningsbeslut")
        verbose_name_plural = _("förlängningsbeslut")
        constraints = [
            models.CheckConstraint(condition=Q(new_due_on__gt=models.F("decided_on")),
                                   name="investigationextension_due_after_decision"),
            models.CheckConstraint(condition=~Q(reason=""), name="investigationextension_reason_required"),
            window_check("investigationextension", "decided_on", nullable=False),
            window_check("investigationextension", "new_due_on", nullable=False),
        ]

    def __str__(self) -> str:
        return f"Förlängning {self.pk}"


class ChildInterview(models.Model):
    """Barnsamtal held on a date, or the documented reason none was held."""

    investigation = models.ForeignKey(Investigation, on_delete=models.PROTECT, related_name="child_interviews",
                                      verbose_name=_("utredning"))
    held_on = models.DateField(_("genomfört"), null=True, blank=True)
    not_held_reason = models.TextField(_("skäl till att barnsamtal inte hållits"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("registrerat av"))

    class Meta:
        verbose_name = _("barnsamtal")
        verbose_name_plural = _("barnsamtal")
        constraints = [
            models.CheckConstraint(condition=Q(held_on__isnull=False, not_held_reason="")
                                   | Q(held_on__isnull=True) & ~Q(not_held_reason=""),
                                   name="childinterview_held_or_reason"),
            window_check("childinterview", "held_on"),
        ]

    def __str__(self) -> str:
        return f"Barnsamtal {self.pk}"


class LegalBasis(models.TextChoices):
    SOL = "SoL", "SoL"
    LVU = "LVU", "LVU"
    LVM = "LVM", "LVM"
    LSB = "LSB", "LSB"


class DecisionKind(models.TextChoices):
    GRANTED = "bistand", _("Bistånd beviljas")
    REFUSED = "avslag", _("Avslag")
    IMMEDIATE_CUSTODY = "omedelbart_omhandertagande", _("Omedelbart omhändertagande")
    CARE = "vard", _("Vård")
    OTHER = "annat", _("Annat")


# Decisions that grant something: the ones verkställighet (3 months) applies to.
FAVOURABLE_DECISION_KINDS = (DecisionKind.GRANTED, DecisionKind.CARE, DecisionKind.IMMEDIATE_CUSTODY)


@pghistory.track()
class Decision(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="decisions", verbose_name=_("ärende"))
    investigation = models.ForeignKey(Investigation, on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="decisions", verbose_name=_("utredning"))
    legal_basis = models.CharField(_("lagrum"), max_length=5, choices=LegalBasis.choices)
    kind = models.CharField(_("beslutstyp"), max_length=30, choices=DecisionKind.choices)
    decided_on = models.DateField(_("beslutsdatum"), db_index=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("beslutad av"))
    voided_reason = models.TextField(_("makulerad, skäl"), blank=True)

    class Meta:
        ordering = ["-decided_on", "-pk"]
        verbose_name = _("beslut")
        verbose_name_plural = _("beslut")
        constraints = [window_check("decision", "decided_on", nullable=False)]

    def __str__(self) -> str:
        return f"Beslut {self.pk}"


class InterventionKind(models.TextChoices):
    OPEN_CARE = "oppenvard", _("Öppenvård")
    CONTACT_FAMILY = "kontaktfamilj", _("Kontaktfamilj / kontaktperson")
    PLACEMENT = "placering", _("Placering")
    SUPPORTED_HOUSING = "stodboende", _("Stödboende")
    OTHER = "annat", _("Annan insats")


@pghistory.track()
class Intervention(models.Model):
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="interventions",
                                 verbose_name=_("beslut"))
    kind = models.CharField(_("insats"), max_length=20, choices=InterventionKind.choices)
    started_on = models.DateField(_("verkställd"), null=True, blank=True)
    ended_on = models.DateField(_("avslutad"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("insats")
        verbose_name_plural = _("insatser")
        constraints = [
            models.CheckConstraint(condition=Q(ended_on__isnull=True) | Q(started_on__isnull=False)
                                   & Q(ended_on__gte=models.F("started_on")),
                                   name="intervention_ended_after_started"),
            window_check("intervention", "started_on"),
            window_check("intervention", "ended_on"),
        ]

    def __str__(self) -> str:
        return f"Insats {self.pk}"
