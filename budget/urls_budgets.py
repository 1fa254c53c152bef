from django.urls import path

from .views import budgets

urlpatterns = [
    path("budget/", budgets.BudgetListView.as_view(), name="budget_list"),
    path("budget/export/", budgets.budget_export, name="budget_export"),
    path("budget/import/", budgets.budget_import, name="budget_import"),
    path("budget/create/", budgets.budget_create, name="budget_create"),
    path("budget/<int:pk>/update/", budgets.budget_update, name="budget_update"),
    path("verksamheter/", budgets.CostCentreListView.as_view(), name="costcentre_list"),
    path("verksamheter/create/", budgets.costcentre_create, name="costcentre_create"),
    path("verksamheter/<int:pk>/update/", budgets.costcentre_update, name="costcentre_update"),
    path("verksamheter/koppling/", budgets.costcentre_mapping, name="costcentre_mapping"),
]
