from django.apps import AppConfig


class SocialtjanstConfig(AppConfig):
    name = "socialtjanst"
    verbose_name = "Socialtjänst – ärenden"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Registers this app's reports in common.reporting (deadlines, intake_statistics, the follow-up
        # tables), and the receivers that write log-in, failed log-in, lock-out and log-out rows to the access log.
        from socialtjanst import (
            auth_events,  # noqa: F401
            kept_tables,  # noqa: F401 - registers the kept report tables with common.kept
        )
        from socialtjanst.followup import (  # noqa: F401
            report_defs,
            report_defs_followup,
            report_defs_intake,
            report_defs_reactualisation,  # Återaktualisering (socialtjanst.followup.reactualisation)
            report_defs_workload,  # Arbetsbelastning (socialtjanst.workload)
        )
