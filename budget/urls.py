from django.urls import include, path

from .views import closing

app_name = "budget"

urlpatterns = [
    path("bokslut/", closing.closing_list, name="closing_list"),
    path("bokslut/stang/", closing.close, name="closing_close"),
    path("bokslut/<int:pk>/ateroppna/", closing.reopen, name="closing_reopen"),
    path("prognos/", closing.forecast, name="forecast"),
    path("prognos/justering/", closing.forecast_adjust, name="forecast_adjust"),
    path("", include("budget.urls_budgets")),
    path("", include("budget.urls_reports")),
    path("", include("budget.urls_ledger")),
]
