from django.apps import AppConfig


class SocialtjanstConfig(AppConfig):
    name = "socialtjanst"
    verbose_name = "Socialtjänst – ärenden"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Registers this app's reports (socialtjanst.reporting); modules added by the statistics work.
        from importlib import import_module
        from importlib.util import find_spec

        for module in ("socialtjanst.report_defs", "socialtjanst.report_defs_intake"):
            if find_spec(module):
                import_module(module)
