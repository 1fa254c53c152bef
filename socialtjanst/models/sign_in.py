from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ExternalIdentity(models.Model):
    """An account's identity at the municipality's identity provider (OIDC): the issuer and the value of
    the configured user claim. A log-in through the IdP reaches only an account that holds such a row
    (socialtjanst.oidc); the IdP alone never creates one with rights."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="external_identities",
        verbose_name=_("användare"),
    )
    issuer = models.CharField(_("utfärdare (issuer)"), max_length=255)
    subject = models.CharField(_("identitet hos IdP (subject)"), max_length=255)
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)

    class Meta:
        verbose_name = _("extern identitet")
        verbose_name_plural = _("externa identiteter")
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="externalidentity_issuer_subject_unique"),
            models.CheckConstraint(
                condition=~models.Q(issuer="") & ~models.Q(subject=""), name="externalidentity_not_blank"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject} ({self.issuer})"
