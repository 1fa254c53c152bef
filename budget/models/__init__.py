from .budgets import Budget, BudgetMonthShare, VolumeUnit
from .costcentres import CostCentre, CostCentreMapping
from .facts import DirtyMonth, DirtySlice, MonthClosing, MonthlyFact
from .forecasts import ForecastAdjustment, ForecastLine
from .ledger import (
    AccountMapping,
    Accrual,
    ClosingOverride,
    LedgerBudget,
    LedgerEntry,
    LedgerImport,
    LedgerLine,
    LedgerSettings,
)
from .tasks import TaskDelivery, TaskFailure

__all__ = [
    "AccountMapping", "Accrual", "ClosingOverride", "LedgerBudget", "LedgerEntry", "LedgerImport", "LedgerLine",
    "LedgerSettings",
    "Budget", "BudgetMonthShare", "CostCentre", "CostCentreMapping", "DirtyMonth", "DirtySlice", "ForecastAdjustment",
    "ForecastLine", "MonthClosing", "MonthlyFact", "TaskDelivery", "TaskFailure", "VolumeUnit",
]
