from django.apps import AppConfig


class PlacementsConfig(AppConfig):
    name = "placements"
    verbose_name = "Placeringar"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Lex lilla hjärtat's Att göra parts (socialtjanst.todo_sources) and the stability report (issue 16): imported
        # here, not from placements/clocks.py, which they import (a circle otherwise).
        from . import (  # noqa: F401
            kept_tables,  # noqa: F401 - registers the kept table with common.kept
            lilla_hjartat_clocks,
            report_defs_stability,
        )
