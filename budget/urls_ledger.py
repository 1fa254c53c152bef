from django.urls import path

from .views import ledger

urlpatterns = [
    path("huvudbok/", ledger.ledger_import, name="ledger_import"),
    path("huvudbok/installningar/", ledger.ledger_settings_save, name="ledger_settings"),
    path("huvudbok/konton/", ledger.account_mapping, name="ledger_accounts"),
    path("huvudbok/avstamning/", ledger.reconciliation_page, name="ledger_reconciliation"),
    path("huvudbok/avstamning/periodisering/", ledger.accrual_save, name="ledger_accrual"),
    path("huvudbok/avstamning/export.<str:fmt>", ledger.accrual_export, name="ledger_accrual_export"),
    path("huvudbok/tertialpaket/export.xlsx", ledger.tertial_package, name="ledger_tertial"),
    path("huvudbok/tertialpaket/export.<str:fmt>", ledger.tertial_package, name="ledger_tertial_format"),
]
