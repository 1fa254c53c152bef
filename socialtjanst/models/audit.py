from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _


class AccessAction(models.TextChoices):
    VIEW = "view", _("Visning")
    SEARCH = "search", _("Sökning")
    LIST = "list", _("Lista")
    EXPORT = "export", _("Export")
    CREATE = "create", _("Skapande")
    CHANGE = "change", _("Ändring")
    DELETE = "delete", _("Borttagning")
    DENIED = "denied", _("Nekad åtkomst")
    LOGIN = "login", _("Inloggning")
    LOGIN_FAILED = "login_fail", _("Misslyckad inloggning")
    LOCKOUT = "lockout", _("Utelåsning")
    LOGOUT = "logout", _("Utloggning")
    GRANT = "grant", _("Behörighetsändring")


class AccessEvent(models.Model):
    """One row of the access log (loggkontroll 'Behörighet missbrukas').

    Written in the same transaction as the work it records. The application's
    database role may only INSERT and SELECT this table (see migration 0002).
    """

    at = models.DateTimeField(_("tidpunkt"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("användare")
    )
    username = models.CharField(_("användarnamn"), max_length=150)
    roles = models.CharField(_("roll"), max_length=200, blank=True)
    actor_unit_ids = ArrayField(models.BigIntegerField(), default=list, verbose_name=_("användarens enheter"))
    action = models.CharField(_("åtgärd"), max_length=10, choices=AccessAction.choices)
    object_type = models.CharField(_("objekttyp"), max_length=60)
    object_id = models.BigIntegerField(_("objekt-id"), null=True)
    person_ids = ArrayField(models.BigIntegerField(), default=list, verbose_name=_("berörda personer"))
    object_unit_ids = ArrayField(models.BigIntegerField(), default=list, verbose_name=_("objektets enheter"))
    outside_own_units = models.BooleanField(_("utanför egna enheter"), default=False)
    protected_person = models.BooleanField(_("skyddad person"), default=False)
    criteria = models.JSONField(_("sökvillkor"), default=dict, blank=True)
    client_ip = models.GenericIPAddressField(_("klientens IP-adress"), null=True)
    request_id = models.UUIDField(_("anrops-id"), null=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("åtkomsthändelse")
        verbose_name_plural = _("åtkomstlogg")
        indexes = [
            models.Index(fields=["user", "at"], name="accessevent_user_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action} {self.object_type} {self.object_id}"
