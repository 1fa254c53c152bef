from .budgets import Budget, BudgetMonthShare, VolumeUnit
from .costcentres import CostCentre, CostCentreMapping
from .facts import DirtyMonth, MonthClosing, MonthlyFact
from .forecasts import ForecastAdjustment, ForecastLine
from .tasks import TaskDelivery, TaskFailure

__all__ = [
    "Budget", "BudgetMonthShare", "CostCentre", "CostCentreMapping", "DirtyMonth", "ForecastAdjustment",
    "ForecastLine", "MonthClosing", "MonthlyFact", "TaskDelivery", "TaskFailure", "VolumeUnit",
]
