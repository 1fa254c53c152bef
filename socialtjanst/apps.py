from django.apps import AppConfig


class SocialtjanstConfig(AppConfig):
    name = "socialtjanst"
    verbose_name = "Socialtjänst – ärenden"
    default_auto_field = "django.db.models.BigAutoField"
