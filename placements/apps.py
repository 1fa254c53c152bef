from django.apps import AppConfig


class PlacementsConfig(AppConfig):
    name = "placements"
    verbose_name = "Placeringar"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import report_defs_stability  # noqa: F401  (registers the stability report, issue 16 point 5)
