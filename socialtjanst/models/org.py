from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TargetGroup(models.TextChoices):
    CHILDREN = "barn_unga", _("Barn och unga")
    ADULTS = "vuxna", _("Vuxna")


class Unit(models.Model):
    """An organisational unit (enhet); access to case data is scoped by unit."""

    code = models.CharField(_("kod"), max_length=40, unique=True)
    name = models.CharField(_("namn"), max_length=200)
    target_group = models.CharField(_("målgrupp"), max_length=20, choices=TargetGroup.choices)
    is_intake = models.BooleanField(_("mottagningsenhet"), default=False)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="UnitMembership", related_name="units", verbose_name=_("medlemmar")
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("enhet")
        verbose_name_plural = _("enheter")

    def __str__(self) -> str:
        return self.name


class UnitMembership(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, verbose_name=_("användare"))
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, verbose_name=_("enhet"))

    class Meta:
        verbose_name = _("enhetsmedlemskap")
        verbose_name_plural = _("enhetsmedlemskap")
        constraints = [models.UniqueConstraint(fields=["user", "unit"], name="unitmembership_unique")]

    def __str__(self) -> str:
        return f"{self.user} – {self.unit}"
