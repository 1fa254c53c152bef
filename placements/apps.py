from django.apps import AppConfig


class PlacementsConfig(AppConfig):
    name = "placements"
    verbose_name = "Placeringar"
    default_auto_field = "django.db.models.BigAutoField"
