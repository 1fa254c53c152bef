from django.apps import AppConfig


class BudgetConfig(AppConfig):
    name = "budget"
    verbose_name = "Budget och uppföljning"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import report_defs, signals  # noqa: F401  (report_defs registers the budget reports)
        from . import report_defs_familjehem as familjehem_report_defs  # noqa: F401  (issue 20's reports)
        from .ledger import report_defs as ledger_report_defs  # noqa: F401  (the ledger reports, issue 17)

        signals.connect()
